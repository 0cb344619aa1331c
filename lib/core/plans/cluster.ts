import { FleetCapacity, primaryFleetCapacity } from '../capacity';
import { PlanProblem, PlanWarning } from '../errors';
import {
  GKE_MAINTENANCE_MIN_HOURS,
  GKE_MAINTENANCE_ROLLING_DAYS,
  GKE_MAINTENANCE_WINDOW_MIN_HOURS,
  GKE_NO_UPGRADES_EXCLUSION_MAX_DAYS,
} from '../figures';
import { HaRole } from '../metadata';
import { regionOfZone } from '../regions';
import { ServiceTier } from '../tier';
import { checkCount, planServingCapacity } from './serving-capacity';

/**
 * The plan of a regional Kubernetes cluster (`HaGkeCluster`): the zones its control plane and node
 * pool span, the nodes each zone keeps, how upgrades roll, and when they may happen.
 */

/**
 * A period during which the cluster takes no automatic upgrade: the same shape as the CDK fleets'
 * `DeploymentFreeze`, so one list of freezes serves both.
 */
export interface ChangeFreeze {
  /** What the period is (`black-friday`): the exclusion's name. */
  readonly name: string;
  readonly start: Date;
  /** After `start`. */
  readonly end: Date;
}

/** Days of the week as RFC 5545 `BYDAY` spells them. */
export type WeekDay = 'MO' | 'TU' | 'WE' | 'TH' | 'FR' | 'SA' | 'SU';
const WEEK_DAYS: readonly WeekDay[] = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'];

/** A weekly window in which automatic upgrades may run. */
export interface MaintenanceWindow {
  /** Start, `HH:MM` in UTC. */
  readonly startTimeUtc: string;
  /** Hours it lasts (4 to 24). */
  readonly durationHours: number;
  /** Days it opens on (UTC). */
  readonly days: readonly WeekDay[];
}

/**
 * The default window: Monday to Thursday, 03:00–07:00 UTC. Staffed days (no upgrade starts before a
 * weekend), 16 hours a week, so that any 32 days hold the 48 hours GKE requires.
 */
export const CLUSTER_DEFAULT_MAINTENANCE_WINDOW: MaintenanceWindow = {
  startTimeUtc: '03:00',
  durationHours: 4,
  days: ['MO', 'TU', 'WE', 'TH'],
};

/** GKE release channels. */
export type ReleaseChannel = 'RAPID' | 'REGULAR' | 'STABLE' | 'EXTENDED';
const RELEASE_CHANNELS: readonly ReleaseChannel[] = ['RAPID', 'REGULAR', 'STABLE', 'EXTENDED'];

/**
 * An EKS control plane's log types, all of them (both engines enable every one): who called the
 * API, what it answered, how callers authenticated, what the scheduler and controllers decided.
 * @see https://docs.aws.amazon.com/eks/latest/userguide/control-plane-logs.html
 */
export const EKS_CONTROL_PLANE_LOG_TYPES: readonly string[] = [
  'api',
  'audit',
  'authenticator',
  'controllerManager',
  'scheduler',
];

/** A cluster's nodes as its props describe them, in core's terms; `undefined` where a value is a token. */
export interface ClusterNodesIntent {
  /** The cluster's region; undefined when unknown at synthesis. */
  readonly region?: string;
  /** Zones of the region the control plane's nodes run in; undefined when unknown at synthesis. */
  readonly zones?: readonly string[];
  /** How many zones the nodes run in, when their names are unknown at synthesis (`zones` undefined). */
  readonly zoneCount?: number;
  /** PRIMARY serves; STANDBY keeps the standby node count until a failover. */
  readonly role?: HaRole;
  /** Nodes that carry peak load, over all zones; @default - one per zone */
  readonly requiredNodes?: number;
  /** The most nodes the autoscaler adds, over all zones: the literal maximum; @default - twice the serving minimum */
  readonly maxNodes?: number;
  /** Nodes a STANDBY cluster keeps before a failover. */
  readonly standbyNodes?: number;
  /** Extra nodes per zone a node upgrade adds before it drains one. */
  readonly maxSurgePerZone?: number;
}

/** A GKE cluster as its props describe it: its nodes, and when and how it upgrades. */
export interface ClusterIntent extends ClusterNodesIntent {
  readonly releaseChannel?: string;
  readonly maintenanceWindow?: MaintenanceWindow;
  readonly freezes?: readonly ChangeFreeze[];
}

/** A maintenance exclusion as GKE takes it. */
export interface MaintenanceExclusion {
  readonly name: string;
  /** RFC 3339, UTC. */
  readonly startTime: string;
  readonly endTime: string;
  readonly scope: 'NO_UPGRADES';
}

/** The plan of a cluster's nodes (every cloud). */
export interface ClusterNodesPlan {
  /** Zones the nodes are planned over: the known zones, else the tier's minimum. */
  readonly zones: number;
  /** Nodes over all zones: the autoscaler's minimum and the literal maximum. */
  readonly nodes: FleetCapacity;
  /** Nodes the serving cluster keeps (what a STANDBY grows to on failover). */
  readonly failoverMinNodes: number;
  /** The node pool's autoscaler bounds, per zone (GKE sizes a regional pool zone by zone). */
  readonly minNodesPerZone: number;
  readonly maxNodesPerZone: number;
  /** Surge upgrades: nodes added per zone before one is drained; none is ever unavailable. */
  readonly maxSurgePerZone: number;
  readonly maxUnavailablePerZone: 0;
  readonly problems: PlanProblem[];
  readonly warnings: PlanWarning[];
}

/** The plan of a GKE cluster: its nodes, release channel, maintenance window and exclusions. */
export interface ClusterPlan extends ClusterNodesPlan {
  readonly releaseChannel: ReleaseChannel;
  /** The recurring window, RFC 3339 start and end of its first occurrence and an RFC 5545 rule. */
  readonly maintenance: { readonly startTime: string; readonly endTime: string; readonly recurrence: string };
  readonly exclusions: readonly MaintenanceExclusion[];
  readonly problems: PlanProblem[];
  readonly warnings: PlanWarning[];
}

const HHMM = /^([01][0-9]|2[0-3]):([0-5][0-9])$/;
/** A Monday: the recurring window's first occurrence is anchored on a fixed date, so synthesis is deterministic. */
const WINDOW_ANCHOR_DATE = '2025-01-06';
const EXCLUSION_NAME = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const DAY_MS = 86_400_000;
const CLUSTER_COUNT_PROPS = { required: 'requiredNodes', max: 'maxNodes', standby: 'standbyNodes', unit: 'node' };

/**
 * Plans a cluster's nodes over the zones of its region (GKE's regional node pool, EKS's managed
 * node groups, one per zone): the zones, the nodes each zone keeps, how node upgrades roll.
 *
 * - **Zones**: at least the tier's `minAzs`, all in the cluster's region.
 * - **Nodes**: a fleet's capacity (`planServingCapacity`) over the zones, rendered per zone:
 *   minPerZone = perAz, maxPerZone = ⌈maxNodes / zones⌉. A statically stable tier keeps
 *   perAz = ⌈required / (zones − 1)⌉ in every zone, so that losing a zone leaves `requiredNodes`
 *   without waiting on an autoscaler; a STANDBY cluster keeps its standby count and is sized up to
 *   `failoverMinNodes` on failover.
 * - **Upgrades**: `maxSurgePerZone` nodes per zone at a time (1 by default), new ones first.
 *
 * Example: TIER_1, zones a, b, c, required 6, max 18 → 3 nodes per zone (9; a zone loss leaves 6),
 * 3 to 6 per zone, one node per zone replaced at a time.
 * @see https://aws.amazon.com/builders-library/static-stability-using-availability-zones/
 */
export function planClusterNodes(tier: ServiceTier, intent: ClusterNodesIntent): ClusterNodesPlan {
  const problems: PlanProblem[] = [];
  const warnings: PlanWarning[] = [];
  const problem = (prop: string, message: string) => problems.push({ prop, message });

  // ---- Zones ---------------------------------------------------------------------------------
  const zones = intent.zones;
  if (zones !== undefined) {
    const repeated = zones.filter((z, i) => zones.indexOf(z) !== i);
    if (repeated.length > 0) {
      problem('zones', `zones must not repeat a zone, got: ${[...new Set(repeated)].join(', ')} more than once`);
    }
    if (zones.length < tier.minAzs) {
      problem(
        'zones',
        `zones must list at least ${tier.minAzs} zones for ${tier.name}, got: ${zones.length} (${zones.join(', ') || 'none'})`,
      );
    }
    const foreign = intent.region === undefined ? [] : zones.filter((z) => regionOfZone(z) !== intent.region);
    if (foreign.length > 0) {
      problem('zones', `zones must all be in the cluster's region ${intent.region}, got: ${foreign.join(', ')}`);
    }
  }
  if (zones === undefined && intent.zoneCount !== undefined && intent.zoneCount < tier.minAzs) {
    problem('zones', `zones must list at least ${tier.minAzs} zones for ${tier.name}, got: ${intent.zoneCount}`);
  }
  const zoneCount = Math.max(zones?.length ?? intent.zoneCount ?? tier.minAzs, tier.staticallyStable ? 2 : 1);

  // ---- Nodes ---------------------------------------------------------------------------------
  const required = intent.requiredNodes ?? zoneCount;
  const servingMin = checkCount([], 'requiredNodes', required, 1)
    ? primaryFleetCapacity(required, required, zoneCount, tier.staticallyStable).min
    : 1;
  const counts = planServingCapacity(
    tier,
    {
      required,
      max: intent.maxNodes ?? 2 * servingMin,
      standby: intent.standbyNodes,
      role: intent.role,
      zones: zoneCount,
      staticallyStable: tier.staticallyStable,
    },
    CLUSTER_COUNT_PROPS,
    problems,
  );
  // GKE sizes every zone of a regional pool alike: a count that does not divide is rounded up per zone.
  const minNodesPerZone = Math.ceil(counts.capacity.min / zoneCount);
  const maxNodesPerZone = Math.max(minNodesPerZone, Math.ceil(counts.capacity.max / zoneCount));
  if (counts.capacity.min % zoneCount !== 0) {
    warnings.push({
      id: intent.role === HaRole.STANDBY ? 'standbyNodes' : 'requiredNodes',
      message:
        `${counts.capacity.min} nodes do not divide evenly over ${zoneCount} zones: GKE sizes each zone alike, ` +
        `so the cluster keeps ${minNodesPerZone * zoneCount}`,
    });
  }
  const nodes: FleetCapacity = {
    min: minNodesPerZone * zoneCount,
    desired: minNodesPerZone * zoneCount,
    max: maxNodesPerZone * zoneCount,
    perAz: minNodesPerZone,
  };
  const failoverMinNodes = Math.ceil(counts.primary.min / zoneCount) * zoneCount;

  const maxSurgePerZone = intent.maxSurgePerZone ?? 1;
  checkCount(problems, 'maxSurgePerZone', maxSurgePerZone, 1);

  return {
    zones: zoneCount,
    nodes,
    failoverMinNodes,
    minNodesPerZone,
    maxNodesPerZone,
    maxSurgePerZone: Number.isInteger(maxSurgePerZone) && maxSurgePerZone >= 1 ? maxSurgePerZone : 1,
    maxUnavailablePerZone: 0,
    problems,
    warnings,
  };
}

/**
 * Plans a regional GKE cluster: its nodes ({@link planClusterNodes}), and when and how it upgrades.
 *
 * - **Zones**: at least the tier's `minAzs`, all in the cluster's region; the control plane of a
 *   regional cluster is replicated over the region's zones by GKE, the nodes over these.
 * - **Nodes**: a fleet's capacity (`planServingCapacity`) over the zones, rendered per zone (GKE
 *   sizes a regional node pool zone by zone): minPerZone = perAz, maxPerZone = ⌈maxNodes / zones⌉.
 *   A statically stable tier keeps perAz = ⌈required / (zones − 1)⌉ in every zone, so that losing a
 *   zone leaves `requiredNodes` without waiting on the autoscaler; a STANDBY cluster keeps its
 *   standby count and is sized up to `failoverMinNodes` on failover.
 * - **Upgrades**: surge, `maxSurgePerZone` new nodes per zone before one is drained (1 by default),
 *   none unavailable: an upgrade never takes capacity below the minimum. Release channel STABLE for
 *   statically stable tiers (versions reach it after REGULAR has carried them), REGULAR otherwise.
 * - **When**: a weekly window of at least 4 contiguous hours that leaves 48 hours in any 32 days
 *   (counted conservatively as four weeks: hours per week × 4 ≥ 48), and one "no upgrades"
 *   exclusion (at most 30 days) per freeze.
 *
 * Example: TIER_1, zones a, b, c, required 6, max 18 → 3 nodes per zone (9; a zone loss leaves 6),
 * 3 to 6 per zone, surge 1 per zone, STABLE, Monday to Thursday 03:00–07:00 UTC (16 h a week).
 * @see https://cloud.google.com/kubernetes-engine/docs/concepts/regional-clusters
 * @see https://cloud.google.com/kubernetes-engine/docs/concepts/node-pool-upgrade-strategies#surge
 * @see https://cloud.google.com/kubernetes-engine/docs/concepts/release-channels
 */
export function planCluster(tier: ServiceTier, intent: ClusterIntent): ClusterPlan {
  const nodesPlan = planClusterNodes(tier, intent);
  const problems: PlanProblem[] = [...nodesPlan.problems];
  const warnings: PlanWarning[] = [...nodesPlan.warnings];
  const problem = (prop: string, message: string) => problems.push({ prop, message });

  // ---- Release channel -----------------------------------------------------------------------
  const defaultChannel: ReleaseChannel = tier.staticallyStable ? 'STABLE' : 'REGULAR';
  const channel = (intent.releaseChannel ?? defaultChannel) as ReleaseChannel;
  if (!RELEASE_CHANNELS.includes(channel)) {
    problem('releaseChannel', `releaseChannel must be one of ${RELEASE_CHANNELS.join(', ')}, got: ${channel}`);
  } else if (channel === 'RAPID' && tier.staticallyStable) {
    warnings.push({
      id: 'releaseChannel',
      message: `releaseChannel RAPID gets new versions first, before other channels have carried them: ${tier.name} defaults to STABLE`,
    });
  }

  // ---- Maintenance window --------------------------------------------------------------------
  const window = intent.maintenanceWindow ?? CLUSTER_DEFAULT_MAINTENANCE_WINDOW;
  if (intent.maintenanceWindow === undefined && tier.minRegions >= 2) {
    warnings.push({
      id: 'maintenanceWindow',
      message:
        `maintenanceWindow is the default (${window.days.join(',')} ${window.startTimeUtc} UTC, ${window.durationHours} h): ` +
        `${tier.name} keeps a second region, whose cluster upgrades in the same hours unless its window differs; ` +
        'give each region its own maintenanceWindow, so that one region upgrades while the other serves',
    });
  }
  const match = HHMM.exec(window.startTimeUtc);
  if (!match) {
    problem(
      'maintenanceWindow.startTimeUtc',
      `maintenanceWindow.startTimeUtc must be HH:MM (UTC), got: ${window.startTimeUtc}`,
    );
  }
  const hours = window.durationHours;
  if (!Number.isInteger(hours) || hours < GKE_MAINTENANCE_WINDOW_MIN_HOURS || hours > 24) {
    problem(
      'maintenanceWindow.durationHours',
      `maintenanceWindow.durationHours must be an integer from ${GKE_MAINTENANCE_WINDOW_MIN_HOURS} to 24 (GKE counts only stretches of at least ${GKE_MAINTENANCE_WINDOW_MIN_HOURS} hours), got: ${hours}`,
    );
  }
  const days = [...window.days];
  const badDays = days.filter((d, i) => !WEEK_DAYS.includes(d) || days.indexOf(d) !== i);
  if (days.length === 0 || badDays.length > 0) {
    problem(
      'maintenanceWindow.days',
      `maintenanceWindow.days must list distinct days among ${WEEK_DAYS.join(', ')}, got: ${days.join(', ') || 'none'}`,
    );
  }
  const weeksInRollingPeriod = Math.floor(GKE_MAINTENANCE_ROLLING_DAYS / 7);
  if (
    Number.isInteger(hours) &&
    days.length > 0 &&
    days.length * hours * weeksInRollingPeriod < GKE_MAINTENANCE_MIN_HOURS
  ) {
    problem(
      'maintenanceWindow',
      `maintenanceWindow must open at least ${Math.ceil(GKE_MAINTENANCE_MIN_HOURS / weeksInRollingPeriod)} hours a week (GKE requires ${GKE_MAINTENANCE_MIN_HOURS} hours in any ${GKE_MAINTENANCE_ROLLING_DAYS} days), got: ${days.length * hours} (${days.length} × ${hours} h)`,
    );
  }
  const start = new Date(`${WINDOW_ANCHOR_DATE}T${match ? window.startTimeUtc : '00:00'}:00Z`);
  const end = new Date(
    start.getTime() + (Number.isInteger(hours) ? hours : GKE_MAINTENANCE_WINDOW_MIN_HOURS) * 3_600_000,
  );
  const maintenance = {
    startTime: rfc3339(start),
    endTime: rfc3339(end),
    recurrence: `FREQ=WEEKLY;BYDAY=${WEEK_DAYS.filter((d) => days.includes(d)).join(',')}`,
  };

  // ---- Freezes -------------------------------------------------------------------------------
  const freezes = intent.freezes ?? [];
  const names = freezes.map((f) => f.name);
  const exclusions: MaintenanceExclusion[] = [];
  for (const freeze of freezes) {
    const prop = `deploymentFreezes[${freeze.name}]`;
    if (!EXCLUSION_NAME.test(freeze.name) || names.indexOf(freeze.name) !== names.lastIndexOf(freeze.name)) {
      problem(prop, `${prop}.name must be a unique lowercase name of letters, digits and hyphens, got: ${freeze.name}`);
    }
    const from = freeze.start.getTime();
    const to = freeze.end.getTime();
    if (!(to > from)) {
      problem(
        prop,
        `${prop}.end must be after its start, got: ${isoOrInvalid(freeze.start)} to ${isoOrInvalid(freeze.end)}`,
      );
      continue;
    }
    if (to - from > GKE_NO_UPGRADES_EXCLUSION_MAX_DAYS * DAY_MS) {
      problem(
        prop,
        `${prop} must last at most ${GKE_NO_UPGRADES_EXCLUSION_MAX_DAYS} days (GKE's longest "no upgrades" exclusion), got: ${((to - from) / DAY_MS).toFixed(1)} days`,
      );
    }
    exclusions.push({
      name: freeze.name,
      startTime: rfc3339(freeze.start),
      endTime: rfc3339(freeze.end),
      scope: 'NO_UPGRADES',
    });
  }

  return {
    ...nodesPlan,
    releaseChannel: RELEASE_CHANNELS.includes(channel) ? channel : defaultChannel,
    maintenance,
    exclusions,
    problems,
    warnings,
  };
}

/** `2025-01-06T03:00:00Z`: RFC 3339 in UTC, without milliseconds. */
function rfc3339(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function isoOrInvalid(date: Date): string {
  return Number.isNaN(date.getTime()) ? 'an invalid date' : rfc3339(date);
}
