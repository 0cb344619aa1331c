import { Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { HaRole, ServiceTier } from '../core';

/** Props every construct of this library takes. */
export interface HaProps {
  /** How available the service must be; drives every default the construct does not get explicitly. */
  readonly tier: ServiceTier;
  /**
   * The service this belongs to: the HA report groups resources by it, and it is tagged `ha:service`.
   * @default - the stack's name
   */
  readonly service?: string;
  /**
   * What this copy is to the service: PRIMARY in a serving region, STANDBY in a standby region.
   * @default HaRole.PRIMARY
   */
  readonly role?: HaRole;
  /**
   * Regions the service's data may live in (a data-residency constraint, as Resilience Hub states
   * one). Constructs that place data or copies in another region refuse regions outside this list.
   * @default - no constraint
   */
  readonly allowedRegions?: string[];
}

/** The service name a construct records: the explicit prop, or the stack's name. */
export function serviceNameOf(scope: IConstruct, props: HaProps): string {
  return props.service ?? Stack.of(scope).stackName;
}
