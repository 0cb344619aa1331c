import { CorroboratedPromotion } from '../../../lib/checks/rules';
import { FAILOVER_STEP_METADATA_KEY, HA_METADATA_KEY, HaRole, ServiceTier } from '../../../lib/core';
import { GraphInputs } from '../../../lib/checks/graph/load';
import { cfn, merge, record, tf } from '../fixtures/builders';
import { RuleCase } from './cases';

const T1 = { tier: ServiceTier.TIER_1 };
const WITNESS = { region: 'us-east-2', alarmName: 'shop-us-east-1-lost', waitSeconds: 120 };

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
    engine: 'terraform-aws',
    stack: 'standby',
    resource: 'aws_ssm_document.promote',
    message: 'when one alarm fires, with no witness',
    compliant: tfStandby(WITNESS),
    nonCompliant: tfStandby(undefined),
  },
];
