import { Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as codedeploy from 'aws-cdk-lib/aws-codedeploy';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { FailureDomain, HaRole, zonePlacementProblem } from '../core';
import { FunctionPlan, FunctionRatioAlarmPlan, planFunction, TrafficShifting } from '../core/plans/function';
import { ClientResiliencePolicy } from './client-policy';
import { HaProps } from './ha-props';
import { attachHaMetadata } from './metadata';
import { newAlarmTopic, notifyOn } from './private/alarms';
import { emitWarnings, throwProblems, validationError } from './private/errors';
import { allowCloudWatchLogs, newCustomerManagedKey, newEncryptedLogGroup } from './private/keys';
import { acknowledgeFindings, acknowledgeWildcard } from './private/nag';
import { vpcNetworkInterfacesStatement } from './private/vpc-access';
import { skipToken } from './private/tokens';

export { TrafficShifting } from '../core/plans/function';

/** The managed policy aws-cdk-lib gives a Lambda deployment group's service role. */
const CODEDEPLOY_LAMBDA_POLICY = 'AWSCodeDeployRoleForLambdaLimited';

/** Props of {@link ResilientFunction}. */
export interface ResilientFunctionProps extends HaProps {
  /** The function's code (a zip asset or an S3 object; `codeSigningConfig` applies to zip packages). */
  readonly code: lambda.Code;
  /** The handler, as the runtime names it (`index.handler`). */
  readonly handler: string;
  readonly runtime: lambda.Runtime;
  /**
   * The network. The function runs in its private subnets of every AZ (see `vpcSubnets`): AWS Control
   * Tower's proactive control CT.LAMBDA.PR.3 requires every function to be in a VPC.
   */
  readonly vpc: ec2.IVpc;
  /**
   * Subnets the function's network interfaces are in; their AZs must number at least `tier.minAzs`
   * (Lambda runs a VPC function only in its subnets' AZs).
   * @default - the private subnets with egress, one per AZ
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
  /**
   * Security groups of the function's network interfaces.
   * @default - a new group that allows all outbound traffic and no inbound
   */
  readonly securityGroups?: ec2.ISecurityGroup[];
  /**
   * Concurrent executions at peak: requests per second × seconds per request (Little's law).
   * TIER_0 and TIER_1 keep this many warm after losing an AZ (provisioned concurrency).
   */
  readonly requiredConcurrency: number;
  /**
   * The function's own share of the account's concurrency: no other function can take it (a
   * bulkhead), and this function never runs more (requests beyond are throttled, 429). At least
   * `requiredConcurrency` and the provisioned concurrency. The account keeps at least 100 unreserved.
   */
  readonly reservedConcurrency: number;
  /**
   * Warm execution environments on the alias (static stability: no cold start at peak, nor while
   * Lambda replaces an AZ's environments). At most `reservedConcurrency`; for TIER_0 and TIER_1 at
   * least `requiredConcurrency`.
   * @default - TIER_0/TIER_1 serving copies: ⌈requiredConcurrency / (AZs − 1)⌉ × AZs; otherwise none
   */
  readonly provisionedConcurrency?: number;
  /**
   * How long one invocation may run (whole seconds, 1–900). At most the per-try timeout of
   * `callerHop` when given: a synchronous invocation runs on after its caller gave up and retried.
   * @default - the per-try timeout of `callerHop` rounded down to seconds, else 3 seconds (Lambda's)
   */
  readonly timeout?: Duration;
  /**
   * The caller's client resilience policy, with `callerHop` the hop that invokes this function.
   * @default - no caller policy: `timeout` alone
   */
  readonly callerPolicy?: ClientResiliencePolicy;
  /**
   * The hop of `callerPolicy` that invokes this function: its per-try timeout is the function's
   * timeout, and bounds a `timeout` given.
   * @default - required with `callerPolicy`
   */
  readonly callerHop?: string;
  /**
   * The function's own policy towards its dependencies: their worst case (every try times out, every
   * backoff at its cap) must fit the timeout, or Lambda stops the function in the middle of a retry.
   * @default - not checked
   */
  readonly dependencyPolicy?: ClientResiliencePolicy;
  /**
   * How CodeDeploy moves the alias to a new version: canary (10 % for one interval, then all) or
   * linear (10 % more every interval). The interval is two periods of the rollback alarms.
   * @default TrafficShifting.CANARY
   */
  readonly trafficShifting?: TrafficShifting;
  /**
   * Share of traffic a deployment moves per step (1–99).
   * @default 10
   */
  readonly trafficPercent?: number;
  /**
   * SLO burn-rate page alarm of the service: a deployment during which it fires is rolled back. It
   * must be in this account and region.
   * @default - deployments roll back on the function's own error and throttle alarms
   */
  readonly pageAlarm?: cloudwatch.IAlarm;
  /**
   * Topic the function's alarms go to.
   * @default - a new encrypted topic
   */
  readonly alarmTopic?: sns.ITopic;
  /**
   * Retries of a failed asynchronous invocation (0–2), before the event goes to the failure queue.
   * @default 2
   */
  readonly retryAttempts?: number;
  /**
   * How long an asynchronous event may wait (throttled, or between retries) before it goes to the
   * failure queue (60 s to 6 h).
   * @default Duration.hours(6)
   */
  readonly maxEventAge?: Duration;
  /**
   * Memory of an execution environment in MiB (128–10240); CPU grows with it.
   * @default 128
   */
  readonly memorySize?: number;
  /**
   * Instruction set the code is built for.
   * @default lambda.Architecture.X86_64
   */
  readonly architecture?: lambda.Architecture;
  /**
   * Environment variables (nothing secret: read secrets at run time).
   * @default - none
   */
  readonly environment?: Record<string, string>;
  /**
   * Code signing: Lambda refuses code not signed by one of its profiles. AWS Control Tower has no
   * proactive control that requires it.
   * @default - none
   */
  readonly codeSigningConfig?: lambda.ICodeSigningConfig;
  /**
   * Name of the alias callers invoke (and CodeDeploy shifts).
   * @default 'live'
   */
  readonly aliasName?: string;
}

/**
 * A Lambda function with the HA shape of `ResilientService`: callers invoke its alias
 * (`alias`, never the function or `$LATEST`), which CodeDeploy moves to each new version.
 *
 * - **Static stability** (TIER_0, TIER_1): provisioned concurrency on the alias of
 *   ⌈requiredConcurrency / (AZs − 1)⌉ × AZs warm environments, so that losing one AZ's (on an even
 *   spread, which Lambda does not publish) leaves `requiredConcurrency` warm; concurrency beyond
 *   comes on demand (1,000 environments per 10 s), with cold starts. A standby region of a warm
 *   standby or pilot light provisions none; `primaryProvisionedConcurrency` is what its runbook sets.
 * - **Bulkhead**: reserved concurrency; the throttle alarm says when it is full.
 * - **Deployments**: CodeDeploy canary (or linear) shifting of the alias, each step two alarm periods
 *   long, rolled back when the new version's error share (its own requests through the alias, by
 *   `ExecutedVersion`), the alias's throttle share or `pageAlarm` fires.
 * - **Timeouts**: from the caller's `ClientResiliencePolicy` hop; never longer than the caller waits.
 * - **Asynchronous invocation**: retries and event age set on the alias; events that still fail go
 *   to a queue encrypted with a customer-managed key (with the request, the response and the error),
 *   kept 14 days, and alarm.
 * - **Network**: in a VPC (CT.LAMBDA.PR.3), in subnets of at least the tier's AZs.
 * - **Least privilege**: the execution role (`executionRole`, `grantPrincipal`) may write its logs, traces, failure
 *   queue and network interfaces, and nothing else until you grant it. Logs go to a log group
 *   encrypted with a customer-managed key, kept for the tier's retention; X-Ray tracing is active.
 *
 * Construct ids (public API): `Resource` (the function; its version `Resource/CurrentVersion`),
 * `Alias`, `Role`, `Key` and `Logs` (retained), `Failures` (retained), `Deployment` and
 * `DeploymentConfig`, `AlarmTopic`, `ErrorAlarm`, `ThrottleAlarm`, `FailuresAlarm`.
 */
export class ResilientFunction extends Construct implements ec2.IConnectable, iam.IGrantable {
  /** The function. Invoke `alias`, never this or `$LATEST`. */
  public readonly function: lambda.Function;
  /** The alias callers invoke: provisioned concurrency, asynchronous settings, traffic shifting. */
  public readonly alias: lambda.Alias;
  /** The execution role: no permission beyond logs, traces, network interfaces and the failure queue. */
  public readonly executionRole: iam.IRole;
  /** The principal grants go to: the execution role. */
  public readonly grantPrincipal: iam.IPrincipal;
  /** The function's network connections. */
  public readonly connections: ec2.Connections;
  /** The CodeDeploy deployment group that shifts the alias. */
  public readonly deploymentGroup: codedeploy.LambdaDeploymentGroup;
  /** The key of the logs and the failure queue. */
  public readonly key: kms.IKey;
  /** The function's log group. */
  public readonly logGroup: logs.ILogGroup;
  /** Asynchronous events that failed every retry, or aged out, with their error. */
  public readonly failureQueue: sqs.IQueue;
  /** The topic the function's alarms go to. */
  public readonly alarmTopic: sns.ITopic;
  /**
   * Share of the current version's invocations through the alias that fail burns the tier's error budget at the
   * fastest page rate: during a deployment, the new version's.
   */
  public readonly errorAlarm: cloudwatch.Alarm;
  /** Share of the alias's requests throttled (the bulkhead is full) at the same rate. */
  public readonly throttleAlarm: cloudwatch.Alarm;
  /** An asynchronous event reached the failure queue. */
  public readonly failuresAlarm: cloudwatch.Alarm;
  /** Seconds an invocation may run. */
  public readonly timeoutSeconds: number;
  public readonly reservedConcurrency: number;
  /** Warm environments on the alias. */
  public readonly provisionedConcurrency: number;
  /** What a serving copy of the same props provisions: set a standby's alias to this on failover. */
  public readonly primaryProvisionedConcurrency: number;
  /** The AZs the function runs in. */
  public readonly availabilityZones: string[];
  /** The plan the function was built from. */
  public readonly plan: FunctionPlan;

  constructor(scope: Construct, id: string, props: ResilientFunctionProps) {
    super(scope, id);
    const { tier } = props;
    const role = props.role ?? HaRole.PRIMARY;
    const stack = Stack.of(this);

    // ---- Validation -------------------------------------------------------------------------
    const subnetSelection = props.vpcSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS };
    const zonesProp = props.vpcSubnets ? 'vpcSubnets' : 'vpc';
    this.availabilityZones = [...props.vpc.selectSubnets(subnetSelection).availabilityZones];
    if ((props.callerPolicy === undefined) !== (props.callerHop === undefined)) {
      const missing = props.callerPolicy ? 'callerHop' : 'callerPolicy';
      throw validationError(
        `callerPolicy and callerHop must be given together (the caller's policy and its hop to this function), ` +
          `got: no ${missing}`,
        this,
        missing,
      );
    }
    const durations = [
      ['timeout', props.timeout],
      ['maxEventAge', props.maxEventAge],
    ] as const;
    for (const [prop, value] of durations) {
      if (value !== undefined && Token.isUnresolved(value.toMilliseconds())) {
        throw validationError(`${prop} must be a concrete duration (checked at synthesis), got: a token`, this, prop);
      }
    }
    const plan = planFunction(tier, {
      zoneCount: this.availabilityZones.length,
      zonesProp,
      role,
      requiredConcurrency: props.requiredConcurrency,
      reservedConcurrency: props.reservedConcurrency,
      provisionedConcurrency: props.provisionedConcurrency,
      timeoutSeconds: props.timeout?.toSeconds({ integral: false }),
      caller:
        props.callerPolicy && props.callerHop !== undefined
          ? { policy: props.callerPolicy.policy, hop: props.callerHop }
          : undefined,
      dependencies: props.dependencyPolicy?.policy,
      trafficShifting: props.trafficShifting,
      trafficPercent: props.trafficPercent,
      asyncRetryAttempts: props.retryAttempts,
      maxEventAgeSeconds: props.maxEventAge?.toSeconds({ integral: false }),
      memorySize: skipToken(props.memorySize),
      aliasName: skipToken(props.aliasName),
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
    emitWarnings(this, 'ResilientFunction', plan.warnings);
    this.plan = plan;
    this.timeoutSeconds = plan.timeoutSeconds;
    this.reservedConcurrency = plan.concurrency.reserved;
    this.provisionedConcurrency = plan.concurrency.provisioned;
    this.primaryProvisionedConcurrency = plan.concurrency.primaryProvisioned;

    // ---- Key, logs, failure queue, topic -----------------------------------------------------
    const key = newCustomerManagedKey(this, 'Key', `Encrypts the logs and failed events of ${this.node.path}`);
    allowCloudWatchLogs(key, this);
    this.key = key;
    this.logGroup = newEncryptedLogGroup(this, 'Logs', { encryptionKey: key, retentionDays: tier.logRetentionDays });
    const failureQueue = new sqs.Queue(this, 'Failures', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: key,
      enforceSSL: true,
      retentionPeriod: Duration.days(plan.failureRetentionDays),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledgeFindings(failureQueue, {
      id: 'AwsSolutions-SQS3',
      reason:
        "this queue is the on-failure destination of the function's asynchronous invocations (the end of their " +
        'chain: a dead-letter queue of its own would only move the end), which cdk-nag does not see',
    });
    this.failureQueue = failureQueue;
    this.alarmTopic = props.alarmTopic ?? newAlarmTopic(this, 'AlarmTopic', `alarms of ${this.node.path}`);

    // ---- Role ---------------------------------------------------------------------------------
    const executionRole = new iam.Role(this, 'Role', {
      // AWS documents the execution role's trust policy without conditions: one Lambda does not meet
      // when it assumes the role would stop every invocation.
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${this.node.path}: logs, traces, network interfaces, failed events`,
    });
    this.logGroup.grantWrite(executionRole);
    executionRole.addToPrincipalPolicy(vpcNetworkInterfacesStatement());
    this.executionRole = executionRole;
    this.grantPrincipal = executionRole;

    // ---- Function and alias ----------------------------------------------------------------
    this.function = new lambda.Function(this, 'Resource', {
      code: props.code,
      handler: props.handler,
      runtime: props.runtime,
      architecture: props.architecture,
      memorySize: props.memorySize,
      environment: props.environment,
      role: executionRole,
      vpc: props.vpc,
      vpcSubnets: subnetSelection,
      securityGroups: props.securityGroups,
      allowPublicSubnet: false,
      timeout: Duration.seconds(plan.timeoutSeconds),
      reservedConcurrentExecutions: plan.concurrency.reserved,
      tracing: lambda.Tracing.ACTIVE,
      logGroup: this.logGroup,
      codeSigningConfig: props.codeSigningConfig,
      description: `${this.node.path} (${tier.name})`,
    });
    this.connections = this.function.connections;
    const async = plan.async;
    this.alias = new lambda.Alias(this, 'Alias', {
      aliasName: plan.aliasName,
      version: this.function.currentVersion,
      provisionedConcurrentExecutions: plan.concurrency.provisioned > 0 ? plan.concurrency.provisioned : undefined,
      onFailure: new destinations.SqsDestination(failureQueue),
      retryAttempts: async.retryAttempts,
      maxEventAge: Duration.seconds(async.maxEventAgeSeconds),
    });

    // ---- Alarms -----------------------------------------------------------------------------
    // Errors of the version being deployed, as the alias ran it (`ExecutedVersion`): a canary at 10 % is judged on
    // its own requests, not diluted by the 90 % the previous version still serves. Throttles are the function's
    // (both versions share the reserved concurrency): the alias's.
    // https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html (ExecutedVersion)
    this.errorAlarm = this.newRatioAlarm('ErrorAlarm', plan.errorAlarm, 'failed', {
      expression: 'IF(invocations > 0, 100 * FILL(errors, 0) / invocations, 0)',
      usingMetrics: { errors: 'Errors', invocations: 'Invocations' },
      executedVersion: this.function.currentVersion.version,
    });
    this.throttleAlarm = this.newRatioAlarm(
      'ThrottleAlarm',
      plan.throttleAlarm,
      'throttled (reserved concurrency full)',
      {
        expression:
          'IF(FILL(invocations, 0) + FILL(throttles, 0) > 0, 100 * FILL(throttles, 0) / ' +
          '(FILL(invocations, 0) + FILL(throttles, 0)), 0)',
        usingMetrics: { throttles: 'Throttles', invocations: 'Invocations' },
      },
    );
    this.failuresAlarm = new cloudwatch.Alarm(this, 'FailuresAlarm', {
      alarmDescription: `Asynchronous events of ${this.node.path} failed every retry: read them in the failure queue`,
      metric: failureQueue.metricApproximateNumberOfMessagesVisible({
        period: Duration.seconds(plan.failuresAlarm.periodSeconds),
        statistic: cloudwatch.Stats.MAXIMUM,
      }),
      threshold: plan.failuresAlarm.threshold,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: plan.failuresAlarm.evaluationPeriods,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    for (const alarm of [this.errorAlarm, this.throttleAlarm, this.failuresAlarm]) {
      notifyOn(alarm, this.alarmTopic);
    }
    // The error alarm names the new version: CloudFormation updates it before the alias update starts the
    // deployment, so the deployment is judged on the new version from its first minute.
    this.alias.node.addDependency(this.errorAlarm, this.throttleAlarm);

    // ---- Deployment -------------------------------------------------------------------------
    const deployment = plan.deployment;
    const interval = Duration.minutes(deployment.intervalMinutes);
    const deploymentConfig = new codedeploy.LambdaDeploymentConfig(this, 'DeploymentConfig', {
      trafficRouting:
        deployment.trafficShifting === TrafficShifting.LINEAR
          ? codedeploy.TrafficRouting.timeBasedLinear({ interval, percentage: deployment.percent })
          : codedeploy.TrafficRouting.timeBasedCanary({ interval, percentage: deployment.percent }),
    });
    this.deploymentGroup = new codedeploy.LambdaDeploymentGroup(this, 'Deployment', {
      alias: this.alias,
      deploymentConfig,
      alarms: [this.errorAlarm, this.throttleAlarm, ...(props.pageAlarm ? [props.pageAlarm] : [])],
      autoRollback: { deploymentInAlarm: true, failedDeployment: true, stoppedDeployment: true },
      ignorePollAlarmsFailure: false,
    });

    // ---- Acknowledgements -------------------------------------------------------------------
    acknowledgeFindings(this.deploymentGroup.role, {
      id: `AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/${CODEDEPLOY_LAMBDA_POLICY}]`,
      reason:
        `${CODEDEPLOY_LAMBDA_POLICY} is the policy AWS maintains for CodeDeploy on Lambda: it reads the alarms, ` +
        'moves aliases and invokes only hook functions named CodeDeployHook_*; it follows the service as it changes',
    });
    acknowledgeFindings(executionRole, {
      id: 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
      reason:
        "aws-cdk-lib's grant of the failure queue, on this function's own key alone: SQS encrypts each failed event " +
        'with a data key of it',
    });
    acknowledgeFindings(executionRole, {
      id: 'AwsSolutions-IAM5[Action::kms:ReEncrypt*]',
      reason:
        "aws-cdk-lib's grant of the failure queue, on this function's own key alone (re-encryption stays within it)",
    });
    acknowledgeFindings(this.function, {
      id: 'NIST.800.53.R5-LambdaDLQ',
      reason:
        'failed asynchronous events go to the on-failure destination of the alias callers invoke (the failure ' +
        'queue), ' +
        'which records the request, the response and the error; a dead-letter queue keeps the request alone',
    });
    acknowledgeWildcard(
      executionRole,
      '*',
      "the network-interface actions a VPC function needs and X-Ray's PutTraceSegments and PutTelemetryRecords " +
        'have no resource-level permission (Resource "*")',
    );
    acknowledgeFindings(executionRole, {
      id: 'NIST.800.53.R5-IAMNoInlinePolicy',
      reason: "the inline policy belongs to this one role and names only this function's log group, queue and key",
    });
    attachHaMetadata(this, props, { component: 'ResilientFunction', failureDomain: FailureDomain.REGION });
  }

  /**
   * A share of the alias's requests (of one version's, with `executedVersion`), in percent, over the tier's fastest
   * page window.
   */
  private newRatioAlarm(
    id: string,
    alarm: FunctionRatioAlarmPlan,
    what: string,
    math: { expression: string; usingMetrics: Record<string, string>; executedVersion?: string },
  ): cloudwatch.Alarm {
    const period = Duration.seconds(alarm.periodSeconds);
    const dimensionsMap: Record<string, string> = {
      FunctionName: this.function.functionName,
      Resource: `${this.function.functionName}:${this.alias.aliasName}`,
      ...(math.executedVersion === undefined ? {} : { ExecutedVersion: math.executedVersion }),
    };
    const usingMetrics = Object.fromEntries(
      Object.entries(math.usingMetrics).map(([name, metricName]) => [
        name,
        new cloudwatch.Metric({
          namespace: 'AWS/Lambda',
          metricName,
          dimensionsMap,
          period,
          statistic: cloudwatch.Stats.SUM,
        }),
      ]),
    );
    return new cloudwatch.Alarm(this, id, {
      alarmDescription:
        `Share of requests to ${this.node.path} ${what} over ${alarm.periodMinutes} min burns the error budget ` +
        `${alarm.burnRate}× too fast; rolls deployments back`,
      metric: new cloudwatch.MathExpression({
        expression: math.expression,
        usingMetrics,
        period,
        label: `${what} share of requests (%)`,
      }),
      threshold: alarm.thresholdPercent,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: alarm.evaluationPeriods,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
  }
}
