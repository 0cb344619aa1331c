import { Stack } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { ServiceTier } from '../../lib';
import { AzEvacuationDrill } from '../../lib/aws/drill';
import { nagErrors } from '../nag';
import { testApp } from '../util';

test("the drill's gray failure and verdict pass cdk-nag AwsSolutions and NIST 800-53 rev 5", () => {
  const app = testApp();
  const stack = new Stack(app, 'Nag', { env: { region: 'us-east-1' } });
  // Only the drill is under test: the fixture is imported so that its own findings do not count.
  const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
    vpcId: 'vpc-0123456789abcdef0',
    availabilityZones: ['us-east-1a', 'us-east-1b'],
    publicSubnetIds: ['subnet-0000000000000000c', 'subnet-0000000000000000d'],
    publicSubnetIpv4CidrBlocks: ['10.0.0.0/24', '10.0.1.0/24'],
    privateSubnetIds: ['subnet-0000000000000000a', 'subnet-0000000000000000b'],
  });
  const alarm = (name: string) =>
    cloudwatch.Alarm.fromAlarmArn(stack, name, `arn:aws:cloudwatch:us-east-1:111111111111:alarm:${name}`);
  const drill = new AzEvacuationDrill(stack, 'AzDrill', {
    tier: ServiceTier.TIER_0,
    autoScalingGroup: autoscaling.AutoScalingGroup.fromAutoScalingGroupName(stack, 'Fleet', 'orders-fleet'),
    vpc,
    availabilityZone: 'us-east-1a',
    stopConditionAlarm: alarm('orders-page'),
    zoneImpairedAlarms: { 'us-east-1a': alarm('impaired-a'), 'us-east-1b': alarm('impaired-b') },
  });
  expect(drill.grayFailure).toBeDefined();
  expect(nagErrors(app)).toEqual([]);
});
