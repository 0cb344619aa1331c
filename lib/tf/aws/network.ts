import { emitWarnings, throwProblems } from '../diagnostics';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { DataAwsAvailabilityZones } from '@cdktf/provider-aws/lib/data-aws-availability-zones';
import { DefaultSecurityGroup } from '@cdktf/provider-aws/lib/default-security-group';
import { Eip } from '@cdktf/provider-aws/lib/eip';
import { FlowLog } from '@cdktf/provider-aws/lib/flow-log';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { InternetGateway } from '@cdktf/provider-aws/lib/internet-gateway';
import { NatGateway } from '@cdktf/provider-aws/lib/nat-gateway';
import { Route } from '@cdktf/provider-aws/lib/route';
import { RouteTable } from '@cdktf/provider-aws/lib/route-table';
import { RouteTableAssociation } from '@cdktf/provider-aws/lib/route-table-association';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { Subnet } from '@cdktf/provider-aws/lib/subnet';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { VpcEndpoint } from '@cdktf/provider-aws/lib/vpc-endpoint';
import { Fn, Token } from 'cdktf';
import { Construct } from 'constructs';
import { FailureDomain } from '../../core';
import { NETWORK_DEFAULTS, planNetwork } from '../../core/plans/network';
import { HaProps, RegionalProps } from './ha-props';
import { AccountContext, cloudWatchLogsStatement, newCustomerManagedKey } from './private/keys';
import { attachHaMetadata } from './private/metadata';
import { regionOf } from './private/regions';

/** The construct ids (public API) of the plan's gateway endpoints. */
const GATEWAY_ENDPOINT_IDS = { s3: 'S3Endpoint', dynamodb: 'DynamoDbEndpoint' } as const;

/** Props of {@link MultiAzNetwork}. */
export interface MultiAzNetworkProps extends HaProps, RegionalProps {
  /**
   * Availability zones to span, by name (`us-east-1a`). They must belong to the provider's region,
   * must not repeat, and must be at least `tier.minAzs`.
   * @default - the first `tier.minAzs` available zones of the region, read at plan time (`aws_availability_zones`)
   */
  readonly availabilityZones?: string[];
  /**
   * The VPC's IPv4 range.
   * @default '10.0.0.0/16'
   */
  readonly cidrBlock?: string;
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
   * ARN of the key that encrypts the flow-log group. A key you pass must allow CloudWatch Logs to use it.
   * @default - a new customer-managed key with rotation and `prevent_destroy`
   */
  readonly flowLogKeyArn?: string;
  /**
   * Interface endpoints to add, by service short name (`ssm`, `secretsmanager`), so that calls to
   * these AWS services stay off the NAT gateways (one endpoint network interface per AZ).
   * @default - none (gateway endpoints for S3 and DynamoDB are always added)
   */
  readonly interfaceEndpoints?: string[];
}

/**
 * A VPC that survives the loss of an availability zone (Terraform).
 *
 * Public, private and isolated subnets in every AZ; a NAT gateway in every AZ so that private
 * subnets in the surviving AZs keep their egress; flow logs of all traffic to an encrypted log
 * group; the default security group stripped of its rules; S3 and DynamoDB gateway endpoints.
 *
 * Construct ids (public API): `Vpc`, `FlowLogKey`, `FlowLogs` (stateful: `prevent_destroy`),
 * `FlowLogRole`, `FlowLog`, `S3Endpoint`, `DynamoDbEndpoint`; per AZ `Public<n>`, `Private<n>`,
 * `Isolated<n>`, `Nat<n>`.
 */
export class MultiAzNetwork extends Construct {
  /** The VPC. */
  public readonly vpc: Vpc;
  /** The VPC's id. */
  public readonly vpcId: string;
  /** The zones the VPC spans, in order (tokens when read at plan time). */
  public readonly availabilityZones: string[];
  /** Public subnet ids, one per AZ, in zone order. */
  public readonly publicSubnetIds: string[];
  /** Private subnet ids (egress through the NAT gateway of the same AZ), one per AZ. */
  public readonly privateSubnetIds: string[];
  /** Isolated subnet ids (no route to the internet), one per AZ. */
  public readonly isolatedSubnetIds: string[];
  /** Number of NAT gateways: one per AZ unless lowered. */
  public readonly natGatewayCount: number;
  /** The encrypted log group that receives the VPC flow logs. */
  public readonly flowLogGroup: CloudwatchLogGroup;

  constructor(scope: Construct, id: string, props: MultiAzNetworkProps) {
    super(scope, id);
    const { tier, provider } = props;
    const region = regionOf(this, provider);

    const plan = planNetwork(tier, {
      availabilityZones: props.availabilityZones?.map((zone) => (Token.isUnresolved(zone) ? undefined : zone)),
      region,
      cidrBlock: props.cidrBlock === undefined || Token.isUnresolved(props.cidrBlock) ? undefined : props.cidrBlock,
      cidrGiven: props.cidrBlock !== undefined,
      cidrProp: 'cidrBlock',
      natGateways: props.natGateways,
      publicCidrMask: props.publicCidrMask,
      privateCidrMask: props.privateCidrMask,
      isolatedCidrMask: props.isolatedCidrMask,
      flowLogRetentionDays: props.flowLogRetentionDays,
      interfaceEndpoints: props.interfaceEndpoints,
    });
    throwProblems(plan.problems, this);
    emitWarnings(this, 'MultiAzNetwork', plan.warnings);

    // A zone the plan leaves unnamed is the user's token, else the region's i-th available zone, read at plan time.
    const lookup = props.availabilityZones
      ? undefined
      : new DataAwsAvailabilityZones(this, 'Zones', { provider, state: 'available' });
    this.availabilityZones = plan.zones.map(
      (_, i) => props.availabilityZones?.[i] ?? (Fn.element(lookup!.names, i) as string),
    );
    this.natGatewayCount = plan.natGatewayCount;
    const cidrBlock = props.cidrBlock ?? NETWORK_DEFAULTS.cidrBlock;

    this.vpc = new Vpc(this, 'Vpc', { provider, cidrBlock, enableDnsHostnames: true, enableDnsSupport: true });
    this.vpcId = this.vpc.id;
    // Terraform adopts the default security group and removes all its rules: nothing can use it by accident.
    new DefaultSecurityGroup(this, 'DefaultSecurityGroup', { provider, vpcId: this.vpc.id });

    const igw = new InternetGateway(this, 'InternetGateway', { provider, vpcId: this.vpc.id });
    const publicRoutes = new RouteTable(this, 'PublicRoutes', { provider, vpcId: this.vpc.id });
    new Route(this, 'PublicDefaultRoute', {
      provider,
      routeTableId: publicRoutes.id,
      destinationCidrBlock: '0.0.0.0/0',
      gatewayId: igw.id,
    });

    const publicSubnets: Subnet[] = [];
    const natIds: string[] = [];
    const privateRouteTableIds: string[] = [];
    plan.zones.forEach((zonePlan, i) => {
      const n = i + 1;
      const subnet = new Subnet(this, `Public${n}`, {
        provider,
        vpcId: this.vpc.id,
        availabilityZone: this.availabilityZones[i],
        cidrBlock: zonePlan.publicCidr,
        mapPublicIpOnLaunch: false,
        tags: { Name: `public-${n}`, 'ha:subnet-type': 'public' },
      });
      new RouteTableAssociation(this, `Public${n}Routes`, {
        provider,
        subnetId: subnet.id,
        routeTableId: publicRoutes.id,
      });
      publicSubnets.push(subnet);
      if (zonePlan.natGateway) {
        const eip = new Eip(this, `Nat${n}Address`, { provider, domain: 'vpc' });
        const nat = new NatGateway(this, `Nat${n}`, {
          provider,
          subnetId: subnet.id,
          allocationId: eip.allocationId,
          dependsOn: [igw],
        });
        natIds.push(nat.id);
      }
    });
    this.publicSubnetIds = publicSubnets.map((s) => s.id);

    this.privateSubnetIds = plan.zones.map((zonePlan, i) => {
      const n = i + 1;
      const subnet = new Subnet(this, `Private${n}`, {
        provider,
        vpcId: this.vpc.id,
        availabilityZone: this.availabilityZones[i],
        cidrBlock: zonePlan.privateCidr,
        tags: { Name: `private-${n}`, 'ha:subnet-type': 'private' },
      });
      const routes = new RouteTable(this, `Private${n}Routes`, { provider, vpcId: this.vpc.id });
      // Each AZ leaves through its own NAT gateway, so one AZ's loss costs no other AZ its egress.
      new Route(this, `Private${n}DefaultRoute`, {
        provider,
        routeTableId: routes.id,
        destinationCidrBlock: '0.0.0.0/0',
        natGatewayId: natIds[zonePlan.egressZone],
      });
      new RouteTableAssociation(this, `Private${n}RoutesAssociation`, {
        provider,
        subnetId: subnet.id,
        routeTableId: routes.id,
      });
      privateRouteTableIds.push(routes.id);
      return subnet.id;
    });

    const isolatedRoutes = new RouteTable(this, 'IsolatedRoutes', { provider, vpcId: this.vpc.id });
    this.isolatedSubnetIds = plan.zones.map((zonePlan, i) => {
      const n = i + 1;
      const subnet = new Subnet(this, `Isolated${n}`, {
        provider,
        vpcId: this.vpc.id,
        availabilityZone: this.availabilityZones[i],
        cidrBlock: zonePlan.isolatedCidr,
        tags: { Name: `isolated-${n}`, 'ha:subnet-type': 'isolated' },
      });
      new RouteTableAssociation(this, `Isolated${n}Routes`, {
        provider,
        subnetId: subnet.id,
        routeTableId: isolatedRoutes.id,
      });
      return subnet.id;
    });

    const routeTables = { public: [publicRoutes.id], private: privateRouteTableIds, isolated: [isolatedRoutes.id] };
    const context = new AccountContext(this, 'Account', provider);
    const keyArn =
      props.flowLogKeyArn ??
      newCustomerManagedKey(this, 'FlowLogKey', {
        description: `Encrypts the VPC flow logs of ${this.node.path}`,
        context,
        statements: [cloudWatchLogsStatement(context)],
      }).arn;
    this.flowLogGroup = new CloudwatchLogGroup(this, 'FlowLogs', {
      provider,
      namePrefix: 'vpc-flow-logs-',
      retentionInDays: plan.flowLogRetentionDays,
      kmsKeyId: keyArn,
      deletionProtectionEnabled: true,
      lifecycle: { preventDestroy: true },
    });
    const role = new IamRole(this, 'FlowLogRole', {
      provider,
      description: 'Delivers the VPC flow logs to their log group',
      assumeRolePolicy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Service: 'vpc-flow-logs.amazonaws.com' },
            Action: 'sts:AssumeRole',
            Condition: { StringEquals: { 'aws:SourceAccount': context.accountId } },
          },
        ],
      }),
    });
    new IamRolePolicy(this, 'FlowLogPolicy', {
      provider,
      role: role.id,
      policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Action: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
            Resource: [this.flowLogGroup.arn, `${this.flowLogGroup.arn}:*`],
          },
        ],
      }),
    });
    new FlowLog(this, 'FlowLog', {
      provider,
      vpcId: this.vpc.id,
      trafficType: plan.flowLogTrafficType,
      logDestinationType: 'cloud-watch-logs',
      logDestination: this.flowLogGroup.arn,
      iamRoleArn: role.arn,
    });

    for (const service of plan.gatewayEndpoints) {
      new VpcEndpoint(this, GATEWAY_ENDPOINT_IDS[service], {
        provider,
        vpcId: this.vpc.id,
        serviceName: `com.amazonaws.${context.region}.${service}`,
        vpcEndpointType: 'Gateway',
        routeTableIds: plan.gatewayEndpointSubnets.flatMap((kind) => routeTables[kind]),
      });
    }
    if (plan.interfaceEndpoints.length > 0) {
      const endpointGroup = new SecurityGroup(this, 'EndpointSecurityGroup', {
        provider,
        vpcId: this.vpc.id,
        description: 'HTTPS from inside the VPC to its interface endpoints',
        ingress: [
          {
            description: 'HTTPS from the VPC',
            protocol: 'tcp',
            fromPort: plan.interfaceEndpointPort,
            toPort: plan.interfaceEndpointPort,
            cidrBlocks: [cidrBlock],
          },
        ],
      });
      for (const service of plan.interfaceEndpoints) {
        new VpcEndpoint(this, `${service}Endpoint`, {
          provider,
          vpcId: this.vpc.id,
          serviceName: `com.amazonaws.${context.region}.${service}`,
          vpcEndpointType: 'Interface',
          privateDnsEnabled: true,
          subnetIds: this.privateSubnetIds,
          securityGroupIds: [endpointGroup.id],
        });
      }
    }

    attachHaMetadata(this, props, { component: 'MultiAzNetwork', failureDomain: FailureDomain.REGION });
  }
}
