import { ComputeFirewall } from '@cdktf/provider-google/lib/compute-firewall';
import { ComputeHealthCheck } from '@cdktf/provider-google/lib/compute-health-check';
import { ComputeInstanceTemplate } from '@cdktf/provider-google/lib/compute-instance-template';
import { ComputeRegionAutoscaler } from '@cdktf/provider-google/lib/compute-region-autoscaler';
import { ComputeRegionInstanceGroupManager } from '@cdktf/provider-google/lib/compute-region-instance-group-manager';
import { ComputeResourcePolicy } from '@cdktf/provider-google/lib/compute-resource-policy';
import { TerraformVariable, Testing } from 'cdktf';
import { Construct } from 'constructs';
import { invokeAspects } from 'cdktf/lib/synthesize/synthesizer';
import { checkInputs } from '../../../lib/checks/check';
import { HA_METADATA_KEY, HaRole, ServiceTier } from '../../../lib/core';
import { RegionalFleet, RegionalFleetProps } from '../../../lib/tf/google/fleet';
import { GlobalFrontend } from '../../../lib/tf/google/frontend';
import { RegionalNetwork } from '../../../lib/tf/google/network';
import { onlyResource, TerraformJson, terraformJson, testStack, warningsOf } from './util';

Testing.setupJest();

const ZONES = ['us-central1-a', 'us-central1-b', 'us-central1-c'];
const DIGEST = 'a'.repeat(64);
/** A pinned image in Artifact Registry's `us` multi-region: what a fleet in us-central1 should run. */
const IMAGE = `us-docker.pkg.dev/shop-artifacts/catalog/api@sha256:${DIGEST}`;

function fleet(scope: Construct, props: Partial<RegionalFleetProps> = {}): RegionalFleet {
  const tier = props.tier ?? ServiceTier.TIER_0;
  const network = new RegionalNetwork(scope, 'Network', { tier, regions: ['us-central1', 'us-east1'] });
  return new RegionalFleet(scope, 'Fleet', {
    tier,
    network,
    region: 'us-central1',
    zones: ZONES,
    container: { image: IMAGE },
    ...props,
  });
}

describe('RegionalFleet', () => {
  test('GIVEN TIER_0 needing 4 instances over 3 zones THEN the minimum keeps 4 after a zone loss (statically stable)', () => {
    const synth = Testing.synthScope((scope) => {
      fleet(scope, { requiredInstances: 4 });
    });
    expect(synth).toHaveResourceWithProperties(ComputeRegionAutoscaler, {
      region: 'us-central1',
      autoscaling_policy: expect.objectContaining({
        min_replicas: 6,
        max_replicas: 12,
        mode: 'ON',
        cpu_utilization: { target: 0.5 },
      }),
    });
  });

  // One name and unit per concept: percent, as on AWS; the deprecated fraction is read as percent / 100.
  test('GIVEN targetCpuPercent 60 or the deprecated targetCpuUtilization 0.6 THEN the autoscaler holds 0.6', () => {
    for (const props of [{ targetCpuPercent: 60 }, { targetCpuUtilization: 0.6 }]) {
      const synth = Testing.synthScope((scope) => {
        fleet(scope, props);
      });
      expect(synth).toHaveResourceWithProperties(ComputeRegionAutoscaler, {
        autoscaling_policy: expect.objectContaining({ cpu_utilization: { target: 0.6 } }),
      });
    }
  });

  test('THEN the group spreads EVEN over the zones and rolls out with no unavailable instance', () => {
    const synth = Testing.synthScope((scope) => {
      fleet(scope);
    });
    expect(synth).toHaveResourceWithProperties(ComputeRegionInstanceGroupManager, {
      distribution_policy_zones: ZONES,
      distribution_policy_target_shape: 'EVEN',
      named_port: [{ name: 'http', port: 8080 }],
      auto_healing_policies: expect.objectContaining({ initial_delay_sec: 300 }),
      update_policy: expect.objectContaining({ type: 'PROACTIVE', max_unavailable_fixed: 0, max_surge_fixed: 3 }),
    });
  });

  test('THEN autohealing has its own check, twice as tolerant as the tier threshold', () => {
    const synth = Testing.synthScope((scope) => {
      fleet(scope, { tier: ServiceTier.TIER_1 });
    });
    expect(synth).toHaveResourceWithProperties(ComputeHealthCheck, {
      check_interval_sec: 10,
      unhealthy_threshold: 6,
      // Shallow: the process is alive. The load balancer's check is the deep one.
      http_health_check: { port: 8080, request_path: '/health/live' },
    });
  });

  test('THEN instances are Shielded VMs with no external IP, a CMEK boot disk and OS Login', () => {
    const synth = Testing.synthScope((scope) => {
      fleet(scope);
    });
    expect(synth).toHaveResourceWithProperties(ComputeInstanceTemplate, {
      machine_type: 'n2-standard-2',
      shielded_instance_config: { enable_secure_boot: true, enable_vtpm: true, enable_integrity_monitoring: true },
      network_interface: [
        { subnetwork: expect.stringContaining('google_compute_subnetwork.Network_Subnet-us-central1') },
      ],
      disk: [
        expect.objectContaining({
          boot: true,
          disk_encryption_key: {
            kms_key_self_link: expect.stringContaining('google_kms_crypto_key.Fleet_BootDiskKey'),
          },
        }),
      ],
      metadata: expect.objectContaining({ 'enable-oslogin': 'TRUE', 'block-project-ssh-keys': 'TRUE' }),
    });
  });

  test('GIVEN a pinned Artifact Registry image THEN Container-Optimized OS runs it on the serving port, pulled with a grant the group waits for', () => {
    const stack = testStack();
    const f = fleet(stack, {
      port: 9000,
      container: { image: IMAGE, environment: { MODE: 'serve' }, args: ['--fast'] },
    });
    const json = terraformJson(stack);
    const template = onlyResource(json, 'google_compute_instance_template');
    expect((template.disk as { source_image: string }[])[0].source_image).toBe('cos-cloud/cos-stable');
    const metadata = template.metadata as Record<string, string>;
    expect(metadata['google-logging-enabled']).toBe('true');
    const userData = metadata['user-data'];
    expect(userData.startsWith('#cloud-config\n')).toBe(true);
    // Host networking: the container itself answers the fleet's port, and systemd restarts it when it exits.
    expect(userData).toContain(
      `ExecStart=/usr/bin/docker run --rm --name=ha-workload --network=host --env-file=/etc/ha-workload/env ${IMAGE} --fast`,
    );
    expect(userData).toContain('Restart=always');
    expect(userData).toContain('docker-credential-gcr configure-docker --registries=us-docker.pkg.dev');
    expect(userData).toContain('      MODE=serve');
    expect(onlyResource(json, 'google_artifact_registry_repository_iam_member')).toEqual(
      expect.objectContaining({
        project: 'shop-artifacts',
        location: 'us',
        repository: 'catalog',
        role: 'roles/artifactregistry.reader',
        member: expect.stringContaining('google_service_account.Fleet_ServiceAccount'),
      }),
    );
    const group = onlyResource(json, 'google_compute_region_instance_group_manager');
    expect(group.depends_on).toEqual(
      expect.arrayContaining([
        expect.stringContaining('google_artifact_registry_repository_iam_member.Fleet_ImagePull'),
      ]),
    );
    expect(warningsOf(f)).toEqual([]);
  });

  test('GIVEN the image as a Terraform variable THEN the repository it is read from comes from Terraform functions', () => {
    const stack = testStack();
    const image = new TerraformVariable(stack, 'image', { type: 'string' });
    fleet(stack, { container: { image: image.stringValue } });
    const grant = onlyResource(terraformJson(stack), 'google_artifact_registry_repository_iam_member');
    expect(grant.project).toBe('${element(split("/", var.image), 1)}');
    expect(grant.repository).toBe('${element(split("/", var.image), 2)}');
    expect(grant.location).toBe('${trimsuffix(element(split("/", var.image), 0), "-docker.pkg.dev")}');
  });

  test.each([
    [`us-docker.pkg.dev/shop-artifacts/catalog/api:v3`, /is not pinned by digest/],
    [`docker.io/library/nginx@sha256:${DIGEST}`, /docker\.io is not Artifact Registry: .* Cloud NAT/],
    [
      `europe-west1-docker.pkg.dev/shop-artifacts/catalog/api@sha256:${DIGEST}`,
      /the image lives in europe-west1, not in the fleet's region us-central1: while europe-west1 is down no instance/,
    ],
  ])('GIVEN the image %s THEN a warning says what a boot during an incident depends on', (image, warning) => {
    const stack = testStack();
    const f = fleet(stack, { container: { image } });
    expect(warningsOf(f)).toEqual([expect.stringMatching(warning)]);
    // Only Artifact Registry repositories are granted: another registry is the owner's to open.
    const grants = terraformJson(stack).resource.google_artifact_registry_repository_iam_member ?? {};
    expect(Object.keys(grants)).toHaveLength(image.startsWith('docker.io') ? 0 : 1);
  });

  test('GIVEN no container, startup script or image of its own THEN a warning says autohealing will churn it', () => {
    const stack = testStack();
    const f = fleet(stack, { container: undefined });
    expect(warningsOf(f)).toEqual([
      expect.stringContaining(
        '[ha-constructs:RegionalFleet.container] the instances boot debian-cloud/debian-12 and run nothing: no ' +
          'process answers /health/live on port 8080, so autohealing replaces every instance 300 s after it boots',
      ),
    ]);
    expect(onlyResource(terraformJson(stack), 'google_compute_instance_template').metadata).toEqual({
      'enable-oslogin': 'TRUE',
      'block-project-ssh-keys': 'TRUE',
    });
  });

  test('THEN the firewall admits only Google health checkers and proxies on the serving port', () => {
    const synth = Testing.synthScope((scope) => {
      fleet(scope, { port: 9000 });
    });
    expect(synth).toHaveResourceWithProperties(ComputeFirewall, {
      direction: 'INGRESS',
      source_ranges: ['35.191.0.0/16', '130.211.0.0/22'],
      allow: [{ protocol: 'tcp', ports: ['9000'] }],
    });
  });

  test('WHEN pre-warm schedules are given THEN the autoscaler holds their minimum', () => {
    const synth = Testing.synthScope((scope) => {
      fleet(scope, {
        prewarmSchedules: [{ name: 'morning', schedule: '0 8 * * *', durationSeconds: 3600, minInstances: 9 }],
      });
    });
    expect(synth).toHaveResourceWithProperties(ComputeRegionAutoscaler, {
      autoscaling_policy: expect.objectContaining({
        scaling_schedules: [
          { name: 'morning', schedule: '0 8 * * *', duration_sec: 3600, min_required_replicas: 9, time_zone: 'UTC' },
        ],
      }),
    });
  });

  test('WHEN the fleet is a STANDBY THEN it runs one instance per zone and may grow to twice the serving size', () => {
    const stack = testStack();
    const standby = fleet(stack, { tier: ServiceTier.TIER_1, role: HaRole.STANDBY, requiredInstances: 6 });
    expect([standby.minInstances, standby.maxInstances]).toEqual([3, 18]);
  });
  test("WHEN a pilot-light standby THEN it runs none, as core's standbyFleetCapacity says for the AWS fleets too", () => {
    const stack = testStack();
    const standby = fleet(stack, {
      tier: ServiceTier.TIER_2,
      role: HaRole.STANDBY,
      zones: ZONES.slice(0, 2),
      requiredInstances: 4,
    });
    expect([standby.minInstances, standby.maxInstances]).toEqual([0, 8]);
    expect(standby.failoverMinInstances).toBe(4);
  });

  test('WHEN a service account is given THEN the fleet hands it to the data grants as an email and as a member', () => {
    const given = fleet(testStack(), { serviceAccountEmail: 'web@shop-prod.iam.gserviceaccount.com' });
    expect([given.serviceAccountEmail, given.serviceAccountMember]).toEqual([
      'web@shop-prod.iam.gserviceaccount.com',
      'serviceAccount:web@shop-prod.iam.gserviceaccount.com',
    ]);
  });

  test('WHEN a standby states its standbyCapacity THEN it runs that many, and a value over the maximum is refused', () => {
    const lit = fleet(testStack(), { tier: ServiceTier.TIER_2, role: HaRole.STANDBY, standbyCapacity: 3 });
    expect([lit.minInstances, lit.maxInstances, lit.failoverMinInstances]).toEqual([3, 6, 3]);
    expect(() =>
      fleet(testStack(), { tier: ServiceTier.TIER_2, role: HaRole.STANDBY, standbyCapacity: 7, maxInstances: 6 }),
    ).toThrow(/standbyCapacity/);
  });

  test('WHEN spread placement is asked for an E2 machine THEN the policy is attached and a warning says it may be rejected', () => {
    const stack = testStack();
    const f = fleet(stack, { machineType: 'e2-standard-2', spreadAvailabilityDomains: 3 });
    const synth = Testing.synth(stack);
    expect(synth).toHaveResourceWithProperties(ComputeResourcePolicy, {
      group_placement_policy: { availability_domain_count: 3 },
    });
    expect(synth).toHaveResourceWithProperties(ComputeInstanceTemplate, {
      resource_policies: [expect.stringContaining('google_compute_resource_policy.Fleet_SpreadPlacement')],
    });
    expect(warningsOf(f)).toEqual([
      expect.stringContaining('machine series e2 is not among those known to accept spread placement'),
    ]);
  });

  test.each([
    [
      { zones: ['us-central1-a', 'us-central1-b'] },
      'zones must list at least 3 zones for TIER_0, got: 2 (us-central1-a, us-central1-b)',
    ],
    [
      { zones: ['us-central1-a', 'us-central1-b', 'us-east1-b'] },
      "zones must all be in the fleet's region us-central1, got: us-east1-b",
    ],
    [
      { maxSurge: 1 },
      'maxSurge must be an integer of at least the zone count (3): a regional group surges by whole zones, got: 1',
    ],
    [{ maxInstances: 2 }, 'requiredInstances must be at most maxInstances (2), got: 3'],
    [
      { maxInstances: 5 },
      'maxInstances must be at least 6 for TIER_0 (static stability: 2 per AZ × 3 AZs so that losing one AZ leaves requiredInstances 3), got: 5',
    ],
    [
      { targetCpuPercent: 100 },
      'targetCpuPercent must be greater than 0 and less than 100 (an average above 100 never happens, so the fleet would never scale out), got: 100',
    ],
    [{ targetCpuUtilization: 1 }, 'targetCpuUtilization must be greater than 0 and less than 1, got: 1'],
    [
      { targetCpuPercent: 60, targetCpuUtilization: 0.6 },
      'targetCpuPercent and targetCpuUtilization are the same setting: give targetCpuPercent, got: both',
    ],
    [
      { region: 'europe-west1', zones: ['europe-west1-b', 'europe-west1-c', 'europe-west1-d'] },
      "region must be one of this network's regions (us-central1, us-east1), got: europe-west1",
    ],
    [{ healthCheckPath: 'healthz' }, 'healthCheckPath must start with \'/\' and contain no whitespace, got: "healthz"'],
    [
      { healthCheckPath: '/healthz\t' },
      'healthCheckPath must start with \'/\' and contain no whitespace, got: "/healthz\\t"',
    ],
    [
      { prewarmSchedules: [{ name: 'x', schedule: '0 8 * * *', durationSeconds: 60, minInstances: 1 }] },
      'prewarmSchedules[x].durationSeconds must be an integer of at least 300, got: 60',
    ],
    [
      { container: { image: 'api:v3' } },
      'container.image must be a registry host, a path and a tag or digest (europe-docker.pkg.dev/project/repository/image@sha256:...), got: api:v3',
    ],
    [
      { container: { image: IMAGE, environment: { 'NOT-A-NAME': 'x' } } },
      'container.environment must map names of letters, digits and _ to values without line breaks, got: "NOT-A-NAME"',
    ],
    [
      { container: { image: IMAGE, args: ['--name=two words'] } },
      'container.args must hold no whitespace, quote or backslash (systemd splits its command line on them), got: "--name=two words"',
    ],
  ])('WHEN %j THEN it throws a clear error', (props, message) => {
    expect(() => fleet(testStack(), props)).toThrow(new Error(message));
  });

  test("GIVEN a tier object that skipped ServiceTier.custom (statically stable, minAzs 1) THEN an Error naming zones, not core's RangeError", () => {
    // JavaScript callers can hand over such an object; core's staticallyStableCapacity would throw a bare RangeError on it.
    const unchecked: ServiceTier = Object.assign(Object.create(ServiceTier.prototype), ServiceTier.TIER_0, {
      name: 'UNCHECKED',
      minAzs: 1,
    });
    expect(() => fleet(testStack(), { tier: unchecked, zones: ['us-central1-a'] })).toThrow(
      new Error('zones must list at least 2 zones for UNCHECKED: static stability needs a surviving zone, got: 1'),
    );
  });
});

describe('RegionalFleet capacity in the report (active/active, a region lost)', () => {
  /** The region RTO steps of a TIER_0 service on two fleets behind a global load balancer. */
  function regionSteps(props: Partial<RegionalFleetProps>, edit: (json: TerraformJson) => void = () => undefined) {
    const stack = testStack();
    const tier = ServiceTier.TIER_0;
    const network = new RegionalNetwork(stack, 'Network', { tier, regions: ['us-central1', 'us-east1'] });
    const fleets = [
      ['us-central1', ZONES],
      ['us-east1', ['us-east1-b', 'us-east1-c', 'us-east1-d']],
    ].map(
      ([region, zones]) =>
        new RegionalFleet(stack, `Fleet-${region}`, {
          tier,
          network,
          region: region as string,
          zones: zones as string[],
          ...props,
        }),
    );
    new GlobalFrontend(stack, 'Frontend', { tier, backends: fleets, domains: ['shop.example.com'] });
    invokeAspects(stack);
    const json = terraformJson(stack);
    edit(json);
    const [service] = checkInputs({
      terraform: [{ name: 'stack', json: json as unknown as Record<string, unknown> }],
    }).services;
    return service.derivation.filter((s) => s.quantity === 'regionRto');
  }
  const absorb = (steps: { basis: string; value?: number }[]) =>
    steps.filter((s) => s.basis.startsWith('when a region fails'));

  test('GIVEN each region runs the stated peak THEN its loss needs no scale-out, shown from the records', () => {
    const json = terraformJson(
      (() => {
        const stack = testStack();
        fleet(stack, { requiredInstances: 4 });
        return stack;
      })(),
    );
    const autoscaler = Object.values(json.resource.google_compute_region_autoscaler)[0];
    expect(autoscaler['//']?.[HA_METADATA_KEY]).toMatchObject({ requiredCapacity: 4 });
    expect(absorb(regionSteps({ requiredInstances: 4 }))).toEqual([
      expect.objectContaining({
        value: 0,
        basis:
          'when a region fails, the regions left carry its load without a scale-out: ' +
          'this fleet runs at least 6, the 4 the whole service needs at peak as its HA record states (requiredCapacity)',
      }),
      expect.objectContaining({ value: 0 }),
    ]);
  });

  test('GIVEN no stated peak, or a region running less than it THEN the absorption stays unproven', () => {
    const json = terraformJson(
      (() => {
        const stack = testStack();
        fleet(stack);
        return stack;
      })(),
    );
    // The default (one per zone) says nothing about the peak: it is not recorded.
    const autoscaler = Object.values(json.resource.google_compute_region_autoscaler)[0];
    expect(autoscaler['//']?.[HA_METADATA_KEY]).not.toHaveProperty('requiredCapacity');
    const unstated = absorb(regionSteps({}));
    expect(unstated.map((s) => s.value)).toEqual([undefined, undefined]);
    expect(unstated[0].basis).toMatch(/this fleet runs 6 \(up to 12\); whether that covers it is not in the templates/);
    // A template whose minimum is below the recorded peak (edited by hand): unproven too.
    const short = absorb(
      regionSteps({ requiredInstances: 4 }, (edited) => {
        for (const a of Object.values(edited.resource.google_compute_region_autoscaler)) {
          (a.autoscaling_policy as Record<string, unknown>).min_replicas = 3;
        }
      }),
    );
    expect(short.map((s) => s.value)).toEqual([undefined, undefined]);
    expect(short[0].basis).toMatch(/this fleet runs 3 \(up to 12\)/);
  });
});
