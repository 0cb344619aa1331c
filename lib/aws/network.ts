import { Fn, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { FailureDomain } from '../core';
import { NETWORK_DEFAULTS, planNetwork } from '../core/plans/network';
import { HaProps } from './ha-props';
import { attachHaMetadata } from './metadata';
import { emitWarnings, throwProblems } from './private/errors';
import { allowCloudWatchLogs, newCustomerManagedKey, newEncryptedLogGroup } from './private/keys';
import { acknowledgeFindings } from './private/nag';

/** The gateway endpoints of the plan, by construct id (public API) and aws-cdk-lib service. */
const GATEWAY_ENDPOINTS = {
  s3: { id: 'S3Endpoint', service: ec2.GatewayVpcEndpointAwsService.S3 },
  dynamodb: { id: 'DynamoDbEndpoint', service: ec2.GatewayVpcEndpointAwsService.DYNAMODB },
} as const;

/** The plan's subnet kinds as aws-cdk-lib's subnet types. */
const SUBNET_TYPES = {
  public: ec2.SubnetType.PUBLIC,
  private: ec2.SubnetType.PRIVATE_WITH_EGRESS,
  isolated: ec2.SubnetType.PRIVATE_ISOLATED,
} as const;

/** Props of {@link MultiAzNetwork}. */
export interface MultiAzNetworkProps extends HaProps {
  /**
   * Availability zones to span, by name (`us-east-1a`). Give them explicitly in stacks with a
   * concrete region: they must belong to it, must not repeat, and must be at least `tier.minAzs`.
   * @default - the first `tier.minAzs` zones of the region, resolved by CloudFormation at deploy time (`Fn::GetAZs`)
   */
  readonly availabilityZones?: string[];
  /**
   * The VPC's IPv4 range.
   * @default ec2.IpAddresses.cidr('10.0.0.0/16')
   */
  readonly ipAddresses?: ec2.IIpAddresses;
  /**
   * Number of NAT gateways. A single NAT gateway is a single point of failure for every private
   * subnet; lowering this below the AZ count saves money at that price, and warns for tiers
   * whose AZ RTO assumes static stability (TIER_0, TIER_1).
   * @default - one per availability zone
   */
  readonly natGateways?: number;
  /**
   * Size of each public subnet (ingress: load balancers, NAT gateways).
   * @default 24
   */
  readonly publicCidrMask?: number;
  /**
   * Size of each private subnet (the fleet, with egress through the NAT gateway of its own AZ).
   * @default 20
   */
  readonly privateCidrMask?: number;
  /**
   * Size of each isolated subnet (databases: no route to the internet).
   * @default 24
   */
  readonly isolatedCidrMask?: number;
  /**
   * Days VPC flow logs are kept.
   * @default - tier.logRetentionDays
   */
  readonly flowLogRetentionDays?: number;
  /**
   * Key that encrypts the flow-log group. A key you pass must allow CloudWatch Logs to use it.
   * @default - a new customer-managed key with rotation, retained on delete
   */
  readonly flowLogKey?: kms.IKey;
  /**
   * Interface endpoints to add, so that calls to these AWS services stay off the NAT gateways
   * (one private endpoint network interface per AZ).
   * @default - none (gateway endpoints for S3 and DynamoDB are always added)
   */
  readonly interfaceEndpoints?: ec2.InterfaceVpcEndpointAwsService[];
}

/**
 * A VPC that survives the loss of an availability zone.
 *
 * Public, private and isolated subnets in every AZ; a NAT gateway in every AZ so that private
 * subnets in the surviving AZs keep their egress; flow logs to an encrypted log group; the default
 * security group stripped of its rules; S3 and DynamoDB gateway endpoints (no NAT dependency for
 * the two services stateful tiers use most).
 *
 * Construct ids (public API): `Vpc`, `FlowLogKey`, `FlowLogs`, `S3Endpoint`, `DynamoDbEndpoint`.
 */
export class MultiAzNetwork extends Construct {
  /** The VPC. */
  public readonly vpc: ec2.IVpc;
  /** The zones the VPC spans, in order (tokens when the region's zones are resolved at deploy time). */
  public readonly availabilityZones: string[];
  /** Number of NAT gateways: one per AZ unless lowered. */
  public readonly natGatewayCount: number;
  /** The encrypted log group that receives the VPC flow logs. */
  public readonly flowLogGroup: logs.ILogGroup;

  constructor(scope: Construct, id: string, props: MultiAzNetworkProps) {
    super(scope, id);
    const { tier } = props;
    const stack = Stack.of(this);

    const ipAddresses = props.ipAddresses ?? ec2.IpAddresses.cidr(NETWORK_DEFAULTS.cidrBlock);
    const vpcCidr = ipAddresses.allocateVpcCidr().cidrBlock;
    const plan = planNetwork(tier, {
      availabilityZones: props.availabilityZones?.map((zone) => (Token.isUnresolved(zone) ? undefined : zone)),
      region: Token.isUnresolved(stack.region) ? undefined : stack.region,
      cidrBlock: vpcCidr === undefined || Token.isUnresolved(vpcCidr) ? undefined : vpcCidr,
      cidrGiven: true,
      cidrProp: 'ipAddresses',
      natGateways: props.natGateways,
      publicCidrMask: props.publicCidrMask,
      privateCidrMask: props.privateCidrMask,
      isolatedCidrMask: props.isolatedCidrMask,
      flowLogRetentionDays: props.flowLogRetentionDays,
      interfaceEndpoints: props.interfaceEndpoints?.map((service) => service.shortName),
    });
    throwProblems(plan.problems, this);
    emitWarnings(this, 'MultiAzNetwork', plan.warnings);

    // A zone the plan leaves unnamed is the user's token, else the region's i-th zone, resolved at deploy time.
    this.availabilityZones = plan.zones.map((_, i) => props.availabilityZones?.[i] ?? Fn.select(i, Fn.getAzs()));
    this.natGatewayCount = plan.natGatewayCount;

    const vpc = new ec2.Vpc(this, 'Vpc', {
      ipAddresses,
      availabilityZones: this.availabilityZones,
      natGateways: this.natGatewayCount,
      subnetConfiguration: [
        { name: 'Public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: plan.masks.public, mapPublicIpOnLaunch: false },
        { name: 'Private', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: plan.masks.private },
        { name: 'Isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: plan.masks.isolated },
      ],
      restrictDefaultSecurityGroup: true,
      enableDnsHostnames: true,
      enableDnsSupport: true,
    });
    this.vpc = vpc;

    const key =
      props.flowLogKey ?? newCustomerManagedKey(this, 'FlowLogKey', `Encrypts the VPC flow logs of ${this.node.path}`);
    if (!props.flowLogKey) {
      allowCloudWatchLogs(key, this);
    }
    this.flowLogGroup = newEncryptedLogGroup(this, 'FlowLogs', {
      retentionDays: plan.flowLogRetentionDays,
      encryptionKey: key,
    });
    const flowLog = vpc.addFlowLog('FlowLog', {
      destination: ec2.FlowLogDestination.toCloudWatchLogs(this.flowLogGroup),
      trafficType: ec2.FlowLogTrafficType[plan.flowLogTrafficType],
    });
    acknowledgeFindings(flowLog, {
      id: 'NIST.800.53.R5-IAMNoInlinePolicy',
      reason:
        'ec2.FlowLog creates a role used by this flow log alone; its inline policy grants log delivery to this one log group and dies with it',
    });
    for (const subnet of vpc.publicSubnets) {
      acknowledgeFindings(subnet, {
        id: 'NIST.800.53.R5-VPCNoUnrestrictedRouteToIGW',
        reason:
          'public subnets exist to route to the internet gateway: they hold only the load balancers and NAT gateways; instances live in private subnets',
      });
    }

    for (const service of plan.gatewayEndpoints) {
      vpc.addGatewayEndpoint(GATEWAY_ENDPOINTS[service].id, {
        service: GATEWAY_ENDPOINTS[service].service,
        subnets: plan.gatewayEndpointSubnets.map((kind) => ({ subnetType: SUBNET_TYPES[kind] })),
      });
    }
    // The plan names the services in the order asked; the props hold their aws-cdk-lib form.
    plan.interfaceEndpoints.forEach((name, i) => {
      vpc.addInterfaceEndpoint(`${name}Endpoint`, { service: props.interfaceEndpoints![i], privateDnsEnabled: true });
    });

    attachHaMetadata(this, props, { component: 'MultiAzNetwork', failureDomain: FailureDomain.REGION });
  }
}
