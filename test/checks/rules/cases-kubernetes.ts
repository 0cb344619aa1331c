import { WorkloadSpread } from '../../../lib/checks/rules/az/WorkloadSpread';
import { HA_METADATA_KEY, ServiceTier } from '../../../lib/core';
import { cfn, tf } from '../fixtures/builders';
import { RuleCase } from './cases';

const T1 = { tier: ServiceTier.TIER_1 };
const LABELS = { 'app.kubernetes.io/name': 'orders' };

/** A Deployment's pod spec in the API's terms, spread over zones as `zone` says. */
function podSpec(zone: Record<string, unknown> | undefined, readinessPath = '/health/ready') {
  return {
    topologySpreadConstraints: zone
      ? [{ maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', labelSelector: { matchLabels: LABELS }, ...zone }]
      : [],
    containers: [
      {
        name: 'orders',
        ports: [{ containerPort: 8080 }],
        livenessProbe: { httpGet: { path: '/health/live', port: 8080 } },
        readinessProbe: { httpGet: { path: readinessPath, port: 8080 } },
      },
    ],
  };
}

/**
 * A CDK KubernetesManifest holding a Deployment of 9 replicas (an autoscaler's floor when `autoscaled`),
 * and a budget of `minAvailable` unless it is null.
 */
function manifest(spec: Record<string, unknown>, minAvailable: number | null = 6, autoscaled = false) {
  const objects = [
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'orders', namespace: 'shop' },
      spec: {
        ...(autoscaled ? {} : { replicas: 9 }),
        selector: { matchLabels: LABELS },
        template: { metadata: { labels: LABELS }, spec },
      },
    },
    ...(minAvailable === null
      ? []
      : [
          {
            apiVersion: 'policy/v1',
            kind: 'PodDisruptionBudget',
            metadata: { name: 'orders', namespace: 'shop' },
            spec: { minAvailable, selector: { matchLabels: LABELS } },
          },
        ]),
    ...(autoscaled
      ? [
          {
            apiVersion: 'autoscaling/v2',
            kind: 'HorizontalPodAutoscaler',
            metadata: { name: 'orders', namespace: 'shop' },
            spec: { scaleTargetRef: { kind: 'Deployment', name: 'orders' }, minReplicas: 9, maxReplicas: 18 },
          },
        ]
      : []),
  ];
  return {
    Workload: {
      Type: 'Custom::AWSCDK-EKS-KubernetesResource',
      Properties: { ClusterName: 'shop', Manifest: JSON.stringify(objects) },
    },
  };
}

/** What a statically stable tier over 3 zones needs: the 2 zones a zone's loss leaves, tainted nodes not counted. */
const HARD = { whenUnsatisfiable: 'DoNotSchedule', minDomains: 2, nodeTaintsPolicy: 'Honor' };
const TF_HARD = { when_unsatisfiable: 'DoNotSchedule', min_domains: 2, node_taints_policy: 'Honor' };

/** A Terraform Deployment (the provider's typed resource) spread as `zone` says, and its budget in `namespace`. */
function tfWorkload(zone: Record<string, unknown>, budgetNamespace = 'shop', replicas = '9') {
  return {
    kubernetes_deployment_v1: {
      orders: {
        metadata: { name: 'orders', namespace: 'shop' },
        spec: {
          replicas,
          template: {
            metadata: { labels: LABELS },
            spec: {
              topology_spread_constraint: [
                { topology_key: 'topology.kubernetes.io/zone', label_selector: [{ match_labels: LABELS }], ...zone },
              ],
              container: [
                {
                  name: 'orders',
                  port: [{ container_port: 8080 }],
                  liveness_probe: { http_get: { path: '/health/live', port: '8080' } },
                  readiness_probe: { http_get: { path: '/health/ready', port: '8080' } },
                },
              ],
            },
          },
        },
      },
    },
    kubernetes_pod_disruption_budget_v1: {
      orders: {
        metadata: { name: 'orders', namespace: budgetNamespace },
        spec: { min_available: '6', selector: { match_labels: LABELS } },
      },
    },
  };
}

/** A Deployment applied by `kubernetes_manifest`, with its budget as the provider's typed resource. */
function tfManifest(zone: Record<string, unknown>) {
  const { kubernetes_pod_disruption_budget_v1: budgets } = tfWorkload({});
  const [deployment] = JSON.parse(manifest(podSpec(zone), null).Workload.Properties.Manifest) as unknown[];
  return { kubernetes_manifest: { orders: { manifest: deployment } }, kubernetes_pod_disruption_budget_v1: budgets };
}

/** The statically stable manifest of 9 replicas over 3 zones, its HA record stating a peak of `required`. */
function withPeak(required: number) {
  const inputs = cfn(manifest(podSpec(HARD)), T1);
  const { Resources } = inputs.cloudFormation![0].template as {
    Resources: Record<string, { Metadata: Record<string, Record<string, unknown>> }>;
  };
  Resources.Workload.Metadata[HA_METADATA_KEY].requiredCapacity = required;
  return inputs;
}

/** HA-AZ5: Kubernetes workloads spread over zones, under a disruption budget, with two probes. */
export const KUBERNETES_CASES: RuleCase[] = [
  {
    rule: WorkloadSpread,
    engine: 'cloudformation',
    stack: 'App',
    resource: 'Workload',
    message: 'no topology spread constraint over topology.kubernetes.io/zone',
    compliant: cfn(manifest(podSpec(HARD)), T1),
    nonCompliant: cfn(manifest(podSpec(undefined)), T1),
  },
  {
    rule: WorkloadSpread,
    engine: 'cloudformation',
    stack: 'App',
    resource: 'Workload',
    message: 'whenUnsatisfiable ScheduleAnyway with minDomains unset: TIER_1 keeps its replicas statically stable',
    // TIER_2 is not statically stable: a soft spread is what it asks for.
    compliant: cfn(manifest(podSpec({ whenUnsatisfiable: 'ScheduleAnyway' })), { tier: ServiceTier.TIER_2 }),
    nonCompliant: cfn(manifest(podSpec({ whenUnsatisfiable: 'ScheduleAnyway' })), T1),
  },
  {
    rule: WorkloadSpread,
    engine: 'cloudformation',
    stack: 'App',
    resource: 'Workload',
    message: 'no PodDisruptionBudget in namespace shop selects its pods',
    compliant: cfn(manifest(podSpec(HARD)), T1),
    nonCompliant: cfn(manifest(podSpec(HARD), null), T1),
  },
  {
    rule: WorkloadSpread,
    engine: 'cloudformation',
    stack: 'App',
    resource: 'Workload',
    message: "container orders's liveness and readiness probes make the same request (GET /health/live on port 8080)",
    compliant: cfn(manifest(podSpec(HARD)), T1),
    nonCompliant: cfn(manifest(podSpec(HARD, '/health/live')), T1),
  },
  {
    rule: WorkloadSpread,
    engine: 'cloudformation',
    stack: 'App',
    resource: 'Workload',
    message: 'its PodDisruptionBudget allows no eviction (minAvailable 9 of 9), so every node drain stalls on it',
    compliant: cfn(manifest(podSpec(HARD), 6, true), T1),
    nonCompliant: cfn(manifest(podSpec(HARD), 9, true), T1),
  },
  {
    rule: WorkloadSpread,
    engine: 'terraform-aws',
    stack: 'app',
    resource: 'kubernetes_deployment_v1.orders',
    message: "it may run 2 replica(s), fewer than TIER_1's 3 zones",
    compliant: tf(tfWorkload(TF_HARD), T1),
    nonCompliant: tf(tfWorkload(TF_HARD, 'shop', '2'), T1),
  },
  {
    rule: WorkloadSpread,
    engine: 'terraform-aws',
    stack: 'app',
    resource: 'kubernetes_deployment_v1.orders',
    message: 'minDomains 1: TIER_1 keeps its replicas statically stable over 3 zones',
    compliant: tf(tfWorkload(TF_HARD), T1),
    nonCompliant: tf(tfWorkload({ ...TF_HARD, min_domains: 1 }), T1),
  },
  {
    rule: WorkloadSpread,
    engine: 'terraform-aws',
    stack: 'app',
    resource: 'kubernetes_deployment_v1.orders',
    message: "its zone spread's minDomains 3 is not below its 3 zones: while one is lost",
    compliant: tf(tfWorkload(TF_HARD), T1),
    nonCompliant: tf(tfWorkload({ ...TF_HARD, min_domains: 3 }), T1),
  },
  {
    rule: WorkloadSpread,
    engine: 'cloudformation',
    stack: 'App',
    resource: 'Workload',
    message: 'losing its fullest zone (3 of 9 over 3 zones) leaves 6, fewer than the 7 its HA record states',
    compliant: withPeak(6),
    nonCompliant: withPeak(7),
  },
  {
    rule: WorkloadSpread,
    engine: 'cloudformation',
    stack: 'App',
    resource: 'Workload',
    message: "its zone spread counts tainted nodes (nodeTaintsPolicy unset: Ignore): a lost zone's unreachable nodes",
    compliant: cfn(manifest(podSpec(HARD)), T1),
    nonCompliant: cfn(manifest(podSpec({ ...HARD, nodeTaintsPolicy: undefined })), T1),
  },
  {
    rule: WorkloadSpread,
    engine: 'terraform-aws',
    stack: 'app',
    resource: 'kubernetes_deployment_v1.orders',
    message: 'no PodDisruptionBudget in namespace shop selects its pods',
    compliant: tf(tfWorkload(TF_HARD), T1),
    nonCompliant: tf(tfWorkload(TF_HARD, 'default'), T1),
  },
  {
    rule: WorkloadSpread,
    engine: 'terraform-aws',
    stack: 'app',
    resource: 'kubernetes_manifest.orders',
    message: 'the zone spread is whenUnsatisfiable DoNotSchedule with minDomains unset',
    compliant: tf(tfManifest(HARD), T1),
    nonCompliant: tf(tfManifest({ whenUnsatisfiable: 'DoNotSchedule' }), T1),
  },
];
