import { Arn, ArnFormat, Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { FailureDomain, HaRole, planEncryptedSecret } from '../core';
import { acknowledgeHaFinding } from './acknowledge';
import { HaProps, serviceNameOf } from './ha-props';
import { attachHaMetadata } from './metadata';
import { emitWarnings, throwProblems, validationError } from './private/errors';
import { newCustomerManagedKey } from './private/keys';
import { acknowledgeFindings, acknowledgeWildcard } from './private/nag';
import { requireAliasName } from './replica-key';

/**
 * Name of the alias that {@link SecretReplicaKey} gives its key and that {@link EncryptedSecret}
 * encrypts its replicas with: `alias/<service>-secrets`, with characters an alias may not hold
 * replaced by `-`.
 */
export function secretReplicaKeyAlias(service: string): string {
  return `alias/${service.replace(/[^a-zA-Z0-9/_-]/g, '-')}-secrets`;
}

/** Props of {@link EncryptedSecret}. */
export interface EncryptedSecretProps extends HaProps {
  /**
   * Description of the secret.
   * @default - none
   */
  readonly description?: string;
  /**
   * Name of the secret.
   * @default - a name CloudFormation generates
   */
  readonly secretName?: string;
  /**
   * How Secrets Manager generates the value (e.g. `secretStringTemplate` with a user name and
   * `generateStringKey: 'password'` for database credentials).
   * @default - a 32-character random string
   */
  readonly generateSecretString?: secretsmanager.SecretStringGenerator;
  /**
   * Customer-managed key that encrypts the secret in this region.
   * @default - a new key with rotation, retained on delete
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * Regions the secret is replicated to, so that it survives the loss of this region. Each replica
   * is encrypted with a customer-managed key of its own region (see `replicaKeys`). With this
   * region, at least `tier.minRegions` (HA-SEC2).
   * @default - none (only valid for single-region tiers)
   */
  readonly replicaRegions?: string[];
  /**
   * The key of each replica region, by region name. A key in another region belongs to a stack of
   * that region: pass `kms.Key.fromKeyArn(...)` with its ARN here, or leave a region out and create
   * a {@link SecretReplicaKey} in a stack of that region that deploys before this one.
   * @default - the key aliased `secretReplicaKeyAlias(service)` in each replica region
   */
  readonly replicaKeys?: Record<string, kms.IKey>;
  /**
   * Hosted rotation (a Lambda function Secrets Manager deploys for you), for database credentials
   * (`secretsmanager.HostedRotation.postgreSqlSingleUser({ vpc, ... })`). One of `hostedRotation`,
   * `rotationLambda` and `rotatedExternally` is required: a secret that never rotates keeps working
   * for whoever leaked it (HA-SEC1).
   * @default - no hosted rotation
   */
  readonly hostedRotation?: secretsmanager.HostedRotation;
  /**
   * Your own rotation function, for secrets that are not database credentials.
   * @default - no rotation function
   */
  readonly rotationLambda?: lambda.IFunction;
  /**
   * Why the secret rotates outside Secrets Manager: a value a third party issues and only its
   * console can revoke, written here with `put-secret-value` on the issuer's schedule. The reason
   * becomes the acknowledgement of HA-SEC1 and of cdk-nag's rotation rules, so the report shows it.
   * @default - the secret rotates here: give `hostedRotation` or `rotationLambda`
   */
  readonly rotatedExternally?: string;
  /**
   * How often the secret rotates (4 hours to 1000 days); ignored, with a warning, when the value
   * is `rotatedExternally`.
   * @default Duration.days(30)
   */
  readonly rotateAfter?: Duration;
  /**
   * What happens to the secret and its key when they leave the stack. Anything but RETAIN deletes
   * credentials that data may still depend on, and warns.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * A Secrets Manager secret that survives a region loss and does not outlive its rotation period.
 *
 * Encrypted with a customer-managed key (rotation on), replicated to `replicaRegions` with a key of
 * each region, rotated on a schedule (hosted rotation for database credentials, or your function),
 * retained on delete. `grantRead` grants exactly `GetSecretValue`, `DescribeSecret` and `kms:Decrypt`
 * through Secrets Manager, on the secret and its replicas.
 *
 * Replica keys: a KMS key belongs to one region, and a CloudFormation stack to one region, so the
 * key of a replica region cannot be created here. By default each replica is encrypted with the key
 * aliased `secretReplicaKeyAlias(service)` in its region; create it with {@link SecretReplicaKey} in
 * a stack of that region that deploys first (`primaryStack.addStackDependency(replicaKeyStack)`).
 * Workloads of a replica region get read access there with `SecretReplicaKey.grantReadReplica`
 * (give the secret a `secretName`), without a cross-region reference to this stack.
 *
 * Every HA value and rule (replicas, the one way of rotating, the interval) comes from core's
 * `planEncryptedSecret`, which the Terraform twins render too.
 *
 * Construct ids (public API): `Key`, `Resource` (the secret), `RotationSchedule`.
 */
export class EncryptedSecret extends Construct {
  /** The secret. */
  public readonly secret: secretsmanager.ISecret;
  /** The key that encrypts the secret in this region. */
  public readonly encryptionKey: kms.IKey;
  /** The rotation schedule, when the secret rotates. */
  public readonly rotationSchedule?: secretsmanager.RotationSchedule;
  /** The regions the secret is replicated to. */
  public readonly replicaRegions: string[];
  /** The key (or, for a region without an explicit key, the alias name) of each replica region. */
  public readonly replicaKeyIds: Record<string, string>;
  private readonly aliasName: string;

  constructor(scope: Construct, id: string, props: EncryptedSecretProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const region = Token.isUnresolved(stack.region) ? undefined : stack.region;
    this.replicaRegions = [...(props.replicaRegions ?? [])];

    const rotateAfter = props.rotateAfter;
    const plan = planEncryptedSecret(props.tier, {
      store: 'SECRETS_MANAGER',
      replicaRegionsProp: 'replicaRegions',
      primaryRegion: region,
      replicaRegions: this.replicaRegions.map((r) => (Token.isUnresolved(r) ? undefined : r)),
      allowedRegions: props.allowedRegions,
      rotations: [
        { prop: 'hostedRotation', purpose: 'database credentials', chosen: props.hostedRotation !== undefined },
        { prop: 'rotationLambda', chosen: props.rotationLambda !== undefined },
      ],
      rotatedExternally: props.rotatedExternally,
      rotationInterval: rotateAfter && {
        prop: 'rotateAfter',
        unit: 'seconds',
        text: rotateAfter.toHumanString(),
        value: rotateAfter.isUnresolved() ? undefined : rotateAfter.toSeconds({ integral: false }),
      },
      removalPolicy: props.removalPolicy,
    });
    throwProblems(plan.problems, this);
    const strayKeys = Object.keys(props.replicaKeys ?? {}).filter((r) => !this.replicaRegions.includes(r));
    if (strayKeys.length > 0) {
      throw validationError(
        `replicaKeys must only name regions of replicaRegions (${this.replicaRegions.join(', ') || 'none'}), got: ${strayKeys.join(', ')}`,
        this,
        'replicaKeys',
      );
    }
    for (const [replicaRegion, key] of Object.entries(props.replicaKeys ?? {})) {
      const keyRegion = Token.isUnresolved(key.keyArn)
        ? undefined
        : Arn.split(key.keyArn, ArnFormat.SLASH_RESOURCE_NAME).region;
      if (keyRegion !== undefined && keyRegion !== replicaRegion) {
        throw validationError(
          `replicaKeys.${replicaRegion} must be a key of ${replicaRegion}, got a key of: ${keyRegion}`,
          this,
          'replicaKeys',
        );
      }
    }
    const byAlias = this.replicaRegions.filter((r) => props.replicaKeys?.[r] === undefined);
    if (byAlias.length > 0 && props.service === undefined) {
      throw validationError(
        `service must be given when replicaRegions (${byAlias.join(', ')}) use the replica key found by alias (alias/<service>-secrets): the default, the stack's name, differs between the stacks of two regions, got: none`,
        this,
        'service',
      );
    }
    emitWarnings(this, 'EncryptedSecret', plan.warnings);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;

    this.encryptionKey =
      props.encryptionKey ?? newCustomerManagedKey(this, 'Key', `Encrypts the secret ${this.node.path}`);
    const secret = new secretsmanager.Secret(this, 'Resource', {
      description: props.description,
      secretName: props.secretName,
      encryptionKey: this.encryptionKey,
      generateSecretString: props.generateSecretString ?? { passwordLength: plan.generatedValueLength },
      removalPolicy,
    });
    this.secret = secret;

    const aliasName = secretReplicaKeyAlias(serviceNameOf(this, props));
    this.aliasName = aliasName;
    this.replicaKeyIds = {};
    for (const replicaRegion of this.replicaRegions) {
      const key = props.replicaKeys?.[replicaRegion];
      // An alias name is resolved in the replica's own region; an ARN names the key outright.
      this.replicaKeyIds[replicaRegion] = key ? key.keyArn : aliasName;
    }
    if (this.replicaRegions.length > 0) {
      (secret.node.defaultChild as secretsmanager.CfnSecret).addPropertyOverride(
        'ReplicaRegions',
        this.replicaRegions.map((r) => ({ Region: r, KmsKeyId: this.replicaKeyIds[r] })),
      );
    }

    if (props.hostedRotation || props.rotationLambda) {
      this.rotationSchedule = new secretsmanager.RotationSchedule(this, 'RotationSchedule', {
        secret,
        hostedRotation: props.hostedRotation,
        rotationLambda: props.rotationLambda,
        // The plan's interval, or the user's own when it is a token.
        automaticallyAfter:
          plan.rotationIntervalSeconds === undefined ? rotateAfter : Duration.seconds(plan.rotationIntervalSeconds),
      });
    } else if (props.rotatedExternally !== undefined) {
      acknowledgeHaFinding(this, 'HA-SEC1', props.rotatedExternally);
      acknowledgeFindings(
        this,
        { id: 'AwsSolutions-SMG4', reason: props.rotatedExternally },
        { id: 'NIST.800.53.R5-SecretsManagerRotationEnabled', reason: props.rotatedExternally },
      );
    }

    attachHaMetadata(this, props, {
      component: 'EncryptedSecret',
      failureDomain: this.replicaRegions.length > 0 ? FailureDomain.GLOBAL : FailureDomain.REGION,
    });
  }

  /**
   * Grants reading the secret and its replicas: `secretsmanager:GetSecretValue` and
   * `secretsmanager:DescribeSecret` on them, and `kms:Decrypt` on their keys only when Secrets Manager
   * of that region asks (`kms:ViaService`). A replica key known only by alias is matched by
   * `kms:ResourceAliases`, so the grant names no other key of that region.
   */
  public grantRead(grantee: iam.IGrantable): iam.Grant {
    const stack = Stack.of(this);
    const parts = Arn.split(this.secret.secretArn, ArnFormat.COLON_RESOURCE_NAME);
    const replicaArns = this.replicaRegions.map((replicaRegion) =>
      Arn.format({
        partition: parts.partition,
        service: 'secretsmanager',
        region: replicaRegion,
        account: parts.account,
        resource: 'secret',
        resourceName: parts.resourceName,
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      }),
    );
    let grant = iam.Grant.addToPrincipal({
      grantee,
      actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
      resourceArns: [this.secret.secretArn, ...replicaArns],
    });
    const decryptVia = (region: string) => ({
      StringEquals: { 'kms:ViaService': `secretsmanager.${region}.amazonaws.com` },
    });
    grant = grant.combine(
      iam.Grant.addToPrincipal({
        grantee,
        actions: ['kms:Decrypt'],
        resourceArns: [this.encryptionKey.keyArn],
        conditions: decryptVia(stack.region),
      }),
    );
    for (const replicaRegion of this.replicaRegions) {
      const keyId = this.replicaKeyIds[replicaRegion];
      if (keyId !== this.aliasName) {
        grant = grant.combine(
          iam.Grant.addToPrincipal({
            grantee,
            actions: ['kms:Decrypt'],
            resourceArns: [keyId],
            conditions: decryptVia(replicaRegion),
          }),
        );
        continue;
      }
      // The replica key's id is not known in this region's stack: any key of that region, but only
      // the one carrying the replica alias (kms:ResourceAliases), only through Secrets Manager.
      const anyKeyOfRegion = stack.formatArn({
        service: 'kms',
        region: replicaRegion,
        resource: 'key',
        resourceName: '*',
      });
      if (Construct.isConstruct(grantee.grantPrincipal)) {
        acknowledgeWildcard(
          grantee.grantPrincipal,
          anyKeyOfRegion,
          `kms:Decrypt on keys of ${replicaRegion} is narrowed to the key carrying alias ${this.aliasName} (kms:ResourceAliases) and to calls through Secrets Manager; the key's id lives in another region's stack`,
        );
      }
      grant = grant.combine(
        iam.Grant.addToPrincipal({
          grantee,
          actions: ['kms:Decrypt'],
          resourceArns: [anyKeyOfRegion],
          conditions: {
            ...decryptVia(replicaRegion),
            'ForAnyValue:StringEquals': { 'kms:ResourceAliases': this.aliasName },
          },
        }),
      );
    }
    return grant;
  }
}

/** Props of {@link SecretReplicaKey}. */
export interface SecretReplicaKeyProps extends HaProps {
  /**
   * Alias of the key. Keep the default unless the primary secret names this key in `replicaKeys`.
   * @default - secretReplicaKeyAlias(service)
   */
  readonly aliasName?: string;
}

/**
 * The customer-managed key that encrypts replicas of {@link EncryptedSecret} in one region.
 *
 * Create it in a stack of the replica region that deploys before the stack holding the primary
 * secret; the secret finds it by alias. Rotation on, retained on delete (a replica encrypted under a
 * deleted key is lost).
 *
 * Construct ids (public API): `Resource` (the key), `Alias`.
 */
export class SecretReplicaKey extends Construct {
  /** The key. */
  public readonly key: kms.IKey;
  /** The alias the primary secret names the key by. */
  public readonly aliasName: string;

  constructor(scope: Construct, id: string, props: SecretReplicaKeyProps) {
    super(scope, id);
    if (props.aliasName === undefined && props.service === undefined) {
      throw validationError(
        "service or aliasName must be given: the primary secret finds this key by alias/<service>-secrets, and the default service, the stack's name, differs between the stacks of two regions, got: neither",
        this,
      );
    }
    this.aliasName = props.aliasName ?? secretReplicaKeyAlias(serviceNameOf(this, props));
    requireAliasName(this.aliasName, this);
    const key = newCustomerManagedKey(
      this,
      'Resource',
      `Encrypts replicas of the secrets of ${serviceNameOf(this, props)} in this region`,
    );
    // Secrets Manager re-encrypts a replica whenever its primary changes, on behalf of whoever changed
    // it (a rotation function whose role lives in another region's stack and is unknown here). Like
    // the aws/secretsmanager key, allow any caller of this account, but only through Secrets Manager
    // of this region: who may read a replica is still decided by the Secrets Manager permissions.
    const stack = Stack.of(this);
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowSecretsManagerOfThisAccount',
        principals: [new iam.AnyPrincipal()],
        actions: [
          'kms:Encrypt',
          'kms:Decrypt',
          'kms:ReEncrypt*',
          'kms:GenerateDataKey*',
          'kms:CreateGrant',
          'kms:DescribeKey',
        ],
        // A key policy statement applies to the key it is attached to: `*` here means "this key".
        resources: ['*'],
        conditions: {
          StringEquals: {
            'kms:CallerAccount': stack.account,
            'kms:ViaService': `secretsmanager.${stack.region}.amazonaws.com`,
          },
        },
      }),
    );
    this.key = key;
    new kms.Alias(this, 'Alias', { aliasName: this.aliasName, targetKey: key, removalPolicy: RemovalPolicy.RETAIN });
    attachHaMetadata(this, props, {
      component: 'SecretReplicaKey',
      failureDomain: FailureDomain.REGION,
      role: props.role ?? HaRole.REPLICA,
    });
  }

  /**
   * Grants reading the replica, in this key's region, of the secret named `secretName` (give the
   * primary {@link EncryptedSecret} a `secretName` so that its replicas can be named here without a
   * cross-region reference): `GetSecretValue` and `DescribeSecret` on it, and `kms:Decrypt` on this key
   * only through Secrets Manager of this region. For the workloads of the standby region.
   */
  public grantReadReplica(grantee: iam.IGrantable, secretName: string): iam.Grant {
    if (!Token.isUnresolved(secretName) && secretName.trim() === '') {
      throw validationError('secretName must be the name of the primary secret, got: an empty string', this);
    }
    const stack = Stack.of(this);
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
      // Secrets Manager appends six random characters to a secret's name in its ARN.
      resourceArns: [
        stack.formatArn({
          service: 'secretsmanager',
          resource: 'secret',
          resourceName: `${secretName}-??????`,
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      ],
    }).combine(
      iam.Grant.addToPrincipal({
        grantee,
        actions: ['kms:Decrypt'],
        resourceArns: [this.key.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `secretsmanager.${stack.region}.amazonaws.com` } },
      }),
    );
  }
}
