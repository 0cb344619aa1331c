import { FleetCapacity } from '../capacity';
import { PlanProblem, PlanWarning } from '../errors';
import { WAF_RATE_LIMIT_MAX, WAF_RATE_LIMIT_MIN, WAF_RATE_WINDOW_SECONDS } from '../figures';
import { healthCheckPathProblem, LIVENESS_PATH, READINESS_PATH } from '../health-check-path';
import { HaRole } from '../metadata';
import { regionPlacementProblem } from '../regions';
import { ServiceTier } from '../tier';
import { checkCount, planServingCapacity } from './serving-capacity';
import {
  ALB_DEREGISTRATION_DELAY_MAX_SECONDS,
  ALB_IDLE_TIMEOUT_DEFAULT_SECONDS,
  errorAlarmPlan,
  FLEET_DEFAULTS,
  targetHealthPlan,
  FleetErrorAlarmPlan,
  fleetMinZones,
  FleetPlan,
  loadBalancerMinZones,
  TargetHealthPlan,
  UnhealthyHostsAlarmPlan,
} from './fleet';

export { ALB_DEREGISTRATION_DELAY_MAX_SECONDS, ALB_IDLE_TIMEOUT_DEFAULT_SECONDS };

/**
 * The plan of a container service behind a load balancer (ECS on Fargate): what each engine's
 * `ResilientService` renders. The HA shape is the fleet's (`plans/fleet.ts`): static stability over
 * the zones, a shallow replacement check tuned to the AZ RTO, alarm rollback, zonal shift.
 */

/**
 * The container health check's bounds and defaults (ECS `HealthCheck`): interval 5–300 s (30),
 * timeout 2–60 s (5), retries 1–10 (3), start period 0–300 s.
 * @see https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_HealthCheck.html
 */
export const ECS_CONTAINER_HEALTH_CHECK = {
  intervalSeconds: 30,
  timeoutSeconds: 5,
  retries: 3,
  startPeriodMaxSeconds: 300,
} as const;

/**
 * The task sizes Fargate runs (Linux): CPU units and the memory (MiB) each allows. 8 and 16 vCPU
 * need platform version 1.4.0 or later (LATEST is).
 * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html#fargate-tasks-size
 */
export const FARGATE_TASK_SIZES: readonly { readonly cpu: number; readonly memoryMiB: readonly number[] }[] = [
  { cpu: 256, memoryMiB: [512, 1024, 2048] },
  { cpu: 512, memoryMiB: steps(1024, 4096, 1024) },
  { cpu: 1024, memoryMiB: steps(2048, 8192, 1024) },
  { cpu: 2048, memoryMiB: steps(4096, 16384, 1024) },
  { cpu: 4096, memoryMiB: steps(8192, 30720, 1024) },
  { cpu: 8192, memoryMiB: steps(16384, 61440, 4096) },
  { cpu: 16384, memoryMiB: steps(32768, 122880, 8192) },
];

/**
 * Defaults of a service's own settings (not HA objectives: what the tier leaves to the service).
 * - task size: aws-cdk-lib's `FargateTaskDefinition` defaults (0.25 vCPU, 512 MiB);
 * - grace period: what aws-cdk-lib's `FargateService` sets for a service behind a load balancer;
 * - port, liveness path and CPU target: the fleet's (`FLEET_DEFAULTS`).
 */
export const SERVICE_DEFAULTS = {
  containerPort: FLEET_DEFAULTS.instancePort,
  livenessPath: LIVENESS_PATH,
  readinessPath: LIVENESS_PATH,
  cpu: 256,
  memoryMiB: 512,
  targetCpuPercent: FLEET_DEFAULTS.targetCpuPercent,
  healthCheckGracePeriodSeconds: 60,
  deregistrationDelaySeconds: ALB_IDLE_TIMEOUT_DEFAULT_SECONDS,
  rateLimitPerIp: FLEET_DEFAULTS.rateLimitPerIp,
} as const;

/** A service as its props describe it, in core's terms; `undefined` where a value is a token. */
export interface ServiceIntent {
  /** AZs of the subnets the tasks run in; undefined when not known at synthesis. */
  readonly zoneCount: number | undefined;
  /**
   * The prop the zones come from, for the message (`vpc` when the engine picks the subnets).
   * @default 'vpcSubnets'
   */
  readonly zonesProp?: string;
  /** What the service is to its service (PRIMARY, or a STANDBY in another region). */
  readonly role: HaRole;
  /** Tasks needed to carry peak load. */
  readonly requiredCount: number;
  /** The most tasks scaling may run: the literal maximum. */
  readonly maxCount: number;
  /** Tasks a STANDBY of a WARM_STANDBY (or ACTIVE_ACTIVE) tier runs. */
  readonly standbyCount?: number;
  readonly containerPort?: number;
  /** Path the load balancer requests from every AZ: whether a task gets requests (and, on ECS, keeps running). */
  readonly readinessPath?: string;
  /** Path the container's own health check requests on localhost: whether the process is alive. */
  readonly livenessPath?: string;
  /** The container health check's command, replacing the one built from `livenessPath`. */
  readonly livenessCommand?: readonly string[];
  /** Task CPU units (1024 = 1 vCPU). */
  readonly cpu?: number;
  readonly memoryMiB?: number;
  readonly targetCpuPercent?: number;
  readonly targetRequestsPerMinute?: number;
  readonly healthCheckGracePeriodSeconds?: number;
  readonly deregistrationDelaySeconds?: number;
  readonly rateLimitPerIp?: number;
  readonly zonalAutoshift?: boolean;
  /** Whether the load balancer routes away from tasks whose errors stand out. @default true */
  readonly anomalyMitigation?: boolean;
  /**
   * The tag or digest the service pulls from its ECR repository (`imageTagOrDigest`); undefined
   * when the image comes from elsewhere or is a token.
   */
  readonly imageReference?: string;
  /**
   * Whether an Application Load Balancer fronts the tasks. A worker (it pulls its work, from a queue)
   * has none: no target group, listener, WAF, per-AZ load-balancer alarms or zonal shift.
   * @default true
   */
  readonly loadBalanced?: boolean;
  /**
   * The props given that only a load balancer uses (`certificate`, `readinessPath`, …), as the user
   * wrote them: each is a problem without one.
   * @default - none
   */
  readonly loadBalancerPropsGiven?: readonly string[];
}

/** How a rolling deployment replaces tasks without going below what the tier counts on. */
export interface ServiceDeploymentPlan {
  /** Share of the desired count kept running and healthy (ECS rounds the task count up). */
  readonly minHealthyPercent: number;
  /** Share of the desired count that may run or be pending (ECS rounds the task count down). */
  readonly maxPercent: number;
  /** New tasks started at a time: one AZ's worth. */
  readonly batchSize: number;
  /** Tasks the deployment keeps running throughout, on the count it was planned for. */
  readonly keptCount: number;
  /** The deployment circuit breaker stops a deployment whose tasks keep failing, and rolls it back. */
  readonly circuitBreakerRollback: boolean;
  /** A deployment during which one of the service's alarms fires is rolled back. */
  readonly alarmRollback: boolean;
}

/** The container's own health check (liveness): replaces a task whose process hangs. */
export interface ContainerHealthPlan {
  readonly path: string;
  /** The command ECS runs in the container: exit 0 is healthy. */
  readonly command: readonly string[];
  readonly intervalSeconds: number;
  readonly timeoutSeconds: number;
  readonly retries: number;
  /** Failures during this time after start do not count (the grace period, within ECS's 300 s). */
  readonly startPeriodSeconds: number;
  /** Worst-case seconds until a hung task is marked unhealthy: interval × retries + timeout. */
  readonly unhealthyAfterSeconds: number;
}

/** Target tracking and its bounds. */
export interface ServiceScalingPlan {
  /** The scalable target's minimum: the desired count (scaling in never undoes static stability). */
  readonly minCount: number;
  /** The literal maximum. */
  readonly maxCount: number;
  readonly targetCpuPercent: number;
  /** Requests per minute per task to track, when given. */
  readonly targetRequestsPerMinute?: number;
}

/** The plan. */
export interface ServicePlan {
  /** Tasks this service runs (a STANDBY its standby count): min and desired equal, max the literal maximum. */
  readonly tasks: FleetCapacity;
  /** What a primary of the same props runs: what a standby scales to on failover. */
  readonly primaryTasks: FleetCapacity;
  /** AZs the tasks must span: the tier's, and two for static stability. */
  readonly minZones: number;
  /** AZs the load balancer must span. */
  readonly loadBalancerMinZones: number;
  readonly taskSize: { readonly cpu: number; readonly memoryMiB: number };
  readonly containerPort: number;
  readonly deployment: ServiceDeploymentPlan;
  readonly scaling: ServiceScalingPlan;
  /** The target group's check (readiness): shallow, from every AZ, tuned to the AZ RTO. */
  /**
   * Whether an Application Load Balancer fronts the tasks. Without one (a worker) the engines render
   * none of `targetHealth`, `deregistrationDelaySeconds`, `errorAlarm`, `unhealthyTasksAlarm`,
   * `rateLimitPerIp`, `loadBalancing` and `accessLogNoncurrentDays`; the container's liveness check
   * alone replaces a task, and the deployment rolls back on the alarms of the work it drains.
   */
  readonly loadBalanced: boolean;
  /** The target group's check (readiness): shallow, from every AZ, tuned to the AZ RTO. */
  readonly targetHealth: TargetHealthPlan;
  readonly containerHealth: ContainerHealthPlan;
  /**
   * Seconds ECS ignores failed target health checks of a new task; undefined without a load balancer
   * (ECS accepts a grace period only for a load-balanced service: the container check's start period
   * covers a worker's start).
   * @see https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CreateService.html (healthCheckGracePeriodSeconds)
   */
  readonly gracePeriodSeconds?: number;
  readonly deregistrationDelaySeconds: number;
  readonly errorAlarm: FleetErrorAlarmPlan;
  /** The alarm on targets that fail the readiness check; it rolls deployments back. */
  readonly unhealthyTasksAlarm: UnhealthyHostsAlarmPlan & { readonly threshold: number };
  readonly rateLimitPerIp: number;
  readonly zonalAutoshift: boolean;
  /**
   * How the target group spreads requests: weighted random with anomaly mitigation (automatic target
   * weights) by default, which sends fewer requests to a task whose errors stand out from the others'
   * while it passes its health checks (the task-level gray failure per-AZ alarms cannot see); the
   * fleet's (`FleetPlan.loadBalancing`).
   */
  readonly loadBalancing: FleetPlan['loadBalancing'];
  /** Days the load balancer's access-log bucket keeps replaced versions. */
  readonly accessLogNoncurrentDays: number;
  readonly problems: PlanProblem[];
  readonly warnings: PlanWarning[];
}

const PORT_MAX = 65535;
const MINUTE = 60;
const SERVICE_COUNT_PROPS = { required: 'requiredCount', max: 'maxCount', standby: 'standbyCount', unit: 'task' };

/**
 * Plans a service.
 *
 * - **Tasks**: as a fleet's capacity. A primary of a statically stable tier (TIER_0, TIER_1) runs
 *   `staticallyStableCapacity(required, zones).total` (`primaryFleetCapacity`): losing an AZ leaves
 *   `required` running without launching anything; other tiers run `max(required, zones)`. A
 *   STANDBY runs `standbyFleetCapacity` (warm standby: one per AZ or `standbyCount`; pilot light: 0).
 *   Desired count = the scalable target's minimum; `maxCount` is the literal maximum.
 * - **Deployment** (ECS rolling update: at least ⌈desired × min %⌉ tasks stay RUNNING and healthy,
 *   at most ⌊desired × max %⌋ run or are pending). Kept = desired for a statically stable tier (an
 *   AZ lost mid-deployment still leaves `required`), `required` otherwise:
 *   min % = ⌈100 × kept / desired⌉; new tasks start one AZ's worth at a time (batch = per-AZ count):
 *   max % = ⌈100 × (desired + batch) / desired⌉, above 100 as AZ rebalancing needs. A pilot-light
 *   standby (0 tasks) is planned on the primary's count, what it deploys once scaled up.
 *   Circuit breaker with rollback, and rollback on the service's alarms, always.
 * - **Readiness** (target group): `fleetTargetHealth(tier.azRtoSeconds)`; ECS also replaces a task
 *   that fails it, so its path must be shallow (default `LIVENESS_PATH`; `READINESS_PATH`, the deep
 *   check that moves traffic between regions, warns). **Liveness** (container): the ECS defaults,
 *   the grace period as start period.
 * - **Error alarm**: the tier's fastest page alert (`fastestPageAlert`), as the fleet's.
 * - **Worker** (`loadBalanced: false`, tasks that pull their work from a queue): no load balancer, so
 *   no readiness check, grace period, error or unhealthy-task alarm, WAF or zonal shift, and any prop
 *   that configures them is a problem. The tasks, deployment and liveness check are planned as above:
 *   when an AZ is lost the survivors already run `required` tasks, and the messages the lost tasks held
 *   reappear after the queue's visibility timeout (`planQueueWorker`), which is then the AZ recovery.
 *   Its deployments roll back on the alarms of the work it drains (a `QueueWorker`'s lane age alarms)
 *   and `pageAlarm`: the engines refuse to synthesize a worker with none.
 *
 * How long Fargate takes to launch a task is not published: the AZ RTO does not wait on it (static
 * stability), a pilot-light standby's scale-up does, until a drill measures it.
 *
 * Example: TIER_1, 3 AZs, required 6, max 18 → ⌈6 / 2⌉ = 3 tasks per AZ, desired 9 (an AZ loss leaves
 * 6); deployment min 100 %, batch 3, max ⌈100 × 12 / 9⌉ = 134 % (⌊9 × 1.34⌋ = 12 tasks); readiness
 * every 15 s, 3 failures + 5 s timeout = 50 s to stop routing to a failed AZ (TIER_1's AZ RTO: 120 s).
 * The same worker (`loadBalanced: false`) runs the same 9 tasks and deployment; a queue with a 40 s
 * visibility timeout gives a lost AZ's messages back to the 6 surviving tasks 40 s after the loss.
 * @see https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DeploymentConfiguration.html (rounding)
 * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-rebalancing.html (tasks even over AZs)
 * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-circuit-breaker.html
 */
export function planService(tier: ServiceTier, intent: ServiceIntent): ServicePlan {
  const problems: PlanProblem[] = [];
  const warnings: PlanWarning[] = [];
  const problem = (prop: string, message: string) => problems.push({ prop, message });
  const count = (prop: string, value: number | undefined, min: number) => checkCount(problems, prop, value, min);
  const range = (prop: string, value: number | undefined, min: number, max: number, why = '') => {
    if (value !== undefined && (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max)) {
      problem(prop, `${prop} must be an integer from ${min} to ${max}${why}, got: ${String(value)}`);
    }
  };

  // ---- Tasks ------------------------------------------------------------------------------
  const minZones = fleetMinZones(tier);
  const zones = Math.max(intent.zoneCount ?? minZones, 1);
  if (intent.zoneCount !== undefined && intent.zoneCount < minZones) {
    const prop = intent.zonesProp ?? 'vpcSubnets';
    problem(prop, `${prop} must select subnets in at least ${minZones} AZs for ${tier.name}, got: ${intent.zoneCount}`);
  }
  // Too few zones is reported above; static stability needs a surviving zone to compute at all.
  const {
    primary: primaryTasks,
    capacity: tasks,
    required,
    max,
  } = planServingCapacity(
    tier,
    {
      required: intent.requiredCount,
      max: intent.maxCount,
      standby: intent.standbyCount,
      role: intent.role,
      zones,
      staticallyStable: tier.staticallyStable && zones >= 2,
    },
    SERVICE_COUNT_PROPS,
    problems,
  );
  const serving = intent.role !== HaRole.STANDBY;

  // ---- Container -------------------------------------------------------------------------
  const containerPort = intent.containerPort ?? SERVICE_DEFAULTS.containerPort;
  range('containerPort', intent.containerPort, 1, PORT_MAX);
  const cpu = intent.cpu ?? SERVICE_DEFAULTS.cpu;
  const memoryMiB = intent.memoryMiB ?? SERVICE_DEFAULTS.memoryMiB;
  const size = FARGATE_TASK_SIZES.find((s) => s.cpu === cpu);
  if (!size) {
    const sizes = FARGATE_TASK_SIZES.map((s) => s.cpu).join(', ');
    problem('cpu', `cpu must be one of the Fargate task sizes (${sizes} CPU units), got: ${cpu}`);
  } else if (!size.memoryMiB.includes(memoryMiB)) {
    problem(
      'memoryLimitMiB',
      `memoryLimitMiB must be one Fargate allows with ${cpu} CPU units ` +
        `(${describeMemory(size.memoryMiB)}), got: ${memoryMiB}`,
    );
  }

  // ---- Health checks ---------------------------------------------------------------------
  const readinessPath = intent.readinessPath ?? SERVICE_DEFAULTS.readinessPath;
  const readinessProblem =
    intent.readinessPath === undefined ? undefined : healthCheckPathProblem('readinessPath', readinessPath);
  if (readinessProblem) {
    problem('readinessPath', readinessProblem);
  }
  const loadBalanced = intent.loadBalanced ?? true;
  if (!loadBalanced) {
    const [first] = intent.loadBalancerPropsGiven ?? [];
    if (first !== undefined) {
      problem(
        first,
        `${first} must not be given with loadBalanced false: it configures the load balancer a worker does not ` +
          `have (its liveness is the container health check alone), got: ${(intent.loadBalancerPropsGiven ?? []).join(', ')}`,
      );
    }
  }
  if (loadBalanced && readinessPath.split('?')[0] === READINESS_PATH) {
    warnings.push({
      id: 'readinessPath',
      message:
        `readinessPath ${READINESS_PATH} is the deep check that moves traffic between regions; ECS replaces ` +
        "tasks that fail the target group's check, so a dependency brownout (or a standby region whose database is " +
        `not the writer) would replace every task at once: give the target group a shallow path (${LIVENESS_PATH}) ` +
        'and keep the deep one for DNS failover',
    });
  }
  const livenessPath = intent.livenessPath ?? SERVICE_DEFAULTS.livenessPath;
  const livenessProblem =
    intent.livenessPath === undefined ? undefined : healthCheckPathProblem('livenessPath', livenessPath);
  if (livenessProblem) {
    problem('livenessPath', livenessProblem);
  } else if (livenessPath.includes("'")) {
    // The default command quotes the URL in single quotes for the shell.
    problem(
      'livenessPath',
      'livenessPath must not contain a single quote (the health check runs it in a shell), ' +
        `got: ${JSON.stringify(livenessPath)}`,
    );
  }
  const url = `http://localhost:${containerPort}${livenessPath}`;
  const command = intent.livenessCommand ?? ['CMD-SHELL', `curl -fsS -o /dev/null '${url}' || exit 1`];
  if (intent.livenessCommand !== undefined && (command.length < 2 || !['CMD', 'CMD-SHELL'].includes(command[0]))) {
    problem(
      'livenessCommand',
      "livenessCommand must start with 'CMD' or 'CMD-SHELL' followed by the command, " +
        `got: ${JSON.stringify(command)}`,
    );
  }
  const gracePeriodSeconds = intent.healthCheckGracePeriodSeconds ?? SERVICE_DEFAULTS.healthCheckGracePeriodSeconds;
  count('healthCheckGracePeriod', intent.healthCheckGracePeriodSeconds, 0);
  const deregistrationDelaySeconds = intent.deregistrationDelaySeconds ?? SERVICE_DEFAULTS.deregistrationDelaySeconds;
  range(
    'deregistrationDelay',
    intent.deregistrationDelaySeconds,
    0,
    ALB_DEREGISTRATION_DELAY_MAX_SECONDS,
    ' seconds (what a target group accepts)',
  );

  // A worker's target health is never rendered: its warnings (a path, a port) would not be about it.
  const targetHealth = targetHealthPlan(tier, readinessPath, containerPort, loadBalanced ? warnings : []);
  const liveness = ECS_CONTAINER_HEALTH_CHECK;

  // ---- Image -------------------------------------------------------------------------------
  const imageProblem = imageReferenceProblem(tier, 'imageTagOrDigest', intent.imageReference);
  if (imageProblem) {
    problem('imageTagOrDigest', imageProblem);
  } else if (intent.imageReference !== undefined && !IMAGE_DIGEST.test(intent.imageReference)) {
    warnings.push({
      id: 'imageTagOrDigest',
      message:
        `imageTagOrDigest ${intent.imageReference} is a tag: ECS resolves it to a digest at each deployment, so ` +
        'what a deployment, a rollback or another region runs is only what the tag named then; deploy by digest ' +
        '(sha256:...)',
    });
  }

  // ---- Scaling and protection ------------------------------------------------------------
  // Target tracking scales out only above its target: an average CPU cannot exceed 100 %.
  const targetCpuPercent = intent.targetCpuPercent ?? SERVICE_DEFAULTS.targetCpuPercent;
  if (!(targetCpuPercent > 0 && targetCpuPercent < 100)) {
    problem(
      'targetCpuPercent',
      `targetCpuPercent must be greater than 0 and less than 100 (an average above 100 never ` +
        `happens, so the service would never scale out), got: ${targetCpuPercent}`,
    );
  }
  if (intent.targetRequestsPerMinute !== undefined && !(intent.targetRequestsPerMinute > 0)) {
    problem(
      'targetRequestsPerMinute',
      `targetRequestsPerMinute must be greater than 0, got: ${intent.targetRequestsPerMinute}`,
    );
  }
  const rateLimitPerIp = intent.rateLimitPerIp ?? SERVICE_DEFAULTS.rateLimitPerIp;
  const minutes = WAF_RATE_WINDOW_SECONDS / MINUTE;
  if (!Number.isInteger(rateLimitPerIp) || rateLimitPerIp < WAF_RATE_LIMIT_MIN) {
    problem(
      'rateLimitPerIp',
      `rateLimitPerIp must be an integer of at least ${WAF_RATE_LIMIT_MIN} (the lowest limit ` +
        `AWS WAF accepts, per ${minutes} minutes), got: ${rateLimitPerIp}`,
    );
  } else if (rateLimitPerIp > WAF_RATE_LIMIT_MAX) {
    problem(
      'rateLimitPerIp',
      `rateLimitPerIp must be at most ${WAF_RATE_LIMIT_MAX} (the highest limit AWS WAF ` +
        `accepts, per ${minutes} minutes), got: ${rateLimitPerIp}`,
    );
  }

  return {
    tasks,
    primaryTasks,
    minZones,
    loadBalancerMinZones: loadBalancerMinZones(tier),
    taskSize: { cpu, memoryMiB },
    containerPort,
    deployment: planDeployment(tier, tasks.desired > 0 ? tasks : primaryTasks, required),
    scaling: {
      minCount: tasks.min,
      maxCount: max,
      targetCpuPercent,
      targetRequestsPerMinute: intent.targetRequestsPerMinute,
    },
    loadBalanced,
    targetHealth,
    containerHealth: {
      path: livenessPath,
      command,
      intervalSeconds: liveness.intervalSeconds,
      timeoutSeconds: liveness.timeoutSeconds,
      retries: liveness.retries,
      startPeriodSeconds: Math.min(gracePeriodSeconds, liveness.startPeriodMaxSeconds),
      unhealthyAfterSeconds: liveness.intervalSeconds * liveness.retries + liveness.timeoutSeconds,
    },
    gracePeriodSeconds: loadBalanced ? gracePeriodSeconds : undefined,
    deregistrationDelaySeconds,
    errorAlarm: errorAlarmPlan(tier),
    // Three one-minute periods with a failing target, as the fleet's: a target that fails its
    // check for three minutes is not a blip; any such target counts (more than 0).
    unhealthyTasksAlarm: { periodSeconds: MINUTE, evaluationPeriods: 3, threshold: 0 },
    rateLimitPerIp,
    zonalAutoshift: loadBalanced && (intent.zonalAutoshift ?? (tier.staticallyStable && serving)),
    loadBalancing:
      intent.anomalyMitigation === false
        ? { algorithm: 'round_robin', anomalyMitigation: false }
        : { algorithm: 'weighted_random', anomalyMitigation: true },
    // As the fleet's access logs: 30 days of replaced versions.
    accessLogNoncurrentDays: 30,
    problems,
    warnings,
  };
}

/**
 * The rolling deployment of `basis` tasks that keeps `required` running (the desired count for
 * statically stable tiers).
 */
function planDeployment(tier: ServiceTier, basis: FleetCapacity, required: number): ServiceDeploymentPlan {
  const desired = Math.max(basis.desired, 1);
  const kept = tier.staticallyStable ? desired : Math.min(required, desired);
  const batchSize = Math.max(1, basis.perAz);
  return {
    minHealthyPercent: Math.ceil((100 * kept) / desired),
    maxPercent: Math.ceil((100 * (desired + batchSize)) / desired),
    batchSize,
    keptCount: kept,
    circuitBreakerRollback: true,
    alarmRollback: true,
  };
}

/** `from`, `from + step`, … up to `to`. */
function steps(from: number, to: number, step: number): number[] {
  const values: number[] = [];
  for (let value = from; value <= to; value += step) {
    values.push(value);
  }
  return values;
}

function describeMemory(values: readonly number[]): string {
  const step = values[1] - values[0];
  const even = values.every((v, i) => i === 0 || v - values[i - 1] === step);
  return even && values.length > 3
    ? `${values[0]} to ${values[values.length - 1]} MiB in steps of ${step}`
    : `${values.join(', ')} MiB`;
}

// ---- Images ---------------------------------------------------------------------------------

/** An image digest as ECR and ECS name one: `sha256:` and 64 lowercase hex digits. */
export const IMAGE_DIGEST = /^sha256:[0-9a-f]{64}$/;

/**
 * An image tag ECR accepts: letters, digits, `_`, `.` and `-`, at most 128 characters, not starting
 * with `.` or `-`.
 * @see https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_PutImage.html (imageTag)
 */
const IMAGE_TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

/**
 * A repository name ECR accepts: lowercase path components of letters and digits separated by `.`,
 * `_`, `-` or `/`, 2 to 256 characters.
 * @see https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_CreateRepository.html (repositoryName)
 */
const REPOSITORY_NAME = /^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/;
const REPOSITORY_NAME_LENGTH = { min: 2, max: 256 } as const;

/**
 * What one registry's replication configuration holds: at most 10 rules, each with at most 100
 * repository filters.
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-ecr-replicationconfiguration-replicationconfiguration.html
 * @see https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_ReplicationRule.html
 */
export const ECR_REPLICATION_LIMITS = { rules: 10, filtersPerRule: 100 } as const;

/**
 * Defaults of an image repository. `imagesKept` is a retention choice, not a published figure: the
 * lifecycle policy keeps the most recent images, so a rollback (the circuit breaker's, an alarm's)
 * and a task a zone loss relaunches find the digest they run as long as fewer pushes came after it.
 */
export const IMAGE_REPOSITORY_DEFAULTS = { imagesKept: 100 } as const;

/**
 * Why an image reference cannot be deployed, or undefined when it can: TIER_0/1 (statically stable
 * tiers) deploy by digest only, the one reference every task, every rollback and every region
 * resolves to the same image; other tiers may name a tag.
 */
export function imageReferenceProblem(
  tier: ServiceTier,
  prop: string,
  reference: string | undefined,
): string | undefined {
  if (reference === undefined || IMAGE_DIGEST.test(reference)) {
    return undefined;
  }
  if (tier.staticallyStable) {
    return (
      `${prop} must be an image digest (sha256: and 64 lowercase hex digits) for ${tier.name}: a tag can name ` +
      `another image in another region or after a push, got: ${reference}`
    );
  }
  return IMAGE_TAG.test(reference)
    ? undefined
    : `${prop} must be an image digest (sha256:...) or an ECR image tag (letters, digits, _, . and -, at most 128), ` +
        `got: ${reference}`;
}

/**
 * The warning for an image given by name (`image`, not `repository`) that is not pinned to a digest,
 * on a tier that deploys by digest (TIER_0/1); undefined otherwise, or when the name is not known
 * at synthesis.
 */
export function imageNameWarning(tier: ServiceTier, imageName: string | undefined): PlanWarning | undefined {
  if (imageName === undefined || !tier.staticallyStable || /@sha256:[0-9a-f]{64}$/.test(imageName)) {
    return undefined;
  }
  return {
    id: 'image',
    message:
      `image ${imageName} names a tag, not a digest: ${tier.name} deploys by digest (…@sha256:…, or repository with ` +
      'imageTagOrDigest), so that every task, rollback and region runs the image that was tested',
  };
}

/** An ECR repository as its props describe it. */
export interface ImageRepositoryIntent {
  /** Undefined when a token (the checks that need it are skipped). */
  readonly repositoryName?: string;
  readonly imagesKept?: number;
  /** Region of the repository; undefined when not known at synthesis. */
  readonly region?: string;
  /** Regions the images replicate to. */
  readonly replicaRegions: readonly string[];
  /** The prop the replica regions come from, for messages. */
  readonly replicaProp: string;
  readonly allowedRegions?: readonly string[];
}

/** An ECR lifecycle policy document (`LifecyclePolicyText`), as both engines render it. */
export interface EcrLifecyclePolicy {
  readonly rules: readonly {
    readonly rulePriority: number;
    readonly description: string;
    readonly selection: {
      readonly tagStatus: 'any';
      readonly countType: 'imageCountMoreThan';
      readonly countNumber: number;
    };
    readonly action: { readonly type: 'expire' };
  }[];
}

/** The plan of an image repository and of the repositories replication creates from it. */
export interface ImageRepositoryPlan {
  /** A pushed tag never names another image: what a region pulls is what was tested. */
  readonly tagMutability: 'IMMUTABLE';
  /** Basic scanning of every pushed image. */
  readonly scanOnPush: true;
  readonly imagesKept: number;
  readonly lifecyclePolicy: EcrLifecyclePolicy;
  readonly replicaRegions: readonly string[];
  readonly problems: PlanProblem[];
  readonly warnings: PlanWarning[];
}

/**
 * Plans an ECR repository. A service of a multi-region tier (`tier.minRegions` > 1) starts tasks in
 * a standby region only if that region holds its image: the repository replicates to at least
 * `minRegions - 1` other regions, within `allowedRegions`. Tags are immutable; the lifecycle policy
 * keeps the `imagesKept` most recent images (at least 2: the one running and the one a rollback
 * returns to), in the source and in every replica.
 *
 * Example: TIER_1 (WARM_STANDBY, 2 regions), `orders` in us-east-1 replicated to us-west-2, 100 kept.
 * @see https://docs.aws.amazon.com/AmazonECR/latest/userguide/replication.html
 */
export function planImageRepository(tier: ServiceTier, intent: ImageRepositoryIntent): ImageRepositoryPlan {
  const problems: PlanProblem[] = [];
  const problem = (prop: string, message: string) => problems.push({ prop, message });
  const name = intent.repositoryName;
  if (
    name !== undefined &&
    (!REPOSITORY_NAME.test(name) ||
      name.length < REPOSITORY_NAME_LENGTH.min ||
      name.length > REPOSITORY_NAME_LENGTH.max)
  ) {
    problem(
      'repositoryName',
      `repositoryName must be ${REPOSITORY_NAME_LENGTH.min} to ${REPOSITORY_NAME_LENGTH.max} lowercase letters, ` +
        `digits and . _ - separators, in / separated parts, got: ${name}`,
    );
  }
  const imagesKept = intent.imagesKept ?? IMAGE_REPOSITORY_DEFAULTS.imagesKept;
  // The running image and the one a rollback returns to.
  checkCount(problems, 'imagesKept', intent.imagesKept, 2);
  const needed = tier.minRegions - 1;
  if (intent.replicaRegions.length < needed) {
    problem(
      intent.replicaProp,
      `${intent.replicaProp} must name at least ${needed} other region(s) for ${tier.name} (${tier.strategy}): ` +
        `a standby region starts tasks only from an image in its own region, got: ${intent.replicaRegions.length}`,
    );
  }
  const placement = regionPlacementProblem({
    prop: intent.replicaProp,
    primaryRegion: intent.region,
    replicaRegions: intent.replicaRegions,
    allowedRegions: intent.allowedRegions,
  });
  if (placement) {
    problem(intent.replicaProp, placement);
  }
  return {
    tagMutability: 'IMMUTABLE',
    scanOnPush: true,
    imagesKept,
    lifecyclePolicy: {
      rules: [
        {
          rulePriority: 1,
          description: `Keep the ${imagesKept} most recent images (rollbacks and relaunches find theirs)`,
          selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: imagesKept },
          action: { type: 'expire' },
        },
      ],
    },
    replicaRegions: [...intent.replicaRegions],
    problems,
    warnings: [],
  };
}

/** One repository's replication, as a registry's configuration holds it. */
export interface ReplicationEntry {
  readonly repositoryName: string;
  readonly regions: readonly string[];
}

/** A registry's replication rules: one rule per set of destination regions, naming its repositories. */
export interface ReplicationRulesPlan {
  readonly rules: readonly { readonly regions: readonly string[]; readonly repositoryNames: readonly string[] }[];
  readonly problems: PlanProblem[];
}

/**
 * Plans one registry's replication configuration (one per account and region): repositories with
 * the same destinations share a rule, each named by a `PREFIX_MATCH` filter of its full name (it also
 * matches longer names: those replicate too, never less). Within ECR's limits
 * ({@link ECR_REPLICATION_LIMITS}).
 *
 * Example: orders → us-west-2, payments → us-west-2, audit → us-west-2 + eu-west-1 → 2 rules.
 */
export function planReplicationRules(entries: readonly ReplicationEntry[]): ReplicationRulesPlan {
  const problems: PlanProblem[] = [];
  const byRegions = new Map<string, { regions: string[]; repositoryNames: string[] }>();
  for (const entry of entries) {
    const regions = [...new Set(entry.regions)].sort();
    const key = regions.join(',');
    const rule = byRegions.get(key) ?? { regions, repositoryNames: [] };
    if (!rule.repositoryNames.includes(entry.repositoryName)) {
      rule.repositoryNames.push(entry.repositoryName);
    }
    byRegions.set(key, rule);
  }
  const rules = [...byRegions.values()];
  const limits = ECR_REPLICATION_LIMITS;
  if (rules.length > limits.rules) {
    problems.push({
      prop: 'replicaRegistries',
      message:
        `replicaRegistries must leave the registry at most ${limits.rules} replication rules (one per set of ` +
        `destination regions), got: ${rules.length}`,
    });
  }
  const crowded = rules.find((rule) => rule.repositoryNames.length > limits.filtersPerRule);
  if (crowded) {
    problems.push({
      prop: 'replicaRegistries',
      message:
        `replicaRegistries must leave at most ${limits.filtersPerRule} repositories replicating to the same regions ` +
        `(${crowded.regions.join(', ')}), got: ${crowded.repositoryNames.length}`,
    });
  }
  return { rules, problems };
}
