import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { SecretsmanagerSecret } from '@cdktf/provider-aws/lib/secretsmanager-secret';
import { SecretsmanagerSecretRotation } from '@cdktf/provider-aws/lib/secretsmanager-secret-rotation';
import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { FailureDomain, HaRole, planEncryptedSecret } from '../../core';
import { emitWarnings, throwProblems } from '../diagnostics';
import { acknowledgeHaFinding } from '../ha-checks';
import { HaProps, RegionalProps } from './ha-props';
import { AccountContext, newCustomerManagedKey } from './private/keys';
import { newGeneratedValueRotation } from './private/rotation';
import { attachHaMetadata, attachHaMetadataTo, protectFromDestroy, resourcesOfProvider } from './private/metadata';
import { regionOf, replicaAlias, requireRegion } from './private/regions';

/** Props of {@link EncryptedSecret}. */
export interface EncryptedSecretProps extends HaProps, RegionalProps {
  /**
   * @default - none
   */
  readonly description?: string;
  /**
   * @default - a name Terraform generates
   */
  readonly secretName?: string;
  /**
   * Providers (aliases) of the regions the secret is replicated to, each with its own
   * customer-managed key. At least `tier.minRegions − 1`: the standby region must be able to read
   * the secret when the primary region is gone.
   * @default - none (only valid for single-region tiers)
   */
  readonly replicaProviders?: AwsProvider[];
  /**
   * ARN of the Lambda function that rotates the secret (database credentials and other values
   * another system must learn about). One of `rotationLambdaArn`, `generatedValueLength` and
   * `rotatedExternally` is required: a secret that never rotates keeps working for whoever leaked
   * it (HA-SEC1).
   * @default - no function of yours (see `generatedValueLength`)
   */
  readonly rotationLambdaArn?: string;
  /**
   * Rotate with a built-in function that writes a new random value of this many letters and
   * digits (API keys and tokens the service issues and checks itself).
   * @default - no built-in rotation
   */
  readonly generatedValueLength?: number;
  /**
   * Why the secret rotates outside Secrets Manager: a value a third party issues and only its
   * console can revoke, written with `put-secret-value` on the issuer's schedule. The reason (at
   * least 20 characters) becomes the acknowledgement of HA-SEC1 on the construct, so the report shows it.
   * @default - the secret rotates here: give `rotationLambdaArn` or `generatedValueLength`
   */
  readonly rotatedExternally?: string;
  /**
   * Days between rotations: a whole number from 1 to 1000 (Secrets Manager's range); ignored, with a
   * warning, when the value is `rotatedExternally`.
   * @default 30
   */
  readonly rotateAfterDays?: number;
  /**
   * Whether Terraform refuses to destroy the secret (`prevent_destroy`). False warns; a deleted
   * secret stays recoverable for 30 days either way.
   * @default true
   */
  readonly preventDestroy?: boolean;
}

/**
 * A Secrets Manager secret (Terraform) encrypted with a customer-managed key, replicated to the
 * tier's other regions with a key per region, rotated on a schedule, with the longest recovery
 * window and `prevent_destroy`.
 *
 * The secret starts without a value: Terraform never sees it (no value in the state); the
 * rotation function or your deployment writes it. Every HA value and rule (replicas, the one way
 * of rotating, the interval, the recovery window) comes from core's `planEncryptedSecret`, which
 * the CDK twin renders too.
 *
 * Construct ids (public API; stateful ones in bold): **`Resource`**, **`Key`**, **`ReplicaKey<n>`**
 * (n follows `replicaProviders`; keep their order), `Rotation`; with `generatedValueLength`,
 * `RotationFunction`, `RotationRole`, `RotationPolicy`, **`RotationLogKey`**, **`RotationLogs`**.
 */
export class EncryptedSecret extends Construct {
  public readonly secret: SecretsmanagerSecret;
  public readonly secretArn: string;
  public readonly keyArn: string;
  /** Replica regions, in `replicaProviders` order (undefined entries are regions unknown at synthesis). */
  public readonly replicaRegions: (string | undefined)[];

  constructor(scope: Construct, id: string, props: EncryptedSecretProps) {
    super(scope, id);
    const { tier, provider } = props;
    const replicaProviders = props.replicaProviders ?? [];
    this.replicaRegions = replicaProviders.map((p, i) => requireRegion(`replicaProviders[${i}]`, p));
    const days = props.rotateAfterDays;
    const plan = planEncryptedSecret(tier, {
      store: 'SECRETS_MANAGER',
      replicaRegionsProp: 'replicaProviders',
      primaryRegion: regionOf(this, provider),
      replicaRegions: this.replicaRegions,
      allowedRegions: props.allowedRegions,
      rotations: [
        { prop: 'rotationLambdaArn', chosen: props.rotationLambdaArn !== undefined },
        {
          prop: 'generatedValueLength',
          purpose: 'a random value the service issues itself',
          chosen: props.generatedValueLength !== undefined,
        },
      ],
      rotatedExternally: props.rotatedExternally,
      rotationInterval:
        days === undefined
          ? undefined
          : {
              prop: 'rotateAfterDays',
              unit: 'days',
              text: String(days),
              value: Token.isUnresolved(days) ? undefined : days,
            },
      generatedValueLength: props.generatedValueLength,
    });
    throwProblems(plan.problems, this);
    emitWarnings(this, 'EncryptedSecret', plan.warnings);
    const length = props.generatedValueLength === undefined ? undefined : plan.generatedValueLength;

    const context = new AccountContext(this, 'Account', provider);
    const key = newCustomerManagedKey(this, 'Key', {
      description: `Encrypts the secret ${props.secretName ?? this.node.path}`,
      context,
    });
    this.keyArn = key.arn;
    const replicaKeys = replicaProviders.map((replicaProvider) =>
      newCustomerManagedKey(this, `ReplicaKey-${replicaAlias(replicaProvider)}`, {
        description: `Encrypts the replica of the secret ${props.secretName ?? this.node.path}`,
        context: new AccountContext(this, `ReplicaAccount-${replicaAlias(replicaProvider)}`, replicaProvider),
      }),
    );
    this.secret = new SecretsmanagerSecret(this, 'Resource', {
      provider,
      name: props.secretName,
      description: props.description,
      kmsKeyId: key.arn,
      recoveryWindowInDays: plan.recoveryWindowDays,
      replica: replicaProviders.map((p, i) => ({
        region: this.replicaRegions[i] ?? (p.region as string),
        kmsKeyId: replicaKeys[i].arn,
      })),
    });
    protectFromDestroy(this.secret, props.preventDestroy, this, 'EncryptedSecret');
    this.secretArn = this.secret.arn;

    const rotationLambdaArn =
      length !== undefined
        ? newGeneratedValueRotation(this, {
            context,
            secretArn: this.secret.arn,
            keyArns: [key.arn, ...replicaKeys.map((k) => k.arn)],
            length,
            logRetentionDays: tier.logRetentionDays,
          })
        : props.rotationLambdaArn;
    if (rotationLambdaArn) {
      new SecretsmanagerSecretRotation(this, 'Rotation', {
        provider,
        secretId: this.secret.id,
        rotationLambdaArn,
        // The plan's interval, or the user's own when it is a token.
        rotationRules: { automaticallyAfterDays: plan.rotationIntervalDays ?? days! },
      });
    } else if (props.rotatedExternally !== undefined) {
      acknowledgeHaFinding(this, 'HA-SEC1', props.rotatedExternally);
    }

    for (const replicaProvider of replicaProviders) {
      attachHaMetadataTo(resourcesOfProvider(this, replicaProvider), this, props, {
        component: 'EncryptedSecret',
        failureDomain: FailureDomain.REGION,
        role: HaRole.REPLICA,
      });
    }
    attachHaMetadata(this, props, { component: 'EncryptedSecret', failureDomain: FailureDomain.REGION });
  }
}
