import { ServiceTier } from '../../core';
import { GraphResource } from '../graph/model';
import { tierOfRecord } from '../graph/tier';
import { blocks, str } from '../graph/values';
import { RuleContext } from './rule';

// Moved to lib/checks/graph, which the report reads too without importing a rule: re-exported for the rules.
export { tierOfRecord } from '../graph/tier';
export {
  distinct,
  fleetZones,
  FLEET_TYPES,
  referencedSubnetZones,
  SUBNET_TYPES,
  subnetZone,
  zoneKey,
} from '../graph/zones';

/** The tier that applies to a resource, or undefined when the resource belongs to no service. */
export function tierOf(context: RuleContext, resource: GraphResource): ServiceTier | undefined {
  const record = context.services.recordOf(resource);
  return record ? tierOfRecord(record) : undefined;
}

/**
 * A fix in the words of whoever wrote the resource: CDK's API where the template shows CDK wrote it
 * (an `aws:cdk:path`), CloudFormation's property names in a template written by hand, Terraform's
 * arguments in Terraform.
 */
export function inWords(
  resource: GraphResource,
  words: { readonly cdk: string; readonly cloudFormation: string; readonly terraform: string },
): string {
  if (resource.engine === 'terraform') {
    return words.terraform;
  }
  return resource.constructPath !== undefined ? words.cdk : words.cloudFormation;
}

/** `Key`/`Value` attribute lists of ELBv2 (`LoadBalancerAttributes`, `TargetGroupAttributes`) as a map. */
export function elbAttributes(value: unknown): Record<string, string> {
  const map: Record<string, string> = {};
  for (const entry of blocks(value)) {
    const key = str(entry.Key);
    if (key !== undefined && entry.Value !== undefined) {
      map[key] = String(entry.Value);
    }
  }
  return map;
}

/** A Terraform resource's first nested block, e.g. `settings` of a Cloud SQL instance. */
export function firstBlock(resource: GraphResource, name: string): Record<string, unknown> {
  return blocks(resource.properties[name])[0] ?? {};
}
