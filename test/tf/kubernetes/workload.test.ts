import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { App, TerraformStack, TerraformVariable } from 'cdktf';
import { HA_METADATA_KEY, HaValidationError, ServiceTier } from '../../../lib/core';
import { HaWorkload, HaWorkloadProps } from '../../../lib/tf/kubernetes';
import { onlyResource, terraformJson, TerraformJson, warningsOf } from '../google/util';

const DIGEST = `registry.example/orders@sha256:${'b'.repeat(64)}`;
const ZONES = ['europe-west1-b', 'europe-west1-c', 'europe-west1-d'];

/** The Terraform body of a Deployment, as far as these tests read it. */
interface DeploymentBody {
  readonly depends_on?: string[];
  readonly spec: {
    readonly template: {
      readonly spec: Record<string, unknown> & {
        readonly container: Record<string, unknown>[];
        readonly topology_spread_constraint: Record<string, unknown>[];
      };
    };
  };
}

const deploymentOf = (json: TerraformJson) =>
  onlyResource(json, 'kubernetes_deployment_v1') as unknown as DeploymentBody;

/** A workload in a bare cdktf App (no context), with the cluster's provider as users configure it. */
function workload(props: Partial<HaWorkloadProps> = {}): { stack: TerraformStack; workload: HaWorkload } {
  const stack = new TerraformStack(new App(), 'stack');
  new KubernetesProvider(stack, 'Cluster', { configPath: '~/.kube/config' });
  const built = new HaWorkload(stack, 'Orders', {
    tier: ServiceTier.TIER_1,
    service: 'checkout',
    name: 'orders',
    namespace: 'shop',
    image: DIGEST,
    requiredReplicas: 6,
    maxReplicas: 18,
    zones: ZONES,
    ...props,
  });
  return { stack, workload: built };
}

describe('HaWorkload on Terraform for TIER_1 over 3 zones', () => {
  let json: TerraformJson;
  let built: HaWorkload;
  let stack: TerraformStack;
  beforeAll(() => {
    ({ stack, workload: built } = workload());
    json = terraformJson(stack);
  });
  const deployment = () => deploymentOf(json);
  const podSpec = () => deployment().spec.template.spec;

  test('THEN the stack validates: every resource has its provider', () => {
    expect(stack.node.validate()).toEqual([]);
  });

  test('THEN a Deployment of 9 replicas (3 per zone) that leaves later counts to the autoscaler', () => {
    expect(built.replicas).toBe(9);
    expect(deployment()).toMatchObject({
      metadata: { name: 'orders', namespace: 'shop', labels: { 'app.kubernetes.io/name': 'orders' } },
      spec: {
        replicas: '9',
        selector: { match_labels: { 'app.kubernetes.io/name': 'orders' } },
        strategy: { type: 'RollingUpdate', rolling_update: { max_unavailable: '0', max_surge: '3' } },
      },
      lifecycle: { ignore_changes: ['spec[0].replicas'] },
    });
    const priorityClass = Object.keys(json.resource.kubernetes_priority_class_v1)[0];
    expect(deployment().depends_on).toEqual([`kubernetes_priority_class_v1.${priorityClass}`]);
  });

  test('THEN pods spread over zones (DoNotSchedule, minDomains 2, taints honoured) and hosts, in the listed zones', () => {
    const selector = [{ match_labels: { 'app.kubernetes.io/name': 'orders' } }];
    expect(podSpec().topology_spread_constraint).toEqual([
      {
        max_skew: 1,
        topology_key: 'topology.kubernetes.io/zone',
        when_unsatisfiable: 'DoNotSchedule',
        min_domains: 2,
        node_affinity_policy: 'Honor',
        node_taints_policy: 'Honor',
        label_selector: selector,
        match_label_keys: ['pod-template-hash'],
      },
      {
        max_skew: 1,
        topology_key: 'kubernetes.io/hostname',
        when_unsatisfiable: 'ScheduleAnyway',
        node_affinity_policy: 'Honor',
        node_taints_policy: 'Honor',
        label_selector: selector,
        match_label_keys: ['pod-template-hash'],
      },
    ]);
    expect(podSpec().affinity).toEqual({
      node_affinity: {
        required_during_scheduling_ignored_during_execution: {
          node_selector_term: [
            { match_expressions: [{ key: 'topology.kubernetes.io/zone', operator: 'In', values: ZONES }] },
          ],
        },
      },
      pod_anti_affinity: {
        preferred_during_scheduling_ignored_during_execution: [
          { weight: 100, pod_affinity_term: { topology_key: 'kubernetes.io/hostname', label_selector: selector } },
        ],
      },
    });
  });

  test("THEN a zone's share may be evicted at a time, and a pod has its drain and shutdown before SIGKILL", () => {
    expect(onlyResource(json, 'kubernetes_pod_disruption_budget_v1').spec).toEqual({
      max_unavailable: '3',
      selector: { match_labels: { 'app.kubernetes.io/name': 'orders' } },
    });
    // TIER_1's load-balancer detection (15 s × 3 + 5 s) and 30 s to finish its requests.
    expect(podSpec().termination_grace_period_seconds).toBe(80);
  });

  test('THEN separate probes, a non-root read-only container and no service-account token', () => {
    const [container] = podSpec().container;
    expect(container.liveness_probe).toEqual({
      http_get: { path: '/health/live', port: '8080' },
      period_seconds: 10,
      timeout_seconds: 2,
      failure_threshold: 3,
      success_threshold: 1,
    });
    expect(container).toMatchObject({
      readiness_probe: { http_get: { path: '/health/ready', port: '8080' } },
      startup_probe: { http_get: { path: '/health/live' }, failure_threshold: 12 },
    });
    expect(container.security_context).toEqual({
      allow_privilege_escalation: false,
      privileged: false,
      read_only_root_filesystem: true,
      run_as_non_root: true,
      capabilities: { drop: ['ALL'] },
    });
    expect(container.resources).toEqual({
      requests: { cpu: '250m', memory: '256Mi' },
      limits: { cpu: '1000m', memory: '256Mi' },
    });
    expect(podSpec()).toMatchObject({
      automount_service_account_token: false,
      priority_class_name: 'shop-orders',
      security_context: { run_as_non_root: true, run_as_user: '65532', seccomp_profile: { type: 'RuntimeDefault' } },
      volume: [{ name: 'tmp', empty_dir: { size_limit: '64Mi' } }],
    });
  });

  test('THEN a budget of 3 unavailable, an autoscaler from 9 to 18 and a priority class, all marked for the report', () => {
    expect(onlyResource(json, 'kubernetes_pod_disruption_budget_v1')).toMatchObject({
      metadata: { name: 'orders', namespace: 'shop' },
      spec: { max_unavailable: '3', selector: { match_labels: { 'app.kubernetes.io/name': 'orders' } } },
    });
    expect(onlyResource(json, 'kubernetes_horizontal_pod_autoscaler_v2')).toMatchObject({
      spec: {
        scale_target_ref: { api_version: 'apps/v1', kind: 'Deployment', name: 'orders' },
        min_replicas: 9,
        max_replicas: 18,
        metric: [
          { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', average_utilization: 50 } } },
        ],
      },
    });
    expect(onlyResource(json, 'kubernetes_priority_class_v1')).toMatchObject({
      metadata: { name: 'shop-orders' },
      value: 330103,
      global_default: false,
    });
    for (const resources of Object.values(json.resource)) {
      for (const body of Object.values(resources)) {
        expect(body['//']?.[HA_METADATA_KEY]).toMatchObject({
          service: 'checkout',
          tier: 'TIER_1',
          component: 'HaWorkload',
        });
      }
    }
  });
});

test('GIVEN a cluster per region THEN each workload goes to the provider it is given', () => {
  const stack = new TerraformStack(new App(), 'stack');
  const east = new KubernetesProvider(stack, 'East', { alias: 'east', configContext: 'east' });
  new HaWorkload(stack, 'Orders', {
    tier: ServiceTier.TIER_2,
    name: 'orders',
    image: DIGEST,
    requiredReplicas: 2,
    maxReplicas: 4,
    provider: east,
  });
  const json = terraformJson(stack);
  const providers = Object.values(json.resource).flatMap((resources) =>
    Object.values(resources).map((r) => r.provider),
  );
  expect(providers).toEqual(['kubernetes.east', 'kubernetes.east', 'kubernetes.east', 'kubernetes.east']);
});

describe('HaWorkload on Terraform refuses what it cannot run', () => {
  test('WHEN fewer replicas than zones THEN it fails naming maxReplicas', () => {
    // One replica needed: one in each of 3 zones, so that losing one leaves it; at most 2 cannot.
    expect(() => workload({ requiredReplicas: 1, maxReplicas: 2 })).toThrow(
      expect.objectContaining({
        constructor: HaValidationError,
        prop: 'maxReplicas',
        message: expect.stringMatching(/maxReplicas must be at least 3 for TIER_1.*got: 2/),
      }),
    );
  });

  test('WHEN fewer zones than the tier THEN it fails naming zones', () => {
    expect(() => workload({ zones: ZONES.slice(0, 2) })).toThrow(/zones must list at least 3 zones for TIER_1/);
  });

  test('WHEN a count is a token THEN it is refused by name; an image token is rendered as is', () => {
    const stack = new TerraformStack(new App(), 'stack');
    const count = new TerraformVariable(stack, 'count', { type: 'number' }).numberValue;
    expect(
      () =>
        new HaWorkload(stack, 'W', {
          tier: ServiceTier.TIER_2,
          name: 'w',
          image: DIGEST,
          requiredReplicas: count,
          maxReplicas: 10,
        }),
    ).toThrow(/requiredReplicas must be known at synthesis/);
    const image = new TerraformVariable(stack, 'image', { type: 'string' }).stringValue;
    new HaWorkload(stack, 'Image', { tier: ServiceTier.TIER_0, name: 'w', image, requiredReplicas: 2, maxReplicas: 9 });
    expect(deploymentOf(terraformJson(stack)).spec.template.spec.container[0].image).toBe('${var.image}');
  });

  test('WHEN TIER_2 runs a tag THEN it warns, spreads ScheduleAnyway without minDomains and lets a drain take one', () => {
    const { stack, workload: built } = workload({
      tier: ServiceTier.TIER_2,
      image: 'registry.example/orders:1.4',
      zones: ZONES.slice(0, 2),
    });
    expect(warningsOf(built)).toEqual([expect.stringMatching(/^\[ha-constructs:HaWorkload\.image\] .*is a tag/)]);
    const json = terraformJson(stack);
    const [zone] = deploymentOf(json).spec.template.spec.topology_spread_constraint;
    expect(zone).toMatchObject({ when_unsatisfiable: 'ScheduleAnyway' });
    expect(zone).not.toHaveProperty('min_domains');
    expect(onlyResource(json, 'kubernetes_pod_disruption_budget_v1')).toMatchObject({ spec: { min_available: '5' } });
  });
});
