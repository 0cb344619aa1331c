import { App, Stack } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { MultiAzNetwork, ServiceTier } from '../../lib';
import { ResilientFleet } from '../../lib/aws/fleet';
import { nagErrors } from '../nag';
import { testApp } from '../util';

test('ResilientFleet passes cdk-nag AwsSolutions and NIST 800-53 rev 5 with only reasoned acknowledgements', () => {
  const app: App = testApp();
  const stack = new Stack(app, 'Nag', { env: { region: 'us-east-1' } });
  const network = new MultiAzNetwork(stack, 'Network', {
    tier: ServiceTier.TIER_1,
    availabilityZones: ['us-east-1a', 'us-east-1b', 'us-east-1c'],
  });
  new ResilientFleet(stack, 'Fleet', {
    tier: ServiceTier.TIER_1,
    vpc: network.vpc,
    machineImage: ec2.MachineImage.latestAmazonLinux2023(),
    instanceTypes: [new ec2.InstanceType('m7i.large'), new ec2.InstanceType('m6i.large')],
    requiredCapacity: 4,
    maxCapacity: 12,
    certificate: acm.Certificate.fromCertificateArn(
      stack,
      'Certificate',
      'arn:aws:acm:us-east-1:111111111111:certificate/0f6b7e52-0000-4000-8000-000000000000',
    ),
  });
  expect(nagErrors(app)).toEqual([]);
});
