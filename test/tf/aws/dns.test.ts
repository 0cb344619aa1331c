import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Route53HealthCheck } from '@cdktf/provider-aws/lib/route53-health-check';
import { Route53Record } from '@cdktf/provider-aws/lib/route53-record';
import { Testing } from 'cdktf';
import { ServiceTier } from '../../../lib/core';
import { haSnapshot } from '../../../lib/testing/snapshot';
import { DnsRouting, FailoverDns, FailoverDnsEndpoint, FailoverDnsProps } from '../../../lib/tf/aws/dns';
import { awsStack, expectAlarmTopicPolicy, refTo, resourcesOf, warningsOf } from './util';

Testing.setupJest();

const EAST_LB = { dnsName: 'east-alb.us-east-1.elb.amazonaws.com', zoneId: 'Z35SXDOTRQ7X7K' };
const WEST_LB = { dnsName: 'west-alb.us-west-2.elb.amazonaws.com', zoneId: 'Z1H1FL5HABSF5' };
const EAST: FailoverDnsEndpoint = { region: 'us-east-1', loadBalancer: EAST_LB };
const WEST: FailoverDnsEndpoint = { region: 'us-west-2', loadBalancer: WEST_LB };

function synth(props: Partial<FailoverDnsProps> = {}, region = 'us-east-1') {
  const { stack } = awsStack(region);
  const dns = new FailoverDns(stack, 'Dns', {
    tier: ServiceTier.TIER_1,
    hostedZoneId: 'Z0123',
    recordName: 'api.example.com',
    endpoints: [EAST, WEST],
    ...props,
  });
  return { stack, dns, synthesized: Testing.synth(stack) };
}

describe('FailoverDns (Terraform)', () => {
  test('GIVEN TIER_1 THEN HTTPS health checks at the tier interval and threshold, and PRIMARY/SECONDARY alias records', () => {
    const { synthesized, dns } = synth();
    expect(dns.routing).toBe('FAILOVER');
    expect(synthesized).toHaveResourceWithProperties(Route53HealthCheck, {
      type: 'HTTPS',
      fqdn: EAST_LB.dnsName,
      port: 443,
      resource_path: '/health/ready',
      request_interval: 10,
      failure_threshold: 3,
      measure_latency: true,
    });
    expect(synthesized).toHaveResourceWithProperties(Route53Record, {
      name: 'api.example.com',
      type: 'A',
      set_identifier: 'us-east-1',
      failover_routing_policy: { type: 'PRIMARY' },
      health_check_id: refTo(Route53HealthCheck, 'Dns_HealthCheck1', 'id'),
      alias: { name: EAST_LB.dnsName, zone_id: EAST_LB.zoneId, evaluate_target_health: true },
    });
    expect(synthesized).toHaveResourceWithProperties(Route53Record, {
      set_identifier: 'us-west-2',
      failover_routing_policy: { type: 'SECONDARY' },
    });
  });

  test('THEN failover takes interval × threshold + check timeout + alias TTL, within the region RTO', () => {
    // 10 s × 3 + 6 s + 60 s.
    const { dns, stack } = synth();
    expect(dns.failoverSeconds).toBe(96);
    expect(warningsOf(stack)).toEqual([]);
  });

  test('GIVEN TIER_0 THEN latency routing over every region', () => {
    const { synthesized, dns } = synth({ tier: ServiceTier.TIER_0 });
    expect(dns.routing).toBe('LATENCY');
    expect(synthesized).toHaveResourceWithProperties(Route53Record, {
      set_identifier: 'us-west-2',
      latency_routing_policy: { region: 'us-west-2' },
    });
  });

  test('THEN an alarm per health check in us-east-1 notifies when an endpoint is unhealthy', () => {
    const { synthesized } = synth();
    const alarms = Object.values(resourcesOf(synthesized, CloudwatchMetricAlarm));
    expect(alarms).toHaveLength(2);
    expect(alarms[0]).toEqual(
      expect.objectContaining({
        namespace: 'AWS/Route53',
        metric_name: 'HealthCheckStatus',
        comparison_operator: 'LessThanThreshold',
        threshold: 1,
        alarm_actions: [expect.stringContaining('aws_sns_topic.Dns_AlarmTopic_')],
      }),
    );
  });

  test('GIVEN a provider outside us-east-1 and a metrics provider in us-east-1 THEN the alarms use it', () => {
    const { stack } = awsStack('eu-west-1');
    const useast = new AwsProvider(stack, 'useast', { region: 'us-east-1', alias: 'useast' });
    new FailoverDns(stack, 'Dns', {
      tier: ServiceTier.TIER_1,
      hostedZoneId: 'Z0123',
      recordName: 'api.example.com',
      endpoints: [EAST, WEST],
      metricsProvider: useast,
    });
    expect(Testing.synth(stack)).toHaveResourceWithProperties(CloudwatchMetricAlarm, {
      provider: 'aws.useast',
      metric_name: 'HealthCheckStatus',
    });
  });

  test('GIVEN the deprecated dnsName and zoneId of an endpoint THEN the same alias record as with loadBalancer', () => {
    const { synthesized } = synth({ endpoints: [{ region: 'us-east-1', ...EAST_LB }, WEST] });
    expect(synthesized).toHaveResourceWithProperties(Route53Record, {
      set_identifier: 'us-east-1',
      alias: { name: EAST_LB.dnsName, zone_id: EAST_LB.zoneId, evaluate_target_health: true },
    });
  });

  test('GIVEN TIER_3 with one region THEN one simple record (no set identifier, no routing policy), still health-checked', () => {
    const { synthesized, dns } = synth({ tier: ServiceTier.TIER_3, endpoints: [EAST] });
    expect(dns.routing).toBe('SIMPLE');
    const records = Object.values(resourcesOf(synthesized, Route53Record));
    expect(records).toHaveLength(1);
    expect(records[0]).not.toHaveProperty('set_identifier');
    expect(records[0]).not.toHaveProperty('failover_routing_policy');
    expect(records[0].health_check_id).toBeDefined();
  });

  test('WHEN weighted routing is asked for THEN each record carries its weight (100 unless given)', () => {
    const { synthesized } = synth({
      tier: ServiceTier.TIER_0,
      routing: DnsRouting.WEIGHTED,
      endpoints: [{ ...EAST, weight: 200 }, WEST],
    });
    expect(synthesized).toHaveResourceWithProperties(Route53Record, {
      set_identifier: 'us-east-1',
      weighted_routing_policy: { weight: 200 },
    });
    expect(synthesized).toHaveResourceWithProperties(Route53Record, {
      set_identifier: 'us-west-2',
      weighted_routing_policy: { weight: 100 },
    });
  });

  test('WHEN endpoints are domain names THEN CNAME records carry the TTL, failoverSeconds counts it, and roles are kept', () => {
    const { synthesized, dns } = synth({
      ttlSeconds: 30,
      endpoints: [
        { region: 'us-east-1', domainName: 'api.us.example.net', role: 'secondary' },
        { region: 'us-west-2', domainName: 'api.west.example.net', role: 'primary' },
      ],
    });
    expect(synthesized).toHaveResourceWithProperties(Route53Record, {
      type: 'CNAME',
      ttl: 30,
      records: ['api.west.example.net'],
      set_identifier: 'us-west-2',
      failover_routing_policy: { type: 'PRIMARY' },
    });
    expect(synthesized).toHaveResourceWithProperties(Route53Record, {
      set_identifier: 'us-east-1',
      failover_routing_policy: { type: 'SECONDARY' },
    });
    expect(synthesized).toHaveResourceWithProperties(Route53HealthCheck, { fqdn: 'api.us.example.net' });
    // 10 s × 3 + 6 s + 30 s.
    expect(dns.failoverSeconds).toBe(66);
  });

  test('WHEN latency routing is forced on a warm-standby tier THEN a warning says the standby would take traffic', () => {
    const { stack } = synth({ routing: DnsRouting.LATENCY });
    expect(warningsOf(stack)).toEqual([
      "[ha-constructs:FailoverDns.routing] routing LATENCY does not match TIER_1's WARM_STANDBY strategy (expected FAILOVER or SIMPLE): the standby region receives traffic it is not scaled for",
    ]);
  });

  test.each([
    [{ endpoints: [EAST] }, 'us-east-1', 'endpoints must list at least 2 regions for TIER_1, got: 1 (us-east-1)'],
    [
      { endpoints: [EAST, WEST, { ...WEST, region: 'eu-west-1' }] },
      'us-east-1',
      'endpoints must hold exactly 2 regions for FAILOVER routing (one PRIMARY and one SECONDARY record), got: 3 (us-east-1, us-west-2, eu-west-1)',
    ],
    [{ healthCheckPort: 70000 }, 'us-east-1', 'healthCheckPort must be an integer from 1 to 65535, got: 70000'],
    [{ ttlSeconds: -1 }, 'us-east-1', 'ttlSeconds must be a whole number of seconds from 0 to 2147483647, got: -1'],
    [
      { endpoints: [{ ...EAST, dnsName: EAST_LB.dnsName }, WEST] },
      'us-east-1',
      'endpoints[0] (us-east-1) must give its load balancer as loadBalancer, or as both of the deprecated dnsName and zoneId, got: loadBalancer, dnsName',
    ],
    [
      { healthCheckPath: 'health' },
      'us-east-1',
      'healthCheckPath must start with \'/\' and contain no whitespace, got: "health"',
    ],
    [
      {},
      'eu-west-1',
      'metricsProvider must be in us-east-1 (Route 53 publishes health-check metrics there only), got: eu-west-1',
    ],
    [
      { endpoints: [WEST, { ...WEST, region: 'eu-west-1' }], allowedRegions: ['us-west-2', 'eu-west-1'] },
      'us-east-1',
      'allowedRegions must include the regions where the records, health checks and their alarms are created (provider, and metricsProvider in us-east-1), got: us-west-2, eu-west-1 without us-east-1',
    ],
  ])('GIVEN %j in %s THEN a clear Error', (extra, region, message) => {
    // The rules and every message are planDnsFailover's (test/core/plans/dns.test.ts); these prove the engine throws them.
    expect(() => synth(extra, region)).toThrow(new Error(message));
  });

  test('THEN each region also gets a plain record of its own name in the zone, for its own probe', () => {
    const { synthesized } = synth();
    const records = Object.values(resourcesOf(synthesized, Route53Record));
    expect(records.every((r) => r.zone_id === 'Z0123')).toBe(true);
    for (const [region, lb] of [
      ['us-east-1', EAST_LB],
      ['us-west-2', WEST_LB],
    ] as const) {
      expect(synthesized).toHaveResourceWithProperties(Route53Record, {
        name: `api-${region}.example.com`,
        type: 'A',
        alias: { name: lb.dnsName, zone_id: lb.zoneId, evaluate_target_health: false },
      });
    }
    const regional = records.filter((r) => r.name.startsWith('api-'));
    expect(regional.map((r) => [r.set_identifier, r.health_check_id])).toEqual([
      [undefined, undefined],
      [undefined, undefined],
    ]);
  });

  test('THEN CloudWatch alarms of this account may publish to the topic, over TLS only', () => {
    expectAlarmTopicPolicy(synth().synthesized);
  });

  // The HA view (lib/testing) of the JSON with its // blocks, where the HA records are.
  test('HA snapshot', () => {
    expect(haSnapshot(synth().stack.toTerraform())).toMatchSnapshot();
  });
});
