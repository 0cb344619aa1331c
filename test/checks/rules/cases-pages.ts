import { FailoverPagesSubscribed } from '../../../lib/checks/rules';
import { FAILOVER_STEP_METADATA_KEY, HA_METADATA_KEY, HaRole, ServiceTier } from '../../../lib/core';
import { GraphInputs } from '../../../lib/checks/graph/load';
import { cfn, merge, record, tf } from '../fixtures/builders';
import { RuleCase } from './cases';

const T1 = { tier: ServiceTier.TIER_1 };
const WITNESS = { region: 'us-east-2', alarmName: 'shop-us-east-1-lost', waitSeconds: 360 };
const HTTPS = { Protocol: 'https', Endpoint: 'https://events.pagerduty.com/integration/abc/enqueue' };

/**
 * us-west-2: the alarm `Lost` notifies `Page` and starts the promotion (an EventBridge rule), whose
 * witness step pages `Page` (none with `witness` null); `subscribed` adds an `AWS::SNS::Subscription` to it.
 */
export const standbyPages = (subscribed: boolean, witness: Record<string, unknown> | null = WITNESS) =>
  cfn(
    {
      Page: { Type: 'AWS::SNS::Topic', Properties: {} },
      ...(subscribed
        ? { PageOnCall: { Type: 'AWS::SNS::Subscription', Properties: { TopicArn: { Ref: 'Page' }, ...HTTPS } } }
        : {}),
      Lost: {
        Type: 'AWS::CloudWatch::Alarm',
        Properties: { Period: 60, EvaluationPeriods: 5, AlarmActions: [{ Ref: 'Page' }], OKActions: [{ Ref: 'Page' }] },
      },
      Promote: {
        Type: 'AWS::SSM::Document',
        Properties: {
          DocumentType: 'Automation',
          Content: { parameters: { PageTopicArn: { type: 'String', default: { Ref: 'Page' } } } },
        },
        Metadata: {
          [HA_METADATA_KEY]: record(ServiceTier.TIER_1, HaRole.STANDBY),
          [FAILOVER_STEP_METADATA_KEY]: {
            step: 'promotion',
            startedBy: 'alarm',
            decisionSeconds: 0,
            ...(witness ? { witness } : {}),
          },
        },
      },
      Trigger: {
        Type: 'AWS::Events::Rule',
        Properties: {
          EventPattern: { resources: [{ 'Fn::GetAtt': ['Lost', 'Arn'] }] },
          Targets: [{ Id: 'Runbook1', Arn: { 'Fn::Join': ['', ['arn:aws:ssm:::', { Ref: 'Promote' }]] } }],
        },
      },
    },
    { ...T1, role: HaRole.STANDBY, name: 'West', region: 'us-west-2' },
  );

/** us-east-2: the witness alarm, notifying its own topic (with the topic's inline subscription, or none). */
const witnessPages = (subscribed: boolean): GraphInputs =>
  cfn(
    {
      WitnessPage: { Type: 'AWS::SNS::Topic', Properties: subscribed ? { Subscription: [HTTPS] } : {} },
      Lost: {
        Type: 'AWS::CloudWatch::Alarm',
        Properties: {
          AlarmName: WITNESS.alarmName,
          Period: 60,
          EvaluationPeriods: 5,
          TreatMissingData: 'notBreaching',
          AlarmActions: [{ Ref: 'WitnessPage' }],
        },
      },
    },
    { ...T1, name: 'Witness', region: 'us-east-2' },
  );

/** The same standby in Terraform: the alarm starts the runbook through a rule and its target. */
const tfStandbyPages = (subscribed: boolean) =>
  tf(
    {
      aws_sns_topic: { page: { name: 'shop-failover-page' } },
      ...(subscribed
        ? {
            aws_sns_topic_subscription: {
              on_call: { topic_arn: '${aws_sns_topic.page.arn}', protocol: 'https', endpoint: HTTPS.Endpoint },
            },
          }
        : {}),
      aws_cloudwatch_metric_alarm: {
        lost: { period: 60, evaluation_periods: 5, alarm_actions: ['${aws_sns_topic.page.arn}'] },
      },
      aws_ssm_document: {
        promote: {
          name: 'shop-PromoteDatabase',
          document_type: 'Automation',
          content: '{"parameters":{"PageTopicArn":{"type":"String","default":"${aws_sns_topic.page.arn}"}}}',
          '//': {
            [HA_METADATA_KEY]: record(ServiceTier.TIER_1, HaRole.STANDBY),
            [FAILOVER_STEP_METADATA_KEY]: {
              step: 'promotion',
              startedBy: 'alarm',
              decisionSeconds: 0,
              witness: WITNESS,
            },
          },
        },
      },
      aws_cloudwatch_event_rule: {
        trigger: { event_pattern: '{"resources":["${aws_cloudwatch_metric_alarm.lost.arn}"]}' },
      },
      aws_cloudwatch_event_target: {
        promote: { rule: '${aws_cloudwatch_event_rule.trigger.name}', arn: '${aws_ssm_document.promote.arn}' },
      },
    },
    { ...T1, role: HaRole.STANDBY, name: 'standby', region: 'us-west-2' },
  );

export const PAGE_CASES: RuleCase[] = [
  {
    rule: FailoverPagesSubscribed,
    engine: 'cloudformation',
    stack: 'West',
    resource: 'Page',
    message:
      'Page has no subscription, yet the runbook Promote pages it when its witness disagrees; the alarm Lost, which ' +
      'starts Promote, notifies it: SNS delivers to subscribers only',
    compliant: merge(standbyPages(true), witnessPages(true)),
    nonCompliant: merge(standbyPages(false), witnessPages(true)),
  },
  {
    rule: FailoverPagesSubscribed,
    engine: 'cloudformation',
    stack: 'Witness',
    resource: 'WitnessPage',
    message: 'WitnessPage has no subscription, yet the witness alarm Lost notifies it',
    compliant: merge(standbyPages(true), witnessPages(true)),
    nonCompliant: merge(standbyPages(true), witnessPages(false)),
  },
  {
    rule: FailoverPagesSubscribed,
    engine: 'terraform-aws',
    stack: 'standby',
    resource: 'aws_sns_topic.page',
    message:
      'the runbook aws_ssm_document.promote pages it when its witness disagrees; the alarm ' +
      'aws_cloudwatch_metric_alarm.lost, which starts aws_ssm_document.promote, notifies it',
    compliant: tfStandbyPages(true),
    nonCompliant: tfStandbyPages(false),
  },
];
