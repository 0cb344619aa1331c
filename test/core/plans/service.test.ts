import * as fc from 'fast-check';
import { HaRole, planService, ServiceIntent, ServicePlan, ServiceTier } from '../../../lib/core';
import {
  ECR_REPLICATION_LIMITS,
  imageReferenceProblem,
  ImageRepositoryIntent,
  imageNameWarning,
  planImageRepository,
  planReplicationRules,
} from '../../../lib/core/plans/service';

const BASE: ServiceIntent = { zoneCount: 3, role: HaRole.PRIMARY, requiredCount: 6, maxCount: 18 };
const { PRIMARY, STANDBY } = HaRole;
const { TIER_0, TIER_1, TIER_2, TIER_3 } = ServiceTier;

function plan(intent: Partial<ServiceIntent> = {}, tier = TIER_1): ServicePlan {
  return planService(tier, { ...BASE, ...intent });
}

/** The tasks ECS keeps running during a rolling deployment (it rounds the minimum up). */
const keptDuring = (desired: number, minHealthyPercent: number) => Math.ceil((desired * minHealthyPercent) / 100);
/** The tasks ECS may run during a rolling deployment (it rounds the maximum down). */
const runningDuring = (desired: number, maxPercent: number) => Math.floor((desired * maxPercent) / 100);

describe('planService by table', () => {
  test('TIER_1 over 3 AZs, 6 required: the worked example of the doc comment', () => {
    const p = plan();
    expect(p).toMatchObject({
      tasks: { min: 9, desired: 9, max: 18, perAz: 3 },
      primaryTasks: { min: 9, desired: 9, max: 18, perAz: 3 },
      minZones: 3,
      loadBalancerMinZones: 3,
      taskSize: { cpu: 256, memoryMiB: 512 },
      containerPort: 8080,
      deployment: {
        minHealthyPercent: 100,
        maxPercent: 134,
        batchSize: 3,
        keptCount: 9,
        circuitBreakerRollback: true,
        alarmRollback: true,
      },
      scaling: { minCount: 9, maxCount: 18, targetCpuPercent: 50, targetRequestsPerMinute: undefined },
      targetHealth: {
        path: '/health/live',
        port: 8080,
        intervalSeconds: 15,
        timeoutSeconds: 5,
        unhealthyThresholdCount: 3,
        healthyThresholdCount: 3,
        matcher: '200',
        failoverSeconds: 50,
      },
      containerHealth: {
        path: '/health/live',
        command: ['CMD-SHELL', "curl -fsS -o /dev/null 'http://localhost:8080/health/live' || exit 1"],
        intervalSeconds: 30,
        timeoutSeconds: 5,
        retries: 3,
        startPeriodSeconds: 60,
        unhealthyAfterSeconds: 95,
      },
      gracePeriodSeconds: 60,
      deregistrationDelaySeconds: 60,
      errorAlarm: {
        periodSeconds: 300,
        thresholdPercent: 0.72,
        evaluationPeriods: 1,
        burnRate: 14.4,
        bakeSeconds: 3600,
      },
      unhealthyTasksAlarm: { periodSeconds: 60, evaluationPeriods: 3, threshold: 0 },
      rateLimitPerIp: 2000,
      zonalAutoshift: true,
      problems: [],
      warnings: [],
    });
    expect(runningDuring(9, p.deployment.maxPercent)).toBe(12);
  });

  test.each<[string, ServiceTier, HaRole, number, number, number, [number, number, number], boolean]>([
    // name, tier, role, zones → desired, per AZ, deployment [min %, max %, kept], zonal autoshift
    ['TIER_0 primary: ⌈6/2⌉ = 3 per AZ', TIER_0, PRIMARY, 3, 9, 3, [100, 134, 9], true],
    ['TIER_0 standby: active/active serves', TIER_0, STANDBY, 3, 9, 3, [100, 134, 9], false],
    ['TIER_1 standby: warm, one per AZ', TIER_1, STANDBY, 3, 3, 1, [100, 134, 3], false],
    ['TIER_2 primary: the required count', TIER_2, PRIMARY, 2, 6, 3, [100, 150, 6], false],
    // A pilot light at 0 deploys as the primary would once scaled up.
    ['TIER_2 standby: pilot light at 0', TIER_2, STANDBY, 2, 0, 0, [100, 150, 6], false],
    ['TIER_3 primary over 3 AZs', TIER_3, PRIMARY, 3, 6, 2, [100, 134, 6], false],
  ])('%s', (_name, tier, role, zoneCount, desired, perAz, [minHealthyPercent, maxPercent, keptCount], autoshift) => {
    const p = plan({ role, zoneCount }, tier);
    expect(p.tasks).toMatchObject({ desired, perAz });
    expect(p.scaling).toMatchObject({ minCount: desired, maxCount: 18 });
    expect(p.deployment).toMatchObject({ minHealthyPercent, maxPercent, keptCount });
    expect(p.zonalAutoshift).toBe(autoshift);
    expect(p.problems).toEqual([]);
  });

  test('a tier that is not statically stable keeps only the required count during a deployment', () => {
    // One task required over 2 AZs: one per AZ runs (2), and a deployment may stop one of them.
    const p = plan({ requiredCount: 1, maxCount: 4, zoneCount: 2 }, TIER_2);
    expect(p.tasks).toMatchObject({ desired: 2, perAz: 1 });
    expect(p.deployment).toMatchObject({ minHealthyPercent: 50, maxPercent: 150, batchSize: 1, keptCount: 1 });
    expect(keptDuring(2, 50)).toBe(1);
  });

  test('a warm standby with standbyCount runs that many', () => {
    expect(plan({ role: STANDBY, standbyCount: 6 }).tasks).toEqual({ min: 6, desired: 6, max: 18, perAz: 2 });
  });

  test("the readiness check follows the AZ RTO (TIER_0 14 s, TIER_2 95 s); liveness keeps ECS's defaults", () => {
    expect(plan({}, TIER_0).targetHealth).toMatchObject({
      intervalSeconds: 5,
      timeoutSeconds: 4,
      unhealthyThresholdCount: 2,
      failoverSeconds: 14,
    });
    expect(plan({ zoneCount: 2 }, TIER_2).targetHealth).toMatchObject({
      intervalSeconds: 30,
      unhealthyThresholdCount: 3,
      failoverSeconds: 95,
    });
    expect(plan({}, TIER_0).containerHealth).toMatchObject({ intervalSeconds: 30, timeoutSeconds: 5, retries: 3 });
  });

  test('the container check starts after the grace period, at most the 300 s ECS allows', () => {
    expect(plan({ healthCheckGracePeriodSeconds: 120 }).containerHealth.startPeriodSeconds).toBe(120);
    expect(plan({ healthCheckGracePeriodSeconds: 600 })).toMatchObject({
      gracePeriodSeconds: 600,
      containerHealth: { startPeriodSeconds: 300 },
    });
  });

  test('explicit settings: port, paths, size, scaling, delay, rate limit, a command of the image', () => {
    const p = plan({
      containerPort: 3000,
      readinessPath: '/ready',
      livenessPath: '/alive',
      cpu: 1024,
      memoryMiB: 4096,
      targetCpuPercent: 40,
      targetRequestsPerMinute: 1200,
      deregistrationDelaySeconds: 30,
      rateLimitPerIp: 500,
      zonalAutoshift: false,
    });
    expect(p).toMatchObject({
      containerPort: 3000,
      taskSize: { cpu: 1024, memoryMiB: 4096 },
      scaling: { targetCpuPercent: 40, targetRequestsPerMinute: 1200 },
      targetHealth: { path: '/ready', port: 3000 },
      containerHealth: {
        path: '/alive',
        command: ['CMD-SHELL', "curl -fsS -o /dev/null 'http://localhost:3000/alive' || exit 1"],
      },
      deregistrationDelaySeconds: 30,
      rateLimitPerIp: 500,
      zonalAutoshift: false,
      problems: [],
    });
    const command = ['CMD', '/app/healthcheck'];
    expect(plan({ livenessCommand: command }).containerHealth.command).toEqual(command);
  });

  test('every Fargate size is accepted at its bounds', () => {
    const bounds = [
      [256, 512],
      [256, 2048],
      [512, 4096],
      [2048, 16384],
      [4096, 30720],
      [8192, 61440],
      [16384, 122880],
    ];
    for (const [cpu, memoryMiB] of bounds) {
      expect(plan({ cpu, memoryMiB }).problems).toEqual([]);
    }
  });

  test("the deep readiness path as the target group's check warns: ECS would replace every task in a brownout", () => {
    expect(plan({ readinessPath: '/health/ready?full=1' }).warnings).toEqual([
      {
        id: 'readinessPath',
        message:
          'readinessPath /health/ready is the deep check that moves traffic between regions; ECS replaces tasks ' +
          "that fail the target group's check, so a dependency brownout (or a standby region whose database is not " +
          'the writer) would replace every task at once: give the target group a shallow path (/health/live) and keep ' +
          'the deep one for DNS failover',
      },
    ]);
  });

  test('an AZ RTO shorter than the fastest check allows warns', () => {
    const fast = ServiceTier.custom({
      ...TIER_0.toObjectives(),
      name: 'FAST',
      strategy: TIER_0.strategy,
      azRtoSeconds: 20,
    });
    expect(plan({}, fast).warnings).toEqual([
      {
        id: 'azRto',
        message:
          'the fastest target health check ALB allows stops routing to a failed AZ after 14 s, more than half of ' +
          "FAST's AZ RTO of 20 s",
      },
    ]);
  });
});

describe('planService for a worker (loadBalanced: false)', () => {
  test('the same tasks, deployment and liveness as the load-balanced service; no grace period or zonal shift', () => {
    const balanced = plan();
    const worker = plan({ loadBalanced: false });
    expect(worker.loadBalanced).toBe(false);
    expect(worker.tasks).toEqual(balanced.tasks);
    expect(worker.deployment).toEqual(balanced.deployment);
    expect(worker.containerHealth).toEqual(balanced.containerHealth);
    expect(worker.scaling).toEqual(balanced.scaling);
    // ECS accepts a grace period only for a load-balanced service; the container's start period still has it.
    expect([balanced.gracePeriodSeconds, worker.gracePeriodSeconds]).toEqual([60, undefined]);
    expect(worker.containerHealth.startPeriodSeconds).toBe(60);
    expect([balanced.zonalAutoshift, worker.zonalAutoshift]).toEqual([true, false]);
    expect(worker.problems).toEqual([]);
    expect(worker.warnings).toEqual([]);
  });

  test('a prop that configures the load balancer is a problem naming it and every other one given', () => {
    const worker = plan({ loadBalanced: false, loadBalancerPropsGiven: ['certificate', 'readinessPath'] });
    expect(worker.problems).toEqual([
      {
        prop: 'certificate',
        message:
          'certificate must not be given with loadBalanced false: it configures the load balancer a worker does ' +
          'not have (its liveness is the container health check alone), got: certificate, readinessPath',
      },
    ]);
  });

  test("the readiness path's warnings are not a worker's", () => {
    expect(plan({ readinessPath: '/health/ready' }).warnings.map((w) => w.id)).toContain('readinessPath');
    expect(plan({ loadBalanced: false, loadBalancerPropsGiven: [] }).warnings).toEqual([]);
  });
});

describe('planService problems: the prop, the value and what is allowed', () => {
  test.each<[string, Partial<ServiceIntent>, string, string]>([
    // name, intent (TIER_1) → prop, message
    [
      'requiredCount not an integer',
      { requiredCount: 1.5 },
      'requiredCount',
      'requiredCount must be an integer of at least 1, got: 1.5',
    ],
    ['maxCount of 0', { maxCount: 0 }, 'maxCount', 'maxCount must be an integer of at least 1, got: 0'],
    [
      'requiredCount above maxCount',
      { requiredCount: 20 },
      'requiredCount',
      'requiredCount must be at most maxCount (18), got: 20',
    ],
    [
      'maxCount below the statically stable count',
      { maxCount: 8 },
      'maxCount',
      'maxCount must be at least 9 for TIER_1 (static stability: 3 per AZ × 3 AZs so that losing one AZ leaves ' +
        'requiredCount 6), got: 8',
    ],
    [
      'standbyCount above maxCount',
      { role: STANDBY, standbyCount: 19 },
      'standbyCount',
      'standbyCount must be at most maxCount (18), got: 19',
    ],
    [
      'standbyCount negative',
      { role: STANDBY, standbyCount: -1 },
      'standbyCount',
      'standbyCount must be an integer of at least 0, got: -1',
    ],
    [
      'too few zones for the tier',
      { zoneCount: 2 },
      'vpcSubnets',
      'vpcSubnets must select subnets in at least 3 AZs for TIER_1, got: 2',
    ],
    [
      "too few zones, named by the engine's prop",
      { zoneCount: 1, zonesProp: 'vpc' },
      'vpc',
      'vpc must select subnets in at least 3 AZs for TIER_1, got: 1',
    ],
    [
      'container port out of range',
      { containerPort: 70000 },
      'containerPort',
      'containerPort must be an integer from 1 to 65535, got: 70000',
    ],
    [
      'a CPU Fargate does not run',
      { cpu: 300 },
      'cpu',
      'cpu must be one of the Fargate task sizes (256, 512, 1024, 2048, 4096, 8192, 16384 CPU units), got: 300',
    ],
    [
      'memory the CPU does not allow',
      { cpu: 256, memoryMiB: 4096 },
      'memoryLimitMiB',
      'memoryLimitMiB must be one Fargate allows with 256 CPU units (512, 1024, 2048 MiB), got: 4096',
    ],
    [
      'memory off the step',
      { cpu: 8192, memoryMiB: 17408 },
      'memoryLimitMiB',
      'memoryLimitMiB must be one Fargate allows with 8192 CPU units (16384 to 61440 MiB in steps of 4096), ' +
        'got: 17408',
    ],
    [
      'a relative readiness path',
      { readinessPath: 'health' },
      'readinessPath',
      'readinessPath must start with \'/\' and contain no whitespace, got: "health"',
    ],
    [
      'a liveness path with a space',
      { livenessPath: '/health live' },
      'livenessPath',
      'livenessPath must start with \'/\' and contain no whitespace, got: "/health live"',
    ],
    [
      'a liveness path with a quote',
      { livenessPath: "/it's" },
      'livenessPath',
      'livenessPath must not contain a single quote (the health check runs it in a shell), got: "/it\'s"',
    ],
    [
      'a command without CMD',
      { livenessCommand: ['curl', 'localhost'] },
      'livenessCommand',
      'livenessCommand must start with \'CMD\' or \'CMD-SHELL\' followed by the command, got: ["curl","localhost"]',
    ],
    [
      'a CPU target of 100',
      { targetCpuPercent: 100 },
      'targetCpuPercent',
      'targetCpuPercent must be greater than 0 and less than 100 (an average above 100 never happens, so the service ' +
        'would never scale out), got: 100',
    ],
    [
      'no requests per task',
      { targetRequestsPerMinute: 0 },
      'targetRequestsPerMinute',
      'targetRequestsPerMinute must be greater than 0, got: 0',
    ],
    [
      'a fractional grace period',
      { healthCheckGracePeriodSeconds: 0.5 },
      'healthCheckGracePeriod',
      'healthCheckGracePeriod must be an integer of at least 0, got: 0.5',
    ],
    [
      'a deregistration delay above an hour',
      { deregistrationDelaySeconds: 3601 },
      'deregistrationDelay',
      'deregistrationDelay must be an integer from 0 to 3600 seconds (what a target group accepts), got: 3601',
    ],
    [
      'a rate limit WAF refuses',
      { rateLimitPerIp: 5 },
      'rateLimitPerIp',
      'rateLimitPerIp must be an integer of at least 10 (the lowest limit AWS WAF accepts, per 5 minutes), got: 5',
    ],
  ])('%s', (_name, intent, prop, message) => {
    // The first problem is the one the engines throw (requiredCount above maxCount also leaves maxCount short).
    expect(plan(intent).problems[0]).toEqual({ prop, message });
  });

  test('a tier that is not statically stable only needs one task per AZ', () => {
    expect(plan({ requiredCount: 1, maxCount: 1, zoneCount: 2 }, TIER_3).problems).toEqual([
      { prop: 'maxCount', message: 'maxCount must be at least 2 for TIER_3 (one task in each of 2 AZs), ' + 'got: 1' },
    ]);
  });

  test('a token the engine could not read (undefined) is skipped', () => {
    expect(plan({ zoneCount: undefined, readinessPath: undefined }).problems).toEqual([]);
  });
});

describe('planService by property', () => {
  const tiers = fc.constantFrom(...ServiceTier.BUILT_IN);
  const intents = fc.record({
    zoneCount: fc.integer({ min: 3, max: 6 }),
    requiredCount: fc.integer({ min: 1, max: 200 }),
    extra: fc.integer({ min: 0, max: 200 }),
  });
  /** Enough room for every tier's count. */
  const maxOf = (requiredCount: number, zoneCount: number, extra: number) => requiredCount * 2 + zoneCount + extra;

  test('a primary keeps the required count through a deployment, a statically stable one through an AZ loss', () => {
    fc.assert(
      fc.property(tiers, intents, (tier, { zoneCount, requiredCount, extra }) => {
        const maxCount = maxOf(requiredCount, zoneCount, extra);
        const p = planService(tier, { zoneCount, role: PRIMARY, requiredCount, maxCount });
        expect(p.problems).toEqual([]);
        const { desired, perAz } = p.tasks;
        const kept = keptDuring(desired, p.deployment.minHealthyPercent);
        expect(kept).toBeGreaterThanOrEqual(requiredCount);
        if (tier.staticallyStable) {
          expect(desired).toBe(perAz * zoneCount);
          expect(kept - perAz).toBeGreaterThanOrEqual(requiredCount);
        }
        expect(desired).toBeGreaterThanOrEqual(zoneCount);
      }),
    );
  });

  test("a deployment may start one AZ's worth of tasks, and at most that plus ECS's rounding", () => {
    fc.assert(
      fc.property(tiers, intents, (tier, { zoneCount, requiredCount, extra }) => {
        const maxCount = maxOf(requiredCount, zoneCount, extra);
        const p = planService(tier, { zoneCount, role: PRIMARY, requiredCount, maxCount });
        const { desired, perAz } = p.tasks;
        const extraTasks = runningDuring(desired, p.deployment.maxPercent) - desired;
        expect(p.deployment.maxPercent).toBeGreaterThan(100);
        expect(extraTasks).toBeGreaterThanOrEqual(perAz);
        expect(extraTasks).toBeLessThanOrEqual(perAz + Math.ceil(desired / 100));
      }),
    );
  });

  test('the scaling minimum is the desired count and the maximum is the literal one', () => {
    const roles = fc.constantFrom(PRIMARY, STANDBY);
    fc.assert(
      fc.property(tiers, intents, roles, (tier, { zoneCount, requiredCount, extra }, role) => {
        const maxCount = maxOf(requiredCount, zoneCount, extra);
        const p = planService(tier, { zoneCount, role, requiredCount, maxCount });
        expect(p.scaling).toMatchObject({ minCount: p.tasks.desired, maxCount });
        expect(p.tasks.desired).toBeLessThanOrEqual(maxCount);
      }),
    );
  });
});

describe('images', () => {
  const DIGEST = `sha256:${'a1'.repeat(32)}`;

  test.each(
    (
      [
        [TIER_0, DIGEST, undefined],
        [TIER_1, '1.4.2', 'imageTagOrDigest must be an image digest (sha256: and 64 lowercase hex digits) for TIER_1'],
        [TIER_1, `sha256:${'A1'.repeat(32)}`, 'must be an image digest'],
        [TIER_2, '1.4.2', undefined],
        [TIER_3, '-bad', 'must be an image digest (sha256:...) or an ECR image tag'],
      ] as [ServiceTier, string, string | undefined][]
    ).map(([tier, reference, problem]) => [tier.name, reference, problem, tier] as const),
  )('%s deploying %s: %s', (_name, reference, problem, tier) => {
    expect(imageReferenceProblem(tier, 'imageTagOrDigest', reference)).toEqual(
      problem === undefined ? undefined : expect.stringContaining(problem),
    );
  });

  test('a tag on a tier that allows it plans with a warning, a digest without', () => {
    expect(plan({ imageReference: '1.4.2' }, TIER_2).warnings.map((w) => w.id)).toContain('imageTagOrDigest');
    expect(plan({ imageReference: DIGEST }, TIER_2).warnings.map((w) => w.id)).not.toContain('imageTagOrDigest');
    expect(plan({ imageReference: '1.4.2' }, TIER_1).problems.map((p) => p.prop)).toEqual(['imageTagOrDigest']);
  });

  const repository = (tier: ServiceTier, replicaRegions: string[], extra: Partial<ImageRepositoryIntent> = {}) =>
    planImageRepository(tier, {
      repositoryName: 'orders',
      region: 'us-east-1',
      replicaRegions,
      replicaProp: 'replicaRegistries',
      ...extra,
    });

  test.each<[string, ServiceTier, string[], Partial<ImageRepositoryIntent>, string | undefined]>([
    ['TIER_1 replicated once', TIER_1, ['us-west-2'], {}, undefined],
    ['TIER_1 not replicated', TIER_1, [], {}, 'replicaRegistries must name at least 1 other region(s) for TIER_1'],
    ['TIER_3 not replicated', TIER_3, [], {}, undefined],
    ['a replica in its own region', TIER_1, ['us-east-1'], {}, 'must not include the primary region us-east-1'],
    [
      'a replica outside the allowed regions',
      TIER_1,
      ['eu-west-1'],
      { allowedRegions: ['us-east-1', 'us-west-2'] },
      'must stay within allowedRegions',
    ],
    ['one image kept', TIER_3, [], { imagesKept: 1 }, 'imagesKept must be an integer of at least 2, got: 1'],
    ['a name with a capital', TIER_3, [], { repositoryName: 'Orders' }, 'repositoryName must be 2 to 256 lowercase'],
  ])('planImageRepository: %s', (_name, tier, regions, extra, problem) => {
    const messages = repository(tier, regions, extra).problems.map((p) => p.message);
    expect(messages).toEqual(problem === undefined ? [] : [expect.stringContaining(problem)]);
  });

  test('the lifecycle keeps the images kept, tagged or not, in one rule; tags are immutable and scanned', () => {
    const p = repository(TIER_1, ['us-west-2'], { imagesKept: 30 });
    expect(p).toMatchObject({ tagMutability: 'IMMUTABLE', scanOnPush: true, imagesKept: 30 });
    expect(p.lifecyclePolicy.rules).toEqual([
      expect.objectContaining({
        rulePriority: 1,
        selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 30 },
        action: { type: 'expire' },
      }),
    ]);
  });

  test('planReplicationRules: one rule per set of destinations, within ECR limits', () => {
    expect(
      planReplicationRules([
        { repositoryName: 'orders', regions: ['us-west-2'] },
        { repositoryName: 'payments', regions: ['us-west-2'] },
        { repositoryName: 'audit', regions: ['us-west-2', 'eu-west-1'] },
      ]),
    ).toEqual({
      rules: [
        { regions: ['us-west-2'], repositoryNames: ['orders', 'payments'] },
        { regions: ['eu-west-1', 'us-west-2'], repositoryNames: ['audit'] },
      ],
      problems: [],
    });
    const many = Array.from({ length: ECR_REPLICATION_LIMITS.rules + 1 }, (_, i) => ({
      repositoryName: `r${i}`,
      regions: [`us-west-${i}`],
    }));
    expect(planReplicationRules(many).problems.map((p) => p.message)).toEqual([
      'replicaRegistries must leave the registry at most 10 replication rules (one per set of destination regions), got: 11',
    ]);
  });
});

test.each<[string, ServiceTier, string, boolean]>([
  ['a tag on TIER_0', TIER_0, 'public.ecr.aws/x/orders:1.4.2', true],
  ['a digest on TIER_1', TIER_1, `public.ecr.aws/x/orders@sha256:${'ab'.repeat(32)}`, false],
  ['a tag on TIER_2', TIER_2, 'public.ecr.aws/x/orders:1.4.2', false],
])('imageNameWarning: %s warns: %s', (_name, tier, image, warns) => {
  expect(imageNameWarning(tier, image)?.id).toBe(warns ? 'image' : undefined);
});
