import { readFileSync } from 'fs';
import { join } from 'path';
import { Testing } from 'cdktf';
import { invokeAspects } from 'cdktf/lib/synthesize/synthesizer';
import { addGcpTier1Gke, GKE_CONTROL_PLANE_IN_SERIES } from '../../../../examples/gcp-tier1-gke';
import { checkInputs } from '../../../../lib/checks/check';
import { HaReport, ServiceReport } from '../../../../lib/checks/report';
import { DrillStep, PUBLISHED_SLAS, ServiceTier } from '../../../../lib/core';
import { recordDrillMeasurement } from '../../../../lib/tf/drill-measurement';
import { FailoverWorkflows } from '../../../../lib/tf/google/runbooks';
import {
  README_TERRAFORM_DIAGRAMS,
  renderReadmeDiagrams,
  terraformExampleDiagrams,
} from '../../../../scripts/readme-diagrams';
import { resourcesOf, TerraformJson, terraformJson } from '../util';

const TIER = ServiceTier.TIER_1;

describe('example gcp-tier1-gke', () => {
  let json: TerraformJson;
  let checked: HaReport;
  let report: ServiceReport;
  beforeAll(() => {
    json = terraformJson(addGcpTier1Gke(Testing.app()));
    const input = JSON.parse(JSON.stringify(json)) as Record<string, unknown>;
    checked = checkInputs({ terraform: [{ name: 'gcp-tier1-gke', json: input }] });
    report = checked.services[0];
  });
  const steps = (quantity: string) => report.derivation.filter((d) => d.quantity === quantity);

  test("THEN availability is under TIER_1's 99.95 %: the pods' Workload Identity puts the control plane in series", () => {
    const inSeries =
      PUBLISHED_SLAS.CLOUD_LOAD_BALANCING *
      PUBLISHED_SLAS.COMPUTE_ENGINE_MULTI_ZONE *
      PUBLISHED_SLAS.GKE_REGIONAL_CONTROL_PLANE *
      PUBLISHED_SLAS.CLOUD_SQL_ENTERPRISE_PLUS_HA;
    expect(report.availability).toBeCloseTo(inSeries, 12);
    expect(report.availability).toBeLessThan(TIER.availabilityTarget);
    expect(report.status.availability).toBe('not-met');
    expect(steps('availability').find((d) => d.figures[0] === 'GKE_REGIONAL_CONTROL_PLANE')?.basis).toBe(
      'us-east4: in series',
    );
    // Without the control plane (pods that need no token from it) the same path would meet the target.
    expect(inSeries / PUBLISHED_SLAS.GKE_REGIONAL_CONTROL_PLANE).toBeGreaterThanOrEqual(TIER.availabilityTarget);
    // Acknowledged so that the example synthesizes: the report still prints the finding, with the reason.
    expect(checked.findings.map((f) => f.rule)).not.toContain('HA-RES1');
    expect((checked.acknowledged ?? []).filter((f) => f.rule === 'HA-RES1').map((f) => [f.message, f.reason])).toEqual([
      [expect.stringContaining('availability 99.920018 % against a target of 99.95 %'), GKE_CONTROL_PLANE_IN_SERIES],
    ]);
  });

  test("THEN the region RTO's known steps fit 900 s, and the promotion Google does not publish leaves it unproven", () => {
    expect(report.lowerBounds.regionRto).toBe(380);
    expect(report.lowerBounds.regionRto).toBeLessThanOrEqual(TIER.regionRtoSeconds);
    expect(report.status.regionRto).toBe('unproven');
    const bases = steps('regionRto').map((d) => d.basis);
    expect(bases).toContainEqual(
      expect.stringMatching(/^Cloud SQL advanced DR replica failover .*publishes no duration/),
    );
    // The standby keeps what the primary keeps: nothing to scale, nothing left unstarted.
    expect(bases.join('\n')).not.toMatch(/nothing starts the|no standby fleet/);
    expect(bases).toContainEqual(expect.stringContaining('scale-up 0 s'));
  });

  test('THEN a region drill rehearses the promotion each quarter, within the 92 days a measurement stays fresh', () => {
    const [drill] = Object.entries(resourcesOf(json, 'google_workflows_workflow'))
      .filter(([name]) => name.startsWith('RegionDrill_'))
      .map(([, r]) => r);
    expect(drill.region).toBe('us-central1');
    const env = drill.user_env_vars as Record<string, string>;
    // It drains us-east4's three zone groups and waits for 9 healthy us-central1 nodes: no scale-up to time.
    expect(env.HA_PRIMARY_INSTANCE_GROUPS).toContain('google_container_node_pool.ClusterPrimary_NodePool');
    expect(env.HA_STANDBY_INSTANCE_GROUPS).toContain('google_container_node_pool.ClusterStandby_NodePool');
    expect(env.HA_SERVING_MIN_INSTANCES).toBe('9');
    expect(env).not.toHaveProperty('HA_SCALE_UP_WORKFLOW');
    const [job] = Object.values(resourcesOf(json, 'google_cloud_scheduler_job')).filter((j) =>
      String((j.http_target as { uri: string }).uri).includes('RegionDrill_'),
    );
    expect([job.schedule, job.time_zone]).toEqual(['0 10 15 2,5,8,11 *', 'America/New_York']);
    expect(checked.findings.filter((f) => f.rule === 'HA-DRL4')).toEqual([]);
    // The report names this drill, present in the templates, for the step it must time.
    expect(steps('regionRto').map((d) => d.basis)).toContainEqual(
      expect.stringMatching(
        /Google publishes no duration for it; measure it with a region drill \(google_workflows_workflow\.RegionDrill_/,
      ),
    );
  });

  test("GIVEN a standby autoscaler below the primary's THEN the report says pods, not instances, must start", () => {
    const copy = JSON.parse(JSON.stringify(json)) as TerraformJson;
    const standby = Object.entries(resourcesOf(copy, 'kubernetes_horizontal_pod_autoscaler_v2')).find(([name]) =>
      name.startsWith('WorkloadStandbyPods'),
    )![1];
    (standby.spec as { min_replicas: number }).min_replicas = 3;
    const smaller = checkInputs({
      terraform: [{ name: 'gcp-tier1-gke', json: copy as unknown as Record<string, unknown> }],
    });
    const scaleUp = smaller.services[0].derivation.find((d) => /scales from 3 to 9/.test(d.basis));
    expect(scaleUp?.basis).toMatch(
      /^Kubernetes workload scales from 3 to 9 pods: each must be scheduled on a node with room/,
    );
    expect(scaleUp?.basis).not.toMatch(/launch time|instances/);
    // And no runbook raises a workload's minimum: the standby never takes over.
    expect(smaller.services[0].derivation.map((d) => d.basis)).toContainEqual(
      expect.stringMatching(/^nothing starts the scale-up/),
    );
    expect(smaller.services[0].status.regionRto).toBe('not-met');
  });

  test('THEN the region RPO is unproven (Cloud SQL publishes no lag bound): an alert watches the lag', () => {
    expect(report.status.regionRpo).toBe('unproven');
    expect(checked.findings.filter((f) => f.rule === 'HA-DR3').map((f) => f.message)).toEqual([
      expect.stringContaining("TIER_1's region RPO of 60 s cannot be shown"),
    ]);
    const alerts = Object.values(resourcesOf(json, 'google_monitoring_alert_policy'));
    expect(alerts.map((a) => String(a.display_name))).toContainEqual(expect.stringMatching(/replica lag/i));
  });

  test("THEN the AZ RTO's known steps fit 120 s; Cloud SQL's failover, which Google does not time, stays unknown", () => {
    expect(report.lowerBounds.azRto).toBe(50);
    expect(report.lowerBounds.azRto).toBeLessThanOrEqual(TIER.azRtoSeconds);
    expect(report.status.azRto).toBe('unproven');
    const bases = steps('azRto').map((d) => d.basis);
    expect(bases).toContainEqual(expect.stringContaining('gcloud sql instances failover'));
    // Local node ports leave a zone on the health check: no step waits for Kubernetes' NotReady grace.
    expect(bases).not.toContainEqual(expect.stringContaining('until the node controller marks their nodes NotReady'));
  });

  test("THEN the load balancer's backends are each zone's node-pool group in both regions, checked through the pods", () => {
    const [backendService] = Object.values(resourcesOf(json, 'google_compute_backend_service'));
    const backends = backendService.backend as { group: string; description: string }[];
    expect(backends.map((b) => b.group.replace(/_[0-9A-F]{8}\./, '.'))).toEqual([
      ...[0, 1, 2].map(
        (i) => `\${element(google_container_node_pool.ClusterPrimary_NodePool.managed_instance_group_urls, ${i})}`,
      ),
      ...[0, 1, 2].map(
        (i) => `\${element(google_container_node_pool.ClusterStandby_NodePool.managed_instance_group_urls, ${i})}`,
      ),
    ]);
    expect(backendService.port_name).toBe('http');
    // It sends to the port name only once every group has it.
    expect(
      (backendService.depends_on as string[]).filter((d) => d.startsWith('google_compute_instance_group_named_port.')),
    ).toHaveLength(6);
    const [check] = Object.values(resourcesOf(json, 'google_compute_health_check'));
    expect(check.http_health_check).toEqual({ port: 30080, request_path: '/health/ready' });
    const services = Object.values(resourcesOf(json, 'kubernetes_service_v1'));
    expect(services.map((s) => s.spec)).toEqual(
      [0, 1].map(() =>
        expect.objectContaining({
          type: 'NodePort',
          external_traffic_policy: 'Local',
          port: [expect.objectContaining({ node_port: 30080, port: 8080 })],
        }),
      ),
    );
  });

  test('THEN each region keeps 9 nodes and 9 pods, 3 a zone: a zone leaves the 6 needed, a region needs no scale-out', () => {
    const pools = Object.values(resourcesOf(json, 'google_container_node_pool'));
    expect(pools.map((p) => (p.autoscaling as { min_node_count: number }).min_node_count)).toEqual([3, 3]);
    const autoscalers = Object.values(resourcesOf(json, 'kubernetes_horizontal_pod_autoscaler_v2'));
    expect(autoscalers.map((a) => (a.spec as { min_replicas: number }).min_replicas)).toEqual([9, 9]);
  });

  test("THEN the pods' Google accounts may connect to the database and nothing else", () => {
    const grants = Object.entries(json.resource)
      .filter(([type]) => type.endsWith('_iam_member'))
      .flatMap(([type, byName]) =>
        Object.values(byName)
          .filter((r) => /WorkloadAccount-ledger/.test(String(r.member)))
          .map((r) => [type, r.role]),
      );
    expect(grants).toEqual(
      [0, 1].flatMap(() => [
        ['google_project_iam_member', 'roles/cloudsql.client'],
        ['google_project_iam_member', 'roles/cloudsql.instanceUser'],
      ]),
    );
    const bindings = Object.values(resourcesOf(json, 'google_service_account_iam_member'));
    expect(bindings.map((b) => [b.role, String(b.member).replace(/^.*\[/, '[')])).toEqual([
      ['roles/iam.workloadIdentityUser', '[default/ledger]'],
      ['roles/iam.workloadIdentityUser', '[default/ledger]'],
    ]);
  });

  test("THEN the README's diagrams are what scripts/readme-diagrams.ts draws from the example", async () => {
    const readme = readFileSync(join(__dirname, '..', '..', '..', '..', 'README.md'), 'utf8');
    const section = (text: string) =>
      text.slice(text.indexOf('<!-- diagrams:ledger:begin'), text.indexOf('<!-- diagrams:ledger:end'));
    expect(section(readme)).toContain('```mermaid');
    expect([
      readme.split('<!-- diagrams:ledger:begin').length,
      readme.split('<!-- diagrams:ledger:end').length,
    ]).toEqual([2, 2]);
    const drawn = renderReadmeDiagrams(readme, await terraformExampleDiagrams(), README_TERRAFORM_DIAGRAMS);
    expect(section(drawn)).toBe(section(readme));
  });
});

describe('example gcp-tier1-gke: what its region drill measured, recorded', () => {
  const drill = 'RegionSwitchoverDrill execution 7c41 of ledger-regiondrill';
  const TODAY = new Date('2026-12-06T12:00:00Z');
  /** The report on `today` of the example with its drill's results, `steps`, recorded on `measuredOn`. */
  function recorded(measuredOn: string, steps: Partial<Record<DrillStep, number>>) {
    const stack = addGcpTier1Gke(Testing.app());
    const runbooks = stack.node.findChild('Runbooks') as FailoverWorkflows;
    for (const [step, seconds] of Object.entries(steps)) {
      // The decision is the whole service's; the promotion is its runbook's.
      const on = step === 'decision' ? stack : runbooks.promotion!;
      recordDrillMeasurement(on, { step: step as DrillStep, seconds, measuredOn, drill });
    }
    invokeAspects(stack);
    const json = terraformJson(stack) as unknown as Record<string, unknown>;
    return checkInputs({ terraform: [{ name: stack.node.id, json }] }, { today: TODAY });
  }
  const promotionStep = (service: ServiceReport) =>
    service.derivation.find((d) => /^Cloud SQL advanced DR replica failover/.test(d.basis));

  test("THEN the promotion it timed and the on-call's decision make the region RTO met: 50 + 300 + 200 + 30 s", () => {
    const [service] = recorded('2026-11-15', { decision: 240, promotion: 200 }).services;
    // detection 50 s + the stated 300 s (over the measured 240 s) + promotion 200 s + the standby's rejoin 30 s.
    expect(service.regionRtoSeconds).toBe(50 + 300 + 200 + 30);
    expect(service.status.regionRto).toBe('met');
    expect(promotionStep(service)).toEqual(
      expect.objectContaining({ value: 200, basis: expect.stringContaining(`measured 200 s by ${drill}`) }),
    );
  });

  test('THEN a promotion that takes longer than the 900 s left over is measured, and the region RTO is not met', () => {
    const [service] = recorded('2026-11-15', { decision: 240, promotion: 700 }).services;
    expect(service.regionRtoSeconds).toBe(50 + 300 + 700 + 30);
    expect(service.status.regionRto).toBe('not-met');
  });

  test("THEN older than TIER_1's 92 days, or without the decision timed, it stays unproven", () => {
    const [stale] = recorded('2026-08-01', { decision: 240, promotion: 200 }).services;
    expect(stale.status.regionRto).toBe('unproven');
    expect(promotionStep(stale)?.value).toBeUndefined();
    const [undecided] = recorded('2026-11-15', { promotion: 200 }).services;
    expect(undecided.status.regionRto).toBe('unproven');
  });
});
