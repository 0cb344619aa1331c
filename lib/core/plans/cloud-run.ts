import { staticallyStableCapacity } from '../capacity';
import { PlanProblem, PlanWarning } from '../errors';
import { CLOUD_RUN_SERVICE_HEALTH_MIN_INSTANCES } from '../figures';
import { healthCheckPathProblem, LIVENESS_PATH } from '../health-check-path';
import { HaRole } from '../metadata';
import { DrStrategy, ServiceTier } from '../tier';
import { FLEET_DEFAULTS } from './fleet';
import { checkCount } from './serving-capacity';

/**
 * The plan of a Cloud Run service deployed in several regions (`HaCloudRunService`): the minimum
 * and maximum instances of each region, the probes, and how traffic is split between revisions.
 */

/** A region's service as the intent names it. */
export interface CloudRunRegionIntent {
  readonly region: string;
  /** PRIMARY serves; STANDBY keeps its standby minimum until traffic fails over to it. */
  readonly role?: HaRole;
}

/** A Cloud Run service as its props describe it, in core's terms. */
export interface CloudRunIntent {
  /** The container image: `repository@sha256:<digest>` (TIER_0/1 require one), or `repository:tag`. */
  readonly image: string;
  /** Whether the image is a token, resolved at deployment: its checks are skipped. */
  readonly imageIsToken?: boolean;
  readonly regions: readonly CloudRunRegionIntent[];
  /** Instances that carry the service's peak load: a serving region must run them alone once another fails. */
  readonly requiredInstances: number;
  /** The most instances a region's autoscaler adds (a cost guard). @default - twice the serving minimum */
  readonly maxInstances?: number;
  /** Instances a STANDBY region keeps before a failover. @default 1 (what Cloud Run service health needs) */
  readonly standbyInstances?: number;
  /** Concurrent requests an instance takes. @default 80 */
  readonly concurrency?: number;
  /** Port the container listens on. @default 8080 */
  readonly containerPort?: number;
  /** Memory of an instance, MiB. @default 512 */
  readonly memoryMiB?: number;
  /** Path of the liveness probe (Cloud Run restarts an instance that fails it). @default '/health/live' */
  readonly livenessPath?: string;
  /** Seconds an instance may take to start before it fails. @default 60 */
  readonly startupSeconds?: number;
  /** The revision that keeps the rest of the traffic during a canary; with `canaryPercent`. */
  readonly stableRevision?: string;
  /** Percent of requests the latest revision receives while `stableRevision` takes the rest (1–99). */
  readonly canaryPercent?: number;
}

/** A traffic target as Cloud Run takes it. */
export interface CloudRunTrafficTarget {
  readonly type: 'TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST' | 'TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION';
  readonly revision?: string;
  readonly percent: number;
  readonly tag?: string;
}

/** An HTTP probe as Cloud Run takes it. */
export interface CloudRunProbe {
  readonly path: string;
  readonly periodSeconds: number;
  readonly timeoutSeconds: number;
  readonly failureThreshold: number;
}

/** The plan. */
export interface CloudRunPlan {
  /** Minimum and maximum instances of each region, in the intent's order. */
  readonly regions: readonly {
    readonly region: string;
    readonly role: HaRole;
    readonly min: number;
    readonly max: number;
  }[];
  /** The minimum a serving region keeps: what a STANDBY region is raised to on failover. */
  readonly failoverMinInstances: number;
  readonly concurrency: number;
  readonly containerPort: number;
  readonly memoryMiB: number;
  readonly startupProbe: CloudRunProbe;
  readonly livenessProbe: CloudRunProbe;
  readonly traffic: readonly CloudRunTrafficTarget[];
  readonly problems: PlanProblem[];
  readonly warnings: PlanWarning[];
}

const IMAGE_DIGEST_SUFFIX = /@sha256:[0-9a-f]{64}$/;
/**
 * Defaults of a service's own settings (not HA objectives): the fleets' port, and Cloud Run's
 * 512 MiB default memory.
 */
export const CLOUD_RUN_DEFAULTS = { containerPort: FLEET_DEFAULTS.instancePort, memoryMiB: 512 } as const;
/** Cloud Run's smallest memory per instance, MiB. */
const MIN_MEMORY_MIB = 128;
const PORT_MAX = 65535;
/** Cloud Run's default and largest concurrency per instance. */
const DEFAULT_CONCURRENCY = 80;
const MAX_CONCURRENCY = 1000;
const DEFAULT_STARTUP_SECONDS = 60;
/** Cloud Run's startup probe allows at most 240 s (failureThreshold × periodSeconds). */
const MAX_STARTUP_SECONDS = 240;
/** Liveness: 3 failures 10 s apart restart an instance (about 30 s hung); 2 s to answer, as for pods. */
const LIVENESS = { periodSeconds: 10, timeoutSeconds: 2, failureThreshold: 3 };
const STARTUP_PERIOD_SECONDS = 5;

/**
 * Plans a multi-region Cloud Run service.
 *
 * - **Serving regions** run `min` instances: Cloud Run spreads a region's instances over its zones
 *   itself, so a statically stable tier (TIER_0, TIER_1) keeps staticallyStableCapacity(required,
 *   minAzs).total, ⌈required / (minAzs − 1)⌉ × minAzs, sized as if spread evenly over the tier's
 *   zones (Google does not publish the spread: the report keeps the AZ figure unproven). Other tiers
 *   keep `required`. Every serving region of an ACTIVE_ACTIVE tier keeps the whole of it: after a
 *   region loss the others carry the peak without waiting on the autoscaler.
 * - **Standby regions** keep `standbyInstances`, at least 1: Cloud Run service health, which takes an
 *   unhealthy region out of a global load balancer, needs one minimum instance per region.
 * - **Maximum**: `maxInstances`, at least the serving minimum (a standby must grow to it).
 * - **Probes**: a startup probe on the liveness path for `startupSeconds` (at most 240), then
 *   liveness (3 × 10 s) restarts a hung instance.
 * - **Traffic**: 100% to the latest revision; a canary sends `canaryPercent` to the latest (tagged
 *   `canary`) and the rest to `stableRevision`.
 *
 * Example: TIER_0 in us-central1 and us-east1, required 4 → ⌈4 / 2⌉ × 3 = 6 instances minimum in
 * each region (a zone loss leaves 4; a region loss leaves the other's 6), maximum 12.
 * @see https://cloud.google.com/run/docs/configuring/min-instances
 * @see https://cloud.google.com/run/docs/configuring/configure-service-health
 * @see https://cloud.google.com/run/docs/rollouts-rollbacks-traffic-migration
 */
export function planCloudRun(tier: ServiceTier, intent: CloudRunIntent): CloudRunPlan {
  const problems: PlanProblem[] = [];
  const warnings: PlanWarning[] = [];
  const problem = (prop: string, message: string) => problems.push({ prop, message });

  const serving = intent.regions.filter((r) => (r.role ?? HaRole.PRIMARY) !== HaRole.STANDBY);
  const needsSecondRegion = tier.strategy !== DrStrategy.BACKUP_RESTORE;
  if (needsSecondRegion && intent.regions.length < tier.minRegions) {
    problem(
      'regions',
      `regions must list at least ${tier.minRegions} regions for ${tier.name} (${tier.strategy} keeps a second region), got: ${intent.regions.length}`,
    );
  }
  if (serving.length === 0) {
    problem('regions', 'regions must have at least one serving (PRIMARY) region, got: none');
  }
  if (tier.strategy === DrStrategy.ACTIVE_ACTIVE && serving.length < intent.regions.length) {
    problem('regions', `regions must all serve for ${tier.name} (ACTIVE_ACTIVE), got: a STANDBY region`);
  }
  const names = intent.regions.map((r) => r.region);
  const repeated = names.filter((n, i) => names.indexOf(n) !== i);
  if (repeated.length > 0) {
    problem('regions', `regions must not repeat a region, got: ${[...new Set(repeated)].join(', ')} more than once`);
  }

  if (!intent.imageIsToken) {
    if (intent.image.trim() === '' || /\s/.test(intent.image)) {
      problem(
        'image',
        `image must be a non-empty image reference without whitespace, got: ${JSON.stringify(intent.image)}`,
      );
    } else if (!IMAGE_DIGEST_SUFFIX.test(intent.image)) {
      const message =
        `image ${intent.image} is a tag: each region's revision resolves it when it is created, so regions and a ` +
        'rollback may run different images; deploy by digest (<repository>@sha256:...)';
      if (tier.staticallyStable) {
        problem(
          'image',
          `image must name a digest (<repository>@sha256: and 64 hex digits) for ${tier.name}, got: ${intent.image}`,
        );
      } else {
        warnings.push({ id: 'image', message });
      }
    }
  }

  const requiredValid = checkCount(problems, 'requiredInstances', intent.requiredInstances, 1);
  const required = requiredValid ? intent.requiredInstances : 1;
  const servingMin =
    tier.staticallyStable && tier.minAzs >= 2 ? staticallyStableCapacity(required, tier.minAzs).total : required;
  const maxValid = checkCount(problems, 'maxInstances', intent.maxInstances, 1);
  const max = maxValid && intent.maxInstances !== undefined ? intent.maxInstances : 2 * servingMin;
  if (max < servingMin) {
    const reason = tier.staticallyStable
      ? `static stability: ${servingMin / tier.minAzs} per zone × ${tier.minAzs} zones so that losing one leaves ${required}`
      : `requiredInstances ${required}`;
    problem('maxInstances', `maxInstances must be at least ${servingMin} for ${tier.name} (${reason}), got: ${max}`);
  }
  const standby = intent.standbyInstances ?? CLOUD_RUN_SERVICE_HEALTH_MIN_INSTANCES;
  if (checkCount(problems, 'standbyInstances', intent.standbyInstances, 0)) {
    if (needsSecondRegion && standby < CLOUD_RUN_SERVICE_HEALTH_MIN_INSTANCES) {
      problem(
        'standbyInstances',
        `standbyInstances must be at least ${CLOUD_RUN_SERVICE_HEALTH_MIN_INSTANCES} for ${tier.name}: Cloud Run service health, which fails a region over, needs a minimum instance in every region, got: ${standby}`,
      );
    } else if (standby > max) {
      problem('standbyInstances', `standbyInstances must be at most maxInstances (${max}), got: ${standby}`);
    }
  }

  const concurrency = intent.concurrency ?? DEFAULT_CONCURRENCY;
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > MAX_CONCURRENCY) {
    problem('concurrency', `concurrency must be an integer from 1 to ${MAX_CONCURRENCY}, got: ${concurrency}`);
  }

  const containerPort = intent.containerPort ?? CLOUD_RUN_DEFAULTS.containerPort;
  if (!Number.isInteger(containerPort) || containerPort < 1 || containerPort > PORT_MAX) {
    problem('containerPort', `containerPort must be an integer from 1 to ${PORT_MAX}, got: ${containerPort}`);
  }
  const memoryMiB = intent.memoryMiB ?? CLOUD_RUN_DEFAULTS.memoryMiB;
  if (!Number.isInteger(memoryMiB) || memoryMiB < MIN_MEMORY_MIB) {
    problem('memoryMiB', `memoryMiB must be an integer of at least ${MIN_MEMORY_MIB}, got: ${memoryMiB}`);
  }
  const livenessPath = intent.livenessPath ?? LIVENESS_PATH;
  const pathProblem = healthCheckPathProblem('livenessPath', livenessPath);
  if (pathProblem) {
    problem('livenessPath', pathProblem);
  }
  const startupSeconds = intent.startupSeconds ?? DEFAULT_STARTUP_SECONDS;
  if (
    !Number.isInteger(startupSeconds) ||
    startupSeconds < STARTUP_PERIOD_SECONDS ||
    startupSeconds > MAX_STARTUP_SECONDS
  ) {
    problem(
      'startupSeconds',
      `startupSeconds must be an integer from ${STARTUP_PERIOD_SECONDS} to ${MAX_STARTUP_SECONDS} (Cloud Run's longest startup probe), got: ${startupSeconds}`,
    );
  }

  let traffic: CloudRunTrafficTarget[] = [{ type: 'TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST', percent: 100 }];
  if (intent.canaryPercent !== undefined || intent.stableRevision !== undefined) {
    const percent = intent.canaryPercent;
    if (percent === undefined || !Number.isInteger(percent) || percent < 1 || percent > 99) {
      problem(
        'canaryPercent',
        `canaryPercent must be an integer from 1 to 99 with stableRevision, got: ${String(percent)}`,
      );
    } else if (!intent.stableRevision) {
      problem(
        'stableRevision',
        'stableRevision must name the revision that keeps the rest of the traffic during a canary, got: none',
      );
    } else {
      traffic = [
        { type: 'TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION', revision: intent.stableRevision, percent: 100 - percent },
        { type: 'TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST', percent, tag: 'canary' },
      ];
    }
  }

  return {
    regions: intent.regions.map((r) => {
      const role = r.role ?? HaRole.PRIMARY;
      return { region: r.region, role, min: role === HaRole.STANDBY ? standby : servingMin, max };
    }),
    failoverMinInstances: servingMin,
    concurrency,
    containerPort,
    memoryMiB,
    startupProbe: {
      path: livenessPath,
      periodSeconds: STARTUP_PERIOD_SECONDS,
      timeoutSeconds: LIVENESS.timeoutSeconds,
      failureThreshold: Math.max(1, Math.ceil(startupSeconds / STARTUP_PERIOD_SECONDS)),
    },
    livenessProbe: { path: livenessPath, ...LIVENESS },
    traffic,
    problems,
    warnings,
  };
}
