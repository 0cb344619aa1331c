import { Stack } from 'aws-cdk-lib';
import { ServiceTier } from '../../lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { FailoverRunbooks, FailoverTrigger } from '../../lib/aws/runbooks';
import { nagErrors } from '../nag';
import { testApp } from '../util';

test('FailoverRunbooks pass cdk-nag AwsSolutions and NIST 800-53 rev 5 with only reasoned acknowledgements', () => {
  const app = testApp();
  const stack = new Stack(app, 'Nag', { env: { region: 'us-west-2' } });
  new FailoverRunbooks(stack, 'Runbooks', {
    tier: ServiceTier.TIER_1,
    globalClusterIdentifier: 'orders-global',
    secondaryClusterArn: 'arn:aws:rds:us-west-2:111111111111:cluster:orders-secondary',
    loadBalancerArn: 'arn:aws:elasticloadbalancing:us-west-2:111111111111:loadbalancer/app/orders/0123456789abcdef',
    standbyAutoScalingGroupName: 'orders-standby',
    primaryCapacity: { min: 3, desired: 6, max: 12 },
    headlessSecondaryWriterClass: 'db.r6g.large',
    headlessSecondarySubnetGroupName: 'orders-subnets',
    failoverTrigger: FailoverTrigger.alarm(
      cloudwatch.Alarm.fromAlarmArn(stack, 'Lost', 'arn:aws:cloudwatch:us-west-2:111111111111:alarm:primary-lost'),
    ),
  });
  expect(nagErrors(app)).toEqual([]);
});
