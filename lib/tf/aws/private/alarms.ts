import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SnsTopicPolicy } from '@cdktf/provider-aws/lib/sns-topic-policy';
import { Construct } from 'constructs';
import { AccountContext, newCustomerManagedKey } from './keys';

/**
 * An SNS topic for alarms, encrypted with a customer-managed key that CloudWatch may use (an
 * alarm cannot publish to a topic whose key it may not use), publishing allowed to this account's
 * CloudWatch alarms and over TLS only.
 *
 * Construct ids: `<id>Key`, `<id>`, `<id>Policy`.
 */
export function newAlarmTopic(scope: Construct, id: string, displayName: string, context: AccountContext): SnsTopic {
  const key = newCustomerManagedKey(scope, `${id}Key`, {
    description: `Encrypts the ${displayName} topic`,
    context,
    statements: [
      {
        Sid: 'AllowCloudWatchAlarmsToPublish',
        Effect: 'Allow',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
        // A key policy statement applies to the key it is attached to: `*` here means "this key".
        Resource: '*',
        Condition: { StringEquals: { 'aws:SourceAccount': context.accountId } },
      },
    ],
  });
  const topic = new SnsTopic(scope, id, { provider: context.provider, displayName, kmsMasterKeyId: key.arn });
  new SnsTopicPolicy(scope, `${id}Policy`, {
    provider: context.provider,
    arn: topic.arn,
    policy: JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'AllowCloudWatchAlarmsOfThisAccount',
          Effect: 'Allow',
          Principal: { Service: 'cloudwatch.amazonaws.com' },
          Action: 'sns:Publish',
          Resource: topic.arn,
          Condition: { StringEquals: { 'aws:SourceAccount': context.accountId } },
        },
        {
          Sid: 'DenyPublishWithoutTls',
          Effect: 'Deny',
          Principal: '*',
          Action: 'sns:Publish',
          Resource: topic.arn,
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        },
      ],
    }),
  });
  return topic;
}
