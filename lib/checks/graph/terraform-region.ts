import { regionOfZone } from '../../core';
import { Cloud } from './model';
import { labelledBlocks } from './terraform-json';
import { JsonObject, str } from './values';

/*
 * Where a Terraform resource runs: its cloud, and the region it names itself, else its provider
 * configuration's. Shared by the readers of Terraform JSON and of `terraform show -json` output.
 */

/** The cloud of a resource type (`google_` types are Google's, whichever provider serves them; the rest AWS's). */
export function cloudOf(type: string): Cloud {
  return type.startsWith('google') ? 'google' : 'aws';
}

/** Region of each provider block of Terraform JSON, keyed `aws`, `aws.<alias>`, `google`, `google.<alias>`. */
export function providerRegions(value: unknown): Map<string, string> {
  const regions = new Map<string, string>();
  for (const {
    labels: [name],
    body: config,
  } of labelledBlocks(value, 1)) {
    const region = str(config.region);
    if (region) {
      regions.set(typeof config.alias === 'string' ? `${name}.${config.alias}` : name, region);
    }
  }
  return regions;
}

/**
 * The region a resource names itself: its `region` argument (AWS provider 6, Google), or a Google
 * resource's `zone` or regional `location`; undefined when it leaves it to its provider.
 */
export function ownRegion(cloud: Cloud, body: JsonObject): string | undefined {
  return str(body.region) ?? (cloud === 'google' ? googleLocationRegion(body) : undefined);
}

/** A Google resource's region from `zone` or a regional `location` (`us-central1`, not `US` or `us-central1-a`). */
function googleLocationRegion(body: JsonObject): string | undefined {
  const zone = str(body.zone);
  if (zone) {
    return regionOfZone(zone);
  }
  const location = str(body.location);
  if (location && /^[a-z]+-[a-z]+\d+$/.test(location)) {
    return location;
  }
  if (location && /^[a-z]+-[a-z]+\d+-[a-z]$/.test(location)) {
    return regionOfZone(location);
  }
  return undefined;
}
