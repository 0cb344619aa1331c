import { PlanProblem, PlanWarning } from '../errors';
import { RESILIENCE_HUB_MIN_OBJECTIVE_SECONDS } from '../figures';
import { ServiceTier } from '../tier';

/**
 * The plan of a service's AWS Resilience Hub resiliency policy: the tier's objectives as Resilience
 * Hub states them (an RTO and an RPO per disruption type), its Resilience Hub tier and data
 * location constraint; what the CDK `ResilienceHubApp` renders.
 */

/**
 * Resilience Hub's tiers, from the most to the least critical (the `Tier` of
 * `AWS::ResilienceHub::ResiliencyPolicy`).
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-resiliencehub-resiliencypolicy.html
 */
export enum ResilienceHubTier {
  MISSION_CRITICAL = 'MissionCritical',
  CRITICAL = 'Critical',
  IMPORTANT = 'Important',
  /**
   * Foundational services other applications depend on (networking, identity, DNS): a kind of
   * service rather than a level of availability, so never derived from a tier; give it yourself.
   */
  CORE_SERVICES = 'CoreServices',
  NON_CRITICAL = 'NonCritical',
}

/**
 * Where Resilience Hub may keep the policy's data and place what it recommends (the
 * `DataLocationConstraint` of `AWS::ResilienceHub::ResiliencyPolicy`).
 */
export enum DataLocationConstraint {
  ANY_LOCATION = 'AnyLocation',
  SAME_CONTINENT = 'SameContinent',
  SAME_COUNTRY = 'SameCountry',
}

/** The disruption types of a resiliency policy: the keys of its `Policy` map. */
export type ResilienceHubDisruption = 'Software' | 'Hardware' | 'AZ' | 'Region';

/** The disruption types, in the order Resilience Hub lists them. */
export const RESILIENCE_HUB_DISRUPTIONS: readonly ResilienceHubDisruption[] = ['Software', 'Hardware', 'AZ', 'Region'];

/** One disruption's objectives, in whole seconds, as the `Policy` map holds them. */
export interface ResilienceHubObjective {
  readonly rtoInSecs: number;
  readonly rpoInSecs: number;
}

/** A `ResilienceHubApp` as its props describe it, in core's terms. */
export interface ResilienceHubIntent {
  /** @default - from the tier's availability target (see {@link planResilienceHub}) */
  readonly resilienceHubTier?: string;
  /** @default - SameCountry when `allowedRegions` lists one region, otherwise none (AnyLocation) */
  readonly dataLocationConstraint?: string;
  /** The service's allowed regions (data residency). @default - unconstrained */
  readonly allowedRegions?: readonly string[];
  /** Whether Resilience Hub assesses the app every day. @default true */
  readonly dailyAssessment?: boolean;
}

/** What every engine renders for a `ResilienceHubApp`. */
export interface ResilienceHubPlan {
  readonly resilienceHubTier: ResilienceHubTier;
  /** RTO and RPO per disruption type, in whole seconds. */
  readonly policy: Readonly<Record<ResilienceHubDisruption, ResilienceHubObjective>>;
  /** Undefined: the policy states none (Resilience Hub's AnyLocation). */
  readonly dataLocationConstraint?: DataLocationConstraint;
  /** Resilience Hub's `AppAssessmentSchedule`. */
  readonly assessmentSchedule: 'Daily' | 'Disabled';
  readonly problems: PlanProblem[];
  readonly warnings: PlanWarning[];
}

/**
 * The tier's objectives as a Resilience Hub resiliency policy.
 *
 * **Objectives per disruption type.** The report proves two pairs of objectives, a zone's and a
 * region's; Resilience Hub asks for four:
 *
 * - `AZ` ← `azRtoSeconds` / `azRpoSeconds`, and `Region` ← `regionRtoSeconds` / `regionRpoSeconds`:
 *   the same disruption on both sides.
 * - `Hardware` ← the AZ objectives. A failed host, instance, volume or database instance is a
 *   strict subset of a lost zone: the same target health checks stop routing to it, the same
 *   Auto Scaling group replaces it, the same Multi-AZ database fails over, and the capacity kept
 *   for a zone's loss (static stability, or the launches the AZ RTO leaves time for) covers one
 *   instance. Anything tighter would be an objective the tier never set and the report never proved.
 * - `Software` ← the AZ objectives. A crashed or hung process is caught by the health checks that
 *   catch a failed instance; a bad release goes out one zone at a time (the fleet's zonal CodeDeploy
 *   configuration keeps the capacity a zone's loss leaves healthy, bakes in each zone and rolls
 *   back on its error alarm), so a release fails at most one zone's capacity: for a fleet sized to
 *   lose a zone, no worse than losing one. What the tier does not speak to is data a bug writes
 *   wrong: replication copies it within the RPO, so recovering it means restoring from a backup or
 *   point-in-time copy, which can take longer and lose more than the AZ objectives allow. A
 *   software breach Resilience Hub reports on a data store says just that (the restore tests of
 *   `BackupPolicy` measure such a restore), not that the topology misses the tier.
 *
 * **Whole seconds, at least 1.** Resilience Hub takes whole seconds; a fractional objective is
 * rounded down, so a policy met is a tier met. An objective of 0 (an AZ RPO of 0: synchronous
 * replication across zones loses no committed write) is written as
 * {@link RESILIENCE_HUB_MIN_OBJECTIVE_SECONDS} (1 s): Resilience Hub accepts 0 but then marks the
 * policy breached whatever the resources are, so 1 s is the tightest objective it can assess.
 *
 * **Resilience Hub tier**, from the availability target, against the built-in tiers': at least
 * TIER_0's (99.99%) MissionCritical, TIER_1's (99.95%) Critical, TIER_2's (99.9%) Important,
 * anything lower (TIER_3's 99.5%) NonCritical. CoreServices describes what a service is
 * (foundational infrastructure), not how available it must be, so only `resilienceHubTier` sets it.
 *
 * **Data location constraint**: the one given, or SameCountry when `allowedRegions` lists a single
 * region (a region lies in one country, the tightest constraint Resilience Hub knows), otherwise
 * none; several allowed regions and no constraint given warn (id `dataLocationConstraint`), since
 * whether they share a country or a continent is for the owner to state.
 *
 * Example: TIER_1 (AZ RTO 120 s, RPO 0; region RTO 900 s, RPO 60 s, 99.95%) gives Critical with
 * Software, Hardware and AZ at RTO 120 s / RPO 1 s and Region at RTO 900 s / RPO 60 s.
 */
export function planResilienceHub(tier: ServiceTier, intent: ResilienceHubIntent = {}): ResilienceHubPlan {
  const problems: PlanProblem[] = [];
  const warnings: PlanWarning[] = [];

  const tiers = Object.values(ResilienceHubTier) as string[];
  let resilienceHubTier = resilienceHubTierOf(tier);
  if (intent.resilienceHubTier !== undefined) {
    if (tiers.includes(intent.resilienceHubTier)) {
      resilienceHubTier = intent.resilienceHubTier as ResilienceHubTier;
    } else {
      problems.push({
        prop: 'resilienceHubTier',
        message: `resilienceHubTier must be one of ${tiers.join(', ')}, got: ${intent.resilienceHubTier}`,
      });
    }
  }

  const constraints = Object.values(DataLocationConstraint) as string[];
  let dataLocationConstraint: DataLocationConstraint | undefined;
  const allowed = intent.allowedRegions ? [...new Set(intent.allowedRegions)] : undefined;
  if (intent.dataLocationConstraint !== undefined) {
    if (constraints.includes(intent.dataLocationConstraint)) {
      dataLocationConstraint = intent.dataLocationConstraint as DataLocationConstraint;
    } else {
      problems.push({
        prop: 'dataLocationConstraint',
        message: `dataLocationConstraint must be one of ${constraints.join(', ')}, got: ${intent.dataLocationConstraint}`,
      });
    }
  } else if (allowed && allowed.length === 1) {
    dataLocationConstraint = DataLocationConstraint.SAME_COUNTRY;
  } else if (allowed && allowed.length > 1) {
    warnings.push({
      id: 'dataLocationConstraint',
      message:
        `allowedRegions lists ${allowed.join(', ')} and no dataLocationConstraint was given: the resiliency policy ` +
        'states no constraint (AnyLocation), so Resilience Hub may recommend copies outside them; give SameCountry or ' +
        'SameContinent if it holds for every allowed region',
    });
  }

  const az = objective(tier.azRtoSeconds, tier.azRpoSeconds);
  return {
    resilienceHubTier,
    policy: { Software: az, Hardware: az, AZ: az, Region: objective(tier.regionRtoSeconds, tier.regionRpoSeconds) },
    dataLocationConstraint,
    assessmentSchedule: intent.dailyAssessment === false ? 'Disabled' : 'Daily',
    problems,
    warnings,
  };
}

/** The Resilience Hub tier of an availability target, against the built-in tiers' targets. */
export function resilienceHubTierOf(tier: ServiceTier): ResilienceHubTier {
  const target = tier.availabilityTarget;
  if (target >= ServiceTier.TIER_0.availabilityTarget) {
    return ResilienceHubTier.MISSION_CRITICAL;
  }
  if (target >= ServiceTier.TIER_1.availabilityTarget) {
    return ResilienceHubTier.CRITICAL;
  }
  return target >= ServiceTier.TIER_2.availabilityTarget ? ResilienceHubTier.IMPORTANT : ResilienceHubTier.NON_CRITICAL;
}

/** An objective in whole seconds, rounded down (never looser than the tier) and at least the smallest Resilience Hub can assess. */
function objective(rtoSeconds: number, rpoSeconds: number): ResilienceHubObjective {
  const seconds = (value: number) => Math.max(RESILIENCE_HUB_MIN_OBJECTIVE_SECONDS, Math.floor(value));
  return { rtoInSecs: seconds(rtoSeconds), rpoInSecs: seconds(rpoSeconds) };
}
