import { Aspects, CfnResource, IAspect, TagManager } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { FailureDomain, HA_METADATA_KEY, HaMetadata, HaRole, haRecordOf, haMetadataTags } from '../core';
import { HaProps, serviceNameOf } from './ha-props';

/**
 * Resource types whose tag keys may not contain ':' (CloudFormation rejects `ha:service` there);
 * they keep the record in their Metadata only.
 */
const TAG_KEYS_WITHOUT_COLON = ['AWS::SSMContacts::Contact', 'AWS::SSMContacts::Plan', 'AWS::SSMContacts::Rotation'];

/**
 * Types that do not carry the `ha:role` tag: a tag change replaces a placement group, and gives a
 * launch template a new version that the group's rolling update replaces every instance for, so
 * swapping the roles of two regions after a failover would roll the fleet that has just taken
 * over. Their HA record (in `Metadata`) keeps the role.
 */
const ROLE_TAG_FREE_TYPES = ['AWS::EC2::PlacementGroup', 'AWS::EC2::LaunchTemplate'];

/** What {@link attachHaMetadata} records besides the construct's {@link HaProps}. */
export interface AttachHaMetadataOptions {
  /** Name of the construct (or your own component) that created the resources. */
  readonly component: string;
  /** The smallest failure that takes these resources down. */
  readonly failureDomain: FailureDomain;
  /**
   * Overrides the role from the props (e.g. a replica inside a primary stack).
   * @default - props.role, or HaRole.PRIMARY
   */
  readonly role?: HaRole;
  /**
   * The data set's own, looser region RPO objective in seconds (see `HaMetadata.dataRpoSeconds`).
   * @default - the tier's region RPO applies
   */
  readonly dataRpoSeconds?: number;
  /**
   * The data set the store holds a copy of (see `HaMetadata.dataSet`).
   * @default - the store and its replicas are their own data set
   */
  readonly dataSet?: string;
  /**
   * The capacity the service needs at peak, as stated on a fleet (see `HaMetadata.requiredCapacity`).
   * @default - not recorded
   */
  readonly requiredCapacity?: number;
}

/** The priority `Tags.of(scope).add` gives a tag: a user's own `Tags.of(...)` of the same key still wins by order, as it would. */
const TAG_PRIORITY = 100;

/** The record of each scope {@link attachHaMetadata} was called on, for resources added below it later. */
const recordOfScope = new WeakMap<IConstruct, HaMetadata>();

/**
 * Writes the HA metadata record (see `lib/core/metadata.ts`) into the `Metadata` of every
 * CloudFormation resource below `scope`, and tags the taggable ones `ha:*`.
 *
 * Call it at the end of a constructor. Resources that already carry a record keep it, and their
 * tags: a nested construct of this library finishes first, and its more specific record wins.
 * Resources added below `scope` later (a grant's policy, a rotation you add) get the record of
 * the nearest scope it was attached to, at synthesis. The tags are set on each resource's tag
 * manager directly rather than through `Tags.of` (an aspect per tag and per construct, each
 * walking the whole subtree again at synthesis).
 * Exported so that you can mark resources you build yourself for the HA checks and report.
 */
export function attachHaMetadata(scope: IConstruct, props: HaProps, options: AttachHaMetadataOptions): void {
  const record = haRecordOf(serviceNameOf(scope, props), props, options);
  recordOfScope.set(scope, record);
  for (const child of scope.node.findAll()) {
    markWithRecord(child, record);
  }
  Aspects.of(scope).add(LATE_RESOURCES);
}

/**
 * Gives a resource created after its construct's constructor the record of the nearest scope
 * that has one; resources marked already are left alone.
 */
const LATE_RESOURCES: IAspect = {
  visit(node: IConstruct): void {
    if (!CfnResource.isCfnResource(node) || node.getMetadata(HA_METADATA_KEY) !== undefined) {
      return;
    }
    const nearest = [...node.node.scopes]
      .reverse()
      .map((s) => recordOfScope.get(s))
      .find((r) => r !== undefined);
    if (nearest) {
      markWithRecord(node, nearest);
    }
  },
};

/** Writes `record` on a resource that has none, and its tags on a taggable that has none. */
function markWithRecord(child: IConstruct, record: HaMetadata): void {
  const isResource = CfnResource.isCfnResource(child);
  if (isResource && child.getMetadata(HA_METADATA_KEY) === undefined) {
    child.addMetadata(HA_METADATA_KEY, record);
  } else if (isResource) {
    return;
  }
  // Also higher-level taggables that render tags of their own (a launch template's tag
  // specifications, a global table's replicas), unless a nested construct tagged them already.
  const manager = TagManager.isTaggable(child)
    ? child.tags
    : TagManager.isTaggableV2(child)
      ? child.cdkTagManager
      : undefined;
  if (
    !manager ||
    (isResource && TAG_KEYS_WITHOUT_COLON.includes(child.cfnResourceType)) ||
    (!isResource && manager.tagValues()['ha:service'] !== undefined)
  ) {
    return;
  }
  const roleFree = ROLE_TAG_FREE_TYPES.includes(resourceTypeOf(child) ?? '');
  for (const [key, value] of tagsOfRecord(record)) {
    if (!(roleFree && key === 'ha:role')) {
      manager.setTag(key, value, TAG_PRIORITY, true);
    }
  }
}

/** The CloudFormation type a construct renders: its own, or its default child's (an L2 such as a launch template). */
function resourceTypeOf(construct: IConstruct): string | undefined {
  const resource = CfnResource.isCfnResource(construct) ? construct : construct.node.defaultChild;
  return resource !== undefined && CfnResource.isCfnResource(resource) ? resource.cfnResourceType : undefined;
}

const tagsByRecord = new WeakMap<HaMetadata, [string, string][]>();

function tagsOfRecord(record: HaMetadata): [string, string][] {
  let tags = tagsByRecord.get(record);
  if (!tags) {
    tags = Object.entries(haMetadataTags(record));
    tagsByRecord.set(record, tags);
  }
  return tags;
}
