import { CfnResource, TagManager } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { FailureDomain, HA_METADATA_KEY, HaRole, haRecordOf, haMetadataTags } from '../core';
import { HaProps, serviceNameOf } from './ha-props';

/**
 * Resource types whose tag keys may not contain ':' (CloudFormation rejects `ha:service` there);
 * they keep the record in their Metadata only.
 */
const TAG_KEYS_WITHOUT_COLON = ['AWS::SSMContacts::Contact', 'AWS::SSMContacts::Plan', 'AWS::SSMContacts::Rotation'];

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
}

/** The priority `Tags.of(scope).add` gives a tag: a user's own `Tags.of(...)` of the same key still wins by order, as it would. */
const TAG_PRIORITY = 100;

/**
 * Writes the HA metadata record (see `lib/core/metadata.ts`) into the `Metadata` of every
 * CloudFormation resource below `scope`, and tags the taggable ones `ha:*`.
 *
 * Call it at the end of a constructor. Resources that already carry a record keep it, and their
 * tags: a nested construct of this library finishes first, and its more specific record wins.
 * The tags are set on each resource's tag manager directly rather than through `Tags.of` (an
 * aspect per tag and per construct, each walking the whole subtree again at synthesis).
 * Exported so that you can mark resources you build yourself for the HA checks and report.
 */
export function attachHaMetadata(scope: IConstruct, props: HaProps, options: AttachHaMetadataOptions): void {
  const record = haRecordOf(serviceNameOf(scope, props), props, options);
  const tags = Object.entries(haMetadataTags(record));
  for (const child of scope.node.findAll()) {
    const isResource = CfnResource.isCfnResource(child);
    if (isResource && child.getMetadata(HA_METADATA_KEY) === undefined) {
      child.addMetadata(HA_METADATA_KEY, record);
    } else if (isResource) {
      continue;
    }
    // Also higher-level taggables that render tags of their own (a launch template's tag
    // specifications, a global table's replicas), unless a nested construct tagged them already.
    const manager = TagManager.isTaggable(child) ? child.tags : TagManager.isTaggableV2(child) ? child.cdkTagManager : undefined;
    if (!manager || (isResource && TAG_KEYS_WITHOUT_COLON.includes(child.cfnResourceType)) || (!isResource && manager.tagValues()['ha:service'] !== undefined)) {
      continue;
    }
    for (const [key, value] of tags) {
      manager.setTag(key, value, TAG_PRIORITY, true);
    }
  }
}
