import { Stack } from 'aws-cdk-lib';
import * as sns from 'aws-cdk-lib/aws-sns';
import { ServiceTier } from '../../lib';
import { IncidentResponse } from '../../lib/aws/incident-response';
import { FailoverRunbooks } from '../../lib/aws/runbooks';
import { nagErrors } from '../nag';
import { testApp } from '../util';

test('IncidentResponse passes cdk-nag AwsSolutions and NIST 800-53 rev 5 with only reasoned acknowledgements', () => {
  const app = testApp();
  const stack = new Stack(app, 'Nag', { env: { region: 'us-east-1' } });
  const pageTopic = sns.Topic.fromTopicArn(stack, 'Page', 'arn:aws:sns:us-east-1:111111111111:checkout-page');
  const runbooks = new FailoverRunbooks(stack, 'Runbooks', {
    tier: ServiceTier.TIER_1,
    loadBalancerArn: 'arn:aws:elasticloadbalancing:us-east-1:111111111111:loadbalancer/app/x/0123456789abcdef',
  });
  new IncidentResponse(stack, 'Response', {
    tier: ServiceTier.TIER_1,
    incidentCommander: { alias: 'ana-ic', displayName: 'Ana', email: 'ana@example.com' },
    communicationsLead: { alias: 'bo-comms', displayName: 'Bo', sms: '+15555550100' },
    pageTopic,
    chatChannelTopic: pageTopic,
    runbook: runbooks.startZonalShift,
    replicationRegions: ['us-east-1', 'us-west-2'],
  });
  expect(nagErrors(app)).toEqual([]);
});
