import { Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { ServiceTier } from '../../lib';
import { FeatureFlags } from '../../lib/aws/degradation';
import { FailoverRunbooks } from '../../lib/aws/runbooks';
import { nagErrors } from '../nag';
import { testApp } from '../util';

test('FeatureFlags and their degradation runbook pass cdk-nag AwsSolutions and NIST 800-53 rev 5 with only reasoned acknowledgements', () => {
  const app = testApp();
  const stack = new Stack(app, 'Nag', { env: { region: 'eu-west-1' } });
  const alarm = cloudwatch.Alarm.fromAlarmArn(
    stack,
    'Page',
    'arn:aws:cloudwatch:eu-west-1:111111111111:alarm:shop-page',
  );
  const flags = new FeatureFlags(stack, 'Flags', {
    tier: ServiceTier.TIER_1,
    features: [{ name: 'recommendations', description: 'Recommendations' }],
    rollbackAlarm: alarm,
  });
  new FailoverRunbooks(stack, 'Runbooks', { tier: ServiceTier.TIER_1, featureFlags: flags });
  expect(nagErrors(app)).toEqual([]);
});
