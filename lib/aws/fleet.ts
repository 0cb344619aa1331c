import { Annotations, Duration, Stack, Tags, Token } from 'aws-cdk-lib';
import * as arczonalshift from 'aws-cdk-lib/aws-arczonalshift';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as codedeploy from 'aws-cdk-lib/aws-codedeploy';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { FailureDomain, FleetCapacity, HaRole, zonePlacementProblem } from '../core';
import { ALB_MIN_AZS, fleetMinZones, loadBalancerMinZones, planFleet } from '../core/plans/fleet';
import { planScaling } from '../core/plans/scaling';
import { planZonalOutlier } from '../core/plans/zonal-outlier';
import { planZonalShift } from '../core/plans/zonal-shift';
import { DeploymentFreeze, newFleetDeployment } from './fleet-deployment';
import { newFleetWebAcl } from './fleet-protection';
import { addFleetScaling, FleetPrewarm } from './fleet-scaling';
import { newHaLoadBalancer } from './private/load-balancer';
import { HaProps } from './ha-props';
import { IIncidentResponse } from './incident-response';
import { attachHaMetadata } from './metadata';
import { newAlarmTopic, notifyOn } from './private/alarms';
import { emitWarnings, throwProblems, validationError } from './private/errors';
import { allowCloudWatchLogs, newCustomerManagedKey } from './private/keys';
import { acknowledgeFindings } from './private/nag';
import { newZonalDetection } from './zonal-detection';
import { newZonalShift } from './zonal-shift';
import { skipToken } from './private/tokens';

export { FleetPrewarm } from './fleet-scaling';

/**
 * How a fleet keeps its instances off shared hardware.
 *
 * An Auto Scaling group launches every instance from one launch template, and so into one
 * placement group: a fleet that outgrows a spread group's 7 instances per AZ moves to a partition
 * group rather than to several spread groups.
 */
export enum FleetPlacementStrategy {
  /**
   * Each instance on its own rack (spread placement group): no two instances share hardware, for
   * up to {@link SPREAD_PLACEMENT_MAX_PER_AZ} instances per AZ.
   */
  SPREAD = 'SPREAD',
  /**
   * Instances spread over {@link PARTITION_PLACEMENT_MAX_PARTITIONS} partitions per AZ that share
   * no racks (partition placement group): a hardware failure takes down at most one partition,
   * however many instances the AZ runs.
   */
  PARTITION = 'PARTITION',
}

/** Props of {@link ResilientFleet}. */
export interface ResilientFleetProps extends HaProps {
  /** The network. The fleet runs in its private subnets of every AZ (see `vpcSubnets`). */
  readonly vpc: ec2.IVpc;
  /**
   * Subnets the instances run in; their AZs must number at least `tier.minAzs`.
   * @default - the private subnets with egress, one per AZ
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
  /** The golden image every instance boots (immutable servers: a new image replaces instances). */
  readonly machineImage: ec2.IMachineImage;
  /**
   * Instance types, in order of preference. Two or more keep the fleet launching when one
   * capacity pool runs short; one type warns for statically stable tiers.
   */
  readonly instanceTypes: ec2.InstanceType[];
  /** Instances needed to serve peak load. */
  readonly requiredCapacity: number;
  /**
   * The most instances the fleet may run (the cost guard during spikes): no scaling policy,
   * schedule or forecast goes above it. At least the capacity the tier makes the fleet run.
   */
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
   * Whether the load balancer is reachable from the internet (in the public subnets) or only
   * from the VPC (in the instances' subnets).
   * @default true
   */
  readonly internetFacing?: boolean;
  /**
   * Certificate of the HTTPS listener. Without it the listener serves plain HTTP (and warns).
   * @default - no HTTPS listener
   */
  readonly certificate?: acm.ICertificate;
  /**
   * TLS policy of the HTTPS listener.
   * @default elbv2.SslPolicy.TLS13_12_RES_PQ (TLS 1.2 and 1.3, forward-secret AEAD ciphers, post-quantum key exchange)
   */
  readonly sslPolicy?: elbv2.SslPolicy;
  /**
   * Trust store of client certificates, for mutual TLS with service-to-service callers.
   * Needs `certificate`.
   * @default - no mutual TLS
   */
  readonly trustStore?: elbv2.ITrustStore;
  /**
   * Mutual TLS mode when `trustStore` is given: VERIFY rejects callers without a valid certificate;
   * PASSTHROUGH forwards the certificate to the instances to check.
   * @default elbv2.MutualAuthenticationMode.VERIFY
   */
  readonly mutualTlsMode?: elbv2.MutualAuthenticationMode;
  /**
   * Port the instances serve HTTP on.
   * @default 8080
   */
  readonly instancePort?: number;
  /**
   * Path of the shallow liveness check (is the process alive and answering?) the load balancer
   * runs on each instance, which the Auto Scaling group uses to replace instances; exempt from the
   * rate limit. Keep dependencies out of it: a dependency brownout must not replace a healthy
   * fleet. The deep readiness check is FailoverDns's. An ALB fails open: when every target is
   * unhealthy it routes to all of them.
   * @default '/health/live' (core's LIVENESS_PATH)
   */
  readonly healthCheckPath?: string;
  /**
   * Time a new instance gets before failed ELB health checks replace it.
   * @default Duration.minutes(5)
   */
  readonly healthCheckGracePeriod?: Duration;
  /**
   * Commands instances run at boot, first. The fleet appends its Amazon Linux 2023 bootstrap (dnf):
   * `set -euo pipefail`, `aws-cfn-bootstrap`, `awscli-2` and `ruby`, the CodeDeploy agent, and the
   * CloudFormation signal that the group's creation and rolling updates wait for, sent when the
   * script exits: SUCCESS on exit code 0, FAILURE otherwise (`addInstanceBootstrap`). Start yours
   * with `set -euo pipefail` for a failing command of yours to fail the launch too.
   * @default - an empty Linux script
   */
  readonly userData?: ec2.UserData;
  /**
   * Time CloudFormation waits for new instances to signal before it rolls an update back.
   * @default Duration.minutes(15)
   */
  readonly signalTimeout?: Duration;
  /**
   * Size of the encrypted gp3 root volume, in GiB.
   * @default 30
   */
  readonly rootVolumeSizeGiB?: number;
  /**
   * Device name of the image's root volume.
   * @default '/dev/xvda' (Amazon Linux)
   */
  readonly rootDeviceName?: string;
  /**
   * Key that encrypts the root volumes. A key you pass must let the Auto Scaling service-linked
   * role use it.
   * @default - a new customer-managed key with rotation that the Auto Scaling service-linked role may use
   */
  readonly volumeKey?: kms.IKey;
  /**
   * SLO burn-rate page alarm of the service: deployments stop and roll back while it fires,
   * and zonal-autoshift practice runs do not start.
   * @default - none
   */
  readonly pageAlarm?: cloudwatch.IAlarm;
  /**
   * Alarm that fires while the service's error budget is exhausted: deployments stop while it fires.
   * @default - none
   */
  readonly errorBudgetAlarm?: cloudwatch.IAlarm;
  /**
   * Topic the fleet's alarms and scaling notifications go to.
   * @default - a new encrypted topic
   */
  readonly alarmTopic?: sns.ITopic;
  /**
   * Version of what the fleet runs, tagged `ha:version` on every resource so incidents can be
   * matched with changes.
   * @default - the `ha:version` context value; no version tag when neither is set
   */
  readonly version?: string;
  /**
   * Average CPU utilization target tracking keeps the fleet at (and predictive scaling plans for).
   * @default 50
   */
  readonly targetCpuPercent?: number;
  /**
   * Requests per minute each instance should serve: target tracking on the ALB's request count
   * per target keeps the fleet at it.
   * @default - no request-count tracking (CPU tracking only)
   */
  readonly targetRequestsPerMinute?: number;
  /**
   * Whether predictive scaling forecasts load from the fleet's history and launches ahead of it
   * (forecast-and-scale mode, CPU metric pair).
   * @default - true for statically stable tiers (TIER_0, TIER_1) unless the fleet is a STANDBY
   */
  readonly predictiveScaling?: boolean;
  /**
   * Whether the load balancer sends less traffic to an instance whose 5xx and connection errors stand
   * out from the others' (automatic target weights, on the weighted random algorithm): the gray
   * failure of one instance that passes its health check. Off routes round robin.
   * @default true
   */
  readonly anomalyMitigation?: boolean;
  /**
   * How long before the forecast load predictive scaling launches instances.
   * @default - `healthCheckGracePeriod`: instances are booted and in service when the load arrives
   */
  readonly predictiveSchedulingBuffer?: Duration;
  /** A queue the fleet works off: step scaling keeps its backlog per instance near `backlogPerInstance`. @default - no queue scaling */
  readonly queue?: sqs.IQueue;
  /**
   * Messages one instance can have waiting and still meet the latency target. Needed with `queue`.
   * @default - no queue scaling
   */
  readonly backlogPerInstance?: number;
  /**
   * Scheduled pre-warming ahead of known high-traffic events. Not applied to a STANDBY fleet.
   * @default - none
   */
  readonly prewarm?: FleetPrewarm[];
  /**
   * Requests a single client IP may send per 5 minutes before WAF blocks it (at least 10).
   * @default 2000
   */
  readonly rateLimitPerIp?: number;
  /**
   * Declared high-risk periods: the change calendar is closed (the deploy runbook refuses to run)
   * and zonal-autoshift practice runs are blocked on those dates.
   * @default - none
   */
  readonly deploymentFreezes?: DeploymentFreeze[];
  /**
   * Bucket of this region the application revisions are deployed from: the instances may read it,
   * and the deploy runbook takes revisions from it by default. Give each region its own and publish
   * every revision to all of them, so a standby's new instances fetch their code while the primary
   * region is down.
   * @default - none: grant the instance role (`role`) read access to the bucket revisions come from
   */
  readonly revisionBucket?: s3.IBucket;
  /**
   * How long the first AZ of a deployment bakes before the next one starts.
   * @default - the long window of the tier's fastest burn-rate page alert (1 h for a 30-day SLO)
   */
  readonly firstZoneBakeTime?: Duration;
  /**
   * How long each further AZ bakes.
   * @default - the short window of the tier's fastest burn-rate page alert (5 min), the error alarm's period
   */
  readonly zoneBakeTime?: Duration;
  /**
   * Whether ARC zonal autoshift may shift traffic away from an impaired AZ on its own (with weekly
   * practice runs whose outcome alarm is `errorAlarm`). Zonal shift is always enabled.
   * @default - true for statically stable tiers (the fleet can absorb an AZ's load) unless the fleet is a STANDBY
   */
  readonly zonalAutoshift?: boolean;
  /**
   * Whether per-AZ alarms detect an AZ impaired on its own (its requests fail or slow down while
   * it passes health checks): `zoneImpairedAlarms`. Needs AZs known at synthesis.
   * @default - true for statically stable tiers (TIER_0, TIER_1) unless the fleet is a STANDBY
   */
  readonly zonalDetection?: boolean;
  /**
   * Whether an AZ's Impaired alarm (`zonalDetection`) starts a zonal shift of the load balancer away
   * from it, through an SSM Automation runbook with guards: no other shift in effect, the other AZs
   * already run `requiredCapacity` healthy instances (`zonalShiftRunbook`).
   * @default - true wherever zonal detection is on, for statically stable tiers
   */
  readonly automaticZonalShift?: boolean;
  /**
   * How long an automatic zonal shift lasts unless a person extends or cancels it (whole minutes,
   * 1 minute to 72 hours).
   * @default Duration.hours(3)
   */
  readonly zonalShiftExpiry?: Duration;
  /**
   * Incident response whose plan an AZ's Impaired alarm opens an incident with (alongside the
   * automatic zonal shift).
   * @default - the Impaired alarms notify `alarmTopic` only
   */
  readonly incidentResponse?: IIncidentResponse;
  /**
   * The p99 target response time above which an AZ counts as impaired (with `zonalDetection`).
   * @default - no latency alarm: an AZ is judged on its 5xx only
   */
  readonly latencyThreshold?: Duration;
}

/**
 * The stateless tier of a service: an Auto Scaling group of EC2 instances in every AZ behind an
 * Application Load Balancer, built the way an SRE team running it across AZs would.
 *
 * - **Static stability** (statically stable tiers: TIER_0, TIER_1): min = desired =
 *   `staticallyStableCapacity(requiredCapacity, AZs)`, so losing an AZ leaves `requiredCapacity`
 *   serving without launching anything. Other tiers run `requiredCapacity`, at least one per AZ.
 *   A STANDBY fleet runs `standbyCapacity` (WARM_STANDBY: one per AZ) or none (PILOT_LIGHT); its
 *   maximum stays, and `primaryCapacity` says what to scale it to on failover.
 * - **Anti-affinity**: a spread placement group (rack level, at most 7 instances per AZ) or, for
 *   bigger fleets, a partition placement group of 7 partitions per AZ; a mixed instances policy over
 *   `instanceTypes` (on-demand, in the order given); capacity rebalancing.
 * - **Health**: ELB health checks with a grace period; target health checks chosen by
 *   `fleetTargetHealth(tier.azRtoSeconds)` so the balancer stops routing to a failed AZ within half
 *   the AZ RTO: `azFailoverSeconds` = interval × unhealthy threshold + timeout.
 * - **Gray failures** (TIER_0, TIER_1): per-AZ alarms on the load balancer's per-AZ metrics and a
 *   composite per AZ that fires when that AZ alone breaches and is an outlier (`zoneImpairedAlarms`,
 *   core's `planZonalOutlier`), which starts a guarded zonal shift of the load balancer, and then of
 *   the Auto Scaling group, away from that AZ through an SSM Automation runbook (`zonalShiftRunbook`,
 *   core's `planZonalShift`), and opens an incident with `incidentResponse`. Zonal shift is enabled
 *   on the group of every serving fleet, so that a shifted group launches no instance into the AZ.
 * - **Load balancer**: in every AZ, cross-zone, HTTPS with a TLS 1.2+ policy and an HTTP→HTTPS
 *   redirect when a certificate is given, optional mutual TLS, invalid headers dropped, deletion
 *   protection, access logs to a retained SSL-only bucket, zonal shift on; zonal autoshift with
 *   practice runs for statically stable tiers.
 * - **Immutable rollouts**: launch template with IMDSv2, encrypted gp3 root volume, no public IP;
 *   a new image or template rolls through the group one AZ's worth at a time, never below the
 *   capacity an AZ loss leaves, waiting for each instance's signal. Application revisions go through
 *   CodeDeploy one AZ at a time with bake time and alarm rollback, behind a change calendar.
 * - **Scaling**: target tracking on CPU (and on requests per target when `targetRequestsPerMinute`
 *   is set), predictive scaling for statically stable tiers, step scaling on a queue's backlog per
 *   instance, scheduled pre-warming; all bounded by `maxCapacity`.
 * - **Protection**: a WAFv2 web ACL with a per-IP rate limit and the AWS managed common and
 *   known-bad-inputs rule groups.
 *
 * `connections` are the instances' (to let the fleet reach a database:
 * `database.connections.allowDefaultPortFrom(fleet)`); callers reach the load balancer through
 * `loadBalancer.connections`.
 *
 * Construct ids (public API): `LoadBalancer` (its listeners `Listener` and `Redirect80To443`),
 * `AccessLogs` (the retained log bucket), `TargetGroup`, `AutoScalingGroup`, `LaunchTemplate`,
 * `PlacementGroup`, `InstanceRole`, `InstanceSecurityGroup`, `VolumeKey` and `LogKey` (retained),
 * `AlarmTopic`, `ErrorAlarm`, `ZonalDetection`, `ZonalShift`, `ZonalAutoshift`, `PredictiveScaling`, `WebAcl`,
 * `WebAclAssociation`, `WebAclLogs` (retained), `WebAclLogging`, `Application`, `DeploymentConfig`, `DeploymentGroup`,
 * `ChangeCalendar`, `DeployRole`, `DeployRunbook`. Changing `placementStrategy` replaces the
 * placement group and so, through the launch template, rolls every instance.
 */
export class ResilientFleet extends Construct implements ec2.IConnectable {
  /** The Application Load Balancer in front of the fleet. */
  public readonly loadBalancer: elbv2.ApplicationLoadBalancer;
  /** The Auto Scaling group. */
  public readonly autoScalingGroup: autoscaling.AutoScalingGroup;
  /** The target group the instances register in. */
  public readonly targetGroup: elbv2.ApplicationTargetGroup;
  /** The listener that serves clients: HTTPS with a certificate, otherwise HTTP. */
  public readonly listener: elbv2.ApplicationListener;
  /** The instances' network connections (for the fleet as a client of other resources). */
  public readonly connections: ec2.Connections;
  /** The instance role (grant the application's permissions to it). */
  public readonly role: iam.IRole;
  /**
   * Fires when the share of requests answered with a 5xx over 5 minutes burns the tier's error
   * budget at the fastest page rate (14.4× for a 30-day SLO). Rolls deployments back and is the
   * outcome alarm of zonal-autoshift practice runs.
   */
  public readonly errorAlarm: cloudwatch.Alarm;
  /** Worst-case seconds until the load balancer stops routing to the targets of a failed AZ. */
  public readonly azFailoverSeconds: number;
  /** What this fleet runs. */
  public readonly capacity: FleetCapacity;
  /** What a primary fleet of the same props runs: scale a standby to this on failover. */
  public readonly primaryCapacity: FleetCapacity;
  /** The AZs the fleet spans. */
  public readonly availabilityZones: string[];
  /** The placement strategy in use. */
  public readonly placementStrategy: FleetPlacementStrategy;
  /** The WAFv2 web ACL on the load balancer. */
  public readonly webAcl: wafv2.CfnWebACL;
  /** The CodeDeploy deployment group application revisions go through. */
  public readonly deploymentGroup: codedeploy.ServerDeploymentGroup;
  /** The change calendar the deploy runbook checks (closed during deployment freezes). */
  public readonly changeCalendar: ssm.CfnDocument;
  /** The SSM Automation runbook that deploys a revision unless the change calendar is closed. */
  public readonly deployRunbook: ssm.CfnDocument;
  /** The bucket of this region the revisions are deployed from, when given. */
  public readonly revisionBucket?: s3.IBucket;
  /** The topic alarms and scaling notifications go to. */
  public readonly alarmTopic: sns.ITopic;
  /**
   * Per AZ, the composite alarm that says the AZ is impaired on its own (see `zonalDetection`),
   * notifying `alarmTopic`; empty when detection is off or the AZs are not known at synthesis.
   */
  public readonly zoneImpairedAlarms: Record<string, cloudwatch.IAlarm> = {};
  /**
   * The SSM Automation runbook an AZ's Impaired alarm starts to shift the load balancer away from
   * it (see `automaticZonalShift`); undefined when there is none.
   */
  public readonly zonalShiftRunbook?: ssm.CfnDocument;
  /** The key that encrypts the instances' root volumes (drills that stop instances must be able to restart them with it). */
  public readonly volumeKey: kms.IKey;

  constructor(scope: Construct, id: string, props: ResilientFleetProps) {
    super(scope, id);
    const { tier } = props;
    const role = props.role ?? HaRole.PRIMARY;
    const isStandby = role === HaRole.STANDBY;
    const stack = Stack.of(this);

    // ---- Validation -------------------------------------------------------------------------
    if (Token.isUnresolved(stack.region)) {
      // The access-log bucket policy names the region's Elastic Load Balancing account or principal.
      throw validationError(
        "the stack's region must be known at synthesis (env: { region }) for the load balancer's access logs, got: an environment-agnostic stack",
        this,
      );
    }
    const subnetSelection = props.vpcSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS };
    const subnets = props.vpc.selectSubnets(subnetSelection);
    this.availabilityZones = [...subnets.availabilityZones];
    const zoneProblem = fleetZonesProblem(props, this.availabilityZones, stack.region);
    if (zoneProblem) {
      throw validationError(zoneProblem, this);
    }
    const azCount = this.availabilityZones.length;
    const internetFacing = props.internetFacing ?? true;
    const loadBalancerSubnets: ec2.SubnetSelection = internetFacing
      ? { subnetType: ec2.SubnetType.PUBLIC }
      : subnetSelection;
    const loadBalancerZones = internetFacing
      ? props.vpc.selectSubnets(loadBalancerSubnets).availabilityZones
      : this.availabilityZones;
    const lbMinZones = loadBalancerMinZones(tier);
    if (loadBalancerZones.length < lbMinZones) {
      const where = internetFacing
        ? 'vpc must have public subnets'
        : `${props.vpcSubnets ? 'vpcSubnets' : 'vpc'} must have subnets`;
      const which = internetFacing
        ? 'an internet-facing load balancer'
        : "an internal load balancer (it runs in the fleet's subnets)";
      const tierNeeds =
        lbMinZones > ALB_MIN_AZS ? `, and a node in each of the ${lbMinZones} AZs ${tier.name}'s instances run in` : '';
      throw validationError(
        `${where} in at least ${lbMinZones} AZs for ${which}: an Application Load Balancer needs subnets ` +
          `in two AZs${tierNeeds}, got: ${loadBalancerZones.length} (${loadBalancerZones.join(', ') || 'none'})`,
        this,
      );
    }
    const plan = planFleet(tier, {
      zoneCount: azCount,
      role,
      requiredCapacity: props.requiredCapacity,
      maxCapacity: props.maxCapacity,
      standbyCapacity: props.standbyCapacity,
      placementStrategy: props.placementStrategy,
      instanceTypes: props.instanceTypes.map((t) => t.toString()),
      instancePort: skipToken(props.instancePort),
      healthCheckPath: skipToken(props.healthCheckPath),
      targetCpuPercent: props.targetCpuPercent,
      rootVolumeSizeGiB: props.rootVolumeSizeGiB,
      healthCheckGracePeriodSeconds: props.healthCheckGracePeriod?.toSeconds(),
      rateLimitPerIp: skipToken(props.rateLimitPerIp),
      zonalAutoshift: props.zonalAutoshift,
      predictiveScaling: props.predictiveScaling,
      anomalyMitigation: props.anomalyMitigation,
    });
    throwProblems(plan.problems, this);
    emitWarnings(this, 'ResilientFleet', plan.warnings);
    this.primaryCapacity = plan.primaryCapacity;
    this.capacity = plan.capacity;
    this.placementStrategy =
      plan.placement === 'SPREAD' ? FleetPlacementStrategy.SPREAD : FleetPlacementStrategy.PARTITION;
    // A token (a parameter or variable) is checked by the service at deploy time.
    const rateLimitPerIp = props.rateLimitPerIp ?? plan.rateLimitPerIp;
    const healthCheckPath = props.healthCheckPath ?? plan.targetHealth.path;
    const instancePort = props.instancePort ?? plan.targetHealth.port;
    const targetCpuPercent = plan.targetCpuPercent;
    const rootVolumeSizeGiB = plan.rootVolumeSizeGiB;
    const gracePeriod = Duration.seconds(plan.gracePeriodSeconds);
    const scaling = planScaling({
      zoneCount: azCount,
      floorCapacity: this.primaryCapacity.min,
      maxCapacity: props.maxCapacity,
      serving: !isStandby,
      targetRequestsPerMinute: props.targetRequestsPerMinute,
      queue: props.queue !== undefined,
      backlogPerInstance: props.backlogPerInstance,
      warmupSeconds: plan.gracePeriodSeconds,
      predictiveBufferSeconds: props.predictiveSchedulingBuffer?.toSeconds(),
      prewarm: (props.prewarm ?? []).map((p) => ({
        schedule: p.schedule.expressionString,
        minCapacity: p.minCapacity,
        hasEnd: p.endSchedule !== undefined,
      })),
    });
    throwProblems(scaling.problems, this);
    if (props.trustStore && !props.certificate) {
      throw validationError(
        'trustStore needs certificate: mutual TLS runs on the HTTPS listener, got: no certificate',
        this,
      );
    }
    const freezes = props.deploymentFreezes ?? [];
    for (const freeze of freezes) {
      if (!/^[^\r\n]+$/.test(freeze.name)) {
        throw validationError(
          `deploymentFreezes name must be a non-empty single line, got: ${JSON.stringify(freeze.name)}`,
          this,
        );
      }
      if (!(freeze.end.getTime() > freeze.start.getTime())) {
        throw validationError(
          `deploymentFreezes must end after they start, got: ${freeze.name} from ${freeze.start.toISOString()} to ${freeze.end.toISOString()}`,
          this,
        );
      }
    }

    // ---- Alarms and keys --------------------------------------------------------------------
    this.alarmTopic = props.alarmTopic ?? this.newDefaultAlarmTopic();
    const logKey = newCustomerManagedKey(this, 'LogKey', `Encrypts the WAF logs of ${this.node.path}`);
    allowCloudWatchLogs(logKey, this);
    const volumeKey = props.volumeKey ?? this.newVolumeKey();
    this.volumeKey = volumeKey;

    // ---- Instances --------------------------------------------------------------------------
    const instanceRole = new iam.Role(this, 'InstanceRole', {
      assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
      description: `Instances of ${this.node.path}`,
      // Session Manager instead of SSH, patching and inventory through Systems Manager.
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonSSMManagedInstanceCore')],
    });
    acknowledgeFindings(instanceRole, {
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonSSMManagedInstanceCore]',
      reason:
        'AmazonSSMManagedInstanceCore is the policy AWS maintains for the Systems Manager agent (Session Manager instead of SSH, patching); a copy would fall behind the agent',
    });
    acknowledgeFindings(instanceRole, {
      id: 'NIST.800.53.R5-IAMNoInlinePolicy',
      reason:
        'the inline policy belongs to this one role and names only this stack (cfn-signal) and the regional CodeDeploy agent bucket; it is deleted with the role',
    });
    this.role = instanceRole;
    const securityGroup = new ec2.SecurityGroup(this, 'InstanceSecurityGroup', {
      vpc: props.vpc,
      description: `Instances of ${this.node.path}: HTTP from the load balancer only`,
      allowAllOutbound: true,
    });

    const placementGroup = new ec2.PlacementGroup(
      this,
      'PlacementGroup',
      this.placementStrategy === FleetPlacementStrategy.SPREAD
        ? { strategy: ec2.PlacementGroupStrategy.SPREAD, spreadLevel: ec2.PlacementGroupSpreadLevel.RACK }
        : { strategy: ec2.PlacementGroupStrategy.PARTITION, partitions: plan.partitions },
    );

    const userData = props.userData ?? ec2.UserData.forLinux();
    const launchTemplate = new ec2.LaunchTemplate(this, 'LaunchTemplate', {
      machineImage: props.machineImage,
      instanceType: props.instanceTypes[0],
      userData,
      role: instanceRole,
      securityGroup,
      requireImdsv2: true,
      httpTokens: ec2.LaunchTemplateHttpTokens.REQUIRED,
      httpPutResponseHopLimit: 1,
      associatePublicIpAddress: false,
      detailedMonitoring: true,
      placementGroup,
      blockDevices: [
        {
          deviceName: props.rootDeviceName ?? '/dev/xvda',
          volume: ec2.BlockDeviceVolume.ebs(rootVolumeSizeGiB, {
            volumeType: ec2.EbsDeviceVolumeType.GP3,
            encrypted: true,
            kmsKey: volumeKey,
            deleteOnTermination: true,
          }),
        },
      ],
    });

    const signalTimeout = props.signalTimeout ?? Duration.seconds(plan.rollout.signalTimeoutSeconds);
    const batch = plan.rollout.batchSize;
    const asg = new autoscaling.AutoScalingGroup(this, 'AutoScalingGroup', {
      vpc: props.vpc,
      vpcSubnets: subnetSelection,
      mixedInstancesPolicy: {
        launchTemplate,
        launchTemplateOverrides: props.instanceTypes.map((instanceType) => ({ instanceType })),
        instancesDistribution: {
          onDemandPercentageAboveBaseCapacity: plan.onDemandPercent,
          onDemandAllocationStrategy: autoscaling.OnDemandAllocationStrategy.PRIORITIZED,
        },
      },
      minCapacity: this.capacity.min,
      maxCapacity: props.maxCapacity,
      capacityRebalance: true,
      healthChecks: autoscaling.HealthChecks.withAdditionalChecks({
        additionalTypes: [autoscaling.AdditionalHealthCheckType.ELB],
        gracePeriod,
      }),
      defaultInstanceWarmup: gracePeriod,
      groupMetrics: [autoscaling.GroupMetrics.all()],
      notifications: [{ topic: this.alarmTopic }],
      // One AZ's worth at a time: a rollout never takes more capacity away than an AZ loss does.
      updatePolicy: autoscaling.UpdatePolicy.rollingUpdate({
        maxBatchSize: batch,
        minInstancesInService: plan.rollout.minInService,
        waitOnResourceSignals: this.capacity.desired > 0,
        pauseTime: signalTimeout,
      }),
      signals:
        this.capacity.desired > 0
          ? autoscaling.Signals.waitForCount(this.capacity.desired, { timeout: signalTimeout })
          : undefined,
    });
    this.autoScalingGroup = asg;
    // The group's zones, listed as well as its subnets (they must name the same zones): what AWS
    // Control Tower's proactive control CT.AUTOSCALING.PR.1 reads to see that a group spans AZs.
    (asg.node.defaultChild as autoscaling.CfnAutoScalingGroup).availabilityZones = [...new Set(this.availabilityZones)];
    // cdk-nag reads volume encryption and IMDS settings from launch configurations and a group's
    // direct launch template, not from a template inside a mixed instances policy.
    acknowledgeFindings(asg, {
      id: 'AwsSolutions-EC26',
      reason:
        'the root volume is encrypted with a customer-managed key in the launch template the mixed instances policy uses',
    });
    acknowledgeFindings(asg, {
      id: 'NIST.800.53.R5-EC2IMDSv2Enabled',
      reason: 'the launch template the mixed instances policy uses requires IMDSv2 (HttpTokens required, hop limit 1)',
    });
    this.connections = asg.connections;
    // The signal itself is sent by the bootstrap newFleetDeployment appends to the user data.
    instanceRole.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['cloudformation:SignalResource'],
        resources: [stack.stackId],
      }),
    );

    // ---- Load balancer ----------------------------------------------------------------------
    const health = plan.targetHealth;
    this.azFailoverSeconds = health.failoverSeconds;
    this.targetGroup = new elbv2.ApplicationTargetGroup(this, 'TargetGroup', {
      vpc: props.vpc,
      port: instancePort,
      protocol: elbv2.ApplicationProtocol.HTTP,
      targets: [asg],
      crossZoneEnabled: true,
      deregistrationDelay: Duration.seconds(plan.deregistrationDelaySeconds),
      loadBalancingAlgorithmType:
        plan.loadBalancing.algorithm === 'weighted_random'
          ? elbv2.TargetGroupLoadBalancingAlgorithmType.WEIGHTED_RANDOM
          : elbv2.TargetGroupLoadBalancingAlgorithmType.ROUND_ROBIN,
      enableAnomalyMitigation: plan.loadBalancing.anomalyMitigation,
      healthCheck: {
        path: healthCheckPath,
        interval: Duration.seconds(health.intervalSeconds),
        timeout: Duration.seconds(health.timeoutSeconds),
        unhealthyThresholdCount: health.unhealthyThresholdCount,
        healthyThresholdCount: health.healthyThresholdCount,
        healthyHttpCodes: health.matcher,
      },
    });
    if (!props.certificate) {
      Annotations.of(this).addWarningV2(
        'ha-constructs:ResilientFleet.certificate',
        'no certificate: the load balancer serves plain HTTP; give certificate for HTTPS with an HTTP→HTTPS redirect',
      );
    }
    const balancer = newHaLoadBalancer(this, {
      fronts: 'fleet',
      vpc: props.vpc,
      internetFacing,
      vpcSubnets: loadBalancerSubnets,
      targetGroup: this.targetGroup,
      certificate: props.certificate,
      sslPolicy: props.sslPolicy,
      logRetentionDays: tier.logRetentionDays,
      accessLogNoncurrentDays: plan.accessLogNoncurrentDays,
      mutualAuthentication: props.trustStore
        ? {
            mutualAuthenticationMode: props.mutualTlsMode ?? elbv2.MutualAuthenticationMode.VERIFY,
            trustStore: props.trustStore,
            ignoreClientCertificateExpiry: false,
          }
        : undefined,
    });
    const lb = balancer.loadBalancer;
    this.loadBalancer = lb;
    this.listener = balancer.listener;

    const alarm = plan.errorAlarm;
    const alarmPeriod = Duration.seconds(alarm.periodSeconds);
    this.errorAlarm = new cloudwatch.Alarm(this, 'ErrorAlarm', {
      alarmDescription: `Share of requests to ${this.node.path} answered 5xx over ${alarm.periodMinutes} min burns ${tier.name}'s error budget ${alarm.burnRate}× too fast`,
      metric: new cloudwatch.MathExpression({
        expression: 'IF(requests > 0, 100 * (FILL(elb5xx, 0) + FILL(target5xx, 0)) / requests, 0)',
        usingMetrics: {
          requests: lb.metrics.requestCount({ period: alarmPeriod }),
          elb5xx: lb.metrics.httpCodeElb(elbv2.HttpCodeElb.ELB_5XX_COUNT, { period: alarmPeriod }),
          target5xx: lb.metrics.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_5XX_COUNT, { period: alarmPeriod }),
        },
        period: alarmPeriod,
        label: '5xx share of requests (%)',
      }),
      threshold: alarm.thresholdPercent,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: alarm.evaluationPeriods,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    notifyOn(this.errorAlarm, this.alarmTopic);

    const zonal = planZonalOutlier(tier, {
      zoneCount: azCount,
      zonesKnown: this.availabilityZones.every((zone) => !Token.isUnresolved(zone)),
      serving: !isStandby,
      latencyThresholdSeconds: props.latencyThreshold?.toSeconds({ integral: false }),
      enabled: props.zonalDetection,
    });
    throwProblems(zonal.problems, this);
    emitWarnings(this, 'ResilientFleet.zonalDetection', zonal.warnings);
    if (zonal.enabled) {
      const zones = newZonalDetection(this, {
        loadBalancer: lb,
        availabilityZones: this.availabilityZones,
        plan: zonal,
        alarmTopic: this.alarmTopic,
      });
      for (const [zone, alarms] of Object.entries(zones)) {
        this.zoneImpairedAlarms[zone] = alarms.impaired;
        if (props.incidentResponse) alarms.impaired.addAlarmAction(props.incidentResponse.alarmAction());
      }
    }
    const shift = planZonalShift(tier, {
      detection: zonal.enabled,
      zoneCount: azCount,
      requiredCapacity: props.requiredCapacity,
      perAzCapacity: plan.capacity.perAz,
      serving: !isStandby,
      enabled: props.automaticZonalShift,
      expirySeconds: props.zonalShiftExpiry?.toSeconds({ integral: false }),
    });
    throwProblems(shift.problems, this);
    emitWarnings(this, 'ResilientFleet', shift.warnings);
    const group = shift.autoScalingGroup;
    if (group.zonalShiftEnabled) {
      // A zonal shift then moves the group with its load balancer: no launch into the shifted AZ.
      (asg.node.defaultChild as autoscaling.CfnAutoScalingGroup).availabilityZoneImpairmentPolicy = {
        zonalShiftEnabled: true,
        impairedZoneHealthCheckBehavior: group.impairedZoneHealthCheckBehavior,
      };
    }
    if (shift.enabled) {
      this.zonalShiftRunbook = newZonalShift(this, {
        loadBalancer: lb,
        capacity: { autoScalingGroup: asg },
        impairedAlarms: this.zoneImpairedAlarms,
        plan: shift,
        alarmTopic: this.alarmTopic,
      }).runbook;
    }

    if (plan.zonalAutoshift) {
      new arczonalshift.CfnZonalAutoshiftConfiguration(this, 'ZonalAutoshift', {
        resourceIdentifier: lb.loadBalancerArn,
        zonalAutoshiftStatus: 'ENABLED',
        practiceRunConfiguration: {
          outcomeAlarms: [{ alarmIdentifier: this.errorAlarm.alarmArn, type: 'CLOUDWATCH' }],
          blockingAlarms: props.pageAlarm
            ? [{ alarmIdentifier: props.pageAlarm.alarmArn, type: 'CLOUDWATCH' }]
            : undefined,
          blockedDates: freezes.length > 0 ? blockedDates(freezes) : undefined,
        },
      });
    }

    // ---- Scaling ----------------------------------------------------------------------------
    addFleetScaling(this, asg, {
      plan: scaling,
      targetCpuPercent,
      predictiveScaling: plan.predictiveScaling,
      queue: props.queue,
      prewarm: isStandby ? [] : (props.prewarm ?? []),
    });

    // ---- Protection and deployment ----------------------------------------------------------
    this.webAcl = newFleetWebAcl(this, {
      loadBalancer: lb,
      rateLimitPerIp,
      healthCheckPath,
      logRetentionDays: tier.logRetentionDays,
      logKey,
    }).webAcl;

    const rollbackAlarms: cloudwatch.IAlarm[] = [this.errorAlarm];
    if (props.pageAlarm) rollbackAlarms.push(props.pageAlarm);
    if (props.errorBudgetAlarm) rollbackAlarms.push(props.errorBudgetAlarm);
    const deployment = newFleetDeployment(this, {
      autoScalingGroup: asg,
      targetGroup: this.targetGroup,
      instanceRole,
      userData,
      azCount,
      alarms: rollbackAlarms,
      freezes,
      firstZoneBakeTime: props.firstZoneBakeTime ?? Duration.seconds(alarm.bakeSeconds),
      zoneBakeTime: props.zoneBakeTime ?? alarmPeriod,
      revisionBucket: props.revisionBucket,
    });
    this.revisionBucket = deployment.revisionBucket;
    this.deploymentGroup = deployment.deploymentGroup;
    this.changeCalendar = deployment.changeCalendar;
    this.deployRunbook = deployment.deployDocument;
    // cdk-nag names an unresolved partition `<AWS::Partition>` in its finding ids.
    const partition = Token.isUnresolved(stack.partition) ? '<AWS::Partition>' : stack.partition;
    const codeDeployBucket = `arn:${partition}:s3:::aws-codedeploy-${stack.region}`;
    for (const id of [
      'AwsSolutions-IAM5[Action::s3:GetBucket*]',
      'AwsSolutions-IAM5[Action::s3:GetObject*]',
      'AwsSolutions-IAM5[Action::s3:List*]',
      `AwsSolutions-IAM5[Resource::${codeDeployBucket}/latest/*]`,
    ]) {
      acknowledgeFindings(instanceRole, {
        id,
        reason:
          'read-only access to the AWS-owned bucket that holds the CodeDeploy agent installer of this region, under latest/ only',
      });
    }

    const version = props.version ?? this.node.tryGetContext('ha:version');
    if (version !== undefined) {
      Tags.of(this).add('ha:version', String(version));
    }
    attachHaMetadata(this, props, { component: 'ResilientFleet', failureDomain: FailureDomain.REGION });
  }

  /** Requests the load balancer received. */
  public metricRequestCount(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.loadBalancer.metrics.requestCount(props);
  }

  /** Requests answered with a 5xx, by the load balancer itself or by a target. */
  public metricHttp5xx(props?: cloudwatch.MetricOptions): cloudwatch.MathExpression {
    return new cloudwatch.MathExpression({
      expression: 'FILL(elb5xx, 0) + FILL(target5xx, 0)',
      usingMetrics: {
        elb5xx: this.loadBalancer.metrics.httpCodeElb(elbv2.HttpCodeElb.ELB_5XX_COUNT, props),
        target5xx: this.loadBalancer.metrics.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_5XX_COUNT, props),
      },
      period: props?.period,
      label: props?.label ?? '5xx responses',
    });
  }

  /** Target response time at a percentile (e.g. 99 for p99), in seconds. */
  public metricLatency(percentile: number, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    if (!(percentile > 0 && percentile < 100)) {
      throw validationError(`percentile must be greater than 0 and less than 100, got: ${percentile}`, this);
    }
    return this.loadBalancer.metrics.targetResponseTime({ ...props, statistic: `p${percentile}` });
  }

  /** Healthy targets in one AZ (minimum over the period). */
  public metricHealthyHosts(availabilityZone: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: 'AWS/ApplicationELB',
      metricName: 'HealthyHostCount',
      dimensionsMap: {
        LoadBalancer: this.loadBalancer.loadBalancerFullName,
        TargetGroup: this.targetGroup.targetGroupFullName,
        AvailabilityZone: availabilityZone,
      },
      statistic: cloudwatch.Stats.MINIMUM,
      period: Duration.minutes(1),
      ...props,
    });
  }

  /** Healthy targets of every AZ the fleet spans, by AZ. */
  public metricHealthyHostsPerAz(props?: cloudwatch.MetricOptions): Record<string, cloudwatch.Metric> {
    const metrics: Record<string, cloudwatch.Metric> = {};
    for (const zone of this.availabilityZones) {
      metrics[zone] = this.metricHealthyHosts(zone, props);
    }
    return metrics;
  }

  /**
   * The default alarm topic. The group's scaling notifications reach it too, published by the Auto
   * Scaling service-linked role, which must be able to use the topic's key (named by
   * `aws:PrincipalArn`, as for the volume key below, so the policy is valid before the role exists).
   */
  private newDefaultAlarmTopic(): sns.ITopic {
    const topic = newAlarmTopic(this, 'AlarmTopic', `alarms of ${this.node.path}`);
    topic.masterKey?.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowAutoScalingNotifications',
        principals: [new iam.AnyPrincipal()],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        // A key policy statement applies to the key it is attached to: `*` here means "this key".
        resources: ['*'],
        conditions: { ArnEquals: { 'aws:PrincipalArn': this.autoScalingServiceLinkedRoleArn() } },
      }),
    );
    return topic;
  }

  private autoScalingServiceLinkedRoleArn(): string {
    return Stack.of(this).formatArn({
      service: 'iam',
      region: '',
      resource: 'role',
      resourceName: 'aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling',
    });
  }

  /**
   * A customer-managed key for the root volumes. Auto Scaling launches instances through its
   * service-linked role, which needs the key in the key policy. The statement names the role by
   * `aws:PrincipalArn` rather than as principal: KMS rejects a policy whose principal does not exist
   * yet, and the role only exists after the account's first Auto Scaling group.
   * @see https://docs.aws.amazon.com/autoscaling/ec2/userguide/key-policy-requirements-EBS-encryption.html
   */
  private newVolumeKey(): kms.Key {
    const key = newCustomerManagedKey(this, 'VolumeKey', `Encrypts the root volumes of ${this.node.path}`);
    const serviceLinkedRole = this.autoScalingServiceLinkedRoleArn();
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowAutoScalingServiceLinkedRoleUse',
        principals: [new iam.AnyPrincipal()],
        actions: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey'],
        // A key policy statement applies to the key it is attached to: `*` here means "this key".
        resources: ['*'],
        conditions: { ArnEquals: { 'aws:PrincipalArn': serviceLinkedRole } },
      }),
    );
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowAutoScalingServiceLinkedRoleGrants',
        principals: [new iam.AnyPrincipal()],
        actions: ['kms:CreateGrant'],
        resources: ['*'],
        conditions: {
          ArnEquals: { 'aws:PrincipalArn': serviceLinkedRole },
          Bool: { 'kms:GrantIsForAWSResource': 'true' },
        },
      }),
    );
    return key;
  }
}

/**
 * Why the fleet's AZs cannot hold it, under the prop the user passed: `vpcSubnets` when given,
 * otherwise `vpc`, whose private subnets with egress the fleet then runs in.
 */
function fleetZonesProblem(props: ResilientFleetProps, zones: readonly string[], region: string): string | undefined {
  const { tier } = props;
  const minZones = fleetMinZones(tier);
  const why =
    minZones > tier.minAzs ? ' (static stability keeps peak capacity in the AZs that survive the loss of one)' : '';
  const got = `got: ${zones.length} (${zones.join(', ') || 'none'})`;
  if (!props.vpcSubnets && zones.length < minZones) {
    return (
      `vpc must have private subnets with egress (the fleet's subnets when vpcSubnets is not given) in at least ` +
      `${minZones} AZs for ${tier.name}${why}, ${got}`
    );
  }
  if (props.vpcSubnets && zones.length < minZones && why) {
    return `vpcSubnets must select subnets in at least ${minZones} AZs for ${tier.name}${why}, ${got}`;
  }
  return zonePlacementProblem({
    prop: props.vpcSubnets ? 'vpcSubnets' : 'vpc',
    zones,
    region,
    minZones,
    tierName: tier.name,
  });
}

/** The UTC dates (`YYYY-MM-DD`) each freeze touches, for ARC's practice-run `BlockedDates`. */
function blockedDates(freezes: readonly DeploymentFreeze[]): string[] {
  const dates = new Set<string>();
  const day = 86400000;
  for (const freeze of freezes) {
    for (let t = Math.floor(freeze.start.getTime() / day) * day; t < freeze.end.getTime(); t += day) {
      dates.add(new Date(t).toISOString().slice(0, 10));
    }
  }
  return [...dates].sort();
}
