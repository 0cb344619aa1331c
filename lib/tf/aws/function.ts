import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import {
  CloudwatchMetricAlarm,
  CloudwatchMetricAlarmMetricQuery,
} from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { CodedeployApp } from '@cdktf/provider-aws/lib/codedeploy-app';
import { DataAwsLambdaAlias } from '@cdktf/provider-aws/lib/data-aws-lambda-alias';
import { CodedeployDeploymentConfig } from '@cdktf/provider-aws/lib/codedeploy-deployment-config';
import { CodedeployDeploymentGroup } from '@cdktf/provider-aws/lib/codedeploy-deployment-group';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { LambdaAlias } from '@cdktf/provider-aws/lib/lambda-alias';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { LambdaFunctionEventInvokeConfig } from '@cdktf/provider-aws/lib/lambda-function-event-invoke-config';
import { LambdaProvisionedConcurrencyConfig } from '@cdktf/provider-aws/lib/lambda-provisioned-concurrency-config';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { SqsQueuePolicy } from '@cdktf/provider-aws/lib/sqs-queue-policy';
import { TerraformOutput, Token } from 'cdktf';
import { Construct } from 'constructs';
import { ClientPolicyDocument, FailureDomain, HaRole } from '../../core';
import { SECONDS_PER_DAY } from '../../core/numbers';
import { FunctionPlan, FunctionRatioAlarmPlan, planFunction, TrafficShifting } from '../../core/plans/function';
import { emitWarnings, throwProblems, validationError } from '../diagnostics';
import { HaProps, RegionalProps } from './ha-props';
import { newAlarmTopic } from './private/alarms';
import { AccountContext, cloudWatchLogsStatement, newCustomerManagedKey } from './private/keys';
import { attachHaMetadata } from './private/metadata';
import { skipToken } from './private/tokens';

export { TrafficShifting } from '../../core/plans/function';

/** The function's package: a zip in S3, or a local zip Terraform uploads. */
export type FunctionCode =
  | { readonly s3Bucket: string; readonly s3Key: string; readonly s3ObjectVersion?: string }
  | { readonly filename: string; readonly sourceCodeHash: string };

/** Props of {@link ResilientFunction} (Terraform). */
export interface ResilientFunctionProps extends HaProps, RegionalProps {
  readonly code: FunctionCode;
  /** The handler, as the runtime names it (`index.handler`). */
  readonly handler: string;
  /** The runtime (`nodejs22.x`, `python3.13`). */
  readonly runtime: string;
  /** The VPC (AWS Control Tower's CT.LAMBDA.PR.3 requires every function to be in one). */
  readonly vpcId: string;
  /** Subnets of the function's network interfaces, one per AZ (the private ones), listed one by one. */
  readonly subnetIds: string[];
  /**
   * Security groups of the function's network interfaces.
   * @default - a new group that allows all outbound traffic and no inbound
   */
  readonly securityGroupIds?: string[];
  /** Concurrent executions at peak: requests per second × seconds per request. */
  readonly requiredConcurrency: number;
  /** The function's own share of the account's concurrency (the bulkhead): at least the provisioned. */
  readonly reservedConcurrency: number;
  /** @default - TIER_0/TIER_1 serving copies: ⌈requiredConcurrency / (AZs − 1)⌉ × AZs; otherwise none */
  readonly provisionedConcurrency?: number;
  /** Whole seconds, 1–900, at most the caller's per-try timeout. @default - the caller hop's, else 3 */
  readonly timeoutSeconds?: number;
  /** The caller's client resilience policy (`clientResiliencePolicy` of core), with `callerHop`. @default - none */
  readonly callerPolicy?: ClientPolicyDocument;
  /** The hop of `callerPolicy` that invokes this function. @default - required with `callerPolicy` */
  readonly callerHop?: string;
  /** The function's own policy towards its dependencies: their worst case must fit the timeout. @default - none */
  readonly dependencyPolicy?: ClientPolicyDocument;
  /** @default TrafficShifting.CANARY */
  readonly trafficShifting?: TrafficShifting;
  /** Share of traffic a deployment moves per step (1–99). @default 10 */
  readonly trafficPercent?: number;
  /** Name of the service's SLO page alarm: a deployment during which it fires rolls back. @default - none */
  readonly pageAlarmName?: string;
  /** ARN of the topic the alarms notify. @default - a new encrypted topic */
  readonly alarmTopicArn?: string;
  /** Retries of a failed asynchronous invocation (0–2). @default 2 */
  readonly retryAttempts?: number;
  /** Seconds an asynchronous event may wait before it goes to the failure queue (60–21600). @default 21600 */
  readonly maxEventAgeSeconds?: number;
  /** MiB (128–10240). @default 128 */
  readonly memorySize?: number;
  /** @default 'x86_64' */
  readonly architecture?: 'x86_64' | 'arm64';
  /** Environment variables (nothing secret). @default - none */
  readonly environment?: Record<string, string>;
  /** Name of the alias callers invoke (and CodeDeploy shifts). @default 'live' */
  readonly aliasName?: string;
}

/**
 * A Lambda function with the HA shape of the CDK `ResilientFunction`, from the same core plan:
 * provisioned concurrency on the alias for static stability (TIER_0/1), reserved concurrency as a
 * bulkhead, a timeout no longer than the caller waits, asynchronous retries with a failure queue
 * under a customer-managed key, a VPC across the tier's AZs, active tracing, logs kept for the
 * tier's retention, and alarms on the new version's error share, the throttle share and failed events.
 *
 * Deployments: Terraform publishes a version on every code change, but the alias it created stays
 * where CodeDeploy last put it (`function_version` and `routing_config` are ignored after creation),
 * so no `terraform apply` moves traffic at once. The pipeline then starts a CodeDeploy deployment
 * with `appSpec` (an output too: the alias's current version to `latestVersion`); CodeDeploy shifts
 * it canary or linear and rolls back when an alarm fires. Unlike CloudFormation, Terraform has no
 * hook that starts it: an apply alone leaves the new version published and unused.
 *
 * Construct ids (public API): `Resource`, `Alias`, `Role`, `Key` and `Logs` (kept), `Failures`
 * (kept), `Deployment`, `DeploymentConfig`, `DeploymentApp`, `DeploymentRole`, `ErrorAlarm`,
 * `ThrottleAlarm`, `FailuresAlarm`.
 */
export class ResilientFunction extends Construct {
  public readonly function: LambdaFunction;
  /** The alias callers invoke; CodeDeploy moves it. */
  public readonly alias: LambdaAlias;
  public readonly executionRoleArn: string;
  public readonly executionRoleName: string;
  public readonly logGroup: CloudwatchLogGroup;
  public readonly failureQueue: SqsQueue;
  public readonly deploymentGroup: CodedeployDeploymentGroup;
  public readonly errorAlarm: CloudwatchMetricAlarm;
  public readonly throttleAlarm: CloudwatchMetricAlarm;
  public readonly failuresAlarm: CloudwatchMetricAlarm;
  public readonly alarmTopicArn: string;
  /** The version the last apply published: the target of the next deployment. */
  public readonly latestVersion: string;
  /** AppSpec (JSON) of the deployment from the alias's current version to `latestVersion`. */
  public readonly appSpec: string;
  public readonly plan: FunctionPlan;

  constructor(scope: Construct, id: string, props: ResilientFunctionProps) {
    super(scope, id);
    const { tier, provider } = props;
    if (Token.isUnresolved(props.subnetIds)) {
      throw validationError(
        'subnetIds must list the subnets one by one (each may be a reference): provisioned concurrency is sized ' +
          'per AZ, got: a Terraform list expression',
        this,
        'subnetIds',
      );
    }
    if ((props.callerPolicy === undefined) !== (props.callerHop === undefined)) {
      const missing = props.callerPolicy ? 'callerHop' : 'callerPolicy';
      throw validationError(
        `callerPolicy and callerHop must be given together (the caller's policy and its hop to this function), ` +
          `got: no ${missing}`,
        this,
        missing,
      );
    }
    const plan = planFunction(tier, {
      zoneCount: props.subnetIds.length,
      zonesProp: 'subnetIds',
      role: props.role ?? HaRole.PRIMARY,
      requiredConcurrency: props.requiredConcurrency,
      reservedConcurrency: props.reservedConcurrency,
      provisionedConcurrency: props.provisionedConcurrency,
      timeoutSeconds: props.timeoutSeconds,
      caller:
        props.callerPolicy && props.callerHop !== undefined
          ? { policy: props.callerPolicy, hop: props.callerHop }
          : undefined,
      dependencies: props.dependencyPolicy,
      trafficShifting: props.trafficShifting,
      trafficPercent: props.trafficPercent,
      asyncRetryAttempts: props.retryAttempts,
      maxEventAgeSeconds: props.maxEventAgeSeconds,
      memorySize: skipToken(props.memorySize),
      aliasName: skipToken(props.aliasName),
    });
    throwProblems(plan.problems, this);
    emitWarnings(this, 'ResilientFunction', plan.warnings);
    this.plan = plan;
    const context = new AccountContext(this, 'Account', provider);
    const short = this.node.addr.slice(0, 16);

    // ---- Key, logs, failure queue, topic -----------------------------------------------------
    const key = newCustomerManagedKey(this, 'Key', {
      description: `Encrypts the logs and failed events of ${this.node.path}`,
      context,
      statements: [cloudWatchLogsStatement(context)],
    });
    this.logGroup = new CloudwatchLogGroup(this, 'Logs', {
      provider,
      name: `/aws/lambda/${short}-fn`,
      retentionInDays: tier.logRetentionDays,
      kmsKeyId: key.arn,
      deletionProtectionEnabled: true,
      lifecycle: { preventDestroy: true },
    });
    this.failureQueue = new SqsQueue(this, 'Failures', {
      provider,
      namePrefix: `${short}-failures-`,
      kmsMasterKeyId: key.arn,
      messageRetentionSeconds: plan.failureRetentionDays * SECONDS_PER_DAY,
      lifecycle: { preventDestroy: true },
    });
    new SqsQueuePolicy(this, 'FailuresPolicy', {
      provider,
      queueUrl: this.failureQueue.url,
      policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'DenyWithoutTls',
            Effect: 'Deny',
            Principal: '*',
            Action: 'sqs:*',
            Resource: this.failureQueue.arn,
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          },
        ],
      }),
    });
    this.alarmTopicArn =
      props.alarmTopicArn ?? newAlarmTopic(this, 'AlarmTopic', `${this.node.path} alarms`, context).arn;

    // ---- Role ---------------------------------------------------------------------------------
    // As the CDK twin: no conditions on the execution role's trust (one Lambda does not meet would stop every call).
    const role = new IamRole(this, 'Role', {
      provider,
      description: `Execution role of ${this.node.path}: logs, traces, network interfaces, failed events`,
      assumeRolePolicy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
      }),
    });
    this.executionRoleArn = role.arn;
    this.executionRoleName = role.name;
    const rolePolicy = new IamRolePolicy(this, 'RolePolicy', {
      provider,
      role: role.name,
      policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'WriteLogs',
            Effect: 'Allow',
            Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
            Resource: `${this.logGroup.arn}:*`,
          },
          {
            Sid: 'SendFailedEvents',
            Effect: 'Allow',
            Action: 'sqs:SendMessage',
            Resource: this.failureQueue.arn,
          },
          {
            Sid: 'EncryptFailedEvents',
            Effect: 'Allow',
            Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
            Resource: key.arn,
          },
          // The network-interface and X-Ray actions have no resource-level permission (AWS documents them on "*").
          {
            Sid: 'VpcNetworkInterfaces',
            Effect: 'Allow',
            Action: [
              'ec2:CreateNetworkInterface',
              'ec2:DescribeNetworkInterfaces',
              'ec2:DescribeSubnets',
              'ec2:DeleteNetworkInterface',
              'ec2:AssignPrivateIpAddresses',
              'ec2:UnassignPrivateIpAddresses',
            ],
            Resource: '*',
          },
          {
            Sid: 'Traces',
            Effect: 'Allow',
            Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'],
            Resource: '*',
          },
        ],
      }),
    });

    // ---- Function and alias ----------------------------------------------------------------
    const securityGroupIds = props.securityGroupIds ?? [this.newSecurityGroup(props.vpcId, short, provider)];
    const code =
      'filename' in props.code
        ? { filename: props.code.filename, sourceCodeHash: props.code.sourceCodeHash }
        : { s3Bucket: props.code.s3Bucket, s3Key: props.code.s3Key, s3ObjectVersion: props.code.s3ObjectVersion };
    this.function = new LambdaFunction(this, 'Resource', {
      provider,
      functionName: `${short}-fn`,
      description: `${this.node.path} (${tier.name})`,
      ...code,
      handler: props.handler,
      runtime: props.runtime,
      architectures: [props.architecture ?? 'x86_64'],
      memorySize: props.memorySize,
      role: role.arn,
      timeout: plan.timeoutSeconds,
      reservedConcurrentExecutions: plan.concurrency.reserved,
      publish: true,
      vpcConfig: { subnetIds: props.subnetIds, securityGroupIds },
      tracingConfig: { mode: 'Active' },
      loggingConfig: { logFormat: 'JSON', logGroup: this.logGroup.name },
      environment: props.environment ? { variables: props.environment } : undefined,
      dependsOn: [rolePolicy],
    });
    this.latestVersion = this.function.version;
    this.alias = new LambdaAlias(this, 'Alias', {
      provider,
      name: plan.aliasName,
      functionName: this.function.functionName,
      functionVersion: this.function.version,
      description: 'What callers invoke; CodeDeploy moves it to each new version',
      // CodeDeploy owns the alias after it is created: an apply must not move all traffic at once.
      lifecycle: { ignoreChanges: ['function_version', 'routing_config'] },
    });
    if (plan.concurrency.provisioned > 0) {
      new LambdaProvisionedConcurrencyConfig(this, 'ProvisionedConcurrency', {
        provider,
        functionName: this.function.functionName,
        qualifier: this.alias.name,
        provisionedConcurrentExecutions: plan.concurrency.provisioned,
      });
    }
    new LambdaFunctionEventInvokeConfig(this, 'AsyncConfig', {
      provider,
      functionName: this.function.functionName,
      qualifier: this.alias.name,
      maximumRetryAttempts: plan.async.retryAttempts,
      maximumEventAgeInSeconds: plan.async.maxEventAgeSeconds,
      destinationConfig: { onFailure: { destination: this.failureQueue.arn } },
    });

    // ---- Alarms -----------------------------------------------------------------------------
    const dimensions = (executedVersion?: string) => ({
      FunctionName: this.function.functionName,
      Resource: `${this.function.functionName}:${plan.aliasName}`,
      ...(executedVersion === undefined ? {} : { ExecutedVersion: executedVersion }),
    });
    // The version being deployed, as the alias ran it: a canary is judged on its own requests.
    this.errorAlarm = this.newRatioAlarm('ErrorAlarm', `${short}-fn-errors`, plan.errorAlarm, 'failed', {
      expression: 'IF(invocations > 0, 100 * FILL(errors, 0) / invocations, 0)',
      metrics: { errors: 'Errors', invocations: 'Invocations' },
      dimensions: dimensions(this.function.version),
    });
    this.throttleAlarm = this.newRatioAlarm(
      'ThrottleAlarm',
      `${short}-fn-throttles`,
      plan.throttleAlarm,
      'throttled (reserved concurrency full)',
      {
        expression:
          'IF(FILL(invocations, 0) + FILL(throttles, 0) > 0, 100 * FILL(throttles, 0) / ' +
          '(FILL(invocations, 0) + FILL(throttles, 0)), 0)',
        metrics: { throttles: 'Throttles', invocations: 'Invocations' },
        dimensions: dimensions(),
      },
    );
    const failures = plan.failuresAlarm;
    this.failuresAlarm = new CloudwatchMetricAlarm(this, 'FailuresAlarm', {
      provider,
      alarmName: `${short}-fn-failed-events`,
      alarmDescription: `Asynchronous events of ${this.node.path} failed every retry: read them in the failure queue`,
      namespace: 'AWS/SQS',
      metricName: 'ApproximateNumberOfMessagesVisible',
      dimensions: { QueueName: this.failureQueue.name },
      statistic: 'Maximum',
      period: failures.periodSeconds,
      evaluationPeriods: failures.evaluationPeriods,
      threshold: failures.threshold,
      comparisonOperator: 'GreaterThanThreshold',
      treatMissingData: 'notBreaching',
      alarmActions: [this.alarmTopicArn],
      okActions: [this.alarmTopicArn],
    });

    // ---- Deployment -------------------------------------------------------------------------
    const deployment = plan.deployment;
    const app = new CodedeployApp(this, 'DeploymentApp', { provider, name: `${short}-fn`, computePlatform: 'Lambda' });
    const step = { interval: deployment.intervalMinutes, percentage: deployment.percent };
    const config = new CodedeployDeploymentConfig(this, 'DeploymentConfig', {
      provider,
      deploymentConfigName: `${short}-fn-${deployment.trafficShifting.toLowerCase()}`,
      computePlatform: 'Lambda',
      trafficRoutingConfig:
        deployment.trafficShifting === TrafficShifting.LINEAR
          ? { type: 'TimeBasedLinear', timeBasedLinear: step }
          : { type: 'TimeBasedCanary', timeBasedCanary: step },
    });
    const deployRole = new IamRole(this, 'DeploymentRole', {
      provider,
      description: `CodeDeploy shifts the alias of ${this.node.path} as this role`,
      assumeRolePolicy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Service: 'codedeploy.amazonaws.com' },
            Action: 'sts:AssumeRole',
            Condition: { StringEquals: { 'aws:SourceAccount': context.accountId } },
          },
        ],
      }),
    });
    // The policy AWS maintains for CodeDeploy on Lambda (reads alarms, moves aliases, invokes CodeDeployHook_* only).
    new IamRolePolicyAttachment(this, 'DeploymentRolePolicy', {
      provider,
      role: deployRole.name,
      policyArn: `arn:${context.partition}:iam::aws:policy/service-role/AWSCodeDeployRoleForLambdaLimited`,
    });
    this.deploymentGroup = new CodedeployDeploymentGroup(this, 'Deployment', {
      provider,
      appName: app.name,
      deploymentGroupName: `${short}-fn`,
      deploymentConfigName: config.deploymentConfigName,
      serviceRoleArn: deployRole.arn,
      deploymentStyle: { deploymentType: 'BLUE_GREEN', deploymentOption: 'WITH_TRAFFIC_CONTROL' },
      alarmConfiguration: {
        enabled: true,
        ignorePollAlarmFailure: false,
        alarms: [
          this.errorAlarm.alarmName,
          this.throttleAlarm.alarmName,
          ...(props.pageAlarmName ? [props.pageAlarmName] : []),
        ],
      },
      autoRollbackConfiguration: {
        enabled: true,
        events: ['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_ALARM', 'DEPLOYMENT_STOP_ON_REQUEST'],
      },
    });
    // The alias as it stands (read after it exists): the version the next deployment moves traffic from.
    const current = new DataAwsLambdaAlias(this, 'CurrentAlias', {
      provider,
      functionName: this.function.functionName,
      name: this.alias.name,
      dependsOn: [this.alias],
    });
    this.appSpec = appSpecOf(
      this.node.id,
      this.function.functionName,
      plan.aliasName,
      current.functionVersion,
      this.function.version,
    );
    new TerraformOutput(this, 'appspec', {
      description:
        `The deployment that moves ${this.node.path}'s alias to the version this apply published: ` +
        '`aws deploy create-deployment` with this AppSpec (no change when both versions are the same)',
      value: this.appSpec,
    });

    attachHaMetadata(this, props, { component: 'ResilientFunction', failureDomain: FailureDomain.REGION });
  }

  /** A group for the function's network interfaces: every outbound connection, no inbound. */
  private newSecurityGroup(vpcId: string, short: string, provider: ResilientFunctionProps['provider']): string {
    const group = new SecurityGroup(this, 'SecurityGroup', {
      provider,
      namePrefix: `${short}-fn-`,
      description: `Network interfaces of ${this.node.path}: outbound only`,
      vpcId,
    });
    new VpcSecurityGroupEgressRule(this, 'SecurityGroupEgress', {
      provider,
      securityGroupId: group.id,
      ipProtocol: '-1',
      cidrIpv4: '0.0.0.0/0',
      description: 'All outbound: the function calls its dependencies',
    });
    return group.id;
  }

  private newRatioAlarm(
    id: string,
    name: string,
    alarm: FunctionRatioAlarmPlan,
    what: string,
    math: { expression: string; metrics: Record<string, string>; dimensions: Record<string, string> },
  ): CloudwatchMetricAlarm {
    const metricQuery: CloudwatchMetricAlarmMetricQuery[] = [
      { id: 'share', expression: math.expression, label: `${what} share of requests (%)`, returnData: true },
      ...Object.entries(math.metrics).map(([queryId, metricName]) => ({
        id: queryId,
        metric: {
          namespace: 'AWS/Lambda',
          metricName,
          dimensions: math.dimensions,
          period: alarm.periodSeconds,
          stat: 'Sum',
        },
      })),
    ];
    return new CloudwatchMetricAlarm(this, id, {
      provider: this.function.provider,
      alarmName: name,
      alarmDescription:
        `Share of requests to ${this.node.path} ${what} over ${alarm.periodMinutes} min burns the error budget ` +
        `${alarm.burnRate}× too fast; rolls deployments back`,
      comparisonOperator: 'GreaterThanThreshold',
      threshold: alarm.thresholdPercent,
      evaluationPeriods: alarm.evaluationPeriods,
      treatMissingData: 'notBreaching',
      metricQuery,
      alarmActions: [this.alarmTopicArn],
      okActions: [this.alarmTopicArn],
    });
  }
}

/** A Lambda AppSpec; `version` stays 0.0, as CodeDeploy documents it. */
function appSpecOf(name: string, functionName: string, alias: string, from: string, to: string): string {
  const properties = JSON.stringify({ Name: functionName, Alias: alias, CurrentVersion: from, TargetVersion: to });
  return `{"version":0.0,"Resources":[{${JSON.stringify(name)}:{"Type":"AWS::Lambda::Function","Properties":${properties}}}]}`;
}
