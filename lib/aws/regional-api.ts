import { Aws, Duration, RemovalPolicy, SecretValue, Stack, Token } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { FailureDomain } from '../core';
import { regionalLabel } from '../core/plans/dns';
import {
  ApiAuthorization,
  ApiClientIntent,
  ApiRouteIntent,
  planRegionalApi,
  RegionalApiPlan,
  ThrottleIntent,
} from '../core/plans/regional-api';
import { ApiClientKeys } from './api-client-keys';
import { ClientResiliencePolicy } from './client-policy';
import { newFleetWebAcl } from './fleet-protection';
import { ResilientFunction } from './function';
import { HaProps } from './ha-props';
import { JwtAuthorizer } from './jwt-authorizer';
import { attachHaMetadata } from './metadata';
import { newAlarmTopic, notifyOn } from './private/alarms';
import { emitWarnings, throwProblems, validationError } from './private/errors';
import { allowCloudWatchLogs, newCustomerManagedKey, newEncryptedLogGroup } from './private/keys';
import { acknowledgeFindings } from './private/nag';

export type { QuotaPeriod } from '../core/plans/regional-api';

/** Steady rate and burst of a token bucket, as API Gateway throttles. */
export type ApiThrottle = ThrottleIntent;
/** One route of a {@link RegionalApi}: a path, its methods and optionally limits of its own. */
export type ApiRoute = ApiRouteIntent;
/** One client of a {@link RegionalApi}: an API key in a usage plan of its own, with its rate and quota. */
export type ApiClient = ApiClientIntent;

/** How API Gateway names a Lambda function it invokes (the function's ARN follows, then `/invocations`). */
const LAMBDA_INTEGRATION_PREFIX = (region: string) =>
  `arn:${Aws.PARTITION}:apigateway:${region}:lambda:path/2015-03-31/functions/`;
/** The managed policy aws-cdk-lib gives API Gateway's account role for CloudWatch Logs. */
const PUSH_TO_LOGS_POLICY = 'AmazonAPIGatewayPushToCloudWatchLogs';

/** Name of the stage every `RegionalApi` deploys (its custom domains map to it). */
const STAGE_NAME = 'live';

/** Props of {@link RegionalApi}. */
export interface RegionalApiProps extends HaProps {
  /** The function every route invokes (through its alias, never `$LATEST`). It also answers the health path. */
  readonly handler: ResilientFunction;
  /** Hosted zone of the service name: the certificate is validated by DNS in it. */
  readonly hostedZone: route53.IHostedZone;
  /**
   * Name of the service, relative to the zone (`api`), as `FailoverDns` routes it. The API also answers
   * on `<recordName>-<region>.<zone>` (`regionalName`), the name Route 53's health check requests.
   */
  readonly recordName: string;
  /**
   * What this region admits in all (the stage's token bucket), in requests per second. For ACTIVE_ACTIVE, the
   * whole peak: when the other region fails, this one takes every client. Requests above it get 429.
   */
  readonly throttle: ApiThrottle;
  /**
   * The routes, each integrated with `handler`; a route may have lower limits of its own (a costly path).
   * @default - one greedy route: ANY /{proxy+}
   */
  readonly routes?: ApiRoute[];
  /**
   * Clients, each with an API key and a usage plan of its own (rate, burst, quota). With clients, every route
   * requires a key (header `x-api-key`) and one client cannot take the others' capacity.
   * @default - none: no key is required and the stage's throttle alone limits
   */
  readonly clients?: ApiClient[];
  /**
   * Where each client's key value comes from: its secret in `ApiClientKeys`, replicated to every region of the
   * service, which this region's key reads from its own copy, so a client's key is accepted in every region. The
   * stack of `ApiClientKeys` deploys first (this stack is made to depend on it). Required in practice on tiers of two
   * regions or more: without it, a warning.
   * @default - API Gateway generates each region's key values: a client's key holds in one region only
   */
  readonly clientKeys?: ApiClientKeys;
  /**
   * The clients' resilience policy towards this API, with `callerHop` the hop that calls it: its per-try timeout
   * is the integration timeout, and bounds `integrationTimeout`.
   * @default - no caller policy
   */
  readonly callerPolicy?: ClientResiliencePolicy;
  /**
   * The hop of `callerPolicy` that calls this API.
   * @default - required with `callerPolicy`
   */
  readonly callerHop?: string;
  /**
   * How long API Gateway waits for the function (50 ms to 29 s): at least the function's timeout, at most the
   * caller's per-try timeout.
   * @default - the per-try timeout of `callerHop`, else 29 s
   */
  readonly integrationTimeout?: Duration;
  /**
   * Requests one IP address may send per 5 minutes before the web ACL blocks it (the health path is exempt).
   * @default 2000
   */
  readonly rateLimitPerIp?: number;
  /**
   * Deep readiness path Route 53 requests (`FailoverDns`' `healthCheckPath`): routed to `handler` without key or
   * authorization. Make the handler check what the region needs to serve (its table), not just itself.
   * @default '/health/ready' (core's READINESS_PATH)
   */
  readonly healthCheckPath?: string;
  /**
   * Authorizer of every route but the health path. On tiers of two regions or more, give one whose credentials every
   * region accepts: a `JwtAuthorizer` of the same issuer in each region. SigV4 (the default) and a Cognito user
   * pool's authorizer warn: a signature names its region, and a pool lives in one region. SigV4 is not refused:
   * callers inside AWS can sign for each region and call its regional name, failing over themselves.
   * @default - AWS_IAM: callers sign their requests with SigV4
   */
  readonly authorizer?: apigateway.IAuthorizer;
  /**
   * Topic the API's alarms go to.
   * @default - a new encrypted topic
   */
  readonly alarmTopic?: sns.ITopic;
}

/**
 * A regional API Gateway REST API in front of a `ResilientFunction`: the entry point of one region, which
 * `FailoverDns` routes between (give it as an endpoint's `api`).
 *
 * - **Domain**: a REGIONAL custom domain of the service name and one of the region's own name
 *   (`regionalName`, which Route 53's health check requests: it measures this region as clients reach it),
 *   TLS 1.2 security policy, one ACM certificate validated by DNS; the execute-api endpoint is disabled, so
 *   nothing bypasses the domain, the web ACL path rules or the keys.
 * - **Load shedding** (SRE book, handling overload): a usage plan and API key per client (rate, burst and
 *   quota), the stage's throttle as the region's ceiling, per-route limits, and a WAF web ACL with a per-IP
 *   rate-based rule and the AWS managed rule groups.
 * - **Credentials that fail over**: DNS sends a client of the service name to any region, so its credentials must
 *   hold in all: key values from `clientKeys` (one replicated secret per client, each region reading its copy) and
 *   an authorizer whose tokens every region verifies (`JwtAuthorizer`); the report counts a client whose key or
 *   signature one region alone accepts as an unknown region RTO.
 * - **Timeouts**: the integration timeout from the caller's `ClientResiliencePolicy`, never longer than the
 *   caller waits, never shorter than the function runs.
 * - **Observability**: access logs (JSON) and execution logs (errors) to log groups encrypted with a customer-managed
 *   key and kept for the tier's retention, X-Ray tracing, detailed metrics, and an alarm on the share of 5xx answers
 *   at the tier's fastest page burn rate.
 *
 * API Gateway writes execution logs with the account's CloudWatch role (`AWS::ApiGateway::Account`, one per
 * account and region): this construct sets it, retained, and another API of the region that sets it sets the same.
 *
 * Construct ids (public API): `Resource` (the REST API; its stage `Resource/DeploymentStage.live`), `InvokeRole`,
 * `Key`, `AccessLogs` and `ExecutionLogs` (retained), `Certificate`, `ServiceDomain`, `RegionalDomain`, per client
 * `<name>Key` and `<name>Plan`, `WebAcl`, `WebAclAssociation`, `WebAclLogs`, `WebAclLogging`, `AlarmTopic`,
 * `ErrorAlarm`.
 */
export class RegionalApi extends Construct {
  /** The REST API. */
  public readonly api: apigateway.RestApi;
  /** The role API Gateway invokes the handler's alias with. */
  public readonly invokeRole: iam.IRole;
  /** Its one stage. */
  public readonly stage: apigateway.Stage;
  /** Custom domain of the service name (`<recordName>.<zone>`): `FailoverDns` routes clients to it. */
  public readonly serviceDomain: apigateway.DomainName;
  /** Custom domain of this region's own name: what the health check and a regional probe request. */
  public readonly regionalDomain: apigateway.DomainName;
  /** The service name (`api.example.com`). */
  public readonly serviceName: string;
  /** This region's own name (`api-us-east-1.example.com`). */
  public readonly regionalName: string;
  /** URL of the deep readiness check on this region's own name. */
  public readonly healthCheckUrl: string;
  /** API keys by client name. */
  public readonly apiKeys: Record<string, apigateway.IApiKey> = {};
  /** Usage plans by client name. */
  public readonly usagePlans: Record<string, apigateway.UsagePlan> = {};
  public readonly webAcl: wafv2.CfnWebACL;
  /** Key of the access logs and the web ACL's logs. */
  public readonly key: kms.IKey;
  public readonly accessLogs: logs.ILogGroup;
  /** The stage's execution logs (errors), under the same key and retention. */
  public readonly executionLogs: logs.ILogGroup;
  public readonly alarmTopic: sns.ITopic;
  /** Share of requests answered 5xx burns the error budget at the fastest page rate. */
  public readonly errorAlarm: cloudwatch.Alarm;
  /** The plan the API was built from. */
  public readonly plan: RegionalApiPlan;

  constructor(scope: Construct, id: string, props: RegionalApiProps) {
    super(scope, id);
    const { tier, handler } = props;
    const stack = Stack.of(this);

    // ---- Validation -------------------------------------------------------------------------
    if ((props.callerPolicy === undefined) !== (props.callerHop === undefined)) {
      const missing = props.callerPolicy ? 'callerHop' : 'callerPolicy';
      throw validationError(
        `callerPolicy and callerHop must be given together (the clients' policy and its hop to this API), ` +
          `got: no ${missing}`,
        this,
        missing,
      );
    }
    const timeout = props.integrationTimeout?.toMilliseconds();
    if (timeout !== undefined && Token.isUnresolved(timeout)) {
      throw validationError('integrationTimeout must be a concrete duration, got: a token', this, 'integrationTimeout');
    }
    if (Token.isUnresolved(props.recordName)) {
      throw validationError('recordName must be a literal (it names the domains), got: a token', this, 'recordName');
    }
    const keys = props.clientKeys;
    const plan = planRegionalApi(tier, {
      region: Token.isUnresolved(stack.region) ? undefined : stack.region,
      authorization: authorizationOf(props.authorizer),
      clientKeys: keys && {
        clients: keys.clients,
        regions: keys.regions.map((r) => (Token.isUnresolved(r) ? undefined : r)),
      },
      throttle: props.throttle,
      routes: props.routes,
      clients: props.clients,
      caller:
        props.callerPolicy && props.callerHop !== undefined
          ? { policy: props.callerPolicy.policy, hop: props.callerHop }
          : undefined,
      integrationTimeoutMs: timeout,
      handler: { timeoutSeconds: handler.timeoutSeconds, reservedConcurrency: handler.reservedConcurrency },
      authorizerPeakRequestsPerSecond: jwtAuthorizerOf(props.authorizer)?.plan.peakRequestsPerSecond,
      rateLimitPerIp: props.rateLimitPerIp,
      healthCheckPath: props.healthCheckPath,
    });
    throwProblems(plan.problems, this);
    emitWarnings(this, 'RegionalApi', plan.warnings);
    this.plan = plan;
    const zoneName = props.hostedZone.zoneName;
    const relative = props.recordName.endsWith(`.${zoneName}`)
      ? props.recordName.slice(0, -(zoneName.length + 1))
      : props.recordName;
    this.serviceName = `${relative}.${zoneName}`;
    this.regionalName = `${regionalLabel(relative, stack.region)}.${zoneName}`;
    this.healthCheckUrl = `https://${this.regionalName}${plan.healthCheckPath}`;

    // ---- Key, logs, topic --------------------------------------------------------------------
    const key = newCustomerManagedKey(this, 'Key', `Encrypts the access and WAF logs of ${this.node.path}`);
    allowCloudWatchLogs(key, this);
    this.key = key;
    this.accessLogs = newEncryptedLogGroup(this, 'AccessLogs', {
      encryptionKey: key,
      retentionDays: tier.logRetentionDays,
    });
    this.alarmTopic = props.alarmTopic ?? newAlarmTopic(this, 'AlarmTopic', `alarms of ${this.node.path}`);

    // ---- API and stage ----------------------------------------------------------------------
    const methodOptions: Record<string, apigateway.MethodDeploymentOptions> = {};
    for (const route of plan.routes) {
      for (const method of route.throttle ? route.methods : []) {
        methodOptions[`${route.path}/${method}`] = {
          throttlingRateLimit: route.throttle!.rateLimit,
          throttlingBurstLimit: route.throttle!.burstLimit,
        };
      }
    }
    this.api = new apigateway.RestApi(this, 'Resource', {
      description: `${this.node.path} (${tier.name}): regional entry point of ${this.serviceName}`,
      endpointConfiguration: { types: [apigateway.EndpointType.REGIONAL] },
      // Clients reach the API through its domains only: the keys, the web ACL's path rules and TLS 1.2 hold.
      disableExecuteApiEndpoint: true,
      cloudWatchRole: true,
      cloudWatchRoleRemovalPolicy: RemovalPolicy.RETAIN,
      deployOptions: {
        stageName: STAGE_NAME,
        description: `${this.node.path} (${tier.name})`,
        throttlingRateLimit: plan.throttle.rateLimit,
        throttlingBurstLimit: plan.throttle.burstLimit,
        methodOptions,
        tracingEnabled: true,
        metricsEnabled: true,
        loggingLevel: apigateway.MethodLoggingLevel.ERROR,
        dataTraceEnabled: false,
        accessLogDestination: new apigateway.LogGroupLogDestination(this.accessLogs),
        accessLogFormat: apigateway.AccessLogFormat.jsonWithStandardFields(),
      },
    });
    this.stage = this.api.deploymentStage;
    // API Gateway writes execution logs to a group of this name, which it would create unencrypted and kept
    // forever: the group exists first, under the key and with the tier's retention.
    this.executionLogs = newEncryptedLogGroup(this, 'ExecutionLogs', {
      logGroupName: `API-Gateway-Execution-Logs_${this.api.restApiId}/${STAGE_NAME}`,
      encryptionKey: key,
      retentionDays: tier.logRetentionDays,
    });
    this.stage.node.addDependency(this.executionLogs);
    // API Gateway invokes the alias with a role of its own rather than through the function's resource policy: the
    // role may invoke that alias and nothing else, and the function's policy stays closed (Control Tower
    // CT.LAMBDA.PR.2 cannot read a policy's source ARN built at deploy time).
    this.invokeRole = new iam.Role(this, 'InvokeRole', {
      assumedBy: new iam.ServicePrincipal('apigateway.amazonaws.com'),
      description: `API Gateway invokes ${handler.node.path}'s alias for ${this.node.path}`,
    });
    handler.alias.grantInvoke(this.invokeRole);
    acknowledgeFindings(this.invokeRole, {
      id: 'NIST.800.53.R5-IAMNoInlinePolicy',
      reason: "the inline policy belongs to this one role and names only the handler's alias",
    });
    const integration = new apigateway.Integration({
      type: apigateway.IntegrationType.AWS_PROXY,
      integrationHttpMethod: 'POST',
      uri: `${LAMBDA_INTEGRATION_PREFIX(stack.region)}${handler.alias.functionArn}/invocations`,
      options: { credentialsRole: this.invokeRole, timeout: Duration.millis(plan.integrationTimeoutMs) },
    });
    const keyRequired = plan.clients.length > 0;
    const authorization: apigateway.MethodOptions = props.authorizer
      ? { authorizer: props.authorizer }
      : { authorizationType: apigateway.AuthorizationType.IAM };
    for (const route of plan.routes) {
      const resource = this.api.root.resourceForPath(route.path);
      for (const method of route.methods) {
        resource.addMethod(method, integration, { ...authorization, apiKeyRequired: keyRequired });
      }
    }
    const health = this.api.root
      .resourceForPath(plan.healthCheckPath)
      .addMethod('GET', integration, { authorizationType: apigateway.AuthorizationType.NONE, apiKeyRequired: false });
    acknowledgeFindings(
      health,
      {
        id: 'AwsSolutions-APIG4',
        reason:
          "the deep readiness check Route 53's health checkers request: they can send neither a key nor a " +
          'signature; it answers whether the region can serve, from the same function',
      },
      {
        id: 'AwsSolutions-COG4',
        reason: "Route 53's health checkers cannot present a Cognito token; the path reveals only readiness",
      },
    );

    // ---- Domains ----------------------------------------------------------------------------
    const certificate = new acm.Certificate(this, 'Certificate', {
      domainName: this.serviceName,
      subjectAlternativeNames: [this.regionalName],
      validation: acm.CertificateValidation.fromDns(props.hostedZone),
    });
    const domain = (domainId: string, name: string) =>
      new apigateway.DomainName(this, domainId, {
        domainName: name,
        certificate,
        endpointType: apigateway.EndpointType.REGIONAL,
        securityPolicy: apigateway.SecurityPolicy.TLS_1_2,
        mapping: this.api,
      });
    this.serviceDomain = domain('ServiceDomain', this.serviceName);
    this.regionalDomain = domain('RegionalDomain', this.regionalName);

    // ---- Clients ----------------------------------------------------------------------------
    if (keys && Stack.of(keys) !== stack) {
      // This region's keys resolve its replica of the secrets, which exists once their stack has deployed.
      stack.addStackDependency(Stack.of(keys), "reads this region's copy of the clients' key secrets");
    }
    for (const client of plan.clients) {
      const apiKey = new apigateway.ApiKey(this, `${client.name}Key`, {
        description: `API key of ${client.name} on ${this.serviceName}`,
        // By name: every region resolves its own copy of the one secret (a reference would cross regions).
        value: keys && SecretValue.secretsManager(keys.secretNameOf(client.name)).unsafeUnwrap(),
      });
      if (keys && Stack.of(keys) === stack) {
        apiKey.node.addDependency(keys.secrets[client.name]);
      }
      const usagePlan = new apigateway.UsagePlan(this, `${client.name}Plan`, {
        description: `Rate and quota of ${client.name} on ${this.serviceName}`,
        apiStages: [{ api: this.api, stage: this.stage }],
        throttle: { rateLimit: client.throttle.rateLimit, burstLimit: client.throttle.burstLimit },
        quota: client.quota ? { limit: client.quota.limit, period: apigateway.Period[client.quota.period] } : undefined,
      });
      usagePlan.addApiKey(apiKey);
      this.apiKeys[client.name] = apiKey;
      this.usagePlans[client.name] = usagePlan;
    }

    // ---- Edge -------------------------------------------------------------------------------
    this.webAcl = newFleetWebAcl(this, {
      resourceArn: this.stage.stageArn,
      rateLimitPerIp: plan.rateLimitPerIp,
      healthCheckPath: plan.healthCheckPath,
      logRetentionDays: tier.logRetentionDays,
      logKey: key,
    }).webAcl;
    // The stage's ARN is built from its name, not a reference: the association must wait for the stage.
    this.node.findChild('WebAclAssociation').node.addDependency(this.stage);

    // ---- Alarm ------------------------------------------------------------------------------
    // 5XXError's average over a period is the share of requests answered 5xx (each request counts 0 or 1).
    const alarm = plan.errorAlarm;
    this.errorAlarm = new cloudwatch.Alarm(this, 'ErrorAlarm', {
      alarmDescription:
        `Share of requests to ${this.serviceName} in ${stack.region} answered 5xx over ${alarm.periodMinutes} min ` +
        `burns the error budget ${alarm.burnRate}× too fast`,
      metric: this.stage.metricServerError({
        period: Duration.seconds(alarm.periodSeconds),
        statistic: cloudwatch.Stats.AVERAGE,
      }),
      threshold: alarm.thresholdRatio,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: alarm.evaluationPeriods,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    notifyOn(this.errorAlarm, this.alarmTopic);

    // ---- Acknowledgements -------------------------------------------------------------------
    const cloudWatchRole = this.api.node.tryFindChild('CloudWatchRole');
    if (cloudWatchRole) {
      acknowledgeFindings(cloudWatchRole, {
        id: `AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/${PUSH_TO_LOGS_POLICY}]`,
        reason:
          'the policy AWS maintains for the account role API Gateway writes execution logs with; it follows the ' +
          'service as it changes',
      });
    }
    acknowledgeFindings(
      this.api,
      {
        id: 'AwsSolutions-APIG2',
        reason:
          'every route is a proxy to the function, which validates what it receives: the API does not know the ' +
          'schema of the requests, and a validator without one would check nothing',
      },
      ...(plan.authorization === 'IAM'
        ? [
            {
              id: 'AwsSolutions-COG4',
              reason: 'callers are authorized by IAM (SigV4-signed requests); give an authorizer for Cognito users',
            },
          ]
        : plan.authorization === 'REGION_AGNOSTIC'
          ? [
              {
                id: 'AwsSolutions-COG4',
                reason:
                  'a JwtAuthorizer verifies tokens of one issuer in every region; a Cognito user pool lives in one ' +
                  'region, whose failure would stop every sign-in',
              },
            ]
          : []),
    );
    acknowledgeFindings(
      this.stage,
      {
        id: 'NIST.800.53.R5-APIGWCacheEnabledAndEncrypted',
        reason:
          'no API cache: every answer comes from the function and its table (a per-region cache would answer ' +
          "from a region's own stale copy after a failover), and a cache cluster is billed by the hour",
      },
      {
        id: 'NIST.800.53.R5-APIGWSSLEnabled',
        reason:
          'a client certificate authenticates API Gateway to an HTTP backend; this backend is a Lambda alias, ' +
          'invoked through the Lambda API with the invoke role',
      },
    );
    attachHaMetadata(this, props, { component: 'RegionalApi', failureDomain: FailureDomain.REGION });
  }

  /** Requests the stage received (its `Count`, summed): the availability SLI's total (`SloAlarms.totalRequests`). */
  public metricRequests(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.stage.metricCount({ statistic: cloudwatch.Stats.SUM, ...props });
  }

  /**
   * Requests not answered 5xx (`Count` − `5XXError`, summed): the availability SLI's good events
   * (`SloAlarms.goodRequests`). A 429 counts as good: a client over its usage plan is its limit at work, but a
   * stage that sheds load beyond the region's throttle does not burn the budget either (watch its 4XXError).
   */
  public metricGoodRequests(props?: cloudwatch.MathExpressionOptions): cloudwatch.MathExpression {
    return new cloudwatch.MathExpression({
      expression: 'requests - FILL(errors, 0)',
      usingMetrics: {
        requests: this.metricRequests(),
        errors: this.stage.metricServerError({ statistic: cloudwatch.Stats.SUM }),
      },
      label: `requests to ${this.serviceName} not answered 5xx`,
      ...props,
    });
  }
}

/** What a failover does to the credentials of an authorizer (none: SigV4). */
function authorizationOf(authorizer: apigateway.IAuthorizer | undefined): ApiAuthorization {
  if (authorizer === undefined) {
    return 'IAM';
  }
  if (JwtAuthorizer.isJwtAuthorizer(authorizer)) {
    return 'REGION_AGNOSTIC';
  }
  return authorizer instanceof apigateway.CognitoUserPoolsAuthorizer ? 'USER_POOL' : 'CUSTOM';
}

/** The JwtAuthorizer an authorizer belongs to, if it is one. */
function jwtAuthorizerOf(authorizer: apigateway.IAuthorizer | undefined): JwtAuthorizer | undefined {
  const scope = Construct.isConstruct(authorizer) ? authorizer.node.scope : undefined;
  return scope instanceof JwtAuthorizer ? scope : undefined;
}
