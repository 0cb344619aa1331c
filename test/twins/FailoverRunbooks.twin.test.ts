import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as fc from 'fast-check';
import { FailoverRunbooks, FailoverTrigger } from '../../lib/aws/runbooks';
import { DrStrategy, FAILOVER_STEP_METADATA_KEY, ServiceTier } from '../../lib/core';
import {
  FailoverRunbooks as TfFailoverRunbooks,
  FailoverTrigger as TfFailoverTrigger,
} from '../../lib/tf/aws/runbooks';
import { cdkResources, CfnResource, intents, tfJson, tfOfType } from './harness';

type Json = Record<string, unknown>;

/**
 * FailoverRunbooks on CloudFormation and on Terraform, from one intent: the same failover-step
 * record on each document (what the report counts: step, what starts it, the decision time, a
 * writer to create), the same capacity the scale-up sets, the same promotion deadline (the tier's
 * region RTO), and with an alarm the same rule (the alarm's change to ALARM) starting the same
 * runbooks with the same input (the promotion in Failover mode), and with a witness the same
 * first step reading the same alarm for as long.
 */

const ALARM_ARN = 'arn:aws:cloudwatch:us-east-1:111122223333:alarm:primary-lost';
const CLUSTER_ARN = 'arn:aws:rds:us-east-1:111122223333:cluster:orders-secondary';
const WITNESS_REGION = 'us-east-2';
const WITNESS_ALARM = 'primary-lost-seen-from-us-east-2';
const PAGE_TOPIC_ARN = 'arn:aws:sns:us-east-1:111122223333:orders-page';

// ACTIVE_ACTIVE tiers refuse an operator; the sample keeps to the tiers that take both triggers.
const tiers = ServiceTier.BUILT_IN.filter((t) => t.strategy !== DrStrategy.ACTIVE_ACTIVE);
const intent = fc
  .constantFrom(...tiers)
  .chain((tier) =>
    fc.record({
      tier: fc.constant(tier),
      promotion: fc.boolean(),
      scaleUp: fc.boolean(),
      alarm: fc.boolean(),
      // An automatic promotion's witness in a third region: how long the promotion waits for it (or the
      // planned wait), and the witness alarm's period and evaluation periods (or none given).
      witness: fc.option(
        fc
          .record({
            wait: fc.option(fc.integer({ min: 10, max: 540 }), { nil: undefined }),
            chain: fc.option(fc.tuple(fc.constantFrom(10, 60), fc.integer({ min: 1, max: 7 })), { nil: undefined }),
          })
          .filter(({ wait, chain }) => wait === undefined || chain === undefined || wait >= chain[0] * (chain[1] + 1)),
        { nil: undefined },
      ),
      decisionSeconds: fc.integer({ min: 1, max: 3600 }),
      capacity: fc
        .tuple(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 20 }))
        .map((sizes) => sizes.sort((a, b) => a - b))
        .map(([min, desired, max]) => ({ min, desired, max })),
    }),
  )
  .filter((i) => i.promotion || i.scaleUp);
type Intent = typeof intent extends fc.Arbitrary<infer T> ? T : never;

/** The HA values of one FailoverRunbooks, read from either output. */
interface RunbookValues {
  /** Per document, in construct order: the record, the scale-up capacity, the promotion deadline. */
  readonly documents: readonly unknown[];
  /** With an alarm: the rule's pattern and each target's input. */
  readonly pattern?: unknown;
  readonly inputs: readonly unknown[];
}

function documentValues(content: Record<string, unknown>, record: unknown): unknown {
  const parameters = content.parameters as Record<string, { default?: unknown }>;
  const steps = content.mainSteps as Record<string, unknown>[];
  return {
    record,
    capacity: ['MinSize', 'DesiredCapacity', 'MaxSize'].map((name) => parameters[name]?.default),
    deadline: steps.find((s) => s.name === 'WaitForPromotion')?.timeoutSeconds,
    // The witness step, its script and its wait, and the alarm it reads.
    witness: steps.find((s) => s.name === 'WaitForWitness'),
    witnessParameters: ['WitnessRegion', 'WitnessAlarmName', 'WitnessWaitSeconds'].map(
      (name) => parameters[name]?.default,
    ),
  };
}

function cdkValues(i: Intent): RunbookValues {
  const resources = cdkResources(
    (stack) =>
      new FailoverRunbooks(stack, 'Runbooks', {
        tier: i.tier,
        service: 'orders',
        failoverTrigger: i.alarm
          ? FailoverTrigger.alarm(cloudwatch.Alarm.fromAlarmArn(stack, 'Alarm', ALARM_ARN), {
              witness:
                i.witness === undefined
                  ? undefined
                  : {
                      region: WITNESS_REGION,
                      alarmName: WITNESS_ALARM,
                      pageTopic: sns.Topic.fromTopicArn(stack, 'Page', PAGE_TOPIC_ARN),
                      wait: i.witness.wait === undefined ? undefined : Duration.seconds(i.witness.wait),
                      alarmPeriod: i.witness.chain && Duration.seconds(i.witness.chain[0]),
                      alarmEvaluationPeriods: i.witness.chain?.[1],
                    },
            })
          : FailoverTrigger.operator(Duration.seconds(i.decisionSeconds)),
        ...(i.promotion ? { globalClusterIdentifier: 'orders-global', secondaryClusterArn: CLUSTER_ARN } : {}),
        ...(i.scaleUp ? { standbyAutoScalingGroupName: 'orders-standby', primaryCapacity: i.capacity } : {}),
      }),
  );
  const all = Object.values(resources) as (CfnResource & { Metadata?: Record<string, unknown> })[];
  const documents = all
    .filter((r) => r.Type === 'AWS::SSM::Document' && r.Metadata?.[FAILOVER_STEP_METADATA_KEY])
    .map((r) => documentValues(r.Properties.Content as Json, r.Metadata?.[FAILOVER_STEP_METADATA_KEY]));
  const rules = all.filter((r) => r.Type === 'AWS::Events::Rule').map((r) => r.Properties);
  return {
    documents,
    pattern: rules[0]?.EventPattern,
    inputs: ((rules[0]?.Targets ?? []) as { Input: string }[]).map((t) => JSON.parse(t.Input)),
  };
}

function tfValues(i: Intent): RunbookValues {
  const json = tfJson(
    (stack) =>
      new TfFailoverRunbooks(stack, 'Runbooks', {
        tier: i.tier,
        service: 'orders',
        failoverTrigger: i.alarm
          ? TfFailoverTrigger.alarm(
              { arn: ALARM_ARN, alarmName: 'primary-lost' },
              {
                witness:
                  i.witness === undefined
                    ? undefined
                    : {
                        region: WITNESS_REGION,
                        alarmName: WITNESS_ALARM,
                        pageTopicArn: PAGE_TOPIC_ARN,
                        waitSeconds: i.witness.wait,
                        alarmPeriodSeconds: i.witness.chain?.[0],
                        alarmEvaluationPeriods: i.witness.chain?.[1],
                      },
              },
            )
          : TfFailoverTrigger.operator(i.decisionSeconds),
        ...(i.promotion ? { globalClusterIdentifier: 'orders-global', secondaryClusterArn: CLUSTER_ARN } : {}),
        ...(i.scaleUp ? { standbyAutoScalingGroupName: 'orders-standby', primaryCapacity: i.capacity } : {}),
      }),
  );
  const documents = tfOfType(json, 'aws_ssm_document').map((d) =>
    documentValues(JSON.parse(d.content as string), (d['//'] as Json)[FAILOVER_STEP_METADATA_KEY]),
  );
  const rules = tfOfType(json, 'aws_cloudwatch_event_rule');
  return {
    documents,
    pattern: rules[0] && JSON.parse(rules[0].event_pattern as string),
    inputs: tfOfType(json, 'aws_cloudwatch_event_target').map((t) => JSON.parse(t.input as string)),
  };
}

describe('FailoverRunbooks twins', () => {
  const drawn = intents(intent);

  test('the sample covers both triggers and each runbook alone and together', () => {
    expect(new Set(drawn.map((i) => i.alarm)).size).toBe(2);
    expect(drawn.some((i) => i.alarm && i.promotion && i.witness !== undefined)).toBe(true);
    expect(new Set(drawn.map((i) => `${i.promotion}/${i.scaleUp}`)).size).toBe(3);
  });

  test.each(drawn.map((p, i) => [i, p] as const))('intent %d: both engines record and start one failover', (_, p) => {
    const cdk = cdkValues(p);
    expect(cdk.documents).toHaveLength(Number(p.promotion) + Number(p.scaleUp));
    expect(tfValues(p)).toEqual(cdk);
  });
});
