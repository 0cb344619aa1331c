import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { DataAwsPartition } from '@cdktf/provider-aws/lib/data-aws-partition';
import { DataAwsRegion } from '@cdktf/provider-aws/lib/data-aws-region';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Construct } from 'constructs';

/** KMS's longest pending-deletion window: the most time to notice and cancel a key deletion. */
const KEY_DELETION_WINDOW_DAYS = 30;

/**
 * Account, partition and region of one provider, read at plan time (data sources need no
 * credentials at synthesis), for ARNs and service principals in policies.
 */
export class AccountContext extends Construct {
  public readonly accountId: string;
  public readonly partition: string;
  public readonly region: string;
  public readonly provider?: AwsProvider;

  constructor(scope: Construct, id: string, provider?: AwsProvider) {
    super(scope, id);
    this.provider = provider;
    this.accountId = new DataAwsCallerIdentity(this, 'Caller', { provider }).accountId;
    this.partition = new DataAwsPartition(this, 'Partition', { provider }).partition;
    this.region = new DataAwsRegion(this, 'Region', { provider }).region;
  }

  /** `arn:<partition>:<service>:<region>:<account>:<resource>` in this context. */
  public arn(service: string, resource: string, region = this.region): string {
    return `arn:${this.partition}:${service}:${region}:${this.accountId}:${resource}`;
  }
}

/** A key-policy statement. */
export type PolicyStatement = Record<string, unknown>;

/** Options of {@link newCustomerManagedKey}. */
export interface CustomerManagedKeyOptions {
  readonly description: string;
  readonly context: AccountContext;
  /** Statements for the services that must use the key (a key policy grant; IAM cannot reach them). */
  readonly statements?: PolicyStatement[];
}

/**
 * A customer-managed KMS key as every construct of this library makes one: yearly rotation on, the
 * longest deletion window, `prevent_destroy` (data encrypted under a deleted key is lost), and a
 * policy that keeps the account in control.
 */
export function newCustomerManagedKey(scope: Construct, id: string, options: CustomerManagedKeyOptions): KmsKey {
  const { context } = options;
  const key = new KmsKey(scope, id, {
    provider: context.provider,
    description: options.description,
    enableKeyRotation: true,
    deletionWindowInDays: KEY_DELETION_WINDOW_DAYS,
    policy: JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          // The default key policy: lets this account's IAM policies govern the key. `kms:*` on
          // `*` is what AWS writes for it; without it nobody could ever administer the key again.
          Sid: 'AllowAccountToGovernKey',
          Effect: 'Allow',
          Principal: { AWS: `arn:${context.partition}:iam::${context.accountId}:root` },
          Action: 'kms:*',
          Resource: '*',
        },
        ...(options.statements ?? []),
      ],
    }),
  });
  key.lifecycle = { preventDestroy: true };
  return key;
}

/**
 * Lets CloudWatch Logs of the context's region use a key for log groups of this account only.
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html
 */
export function cloudWatchLogsStatement(context: AccountContext): PolicyStatement {
  return {
    Sid: 'AllowCloudWatchLogsOfThisAccount',
    Effect: 'Allow',
    Principal: { Service: `logs.${context.region}.amazonaws.com` },
    Action: [
      'kms:Encrypt',
      'kms:Decrypt',
      'kms:ReEncryptFrom',
      'kms:ReEncryptTo',
      'kms:GenerateDataKey',
      'kms:GenerateDataKeyWithoutPlaintext',
      'kms:DescribeKey',
    ],
    // A key policy statement applies to the key it is attached to: `*` here means "this key".
    Resource: '*',
    Condition: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': context.arn('logs', 'log-group:*') } },
  };
}
