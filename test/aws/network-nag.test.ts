import { App } from 'aws-cdk-lib';
import { MultiAzNetworkExampleStack } from '../../examples/multi-az-network';
import { nagErrors } from '../nag';
import { testApp } from '../util';

test('MultiAzNetwork passes cdk-nag AwsSolutions and NIST 800-53 rev 5 with only reasoned acknowledgements', () => {
  const app: App = testApp();
  new MultiAzNetworkExampleStack(app, 'Nag');
  expect(nagErrors(app)).toEqual([]);
});
