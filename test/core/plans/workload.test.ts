import * as fc from 'fast-check';
import { ServiceTier } from '../../../lib/core';
import {
  planWorkload,
  unresolvedWorkloadOption,
  WorkloadIntent,
  WorkloadOptions,
  workloadIntent,
  WorkloadPlan,
} from '../../../lib/core/plans/workload';

const DIGEST = `registry.example/orders@sha256:${'a'.repeat(64)}`;
const BASE: WorkloadOptions = { name: 'orders', image: DIGEST, requiredReplicas: 6, maxReplicas: 18 };
const { TIER_0, TIER_1, TIER_2, TIER_3 } = ServiceTier;

function plan(intent: Partial<WorkloadIntent> = {}, tier = TIER_1): WorkloadPlan {
  return planWorkload(tier, { ...BASE, ...intent });
}

const spreadOf = (p: WorkloadPlan) => p.deployment.spec.template.spec.topologySpreadConstraints;
const containerOf = (p: WorkloadPlan) => p.deployment.spec.template.spec.containers[0];

describe('planWorkload by table', () => {
  test('TIER_1 over 3 zones, 6 required: the worked example of the doc comment', () => {
    const p = plan();
    expect(p.problems).toEqual([]);
    expect(p.warnings).toEqual([]);
    expect(p.replicas).toEqual({ min: 9, desired: 9, max: 18, perAz: 3 });
    expect(p.keptReplicas).toBe(9);
    expect(p.deployment.metadata).toEqual({
      name: 'orders',
      namespace: 'default',
      labels: { 'app.kubernetes.io/name': 'orders' },
    });
    expect(p.deployment.spec.replicas).toBe(9);
    expect(p.deployment.spec.strategy.rollingUpdate).toEqual({ maxUnavailable: 0, maxSurge: 3 });
    const selector = { matchLabels: { 'app.kubernetes.io/name': 'orders' } };
    expect(spreadOf(p)).toEqual([
      {
        maxSkew: 1,
        topologyKey: 'topology.kubernetes.io/zone',
        whenUnsatisfiable: 'DoNotSchedule',
        minDomains: 3,
        labelSelector: selector,
        matchLabelKeys: ['pod-template-hash'],
      },
      {
        maxSkew: 1,
        topologyKey: 'kubernetes.io/hostname',
        whenUnsatisfiable: 'ScheduleAnyway',
        labelSelector: selector,
        matchLabelKeys: ['pod-template-hash'],
      },
    ]);
    expect(p.deployment.spec.template.spec.affinity).toEqual({
      podAntiAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [
          { weight: 100, podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: selector } },
        ],
      },
    });
    expect(p.podDisruptionBudget.spec).toEqual({ minAvailable: 6, selector });
    expect(p.horizontalPodAutoscaler.spec).toMatchObject({
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'orders' },
      minReplicas: 9,
      maxReplicas: 18,
      metrics: [
        { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } },
      ],
    });
    expect(p.priorityClass).toMatchObject({ metadata: { name: 'default-orders' }, value: 330103 });
    expect(p.deployment.spec.template.spec.priorityClassName).toBe('default-orders');
    const container = containerOf(p);
    expect(container).toMatchObject({
      image: DIGEST,
      ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
      resources: { requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '1000m', memory: '256Mi' } },
      startupProbe: { httpGet: { path: '/health/live', port: 8080 }, periodSeconds: 5, failureThreshold: 12 },
      livenessProbe: { httpGet: { path: '/health/live', port: 8080 }, periodSeconds: 10, failureThreshold: 3 },
      readinessProbe: { httpGet: { path: '/health/ready', port: 8080 }, periodSeconds: 5, failureThreshold: 3 },
      securityContext: { runAsNonRoot: true, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false },
    });
    expect(p.deployment.spec.template.spec).toMatchObject({
      automountServiceAccountToken: false,
      securityContext: { runAsNonRoot: true, runAsUser: 65532, seccompProfile: { type: 'RuntimeDefault' } },
    });
  });

  test.each<[string, ServiceTier, number, number, number, string, number | undefined, [number, number], number]>([
    // name, tier, required, zones → replicas, when unsatisfiable, minDomains, [maxUnavailable, maxSurge], minAvailable
    ['TIER_0: ⌈6/2⌉ = 3 per zone', TIER_0, 6, 3, 9, 'DoNotSchedule', 3, [0, 3], 6],
    ['TIER_1 over 4 zones: ⌈6/3⌉ = 2 per zone', TIER_1, 6, 4, 8, 'DoNotSchedule', 3, [0, 2], 6],
    ['TIER_2: the required count, one below it in a drain', TIER_2, 6, 2, 6, 'ScheduleAnyway', undefined, [1, 3], 5],
    ['TIER_3: one per zone at least', TIER_3, 1, 2, 2, 'ScheduleAnyway', undefined, [1, 1], 1],
  ])('%s', (_name, tier, required, zones, replicas, when, minDomains, [maxUnavailable, maxSurge], minAvailable) => {
    const zoneNames = ['z-a', 'z-b', 'z-c', 'z-d'].slice(0, zones);
    const p = plan({ requiredReplicas: required, zones: zoneNames }, tier);
    expect(p.problems).toEqual([]);
    expect(p.deployment.spec.replicas).toBe(replicas);
    expect(p.horizontalPodAutoscaler.spec.minReplicas).toBe(replicas);
    expect(spreadOf(p)[0].whenUnsatisfiable).toBe(when);
    expect(spreadOf(p)[0].minDomains).toBe(minDomains);
    expect(p.deployment.spec.strategy.rollingUpdate).toEqual({ maxUnavailable, maxSurge });
    expect(p.podDisruptionBudget.spec.minAvailable).toBe(minAvailable);
    expect(p.deployment.spec.template.spec.affinity.nodeAffinity).toEqual({
      requiredDuringSchedulingIgnoredDuringExecution: {
        nodeSelectorTerms: [
          { matchExpressions: [{ key: 'topology.kubernetes.io/zone', operator: 'In', values: zoneNames }] },
        ],
      },
    });
  });

  test("a service account is the pods' identity; its token stays unmounted", () => {
    const pod = plan({ serviceAccountName: 'orders.reader' }).deployment.spec.template.spec;
    expect(pod).toMatchObject({ serviceAccountName: 'orders.reader', automountServiceAccountToken: false });
    expect(plan().deployment.spec.template.spec).not.toHaveProperty('serviceAccountName');
  });

  test('priority follows the nines: a higher tier preempts a lower one', () => {
    const values = [TIER_0, TIER_1, TIER_2, TIER_3].map((t) => plan({ zones: undefined }, t).priorityClass.value);
    expect(values).toEqual([400000, 330103, 300000, 230103]);
  });

  test.each<[string, Partial<WorkloadIntent>, ServiceTier, string, RegExp]>([
    ['the same path for both probes', { readinessPath: '/health/live' }, TIER_1, 'readinessPath', /must differ/],
    ['a path with a space', { livenessPath: '/health live' }, TIER_1, 'livenessPath', /must start with '\/'/],
    ['a tag on a statically stable tier', { image: 'orders:1.2' }, TIER_0, 'image', /must name a digest.*TIER_0/],
    ['an empty image', { image: ' ' }, TIER_2, 'image', /non-empty/],
    ['a name that is not a DNS label', { name: 'Orders_API' }, TIER_1, 'name', /DNS label.*"Orders_API"/],
    ['a namespace that is not a DNS label', { namespace: '-prod' }, TIER_1, 'namespace', /DNS label/],
    [
      'fewer zones than the tier',
      { zones: ['a', 'b'] },
      TIER_1,
      'zones',
      /at least 3 zones for TIER_1 \(its minAzs\), got: 2/,
    ],
    ['a zone twice', { zones: ['a', 'b', 'a'] }, TIER_1, 'zones', /not repeat.*a twice/],
    // Fewer replicas than the spread needs: the maximum cannot hold one zone's share in each zone.
    ['a maximum below the spread', { maxReplicas: 2 }, TIER_1, 'maxReplicas', /at least 9 for TIER_1.*got: 2/],
    ['required above the maximum', { requiredReplicas: 20 }, TIER_1, 'requiredReplicas', /at most maxReplicas/],
    ['no replica', { requiredReplicas: 0 }, TIER_1, 'requiredReplicas', /integer of at least 1, got: 0/],
    [
      'a CPU limit below its request',
      { cpuRequestMillicores: 500, cpuLimitMillicores: 250 },
      TIER_1,
      'cpuLimitMillicores',
      /at least cpuRequestMillicores \(500\)/,
    ],
    [
      'a memory limit below its request',
      { memoryRequestMiB: 512, memoryLimitMiB: 256 },
      TIER_1,
      'memoryLimitMiB',
      /at least memoryRequestMiB/,
    ],
    ['a port out of range', { containerPort: 70000 }, TIER_1, 'containerPort', /from 1 to 65535, got: 70000/],
    ['a CPU target of 100', { targetCpuPercent: 100 }, TIER_1, 'targetCpuPercent', /from 1 to 99/],
    ['root', { runAsUser: 0 }, TIER_1, 'runAsUser', /at least 1, got: 0/],
    ['no startup time', { startupSeconds: 0 }, TIER_1, 'startupSeconds', /at least 1/],
    ['an account name with capitals', { serviceAccountName: 'Orders' }, TIER_1, 'serviceAccountName', /DNS subdomain/],
  ])('%s is a problem naming the prop', (_name, intent, tier, prop, message) => {
    const p = plan(intent, tier);
    expect(p.problems.map((x) => x.prop)).toContain(prop);
    expect(p.problems.find((x) => x.prop === prop)!.message).toMatch(message);
  });

  test.each<[string, Partial<WorkloadIntent>, ServiceTier, string]>([
    ['a tag below TIER_1', { image: 'orders:1.2', zones: ['a', 'b'] }, TIER_2, 'image'],
    ['liveness on the deep path', { livenessPath: '/health/ready', readinessPath: '/ready' }, TIER_1, 'livenessPath'],
  ])('%s warns', (_name, intent, tier, id) => {
    const p = plan(intent, tier);
    expect(p.problems).toEqual([]);
    expect(p.warnings.map((w) => w.id)).toEqual([id]);
  });

  test('an image token is rendered as is and not checked; other tokens are refused by name', () => {
    const isToken = (v: unknown) => typeof v === 'string' && v.startsWith('${');
    const p = planWorkload(TIER_0, workloadIntent({ ...BASE, image: '${var.image}' }, isToken));
    expect(p.problems).toEqual([]);
    expect(containerOf(p).image).toBe('${var.image}');
    expect(unresolvedWorkloadOption({ ...BASE, image: '${var.image}' }, isToken)).toBeUndefined();
    expect(unresolvedWorkloadOption({ ...BASE, zones: ['a', '${var.zone}'] }, isToken)).toBe('zones');
    expect(unresolvedWorkloadOption({ ...BASE, readinessPath: '${var.path}' }, isToken)).toBe('readinessPath');
  });
});

describe('planWorkload by property', () => {
  const arbitrary = fc.record({
    tier: fc.constantFrom(TIER_0, TIER_1, TIER_2, TIER_3),
    required: fc.integer({ min: 1, max: 60 }),
    zones: fc.integer({ min: 3, max: 6 }),
    headroom: fc.integer({ min: 0, max: 60 }),
  });

  test('the replicas left after one zone is lost, or during a drain or a rollout, never fall below what is kept', () => {
    fc.assert(
      fc.property(arbitrary, ({ tier, required, zones, headroom }) => {
        const intent = { requiredReplicas: required, zones: [...Array(zones).keys()].map((i) => `z${i}`) };
        const planned = plan({ ...intent, maxReplicas: 1000 }, tier);
        const p = plan({ ...intent, maxReplicas: planned.replicas.desired + headroom }, tier);
        expect(p.problems).toEqual([]);
        const { replicas, podDisruptionBudget, deployment, horizontalPodAutoscaler } = p;
        const { maxUnavailable, maxSurge } = deployment.spec.strategy.rollingUpdate;
        // Kubernetes refuses a rolling update that may neither stop nor add a pod.
        expect(maxUnavailable + maxSurge).toBeGreaterThan(0);
        expect(replicas.desired - maxUnavailable).toBe(p.keptReplicas);
        // A node can always be drained: the budget allows at least one eviction.
        expect(podDisruptionBudget.spec.minAvailable).toBeLessThan(replicas.desired);
        expect(horizontalPodAutoscaler.spec.minReplicas).toBe(replicas.desired);
        expect(horizontalPodAutoscaler.spec.maxReplicas).toBeGreaterThanOrEqual(replicas.desired);
        if (tier.staticallyStable) {
          // Skew 1 over the zones: the fullest zone holds ⌈replicas / zones⌉ = perAz.
          expect(replicas.desired - Math.ceil(replicas.desired / zones)).toBeGreaterThanOrEqual(required);
          // A zone's share may be disrupted at once, and the budget never lets it go below required.
          expect(replicas.desired - podDisruptionBudget.spec.minAvailable).toBeGreaterThanOrEqual(replicas.perAz);
          expect(podDisruptionBudget.spec.minAvailable).toBe(required);
          expect(p.keptReplicas).toBe(replicas.desired);
          expect(spreadOf(p)[0]).toMatchObject({ whenUnsatisfiable: 'DoNotSchedule', minDomains: tier.minAzs });
        } else {
          expect(spreadOf(p)[0].whenUnsatisfiable).toBe('ScheduleAnyway');
          expect(spreadOf(p)[0]).not.toHaveProperty('minDomains');
          expect(replicas.desired).toBeGreaterThanOrEqual(Math.max(required, zones));
        }
      }),
    );
  });

  test('liveness and readiness never share a path without a problem', () => {
    fc.assert(
      fc.property(fc.constantFrom('/a', '/b', '/health/live', '/health/ready'), fc.constantFrom('/a', '/b'), (l, r) => {
        const p = plan({ livenessPath: l, readinessPath: r });
        const c = containerOf(p);
        const same = c.livenessProbe.httpGet.path === c.readinessProbe.httpGet.path;
        expect(p.problems.some((x) => x.prop === 'readinessPath')).toBe(same);
      }),
    );
  });
});
