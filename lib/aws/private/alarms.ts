import { Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { newCustomerManagedKey } from './keys';

/**
 * An SNS topic for alarms, encrypted with a customer-managed key that CloudWatch may use
 * (an alarm cannot publish to a topic whose key it may not use), publishing allowed to this
 * account's CloudWatch alarms and over TLS only.
 */
export function newAlarmTopic(scope: Construct, id: string, displayName: string, key?: kms.IKey): sns.Topic {
  const account = Stack.of(scope).account;
  const masterKey = key ?? newCustomerManagedKey(scope, `${id}Key`, `Encrypts the ${displayName} topic`);
  if (!key) {
    allowCloudWatchAlarms(masterKey, scope);
  }
  const topic = new sns.Topic(scope, id, { displayName, masterKey, enforceSSL: true });
  // The TLS deny makes this the topic's policy, which replaces SNS's default one: without this allow,
  // an alarm's publish would find no statement that permits it, and the page would never arrive.
  topic.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'AllowCloudWatchAlarmsOfThisAccount',
      principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
      actions: ['sns:Publish'],
      resources: [topic.topicArn],
      conditions: { StringEquals: { 'aws:SourceAccount': account } },
    }),
  );
  return topic;
}

/** Lets this account's CloudWatch alarms use `key`, so that they can publish to a topic it encrypts. */
export function allowCloudWatchAlarms(key: kms.IKey, scope: Construct): void {
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'AllowCloudWatchAlarmsToPublish',
      principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
      actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
      // A key policy statement applies to the key it is attached to: `*` here means "this key".
      resources: ['*'],
      conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(scope).account } },
    }),
  );
}

/** Sends an alarm's ALARM and OK transitions to a topic (so the page also says when it recovers). */
export function notifyOn(
  alarm: cloudwatch.IAlarm & {
    addAlarmAction(...a: cloudwatch.IAlarmAction[]): void;
    addOkAction(...a: cloudwatch.IAlarmAction[]): void;
  },
  topic: sns.ITopic,
): void {
  const action = new actions.SnsAction(topic);
  alarm.addAlarmAction(action);
  alarm.addOkAction(action);
}

/**
 * Seconds of breaching data an alarm needs before it fires (period × datapoints to alarm), when
 * the alarm is one of this app's metric alarms with literal settings; undefined otherwise.
 */
export function alarmWindowSeconds(alarm: cloudwatch.IAlarm): number | undefined {
  if (!(alarm instanceof cloudwatch.Alarm)) {
    return undefined;
  }
  const cfn = alarm.node.defaultChild as cloudwatch.CfnAlarm;
  const periods = cfn.datapointsToAlarm ?? cfn.evaluationPeriods;
  if (
    cfn.period === undefined ||
    periods === undefined ||
    Token.isUnresolved(cfn.period) ||
    Token.isUnresolved(periods)
  ) {
    return undefined;
  }
  return cfn.period * periods;
}
