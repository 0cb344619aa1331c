import { App, Stack } from 'aws-cdk-lib';
import { MultiAzNetwork } from '../../lib/aws/network';
import { ServiceTier } from '../../lib/core';
import { nagErrors } from '../nag';
import { testApp } from '../util';

test('MultiAzNetwork passes cdk-nag AwsSolutions and NIST 800-53 rev 5 with only reasoned acknowledgements', () => {
  const app: App = testApp();
  const stack = new Stack(app, 'Nag', { env: { region: 'us-east-1' } });
  new MultiAzNetwork(stack, 'Network', {
    tier: ServiceTier.TIER_1,
    service: 'example-network',
    availabilityZones: ['us-east-1a', 'us-east-1b', 'us-east-1c'],
  });
  expect(nagErrors(app)).toEqual([]);
});
