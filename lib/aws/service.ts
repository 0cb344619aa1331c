import { Annotations, ArnFormat, Duration, Lazy, Stack, Token } from 'aws-cdk-lib';
import * as arczonalshift from 'aws-cdk-lib/aws-arczonalshift';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { FailureDomain, FleetCapacity, HaRole, zonePlacementProblem } from '../core';
import { ALB_MIN_AZS } from '../core/plans/fleet';
import { imageNameWarning, planService, ServicePlan } from '../core/plans/service';
import { planZonalOutlier } from '../core/plans/zonal-outlier';
import { planZonalShift } from '../core/plans/zonal-shift';
import { newFleetWebAcl } from './fleet-protection';
import { HaProps } from './ha-props';
import { attachHaMetadata } from './metadata';
import { newAlarmTopic, notifyOn } from './private/alarms';
import { emitWarnings, throwProblems, validationError } from './private/errors';
import { newHaLoadBalancer } from './private/load-balancer';
import { allowCloudWatchLogs, newCustomerManagedKey, newEncryptedLogGroup } from './private/keys';
import { acknowledgeFindings, acknowledgeWildcard } from './private/nag';
import { newZonalDetection } from './zonal-detection';
import { newZonalShift } from './zonal-shift';
import { skipToken } from './private/tokens';

/** Props of {@link ResilientService}. */
export interface ResilientServiceProps extends HaProps {
  /** The network. The tasks run in its private subnets of every AZ (see `vpcSubnets`). */
  readonly vpc: ec2.IVpc;
  /**
   * Subnets the tasks run in; their AZs must number at least `tier.minAzs`.
   * @default - the private subnets with egress, one per AZ
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
  /**
   * The ECS cluster the service runs in; it must be in `vpc`.
   * @default - a new cluster with Container Insights (`containerInsights`) and Fargate ephemeral
   * storage encrypted with a new customer-managed key
   */
  readonly cluster?: ecs.ICluster;
  /**
   * Container Insights of the new cluster (not applied to a `cluster` you pass). ENHANCED adds
   * per-task and per-container metrics, but fails AWS Control Tower's proactive control
   * CT.ECS.PR.2 as published, which accepts only `enabled`: a stack with it cannot deploy where
   * that control is on.
   * @default ecs.ContainerInsights.ENABLED
   */
  readonly containerInsights?: ecs.ContainerInsights;
  /**
   * The ECR repository the image is pulled from, in the service's own region (a standby's is the
   * replica: `ImageRepository.replicaIn(this)`); with `imageTagOrDigest`. Give this or `image`.
   * @default - none: `image` names the image
   */
  readonly repository?: ecr.IRepository;
  /**
   * The image in `repository` the service deploys: a digest (`sha256:` and 64 hex digits), the one
   * reference every task, rollback and region resolves to the same image. TIER_0 and TIER_1 accept
   * only a digest; other tiers also a tag (and warn).
   * @default - required with `repository`
   */
  readonly imageTagOrDigest?: string;
  /**
   * The image the container runs, when it is not from `repository` (another registry). Name it by
   * digest (`…@sha256:…`) for immutable releases, in a registry of the service's own region.
   * @default - required unless `repository` is given
   */
  readonly image?: ecs.ContainerImage;
  /** Tasks needed to carry peak load. */
  readonly requiredCount: number;
  /**
   * The most tasks the service may run (the cost guard during spikes): no scaling policy goes
   * above it. At least the count the tier makes the service run.
   */
  readonly maxCount: number;
  /**
   * Tasks a STANDBY service of a WARM_STANDBY tier runs. PILOT_LIGHT and BACKUP_RESTORE standbys
   * run none; ACTIVE_ACTIVE standbys serve like a primary.
   * @default - one task per AZ
   */
  readonly standbyCount?: number;
  /**
   * Whether an Application Load Balancer fronts the tasks. `false` makes a worker, whose tasks pull
   * their work (a `QueueWorker`'s `consumerService`): no load balancer, target group, listener, WAF,
   * per-AZ load-balancer alarms or zonal shift, so none of the props that configure them may be given
   * (`certificate`, `readinessPath`, …). Its container's health check (`livenessPath` or
   * `livenessCommand`) alone replaces a task; the circuit breaker and the alarms of the work it drains
   * (the `QueueWorker`'s lane age alarms, added by it) and `pageAlarm` roll its deployments back, and
   * a worker with none of these fails synthesis. When an AZ is lost, the messages its tasks held
   * reappear after the queue's visibility timeout and the statically stable tasks of the other AZs
   * drain them.
   * @default true
   */
  readonly loadBalanced?: boolean;
  /**
   * Port the container serves HTTP on (a worker: the port `livenessPath` is requested on, on localhost).
   * @default 8080
   */
  readonly containerPort?: number;
  /**
   * CPU units of a task (1024 = 1 vCPU), one of Fargate's task sizes.
   * @default 256
   */
  readonly cpu?: number;
  /**
   * Memory of a task in MiB, one Fargate allows with `cpu`; also the container's hard limit.
   * @default 512
   */
  readonly memoryLimitMiB?: number;
  /**
   * Path the load balancer requests from every AZ to decide whether a task gets requests
   * (readiness). ECS also replaces a task that fails it, so keep it shallow: a task that started
   * and answers, never a check of its dependencies (a brownout would replace every task at once).
   * Not the deep check that moves traffic between regions (`/health/ready`, FailoverDns's): that
   * warns. An ALB fails open: when every target is unhealthy it routes to all of them.
   * @default '/health/live' (core's LIVENESS_PATH)
   */
  readonly readinessPath?: string;
  /**
   * Path the container's own health check requests on localhost (liveness): a task whose process
   * stops answering is replaced even while the load balancer cannot tell.
   * @default '/health/live' (core's LIVENESS_PATH)
   */
  readonly livenessPath?: string;
  /**
   * The container health check's command, for images without `curl`
   * (e.g. `['CMD', '/app/healthcheck']`); exit code 0 is healthy.
   * @default - `curl` of `livenessPath` on localhost (the image must have curl)
   */
  readonly livenessCommand?: string[];
  /**
   * Time a new task gets before failed load-balancer checks count (and the container check's start period, at most 5
   * min; a worker's only use of it).
   * @default Duration.seconds(60)
   */
  readonly healthCheckGracePeriod?: Duration;
  /**
   * How long the load balancer lets a stopping task finish its in-flight requests.
   * @default Duration.seconds(60) - the load balancer's idle timeout, after which a silent request fails anyway
   */
  readonly deregistrationDelay?: Duration;
  /**
   * The user the container runs as: never root (AWS Control Tower's CT.ECS.PR.3). The root
   * filesystem is read-only (CT.ECS.PR.6): mount a volume for scratch space.
   * @default '65534' - nobody, a user every image can run as; files the application reads must be world-readable
   */
  readonly user?: string;
  /**
   * Environment variables of the container (nothing secret: use `secrets`).
   * @default - none
   */
  readonly environment?: Record<string, string>;
  /**
   * Secrets the container gets as environment variables, read by the execution role at task start.
   * @default - none
   */
  readonly secrets?: Record<string, ecs.Secret>;
  /**
   * Whether the load balancer is reachable from the internet (in the public subnets) or only from
   * the VPC (in the tasks' subnets).
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
   * Average CPU utilization target tracking keeps the service at.
   * @default 50
   */
  readonly targetCpuPercent?: number;
  /**
   * Requests per minute each task should serve: target tracking on the load balancer's request
   * count per target keeps the service at it.
   * @default - no request-count tracking (CPU tracking only)
   */
  readonly targetRequestsPerMinute?: number;
  /**
   * SLO burn-rate page alarm of the service: deployments roll back while it fires, and zonal-autoshift
   * practice runs do not start. It must be in this account and region.
   * @default - none: deployments roll back on the service's own error and unhealthy-task alarms (a
   * worker's: on the alarms added with `addRollbackAlarm`)
   */
  readonly pageAlarm?: cloudwatch.IAlarm;
  /**
   * Topic the service's alarms go to.
   * @default - a new encrypted topic
   */
  readonly alarmTopic?: sns.ITopic;
  /**
   * Requests a single client IP may send per 5 minutes before WAF blocks it (at least 10).
   * @default 2000
   */
  readonly rateLimitPerIp?: number;
  /**
   * Whether the load balancer sends fewer requests to a task whose errors stand out from the others'
   * while it passes its health checks (automatic target weights, on the weighted random algorithm):
   * the task-level gray failure the per-AZ alarms cannot see, since cross-zone routing spreads its
   * errors over every AZ. `false` routes round robin.
   * @default true
   */
  readonly anomalyMitigation?: boolean;
  /**
   * Whether ARC zonal autoshift may shift traffic away from an impaired AZ on its own (with weekly
   * practice runs whose outcome alarm is `errorAlarm`). Zonal shift is always enabled.
   * @default - true for statically stable tiers (the service can absorb an AZ's load) unless it is a STANDBY
   */
  readonly zonalAutoshift?: boolean;
  /**
   * Whether per-AZ alarms watch the load balancer's node in each AZ and say when one AZ is impaired on
   * its own (a gray failure: tasks pass health checks while requests there fail): `zoneImpairedAlarms`.
   * Needs AZs known at synthesis.
   * @default - true for TIER_0/1 serving services
   */
  readonly zonalDetection?: boolean;
  /**
   * Whether an AZ's Impaired alarm (`zonalDetection`) starts a zonal shift of the load balancer away
   * from it, through an SSM Automation runbook that shifts only when no other shift is in effect and
   * the other AZs run at least `requiredCount` healthy tasks.
   * @default - true wherever `zonalDetection` is, for TIER_0/1
   */
  readonly automaticZonalShift?: boolean;
  /**
   * How long an automatic zonal shift lasts before ARC ends it (a person may extend or cancel it).
   * @default - planZonalShift's default
   */
  readonly zonalShiftExpiry?: Duration;
  /**
   * The p99 target response time above which an AZ counts as impaired (with `zonalDetection`).
   * @default - planZonalOutlier's default
   */
  readonly latencyThreshold?: Duration;
}

/**
 * The stateless tier of a service as containers: an ECS service on Fargate in every AZ behind an
 * Application Load Balancer, with the HA shape of `ResilientFleet`.
 *
 * - **Static stability** (TIER_0, TIER_1): desired count = scaling minimum =
 *   `staticallyStableCapacity(requiredCount, AZs)`, so losing an AZ leaves `requiredCount` tasks
 *   serving without launching any; other tiers run `requiredCount`, at least one per AZ. A STANDBY
 *   runs `standbyCount` (WARM_STANDBY: one per AZ) or none (PILOT_LIGHT); `primaryTaskCount` is
 *   what to scale it to on failover. AZ rebalancing keeps the tasks even over the AZs.
 * - **Deployments**: rolling, never below the desired count for statically stable tiers (the
 *   required count otherwise), one AZ's worth of new tasks at a time; the deployment circuit
 *   breaker and the service's alarms (5xx share, unhealthy tasks, `pageAlarm`) roll back.
 * - **Two health checks**: the target group's readiness check (`readinessPath`, from every AZ, tuned
 *   so a failed AZ stops getting requests within half the AZ RTO: `azFailoverSeconds`) and the
 *   container's liveness check (`livenessPath` on localhost). Both replace a task, so both are shallow.
 * - **Load balancer**: as `ResilientFleet`'s: in every AZ, HTTPS with a TLS 1.2+ policy and an
 *   HTTP→HTTPS redirect when a certificate is given, deletion protection, access logs, WAF rate
 *   limit, zonal shift on; zonal autoshift with practice runs for statically stable tiers.
 * - **Gray failures** (TIER_0, TIER_1): per-AZ alarms on the load balancer's per-AZ metrics and an
 *   `Impaired` composite per AZ (`zoneImpairedAlarms`) that starts a zonal shift of the load balancer
 *   away from the AZ (`automaticZonalShift`), guarded by the healthy running tasks of the other AZs.
 * - **Scaling**: target tracking on CPU (and on requests per task), bounded by `maxCount`.
 * - **Images**: by digest from an ECR repository of the service's own region (`repository` +
 *   `imageTagOrDigest`; a standby's is the replica, `ImageRepository.replicaIn`): TIER_0/1 refuse a
 *   tag, and a repository of another region is refused (its region's failure would stop every launch).
 * - **Least privilege**: the task role (`taskRole`, `grantPrincipal`) has no permission until you
 *   grant one; the execution role pulls the image, writes the logs and reads `secrets`. Logs go to
 *   a log group encrypted with a customer-managed key and kept for the tier's retention; the
 *   container runs as a non-root user on a read-only root filesystem.
 *
 * - **Worker** (`loadBalanced: false`): the same tasks, deployments, liveness check, scaling and
 *   images with no load balancer; see `loadBalanced`.
 *
 * `connections` are the tasks' (`database.connections.allowDefaultPortFrom(service)`); callers
 * reach the load balancer through `loadBalancer.connections`.
 *
 * Construct ids (public API): `Cluster` and `StorageKey` (when no cluster is given; the key is
 * retained), `TaskDefinition` (its container `App`), `TaskRole`, `ExecutionRole`, `LogKey` and
 * `Logs` (retained), `Service` (its scaling `Service/TaskCount`), `LoadBalancer` (its listeners
 * `Listener` and `Redirect80To443`), `AccessLogs` (retained), `TargetGroup`, `AlarmTopic`,
 * `ErrorAlarm`, `UnhealthyTasksAlarm`, `ZonalAutoshift`, `ZonalDetection`, `ZonalShift`, `WebAcl`,
 * `WebAclAssociation`, `WebAclLogs` (retained), `WebAclLogging`.
 */
export class ResilientService extends Construct implements ec2.IConnectable, iam.IGrantable {
  /** The ECS service. */
  public readonly service: ecs.FargateService;
  /** The cluster the service runs in. */
  public readonly cluster: ecs.ICluster;
  /** The task definition. */
  public readonly taskDefinition: ecs.FargateTaskDefinition;
  /** The application container. */
  public readonly container: ecs.ContainerDefinition;
  /** The role the application runs as: no permission until you grant one. */
  public readonly taskRole: iam.IRole;
  /** The role ECS starts tasks with (image pull, logs, secrets). */
  public readonly executionRole: iam.IRole;
  /** The principal grants go to: the task role. */
  public readonly grantPrincipal: iam.IPrincipal;
  /** The tasks' network connections (for the service as a client of other resources). */
  public readonly connections: ec2.Connections;
  /** Whether an Application Load Balancer fronts the tasks (`false`: a worker). */
  public readonly loadBalanced: boolean;
  /** The container's log group. */
  public readonly logGroup: logs.ILogGroup;
  /** The key of the container's and the web ACL's log groups. */
  public readonly logKey: kms.IKey;
  /** The topic the service's alarms go to. */
  public readonly alarmTopic: sns.ITopic;
  /** Target tracking of the task count. */
  public readonly scaling: ecs.ScalableTaskCount;
  /**
   * Worst-case seconds until the load balancer stops routing to the tasks of a failed AZ; undefined for a
   * worker (a lost AZ's messages come back after its queue's visibility timeout).
   */
  public readonly azFailoverSeconds?: number;
  /** Tasks this service runs. */
  public readonly taskCount: FleetCapacity;
  /** What a primary service of the same props runs: scale a standby to this on failover. */
  public readonly primaryTaskCount: FleetCapacity;
  /** The AZs the tasks run in. */
  public readonly availabilityZones: string[];
  /** Per AZ, the composite alarm that says the AZ is impaired on its own (see `zonalDetection`). */
  public readonly zoneImpairedAlarms: Record<string, cloudwatch.IAlarm> = {};
  /** The SSM Automation runbook an AZ's Impaired alarm starts (see `automaticZonalShift`), if any. */
  public readonly zonalShiftRunbook?: ssm.CfnDocument;
  private readonly balanced?: {
    readonly loadBalancer: elbv2.ApplicationLoadBalancer;
    readonly listener: elbv2.ApplicationListener;
    readonly targetGroup: elbv2.ApplicationTargetGroup;
    readonly webAcl: wafv2.CfnWebACL;
    readonly errorAlarm: cloudwatch.Alarm;
    readonly unhealthyTasksAlarm: cloudwatch.Alarm;
  };
  /** The alarms that roll a deployment back while they fire. */
  private readonly rollbackAlarms: cloudwatch.IAlarm[] = [];

  constructor(scope: Construct, id: string, props: ResilientServiceProps) {
    super(scope, id);
    const { tier } = props;
    const role = props.role ?? HaRole.PRIMARY;
    const stack = Stack.of(this);
    const loadBalanced = props.loadBalanced ?? true;
    this.loadBalanced = loadBalanced;

    // ---- Validation -------------------------------------------------------------------------
    if (loadBalanced && Token.isUnresolved(stack.region)) {
      // The access-log bucket policy names the region's Elastic Load Balancing account or principal.
      throw validationError(
        "the stack's region must be known at synthesis (env: { region }) for the load balancer's " +
          'access logs, got: an environment-agnostic stack',
        this,
      );
    }
    const subnetSelection = props.vpcSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS };
    const zonesProp = props.vpcSubnets ? 'vpcSubnets' : 'vpc';
    const subnets = props.vpc.selectSubnets(subnetSelection);
    this.availabilityZones = [...subnets.availabilityZones];
    if (props.cluster && !sameVpc(stack, props.cluster.vpc, props.vpc)) {
      throw validationError(
        "cluster must be in vpc (the service selects its subnets from the cluster's VPC), " +
          'got: a cluster of another VPC',
        this,
        'cluster',
      );
    }
    if ((props.image === undefined) === (props.repository === undefined)) {
      throw validationError(
        `exactly one of image and repository must be given (repository with imageTagOrDigest), got: ${
          props.image ? 'both' : 'neither'
        }`,
        this,
        props.image ? 'repository' : 'image',
      );
    }
    if (props.repository && props.imageTagOrDigest === undefined) {
      throw validationError(
        'imageTagOrDigest must be given with repository (the digest the service deploys), got: none',
        this,
        'imageTagOrDigest',
      );
    }
    if (props.imageTagOrDigest !== undefined && !props.repository) {
      throw validationError(
        'imageTagOrDigest names an image in repository, which must be given with it, got: no repository',
        this,
        'repository',
      );
    }
    const repositoryRegion = props.repository
      ? stack.splitArn(props.repository.repositoryArn, ArnFormat.SLASH_RESOURCE_NAME).region
      : undefined;
    if (repositoryRegion !== undefined && !Token.isUnresolved(repositoryRegion) && repositoryRegion !== stack.region) {
      throw validationError(
        `repository must be in the service's region (${stack.region}): tasks pulling from another region ` +
          `cannot start when that region fails; pull from the replica (ImageRepository.replicaIn), got: ` +
          `a repository in ${repositoryRegion}`,
        this,
        'repository',
      );
    }
    const literals = [
      ['containerPort', props.containerPort],
      ['livenessPath', props.livenessPath],
    ] as const;
    for (const [prop, value] of literals) {
      if (value !== undefined && Token.isUnresolved(value)) {
        // Both go into the container health check's command, a literal the task definition carries.
        throw validationError(
          `${prop} must be known at synthesis (the container health check's command names it), ` + 'got: a token',
          this,
          prop,
        );
      }
    }
    const plan = planService(tier, {
      zoneCount: this.availabilityZones.length,
      zonesProp,
      role,
      requiredCount: props.requiredCount,
      maxCount: props.maxCount,
      standbyCount: props.standbyCount,
      containerPort: props.containerPort,
      readinessPath: skipToken(props.readinessPath),
      livenessPath: props.livenessPath,
      livenessCommand: props.livenessCommand,
      cpu: props.cpu,
      memoryMiB: props.memoryLimitMiB,
      targetCpuPercent: props.targetCpuPercent,
      targetRequestsPerMinute: props.targetRequestsPerMinute,
      healthCheckGracePeriodSeconds: props.healthCheckGracePeriod?.toSeconds({ integral: false }),
      deregistrationDelaySeconds: props.deregistrationDelay?.toSeconds({ integral: false }),
      rateLimitPerIp: skipToken(props.rateLimitPerIp),
      zonalAutoshift: props.zonalAutoshift,
      anomalyMitigation: props.anomalyMitigation,
      imageReference: skipToken(props.imageTagOrDigest),
      loadBalanced,
      loadBalancerPropsGiven: LOAD_BALANCER_PROPS.filter((prop) => props[prop] !== undefined),
    });
    throwProblems(plan.problems, this);
    const zoneProblem = zonePlacementProblem({
      prop: zonesProp,
      zones: this.availabilityZones,
      region: stack.region,
      minZones: plan.minZones,
      tierName: tier.name,
    });
    if (zoneProblem) {
      throw validationError(zoneProblem, this, zonesProp);
    }
    const internetFacing = props.internetFacing ?? true;
    const loadBalancerSubnets: ec2.SubnetSelection = internetFacing
      ? { subnetType: ec2.SubnetType.PUBLIC }
      : subnetSelection;
    const loadBalancerZones = internetFacing
      ? props.vpc.selectSubnets(loadBalancerSubnets).availabilityZones
      : this.availabilityZones;
    const lbMinZones = plan.loadBalancerMinZones;
    if (loadBalanced && loadBalancerZones.length < lbMinZones) {
      const where = internetFacing ? 'vpc must have public subnets' : `${zonesProp} must have subnets`;
      const which = internetFacing
        ? 'an internet-facing load balancer'
        : "an internal load balancer (it runs in the tasks' subnets)";
      const tierNeeds =
        lbMinZones > ALB_MIN_AZS ? `, and a node in each of the ${lbMinZones} AZs ${tier.name}'s tasks run in` : '';
      const got = `${loadBalancerZones.length} (${loadBalancerZones.join(', ') || 'none'})`;
      throw validationError(
        `${where} in at least ${lbMinZones} AZs for ${which}: an Application Load Balancer needs ` +
          `subnets in two AZs${tierNeeds}, got: ${got}`,
        this,
        zonesProp,
      );
    }
    emitWarnings(this, 'ResilientService', plan.warnings);
    this.taskCount = plan.tasks;
    this.primaryTaskCount = plan.primaryTasks;
    const containerPort = plan.containerPort;
    // A token (a parameter) is checked by Elastic Load Balancing at deploy time.
    const readinessPath = props.readinessPath ?? plan.targetHealth.path;

    // ---- Keys, logs and alarms' topic -------------------------------------------------------
    const logKey = newCustomerManagedKey(this, 'LogKey', `Encrypts the container and WAF logs of ${this.node.path}`);
    allowCloudWatchLogs(logKey, this);
    this.logKey = logKey;
    this.logGroup = newEncryptedLogGroup(this, 'Logs', { encryptionKey: logKey, retentionDays: tier.logRetentionDays });
    this.alarmTopic = props.alarmTopic ?? newAlarmTopic(this, 'AlarmTopic', `alarms of ${this.node.path}`);

    // ---- Task ------------------------------------------------------------------------------
    const taskRole = new iam.Role(this, 'TaskRole', {
      assumedBy: ecsTasksPrincipal(stack),
      description: `Application of ${this.node.path}: no permission until granted`,
    });
    // AWS documents the execution role's trust policy without conditions: one that ECS does not
    // meet when it starts a task would stop every task from pulling its image.
    const executionRole = new iam.Role(this, 'ExecutionRole', {
      assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com'),
      description: `Starts the tasks of ${this.node.path}: image pull, logs, secrets`,
    });
    this.taskRole = taskRole;
    this.grantPrincipal = taskRole;
    this.executionRole = executionRole;
    this.taskDefinition = new ecs.FargateTaskDefinition(this, 'TaskDefinition', {
      cpu: plan.taskSize.cpu,
      memoryLimitMiB: plan.taskSize.memoryMiB,
      taskRole,
      executionRole,
      runtimePlatform: {
        operatingSystemFamily: ecs.OperatingSystemFamily.LINUX,
        cpuArchitecture: ecs.CpuArchitecture.X86_64,
      },
    });
    const liveness = plan.containerHealth;
    this.container = this.taskDefinition.addContainer('App', {
      containerName: 'app',
      image: props.repository
        ? ecs.ContainerImage.fromEcrRepository(props.repository, props.imageTagOrDigest)
        : props.image!,
      essential: true,
      memoryLimitMiB: plan.taskSize.memoryMiB,
      // A worker's port takes no connection: its liveness check requests it on localhost.
      portMappings: loadBalanced ? [{ containerPort, protocol: ecs.Protocol.TCP }] : undefined,
      user: props.user ?? NOBODY,
      readonlyRootFilesystem: true,
      privileged: false,
      environment: props.environment,
      secrets: props.secrets,
      healthCheck: {
        command: [...liveness.command],
        interval: Duration.seconds(liveness.intervalSeconds),
        timeout: Duration.seconds(liveness.timeoutSeconds),
        retries: liveness.retries,
        startPeriod: Duration.seconds(liveness.startPeriodSeconds),
      },
      // Non-blocking: a CloudWatch Logs impairment drops log lines instead of stalling the application's
      // writes (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/using_awslogs.html, `mode`).
      logging: ecs.LogDrivers.awsLogs({
        logGroup: this.logGroup,
        streamPrefix: 'app',
        mode: ecs.AwsLogDriverMode.NON_BLOCKING,
      }),
    });

    const imageName =
      props.image && !Token.isUnresolved(this.container.imageName) ? this.container.imageName : undefined;
    emitWarnings(
      this,
      'ResilientService',
      [imageNameWarning(tier, imageName)].filter((w) => w !== undefined),
    );

    if (loadBalanced) {
      this.balanced = this.newLoadBalancer(props, plan, {
        containerPort,
        readinessPath,
        internetFacing,
        loadBalancerSubnets,
        loadBalancerZones,
        logKey,
      });
      this.azFailoverSeconds = plan.targetHealth.failoverSeconds;
      this.rollbackAlarms.push(this.balanced.errorAlarm, this.balanced.unhealthyTasksAlarm);
    }
    if (props.pageAlarm) {
      this.rollbackAlarms.push(props.pageAlarm);
    }

    // ---- Cluster and service ----------------------------------------------------------------
    this.cluster =
      props.cluster ?? this.newCluster(props.vpc, props.containerInsights ?? ecs.ContainerInsights.ENABLED);
    const deployment = plan.deployment;
    this.service = new ecs.FargateService(this, 'Service', {
      cluster: this.cluster,
      taskDefinition: this.taskDefinition,
      desiredCount: plan.tasks.desired,
      vpcSubnets: subnetSelection,
      assignPublicIp: false,
      availabilityZoneRebalancing: ecs.AvailabilityZoneRebalancing.ENABLED,
      minHealthyPercent: deployment.minHealthyPercent,
      maxHealthyPercent: deployment.maxPercent,
      circuitBreaker: { enable: deployment.circuitBreakerRollback, rollback: deployment.circuitBreakerRollback },
      deploymentAlarms: {
        // Lazy: a QueueWorker adds the alarms of the work a worker drains after the service exists.
        alarmNames: Lazy.list({ produce: () => this.rollbackAlarms.map((alarm) => alarm.alarmName) }),
        behavior: deployment.alarmRollback ? ecs.AlarmBehavior.ROLLBACK_ON_ALARM : ecs.AlarmBehavior.FAIL_ON_ALARM,
      },
      healthCheckGracePeriod:
        plan.gracePeriodSeconds === undefined ? undefined : Duration.seconds(plan.gracePeriodSeconds),
      propagateTags: ecs.PropagatedTagSource.SERVICE,
      enableECSManagedTags: true,
      enableExecuteCommand: false,
    });
    this.connections = this.service.connections;
    this.balanced?.targetGroup.addTarget(
      this.service.loadBalancerTarget({
        containerName: this.container.containerName,
        containerPort,
      }),
    );
    this.node.addValidation({
      validate: () =>
        this.rollbackAlarms.length > 0
          ? []
          : [
              'pageAlarm must be given for a service with loadBalanced false that no QueueWorker drains: a worker ' +
                "has no load-balancer alarm to roll a bad deployment back on (a QueueWorker adds its lanes' age " +
                'alarms; addRollbackAlarm adds others), got: none',
            ],
    });

    // ---- Scaling and zonal autoshift -------------------------------------------------------
    const scaling = plan.scaling;
    this.scaling = this.service.autoScaleTaskCount({ minCapacity: scaling.minCount, maxCapacity: scaling.maxCount });
    this.scaling.scaleOnCpuUtilization('CpuTracking', { targetUtilizationPercent: scaling.targetCpuPercent });
    if (scaling.targetRequestsPerMinute !== undefined && this.balanced) {
      this.scaling.scaleOnRequestCount('RequestTracking', {
        requestsPerTarget: scaling.targetRequestsPerMinute,
        targetGroup: this.balanced.targetGroup,
      });
    }
    const balanced = this.balanced;
    const shift = planZonalShift(tier, {
      detection: Object.keys(this.zoneImpairedAlarms).length > 0,
      zoneCount: this.availabilityZones.length,
      requiredCapacity: props.requiredCount,
      perAzCapacity: plan.primaryTasks.perAz,
      serving: role !== HaRole.STANDBY || tier.allRegionsServe,
      enabled: props.automaticZonalShift,
      expirySeconds: props.zonalShiftExpiry?.toSeconds({ integral: false }),
    });
    throwProblems(shift.problems, this);
    emitWarnings(this, 'ResilientService', shift.warnings);
    if (shift.enabled && balanced) {
      this.zonalShiftRunbook = newZonalShift(this, {
        loadBalancer: balanced.loadBalancer,
        capacity: { ecsService: this.service, cluster: this.cluster },
        impairedAlarms: this.zoneImpairedAlarms,
        plan: shift,
        alarmTopic: this.alarmTopic,
      }).runbook;
    }

    if (plan.zonalAutoshift && balanced) {
      new arczonalshift.CfnZonalAutoshiftConfiguration(this, 'ZonalAutoshift', {
        resourceIdentifier: balanced.loadBalancer.loadBalancerArn,
        zonalAutoshiftStatus: 'ENABLED',
        practiceRunConfiguration: {
          outcomeAlarms: [{ alarmIdentifier: balanced.errorAlarm.alarmArn, type: 'CLOUDWATCH' }],
          blockingAlarms: props.pageAlarm
            ? [{ alarmIdentifier: props.pageAlarm.alarmArn, type: 'CLOUDWATCH' }]
            : undefined,
        },
      });
    }

    acknowledgeFindings(executionRole, {
      id: 'NIST.800.53.R5-IAMNoInlinePolicy',
      reason:
        "the inline policy aws-cdk-lib writes belongs to this one role and names only this service's log group, " +
        'image and secrets',
    });
    // A grant (`database.grantConnect(service.taskRole, ...)`) lands in the task role's default policy.
    acknowledgeFindings(taskRole, {
      id: 'NIST.800.53.R5-IAMNoInlinePolicy',
      reason:
        'the inline policy belongs to this one role and holds only what was granted to it, each grant naming its ' +
        'resource; it is deleted with the role',
    });
    if (props.environment) {
      acknowledgeFindings(this.taskDefinition, {
        id: 'AwsSolutions-ECS2',
        reason:
          'environment holds only values that are not secret, as the prop says; secrets go in `secrets`, which the ' +
          'execution role reads from Secrets Manager or Parameter Store when a task starts',
      });
    }
    if (props.repository) {
      acknowledgeWildcard(
        executionRole,
        '*',
        'ecr:GetAuthorizationToken, which every ECR pull needs, has no resource-level permission (Resource "*")',
      );
    }
    attachHaMetadata(this, props, {
      component: 'ResilientService',
      failureDomain: FailureDomain.REGION,
      // The report proves a worker's zone loss from it: the tasks the other AZs keep must carry the peak.
      requiredCapacity: loadBalanced ? undefined : props.requiredCount,
    });
  }

  /** The Application Load Balancer in front of the service; an error for a worker (`loadBalanced: false`). */
  public get loadBalancer(): elbv2.ApplicationLoadBalancer {
    return this.requireLoadBalancer().loadBalancer;
  }

  /** The listener that serves clients: HTTPS with a certificate, otherwise HTTP; an error for a worker. */
  public get listener(): elbv2.ApplicationListener {
    return this.requireLoadBalancer().listener;
  }

  /** The target group the tasks register in; an error for a worker. */
  public get targetGroup(): elbv2.ApplicationTargetGroup {
    return this.requireLoadBalancer().targetGroup;
  }

  /** The WAFv2 web ACL on the load balancer; an error for a worker. */
  public get webAcl(): wafv2.CfnWebACL {
    return this.requireLoadBalancer().webAcl;
  }

  /**
   * Fires when the share of requests answered with a 5xx over 5 minutes burns the tier's error
   * budget at the fastest page rate (14.4× for a 30-day SLO). Rolls deployments back and is the
   * outcome alarm of zonal-autoshift practice runs. An error for a worker, which answers no request.
   */
  public get errorAlarm(): cloudwatch.Alarm {
    return this.requireLoadBalancer().errorAlarm;
  }

  /** Fires when tasks fail the readiness check for three minutes; rolls deployments back. An error for a worker. */
  public get unhealthyTasksAlarm(): cloudwatch.Alarm {
    return this.requireLoadBalancer().unhealthyTasksAlarm;
  }

  /**
   * Rolls a deployment back while `alarm` fires (with the circuit breaker's rollback). A `QueueWorker`
   * adds its lanes' age alarms to the worker that drains them. The alarm must be in this account and region.
   */
  public addRollbackAlarm(alarm: cloudwatch.IAlarm): void {
    if (!this.rollbackAlarms.includes(alarm)) {
      this.rollbackAlarms.push(alarm);
    }
  }

  /** What only a load-balanced service has; a worker's accessor names the prop that removed it. */
  private requireLoadBalancer(): NonNullable<ResilientService['balanced']> {
    if (!this.balanced) {
      throw validationError(
        'loadBalanced is false: this service is a worker and has no load balancer, listener, target group, web ' +
          'ACL, error or unhealthy-task alarm, got: an accessor of one',
        this,
        'loadBalanced',
      );
    }
    return this.balanced;
  }

  /** The load balancer, its target group, WAF, alarms and per-AZ detection of a load-balanced service. */
  private newLoadBalancer(
    props: ResilientServiceProps,
    plan: ServicePlan,
    options: {
      readonly containerPort: number;
      readonly readinessPath: string;
      readonly internetFacing: boolean;
      readonly loadBalancerSubnets: ec2.SubnetSelection;
      readonly loadBalancerZones: string[];
      readonly logKey: kms.IKey;
    },
  ) {
    const { tier } = props;
    const role = props.role ?? HaRole.PRIMARY;
    const { containerPort, readinessPath, internetFacing, loadBalancerSubnets, loadBalancerZones, logKey } = options;
    // ---- Load balancer ----------------------------------------------------------------------
    const health = plan.targetHealth;
    const targetGroup = new elbv2.ApplicationTargetGroup(this, 'TargetGroup', {
      vpc: props.vpc,
      port: containerPort,
      protocol: elbv2.ApplicationProtocol.HTTP,
      targetType: elbv2.TargetType.IP,
      crossZoneEnabled: true,
      deregistrationDelay: Duration.seconds(plan.deregistrationDelaySeconds),
      loadBalancingAlgorithmType:
        plan.loadBalancing.algorithm === 'weighted_random'
          ? elbv2.TargetGroupLoadBalancingAlgorithmType.WEIGHTED_RANDOM
          : elbv2.TargetGroupLoadBalancingAlgorithmType.ROUND_ROBIN,
      enableAnomalyMitigation: plan.loadBalancing.anomalyMitigation,
      healthCheck: {
        path: readinessPath,
        interval: Duration.seconds(health.intervalSeconds),
        timeout: Duration.seconds(health.timeoutSeconds),
        unhealthyThresholdCount: health.unhealthyThresholdCount,
        healthyThresholdCount: health.healthyThresholdCount,
        healthyHttpCodes: health.matcher,
      },
    });
    const balancer = newHaLoadBalancer(this, {
      fronts: 'service',
      vpc: props.vpc,
      internetFacing,
      vpcSubnets: loadBalancerSubnets,
      targetGroup,
      certificate: props.certificate,
      sslPolicy: props.sslPolicy,
      logRetentionDays: tier.logRetentionDays,
      accessLogNoncurrentDays: plan.accessLogNoncurrentDays,
    });
    const loadBalancer = balancer.loadBalancer;
    if (!props.certificate) {
      Annotations.of(this).addWarningV2(
        'ha-constructs:ResilientService.certificate',
        'no certificate: the load balancer serves plain HTTP; give certificate for HTTPS with an HTTP→HTTPS ' +
          'redirect',
      );
    }
    const webAcl = newFleetWebAcl(this, {
      loadBalancer,
      rateLimitPerIp: props.rateLimitPerIp ?? plan.rateLimitPerIp,
      healthCheckPath: readinessPath,
      logRetentionDays: tier.logRetentionDays,
      logKey,
    }).webAcl;

    // ---- Alarms -----------------------------------------------------------------------------
    const errorAlarm = this.newErrorAlarm(plan, loadBalancer);
    notifyOn(errorAlarm, this.alarmTopic);
    const unhealthy = plan.unhealthyTasksAlarm;
    const unhealthyTasksAlarm = new cloudwatch.Alarm(this, 'UnhealthyTasksAlarm', {
      alarmDescription: `Tasks of ${this.node.path} fail the load balancer's readiness check (${readinessPath})`,
      metric: targetGroup.metrics.unhealthyHostCount({
        period: Duration.seconds(unhealthy.periodSeconds),
        statistic: cloudwatch.Stats.MAXIMUM,
      }),
      threshold: unhealthy.threshold,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: unhealthy.evaluationPeriods,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    notifyOn(unhealthyTasksAlarm, this.alarmTopic);

    const zonal = planZonalOutlier(tier, {
      zoneCount: loadBalancerZones.length,
      zonesKnown: loadBalancerZones.every((zone) => !Token.isUnresolved(zone)),
      serving: role !== HaRole.STANDBY || tier.allRegionsServe,
      latencyThresholdSeconds: props.latencyThreshold?.toSeconds({ integral: false }),
      enabled: props.zonalDetection,
    });
    throwProblems(zonal.problems, this);
    emitWarnings(this, 'ResilientService.zonalDetection', zonal.warnings);
    if (zonal.enabled) {
      const zones = newZonalDetection(this, {
        loadBalancer,
        availabilityZones: loadBalancerZones,
        plan: zonal,
        alarmTopic: this.alarmTopic,
      });
      for (const [zone, alarms] of Object.entries(zones)) {
        this.zoneImpairedAlarms[zone] = alarms.impaired;
      }
    }
    return { loadBalancer, listener: balancer.listener, targetGroup, webAcl, errorAlarm, unhealthyTasksAlarm };
  }

  /** The 5xx share of requests over the page window, at the tier's fastest burn rate. */
  private newErrorAlarm(plan: ServicePlan, lb: elbv2.ApplicationLoadBalancer): cloudwatch.Alarm {
    const alarm = plan.errorAlarm;
    const period = Duration.seconds(alarm.periodSeconds);
    return new cloudwatch.Alarm(this, 'ErrorAlarm', {
      alarmDescription:
        `Share of requests to ${this.node.path} answered 5xx over ${alarm.periodMinutes} min burns the ` +
        `error budget ${alarm.burnRate}× too fast`,
      metric: new cloudwatch.MathExpression({
        expression: 'IF(requests > 0, 100 * (FILL(elb5xx, 0) + FILL(target5xx, 0)) / requests, 0)',
        usingMetrics: {
          requests: lb.metrics.requestCount({ period }),
          elb5xx: lb.metrics.httpCodeElb(elbv2.HttpCodeElb.ELB_5XX_COUNT, { period }),
          target5xx: lb.metrics.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_5XX_COUNT, { period }),
        },
        period,
        label: '5xx share of requests (%)',
      }),
      threshold: alarm.thresholdPercent,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: alarm.evaluationPeriods,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
  }

  /**
   * A cluster with Container Insights and Fargate ephemeral storage encrypted with a
   * customer-managed key; aws-cdk-lib adds the key-policy statements Fargate needs.
   * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-storage-encryption.html
   */
  private newCluster(vpc: ec2.IVpc, containerInsights: ecs.ContainerInsights): ecs.Cluster {
    const storageKey = newCustomerManagedKey(
      this,
      'StorageKey',
      `Encrypts the Fargate ephemeral storage of ${this.node.path}`,
    );
    return new ecs.Cluster(this, 'Cluster', {
      vpc,
      containerInsightsV2: containerInsights,
      managedStorageConfiguration: { fargateEphemeralStorageKmsKey: storageKey },
    });
  }
}

/** The user every image can run as without a passwd entry: not root. */
const NOBODY = '65534';

/** Props that configure the load balancer: a worker (`loadBalanced: false`) refuses them. */
const LOAD_BALANCER_PROPS = [
  'internetFacing',
  'certificate',
  'sslPolicy',
  'readinessPath',
  'deregistrationDelay',
  'targetRequestsPerMinute',
  'rateLimitPerIp',
  'anomalyMitigation',
  'zonalAutoshift',
  'zonalDetection',
  'automaticZonalShift',
  'zonalShiftExpiry',
  'latencyThreshold',
] as const satisfies readonly (keyof ResilientServiceProps)[];

/**
 * ECS tasks of this account and region, and no other: the confused-deputy conditions AWS documents
 * for a task role's trust policy.
 * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-iam-roles.html
 */
function ecsTasksPrincipal(stack: Stack): iam.IPrincipal {
  return new iam.ServicePrincipal('ecs-tasks.amazonaws.com').withConditions({
    ArnLike: {
      'aws:SourceArn': stack.formatArn({ service: 'ecs', resource: '*', arnFormat: ArnFormat.NO_RESOURCE_NAME }),
    },
    StringEquals: { 'aws:SourceAccount': stack.account },
  });
}

/** Whether two VPCs are the same one (their ids resolve alike). */
function sameVpc(stack: Stack, a: ec2.IVpc, b: ec2.IVpc): boolean {
  return a === b || JSON.stringify(stack.resolve(a.vpcId)) === JSON.stringify(stack.resolve(b.vpcId));
}
