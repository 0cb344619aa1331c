import { Duration, Stack } from 'aws-cdk-lib';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { SyntheticCanary } from '../../lib/aws/canary';
import { GoldenSignalsDashboard } from '../../lib/aws/dashboard';
import { FailoverDns } from '../../lib/aws/dns';
import { SloAlarms } from '../../lib/aws/slo';
import { ServiceTier } from '../../lib/core';
import { nagErrors } from '../nag';
import { testApp } from '../util';

test('SloAlarms, FailoverDns, SyntheticCanary and GoldenSignalsDashboard pass cdk-nag AwsSolutions and NIST 800-53 rev 5 with only reasoned acknowledgements', () => {
  const app = testApp();
  const stack = new Stack(app, 'Operations', { env: { region: 'us-east-1' } });
  const tier = ServiceTier.TIER_0;
  const loadBalancers = ['us-east-1', 'eu-west-1'].map((region) =>
    elbv2.ApplicationLoadBalancer.fromApplicationLoadBalancerAttributes(stack, `Lb-${region}`, {
      loadBalancerArn: `arn:aws:elasticloadbalancing:${region}:111111111111:loadbalancer/app/checkout/0123456789abcdef`,
      securityGroupId: 'sg-0123456789abcdef0',
      loadBalancerDnsName: `checkout-123456.${region}.elb.amazonaws.com`,
      loadBalancerCanonicalHostedZoneId: 'Z35SXDOTRQ7X7K',
    }),
  );
  const hostedZone = route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', {
    hostedZoneId: 'Z0123456789ABC',
    zoneName: 'example.com',
  });
  const endpoints = [
    { region: 'us-east-1', loadBalancer: loadBalancers[0] },
    { region: 'eu-west-1', loadBalancer: loadBalancers[1] },
  ];
  // Health-check alarms exist only in us-east-1, ARC resources only in us-west-2: one stack each.
  new FailoverDns(stack, 'Dns', { tier, hostedZone, recordName: 'api', endpoints });
  const arc = new Stack(app, 'Arc', { env: { region: 'us-west-2' } });
  new FailoverDns(arc, 'Dns', {
    tier,
    recordName: 'api',
    routingControls: true,
    endpoints,
    hostedZone: route53.HostedZone.fromHostedZoneAttributes(arc, 'Zone', {
      hostedZoneId: 'Z0123456789ABC',
      zoneName: 'example.com',
    }),
  });
  const probe = new SyntheticCanary(stack, 'Probe', { tier, url: 'https://api.example.com/health' });
  const slo = new SloAlarms(stack, 'Slo', {
    tier,
    loadBalancer: loadBalancers[0],
    latencyThreshold: Duration.millis(300),
    syntheticSuccessPercent: probe.metricSuccessPercent(),
    pageEmails: ['oncall@example.com'],
    responsePlan: 'checkout',
  });
  new GoldenSignalsDashboard(stack, 'Dashboard', {
    tier,
    loadBalancer: loadBalancers[0],
    slo,
    syntheticSuccessPercent: [probe.metricSuccessPercent()],
    regions: [
      { region: 'us-east-1', loadBalancer: loadBalancers[0] },
      { region: 'eu-west-1', loadBalancer: loadBalancers[1] },
    ],
  });
  expect(nagErrors(app)).toEqual([]);
});
