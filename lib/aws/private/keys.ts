import { ArnFormat, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/**
 * A customer-managed KMS key as every construct of this library makes one: yearly rotation on,
 * retained on delete (data encrypted under a deleted key is lost), the longest deletion window,
 * and grants only for AWS resources (see {@link denyGrantsNotForAwsResources}).
 */
export function newCustomerManagedKey(scope: Construct, id: string, description: string): kms.Key {
  const key = new kms.Key(scope, id, {
    description,
    enableKeyRotation: true,
    pendingWindow: Duration.days(30),
    removalPolicy: RemovalPolicy.RETAIN,
  });
  denyGrantsNotForAwsResources(key);
  return key;
}

/**
 * Denies `kms:CreateGrant` on `key` to every principal unless an AWS service creates the grant or
 * asks for it for an AWS resource (EC2 for an encrypted volume, RDS, Secrets Manager): a grant is
 * a permission outside the key policy, and one made for a person or an application would outlive
 * any review of that policy. This is the statement AWS Control Tower's proactive control
 * CT.KMS.PR.3 requires, verbatim (`BoolIfExists`, both keys `false`).
 * @see https://docs.aws.amazon.com/controltower/latest/controlreference/kms-rules.html
 */
export function denyGrantsNotForAwsResources(key: kms.IKey): void {
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'DenyGrantsNotForAwsResources',
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: ['kms:CreateGrant'],
      // A key policy statement applies to the key it is attached to: `*` here means "this key".
      resources: ['*'],
      conditions: {
        BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' },
      },
    }),
  );
}

/**
 * Lets CloudWatch Logs in this stack's region use `key` for log groups of this account only
 * (the service needs a key-policy grant; an IAM grant cannot reach it).
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html
 */
export function allowCloudWatchLogs(key: kms.IKey, scope: Construct): void {
  const stack = Stack.of(scope);
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'AllowCloudWatchLogsOfThisAccount',
      principals: [new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
      actions: [
        'kms:Encrypt',
        'kms:Decrypt',
        'kms:ReEncryptFrom',
        'kms:ReEncryptTo',
        'kms:GenerateDataKey',
        'kms:GenerateDataKeyWithoutPlaintext',
        'kms:DescribeKey',
      ],
      // A key policy statement applies to the key it is attached to: `*` here means "this key".
      resources: ['*'],
      conditions: {
        ArnLike: {
          'kms:EncryptionContext:aws:logs:arn': stack.formatArn({
            service: 'logs',
            resource: 'log-group',
            resourceName: '*',
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          }),
        },
      },
    }),
  );
}

/** Props of {@link newEncryptedLogGroup}. */
export interface EncryptedLogGroupOptions {
  readonly retentionDays: number;
  /** Physical name, where a service needs a known prefix; undefined lets CloudFormation generate one. */
  readonly logGroupName?: string;
  readonly encryptionKey: kms.IKey;
}

/**
 * A log group encrypted with a customer-managed key, with a retention, retained on delete and
 * protected from deletion (logs are the record of what happened; deleting the stack or a careless
 * API call must not erase them).
 */
export function newEncryptedLogGroup(scope: Construct, id: string, options: EncryptedLogGroupOptions): logs.LogGroup {
  return new logs.LogGroup(scope, id, {
    logGroupName: options.logGroupName,
    encryptionKey: options.encryptionKey,
    retention: options.retentionDays as logs.RetentionDays,
    removalPolicy: RemovalPolicy.RETAIN,
    deletionProtectionEnabled: true,
  });
}
