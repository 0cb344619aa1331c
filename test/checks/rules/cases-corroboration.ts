import { CorroboratedPromotion } from '../../../lib/checks/rules';
import { FAILOVER_STEP_METADATA_KEY, HA_METADATA_KEY, HaRole, ServiceTier } from '../../../lib/core';
import { GraphInputs } from '../../../lib/checks/graph/load';
import { cfn, merge, record, tf } from '../fixtures/builders';
import { RuleCase } from './cases';

const T1 = { tier: ServiceTier.TIER_1 };
/** Waits one chain of the witness alarm (5 one-minute periods) and the period its restart may take. */
const WITNESS = { region: 'us-east-2', alarmName: 'shop-us-east-1-lost', waitSeconds: 360 };

/** us-west-2's promotion runbook, started by an alarm, with `witness` (or none) in its record. */
const promotion = (witness?: Record<string, unknown>) => ({
  Type: 'AWS::SSM::Document',
  Properties: { DocumentType: 'Automation', Content: {} },
  Metadata: {
    [HA_METADATA_KEY]: record(ServiceTier.TIER_1, HaRole.STANDBY),
    [FAILOVER_STEP_METADATA_KEY]: { step: 'promotion', startedBy: 'alarm', decisionSeconds: 0, witness },
  },
});

/** The witness's alarm in `region`, missing data treated as `missing`. */
const witnessAlarm = (region: string, missing: string) =>
  cfn(
    {
      Lost: {
        Type: 'AWS::CloudWatch::Alarm',
        Properties: {
          AlarmName: 'shop-us-east-1-lost',
          Namespace: 'CloudWatchSynthetics',
          MetricName: 'SuccessPercent',
          Period: 60,
          EvaluationPeriods: 5,
          DatapointsToAlarm: 5,
          TreatMissingData: missing,
        },
      },
    },
    { ...T1, name: 'Witness', region },
  );

/** The serving region us-east-1 (a load balancer), the standby's runbook in us-west-2, the witness's alarm. */
const standby = (witness: Record<string, unknown> | undefined, ...more: GraphInputs[]) =>
  merge(
    cfn(
      { Lb: { Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', Properties: {} } },
      { ...T1, name: 'East', region: 'us-east-1' },
    ),
    cfn({ Promote: promotion(witness) }, { ...T1, role: HaRole.STANDBY, name: 'West', region: 'us-west-2' }),
    ...more,
  );

/** A canary requesting `url` and its alarm (named `alarmName`), missing data not breaching. */
const probe = (url: string, alarmName?: string) => ({
  Canary: {
    Type: 'AWS::Synthetics::Canary',
    Properties: { RunConfig: { EnvironmentVariables: { PROBE_URL: url } } },
  },
  Lost: {
    Type: 'AWS::CloudWatch::Alarm',
    Properties: {
      ...(alarmName ? { AlarmName: alarmName } : {}),
      Namespace: 'CloudWatchSynthetics',
      MetricName: 'SuccessPercent',
      Dimensions: [{ Name: 'CanaryName', Value: { Ref: 'Canary' } }],
      Period: 60,
      EvaluationPeriods: 5,
      TreatMissingData: 'notBreaching',
    },
  },
});

/** us-west-2's trigger probing `triggerUrl` starts the promotion; us-east-2's witness probes `witnessUrl`. */
const probing = (triggerUrl: string, witnessUrl: string) =>
  merge(
    cfn(
      { Lb: { Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', Properties: {} } },
      { ...T1, name: 'East', region: 'us-east-1' },
    ),
    cfn(
      {
        Promote: promotion(WITNESS),
        ...probe(triggerUrl),
        Trigger: {
          Type: 'AWS::Events::Rule',
          Properties: {
            EventPattern: { resources: [{ 'Fn::GetAtt': ['Lost', 'Arn'] }] },
            Targets: [{ Id: 'Runbook1', Arn: { Ref: 'Promote' } }],
          },
        },
      },
      { ...T1, role: HaRole.STANDBY, name: 'West', region: 'us-west-2' },
    ),
    cfn(probe(witnessUrl, WITNESS.alarmName), { ...T1, name: 'Witness', region: 'us-east-2' }),
  );

/** The same runbook as Terraform writes it (an `aws_ssm_document` with its `//` block). */
export const tfStandby = (witness: Record<string, unknown> | undefined) =>
  tf(
    {
      aws_ssm_document: {
        promote: {
          name: 'shop-PromoteDatabase',
          document_type: 'Automation',
          content: '{}',
          '//': {
            [HA_METADATA_KEY]: record(ServiceTier.TIER_1, HaRole.STANDBY),
            [FAILOVER_STEP_METADATA_KEY]: { step: 'promotion', startedBy: 'alarm', decisionSeconds: 0, witness },
          },
        },
      },
      aws_cloudwatch_metric_alarm: {
        lost: {
          alarm_name: 'shop-us-east-1-lost',
          treat_missing_data: 'notBreaching',
          provider: 'aws.witness',
        },
      },
    },
    {
      ...T1,
      role: HaRole.STANDBY,
      name: 'standby',
      providers: { aws: [{ region: 'us-west-2' }, { alias: 'witness', region: 'us-east-2' }] },
    },
  );

const TOPIC = 'projects/shop-prod/topics/orders-primary-down';

/** An uptime-check condition counting failing checker locations, `change` merged into its threshold. */
export const uptimeCondition = (change: Record<string, unknown> = {}) => ({
  display_name: 'us-central1 fails from more than one location',
  condition_threshold: {
    filter:
      'metric.type="monitoring.googleapis.com/uptime_check/check_passed" AND ' +
      'metric.label.check_id="${google_monitoring_uptime_check_config.primary.uptime_check_id}" AND ' +
      'resource.type="uptime_url"',
    aggregations: [
      {
        alignment_period: '60s',
        per_series_aligner: 'ALIGN_NEXT_OLDER',
        cross_series_reducer: 'REDUCE_COUNT_FALSE',
        group_by_fields: ['resource.label.*'],
      },
    ],
    comparison: 'COMPARISON_GT',
    threshold_value: 1,
    duration: '60s',
    ...change,
  },
});

/** A condition on one region's metric: its load balancer's 5xx rate. */
export const regionalCondition = {
  display_name: 'us-central1 answers 5xx',
  condition_threshold: {
    filter: 'metric.type="loadbalancing.googleapis.com/https/request_count" AND metric.label.response_code_class=500',
    comparison: 'COMPARISON_GT',
    threshold_value: 10,
    duration: '60s',
  },
};

/**
 * A Google pilot light's promotion workflow in us-east1 that an alert starts (Eventarc on the topic
 * of a Pub/Sub channel), the policy notifying that channel with `conditions` (none: no policy), and
 * the uptime check of us-central1 its condition counts, from `regions` (none: every checker).
 */
export const googleStandby = (
  conditions: Record<string, unknown>[] | undefined,
  policy: Record<string, unknown> = {},
  regions?: string[],
) =>
  tf(
    {
      google_workflows_workflow: {
        promotion: {
          name: 'orders-promotion',
          region: 'us-east1',
          source_contents: '{}',
          '//': {
            [HA_METADATA_KEY]: record(ServiceTier.TIER_1, HaRole.STANDBY),
            [FAILOVER_STEP_METADATA_KEY]: { step: 'promotion', startedBy: 'alarm', decisionSeconds: 0 },
          },
        },
      },
      google_eventarc_trigger: {
        promotion: {
          name: 'orders-promotion',
          location: 'us-east1',
          matching_criteria: [{ attribute: 'type', value: 'google.cloud.pubsub.topic.v1.messagePublished' }],
          transport: { pubsub: { topic: TOPIC } },
          destination: { workflow: '${google_workflows_workflow.promotion.id}' },
        },
      },
      google_monitoring_notification_channel: {
        failover: { display_name: 'orders failover', type: 'pubsub', labels: { topic: TOPIC } },
      },
      google_monitoring_uptime_check_config: {
        primary: {
          display_name: 'orders in us-central1',
          period: '60s',
          timeout: '10s',
          monitored_resource: { type: 'uptime_url', labels: { host: 'us-central1.orders.example.com' } },
          ...(regions ? { selected_regions: regions } : {}),
        },
      },
      ...(conditions
        ? {
            google_monitoring_alert_policy: {
              primary_down: {
                display_name: 'orders: us-central1 unreachable',
                combiner: 'OR',
                conditions,
                notification_channels: ['${google_monitoring_notification_channel.failover.id}'],
                ...policy,
              },
            },
          }
        : {}),
    },
    { ...T1, role: HaRole.STANDBY, name: 'standby', region: 'us-east1' },
  );

const GOOGLE_MESSAGE = 'promotes the DR replica (losing the writes not yet replicated) on every incident of the alert';

export const CORROBORATION_CASES: RuleCase[] = [
  {
    rule: CorroboratedPromotion,
    engine: 'cloudformation',
    stack: 'West',
    resource: 'Promote',
    message: 'promotes the secondary (losing the writes not yet replicated) when one alarm fires, with no witness',
    compliant: standby(WITNESS, witnessAlarm('us-east-2', 'notBreaching')),
    nonCompliant: standby(undefined),
  },
  {
    rule: CorroboratedPromotion,
    engine: 'cloudformation',
    stack: 'West',
    resource: 'Promote',
    message: "is in the runbook's own region, on the same network path as the trigger",
    compliant: standby(WITNESS, witnessAlarm('us-east-2', 'notBreaching')),
    nonCompliant: standby({ ...WITNESS, region: 'us-west-2' }, witnessAlarm('us-west-2', 'notBreaching')),
  },
  {
    rule: CorroboratedPromotion,
    engine: 'cloudformation',
    stack: 'West',
    resource: 'Promote',
    message: 'is in a region the service serves from: lost with it, it never agrees',
    compliant: standby(WITNESS, witnessAlarm('us-east-2', 'missing')),
    nonCompliant: standby({ ...WITNESS, region: 'us-east-1' }, witnessAlarm('us-east-1', 'notBreaching')),
  },
  {
    rule: CorroboratedPromotion,
    engine: 'cloudformation',
    stack: 'West',
    resource: 'Promote',
    message: 'treats missing data as breaching: a witness that cannot run would agree',
    compliant: standby(WITNESS, witnessAlarm('us-east-2', 'ignore')),
    nonCompliant: standby(WITNESS, witnessAlarm('us-east-2', 'breaching')),
  },
  {
    rule: CorroboratedPromotion,
    engine: 'cloudformation',
    stack: 'West',
    resource: 'Promote',
    message:
      'probes https://shop.example.com/health/ready, the trigger https://shop-us-east-1.example.com/health/ready: ' +
      'it does not see the same endpoint',
    compliant: probing(
      'https://shop-us-east-1.example.com/health/ready',
      'https://shop-us-east-1.example.com/health/ready',
    ),
    nonCompliant: probing('https://shop-us-east-1.example.com/health/ready', 'https://shop.example.com/health/ready'),
  },
  {
    rule: CorroboratedPromotion,
    engine: 'cloudformation',
    stack: 'West',
    resource: 'Promote',
    message:
      'waits 120 s for the witness alarm shop-us-east-1-lost in us-east-2, which fires up to 60 s × (5 + 1) = 360 s ' +
      'after the trigger when its probe misses one run',
    compliant: standby(WITNESS, witnessAlarm('us-east-2', 'notBreaching')),
    nonCompliant: standby({ ...WITNESS, waitSeconds: 120 }, witnessAlarm('us-east-2', 'notBreaching')),
  },
  {
    rule: CorroboratedPromotion,
    engine: 'terraform-aws',
    stack: 'standby',
    resource: 'aws_ssm_document.promote',
    message: 'when one alarm fires, with no witness',
    compliant: tfStandby(WITNESS),
    nonCompliant: tfStandby(undefined),
  },
  {
    rule: CorroboratedPromotion,
    engine: 'terraform-google',
    stack: 'standby',
    resource: 'google_workflows_workflow.promotion',
    message: `${GOOGLE_MESSAGE} orders: us-central1 unreachable, which opens when 1 checker location fails`,
    compliant: googleStandby([uptimeCondition()]),
    nonCompliant: googleStandby([uptimeCondition({ threshold_value: 0 })]),
  },
  {
    rule: CorroboratedPromotion,
    engine: 'terraform-google',
    stack: 'standby',
    resource: 'google_workflows_workflow.promotion',
    message: 'which watches loadbalancing.googleapis.com/https/request_count: one signal from one place',
    compliant: googleStandby([uptimeCondition(), regionalCondition], { combiner: 'AND' }),
    nonCompliant: googleStandby([uptimeCondition(), regionalCondition], { combiner: 'OR' }),
  },
  {
    rule: CorroboratedPromotion,
    engine: 'terraform-google',
    stack: 'standby',
    resource: 'google_workflows_workflow.promotion',
    message: 'which groups by checker_location: each location is counted apart, so one location decides',
    compliant: googleStandby([uptimeCondition()]),
    nonCompliant: googleStandby([
      uptimeCondition({
        aggregations: [
          {
            alignment_period: '60s',
            per_series_aligner: 'ALIGN_NEXT_OLDER',
            cross_series_reducer: 'REDUCE_COUNT_FALSE',
            group_by_fields: ['metric.label.checker_location'],
          },
        ],
      }),
    ]),
  },
  {
    rule: CorroboratedPromotion,
    engine: 'terraform-google',
    stack: 'standby',
    resource: 'google_workflows_workflow.promotion',
    message: 'which needs 4 failing locations of the 3 checkers its uptime check runs from: it never opens',
    compliant: googleStandby([uptimeCondition({ threshold_value: 2 })], {}, [
      'EUROPE',
      'SOUTH_AMERICA',
      'ASIA_PACIFIC',
    ]),
    nonCompliant: googleStandby([uptimeCondition({ threshold_value: 3 })], {}, [
      'EUROPE',
      'SOUTH_AMERICA',
      'ASIA_PACIFIC',
    ]),
  },
];
