import { HaValidationError } from '../../../core/errors';
import { Token } from 'cdktf';
import { regionPlacementProblem, ServiceTier } from '../../../core';

/** A Google Cloud region name (`us-central1`, `europe-west4`, `northamerica-northeast1`). */
const REGION_NAME = /^[a-z]+-[a-z]+[0-9]+$/;

/** Region names that are not region names (a zone, a multi-region, a typo), for the message. */
export function invalidRegionNames(regions: readonly string[]): string[] {
  return regions.filter((region) => !REGION_NAME.test(region));
}

/** What {@link requireServiceRegions} checks. */
export interface ServiceRegions {
  readonly regions: readonly string[];
  readonly tier: ServiceTier;
  readonly allowedRegions?: readonly string[];
}

/**
 * The regions a multi-region construct spans: known at synthesis (each keys its construct ids),
 * real region names, as many as the tier needs, not repeated, within the allowed regions.
 */
export function requireServiceRegions({ regions, tier, allowedRegions }: ServiceRegions): void {
  if (regions.some((r) => Token.isUnresolved(r))) {
    throw new HaValidationError(
      "regions must be known at synthesis (each region keys its resources' construct ids), got: an unresolved token",
    );
  }
  const invalid = invalidRegionNames(regions);
  if (invalid.length > 0) {
    throw new HaValidationError(`regions must be region names such as us-central1, got: ${invalid.join(', ')}`);
  }
  if (regions.length < tier.minRegions) {
    throw new HaValidationError(
      `regions must list at least ${tier.minRegions} regions for ${tier.name} (${tier.strategy} keeps a second region), got: ${regions.length} (${regions.join(', ') || 'none'})`,
    );
  }
  const problem = regionPlacementProblem({ prop: 'regions', replicaRegions: regions, allowedRegions });
  if (problem) {
    throw new HaValidationError(problem);
  }
}
