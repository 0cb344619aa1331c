import { TerraformStack } from 'cdktf';
import { IConstruct } from 'constructs';
import { HaRole, ServiceTier } from '../../core';
import type { ProjectServices } from './project-services';

/**
 * Props every Google Cloud construct of this library takes: the same fields as the AWS engine's
 * `HaProps`, without importing aws-cdk-lib (a Terraform user never installs it).
 */
export interface GoogleHaProps {
  /** How available the service must be; drives every default the construct does not get explicitly. */
  readonly tier: ServiceTier;
  /**
   * The service this belongs to: the HA report groups resources by it, and it is labelled `ha-service`.
   * @default - the stack's id
   */
  readonly service?: string;
  /**
   * What this copy is to the service: PRIMARY in a serving region, STANDBY in a standby region.
   * @default HaRole.PRIMARY
   */
  readonly role?: HaRole;
  /**
   * Regions the service's data may live in (data residency). Constructs that place data or copies
   * in a region refuse regions outside this list.
   * @default - no constraint
   */
  readonly allowedRegions?: string[];
  /**
   * Labels added to every resource that takes labels, beside the HA metadata labels (which win on a clash).
   * @default - none
   */
  readonly labels?: Record<string, string>;
  /**
   * What enables the APIs the construct uses and creates the service agents it grants keys to,
   * before its resources: one per stack, shared by the stack's constructs.
   * @default - the stack's `ProjectServices`, created with default props on first use
   */
  readonly projectServices?: ProjectServices;
}

/** The service name a construct records: the explicit prop, or the stack's id. */
export function serviceNameOf(scope: IConstruct, props: GoogleHaProps): string {
  return props.service ?? TerraformStack.of(scope).node.id;
}
