import { HaValidationError } from './errors';
import { DrStrategy, ServiceTier, TierObjectives } from './tier';

/**
 * The HA metadata record: what every construct of this library attaches to the resources it
 * synthesizes, so that the checks and the report can tell a primary from a standby, and a tier's
 * objectives, from the synthesized JSON alone.
 *
 * Where it is written:
 * - CloudFormation: in each resource's `Metadata` under the key {@link HA_METADATA_KEY};
 * - Terraform: in each resource's `//` comment block under the same key, and as tags (AWS,
 *   {@link haMetadataTags}) or labels (Google, {@link haMetadataLabels}) where the resource takes them.
 */
export const HA_METADATA_KEY = 'ha-constructs';

/**
 * Key under which synthesized output carries acknowledged HA findings as `{ "<rule>": "<reason>" }`:
 * in a Terraform resource's `//` block (or the stack's top-level `//` for the whole stack) and in a
 * CloudFormation resource's `Metadata` (or the template's top-level `Metadata`). The checks read
 * it, so `ha-report` honours what the design accepted, with the reason a reviewer reads instead.
 */
export const HA_ACKNOWLEDGED_KEY = 'ha-constructs:acknowledged';

/**
 * Version of the record's shape; readers skip records of a version they do not know. Version 2
 * leaves out a built-in tier's objectives (version 1 always carried them, and a version-1 reader
 * would take a record without them for a malformed one); {@link parseHaMetadata} reads both.
 */
export const HA_METADATA_VERSION = 2;

/** The versions {@link parseHaMetadata} reads. */
const READABLE_VERSIONS = [1, HA_METADATA_VERSION];

/** What a resource is to its service in a multi-region topology. */
export enum HaRole {
  /** Serves traffic or accepts writes in the primary (or, active/active, in every) region. */
  PRIMARY = 'primary',
  /** Stands by in another region, scaled down or off, until failover. */
  STANDBY = 'standby',
  /** Holds a copy of data written elsewhere (read replica, bucket replica, backup copy). */
  REPLICA = 'replica',
  /** Spans regions and belongs to none (DNS records, a global table, a global cluster). */
  GLOBAL = 'global',
}

/** The smallest failure that takes the resource down. */
export enum FailureDomain {
  /** Lives in one availability zone (an instance, a subnet, a NAT gateway). */
  ZONE = 'zone',
  /** Survives an AZ loss, not a region loss (an ALB, an Aurora cluster, a VPC). */
  REGION = 'region',
  /** Survives a region loss (Route 53, a global table as a whole). */
  GLOBAL = 'global',
}

/** The record itself. */
export interface HaMetadata {
  readonly version: number;
  /** The service the resource belongs to: the report groups by it. */
  readonly service: string;
  /** Name of the service tier (`TIER_0` … or a custom tier's name). */
  readonly tier: string;
  readonly strategy: DrStrategy;
  readonly role: HaRole;
  readonly failureDomain: FailureDomain;
  /** The library construct that created it (e.g. `MultiAzNetwork`). */
  readonly component: string;
  /**
   * The tier's objectives, so a custom tier can be checked without the code that defined it.
   * Written only for a custom tier: a built-in tier is known by its name, and the record stays
   * small on every resource. {@link parseHaMetadata} fills them in for a built-in tier.
   */
  readonly objectives?: TierObjectives;
  /** Regions the service's data may live in (data residency); absent when unconstrained. */
  readonly allowedRegions?: readonly string[];
  /**
   * A data set's own region RPO objective, in seconds, where the service deliberately accepts a
   * looser one for it than the tier's (objects it can regenerate or re-upload, say). The report
   * holds the data set's cross-region copy to this objective instead of the tier's; absent means
   * the tier's objective applies.
   */
  readonly dataRpoSeconds?: number;
  /**
   * The data set a store holds a copy of, when several replicated stores hold one (each region of an
   * active/active service writes its own replicated bucket): the checks then treat them as one store.
   * Absent means the store and its replicas are their own data set.
   */
  readonly dataSet?: string;
  /**
   * Capacity (instances) the whole service needs at peak, as its owner stated it on a fleet. An
   * active/active fleet whose minimum already covers it needs no scale-out when another region fails
   * (the report reads it); absent when the owner stated none.
   */
  readonly requiredCapacity?: number;
}

/** A record as read back by {@link parseHaMetadata}: the objectives are always there. */
export interface ParsedHaMetadata extends HaMetadata {
  readonly objectives: TierObjectives;
}

/** What a construct states to build its record. */
export interface HaMetadataInput {
  readonly service: string;
  readonly tier: ServiceTier;
  readonly role: HaRole;
  readonly failureDomain: FailureDomain;
  readonly component: string;
  readonly allowedRegions?: readonly string[];
  readonly dataRpoSeconds?: number;
  readonly dataSet?: string;
  readonly requiredCapacity?: number;
}

/** Builds the record (with keys in a fixed order, so synthesized output is deterministic). */
export function haMetadata(input: HaMetadataInput): HaMetadata {
  if (typeof input.service !== 'string' || input.service.trim() === '') {
    throw new HaValidationError(`service must be a non-empty string, got: ${JSON.stringify(input.service)}`);
  }
  return {
    version: HA_METADATA_VERSION,
    service: input.service,
    tier: input.tier.name,
    strategy: input.tier.strategy,
    role: input.role,
    failureDomain: input.failureDomain,
    component: input.component,
    ...(isBuiltInTier(input.tier) ? {} : { objectives: input.tier.toObjectives() }),
    ...(input.allowedRegions ? { allowedRegions: [...input.allowedRegions] } : {}),
    ...(input.dataRpoSeconds !== undefined ? { dataRpoSeconds: input.dataRpoSeconds } : {}),
    ...(input.dataSet !== undefined ? { dataSet: input.dataSet } : {}),
    ...(input.requiredCapacity !== undefined ? { requiredCapacity: input.requiredCapacity } : {}),
  };
}

/** Whether `tier` is a built-in tier: its name alone then tells a reader its objectives and strategy. */
function isBuiltInTier(tier: ServiceTier): boolean {
  const builtIn = builtInTierNamed(tier.name);
  return (
    builtIn !== undefined &&
    builtIn.strategy === tier.strategy &&
    sameObjectives(builtIn.toObjectives(), tier.toObjectives())
  );
}

function builtInTierNamed(name: string): ServiceTier | undefined {
  return ServiceTier.BUILT_IN.find((t) => t.name === name);
}

function sameObjectives(a: TierObjectives, b: TierObjectives): boolean {
  return (Object.keys(a) as (keyof TierObjectives)[]).every((key) => a[key] === b[key]);
}

/** What every engine's construct props carry into the record. */
export interface HaRecordProps {
  readonly tier: ServiceTier;
  readonly role?: HaRole;
  readonly allowedRegions?: readonly string[];
}

/** What a construct states about itself besides its props. */
export interface HaRecordOptions {
  /** Name of the construct (or your own component) that created the resources. */
  readonly component: string;
  /** The smallest failure that takes these resources down. */
  readonly failureDomain: FailureDomain;
  /** Overrides the role from the props (e.g. a replica inside a primary construct). */
  readonly role?: HaRole;
  /** The data set's own, looser region RPO objective (see {@link HaMetadata.dataRpoSeconds}). */
  readonly dataRpoSeconds?: number;
  /** The data set the store holds a copy of (see {@link HaMetadata.dataSet}). */
  readonly dataSet?: string;
  /** The capacity the service needs at peak, as stated on a fleet (see {@link HaMetadata.requiredCapacity}). */
  readonly requiredCapacity?: number;
}

/**
 * The record of a construct, the same way in every engine: the options' role wins over the props'
 * role, which defaults to PRIMARY.
 */
export function haRecordOf(service: string, props: HaRecordProps, options: HaRecordOptions): HaMetadata {
  return haMetadata({
    service,
    tier: props.tier,
    role: options.role ?? props.role ?? HaRole.PRIMARY,
    failureDomain: options.failureDomain,
    component: options.component,
    allowedRegions: props.allowedRegions,
    dataRpoSeconds: options.dataRpoSeconds,
    dataSet: options.dataSet,
    requiredCapacity: options.requiredCapacity,
  });
}

/**
 * Reads a record back from synthesized JSON (version 1 or 2); undefined when absent, malformed or
 * of another version. A version-2 record without objectives must name a built-in tier, whose
 * objectives it then gets; a version-1 record always carries them.
 */
export function parseHaMetadata(value: unknown): ParsedHaMetadata | undefined {
  if (typeof value !== 'object' || value === null) {
    return undefined;
  }
  const record = value as Record<string, unknown>;
  const strings = ['service', 'tier', 'strategy', 'role', 'failureDomain', 'component'];
  if (!READABLE_VERSIONS.includes(record.version as number) || strings.some((k) => typeof record[k] !== 'string')) {
    return undefined;
  }
  if (record.dataRpoSeconds !== undefined && typeof record.dataRpoSeconds !== 'number') {
    return undefined;
  }
  if (record.dataSet !== undefined && typeof record.dataSet !== 'string') {
    return undefined;
  }
  if (record.requiredCapacity !== undefined && typeof record.requiredCapacity !== 'number') {
    return undefined;
  }
  if (record.objectives === undefined && record.version === HA_METADATA_VERSION) {
    const builtIn = builtInTierNamed(record.tier as string);
    return builtIn ? { ...(record as unknown as HaMetadata), objectives: builtIn.toObjectives() } : undefined;
  }
  const objectives = record.objectives as Record<string, unknown>;
  const numbers = [
    'availabilityTarget',
    'minAzs',
    'minRegions',
    'azRtoSeconds',
    'azRpoSeconds',
    'regionRtoSeconds',
    'regionRpoSeconds',
  ];
  if (typeof objectives !== 'object' || objectives === null || numbers.some((k) => typeof objectives[k] !== 'number')) {
    return undefined;
  }
  return record as unknown as ParsedHaMetadata;
}

/** The record as AWS tags (`ha:service`, `ha:tier`, `ha:strategy`, `ha:role`, `ha:component`). */
export function haMetadataTags(record: HaMetadata): Record<string, string> {
  return {
    'ha:service': record.service,
    'ha:tier': record.tier,
    'ha:strategy': record.strategy,
    'ha:role': record.role,
    'ha:component': record.component,
  };
}

/**
 * The record as Google Cloud labels: keys and values lowercase letters, digits, `_` and `-`,
 * at most 63 characters.
 * @see https://cloud.google.com/compute/docs/labeling-resources#requirements
 */
export function haMetadataLabels(record: HaMetadata): Record<string, string> {
  const tags = haMetadataTags(record);
  const labels: Record<string, string> = {};
  for (const [key, value] of Object.entries(tags)) {
    labels[toLabel(key)] = toLabel(value);
  }
  return labels;
}

function toLabel(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9_-]/g, '-')
    .slice(0, 63);
}
