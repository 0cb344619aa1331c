import { Duration, Token } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { FailureDomain } from '../core';
import { JwtAuthorizerPlan, planJwtAuthorizer } from '../core/plans/jwt-authorizer';
import { HaProps } from './ha-props';
import { attachHaMetadata } from './metadata';
import { emitWarnings, throwProblems, validationError } from './private/errors';
import { allowCloudWatchLogs, newCustomerManagedKey, newEncryptedLogGroup } from './private/keys';
import { VERIFY_JWT_CODE } from './private/jwt-verifier';
import { acknowledgeFindings, acknowledgeWildcard } from './private/nag';

/**
 * Names of the environment variables the authorizer reads its issuer, audience and key set from; the report reads
 * them too, to tell that every region's authorizer accepts the same tokens.
 */
export const JWT_AUTHORIZER_ENVIRONMENT = {
  issuer: 'JWT_ISSUER',
  audience: 'JWT_AUDIENCE',
  jwksUri: 'JWKS_URI',
} as const;

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
   * VPC to run the function in (AWS Control Tower's CT.LAMBDA.PR.3 asks for one). It fetches the issuer's keys
   * over the internet: give subnets with a route out (a NAT gateway in each of their zones).
   * @default - no VPC: Lambda's own network reaches the issuer
   */
  readonly vpc?: ec2.IVpc;
  /**
   * Subnets of `vpc` the function runs in.
   * @default - the private subnets with egress of `vpc`
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
}

/**
 * A token authorizer for `RegionalApi` that verifies JSON Web Tokens of one issuer, and nothing of its region: build
 * one in every region with the same props, and a client's token is accepted wherever DNS sends it.
 *
 * The function reads `Authorization: Bearer <token>`, verifies its RS256 or ES256 signature with the issuer's key of
 * the token's `kid`, and its `iss`, `aud`, `exp` and `nbf`; it allows the whole stage, so API Gateway's cached verdict
 * serves every route. It keeps the issuer's keys for an hour, and keeps using them while the issuer does not
 * answer: the issuer's own availability matters to cold starts and to clients getting tokens, and an issuer served
 * from an AWS region fails with it (a warning).
 *
 * Construct ids (public API): `Resource` (the authorizer), `Function`, `Role`, `InvokeRole`, `Key`, `Logs`
 * (retained), `SecurityGroup` (with a VPC).
 */
export class JwtAuthorizer extends Construct {
  /** The authorizer: give it as `RegionalApi`'s `authorizer`. */
  public readonly authorizer: apigateway.TokenAuthorizer;
  /** The function that verifies tokens. */
  public readonly function: lambda.IFunction;
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
    const plan = planJwtAuthorizer({
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

    this.key = newCustomerManagedKey(this, 'Key', `Encrypts the logs of ${this.node.path}`);
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
    acknowledgeFindings(role, {
      id: 'NIST.800.53.R5-IAMNoInlinePolicy',
      reason: "the inline policy belongs to this one role and names only this authorizer's log group",
    });
    let securityGroups: ec2.ISecurityGroup[] | undefined;
    if (props.vpc) {
      // What Lambda needs to attach the function's network interfaces (the actions of the
      // AWSLambdaVPCAccessExecutionRole managed policy, which AWS documents on Resource "*").
      role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          sid: 'VpcNetworkInterfaces',
          actions: [
            'ec2:CreateNetworkInterface',
            'ec2:DescribeNetworkInterfaces',
            'ec2:DescribeSubnets',
            'ec2:DeleteNetworkInterface',
            'ec2:AssignPrivateIpAddresses',
            'ec2:UnassignPrivateIpAddresses',
          ],
          resources: ['*'],
        }),
      );
      acknowledgeWildcard(
        role,
        '*',
        'the network-interface actions a VPC function needs have no resource-level permission (Resource "*")',
      );
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
        JWKS_REFRESH_SECONDS: String(plan.keysRefreshSeconds),
        JWKS_TIMEOUT_MS: String(plan.keysFetchTimeoutMs),
      },
    });
    if (!props.vpc) {
      acknowledgeFindings(fn, {
        id: 'NIST.800.53.R5-LambdaInsideVPC',
        reason:
          "it fetches the issuer's public keys from the issuer's https address and reaches nothing of the account",
      });
    }
    acknowledgeFindings(
      fn,
      {
        id: 'NIST.800.53.R5-LambdaConcurrency',
        reason:
          'API Gateway calls it once per token per cache period; a concurrency below the stage would answer the ' +
          "callers beyond it 500s, and the stage's throttle already bounds it",
      },
      {
        id: 'NIST.800.53.R5-LambdaDLQ',
        reason: 'API Gateway invokes it synchronously and answers the caller itself: no event is left to keep',
      },
    );
    this.function = fn;
    // API Gateway invokes the function with a role of its own rather than through the function's resource policy,
    // as RegionalApi does its handler: the role may invoke this function and nothing else.
    const invokeRole = new iam.Role(this, 'InvokeRole', {
      assumedBy: new iam.ServicePrincipal('apigateway.amazonaws.com'),
      description: `API Gateway invokes ${this.node.path}'s function`,
    });
    this.authorizer = new apigateway.TokenAuthorizer(this, 'Resource', {
      handler: fn,
      assumeRole: invokeRole,
      identitySource: apigateway.IdentitySource.header('Authorization'),
      // Refused before the function runs: anything but a bearer token of three base64url parts.
      validationRegex: '^Bearer [A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$',
      resultsCacheTtl: Duration.seconds(plan.resultsCacheSeconds),
    });
    // aws-cdk-lib grants the role invoking the function and its versions in a policy of the authorizer's own.
    acknowledgeWildcard(
      this.authorizer,
      `${fn.functionArn}:*`,
      "the versions and aliases of this authorizer's function alone: aws-cdk-lib's grant to the invoke role",
    );
    acknowledgeFindings(this.authorizer, {
      id: 'NIST.800.53.R5-IAMNoInlinePolicy',
      reason: "the policy belongs to the authorizer's invoke role and names only the authorizer's function",
    });
    attachHaMetadata(this, props, { component: 'JwtAuthorizer', failureDomain: FailureDomain.REGION });
  }
}
