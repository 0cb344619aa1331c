import { Testing } from 'cdktf';
import { invokeAspects } from 'cdktf/lib/synthesize/synthesizer';
import { addGcpTier2PilotLight } from '../../../../examples/gcp-tier2-pilot-light';
import { checkInputs } from '../../../../lib/checks/check';
import { DrillStep, HA_METADATA_KEY } from '../../../../lib/core';
import { HaCloudSql } from '../../../../lib/tf/google/database';
import { FailoverWorkflows } from '../../../../lib/tf/google/runbooks';
import { recordDrillMeasurement } from '../../../../lib/tf/drill-measurement';
import { resourcesOf, TerraformJson, terraformJson } from '../util';

type Report = ReturnType<typeof checkInputs>;

/** The pilot light as the report sees it: the standby lit and attached, and what still keeps TIER_2 from being met. */
describe('example gcp-tier2-pilot-light: a lit pilot light', () => {
  let json: TerraformJson;
  let report: Report;
  beforeAll(() => {
    const stack = addGcpTier2PilotLight(Testing.app());
    invokeAspects(stack);
    json = terraformJson(stack);
    report = checkInputs({ terraform: [{ name: stack.node.id, json: json as unknown as Record<string, unknown> }] });
  });
  const inRegion = (type: string, region: string) =>
    Object.entries(resourcesOf(json, type)).filter(([, r]) => r.region === region || r.location === region);
  const roleOf = (r: Record<string, unknown>) => (r['//'] as Record<string, { role: string }>)[HA_METADATA_KEY].role;

  test('THEN the standby region has its template, boot-disk key, group and autoscaler (at zero) before any disaster', () => {
    const [[, autoscaler]] = inRegion('google_compute_region_autoscaler', 'europe-west4');
    expect(autoscaler.autoscaling_policy).toEqual(expect.objectContaining({ min_replicas: 0, max_replicas: 6 }));
    expect(roleOf(autoscaler)).toBe('standby');
    expect(inRegion('google_compute_instance_template', 'europe-west4')).toHaveLength(1);
    expect(inRegion('google_compute_region_instance_group_manager', 'europe-west4')).toHaveLength(1);
    const [[ring]] = inRegion('google_kms_key_ring', 'europe-west4').filter(([name]) =>
      name.startsWith('FleetStandby'),
    );
    expect(ring).toBeDefined();
  });

  test('THEN the global backend service sends to both regions’ groups: the standby takes traffic once it scales', () => {
    const services = Object.values(resourcesOf(json, 'google_compute_backend_service'));
    expect(services).toHaveLength(1);
    const groups = (services[0].backend as { group: string; description: string }[]).map((b) => [
      b.group,
      b.description,
    ]);
    const [[standbyGroup]] = inRegion('google_compute_region_instance_group_manager', 'europe-west4');
    expect(groups).toContainEqual([
      `\${google_compute_region_instance_group_manager.${standbyGroup}.instance_group}`,
      'standby fleet in europe-west4',
    ]);
    expect(groups).toHaveLength(2);
  });

  test('THEN the report derives the region RTO over the load balancer and names each step Google does not publish', () => {
    const [service] = report.services;
    const steps = service.derivation.filter((s) => s.quantity === 'regionRto').map((s) => [s.value, s.basis]);
    expect(steps).toEqual(
      expect.arrayContaining([
        [95, expect.stringMatching(/^global load balancer over 2 regions: /)],
        [
          900,
          expect.stringMatching(/^a person is paged, decides to fail over and starts the runbooks within the 900 s/),
        ],
        [
          undefined,
          expect.stringMatching(
            /^Cloud SQL advanced DR replica failover promotes the designated DR replica google_sql_database_instance\.Database_Replica_\w+ .*Google publishes no duration/,
          ),
        ],
        [
          undefined,
          expect.stringMatching(
            /^autoscaler scales the group from 0 to 3: Compute Engine publishes no time .*initialization period 300 s\); at 0 a CPU-driven autoscaler has no instance/,
          ),
        ],
        [
          60,
          expect.stringMatching(/health check for 60 s \(interval × healthy threshold\) before it receives traffic$/),
        ],
      ]),
    );
    // Each unknown step names the drill of its cloud that times it: Google's, not AWS's.
    const unknown = steps.filter(([value]) => value === undefined).map(([, basis]) => basis);
    expect(unknown).toHaveLength(2);
    for (const basis of unknown) {
      expect(basis).toMatch(
        // The drill the templates hold, by its address.
        /; measure it with a region drill \(google_workflows_workflow\.RegionDrill_\w+, a RegionSwitchoverDrill, started by the paged on-call, its result recorded\)$/,
      );
    }
    expect(JSON.stringify(service.derivation)).not.toContain('RegionEvacuationDrill');
    // Started by a person in a stated time, with two steps Google does not time: bounded, and unproven until a drill.
    expect(service.derivation.filter((s) => s.quantity === 'regionRto').pop()).toEqual(
      expect.objectContaining({ value: 95 + 900 + 60, basis: expect.stringMatching(/: unproven until /) }),
    );
    expect(service.status).toEqual(
      // The AZ RTO waits on Cloud SQL's failover, which Google does not time.
      expect.objectContaining({ regionRto: 'unproven', regionRpo: 'unproven', azRto: 'unproven', availability: 'met' }),
    );
  });

  test('THEN the primary is statically stable through a zone loss: 3 zones of one instance for a peak of 2', () => {
    const [service] = report.services;
    const zoneLoss = service.derivation.filter((s) => s.quantity === 'azRto' && s.basis.startsWith('zone loss'));
    // Only the serving group: the standby runs nothing until a failover.
    expect(zoneLoss).toEqual([
      expect.objectContaining({
        resource: expect.stringMatching(/^google_compute_region_instance_group_manager\.FleetPrimary_/),
        value: 0,
        basis: expect.stringContaining('(1 of its minimum 3 over 3 zones, EVEN) the group keeps 2, at least the 2'),
      }),
    ]);
    expect(service.lowerBounds.azRto).toBe(95);
  });

  test('THEN both fleets run the image variable on Container-Optimized OS, checked shallow by autohealing and deep by the load balancer', () => {
    const templates = Object.values(resourcesOf(json, 'google_compute_instance_template'));
    expect(templates).toHaveLength(2);
    for (const template of templates) {
      expect((template.disk as { source_image: string }[])[0].source_image).toBe('cos-cloud/cos-stable');
      expect((template.metadata as Record<string, string>)['user-data']).toContain('--network=host');
      expect((template.metadata as Record<string, string>)['user-data']).toContain('${var.image}');
    }
    const checks = Object.entries(resourcesOf(json, 'google_compute_health_check')).map(
      ([name, c]) => [name.split('_')[0], (c.http_health_check as { request_path: string }).request_path] as const,
    );
    expect(checks.sort()).toEqual([
      ['FleetPrimary', '/health/live'],
      ['FleetStandby', '/health/live'],
      ['Frontend', '/health/ready'],
    ]);
    // Refused at plan unless pinned, in the multi-region that outlives europe-west1.
    const image = (json as unknown as { variable: Record<string, { validation: { condition: string }[] }> }).variable
      .image;
    expect(image.validation[0].condition).toBe(
      'can(regex("^europe-docker[.]pkg[.]dev/[^/]+/[^/]+/[^@]+@sha256:[0-9a-f]{64}$", var.image))',
    );
  });

  test('THEN the runbooks run in the standby region, and a person starts the promotion and the scale-up', () => {
    const workflows = Object.entries(resourcesOf(json, 'google_workflows_workflow')).filter(([name]) =>
      name.startsWith('Runbooks_'),
    );
    expect(workflows.map(([name, w]) => [name.split('_')[1], w.region])).toEqual([
      ['Promotion', 'europe-west4'],
      ['ScaleUp', 'europe-west4'],
      ['Failback', 'europe-west4'],
    ]);
    const steps = workflows.map(([, w]) => (w['//'] as Record<string, unknown>)['ha-constructs:failover-step']);
    expect(steps).toEqual([
      { step: 'promotion', startedBy: 'operator', decisionSeconds: 900 },
      { step: 'scale-up', startedBy: 'operator', decisionSeconds: 900 },
      undefined,
    ]);
  });

  test('THEN a weekly zone drill takes a primary zone out, stopped by the SLO alerts of the primary region', () => {
    const [drill] = Object.entries(resourcesOf(json, 'google_workflows_workflow')).filter(([name]) =>
      name.startsWith('ZoneDrill_'),
    );
    expect(drill[1]).toEqual(
      expect.objectContaining({
        region: 'europe-west1',
        user_env_vars: expect.objectContaining({ HA_ZONE: 'europe-west1-b' }),
      }),
    );
    const [subscription] = Object.entries(resourcesOf(json, 'google_pubsub_subscription'))
      .filter(([n]) => n.startsWith('ZoneDrill_'))
      .map(([, r]) => r);
    expect(subscription.topic).toMatch(/^\$\{google_pubsub_topic\.Paging_Topic-europe-west1_\w+\.id\}$/);
    const [job] = Object.entries(resourcesOf(json, 'google_cloud_scheduler_job'))
      .filter(([n]) => n.startsWith('ZoneDrill_'))
      .map(([, r]) => r);
    expect(job.schedule).toBe('0 10 * * TUE');
  });

  test('THEN a quarterly region drill in the standby region runs the runbooks, stopped by the standby region’s alerts', () => {
    const workflows = resourcesOf(json, 'google_workflows_workflow');
    const [[name, drill]] = Object.entries(workflows).filter(([n]) => n.startsWith('RegionDrill_'));
    const runbook = (id: string) => {
      const [address] = Object.keys(workflows).filter((n) => n.startsWith(`Runbooks_${id}_`));
      return `\${google_workflows_workflow.${address}.name}`;
    };
    expect(drill.region).toBe('europe-west4');
    expect(drill.user_env_vars).toEqual(
      expect.objectContaining({
        HA_PROMOTION_WORKFLOW: runbook('Promotion'),
        HA_SCALE_UP_WORKFLOW: runbook('ScaleUp'),
        HA_FAILBACK_WORKFLOW: runbook('Failback'),
        HA_STOP_SUBSCRIPTION: expect.stringMatching(
          /^\$\{google_pubsub_subscription\.RegionDrill_StopSubscription_\w+\.id\}$/,
        ),
      }),
    );
    const jobs = Object.values(resourcesOf(json, 'google_cloud_scheduler_job')).filter((j) =>
      (j.http_target as { uri: string }).uri.includes(`google_workflows_workflow.${name}.id`),
    );
    expect(jobs.map((j) => [j.schedule, j.region])).toEqual([['0 9 15 1,4,7,10 *', 'europe-west4']]);
    const [subscription] = Object.entries(resourcesOf(json, 'google_pubsub_subscription'))
      .filter(([n]) => n.startsWith('RegionDrill_'))
      .map(([, r]) => r);
    expect(subscription.topic).toMatch(/^\$\{google_pubsub_topic\.Paging_Topic-europe-west4_\w+\.id\}$/);
    // Scheduled within TIER_2's 92 days: HA-DRL4 has nothing to say.
    expect(report.findings.filter((f) => f.rule === 'HA-DRL4')).toEqual([]);
  });

  test('THEN the only error is acknowledged: the unbounded replica lag (HA-DR3); the failover is started', () => {
    expect(report.findings.filter((f) => f.level === 'error')).toEqual([]);
    expect((report.acknowledged ?? []).map((a) => a.rule).sort()).toEqual(['HA-DR3']);
  });
});

describe('example gcp-tier2-pilot-light: least privilege', () => {
  let json: TerraformJson;
  beforeAll(() => {
    json = terraformJson(addGcpTier2PilotLight(Testing.app()));
  });
  /** Every grant to a member, as `[type, role, member, what it is conditioned on or granted on]`. */
  const grantsTo = (members: string[]) =>
    Object.entries(json.resource)
      .filter(([type]) => type.endsWith('_iam_member'))
      .flatMap(([type, byName]) =>
        Object.values(byName)
          .filter((r) => members.includes(r.member as string))
          .map((r) => [
            type,
            r.role,
            (r.condition as { expression?: string } | undefined)?.expression ??
              r.secret_id ??
              r.bucket ??
              r.repository ??
              'project',
          ]),
      );

  test.each(['FleetPrimary', 'FleetStandby'])(
    "THEN %s's service account may use its service's database, secret and bucket, and nothing else",
    (fleet) => {
      const [address] = Object.keys(resourcesOf(json, 'google_service_account')).filter((n) => n.startsWith(fleet));
      const member = `serviceAccount:\${google_service_account.${address}.email}`;
      const database = (json.resource.google_sql_database_instance ?? {}) as Record<string, unknown>;
      const instances = Object.keys(database).map((n) => `\${google_sql_database_instance.${n}.name}`);
      const onDatabase = expect.stringMatching(
        new RegExp(
          `^resource\\.type == 'sqladmin\\.googleapis\\.com/Instance' && \\(${instances
            .map(
              (i) =>
                `resource\\.name == 'projects/\\$\\{data\\.google_project\\.\\w+\\.project_id\\}/instances/${i.replace(/[.${}]/g, '\\$&')}'`,
            )
            .join(' \\|\\| ')}\\)$`,
        ),
      );
      // The account's `member` attribute and `serviceAccount:<email>` name the same principal.
      expect(grantsTo([member, `\${google_service_account.${address}.member}`]).sort()).toEqual(
        [
          // The image's repository, read from the `image` variable: the pull at every boot.
          [
            'google_artifact_registry_repository_iam_member',
            'roles/artifactregistry.reader',
            '${element(split("/", var.image), 2)}',
          ],
          ['google_project_iam_member', 'roles/cloudsql.client', onDatabase],
          ['google_project_iam_member', 'roles/cloudsql.instanceUser', onDatabase],
          ['google_project_iam_member', 'roles/logging.logWriter', 'project'],
          ['google_project_iam_member', 'roles/monitoring.metricWriter', 'project'],
          [
            'google_secret_manager_secret_iam_member',
            'roles/secretmanager.secretAccessor',
            expect.stringMatching(/^\$\{google_secret_manager_secret\.DatabaseCredentials_\w+\.id\}$/),
          ],
          [
            'google_storage_bucket_iam_member',
            'roles/storage.objectViewer',
            expect.stringMatching(/^\$\{google_storage_bucket\.Assets_\w+\.name\}$/),
          ],
        ].sort(),
      );
      // The database's IAM user for this account: IAM database authentication, no password.
      expect(Object.values(resourcesOf(json, 'google_sql_user'))).toContainEqual(
        expect.objectContaining({ type: 'CLOUD_IAM_SERVICE_ACCOUNT', instance: expect.stringContaining('Database') }),
      );
    },
  );
});

describe('example gcp-tier2-pilot-light: what its drills measured, recorded', () => {
  const drill = 'RegionSwitchoverDrill execution 3f2a of catalog-regiondrill';
  /** The report on `today` of the example with its drills' results, `steps`, recorded on `measuredOn`. */
  function recorded(measuredOn: string, today: Date, steps: Record<string, number>) {
    const stack = addGcpTier2PilotLight(Testing.app());
    const runbooks = stack.node.findChild('Runbooks') as FailoverWorkflows;
    const on = {
      decision: stack,
      promotion: runbooks.promotion!,
      'scale-up': runbooks.scaleUp!,
      'zone-evacuation': stack.node.findChild('FleetPrimary'),
      'database-failover': (stack.node.findChild('Database') as HaCloudSql).writer,
    };
    for (const [step, seconds] of Object.entries(steps)) {
      const by =
        step === 'zone-evacuation'
          ? 'ZoneEvacuationDrill execution 9c1e'
          : step === 'database-failover'
            ? 'gcloud sql instances failover of catalog-db, 2026-11-20'
            : drill;
      recordDrillMeasurement(on[step as keyof typeof on], { step: step as DrillStep, seconds, measuredOn, drill: by });
    }
    invokeAspects(stack);
    const json = terraformJson(stack) as unknown as Record<string, unknown>;
    return checkInputs({ terraform: [{ name: stack.node.id, json }] }, { today });
  }
  const TODAY = new Date('2026-12-06T12:00:00Z');
  const stepOf = (service: Report['services'][number], pattern: RegExp) =>
    service.derivation.find((s) => pattern.test(s.basis));

  test('THEN the promotion and scale-up it timed, and the decision of the on-call who started it, make the region RTO met', () => {
    const report = recorded('2026-11-20', TODAY, { decision: 600, promotion: 240, 'scale-up': 420 });
    const [service] = report.services;
    // detection 95 s + the stated 900 s (over the measured 600 s) + max(promotion 240 s, scale-up 420 s) + rejoin 60 s.
    expect(service.regionRtoSeconds).toBe(95 + 900 + 420 + 60);
    expect(service.status.regionRto).toBe('met');
    expect(stepOf(service, /^Cloud SQL advanced DR replica failover/)).toEqual(
      expect.objectContaining({ value: 240, basis: expect.stringContaining(`measured 240 s by ${drill}`) }),
    );
    expect(service.derivation.filter((s) => s.quantity === 'regionRto').pop()!.basis).toMatch(
      /: proven by drill measurements until 2027-02-20$/,
    );
    expect(report.findings.filter((f) => f.rule === 'HA-DRL2')).toEqual([]);
  });

  test('THEN a drill older than TIER_2’s 92 days counts for nothing: the region RTO is unproven again and HA-DRL2 says so', () => {
    const report = recorded('2026-08-01', TODAY, { decision: 600, promotion: 240, 'scale-up': 420 });
    const [service] = report.services;
    expect(service.status.regionRto).toBe('unproven');
    expect(stepOf(service, /^Cloud SQL advanced DR replica failover/)?.value).toBeUndefined();
    expect(report.findings.filter((f) => f.rule === 'HA-DRL2').map((f) => f.message)).toEqual(
      expect.arrayContaining([expect.stringContaining('the promotion measurement of 240 s')]),
    );
  });

  test('THEN without the decision timed, the stated 15 minutes stay unproven whatever the runbooks measured', () => {
    const [service] = recorded('2026-11-20', TODAY, { promotion: 240, 'scale-up': 420 }).services;
    expect(service.status.regionRto).toBe('unproven');
  });

  test('THEN without a timed Cloud SQL failover the AZ RTO is unproven: Google publishes only when one starts', () => {
    const [service] = recorded('2026-11-20', TODAY, { 'zone-evacuation': 200 }).services;
    expect(service.status.azRto).toBe('unproven');
    expect(stepOf(service, /^Cloud SQL HA failover/)).toEqual(
      expect.objectContaining({ value: undefined, basis: expect.stringContaining('gcloud sql instances failover') }),
    );
  });

  test('THEN the zone drill’s recovery raises the AZ RTO above the health check, and past TIER_2’s 300 s it is not met', () => {
    const failover = { 'database-failover': 75 };
    const [within] = recorded('2026-11-20', TODAY, { 'zone-evacuation': 200, ...failover }).services;
    const [beyond] = recorded('2026-11-20', TODAY, { 'zone-evacuation': 420, ...failover }).services;
    expect(stepOf(within, /^forced failover of /)).toEqual(expect.objectContaining({ quantity: 'azRto', value: 75 }));
    const zoneStep = (service: Report['services'][number]) => stepOf(service, /^zone evacuation drill on /);
    expect(zoneStep(within)).toEqual(expect.objectContaining({ quantity: 'azRto', value: 200 }));
    expect([within.azRtoSeconds, within.status.azRto]).toEqual([200, 'met']);
    expect([beyond.azRtoSeconds, beyond.status.azRto]).toEqual([420, 'not-met']);
    // Stale, it is named and counts for nothing: the health check's figure again.
    const [stale] = recorded('2026-08-01', TODAY, { 'zone-evacuation': 420, ...failover }).services;
    expect(zoneStep(stale)?.value).toBeUndefined();
    expect(zoneStep(stale)?.basis).toMatch(/the measurement of 420 s by ZoneEvacuationDrill .* is stale/);
    expect(stale.status.azRto).toBe('unproven');
  });
});
