import { CloudwatchCompositeAlarm } from '@cdktf/provider-aws/lib/cloudwatch-composite-alarm';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { ServiceTier } from '../../core';
import { planZonalOutlier } from '../../core/plans/zonal-outlier';
import { planZonalShift } from '../../core/plans/zonal-shift';
import { emitWarnings, throwProblems } from '../diagnostics';
import { AccountContext } from './private/keys';
import { newZonalDetection } from './zonal-detection';
import { newZonalShift, ZonalShift, ZonalShiftCapacity } from './zonal-shift';
import { skipToken } from './private/tokens';

/** The gray-failure props a load-balanced Terraform construct takes (the fleet's and the service's). */
export interface GrayFailureProps {
  readonly zonalDetection?: boolean;
  readonly latencyThresholdSeconds?: number;
  readonly automaticZonalShift?: boolean;
  readonly zonalShiftExpirySeconds?: number;
}

/** What {@link newGrayFailureHandling} watches, shifts and sizes its guard on. */
export interface GrayFailureOptions {
  /** The construct's name, for its warnings' ids (`ResilientFleet`). */
  readonly component: string;
  readonly tier: ServiceTier;
  readonly provider?: AwsProvider;
  readonly context: AccountContext;
  readonly props: GrayFailureProps;
  /** Whether the construct serves traffic (a standby that does not gets no alarm or shift). */
  readonly serving: boolean;
  /** One subnet per AZ of the load balancer, listed one by one. */
  readonly loadBalancerSubnetIds: string[];
  readonly loadBalancer: { readonly arn: string; readonly arnSuffix: string };
  /** Members the service needs at peak, and what one AZ runs: the capacity guard's figures. */
  readonly requiredCapacity: number;
  readonly perAzCapacity: number;
  readonly capacity: ZonalShiftCapacity;
  readonly alarmTopicArn: string;
  readonly alarmTopicKeyArn?: string;
  /** Why the group cannot be shifted with the load balancer on this engine, when it cannot. */
  readonly groupPolicyUnsupported?: string;
}

/**
 * Per-AZ impairment detection and the automatic zonal shift it starts, from core's plans: what the
 * Terraform fleet and service render alike. Nothing when detection is off.
 */
export function newGrayFailureHandling(
  scope: Construct,
  options: GrayFailureOptions,
): { impairedAlarms: CloudwatchCompositeAlarm[]; shift?: ZonalShift } {
  const { tier, props, serving } = options;
  const subnets = options.loadBalancerSubnetIds;
  const listed = !Token.isUnresolved(subnets);
  const zoneCount = listed ? subnets.length : undefined;
  const zonal = planZonalOutlier(tier, {
    zoneCount,
    zonesKnown: listed,
    serving,
    latencyThresholdSeconds: skipToken(props.latencyThresholdSeconds),
    enabled: props.zonalDetection,
    unknownZones:
      'loadBalancerSubnetIds is a Terraform list expression, and each alarm names the AZ of one subnet as a ' +
      'metric dimension; list the subnets one by one (each may be a reference)',
    propNames: { latencyThreshold: 'latencyThresholdSeconds' },
  });
  throwProblems(zonal.problems, scope);
  emitWarnings(scope, `${options.component}.zonalDetection`, zonal.warnings);
  const shift = planZonalShift(tier, {
    detection: zonal.enabled,
    zoneCount,
    requiredCapacity: options.requiredCapacity,
    perAzCapacity: options.perAzCapacity,
    serving,
    enabled: props.automaticZonalShift,
    expirySeconds: skipToken(props.zonalShiftExpirySeconds),
    propNames: { zonalShiftExpiry: 'zonalShiftExpirySeconds' },
    groupPolicyUnsupported: options.groupPolicyUnsupported,
  });
  throwProblems(shift.problems, scope);
  emitWarnings(scope, options.component, shift.warnings);
  if (!zonal.enabled) {
    return { impairedAlarms: [] };
  }
  const namePrefix = scope.node.addr.slice(0, 16);
  const zones = newZonalDetection(scope, {
    provider: options.provider,
    loadBalancerArnSuffix: options.loadBalancer.arnSuffix,
    subnetIds: subnets,
    plan: zonal,
    alarmTopicArn: options.alarmTopicArn,
    namePrefix,
  });
  const impairedAlarms = zones.map((z) => z.impaired);
  if (!shift.enabled) {
    return { impairedAlarms };
  }
  return {
    impairedAlarms,
    shift: newZonalShift(scope, {
      context: options.context,
      loadBalancerArn: options.loadBalancer.arn,
      capacity: options.capacity,
      impairedAlarms: zones.map((z) => ({ zone: z.zone, alarmArn: z.impaired.arn })),
      plan: shift,
      alarmTopicArn: options.alarmTopicArn,
      alarmTopicKeyArn: options.alarmTopicKeyArn,
      owner: scope.node.path,
      namePrefix,
    }),
  };
}
