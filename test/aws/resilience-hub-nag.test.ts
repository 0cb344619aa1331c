import { Stack } from 'aws-cdk-lib';
import { ServiceTier } from '../../lib';
import { ResilienceHubApp } from '../../lib/aws/resilience-hub';
import { nagErrors } from '../nag';
import { testApp } from '../util';

// cdk-nag has no rule for the Resilience Hub types; its IAM rules judge the invoker role.
test('ResilienceHubApp passes cdk-nag AwsSolutions and NIST 800-53 rev 5 with only reasoned acknowledgements', () => {
  const app = testApp();
  const west = new Stack(app, 'West', { env: { region: 'us-west-2' } });
  const stack = new Stack(app, 'Nag', { env: { region: 'us-east-1' } });
  new ResilienceHubApp(stack, 'ResilienceHub', {
    tier: ServiceTier.TIER_1,
    service: 'checkout',
    stacks: [west, stack],
  });
  expect(nagErrors(app)).toEqual([]);
});
