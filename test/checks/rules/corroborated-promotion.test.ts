import { checkInputs } from '../../../lib/checks/check';
import { CorroboratedPromotion } from '../../../lib/checks/rules';
import { FAILOVER_STEP_METADATA_KEY, HA_METADATA_KEY, HaRole, ServiceTier } from '../../../lib/core';
import { cfn, findings, record } from '../fixtures/builders';
import { tfStandby } from './cases-corroboration';

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
