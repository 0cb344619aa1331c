import { HaValidationError } from './errors';
import { requireInteger } from './numbers';
import { DrStrategy } from './tier';

/** Capacity that keeps `required` instances serving after one AZ is lost. */
export interface StaticCapacity {
  /** Instances to run in each AZ. */
  readonly perAz: number;
  /** Instances in all: perAz × azCount. */
  readonly total: number;
  /** Instances left after the loss of one AZ: perAz × (azCount − 1), never less than required. */
  readonly afterAzLoss: number;
}

/**
 * Static stability: provision so that losing one AZ still leaves peak capacity, without launching
 * anything during the event (the control plane may be impaired exactly then).
 *
 * perAz = ⌈required / (azCount − 1)⌉. Six instances over three AZs: 3 per AZ, 9 in all.
 * @see https://aws.amazon.com/builders-library/static-stability-using-availability-zones/
 */
export function staticallyStableCapacity(required: number, azCount: number): StaticCapacity {
  requireInteger('required', required, 1);
  if (typeof azCount !== 'number' || !Number.isInteger(azCount) || azCount < 2) {
    throw new HaValidationError(
      `azCount must be an integer of at least 2 (static stability needs a surviving AZ), got: ${String(azCount)}`,
    );
  }
  const perAz = Math.ceil(required / (azCount - 1));
  return { perAz, total: perAz * azCount, afterAzLoss: perAz * (azCount - 1) };
}

/** The capacity a fleet runs (the same shape in every engine). */
export interface FleetCapacity {
  /** Minimum of the group. */
  readonly min: number;
  /** Desired capacity at deployment (equal to `min`; scaling raises it). */
  readonly desired: number;
  /** Maximum of the group: the cost guard during spikes. */
  readonly max: number;
  /** Instances per AZ at the desired capacity (rounded up). */
  readonly perAz: number;
}

/**
 * Capacity of a serving fleet: statically stable tiers over-provision by one AZ
 * ({@link staticallyStableCapacity}); others run what is required, at least one instance per AZ.
 */
export function primaryFleetCapacity(
  required: number,
  max: number,
  azCount: number,
  staticallyStable: boolean,
): FleetCapacity {
  if (staticallyStable) {
    const stable = staticallyStableCapacity(required, azCount);
    return { min: stable.total, desired: stable.total, max, perAz: stable.perAz };
  }
  const desired = Math.max(required, azCount);
  return { min: desired, desired, max, perAz: Math.ceil(desired / azCount) };
}

/**
 * Capacity of a fleet in a standby region, by DR strategy: a warm standby runs a scaled-down but
 * working fleet (one instance per AZ unless told otherwise), a pilot-light or backup-and-restore
 * standby runs none (the failover runbook scales it up to the primary's capacity), and an
 * active/active "standby" serves like a primary. The maximum stays the primary's.
 */
export function standbyFleetCapacity(
  primary: FleetCapacity,
  strategy: DrStrategy,
  azCount: number,
  standbyCapacity?: number,
): FleetCapacity {
  let desired: number;
  switch (strategy) {
    case DrStrategy.ACTIVE_ACTIVE:
      desired = standbyCapacity ?? primary.desired;
      break;
    case DrStrategy.WARM_STANDBY:
      desired = standbyCapacity ?? azCount;
      break;
    default:
      desired = standbyCapacity ?? 0;
  }
  return { min: desired, desired, max: primary.max, perAz: Math.ceil(desired / azCount) };
}
