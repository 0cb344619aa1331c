import { requireInteger } from './numbers';

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
    throw new RangeError(`azCount must be an integer of at least 2 (static stability needs a surviving AZ), got: ${String(azCount)}`);
  }
  const perAz = Math.ceil(required / (azCount - 1));
  return { perAz, total: perAz * azCount, afterAzLoss: perAz * (azCount - 1) };
}
