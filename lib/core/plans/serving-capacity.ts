import { FleetCapacity, primaryFleetCapacity, standbyFleetCapacity } from '../capacity';
import { PlanProblem } from '../errors';
import { HaRole } from '../metadata';
import { ServiceTier } from '../tier';

/** How a construct names its counts: a fleet's `requiredCapacity` (instances), a service's `requiredCount` (tasks). */
export interface CountProps {
  readonly required: string;
  readonly max: string;
  readonly standby: string;
  /** What is counted, as messages say it: `instance`, `task`. */
  readonly unit: string;
}

/** What a fleet or a service asks for: the count that carries peak load, its literal maximum, its role. */
export interface CountIntent {
  readonly required: number;
  readonly max: number;
  /** What a warm-standby region runs; @default - one per AZ ({@link standbyFleetCapacity}) */
  readonly standby?: number;
  readonly role?: HaRole;
  readonly zones: number;
  /** Whether the primary is sized statically stable (the tier's, where the zones allow it). */
  readonly staticallyStable: boolean;
}

/** The counts a fleet or a service runs, and what is wrong with the intent. */
export interface ServingCapacity {
  /** What the serving (primary) region runs. */
  readonly primary: FleetCapacity;
  /** What this one runs: the primary's, or a standby's. */
  readonly capacity: FleetCapacity;
  /** The counts as read (1 and the required count when invalid, so that planning goes on). */
  readonly required: number;
  readonly max: number;
}

/** Pushes a problem when `value` is set and not an integer of at least `min`; whether it is valid. */
export function checkCount(problems: PlanProblem[], prop: string, value: number | undefined, min: number): boolean {
  if (value !== undefined && (typeof value !== 'number' || !Number.isInteger(value) || value < min)) {
    problems.push({ prop, message: `${prop} must be an integer of at least ${min}, got: ${String(value)}` });
    return false;
  }
  return true;
}

/**
 * The one capacity decision fleets and services share: a primary runs `primaryFleetCapacity`
 * (statically stable: losing an AZ leaves `required`; else one per AZ at least), a STANDBY
 * `standbyFleetCapacity`; the maximum must hold the primary, the standby count fit the maximum.
 * Problems name the construct's own props ({@link CountProps}).
 */
export function planServingCapacity(
  tier: ServiceTier,
  intent: CountIntent,
  props: CountProps,
  problems: PlanProblem[],
): ServingCapacity {
  const valid =
    checkCount(problems, props.required, intent.required, 1) && checkCount(problems, props.max, intent.max, 1);
  if (valid && intent.required > intent.max) {
    const message = `${props.required} must be at most ${props.max} (${intent.max}), got: ${intent.required}`;
    problems.push({ prop: props.required, message });
  }
  const required = valid ? intent.required : 1;
  const max = valid ? intent.max : Math.max(1, required);
  const primary = primaryFleetCapacity(required, max, intent.zones, intent.staticallyStable);
  if (valid && primary.min > max) {
    const reason = tier.staticallyStable
      ? `static stability: ${primary.perAz} per AZ × ${intent.zones} AZs so that losing one AZ leaves ` +
        `${props.required} ${required}`
      : `one ${props.unit} in each of ${intent.zones} AZs`;
    const message = `${props.max} must be at least ${primary.min} for ${tier.name} (${reason}), got: ${max}`;
    problems.push({ prop: props.max, message });
  }
  if (intent.standby !== undefined && checkCount(problems, props.standby, intent.standby, 0) && intent.standby > max) {
    const message = `${props.standby} must be at most ${props.max} (${max}), got: ${intent.standby}`;
    problems.push({ prop: props.standby, message });
  }
  const capacity =
    intent.role === HaRole.STANDBY
      ? standbyFleetCapacity(primary, tier.strategy, intent.zones, intent.standby)
      : primary;
  return { primary, capacity, required, max };
}
