import { checkInputs } from '../../../lib/checks/check';
import { CorroboratedPromotion } from '../../../lib/checks/rules';
import { FAILOVER_STEP_METADATA_KEY, HA_METADATA_KEY, HaRole, ServiceTier } from '../../../lib/core';
import { cfn, findings, record } from '../fixtures/builders';
import { googleStandby, tfStandby, uptimeCondition } from './cases-corroboration';

/** us-west-2's promotion runbook with the failover-step record `step`. */
const runbook = (step: Record<string, unknown>) =>
  cfn(
    {
      Promote: {
        Type: 'AWS::SSM::Document',
        Properties: { DocumentType: 'Automation', Content: {} },
        Metadata: {
          [HA_METADATA_KEY]: record(ServiceTier.TIER_1, HaRole.STANDBY),
          [FAILOVER_STEP_METADATA_KEY]: { step: 'promotion', ...step },
        },
      },
    },
    { tier: ServiceTier.TIER_1, role: HaRole.STANDBY, name: 'West', region: 'us-west-2' },
  );

describe('HA-DR10 beyond its fixtures', () => {
  test('GIVEN a person starts the promotion THEN no finding: the person corroborates', () => {
    expect(findings(CorroboratedPromotion, runbook({ startedBy: 'operator', decisionSeconds: 300 }))).toEqual([]);
  });

  test('GIVEN a witness outside the analysed templates THEN the rule cannot decide, and says so', () => {
    const inputs = runbook({
      startedBy: 'alarm',
      decisionSeconds: 0,
      witness: { region: 'us-east-2', alarmName: 'shop-us-east-1-lost', waitSeconds: 120 },
    });
    expect(findings(CorroboratedPromotion, inputs)).toEqual([]);
    expect(checkInputs(inputs, { rules: [CorroboratedPromotion] }).unchecked).toEqual([
      {
        rule: 'HA-DR10',
        stack: 'West',
        resource: 'Promote',
        why: expect.stringContaining(
          'the witness alarm shop-us-east-1-lost in us-east-2 is not in the analysed templates',
        ),
      },
    ]);
  });
});

test('GIVEN a Terraform witness behind an aliased provider in us-east-2 THEN it is found and judged', () => {
  const witness = { region: 'us-east-2', alarmName: 'shop-us-east-1-lost', waitSeconds: 120 };
  const result = checkInputs(tfStandby(witness), { rules: [CorroboratedPromotion] });
  expect(result.findings).toEqual([]);
  expect(result.unchecked ?? []).toEqual([]);
});

describe('HA-DR10 on Google Cloud: the alert that starts the promotion', () => {
  const judged = (inputs: ReturnType<typeof googleStandby>) => {
    const result = checkInputs(inputs, { rules: [CorroboratedPromotion] });
    return { findings: result.findings.map((f) => f.message), unchecked: (result.unchecked ?? []).map((u) => u.why) };
  };

  test.each<[string, ReturnType<typeof googleStandby>]>([
    ['more than one of all six checkers failing', googleStandby([uptimeCondition()])],
    [
      'at least two locations (COMPARISON_GE 2)',
      googleStandby([uptimeCondition({ comparison: 'COMPARISON_GE', threshold_value: 2 })]),
    ],
    [
      'three of the four checkers USA and EUROPE hold (USA_IOWA counted once)',
      googleStandby([uptimeCondition({ threshold_value: 2 })], {}, ['USA', 'USA_IOWA', 'EUROPE']),
    ],
  ])('GIVEN %s THEN the promotion is corroborated, and the rule decided it', (_, inputs) => {
    expect(judged(inputs)).toEqual({ findings: [], unchecked: [] });
  });

  test.each<[string, ReturnType<typeof googleStandby>, string]>([
    [
      'no alert policy notifies the topic',
      googleStandby(undefined),
      'no alert policy in the analysed templates notifies projects/shop-prod/topics/orders-primary-down',
    ],
    [
      'an MQL condition',
      googleStandby([
        { display_name: 'mql', condition_monitoring_query_language: { query: 'fetch uptime_url', duration: '60s' } },
      ]),
      'has a query condition (MQL, PromQL or SQL), which the library does not read',
    ],
    [
      'a threshold from a variable',
      googleStandby([uptimeCondition({ threshold_value: '${var.failing_locations}' })]),
      'has a threshold that is not literal',
    ],
    [
      'a fraction of locations passing',
      googleStandby([
        uptimeCondition({
          aggregations: [{ cross_series_reducer: 'REDUCE_FRACTION_TRUE' }],
          comparison: 'COMPARISON_LT',
          threshold_value: 0.5,
        }),
      ]),
      'reduces the checker locations with REDUCE_FRACTION_TRUE: how many must fail is not read',
    ],
  ])('GIVEN %s THEN the rule cannot decide, and says why', (_, inputs, why) => {
    expect(judged(inputs)).toEqual({ findings: [], unchecked: [expect.stringContaining(why)] });
  });

  test.each<[string, ReturnType<typeof googleStandby>, string]>([
    [
      'a condition with no cross-series reducer',
      googleStandby([
        uptimeCondition({ aggregations: [{ alignment_period: '60s', per_series_aligner: 'ALIGN_NEXT_OLDER' }] }),
      ]),
      'reduces no series across checker locations: each location failing alone opens it',
    ],
    [
      'an absent-data condition',
      googleStandby([
        {
          display_name: 'absent',
          condition_absent: {
            filter: 'metric.type="monitoring.googleapis.com/uptime_check/check_passed"',
            duration: '300s',
          },
        },
      ]),
      'opens when monitoring.googleapis.com/uptime_check/check_passed stops reporting',
    ],
  ])('GIVEN %s THEN one vantage point promotes: an error', (_, inputs, why) => {
    expect(judged(inputs)).toEqual({ findings: [expect.stringContaining(why)], unchecked: [] });
  });

  test('GIVEN a person starts the promotion THEN the alert is not judged', () => {
    const inputs = googleStandby([uptimeCondition({ threshold_value: 0 })]);
    type Resources = Record<string, Record<string, Record<string, unknown>>>;
    const workflow = inputs.terraform![0].json as { resource: Resources };
    const body = workflow.resource.google_workflows_workflow.promotion;
    (body['//'] as Record<string, unknown>)[FAILOVER_STEP_METADATA_KEY] = {
      step: 'promotion',
      startedBy: 'operator',
      decisionSeconds: 900,
    };
    expect(judged(inputs)).toEqual({ findings: [], unchecked: [] });
  });
});
