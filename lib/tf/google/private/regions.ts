/** A Google Cloud region name (`us-central1`, `europe-west4`, `northamerica-northeast1`). */
const REGION_NAME = /^[a-z]+-[a-z]+[0-9]+$/;

/** Region names that are not region names (a zone, a multi-region, a typo), for the message. */
export function invalidRegionNames(regions: readonly string[]): string[] {
  return regions.filter((region) => !REGION_NAME.test(region));
}
