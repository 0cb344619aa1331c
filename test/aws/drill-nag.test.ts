import { Stack } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { ServiceTier } from '../../lib';
import { AzEvacuationDrill, RegionEvacuationDrill } from '../../lib/aws/drill';
import { nagErrors } from '../nag';
import { testApp } from '../util';

test('the evacuation drills pass cdk-nag AwsSolutions and NIST 800-53 rev 5 with only reasoned acknowledgements', () => {
  const app = testApp();
  const stack = new Stack(app, 'Nag', { env: { region: 'us-east-1' } });
  // Only the drills are under test: the fixture is imported so that its own findings do not count.
  const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
    vpcId: 'vpc-0123456789abcdef0',
    availabilityZones: ['us-east-1a', 'us-east-1b'],
    privateSubnetIds: ['subnet-0000000000000000a', 'subnet-0000000000000000b'],
  });
  const fleet = autoscaling.AutoScalingGroup.fromAutoScalingGroupName(stack, 'Fleet', 'orders-fleet');
  const alarm = cloudwatch.Alarm.fromAlarmArn(
    stack,
    'Page',
    'arn:aws:cloudwatch:us-east-1:111111111111:alarm:orders-page',
  );
  const cluster = rds.DatabaseCluster.fromDatabaseClusterAttributes(stack, 'Cluster', { clusterIdentifier: 'orders' });
  const schedule = scheduler.ScheduleExpression.cron({ minute: '0', hour: '10', weekDay: 'TUE' });
  new AzEvacuationDrill(stack, 'AzDrill', {
    tier: ServiceTier.TIER_1,
    autoScalingGroup: fleet,
    vpc,
    availabilityZone: 'us-east-1a',
    databaseCluster: cluster,
    stopConditionAlarm: alarm,
    schedule,
  });
  new RegionEvacuationDrill(stack, 'RegionDrill', {
    tier: ServiceTier.TIER_1,
    vpc,
    autoScalingGroup: fleet,
    stopConditionAlarm: alarm,
    schedule,
  });
  expect(nagErrors(app)).toEqual([]);
});
