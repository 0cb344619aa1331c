import { warn } from '../../diagnostics';
import { AutoscalingGroup, AutoscalingGroupTag } from '@cdktf/provider-aws/lib/autoscaling-group';
import { TerraformProvider, TerraformResource } from 'cdktf';
import { IConstruct } from 'constructs';
import { FailureDomain, HA_METADATA_KEY, HaMetadata, HaRole, haRecordOf, haMetadataTags } from '../../../core';
import { HaProps, serviceNameOf } from '../ha-props';

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
   * The capacity the service needs at peak, as stated on a fleet (see `HaMetadata.requiredCapacity`).
   * @default - not recorded
   */
  readonly requiredCapacity?: number;
}

const recorded = new WeakSet<TerraformResource>();

/**
 * Writes the HA metadata record (see `lib/core/metadata.ts`) into every Terraform resource below
 * `scope`, and tags the taggable ones `ha:*`.
 *
 * The record goes into the resource's `//` comment block under `ha-constructs`, beside the
 * `metadata` cdktf keeps there (cdktf merges the two; Terraform ignores `//`). Tags are merged
 * under the resource's own tags, which win; an autoscaling group gets them as `tag` blocks
 * propagated to its instances. Call it at the end of a constructor: resources that already carry
 * a record keep it (a nested construct of this library finishes first, and its record is more
 * specific).
 */
export function attachHaMetadata(scope: IConstruct, props: HaProps, options: AttachHaMetadataOptions): HaMetadata {
  const resources = scope.node
    .findAll()
    .filter((c): c is TerraformResource => TerraformResource.isTerraformResource(c));
  return attachHaMetadataTo(resources, scope, props, options);
}

/**
 * {@link attachHaMetadata} for chosen resources, e.g. those of one region of a multi-region
 * construct (created with that region's provider) that get role REPLICA or STANDBY.
 */
export function attachHaMetadataTo(
  resources: readonly TerraformResource[],
  scope: IConstruct,
  props: HaProps,
  options: AttachHaMetadataOptions,
): HaMetadata {
  const record = haRecordOf(serviceNameOf(scope, props), props, options);
  const tags = haMetadataTags(record);
  for (const child of resources) {
    if (recorded.has(child)) {
      continue;
    }
    recorded.add(child);
    child.addOverride(`//.${HA_METADATA_KEY}`, record);
    if (child instanceof AutoscalingGroup) {
      const own: AutoscalingGroupTag[] = Array.isArray(child.tagInput) ? child.tagInput : [];
      const extra = Object.entries(tags)
        .filter(([key]) => !own.some((t) => t.key === key))
        .map(([key, value]) => ({ key, value, propagateAtLaunch: true }));
      child.putTag([...own, ...extra]);
    } else if ('tags' in child) {
      const taggable = child as unknown as { tags: Record<string, string>; tagsInput?: Record<string, string> };
      taggable.tags = { ...tags, ...taggable.tagsInput };
    }
  }
  return record;
}

/** The Terraform resources below `scope` created with `provider`. */
export function resourcesOfProvider(scope: IConstruct, provider: TerraformProvider): TerraformResource[] {
  return scope.node
    .findAll()
    .filter((c): c is TerraformResource => TerraformResource.isTerraformResource(c) && c.provider === provider);
}

/**
 * Keeps a stateful resource from being destroyed by `terraform destroy` or a replacing change:
 * `lifecycle.prevent_destroy = true` unless `preventDestroy` is explicitly false, which warns.
 */
export function protectFromDestroy(
  resource: TerraformResource,
  preventDestroy: boolean | undefined,
  scope: IConstruct,
  component: string,
): void {
  if (preventDestroy === false) {
    warn(
      scope,
      `${component}.preventDestroy`,
      `preventDestroy is false: terraform destroy (or a change that replaces ${resource.terraformResourceType}.${resource.friendlyUniqueId}) deletes the data it holds`,
    );
    return;
  }
  resource.lifecycle = { ...resource.lifecycle, preventDestroy: true };
}
