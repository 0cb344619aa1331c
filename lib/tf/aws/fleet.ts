import { AutoscalingGroup } from '@cdktf/provider-aws/lib/autoscaling-group';
import { AutoscalingPolicy } from '@cdktf/provider-aws/lib/autoscaling-policy';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { IamInstanceProfile } from '@cdktf/provider-aws/lib/iam-instance-profile';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { CloudwatchCompositeAlarm } from '@cdktf/provider-aws/lib/cloudwatch-composite-alarm';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { LaunchTemplate } from '@cdktf/provider-aws/lib/launch-template';
import { Lb } from '@cdktf/provider-aws/lib/lb';
import { LbTargetGroup } from '@cdktf/provider-aws/lib/lb-target-group';
import { PlacementGroup } from '@cdktf/provider-aws/lib/placement-group';
import { SsmDocument } from '@cdktf/provider-aws/lib/ssm-document';
import { Wafv2WebAcl } from '@cdktf/provider-aws/lib/wafv2-web-acl';
import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { FailureDomain, FleetCapacity, HaRole } from '../../core';
import { fleetMinZones, loadBalancerMinZones, planFleet } from '../../core/plans/fleet';
import { emitWarnings, throwProblems, validationError } from '../diagnostics';
import { HaProps, RegionalProps } from './ha-props';
import { newAlarmTopic } from './private/alarms';
import { AccountContext, newCustomerManagedKey } from './private/keys';
import { newHaLoadBalancer } from './private/load-balancer';
import { attachHaMetadata } from './private/metadata';
import { newGrayFailureHandling } from './gray-failures';
import { skipToken } from './private/tokens';

/** Core's placement limits, also exported here for users of this module. */
export { PARTITION_PLACEMENT_MAX_PARTITIONS, SPREAD_PLACEMENT_MAX_PER_AZ } from '../../core/figures';

/** How a fleet keeps its instances off shared hardware (same values as the CDK fleet's). */
export enum FleetPlacementStrategy {
  /** Each instance on its own rack, for up to {@link SPREAD_PLACEMENT_MAX_PER_AZ} instances per AZ. */
  SPREAD = 'SPREAD',
  /** Instances over {@link PARTITION_PLACEMENT_MAX_PARTITIONS} partitions per AZ that share no racks. */
  PARTITION = 'PARTITION',
}

/** Props of {@link ResilientFleet}. */
export interface ResilientFleetProps extends HaProps, RegionalProps {
  /** The VPC the fleet and its load balancer run in. */
  readonly vpcId: string;
  /** Subnets the instances run in, one per AZ (the private subnets), listed one by one; at least `tier.minAzs`. */
  readonly subnetIds: string[];
  /** Subnets of the load balancer, one per AZ (public subnets when `internetFacing`); at least `tier.minAzs`, and two. */
  readonly loadBalancerSubnetIds: string[];
  /** The golden image (AMI id) every instance boots; a new image replaces instances by instance refresh. */
  readonly imageId: string;
  /**
   * Instance types, in order of preference. Two or more keep the fleet launching when one capacity
   * pool runs short; one type warns for statically stable tiers.
   */
  readonly instanceTypes: string[];
  /** Instances needed to serve peak load. */
  readonly requiredCapacity: number;
  /** The most instances the fleet may run; at least the capacity the tier makes the fleet run. */
  readonly maxCapacity: number;
  /**
   * Instances a STANDBY fleet of a WARM_STANDBY tier runs (min and desired).
   * PILOT_LIGHT and BACKUP_RESTORE standbys run none; ACTIVE_ACTIVE standbys serve like a primary.
   * @default - one instance per AZ
   */
  readonly standbyCapacity?: number;
  /**
   * How instances are kept off shared hardware.
   * @default - SPREAD while `maxCapacity` spread over the AZs is at most 7 per AZ, PARTITION above
   */
  readonly placementStrategy?: FleetPlacementStrategy;
  /**
   * Whether the load balancer is reachable from the internet.
   * @default true
   */
  readonly internetFacing?: boolean;
  /** ARN of the ACM certificate the HTTPS listener serves (HTTP only redirects to HTTPS). */
  readonly certificateArn: string;
  /**
   * TLS policy of the HTTPS listener.
   * @default 'ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09' (TLS 1.2 and 1.3, forward-secret AEAD ciphers, post-quantum key exchange)
   */
  readonly sslPolicy?: string;
  /**
   * Address ranges allowed to reach the load balancer.
   * @default ['0.0.0.0/0']
   */
  readonly ingressCidrs?: string[];
  /**
   * Port the instances serve on.
   * @default 8080
   */
  readonly instancePort?: number;
  /**
   * Path of the shallow liveness check (is the process alive and answering?) the load balancer
   * runs on each instance, which the Auto Scaling group uses to replace instances; exempt from the
   * rate limit (it starts with '/' and has no whitespace). Keep dependencies out of it: a dependency brownout must not replace a healthy
   * fleet. The deep readiness check is FailoverDns's. An ALB fails open: when every target is
   * unhealthy it routes to all of them.
   * @default '/health/live' (core's LIVENESS_PATH)
   */
  readonly healthCheckPath?: string;
  /**
   * Seconds a new instance gets before health checks count (boot and warm-up); a whole number, 0 or more.
   * @default 300
   */
  readonly healthCheckGracePeriodSeconds?: number;
  /**
   * User data, base64-encoded.
   * @default - none
   */
  readonly userDataBase64?: string;
  /**
   * Size of the encrypted gp3 root volume, in GiB: 1 to 16,384, and at least the image's root snapshot.
   * @default 30
   */
  readonly rootVolumeSizeGiB?: number;
  /**
   * Device name of the image's root volume.
   * @default '/dev/xvda' (Amazon Linux)
   */
  readonly rootDeviceName?: string;
  /**
   * ARN of the key that encrypts the volumes; it must let the Auto Scaling service-linked role use it.
   * @default - a new customer-managed key with rotation that the Auto Scaling service-linked role may use
   */
  readonly volumeKeyArn?: string;
  /**
   * ARN of the topic the fleet's alarms notify.
   * @default - a new encrypted topic
   */
  readonly alarmTopicArn?: string;
  /**
   * S3 bucket the load balancer writes its access logs to (its policy must let Elastic Load
   * Balancing log delivery write, and it must use SSE-S3: ALB access logs do not support SSE-KMS).
   * @default - no access logs, with a warning for tiers whose incidents need them (availability ≥ 99.9%)
   */
  readonly accessLogsBucket?: string;
  /**
   * Average CPU the target-tracking policy holds the fleet at.
   * @default 50
   */
  readonly targetCpuPercent?: number;
  /**
   * Requests a single client IP may send per 5 minutes before WAF blocks it (10 to 2,000,000,000); applies
   * to an internet-facing load balancer.
   * @default 2000
   */
  readonly rateLimitPerIp?: number;
  /**
   * Whether per-AZ alarms detect an AZ impaired on its own (its requests fail or slow down while it
   * passes health checks): `zoneImpairedAlarms`. Each AZ is read from its load balancer subnet at plan
   * time (an `aws_subnet` data source per subnet: one `DescribeSubnets` call each on every plan, and a
   * subnet created in the same configuration is read once it exists), so `loadBalancerSubnetIds` must
   * list them one by one.
   * @default - true for statically stable tiers (TIER_0, TIER_1) unless the fleet is a STANDBY
   */
  readonly zonalDetection?: boolean;
  /**
   * The p99 target response time, in seconds, above which an AZ counts as impaired (with `zonalDetection`).
   * @default - no latency alarm: an AZ is judged on its 5xx only
   */
  readonly latencyThresholdSeconds?: number;
  /**
   * Whether an AZ's Impaired alarm (`zonalDetection`) starts a zonal shift of the load balancer away
   * from it, through an SSM Automation runbook with guards: no other shift in effect, the other AZs
   * already run `requiredCapacity` healthy instances (`zonalShiftRunbook`).
   * @default - true wherever zonal detection is on, for statically stable tiers
   */
  readonly automaticZonalShift?: boolean;
  /**
   * How long an automatic zonal shift lasts unless a person extends or cancels it, in seconds (whole
   * minutes, 1 minute to 72 hours).
   * @default 10800 (3 hours, core's ZONAL_SHIFT_DEFAULT_EXPIRY_SECONDS)
   */
  readonly zonalShiftExpirySeconds?: number;
}

/**
 * A fleet behind an Application Load Balancer that survives the loss of an AZ (Terraform).
 *
 * An autoscaling group over every AZ's subnet with ELB health checks, statically stable capacity
 * for TIER_0/1 (losing an AZ leaves `requiredCapacity`), a spread or partition placement group,
 * instance refresh that launches before it terminates and rolls back automatically when the
 * fleet's alarms fire, CPU target tracking capped at `maxCapacity`; an ALB with deletion
 * protection, invalid headers dropped, HTTPS only (HTTP redirects), target health checks fast
 * enough for half the AZ RTO (core `fleetTargetHealth`); IMDSv2-only instances with encrypted root
 * volumes and an SSM-managed role (no SSH). An internet-facing load balancer sits behind a WAFv2
 * web ACL: a per-IP rate limit (the health-check path exempt), the AWS managed common and
 * known-bad-inputs rule groups, logs encrypted and kept for the tier's log retention.
 *
 * Gray failures (statically stable tiers that serve): per-AZ alarms on the load balancer's per-AZ
 * metrics detect an AZ impaired on its own (`zonalDetection`, core's `planZonalOutlier`), and its
 * Impaired alarm starts a guarded zonal shift of the load balancer away from it through an SSM
 * Automation runbook (`automaticZonalShift`, core's `planZonalShift`): the same alarms, expressions
 * and runbook as the CDK fleet's. Unlike the CDK fleet, zonal autoshift stays off (the pinned AWS
 * provider has no resource for its configuration), no incident is opened, and zonal shift is not
 * enabled on the Auto Scaling group (the provider cannot set its `availability_zone_impairment_policy`):
 * the runbook's shift of the group fails, saying so, until it is enabled outside Terraform (a warning
 * tells how).
 *
 * Construct ids (public API): `LoadBalancer`, `TargetGroup`, `AutoScalingGroup`, `LaunchTemplate`,
 * `PlacementGroup`, `ErrorAlarm`, `UnhealthyHostsAlarm`, `VolumeKey`, `AlarmTopic`, `WebAcl`,
 * `WebAclAssociation`, `WebAclLogKey`, `WebAclLogs`, `WebAclLogging`, `ZonalDetection`, `ZonalShift`.
 */
export class ResilientFleet extends Construct {
  public readonly loadBalancer: Lb;
  public readonly targetGroup: LbTargetGroup;
  public readonly autoScalingGroup: AutoscalingGroup;
  /** Security group of the instances (allow your clients and databases from it). */
  public readonly instanceSecurityGroupId: string;
  /** The 5xx-share alarm (fastest burn-rate page threshold) that rolls back instance refreshes. */
  public readonly errorAlarm: CloudwatchMetricAlarm;
  /** Min, desired and max of this fleet (a STANDBY runs its standby capacity). */
  public readonly capacity: FleetCapacity;
  /** The capacity the fleet runs as a primary. */
  public readonly primaryCapacity: FleetCapacity;
  public readonly placementStrategy: FleetPlacementStrategy;
  /** ARN of the topic the alarms notify. */
  public readonly alarmTopicArn: string;
  /** ARN of the key that encrypts the instances' volumes (a drill that stops instances needs a grant on it). */
  public readonly volumeKeyArn: string;
  /** The web ACL of an internet-facing load balancer (undefined when internal). */
  public readonly webAcl?: Wafv2WebAcl;
  /**
   * Per AZ (in the order of `loadBalancerSubnetIds`), the composite alarm that says the AZ is impaired
   * on its own (see `zonalDetection`), notifying the alarm topic; empty when detection is off.
   */
  public readonly zoneImpairedAlarms: CloudwatchCompositeAlarm[];
  /**
   * The SSM Automation runbook an AZ's Impaired alarm starts to shift the load balancer away from
   * it (see `automaticZonalShift`); undefined when there is none.
   */
  public readonly zonalShiftRunbook?: SsmDocument;
  /**
   * The role the zonal shift runbook runs as (a topic of your own under a customer-managed key must
   * let it use the key); undefined when there is none.
   */
  public readonly zonalShiftRole?: IamRole;

  constructor(scope: Construct, id: string, props: ResilientFleetProps) {
    super(scope, id);
    const { tier, provider } = props;

    const subnets = props.subnetIds;
    if (Token.isUnresolved(subnets)) {
      // Capacity is spread over the subnets' AZs, so their count must be known at synthesis.
      throw validationError(
        'subnetIds must list the subnets one by one (each may be a reference): the capacity is computed per AZ, got: a Terraform list expression',
        this,
        'subnetIds',
      );
    }
    const minSubnets = fleetMinZones(tier);
    if (subnets.length < minSubnets) {
      const why =
        minSubnets > tier.minAzs
          ? ' (static stability keeps peak capacity in the AZs that survive the loss of one)'
          : '';
      throw validationError(
        `subnetIds must list at least ${minSubnets} subnets (one per AZ) for ${tier.name}${why}, got: ${subnets.length}`,
        this,
        'subnetIds',
      );
    }
    // An ALB needs two AZs; it only has nodes in the AZs of its subnets, so it must span the tier's as the instances do.
    const loadBalancerAzs = loadBalancerMinZones(tier);
    if (!Token.isUnresolved(props.loadBalancerSubnetIds) && props.loadBalancerSubnetIds.length < loadBalancerAzs) {
      throw validationError(
        `loadBalancerSubnetIds must list at least ${loadBalancerAzs} subnets in different AZs for ${tier.name} (one per AZ), got: ${props.loadBalancerSubnetIds.length}`,
        this,
        'loadBalancerSubnetIds',
      );
    }
    const azCount = subnets.length;
    const plan = planFleet(tier, {
      zoneCount: azCount,
      role: props.role ?? HaRole.PRIMARY,
      requiredCapacity: props.requiredCapacity,
      maxCapacity: props.maxCapacity,
      standbyCapacity: props.standbyCapacity,
      placementStrategy: props.placementStrategy,
      instanceTypes: props.instanceTypes,
      instancePort: props.instancePort,
      healthCheckPath: skipToken(props.healthCheckPath),
      targetCpuPercent: props.targetCpuPercent,
      rootVolumeSizeGiB: skipToken(props.rootVolumeSizeGiB),
      healthCheckGracePeriodSeconds: skipToken(props.healthCheckGracePeriodSeconds),
      rateLimitPerIp: skipToken(props.rateLimitPerIp),
      accessLogs: props.accessLogsBucket !== undefined,
    });
    throwProblems(plan.problems, this);
    emitWarnings(this, 'ResilientFleet', plan.warnings);
    this.primaryCapacity = plan.primaryCapacity;
    this.capacity = plan.capacity;
    this.placementStrategy =
      plan.placement === 'SPREAD' ? FleetPlacementStrategy.SPREAD : FleetPlacementStrategy.PARTITION;
    // A token (a Terraform variable) is checked by the provider or the service at apply time.
    const rateLimitPerIp = props.rateLimitPerIp ?? plan.rateLimitPerIp;
    const healthCheckPath = props.healthCheckPath ?? plan.targetHealth.path;
    const targetCpu = plan.targetCpuPercent;
    const rootVolumeSizeGiB = props.rootVolumeSizeGiB ?? plan.rootVolumeSizeGiB;
    const gracePeriod = props.healthCheckGracePeriodSeconds ?? plan.gracePeriodSeconds;

    const context = new AccountContext(this, 'Account', provider);
    const ownTopic =
      props.alarmTopicArn === undefined
        ? newAlarmTopic(this, 'AlarmTopic', `${this.node.path} alarms`, context)
        : undefined;
    this.alarmTopicArn = props.alarmTopicArn ?? ownTopic!.arn;

    const lb = newHaLoadBalancer(this, {
      provider,
      context,
      vpcId: props.vpcId,
      subnets: props.loadBalancerSubnetIds,
      ingressCidrs: props.ingressCidrs,
      internetFacing: props.internetFacing,
      accessLogsBucket: props.accessLogsBucket,
      certificateArn: props.certificateArn,
      sslPolicy: props.sslPolicy,
      backend: { noun: 'Instance', targetType: 'instance', httpsOut: 'HTTPS to AWS APIs and package mirrors' },
      targetHealth: plan.targetHealth,
      healthCheckPath,
      deregistrationDelaySeconds: plan.deregistrationDelaySeconds,
      rateLimitPerIp,
      logRetentionDays: tier.logRetentionDays,
    });
    this.instanceSecurityGroupId = lb.backendSecurityGroupId;
    this.loadBalancer = lb.loadBalancer;
    this.targetGroup = lb.targetGroup;
    this.webAcl = lb.webAcl;
    const instanceGroup = { id: lb.backendSecurityGroupId };

    const autoScalingServiceLinkedRole = `arn:${context.partition}:iam::${context.accountId}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling`;
    const volumeKeyArn = (this.volumeKeyArn =
      props.volumeKeyArn ??
      newCustomerManagedKey(this, 'VolumeKey', {
        description: `Encrypts the volumes of ${this.node.path}`,
        context,
        // Auto Scaling launches the instances, so its service-linked role must be able to use the key
        // and to grant it to the volumes it attaches. The role is named by `aws:PrincipalArn`, not as
        // principal: KMS rejects a policy whose principal does not exist yet, and the role only exists
        // after the account's first Auto Scaling group. A key policy statement applies to the key it
        // is attached to: `*` here means "this key".
        // https://docs.aws.amazon.com/autoscaling/ec2/userguide/key-policy-requirements-EBS-encryption.html
        statements: [
          {
            Sid: 'AllowAutoScalingServiceLinkedRoleUse',
            Effect: 'Allow',
            Principal: { AWS: '*' },
            Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey'],
            Resource: '*',
            Condition: { ArnEquals: { 'aws:PrincipalArn': autoScalingServiceLinkedRole } },
          },
          {
            Sid: 'AllowAutoScalingServiceLinkedRoleGrants',
            Effect: 'Allow',
            Principal: { AWS: '*' },
            Action: 'kms:CreateGrant',
            Resource: '*',
            Condition: {
              ArnEquals: { 'aws:PrincipalArn': autoScalingServiceLinkedRole },
              Bool: { 'kms:GrantIsForAWSResource': 'true' },
            },
          },
        ],
      }).arn);

    const role = new IamRole(this, 'InstanceRole', {
      provider,
      description: `Instances of ${this.node.path}`,
      assumeRolePolicy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
      }),
    });
    // Session Manager instead of SSH: no inbound port, every session logged.
    new IamRolePolicyAttachment(this, 'InstanceSsm', {
      provider,
      role: role.name,
      policyArn: `arn:${context.partition}:iam::aws:policy/AmazonSSMManagedInstanceCore`,
    });
    const profile = new IamInstanceProfile(this, 'InstanceProfile', { provider, role: role.name });

    const template = new LaunchTemplate(this, 'LaunchTemplate', {
      provider,
      description: `Instances of ${this.node.path}`,
      imageId: props.imageId,
      instanceType: props.instanceTypes[0],
      userData: props.userDataBase64,
      vpcSecurityGroupIds: [instanceGroup.id],
      iamInstanceProfile: { arn: profile.arn },
      metadataOptions: { httpEndpoint: 'enabled', httpTokens: 'required', httpPutResponseHopLimit: 1 },
      monitoring: { enabled: true },
      blockDeviceMappings: [
        {
          deviceName: props.rootDeviceName ?? '/dev/xvda',
          ebs: {
            encrypted: 'true',
            kmsKeyId: volumeKeyArn,
            volumeType: 'gp3',
            volumeSize: rootVolumeSizeGiB,
            deleteOnTermination: 'true',
          },
        },
      ],
      updateDefaultVersion: true,
    });

    const placement = new PlacementGroup(
      this,
      'PlacementGroup',
      this.placementStrategy === FleetPlacementStrategy.SPREAD
        ? { provider, name: `${this.node.addr.slice(0, 16)}-spread`, strategy: 'spread', spreadLevel: 'rack' }
        : {
            provider,
            name: `${this.node.addr.slice(0, 16)}-partition`,
            strategy: 'partition',
            partitionCount: plan.partitions,
          },
    );

    const alarm = plan.errorAlarm;
    const period = alarm.periodSeconds;
    const lbDimension = { LoadBalancer: this.loadBalancer.arnSuffix };
    this.errorAlarm = new CloudwatchMetricAlarm(this, 'ErrorAlarm', {
      provider,
      alarmName: `${this.node.addr.slice(0, 16)}-fleet-5xx`,
      alarmDescription: `Share of requests to ${this.node.path} answered 5xx over ${alarm.periodMinutes} min burns ${tier.name}'s error budget ${alarm.burnRate}× too fast`,
      comparisonOperator: 'GreaterThanThreshold',
      threshold: alarm.thresholdPercent,
      evaluationPeriods: alarm.evaluationPeriods,
      treatMissingData: 'notBreaching',
      metricQuery: [
        {
          id: 'share',
          expression: 'IF(requests > 0, 100 * (FILL(elb5xx, 0) + FILL(target5xx, 0)) / requests, 0)',
          label: '5xx share of requests (%)',
          returnData: true,
        },
        {
          id: 'requests',
          metric: {
            namespace: 'AWS/ApplicationELB',
            metricName: 'RequestCount',
            stat: 'Sum',
            period,
            dimensions: lbDimension,
          },
        },
        {
          id: 'elb5xx',
          metric: {
            namespace: 'AWS/ApplicationELB',
            metricName: 'HTTPCode_ELB_5XX_Count',
            stat: 'Sum',
            period,
            dimensions: lbDimension,
          },
        },
        {
          id: 'target5xx',
          metric: {
            namespace: 'AWS/ApplicationELB',
            metricName: 'HTTPCode_Target_5XX_Count',
            stat: 'Sum',
            period,
            dimensions: lbDimension,
          },
        },
      ],
      alarmActions: [this.alarmTopicArn],
      okActions: [this.alarmTopicArn],
    });
    const unhealthy = new CloudwatchMetricAlarm(this, 'UnhealthyHostsAlarm', {
      provider,
      alarmName: `${this.node.addr.slice(0, 16)}-fleet-unhealthy`,
      alarmDescription: `Targets of ${this.node.path} fail their health check`,
      namespace: 'AWS/ApplicationELB',
      metricName: 'UnHealthyHostCount',
      dimensions: { ...lbDimension, TargetGroup: this.targetGroup.arnSuffix },
      statistic: 'Maximum',
      period: plan.unhealthyHostsAlarm.periodSeconds,
      evaluationPeriods: plan.unhealthyHostsAlarm.evaluationPeriods,
      comparisonOperator: 'GreaterThanThreshold',
      threshold: 0,
      treatMissingData: 'notBreaching',
      alarmActions: [this.alarmTopicArn],
      okActions: [this.alarmTopicArn],
    });

    // Statically stable fleets never drop below their capacity: replacements launch first.
    const minHealthy = plan.rollout.minHealthyPercent;
    const maxHealthy = plan.rollout.maxHealthyPercent;
    this.autoScalingGroup = new AutoscalingGroup(this, 'AutoScalingGroup', {
      provider,
      vpcZoneIdentifier: subnets,
      minSize: this.capacity.min,
      desiredCapacity: this.capacity.desired,
      maxSize: this.capacity.max,
      healthCheckType: 'ELB',
      healthCheckGracePeriod: gracePeriod,
      defaultInstanceWarmup: gracePeriod,
      targetGroupArns: [this.targetGroup.arn],
      placementGroup: placement.id,
      capacityRebalance: true,
      enabledMetrics: [
        'GroupMinSize',
        'GroupMaxSize',
        'GroupDesiredCapacity',
        'GroupInServiceInstances',
        'GroupPendingInstances',
        'GroupTerminatingInstances',
        'GroupTotalInstances',
      ],
      instanceMaintenancePolicy: { minHealthyPercentage: minHealthy, maxHealthyPercentage: maxHealthy },
      mixedInstancesPolicy: {
        launchTemplate: {
          launchTemplateSpecification: { launchTemplateId: template.id, version: `${template.latestVersion}` },
          override: props.instanceTypes.map((instanceType) => ({ instanceType })),
        },
        instancesDistribution: {
          onDemandBaseCapacity: this.capacity.min,
          onDemandPercentageAboveBaseCapacity: plan.onDemandPercent,
        },
      },
      instanceRefresh: {
        strategy: 'Rolling',
        preferences: {
          minHealthyPercentage: minHealthy,
          maxHealthyPercentage: maxHealthy,
          instanceWarmup: `${gracePeriod}`,
          skipMatching: true,
          autoRollback: true,
          alarmSpecification: { alarms: [this.errorAlarm.alarmName, unhealthy.alarmName] },
        },
      },
      waitForCapacityTimeout: `${plan.rollout.signalTimeoutMinutes}m`,
    });
    const grayFailures = newGrayFailureHandling(this, {
      component: 'ResilientFleet',
      tier,
      provider,
      context,
      props,
      serving: (props.role ?? HaRole.PRIMARY) !== HaRole.STANDBY,
      loadBalancerSubnetIds: props.loadBalancerSubnetIds,
      loadBalancer: this.loadBalancer,
      requiredCapacity: props.requiredCapacity,
      perAzCapacity: plan.capacity.perAz,
      capacity: { autoScalingGroupName: this.autoScalingGroup.name, autoScalingGroupArn: this.autoScalingGroup.arn },
      alarmTopicArn: this.alarmTopicArn,
      alarmTopicKeyArn: ownTopic?.kmsMasterKeyId,
      groupPolicyUnsupported:
        "the AWS provider's aws_autoscaling_group cannot set availability_zone_impairment_policy " +
        '(hashicorp/terraform-provider-aws#40271): set it with `aws autoscaling update-auto-scaling-group ' +
        '--availability-zone-impairment-policy`, again whenever Terraform replaces the group',
    });
    this.zoneImpairedAlarms = grayFailures.impairedAlarms;
    this.zonalShiftRunbook = grayFailures.shift?.runbook;
    this.zonalShiftRole = grayFailures.shift?.role;

    new AutoscalingPolicy(this, 'CpuScaling', {
      provider,
      name: 'cpu-target-tracking',
      autoscalingGroupName: this.autoScalingGroup.name,
      policyType: 'TargetTrackingScaling',
      estimatedInstanceWarmup: gracePeriod,
      targetTrackingConfiguration: {
        predefinedMetricSpecification: { predefinedMetricType: 'ASGAverageCPUUtilization' },
        targetValue: targetCpu,
      },
    });

    attachHaMetadata(this, props, { component: 'ResilientFleet', failureDomain: FailureDomain.REGION });
  }
}
