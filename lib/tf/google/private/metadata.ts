import { TerraformResource } from 'cdktf';
import { IConstruct } from 'constructs';
import { FailureDomain, HA_METADATA_KEY, HaMetadata, HaRole, haRecordOf, haMetadataLabels } from '../../../core';
import { GoogleHaProps, serviceNameOf } from '../ha-props';

/** What a construct states about itself besides its {@link GoogleHaProps}. */
export interface HaMetadataOptions {
  /** Name of the construct that created the resources. */
  readonly component: string;
  /** The smallest failure that takes these resources down. */
  readonly failureDomain: FailureDomain;
  /** Overrides the role from the props (a replica inside a primary construct). */
  readonly role?: HaRole;
  /** A data set's own, looser region RPO objective in seconds (`HaMetadata.dataRpoSeconds`). */
  readonly dataRpoSeconds?: number;
  /** Capacity the service needs at peak, as the owner stated it on a fleet (`HaMetadata.requiredCapacity`). */
  readonly requiredCapacity?: number;
}

/** Resources that already carry a record: a nested or more specific record is never overwritten. */
const marked = new WeakSet<TerraformResource>();

/** The HA metadata record of a construct. */
export function haRecord(scope: IConstruct, props: GoogleHaProps, options: HaMetadataOptions): HaMetadata {
  return haRecordOf(serviceNameOf(scope, props), props, options);
}

/** The user's labels plus the record as labels (the record wins on a clash). */
export function haLabels(props: GoogleHaProps, record: HaMetadata): Record<string, string> {
  return { ...props.labels, ...haMetadataLabels(record) };
}

/**
 * Writes the record into the `//` comment block of each resource, under {@link HA_METADATA_KEY}.
 *
 * cdktf writes its own `//.metadata` (path, unique id) into the same block and merges the
 * resource's raw overrides underneath it, so an override of the nested key `//.ha-constructs`
 * keeps cdktf's entry intact, while an override of `//` itself would be replaced by it.
 */
export function markResources(resources: readonly TerraformResource[], record: HaMetadata): void {
  for (const resource of resources) {
    if (!marked.has(resource)) {
      resource.addOverride(`//.${HA_METADATA_KEY}`, record);
      marked.add(resource);
    }
  }
}

/** {@link markResources} for every resource below `scope` that has no record yet. Call it last in a constructor. */
export function attachRecord(scope: IConstruct, record: HaMetadata): void {
  markResources(
    scope.node.findAll().filter((c): c is TerraformResource => TerraformResource.isTerraformResource(c)),
    record,
  );
}
