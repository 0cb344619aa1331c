import * as fc from 'fast-check';
import { ServiceTier } from '../../../lib/core';
import {
  planWorkload,
  TopologySpreadConstraint,
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

/**
 * The scheduler's topology spread filter (DoNotSchedule) for one pod, over zones and their counts of
 * the workload's pods: it places the pod in the emptiest zone that fits, or returns undefined (Pending).
 * A lost zone's nodes are NotReady and tainted unreachable: the pod cannot go there, and the zone is a
 * domain of the count only when taints are ignored; its pods are evicted (terminating pods are not counted).
 */
function placePod(spread: TopologySpreadConstraint, counts: Map<string, number>, lost: ReadonlySet<string>) {
  const domains = [...counts.keys()].filter((z) => spread.nodeTaintsPolicy !== 'Honor' || !lost.has(z));
  const count = (z: string) => (lost.has(z) ? 0 : counts.get(z)!);
  const min = domains.length < (spread.minDomains ?? 1) ? 0 : Math.min(...domains.map(count));
  const zone = domains
    .filter((z) => !lost.has(z) && count(z) + 1 - min <= spread.maxSkew)
    .sort((a, b) => count(a) - count(b))[0];
  if (zone !== undefined) {
    counts.set(zone, count(zone) + 1);
  }
  return zone;
}

/** Places `pods` pods one after another; the zones they went to (undefined for each left Pending). */
function placePods(
  spread: TopologySpreadConstraint,
  counts: Map<string, number>,
  pods: number,
  lost = new Set<string>(),
) {
  return [...Array(pods).keys()].map(() => placePod(spread, counts, lost));
}
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
        minDomains: 2,
        nodeAffinityPolicy: 'Honor',
        nodeTaintsPolicy: 'Honor',
        labelSelector: selector,
        matchLabelKeys: ['pod-template-hash'],
      },
      {
        maxSkew: 1,
        topologyKey: 'kubernetes.io/hostname',
        whenUnsatisfiable: 'ScheduleAnyway',
        nodeAffinityPolicy: 'Honor',
        nodeTaintsPolicy: 'Honor',
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
    expect(p.podDisruptionBudget.spec).toEqual({ maxUnavailable: 3, selector });
    // 15 s × 3 + 5 s: GlobalFrontend's health check for TIER_1; then 30 s to finish what the pod holds.
    expect(p.drainSeconds).toBe(50);
    expect(p.deployment.spec.template.spec.terminationGracePeriodSeconds).toBe(80);
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

  type Budget = { minAvailable: number } | { maxUnavailable: number };
  test.each<[string, ServiceTier, number, number, number, string, number | undefined, [number, number], Budget]>([
    // name, tier, required, zones → replicas, when unsatisfiable, minDomains, [maxUnavailable, maxSurge], budget
    ['TIER_0: ⌈6/2⌉ = 3 per zone', TIER_0, 6, 3, 9, 'DoNotSchedule', 2, [0, 3], { maxUnavailable: 3 }],
    ['TIER_1 over 4 zones: ⌈6/3⌉ = 2 per zone', TIER_1, 6, 4, 8, 'DoNotSchedule', 2, [0, 2], { maxUnavailable: 2 }],
    [
      'TIER_2: the required count, one below it in a drain',
      TIER_2,
      6,
      2,
      6,
      'ScheduleAnyway',
      undefined,
      [1, 3],
      {
        minAvailable: 5,
      },
    ],
    ['TIER_3: one per zone at least', TIER_3, 1, 2, 2, 'ScheduleAnyway', undefined, [1, 1], { minAvailable: 1 }],
  ])('%s', (_name, tier, required, zones, replicas, when, minDomains, [maxUnavailable, maxSurge], budget) => {
    const zoneNames = ['z-a', 'z-b', 'z-c', 'z-d'].slice(0, zones);
    const p = plan({ requiredReplicas: required, zones: zoneNames }, tier);
    expect(p.problems).toEqual([]);
    expect(p.deployment.spec.replicas).toBe(replicas);
    expect(p.horizontalPodAutoscaler.spec.minReplicas).toBe(replicas);
    expect(spreadOf(p)[0].whenUnsatisfiable).toBe(when);
    expect(spreadOf(p)[0].minDomains).toBe(minDomains);
    expect(p.deployment.spec.strategy.rollingUpdate).toEqual({ maxUnavailable, maxSurge });
    expect(p.podDisruptionBudget.spec).toEqual({ ...budget, selector: expect.anything() });
    expect(p.deployment.spec.template.spec.affinity.nodeAffinity).toEqual({
      requiredDuringSchedulingIgnoredDuringExecution: {
        nodeSelectorTerms: [
          { matchExpressions: [{ key: 'topology.kubernetes.io/zone', operator: 'In', values: zoneNames }] },
        ],
      },
    });
  });

  test.each([
    ['TIER_0: 5 s × 2 + 4 s', TIER_0, undefined, 14],
    ['TIER_2: 30 s × 3 + 5 s', TIER_2, undefined, 95],
    ['a drain given as intent', TIER_1, 20, 20],
  ])('%s of drain, then 30 s of shutdown before the kubelet kills the pod', (_name, tier, drainSeconds, drain) => {
    const p = plan({ drainSeconds }, tier);
    expect(p.drainSeconds).toBe(drain);
    expect(p.deployment.spec.template.spec.terminationGracePeriodSeconds).toBe(drain + 30);
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
    ['no drain time', { drainSeconds: 0 }, TIER_1, 'drainSeconds', /at least 1, got: 0/],
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
        const { minAvailable, maxUnavailable: evictable } = podDisruptionBudget.spec;
        expect(minAvailable === undefined ? evictable : replicas.desired - minAvailable).toBeGreaterThan(0);
        expect(horizontalPodAutoscaler.spec.minReplicas).toBe(replicas.desired);
        expect(horizontalPodAutoscaler.spec.maxReplicas).toBeGreaterThanOrEqual(replicas.desired);
        if (tier.staticallyStable) {
          // Skew 1 over the zones: the fullest zone holds ⌈replicas / zones⌉ = perAz.
          expect(replicas.desired - Math.ceil(replicas.desired / zones)).toBeGreaterThanOrEqual(required);
          // One zone's share may be disrupted at once, and no more: at the minimum that leaves required.
          expect(podDisruptionBudget.spec).toEqual({ maxUnavailable: replicas.perAz, selector: expect.anything() });
          expect(replicas.desired - replicas.perAz).toBeGreaterThanOrEqual(required);
          expect(p.keptReplicas).toBe(replicas.desired);
          expect(spreadOf(p)[0]).toMatchObject({
            whenUnsatisfiable: 'DoNotSchedule',
            minDomains: tier.minAzs - 1,
            nodeTaintsPolicy: 'Honor',
          });
        } else {
          expect(spreadOf(p)[0].whenUnsatisfiable).toBe('ScheduleAnyway');
          expect(spreadOf(p)[0]).not.toHaveProperty('minDomains');
          expect(replicas.desired).toBeGreaterThanOrEqual(Math.max(required, zones));
        }
      }),
    );
  });

  test('a statically stable spread is even with every zone up, and takes new pods in the zones a loss leaves', () => {
    fc.assert(
      fc.property(arbitrary, ({ required, zones, headroom }) => {
        for (const tier of [TIER_0, TIER_1]) {
          const names = [...Array(zones).keys()].map((i) => `z${i}`);
          const p = plan({ requiredReplicas: required, zones: names, maxReplicas: 1000 }, tier);
          const [spread] = spreadOf(p);
          const counts = new Map(names.map((z) => [z, 0]));
          expect(placePods(spread, counts, p.replicas.desired)).not.toContain(undefined);
          expect(Math.max(...counts.values())).toBe(Math.ceil(p.replicas.desired / zones));
          // The fullest zone is lost: its pods' replacements, then scale-out, all schedule in the others.
          const [fullest] = [...counts].sort((a, b) => b[1] - a[1])[0];
          const lostPods = counts.get(fullest)!;
          const placed = placePods(spread, counts, lostPods + headroom, new Set([fullest]));
          expect(placed).not.toContain(undefined);
          expect(placed).not.toContain(fullest);
        }
      }),
    );
  });

  test.each<[string, Partial<TopologySpreadConstraint>]>([
    ['minDomains = minAzs (eligible zones fewer than minDomains: the minimum is 0)', { minDomains: 3 }],
    ["taints ignored (the lost zone's nodes stay a domain of 0 pods)", { nodeTaintsPolicy: undefined }],
  ])("the first design leaves a lost zone's replacements Pending: %s", (_name, change) => {
    const spread = { ...spreadOf(plan())[0], ...change } as TopologySpreadConstraint;
    const counts = new Map([
      ['a', 3],
      ['b', 3],
      ['c', 3],
    ]);
    expect(placePods(spread, counts, 3, new Set(['c']))).toEqual([undefined, undefined, undefined]);
    // As planned, the 3 replacements go to a, b, a: the doc comment's worked example.
    expect(placePods(spreadOf(plan())[0], counts, 3, new Set(['c']))).toEqual(['a', 'b', 'a']);
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
