/**
 * Placement checks for availability zones and regions, shared by every engine so that the same
 * bad input gets the same message. Each returns the problem as a message (for the caller to throw
 * as its engine's error type) or undefined when the placement is sound.
 */

/** Region of an availability-zone name (`us-east-1a` → `us-east-1`, `europe-west1-b` → `europe-west1`). */
export function regionOfZone(zone: string): string {
  return zone.replace(/-?[a-z]$/, '');
}

/** What {@link zonePlacementProblem} checks. */
export interface ZonePlacement {
  /** Name of the prop the zones came from, for the message. */
  readonly prop: string;
  readonly zones: readonly string[];
  /** The region the zones must belong to; skip the check when it is not known at synthesis. */
  readonly region?: string;
  readonly minZones: number;
  readonly tierName: string;
}

/** Too few zones for the tier, duplicates, or zones of another region. */
export function zonePlacementProblem(placement: ZonePlacement): string | undefined {
  const { prop, zones, region, minZones, tierName } = placement;
  if (zones.length < minZones) {
    return `${prop} must list at least ${minZones} zones for ${tierName}, got: ${zones.length} (${zones.join(', ') || 'none'})`;
  }
  const duplicates = zones.filter((zone, i) => zones.indexOf(zone) !== i);
  if (duplicates.length > 0) {
    return `${prop} must not repeat a zone, got: ${[...new Set(duplicates)].join(', ')} more than once`;
  }
  if (region) {
    const foreign = zones.filter((zone) => regionOfZone(zone) !== region);
    if (foreign.length > 0) {
      return `${prop} must all be in the stack's region ${region}, got: ${foreign.join(', ')}`;
    }
  }
  return undefined;
}

/** What {@link regionPlacementProblem} checks. */
export interface RegionPlacement {
  /** Name of the prop the regions came from, for the message. */
  readonly prop: string;
  /** Where the primary copy lives; skip the checks that need it when it is not known at synthesis. */
  readonly primaryRegion?: string;
  /** Where the copies go. */
  readonly replicaRegions: readonly string[];
  /** The service's allowed regions (data residency); undefined means unconstrained. */
  readonly allowedRegions?: readonly string[];
}

/** A copy in the primary's own region, a repeated region, or a region outside the allowed ones. */
export function regionPlacementProblem(placement: RegionPlacement): string | undefined {
  const { prop, primaryRegion, replicaRegions, allowedRegions } = placement;
  if (primaryRegion && replicaRegions.includes(primaryRegion)) {
    return `${prop} must not include the primary region ${primaryRegion}, got: ${replicaRegions.join(', ')}`;
  }
  const repeated = replicaRegions.filter((region, i) => replicaRegions.indexOf(region) !== i);
  if (repeated.length > 0) {
    return `${prop} must not repeat a region, got: ${[...new Set(repeated)].join(', ')} more than once`;
  }
  if (allowedRegions) {
    const outside = replicaRegions.filter((region) => !allowedRegions.includes(region));
    if (outside.length > 0) {
      return `${prop} must stay within allowedRegions (${allowedRegions.join(', ')}), got: ${outside.join(', ')}`;
    }
    if (primaryRegion && !allowedRegions.includes(primaryRegion)) {
      return `the primary region must be one of allowedRegions (${allowedRegions.join(', ')}), got: ${primaryRegion}`;
    }
  }
  return undefined;
}

/**
 * Why `allowedRegions` (data residency) cannot hold a construct's own resources, or undefined when
 * it can: the regions a construct creates resources in (`ownRegions`, e.g. DNS records and their
 * alarms) must be allowed like the regions it places data in, or HA-DR2 fails on them. `what`
 * names those resources and where their region comes from, for the message.
 */
export function ownRegionsProblem(
  allowedRegions: readonly string[] | undefined,
  ownRegions: readonly string[],
  what: string,
): string | undefined {
  if (!allowedRegions) {
    return undefined;
  }
  const outside = [...new Set(ownRegions.filter((region) => !allowedRegions.includes(region)))];
  return outside.length > 0
    ? `allowedRegions must include the regions ${what}, got: ${allowedRegions.join(', ')} without ${outside.join(', ')}`
    : undefined;
}
