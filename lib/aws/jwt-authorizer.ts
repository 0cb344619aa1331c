import { Aws, Duration, Token } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as schedulerTargets from 'aws-cdk-lib/aws-scheduler-targets';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { FailureDomain } from '../core';
import { JwtAuthorizerPlan, planJwtAuthorizer } from '../core/plans/jwt-authorizer';
import { HaProps } from './ha-props';
import { attachHaMetadata } from './metadata';
import { allowCloudWatchAlarms, newAlarmTopic, notifyOn } from './private/alarms';
import { emitWarnings, throwProblems, validationError } from './private/errors';
import { allowCloudWatchLogs, newCustomerManagedKey, newEncryptedLogGroup } from './private/keys';
import { REFRESH_JWKS_COPY_CODE } from './private/jwks-copy-refresher';
import { VERIFY_JWT_CODE } from './private/jwt-verifier';
import { acknowledgeFindings, acknowledgeWildcard } from './private/nag';
import { allowVpcNetworkInterfaces } from './private/vpc-access';

/**
 * Names of the environment variables the authorizer reads its issuer, audience, key set and the region's copy of
 * the key set from; the report reads them too, to tell that every region's authorizer accepts the same tokens
 * without asking the issuer.
 */
export const JWT_AUTHORIZER_ENVIRONMENT = {
  issuer: 'JWT_ISSUER',
  audience: 'JWT_AUDIENCE',
  jwksUri: 'JWKS_URI',
  keysCopy: 'JWKS_COPY_PARAMETER',
} as const;

/** The region's copy as it is before the refresher's first run: no key, so environments ask the issuer. */
const EMPTY_KEY_SET = '{"keys":[]}';

/** Props of {@link JwtAuthorizer}. */
export interface JwtAuthorizerProps extends HaProps {
  /** The issuer, exactly as its tokens carry it in `iss` (`https://login.example.com/`). */
  readonly issuer: string;
  /** The audience tokens must name in `aud`: this API's identifier at the issuer. */
  readonly audience: string;
  /**
   * Where the issuer publishes its signing keys (a JSON Web Key Set).
   * @default - `<issuer>/.well-known/jwks.json`
   */
  readonly jwksUri?: string;
  /**
   * How long API Gateway keeps a token's verdict (0 to 1 hour).
   * @default Duration.minutes(5)
   */
  readonly resultsCacheTtl?: Duration;
  /**
   * The most requests per second one region admits: its `RegionalApi`'s `throttle.rateLimit`. Each may need a
   * verdict, so the authorizer keeps `peak × timeout` environments warm and reserved (see `planJwtAuthorizer`).
   * @default - no environment kept warm (a warning on statically stable tiers)
   */
  readonly peakRequestsPerSecond?: number;
  /**
   * VPC to run the functions in (AWS Control Tower's CT.LAMBDA.PR.3 asks for one). They fetch the issuer's keys
   * over the internet and read the region's copy from Systems Manager: give subnets with a route out (a NAT gateway
   * in each of their zones) or an `ssm` interface endpoint besides.
   * @default - no VPC: Lambda's own network reaches the issuer
   */
  readonly vpc?: ec2.IVpc;
  /**
   * Subnets of `vpc` the functions run in.
   * @default - the private subnets with egress of `vpc`
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
  /**
   * Topic `keysCopyAlarm` notifies.
   * @default - a new topic encrypted with the construct's customer-managed key (`Key`)
   */
  readonly alarmTopic?: sns.ITopic;
}

/**
 * A token authorizer for `RegionalApi` that verifies JSON Web Tokens of one issuer, and nothing of its region: build
 * one in every region with the same props, and a client's token is accepted wherever DNS sends it.
 *
 * The function reads `Authorization: Bearer <token>`, checks its `iss`, `aud`, `exp` and `nbf`, then its RS256 or
 * ES256 signature with the key of the token's `kid`; it allows the whole stage, so API Gateway's cached verdict
 * serves every route. A bad token is refused (401); an authorizer with no key at all fails (500), which the stage's
 * 5xx alarms count: Route 53's health check, which sends no token, cannot see it.
 *
 * - **Keys without the issuer**: a refresher copies the issuer's keys into a Systems Manager parameter of this
 *   region every 5 minutes, and keeps the last copy while the issuer does not answer; the function reads that copy
 *   when it starts and every 5 minutes. A region taking a failed region's clients, or any new environment while the
 *   issuer is down, verifies tokens with it. Only a `kid` the copy lacks sends an environment to the issuer, at most
 *   once a minute. The copy holds no key until the refresher's first run, within 5 minutes of the first deployment
 *   (environments ask the issuer meanwhile); `keysCopyAlarm` fires after 15 minutes of failed refreshes.
 * - **Warm environments**: with `peakRequestsPerSecond`, the region's whole peak of verdicts is provisioned on the
 *   `live` alias and reserved (`planJwtAuthorizer`), so a failover starts no environment.
 * - **The issuer** still signs every client's tokens: a client whose token expires while the issuer is down gets no
 *   new one; an issuer served from an AWS region fails with it (a warning).
 *
 * Construct ids (public API): `Resource` (the authorizer), `Function`, `Live` (the alias, with
 * `peakRequestsPerSecond`), `Role`, `InvokeRole`, `KeysCopy`, `KeysRefresher`, `KeysRefresherRole`,
 * `KeysRefreshSchedule`, `KeysRefreshScheduleRole`, `KeysCopyAlarm`, `AlarmTopic` (under `Key`, unless
 * `alarmTopic` is given), `Key`, `Logs` (retained), `SecurityGroup` (with a VPC).
 */
export class JwtAuthorizer extends Construct {
  /** The authorizer: give it as `RegionalApi`'s `authorizer`. */
  public readonly authorizer: apigateway.TokenAuthorizer;
  /** The function that verifies tokens (its `live` alias when environments are kept warm). */
  public readonly function: lambda.IFunction;
  /** The region's copy of the issuer's keys. */
  public readonly keysCopy: ssm.IStringParameter;
  /** Fires when the copy has not been refreshed for `keysCopyAlarmRefreshes` refreshes in a row. */
  public readonly keysCopyAlarm: cloudwatch.IAlarm;
  /** The topic `keysCopyAlarm` notifies. */
  public readonly alarmTopic: sns.ITopic;
  public readonly key: kms.IKey;
  public readonly logGroup: logs.ILogGroup;
  /** The plan it was built from. */
  public readonly plan: JwtAuthorizerPlan;

  /** Whether `authorizer` is the authorizer of a {@link JwtAuthorizer}. */
  public static isJwtAuthorizer(authorizer: apigateway.IAuthorizer): boolean {
    return Construct.isConstruct(authorizer) && authorizer.node.scope instanceof JwtAuthorizer;
  }

  constructor(scope: Construct, id: string, props: JwtAuthorizerProps) {
    super(scope, id);
    const literal = (value: string | undefined) =>
      value === undefined || Token.isUnresolved(value) ? undefined : value;
    const ttl = props.resultsCacheTtl;
    const peak = props.peakRequestsPerSecond;
    const plan = planJwtAuthorizer(props.tier, {
      peakRequestsPerSecond: peak === undefined || Token.isUnresolved(peak) ? undefined : peak,
      issuer: literal(props.issuer),
      audience: literal(props.audience),
      jwksUri: literal(props.jwksUri),
      resultsCacheSeconds: ttl === undefined || ttl.isUnresolved() ? undefined : ttl.toSeconds({ integral: false }),
    });
    throwProblems(plan.problems, this);
    if (props.jwksUri === undefined && literal(props.issuer) === undefined) {
      throw validationError('jwksUri must be given when issuer is a token, got: none', this, 'jwksUri');
    }
    emitWarnings(this, 'JwtAuthorizer', plan.warnings);
    this.plan = plan;

    const key = newCustomerManagedKey(this, 'Key', `Encrypts the logs and the alarm topic of ${this.node.path}`);
    this.key = key;
    allowCloudWatchLogs(this.key, this);
    this.logGroup = newEncryptedLogGroup(this, 'Logs', {
      encryptionKey: this.key,
      retentionDays: props.tier.logRetentionDays,
    });
    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${this.node.path}: its logs only`,
    });
    this.logGroup.grantWrite(role);
    // Its value is empty until the refresher's first run; CloudFormation writes it again only if these props change.
    this.keysCopy = new ssm.StringParameter(this, 'KeysCopy', {
      description: `${this.node.path}: the signing keys of ${props.issuer}, copied into this region`,
      stringValue: EMPTY_KEY_SET,
      // 8 KB: room for a few RSA 4096 keys.
      tier: ssm.ParameterTier.ADVANCED,
    });
    this.keysCopy.grantRead(role);
    acknowledgeFindings(role, {
      id: 'NIST.800.53.R5-IAMNoInlinePolicy',
      reason: "the inline policy belongs to this one role and names only this authorizer's log group",
    });
    let securityGroups: ec2.ISecurityGroup[] | undefined;
    if (props.vpc) {
      allowVpcNetworkInterfaces(role);
      // Out to the issuer's key set over https, and nowhere else.
      const securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
        vpc: props.vpc,
        // Security group descriptions take no apostrophe.
        description: `${this.node.path}: out over https to the key set of the issuer only`,
        allowAllOutbound: false,
      });
      securityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.HTTPS, 'the key set of the issuer');
      securityGroups = [securityGroup];
    }
    const fn = new lambda.Function(this, 'Function', {
      code: lambda.Code.fromInline(VERIFY_JWT_CODE),
      handler: 'index.handler',
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      role,
      logGroup: this.logGroup,
      timeout: Duration.seconds(plan.timeoutSeconds),
      vpc: props.vpc,
      securityGroups,
      vpcSubnets: props.vpc ? (props.vpcSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }) : undefined,
      allowPublicSubnet: false,
      description: `${this.node.path}: verifies JWTs of ${props.issuer} for ${props.audience}`,
      environment: {
        [JWT_AUTHORIZER_ENVIRONMENT.issuer]: props.issuer,
        [JWT_AUTHORIZER_ENVIRONMENT.audience]: props.audience,
        [JWT_AUTHORIZER_ENVIRONMENT.jwksUri]: props.jwksUri ?? plan.jwksUri,
        [JWT_AUTHORIZER_ENVIRONMENT.keysCopy]: this.keysCopy.parameterName,
        JWKS_REFRESH_SECONDS: String(plan.keysRefreshSeconds),
        JWKS_REFETCH_SECONDS: String(plan.unknownKeyRefetchSeconds),
        JWKS_TIMEOUT_MS: String(plan.keysFetchTimeoutMs),
        JWKS_COPY_TIMEOUT_MS: String(plan.keysCopyReadTimeoutMs),
      },
      reservedConcurrentExecutions: plan.provisionedConcurrency,
    });
    if (!props.vpc) {
      acknowledgeFindings(fn, {
        id: 'NIST.800.53.R5-LambdaInsideVPC',
        reason:
          "it fetches the issuer's public keys from the issuer's https address and reaches nothing of the account",
      });
    }
    if (plan.provisionedConcurrency === undefined) {
      acknowledgeFindings(fn, {
        id: 'NIST.800.53.R5-LambdaConcurrency',
        reason:
          'API Gateway calls it once per token per cache period; a concurrency below the stage would answer the ' +
          "callers beyond it 500s, and the stage's throttle already bounds it",
      });
    }
    acknowledgeFindings(fn, {
      id: 'NIST.800.53.R5-LambdaDLQ',
      reason: 'API Gateway invokes it synchronously and answers the caller itself: no event is left to keep',
    });
    // The region's whole peak of verdicts, already running: a failover starts no environment.
    this.function =
      plan.provisionedConcurrency === undefined
        ? fn
        : new lambda.Alias(this, 'Live', {
            aliasName: 'live',
            version: fn.currentVersion,
            provisionedConcurrentExecutions: plan.provisionedConcurrency,
          });
    const refresher = this.newKeysRefresher(props, plan, securityGroups);
    const keysCopyAlarm = new cloudwatch.Alarm(this, 'KeysCopyAlarm', {
      alarmDescription:
        `${this.node.path}: the copy of ${props.issuer}'s keys was not refreshed ${plan.keysCopyAlarmRefreshes} ` +
        'times in a row; a key the issuer publishes meanwhile reaches environments only from the issuer',
      metric: refresher.metricErrors({
        period: Duration.minutes(plan.keysCopyRefreshMinutes),
        statistic: cloudwatch.Stats.SUM,
      }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: plan.keysCopyAlarmRefreshes,
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
    });
    this.keysCopyAlarm = keysCopyAlarm;
    this.alarmTopic = props.alarmTopic ?? this.newAlarmTopic(key);
    notifyOn(keysCopyAlarm, this.alarmTopic);
    // API Gateway invokes the function with a role of its own rather than through the function's resource policy,
    // as RegionalApi does its handler: the role may invoke this function and nothing else.
    const invokeRole = new iam.Role(this, 'InvokeRole', {
      assumedBy: new iam.ServicePrincipal('apigateway.amazonaws.com'),
      description: `API Gateway invokes ${this.node.path}'s function`,
    });
    this.authorizer = new apigateway.TokenAuthorizer(this, 'Resource', {
      handler: this.function,
      assumeRole: invokeRole,
      identitySource: apigateway.IdentitySource.header('Authorization'),
      // Refused before the function runs: anything but a bearer token of three base64url parts.
      validationRegex: '^Bearer [A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$',
      resultsCacheTtl: Duration.seconds(plan.resultsCacheSeconds),
    });
    // aws-cdk-lib grants the role invoking the function and its versions in a policy of the authorizer's own.
    acknowledgeWildcard(
      this.authorizer,
      `${this.function.functionArn}:*`,
      "the versions and aliases of this authorizer's function alone: aws-cdk-lib's grant to the invoke role",
    );
    acknowledgeFindings(this.authorizer, {
      id: 'NIST.800.53.R5-IAMNoInlinePolicy',
      reason: "the policy belongs to the authorizer's invoke role and names only the authorizer's function",
    });
    attachHaMetadata(this, props, { component: 'JwtAuthorizer', failureDomain: FailureDomain.REGION });
  }
  /** A topic under the construct's own key, which this account's CloudWatch alarms may then use to publish. */
  private newAlarmTopic(key: kms.Key): sns.ITopic {
    allowCloudWatchAlarms(key, this);
    return newAlarmTopic(this, 'AlarmTopic', `${this.node.path} key copy`, key);
  }

  /** The scheduled function that copies the issuer's keys into `keysCopy`: the only writer of the copy. */
  private newKeysRefresher(
    props: JwtAuthorizerProps,
    plan: JwtAuthorizerPlan,
    securityGroups: ec2.ISecurityGroup[] | undefined,
  ): lambda.Function {
    const role = new iam.Role(this, 'KeysRefresherRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Key refresher of ${this.node.path}: its logs and the copy of the keys only`,
    });
    this.logGroup.grantWrite(role);
    this.keysCopy.grantRead(role);
    this.keysCopy.grantWrite(role);
    acknowledgeFindings(role, {
      id: 'NIST.800.53.R5-IAMNoInlinePolicy',
      reason: "the inline policy belongs to this one role and names only this authorizer's log group and key copy",
    });
    if (props.vpc) {
      allowVpcNetworkInterfaces(role);
    }
    const refresher = new lambda.Function(this, 'KeysRefresher', {
      code: lambda.Code.fromInline(REFRESH_JWKS_COPY_CODE),
      handler: 'index.handler',
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      role,
      logGroup: this.logGroup,
      timeout: Duration.seconds(plan.refresherTimeoutSeconds),
      // One refresh at a time: two would only write the same copy.
      reservedConcurrentExecutions: 1,
      vpc: props.vpc,
      securityGroups,
      vpcSubnets: props.vpc ? (props.vpcSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }) : undefined,
      allowPublicSubnet: false,
      description: `${this.node.path}: copies the keys of ${props.issuer} into this region`,
      environment: {
        [JWT_AUTHORIZER_ENVIRONMENT.jwksUri]: props.jwksUri ?? plan.jwksUri,
        [JWT_AUTHORIZER_ENVIRONMENT.keysCopy]: this.keysCopy.parameterName,
        JWKS_TIMEOUT_MS: String(plan.keysFetchTimeoutMs),
      },
    });
    if (!props.vpc) {
      acknowledgeFindings(refresher, {
        id: 'NIST.800.53.R5-LambdaInsideVPC',
        reason: "it fetches the issuer's public keys from the issuer's https address and writes only their copy",
      });
    }
    acknowledgeFindings(refresher, {
      id: 'NIST.800.53.R5-LambdaDLQ',
      reason: 'a schedule invokes it; a failed refresh leaves the last copy in place and the next one tries again',
    });
    const scheduleRole = new iam.Role(this, 'KeysRefreshScheduleRole', {
      description: `Lets EventBridge Scheduler run the key refresher of ${this.node.path}`,
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
    });
    new scheduler.Schedule(this, 'KeysRefreshSchedule', {
      description: `Refreshes the copy of the keys of ${props.issuer} used by ${this.node.path}`,
      schedule: scheduler.ScheduleExpression.rate(Duration.minutes(plan.keysCopyRefreshMinutes)),
      // A refresh that fails is not retried: the next one comes within the same interval.
      target: new schedulerTargets.LambdaInvoke(refresher, { role: scheduleRole, retryAttempts: 0 }),
    });
    acknowledgeWildcard(
      scheduleRole,
      `${refresher.functionArn}:*`,
      "the versions and aliases of the refresher alone: aws-cdk-lib's grant to the schedule's role",
    );
    acknowledgeFindings(scheduleRole, {
      id: 'NIST.800.53.R5-IAMNoInlinePolicy',
      reason: 'the scheduler target writes its one invoke statement inline on this role, used by this schedule alone',
    });
    return refresher;
  }
}
