import { BurnRateAlarms } from '../../../lib/checks/rules';
import { ServiceTier } from '../../../lib/core';
import { findings } from '../fixtures/builders';
import { zonalStack } from '../fixtures/zonal-detection';

// A zone-impaired composite (breach AND NOT every zone) that notifies is no SLO burn-rate page: a
// service with per-AZ detection and no SLO alerting still misses HA-OBS1.
test('GIVEN per-AZ impaired composites that notify and no SLO alarms THEN HA-OBS1 still asks for burn-rate pages', () => {
  const inputs = zonalStack(ServiceTier.TIER_1);
  const resources = (
    inputs.cloudFormation![0].template as {
      Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
    }
  ).Resources;
  const composites = Object.values(resources).filter((r) => r.Type === 'AWS::CloudWatch::CompositeAlarm');
  expect(composites).toHaveLength(3);
  for (const composite of composites) {
    composite.Properties.AlarmActions = ['arn:aws:sns:us-east-1:111122223333:alarms'];
  }
  expect(findings(BurnRateAlarms, inputs).map((f) => f.message)).toEqual([
    expect.stringMatching(/^service shop has 0 burn-rate page alert\(s\) in App; it needs 2/),
  ]);
});
