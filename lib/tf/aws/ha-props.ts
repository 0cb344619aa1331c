import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { TerraformStack } from 'cdktf';
import { IConstruct } from 'constructs';
import { HaRole, ServiceTier } from '../../core';

/** Props every Terraform construct of this library takes (the cdktf twin of `lib/aws/ha-props.ts`). */
export interface HaProps {
  /** How available the service must be; drives every default the construct does not get explicitly. */
  readonly tier: ServiceTier;
  /**
   * The service this belongs to: the HA report groups resources by it, and it is tagged `ha:service`.
   * @default - the stack's id
   */
  readonly service?: string;
  /**
   * What this copy is to the service: PRIMARY in a serving region, STANDBY in a standby region.
   * @default HaRole.PRIMARY
   */
  readonly role?: HaRole;
  /**
   * Regions the service's data may live in (a data-residency constraint). Constructs that place
   * data or copies in another region refuse regions outside this list.
   * @default - no constraint
   */
  readonly allowedRegions?: string[];
}

/** Props of a construct that builds in one region. */
export interface RegionalProps {
  /**
   * The AWS provider (and so the region) the resources are created with. Its `region` must be a
   * literal for the placement checks to run.
   * @default - the stack's default (alias-less) AWS provider
   */
  readonly provider?: AwsProvider;
}

/** The service name a construct records: the explicit prop, or the stack's id. */
export function serviceNameOf(scope: IConstruct, props: HaProps): string {
  return props.service ?? TerraformStack.of(scope).node.id;
}
