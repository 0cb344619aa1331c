import { AppautoscalingPolicy } from '@cdktf/provider-aws/lib/appautoscaling-policy';
import { AppautoscalingTarget } from '@cdktf/provider-aws/lib/appautoscaling-target';
import { CloudwatchCompositeAlarm } from '@cdktf/provider-aws/lib/cloudwatch-composite-alarm';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { EcsCluster } from '@cdktf/provider-aws/lib/ecs-cluster';
import { EcsService } from '@cdktf/provider-aws/lib/ecs-service';
import { EcsTaskDefinition } from '@cdktf/provider-aws/lib/ecs-task-definition';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { Lb } from '@cdktf/provider-aws/lib/lb';
import { LbTargetGroup } from '@cdktf/provider-aws/lib/lb-target-group';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { SsmDocument } from '@cdktf/provider-aws/lib/ssm-document';
import { Wafv2WebAcl } from '@cdktf/provider-aws/lib/wafv2-web-acl';
import { Fn, Lazy, Token } from 'cdktf';
import { Construct } from 'constructs';
import { FailureDomain, FleetCapacity, HaRole } from '../../core';
import { imageNameWarning, planService, ServicePlan } from '../../core/plans/service';
import { emitWarnings, throwProblems, validationError } from '../diagnostics';
import { HaProps, RegionalProps } from './ha-props';
import { newAlarmTopic } from './private/alarms';
import { AccountContext, cloudWatchLogsStatement, newCustomerManagedKey } from './private/keys';
import { newHaLoadBalancer } from './private/load-balancer';
import { attachHaMetadata } from './private/metadata';
import { newGrayFailureHandling } from './gray-failures';
import { skipToken } from './private/tokens';

/** An ECR repository as the service pulls from it: an `aws_ecr_repository`, or its replica's ARN and URL. */
export interface ServiceImageRepository {
  /** ARN of the repository in the service's region (the execution role may pull from it). */
  readonly arn: string;
  /** `<account>.dkr.ecr.<region>.amazonaws.com/<name>` in the service's region. */
  readonly repositoryUrl: string;
}

/** Props of {@link ResilientService} (Terraform). */
export interface ResilientServiceProps extends HaProps, RegionalProps {
  /** The VPC of the tasks and their load balancer. */
  readonly vpcId: string;
  /** Subnets the tasks run in, one per AZ (the private subnets), listed one by one; at least `tier.minAzs`. */
  readonly subnetIds: string[];
  /**
   * Whether an Application Load Balancer fronts the tasks. `false` makes a worker, whose tasks pull their work
   * from a queue: no load balancer, target group, listeners, WAF, per-AZ load-balancer alarms or zonal shift,
   * and none of the props that configure them (`loadBalancerSubnetIds`, `certificateArn`, …). Its container's
   * health check alone replaces a task; the circuit breaker, `pageAlarmName` and the alarms added with
   * `addRollbackAlarm` (the queue's oldest-message age) roll its deployments back, and a worker with none fails
   * synthesis. When an AZ is lost, the messages its tasks held reappear after the queue's visibility timeout
   * and the statically stable tasks of the other AZs drain them.
   * @default true
   */
  readonly loadBalanced?: boolean;
  /**
   * Subnets of the load balancer, one per AZ (public subnets when `internetFacing`); at least `tier.minAzs`, and two.
   * @default - required unless `loadBalanced` is false
   */
  readonly loadBalancerSubnetIds?: string[];
  /**
   * ARN of the ECS cluster the service runs in.
   * @default - a new cluster with Container Insights and Fargate ephemeral storage encrypted with a new key
   */
  readonly clusterArn?: string;
  /**
   * The ECR repository the image is pulled from, in the service's own region (a standby's is the
   * replica: `ImageRepository.replicaIn(provider)`); with `imageTagOrDigest`. Give this or `image`.
   * @default - none: `image` names the image
   */
  readonly repository?: ServiceImageRepository;
  /**
   * The image in `repository` the service deploys: a digest (`sha256:` and 64 hex digits). TIER_0
   * and TIER_1 accept only a digest; other tiers also a tag (and warn).
   * @default - required with `repository`
   */
  readonly imageTagOrDigest?: string;
  /**
   * The image, when it is not from `repository`: name it by digest (`…@sha256:…`), in a registry
   * of the service's own region.
   * @default - required unless `repository` is given
   */
  readonly image?: string;
  /** Tasks needed to carry peak load. */
  readonly requiredCount: number;
  /** The most tasks the service may run: no scaling policy goes above it. */
  readonly maxCount: number;
  /**
   * Tasks a STANDBY service of a WARM_STANDBY tier runs. PILOT_LIGHT and BACKUP_RESTORE standbys run none.
   * @default - one task per AZ
   */
  readonly standbyCount?: number;
  /** @default 8080 */
  readonly containerPort?: number;
  /** CPU units of a task (1024 = 1 vCPU), one of Fargate's task sizes. @default 256 */
  readonly cpu?: number;
  /** Memory of a task in MiB, one Fargate allows with `cpu`. @default 512 */
  readonly memoryLimitMiB?: number;
  /**
   * Path the load balancer checks from every AZ (readiness); ECS replaces a task that fails it, so keep it shallow.
   * @default '/health/live'
   */
  readonly readinessPath?: string;
  /** Path the container's own health check requests on localhost (liveness). @default '/health/live' */
  readonly livenessPath?: string;
  /** The container health check's command, for images without `curl`. @default - `curl` of `livenessPath` */
  readonly livenessCommand?: string[];
  /** Seconds before failed load-balancer checks of a new task count (a worker: the container check's start period). @default 60 */
  readonly healthCheckGracePeriodSeconds?: number;
  /** Seconds a stopping task gets to finish in-flight requests. @default 60 */
  readonly deregistrationDelaySeconds?: number;
  /** The user the container runs as, never root. @default '65534' */
  readonly user?: string;
  /** Environment variables (nothing secret). @default - none */
  readonly environment?: Record<string, string>;
  /**
   * Secrets as environment variables: name → ARN of a Secrets Manager secret (or a JSON key of it);
   * the execution role may read exactly these.
   * @default - none
   */
  readonly secrets?: Record<string, string>;
  /** @default true */
  readonly internetFacing?: boolean;
  /**
   * ARN of the ACM certificate the HTTPS listener serves (HTTP only redirects to HTTPS).
   * @default - required unless `loadBalanced` is false
   */
  readonly certificateArn?: string;
  /** @default 'ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09' */
  readonly sslPolicy?: string;
  /** Address ranges allowed to reach the load balancer. @default ['0.0.0.0/0'] */
  readonly ingressCidrs?: string[];
  /** Average CPU target tracking keeps the service at. @default 50 */
  readonly targetCpuPercent?: number;
  /** Requests per minute per task to track. @default - CPU tracking only */
  readonly targetRequestsPerMinute?: number;
  /**
   * Name of the service's SLO page alarm: deployments roll back while it fires.
   * @default - none: deployments roll back on the service's own error and unhealthy-task alarms (a worker's: on
   * the alarms added with `addRollbackAlarm`)
   */
  readonly pageAlarmName?: string;
  /** ARN of the topic the alarms notify. @default - a new encrypted topic */
  readonly alarmTopicArn?: string;
  /** S3 bucket of the load balancer's access logs (SSE-S3). @default - no access logs */
  readonly accessLogsBucket?: string;
  /** Requests one client IP may send per 5 minutes before WAF blocks it. @default 2000 */
  readonly rateLimitPerIp?: number;
  /**
   * Whether the load balancer sends fewer requests to a task whose errors stand out from the others'
   * while it passes its health checks (automatic target weights, weighted random); `false` routes round robin.
   * @default true
   */
  readonly anomalyMitigation?: boolean;
  /**
   * Whether per-AZ alarms detect an AZ impaired on its own (its requests fail or slow down while its
   * tasks pass health checks): `zoneImpairedAlarms`. Each AZ is read from its load balancer subnet at
   * plan time (an `aws_subnet` data source per subnet: one `DescribeSubnets` call each on every plan,
   * and a subnet created in the same configuration is read once it exists), so `loadBalancerSubnetIds`
   * must list them one by one.
   * @default - true for statically stable tiers (TIER_0, TIER_1) unless the service is a STANDBY that serves nothing
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
   * already run `requiredCount` healthy running tasks (`zonalShiftRunbook`).
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
 * The stateless tier of a service as containers (Terraform twin of the CDK `ResilientService`, from
 * the same `planService`): an ECS service on Fargate over every AZ's subnet behind an Application
 * Load Balancer.
 *
 * Statically stable task count for TIER_0/1 (desired = scaling minimum), AZ rebalancing, rolling
 * deployments that keep the planned count with the circuit breaker and the service's alarms (5xx
 * share, unhealthy tasks, `pageAlarmName`) rolling back; the container's liveness check apart from
 * the target group's readiness check; target tracking on CPU (and requests per task) with the
 * literal maximum; a cluster with Container Insights and Fargate storage under a customer-managed
 * key; logs under a customer-managed key, kept for the tier's retention; an ALB with zonal shift
 * on, HTTPS only, deletion protection and (internet-facing) a WAF rate limit. Zonal autoshift is
 * not set: the AWS provider has no resource for it (enable it on the load balancer with ARC).
 *
 * Gray failures (statically stable tiers that serve): per-AZ alarms on the load balancer's per-AZ
 * metrics detect an AZ impaired on its own (`zonalDetection`, core's `planZonalOutlier`), and its
 * Impaired alarm starts a guarded zonal shift of the load balancer away from it through an SSM
 * Automation runbook (`automaticZonalShift`, core's `planZonalShift`) that counts the healthy
 * running tasks of the other AZs: the same alarms, expressions and runbook as the CDK service's.
 * ARC shifts the load balancer only (zonal shift covers no ECS service): the AZ's tasks keep
 * running there, serving no request, and the capacity guard counts none of them.
 *
 * A worker (`loadBalanced: false`) is the same service with no load balancer: see `loadBalanced`. Its tasks get
 * a security group of their own that lets only HTTPS out (`TaskSecurityGroup`, `TasksHttpsOut`, the ids the
 * load-balanced service's group and rule have).
 *
 * Construct ids (public API): `Cluster`, `StorageKey`, `LogKey`, `Logs`, `TaskRole`,
 * `ExecutionRole`, `ExecutionPolicy`, `TaskDefinition`, `Service`, `LoadBalancer`, `TargetGroup`,
 * `HttpsListener`, `HttpRedirect`, `ErrorAlarm`, `UnhealthyTasksAlarm`, `ScalableTarget`,
 * `CpuTracking`, `RequestTracking`, `AlarmTopic`, `WebAcl` and its logging, `ZonalDetection`, `ZonalShift`.
 */
export class ResilientService extends Construct {
  public readonly service: EcsService;
  public readonly taskDefinition: EcsTaskDefinition;
  /** Whether an Application Load Balancer fronts the tasks (`false`: a worker). */
  public readonly loadBalanced: boolean;
  public readonly logGroup: CloudwatchLogGroup;
  /** Security group of the tasks (allow your databases from it). */
  public readonly taskSecurityGroupId: string;
  /** ARN of the role the application runs as: no permission until you attach one. */
  public readonly taskRoleArn: string;
  public readonly clusterArn: string;
  public readonly alarmTopicArn: string;
  /**
   * Worst-case seconds until the load balancer stops routing to the tasks of a failed AZ; undefined for a
   * worker (a lost AZ's messages come back after its queue's visibility timeout).
   */
  public readonly azFailoverSeconds?: number;
  /** Tasks this service runs. */
  public readonly taskCount: FleetCapacity;
  /** What a primary of the same props runs: scale a standby to this on failover. */
  public readonly primaryTaskCount: FleetCapacity;
  /** The web ACL of an internet-facing load balancer; undefined otherwise (and for a worker). */
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
  private readonly balanced?: {
    readonly loadBalancer: Lb;
    readonly targetGroup: LbTargetGroup;
    readonly errorAlarm: CloudwatchMetricAlarm;
    readonly unhealthyTasksAlarm: CloudwatchMetricAlarm;
    readonly httpsListener: ReturnType<typeof newHaLoadBalancer>['httpsListener'];
  };
  /** Names of the alarms that roll a deployment back while they fire. */
  private readonly rollbackAlarmNames: string[] = [];

  constructor(scope: Construct, id: string, props: ResilientServiceProps) {
    super(scope, id);
    const { tier, provider } = props;
    const loadBalanced = props.loadBalanced ?? true;
    this.loadBalanced = loadBalanced;
    const subnets = props.subnetIds;
    if (Token.isUnresolved(subnets)) {
      throw validationError(
        'subnetIds must list the subnets one by one (each may be a reference): the task count is computed per ' +
          'AZ, got: a Terraform list expression',
        this,
        'subnetIds',
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
    const plan = planService(tier, {
      zoneCount: subnets.length,
      zonesProp: 'subnetIds',
      role: props.role ?? HaRole.PRIMARY,
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
      healthCheckGracePeriodSeconds: skipToken(props.healthCheckGracePeriodSeconds),
      deregistrationDelaySeconds: skipToken(props.deregistrationDelaySeconds),
      rateLimitPerIp: skipToken(props.rateLimitPerIp),
      anomalyMitigation: props.anomalyMitigation,
      imageReference: skipToken(props.imageTagOrDigest),
      loadBalanced,
      loadBalancerPropsGiven: LOAD_BALANCER_PROPS.filter((prop) => props[prop] !== undefined),
    });
    throwProblems(plan.problems, this);
    const lbSubnets = props.loadBalancerSubnetIds ?? [];
    for (const prop of ['loadBalancerSubnetIds', 'certificateArn'] as const) {
      if (loadBalanced && props[prop] === undefined) {
        throw validationError(
          `${prop} must be given for a load-balanced service (loadBalanced: false makes a worker without one), ` +
            'got: none',
          this,
          prop,
        );
      }
    }
    if (loadBalanced && !Token.isUnresolved(lbSubnets) && lbSubnets.length < plan.loadBalancerMinZones) {
      throw validationError(
        `loadBalancerSubnetIds must list at least ${plan.loadBalancerMinZones} subnets in different AZs for ` +
          `${tier.name} (one per AZ), got: ${lbSubnets.length}`,
        this,
        'loadBalancerSubnetIds',
      );
    }
    emitWarnings(this, 'ResilientService', plan.warnings);
    const imageWarning = imageNameWarning(tier, skipToken(props.image));
    emitWarnings(this, 'ResilientService', imageWarning ? [imageWarning] : []);
    this.taskCount = plan.tasks;
    this.primaryTaskCount = plan.primaryTasks;
    const port = plan.containerPort;
    const readinessPath = props.readinessPath ?? plan.targetHealth.path;
    const context = new AccountContext(this, 'Account', provider);
    const short = this.node.addr.slice(0, 16);

    // ---- Keys, logs, alarms' topic ----------------------------------------------------------
    const ownTopic =
      props.alarmTopicArn === undefined
        ? newAlarmTopic(this, 'AlarmTopic', `${this.node.path} alarms`, context)
        : undefined;
    this.alarmTopicArn = props.alarmTopicArn ?? ownTopic!.arn;
    const logKey = newCustomerManagedKey(this, 'LogKey', {
      description: `Encrypts the container logs of ${this.node.path}`,
      context,
      statements: [cloudWatchLogsStatement(context)],
    });
    this.logGroup = new CloudwatchLogGroup(this, 'Logs', {
      provider,
      namePrefix: `/ha/${short}-`,
      retentionInDays: tier.logRetentionDays,
      kmsKeyId: logKey.arn,
      deletionProtectionEnabled: true,
      lifecycle: { preventDestroy: true },
    });

    // ---- Cluster ----------------------------------------------------------------------------
    const cluster = props.clusterArn === undefined ? this.newCluster(context, short) : undefined;
    this.clusterArn = cluster?.arn ?? props.clusterArn!;
    const clusterName = cluster?.name ?? nameOfClusterArn(this.clusterArn);

    // ---- Roles ------------------------------------------------------------------------------
    const taskRole = new IamRole(this, 'TaskRole', {
      provider,
      description: `Application of ${this.node.path}: no permission until granted`,
      // The confused-deputy conditions AWS documents for a task role's trust policy.
      assumeRolePolicy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Service: 'ecs-tasks.amazonaws.com' },
            Action: 'sts:AssumeRole',
            Condition: {
              ArnLike: { 'aws:SourceArn': context.arn('ecs', '*') },
              StringEquals: { 'aws:SourceAccount': context.accountId },
            },
          },
        ],
      }),
    });
    this.taskRoleArn = taskRole.arn;
    // As the CDK twin: no conditions on the execution role's trust, one ECS did not meet would stop every pull.
    const executionRole = new IamRole(this, 'ExecutionRole', {
      provider,
      description: `Starts the tasks of ${this.node.path}: image pull, logs, secrets`,
      assumeRolePolicy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole' }],
      }),
    });
    const secretArns = Object.values(props.secrets ?? {});
    const notSecret = Object.entries(props.secrets ?? {}).find(
      ([, arn]) => !Token.isUnresolved(arn) && !/^arn:[^:]+:secretsmanager:/.test(arn),
    );
    if (notSecret) {
      throw validationError(
        `secrets must name Secrets Manager secret ARNs (the execution role may read exactly those), got: ` +
          `${notSecret[0]} = ${notSecret[1]}`,
        this,
        'secrets',
      );
    }
    new IamRolePolicy(this, 'ExecutionPolicy', {
      provider,
      role: executionRole.name,
      policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'WriteLogs',
            Effect: 'Allow',
            Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
            Resource: `${this.logGroup.arn}:*`,
          },
          ...(props.repository
            ? [
                {
                  Sid: 'PullImage',
                  Effect: 'Allow',
                  Action: ['ecr:BatchCheckLayerAvailability', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchGetImage'],
                  Resource: props.repository.arn,
                },
                // GetAuthorizationToken has no resource-level permission.
                { Sid: 'EcrLogin', Effect: 'Allow', Action: 'ecr:GetAuthorizationToken', Resource: '*' },
              ]
            : []),
          ...(secretArns.length > 0
            ? [
                {
                  Sid: 'ReadSecrets',
                  Effect: 'Allow',
                  Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
                  // A JSON key reference (`arn:...:secret:name:key::`) names the secret before its key.
                  Resource: secretArns.map((arn) => arn.split(':').slice(0, 7).join(':')),
                },
              ]
            : []),
        ],
      }),
    });

    // ---- Task -------------------------------------------------------------------------------
    const liveness = plan.containerHealth;
    const image = props.repository
      ? `${props.repository.repositoryUrl}${String(props.imageTagOrDigest).startsWith('sha256:') ? '@' : ':'}${
          props.imageTagOrDigest
        }`
      : props.image!;
    this.taskDefinition = new EcsTaskDefinition(this, 'TaskDefinition', {
      provider,
      family: `${short}-app`,
      cpu: String(plan.taskSize.cpu),
      memory: String(plan.taskSize.memoryMiB),
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      runtimePlatform: { operatingSystemFamily: 'LINUX', cpuArchitecture: 'X86_64' },
      executionRoleArn: executionRole.arn,
      taskRoleArn: taskRole.arn,
      containerDefinitions: JSON.stringify([
        {
          name: 'app',
          image,
          essential: true,
          memory: plan.taskSize.memoryMiB,
          // A worker's port takes no connection: its liveness check requests it on localhost.
          portMappings: loadBalanced ? [{ containerPort: port, protocol: 'tcp' }] : [],
          user: props.user ?? NOBODY,
          readonlyRootFilesystem: true,
          privileged: false,
          environment: Object.entries(props.environment ?? {}).map(([name, value]) => ({ name, value })),
          secrets: Object.entries(props.secrets ?? {}).map(([name, valueFrom]) => ({ name, valueFrom })),
          healthCheck: {
            command: [...liveness.command],
            interval: liveness.intervalSeconds,
            timeout: liveness.timeoutSeconds,
            retries: liveness.retries,
            startPeriod: liveness.startPeriodSeconds,
          },
          // Non-blocking: a CloudWatch Logs impairment drops log lines instead of stalling the application.
          logConfiguration: {
            logDriver: 'awslogs',
            options: {
              'awslogs-group': this.logGroup.name,
              'awslogs-region': context.region,
              'awslogs-stream-prefix': 'app',
              mode: 'non-blocking',
            },
          },
        },
      ]),
    });

    // ---- Load balancer, or a worker's own security group -----------------------------------------
    let taskSecurityGroupId: string;
    if (loadBalanced) {
      const balanced = this.newLoadBalancer(props, plan, { context, short, lbSubnets, readinessPath });
      this.balanced = balanced;
      this.webAcl = balanced.webAcl;
      this.azFailoverSeconds = plan.targetHealth.failoverSeconds;
      taskSecurityGroupId = balanced.taskSecurityGroupId;
      this.rollbackAlarmNames.push(balanced.errorAlarm.alarmName, balanced.unhealthyTasksAlarm.alarmName);
    } else {
      // The ids the load-balanced service's task group and HTTPS rule have: no ingress, a worker takes no connection.
      const group = new SecurityGroup(this, 'TaskSecurityGroup', {
        provider,
        vpcId: props.vpcId,
        description: `Tasks of ${this.node.path}`,
      });
      new VpcSecurityGroupEgressRule(this, 'TasksHttpsOut', {
        provider,
        securityGroupId: group.id,
        cidrIpv4: '0.0.0.0/0',
        ipProtocol: 'tcp',
        fromPort: HTTPS_PORT,
        toPort: HTTPS_PORT,
        description: 'HTTPS to ECR, CloudWatch Logs, Secrets Manager, SQS',
      });
      taskSecurityGroupId = group.id;
    }
    this.taskSecurityGroupId = taskSecurityGroupId;
    if (props.pageAlarmName) {
      this.rollbackAlarmNames.push(props.pageAlarmName);
    }

    // ---- Service ----------------------------------------------------------------------------
    const deployment = plan.deployment;
    const balanced = this.balanced;
    this.service = new EcsService(this, 'Service', {
      provider,
      name: `${short}-app`,
      cluster: this.clusterArn,
      taskDefinition: this.taskDefinition.arn,
      desiredCount: plan.tasks.desired,
      launchType: 'FARGATE',
      availabilityZoneRebalancing: 'ENABLED',
      deploymentController: { type: 'ECS' },
      deploymentMinimumHealthyPercent: deployment.minHealthyPercent,
      deploymentMaximumPercent: deployment.maxPercent,
      deploymentCircuitBreaker: {
        enable: deployment.circuitBreakerRollback,
        rollback: deployment.circuitBreakerRollback,
      },
      // Lazy: alarms of the work a worker drains are added after the service exists (addRollbackAlarm).
      alarms: {
        alarmNames: Lazy.listValue({ produce: () => this.rollbackAlarmNames }),
        enable: true,
        rollback: deployment.alarmRollback,
      },
      healthCheckGracePeriodSeconds: plan.gracePeriodSeconds,
      networkConfiguration: { subnets, securityGroups: [taskSecurityGroupId], assignPublicIp: false },
      loadBalancer: balanced
        ? [{ targetGroupArn: balanced.targetGroup.arn, containerName: 'app', containerPort: port }]
        : undefined,
      propagateTags: 'SERVICE',
      enableEcsManagedTags: true,
      enableExecuteCommand: false,
      // The target group must be behind a listener before ECS registers tasks in it.
      dependsOn: balanced ? [balanced.httpsListener] : undefined,
    });

    // ---- Scaling ----------------------------------------------------------------------------
    const scaling = plan.scaling;
    const target = new AppautoscalingTarget(this, 'ScalableTarget', {
      provider,
      serviceNamespace: 'ecs',
      scalableDimension: 'ecs:service:DesiredCount',
      resourceId: `service/${clusterName}/${this.service.name}`,
      minCapacity: scaling.minCount,
      maxCapacity: scaling.maxCount,
    });
    const tracking = (policyId: string, predefinedMetricType: string, targetValue: number, resourceLabel?: string) =>
      new AppautoscalingPolicy(this, policyId, {
        provider,
        name: `${short}-${policyId}`,
        policyType: 'TargetTrackingScaling',
        serviceNamespace: target.serviceNamespace,
        scalableDimension: target.scalableDimension,
        resourceId: target.resourceId,
        targetTrackingScalingPolicyConfiguration: {
          targetValue,
          predefinedMetricSpecification: { predefinedMetricType, resourceLabel },
        },
      });
    tracking('CpuTracking', 'ECSServiceAverageCPUUtilization', scaling.targetCpuPercent);
    if (scaling.targetRequestsPerMinute !== undefined && balanced) {
      tracking(
        'RequestTracking',
        'ALBRequestCountPerTarget',
        scaling.targetRequestsPerMinute,
        `${balanced.loadBalancer.arnSuffix}/${balanced.targetGroup.arnSuffix}`,
      );
    }
    this.node.addValidation({
      validate: () =>
        this.rollbackAlarmNames.length > 0
          ? []
          : [
              'pageAlarmName must be given for a service with loadBalanced false whose queue alarms were not added ' +
                '(addRollbackAlarm): a worker has no load-balancer alarm to roll a bad deployment back on, got: none',
            ],
    });
    if (!balanced) {
      this.zoneImpairedAlarms = [];
      // The report proves a worker's zone loss from it: the tasks the other AZs keep must carry the peak.
      attachHaMetadata(this, props, {
        component: 'ResilientService',
        failureDomain: FailureDomain.REGION,
        requiredCapacity: props.requiredCount,
      });
      return;
    }
    const grayFailures = newGrayFailureHandling(this, {
      component: 'ResilientService',
      tier,
      provider,
      context,
      props,
      // As the CDK service: a standby of a tier whose regions all serve takes traffic too.
      serving: (props.role ?? HaRole.PRIMARY) !== HaRole.STANDBY || tier.allRegionsServe,
      loadBalancerSubnetIds: lbSubnets,
      loadBalancer: balanced.loadBalancer,
      requiredCapacity: props.requiredCount,
      perAzCapacity: plan.primaryTasks.perAz,
      capacity: { clusterArn: this.clusterArn, serviceName: this.service.name },
      alarmTopicArn: this.alarmTopicArn,
      alarmTopicKeyArn: ownTopic?.kmsMasterKeyId,
    });
    this.zoneImpairedAlarms = grayFailures.impairedAlarms;
    this.zonalShiftRunbook = grayFailures.shift?.runbook;
    this.zonalShiftRole = grayFailures.shift?.role;
    attachHaMetadata(this, props, { component: 'ResilientService', failureDomain: FailureDomain.REGION });
  }

  /** The Application Load Balancer in front of the service; an error for a worker (`loadBalanced: false`). */
  public get loadBalancer(): Lb {
    return this.requireLoadBalancer().loadBalancer;
  }

  /** The target group the tasks register in; an error for a worker. */
  public get targetGroup(): LbTargetGroup {
    return this.requireLoadBalancer().targetGroup;
  }

  /** The 5xx share of requests at the tier's fastest burn rate; rolls deployments back. An error for a worker. */
  public get errorAlarm(): CloudwatchMetricAlarm {
    return this.requireLoadBalancer().errorAlarm;
  }

  /** Tasks failing the readiness check for three minutes; rolls deployments back. An error for a worker. */
  public get unhealthyTasksAlarm(): CloudwatchMetricAlarm {
    return this.requireLoadBalancer().unhealthyTasksAlarm;
  }

  /**
   * Rolls a deployment back while the alarm named `alarmName` fires (with the circuit breaker's rollback): for a
   * worker, the age of its queue's oldest message. The alarm must be in the service's account and region.
   */
  public addRollbackAlarm(alarmName: string): void {
    if (!this.rollbackAlarmNames.includes(alarmName)) {
      this.rollbackAlarmNames.push(alarmName);
    }
  }

  /** What only a load-balanced service has; a worker's accessor names the prop that removed it. */
  private requireLoadBalancer(): NonNullable<ResilientService['balanced']> {
    if (!this.balanced) {
      throw validationError(
        'loadBalanced is false: this service is a worker and has no load balancer, target group, error or ' +
          'unhealthy-task alarm, got: an accessor of one',
        this,
        'loadBalanced',
      );
    }
    return this.balanced;
  }

  /** The load balancer, its listeners, WAF, and the alarms on it of a load-balanced service. */
  private newLoadBalancer(
    props: ResilientServiceProps,
    plan: ServicePlan,
    options: {
      readonly context: AccountContext;
      readonly short: string;
      readonly lbSubnets: string[];
      readonly readinessPath: string;
    },
  ) {
    const { tier, provider } = props;
    const { context, short, lbSubnets, readinessPath } = options;
    const port = plan.containerPort;
    // ---- Load balancer ----------------------------------------------------------------------
    const lb = newHaLoadBalancer(this, {
      provider,
      context,
      vpcId: props.vpcId,
      subnets: lbSubnets,
      ingressCidrs: props.ingressCidrs,
      internetFacing: props.internetFacing,
      accessLogsBucket: props.accessLogsBucket,
      // Checked in the constructor: a load-balanced service has one.
      certificateArn: props.certificateArn!,
      sslPolicy: props.sslPolicy,
      // Image pulls, logs and secrets go over HTTPS through the NAT gateways or endpoints.
      backend: { noun: 'Task', targetType: 'ip', httpsOut: 'HTTPS to ECR, CloudWatch Logs, Secrets Manager' },
      targetHealth: { ...plan.targetHealth, port },
      healthCheckPath: readinessPath,
      deregistrationDelaySeconds: plan.deregistrationDelaySeconds,
      loadBalancing: plan.loadBalancing,
      rateLimitPerIp: props.rateLimitPerIp ?? plan.rateLimitPerIp,
      logRetentionDays: tier.logRetentionDays,
    });
    const loadBalancer = lb.loadBalancer;
    const targetGroup = lb.targetGroup;

    // ---- Alarms -----------------------------------------------------------------------------
    const alarm = plan.errorAlarm;
    const lbDimension = { LoadBalancer: loadBalancer.arnSuffix };
    const lbMetric = (metricName: string) => ({
      namespace: 'AWS/ApplicationELB',
      metricName,
      stat: 'Sum',
      period: alarm.periodSeconds,
      dimensions: lbDimension,
    });
    const errorAlarm = new CloudwatchMetricAlarm(this, 'ErrorAlarm', {
      provider,
      alarmName: `${short}-service-5xx`,
      alarmDescription:
        `Share of requests to ${this.node.path} answered 5xx over ${alarm.periodMinutes} min burns the ` +
        `error budget ${alarm.burnRate}× too fast`,
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
        { id: 'requests', metric: lbMetric('RequestCount') },
        { id: 'elb5xx', metric: lbMetric('HTTPCode_ELB_5XX_Count') },
        { id: 'target5xx', metric: lbMetric('HTTPCode_Target_5XX_Count') },
      ],
      alarmActions: [this.alarmTopicArn],
      okActions: [this.alarmTopicArn],
    });
    const unhealthy = plan.unhealthyTasksAlarm;
    const unhealthyTasksAlarm = new CloudwatchMetricAlarm(this, 'UnhealthyTasksAlarm', {
      provider,
      alarmName: `${short}-service-unhealthy`,
      alarmDescription: `Tasks of ${this.node.path} fail the load balancer's readiness check (${readinessPath})`,
      namespace: 'AWS/ApplicationELB',
      metricName: 'UnHealthyHostCount',
      dimensions: { ...lbDimension, TargetGroup: targetGroup.arnSuffix },
      statistic: 'Maximum',
      period: unhealthy.periodSeconds,
      evaluationPeriods: unhealthy.evaluationPeriods,
      comparisonOperator: 'GreaterThanThreshold',
      threshold: unhealthy.threshold,
      treatMissingData: 'notBreaching',
      alarmActions: [this.alarmTopicArn],
      okActions: [this.alarmTopicArn],
    });
    return {
      loadBalancer,
      targetGroup,
      errorAlarm,
      unhealthyTasksAlarm,
      webAcl: lb.webAcl,
      httpsListener: lb.httpsListener,
      taskSecurityGroupId: lb.backendSecurityGroupId,
    };
  }

  /** A cluster with Container Insights and Fargate ephemeral storage under a customer-managed key. */
  private newCluster(context: AccountContext, short: string): EcsCluster {
    const clusterAccount = { 'kms:EncryptionContext:aws:ecs:clusterAccount': context.accountId };
    // What Fargate needs of the key: data keys and Decrypt grants for tasks of this account's clusters.
    // https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-storage-encryption.html
    const storageKey = newCustomerManagedKey(this, 'StorageKey', {
      description: `Encrypts the Fargate ephemeral storage of ${this.node.path}`,
      context,
      statements: [
        {
          Sid: 'AllowFargateDataKeys',
          Effect: 'Allow',
          Principal: { Service: 'fargate.amazonaws.com' },
          Action: 'kms:GenerateDataKeyWithoutPlaintext',
          Resource: '*',
          Condition: { StringEquals: clusterAccount },
        },
        {
          Sid: 'AllowFargateDecryptGrants',
          Effect: 'Allow',
          Principal: { Service: 'fargate.amazonaws.com' },
          Action: 'kms:CreateGrant',
          Resource: '*',
          Condition: {
            StringEquals: clusterAccount,
            'ForAllValues:StringEquals': { 'kms:GrantOperations': ['Decrypt'] },
          },
        },
      ],
    });
    return new EcsCluster(this, 'Cluster', {
      provider: context.provider,
      name: `${short}-cluster`,
      setting: [{ name: 'containerInsights', value: 'enabled' }],
      configuration: { managedStorageConfiguration: { fargateEphemeralStorageKmsKeyId: storageKey.id } },
    });
  }
}

/** The user every image can run as without a passwd entry: not root. */
const NOBODY = '65534';

/** Port of HTTPS, the only way out of a worker's tasks. */
const HTTPS_PORT = 443;

/** Props that configure the load balancer: a worker (`loadBalanced: false`) refuses them. */
const LOAD_BALANCER_PROPS = [
  'loadBalancerSubnetIds',
  'certificateArn',
  'internetFacing',
  'sslPolicy',
  'ingressCidrs',
  'accessLogsBucket',
  'readinessPath',
  'deregistrationDelaySeconds',
  'targetRequestsPerMinute',
  'rateLimitPerIp',
  'anomalyMitigation',
  'zonalDetection',
  'latencyThresholdSeconds',
  'automaticZonalShift',
  'zonalShiftExpirySeconds',
] as const satisfies readonly (keyof ResilientServiceProps)[];

/** The cluster name of a cluster ARN (`arn:…:cluster/<name>`), also when the ARN is a reference. */
function nameOfClusterArn(arn: string): string {
  return Token.isUnresolved(arn) ? Fn.element(Fn.split('/', arn), 1) : arn.split('/')[1];
}
