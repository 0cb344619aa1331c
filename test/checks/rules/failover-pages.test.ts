import { checkInputs } from '../../../lib/checks/check';
import { FailoverPagesSubscribed } from '../../../lib/checks/rules';
import { FAILOVER_STEP_METADATA_KEY, HA_METADATA_KEY, HaRole, ServiceTier } from '../../../lib/core';
import { cfn, findings, record } from '../fixtures/builders';
import { PAGE_CASES, standbyPages } from './cases-pages';

describe.each(PAGE_CASES.map((c) => [`${c.engine} ${c.resource}`, c] as const))('HA-OBS6 %s', (_, c) => {
  test('GIVEN a subscription THEN no finding', () => {
    expect(findings(c.rule, c.compliant)).toEqual([]);
  });

  test('GIVEN none THEN one error names the topic and who publishes to it', () => {
    expect(findings(c.rule, c.nonCompliant)).toEqual([
      expect.objectContaining({ rule: 'HA-OBS6', level: 'error', resource: c.resource, message: expect.any(String) }),
    ]);
    expect(findings(c.rule, c.nonCompliant)[0].message).toContain(c.message);
  });
});

describe('HA-OBS6 beyond its fixtures', () => {
  test('GIVEN an alarm that starts no runbook THEN its unsubscribed topic is not this rule’s', () => {
    const inputs = cfn(
      {
        Topic: { Type: 'AWS::SNS::Topic', Properties: {} },
        Slow: { Type: 'AWS::CloudWatch::Alarm', Properties: { AlarmActions: [{ Ref: 'Topic' }] } },
      },
      { tier: ServiceTier.TIER_1 },
    );
    expect(findings(FailoverPagesSubscribed, inputs)).toEqual([]);
  });

  test('GIVEN a topic only in the alarm’s OK actions THEN it is not a page', () => {
    const inputs = standbyPages(true);
    const template = inputs.cloudFormation![0].template as { Resources: Record<string, Record<string, unknown>> };
    template.Resources.Recovered = { Type: 'AWS::SNS::Topic', Properties: {} };
    (template.Resources.Lost.Properties as Record<string, unknown>).OKActions = [{ Ref: 'Recovered' }];
    expect(findings(FailoverPagesSubscribed, inputs)).toEqual([]);
  });

  test('GIVEN a page topic given as an ARN outside the templates THEN the rule cannot decide, and says so', () => {
    const inputs = cfn(
      {
        Promote: {
          Type: 'AWS::SSM::Document',
          Properties: {
            DocumentType: 'Automation',
            Content: { parameters: { PageTopicArn: { default: 'arn:aws:sns:us-west-2:111111111111:page' } } },
          },
          Metadata: {
            [HA_METADATA_KEY]: record(ServiceTier.TIER_1, HaRole.STANDBY),
            [FAILOVER_STEP_METADATA_KEY]: {
              step: 'promotion',
              startedBy: 'alarm',
              decisionSeconds: 0,
              witness: { region: 'us-east-2', alarmName: 'shop-lost', waitSeconds: 360 },
            },
          },
        },
      },
      { tier: ServiceTier.TIER_1, role: HaRole.STANDBY, name: 'West', region: 'us-west-2' },
    );
    const result = checkInputs(inputs, { rules: [FailoverPagesSubscribed] });
    expect(result.findings).toEqual([]);
    expect(result.unchecked).toEqual([
      expect.objectContaining({
        rule: 'HA-OBS6',
        resource: 'Promote',
        why: expect.stringContaining('the topic its witness step pages is not in the analysed templates'),
      }),
    ]);
  });

  test('GIVEN a runbook with no witness that no alarm starts THEN its topics are not read', () => {
    const inputs = standbyPages(false, null);
    const template = inputs.cloudFormation![0].template as { Resources: Record<string, Record<string, unknown>> };
    delete template.Resources.Trigger;
    expect(findings(FailoverPagesSubscribed, inputs)).toEqual([]);
  });
});
