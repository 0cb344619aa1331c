import { App, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { DnsRouting, FailoverDns, FailoverDnsEndpoint, FailoverDnsProps } from '../../lib/aws/dns';
import {
  dnsFailoverSeconds,
  HA_METADATA_KEY,
  ROUTE53_ALIAS_ELB_TTL_SECONDS,
  ROUTE53_FAILOVER_TTL_MAX_SECONDS,
  ServiceTier,
} from '../../lib/core';
import { ROUTE53_HEALTH_CHECKER_REGIONS } from '../../lib/core/route53-checkers';
import { haSnapshot } from '../../lib/testing/snapshot';
import { expectAlarmTopic, expectValidationError, printedWarning, quietly, recommendedApp } from '../util';

// The CLI's recommended flags, as `cdk init` writes them: the assertions pin ARNs with the partition
// literal and weak cross-region references. Every construct in a bare App: test/aws/default-apps.test.ts.

/** What synthesizing a DNS stack outside us-east-1 prints: its health checks get no alarms there. */
function noAlarmsPrinted(stackRegion: string): RegExp {
  return printedWarning(
    'Dns/Dns',
    'ha-constructs:FailoverDns.healthCheckAlarms',
    `no health-check alarms: Route 53 publishes health-check metrics in us-east-1 only and an alarm must live in its metric's region; put the DNS stack in us-east-1 to get them, got: ${stackRegion}`,
  );
}

type Resources = Record<
  string,
  { Type: string; Properties: Record<string, unknown>; Metadata?: Record<string, unknown> }
>;

/** A region's stack with its own load balancer, as the tier examples build them. */
function regionalLoadBalancer(app: App, region: string): elbv2.ApplicationLoadBalancer {
  const stack = new Stack(app, `Service-${region}`, {
    env: { account: '111111111111', region },
    crossRegionReferences: true,
  });
  const vpc = new ec2.Vpc(stack, 'Vpc', { availabilityZones: [`${region}a`, `${region}b`], natGateways: 0 });
  return new elbv2.ApplicationLoadBalancer(stack, 'Lb', { vpc, internetFacing: true });
}

function importedLoadBalancer(scope: Stack, region: string): elbv2.IApplicationLoadBalancer {
  return elbv2.ApplicationLoadBalancer.fromApplicationLoadBalancerAttributes(scope, `Lb-${region}`, {
    loadBalancerArn: `arn:aws:elasticloadbalancing:${region}:111111111111:loadbalancer/app/checkout/0123456789abcdef`,
    securityGroupId: 'sg-0123456789abcdef0',
    loadBalancerDnsName: `checkout-123456.${region}.elb.amazonaws.com`,
    loadBalancerCanonicalHostedZoneId: region === 'us-east-1' ? 'Z35SXDOTRQ7X7K' : 'Z32O12XQLNTSW2',
  });
}

function synth(props: Partial<FailoverDnsProps> & { stackRegion?: string; regions?: string[] } = {}) {
  const { stackRegion = 'us-east-1', regions = ['us-east-1', 'eu-west-1'], ...rest } = props;
  const stack = new Stack(recommendedApp(), 'Dns', { env: { region: stackRegion } });
  const hostedZone = route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', {
    hostedZoneId: 'Z0123456789ABC',
    zoneName: 'example.com',
  });
  const endpoints: FailoverDnsEndpoint[] = regions.map((region) => ({
    region,
    loadBalancer: importedLoadBalancer(stack, region),
  }));
  const dns = new FailoverDns(stack, 'Dns', {
    tier: ServiceTier.TIER_0,
    service: 'checkout',
    hostedZone,
    recordName: 'api',
    endpoints,
    ...rest,
  });
  const template = Template.fromStack(stack);
  return { stack, dns, template, resources: template.toJSON().Resources as Resources };
}

function ofType(resources: Resources, type: string) {
  return Object.entries(resources).filter(([, r]) => r.Type === type);
}

describe('FailoverDns', () => {
  test('GIVEN TIER_0 with regional stacks and cross-region references THEN one latency alias record and HTTPS health check per region', () => {
    const app = recommendedApp();
    const us = regionalLoadBalancer(app, 'us-east-1');
    const eu = regionalLoadBalancer(app, 'eu-west-1');
    const stack = new Stack(app, 'Dns', {
      env: { account: '111111111111', region: 'us-east-1' },
      crossRegionReferences: true,
    });
    const hostedZone = route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', {
      hostedZoneId: 'Z0123456789ABC',
      zoneName: 'example.com',
    });
    const dns = new FailoverDns(stack, 'Dns', {
      tier: ServiceTier.TIER_0,
      hostedZone,
      recordName: 'api',
      endpoints: [
        { region: 'us-east-1', loadBalancer: us },
        { region: 'eu-west-1', loadBalancer: eu },
      ],
    });
    const template = Template.fromStack(stack);
    expect(dns.routing).toBe(DnsRouting.LATENCY);
    // Two latency records, and a plain record per region that the region's own probe reads.
    template.resourceCountIs('AWS::Route53::RecordSet', 4);
    expect(dns.regionalNames).toEqual({
      'us-east-1': 'api-us-east-1.example.com',
      'eu-west-1': 'api-eu-west-1.example.com',
    });
    for (const region of ['us-east-1', 'eu-west-1']) {
      template.hasResourceProperties('AWS::Route53::RecordSet', {
        Name: `api-${region}.example.com.`,
        Type: 'A',
        Region: Match.absent(),
        SetIdentifier: Match.absent(),
        HealthCheckId: Match.absent(),
      });
    }
    for (const region of ['us-east-1', 'eu-west-1']) {
      template.hasResourceProperties('AWS::Route53::RecordSet', {
        Name: 'api.example.com.',
        Type: 'A',
        Region: region,
        SetIdentifier: region,
        AliasTarget: Match.objectLike({ EvaluateTargetHealth: true }),
        HealthCheckId: Match.anyValue(),
      });
    }
    template.resourceCountIs('AWS::Route53::HealthCheck', 2);
    template.allResourcesProperties('AWS::Route53::HealthCheck', {
      HealthCheckConfig: Match.objectLike({
        Type: 'HTTPS',
        Port: 443,
        ResourcePath: '/health/ready',
        EnableSNI: true,
        RequestInterval: ServiceTier.TIER_0.healthCheckIntervalSeconds,
        FailureThreshold: ServiceTier.TIER_0.healthCheckFailureThreshold,
        Regions: [...ROUTE53_HEALTH_CHECKER_REGIONS],
      }),
    });
    // The eu-west-1 balancer arrives as a cross-region stack output (cdk.json's weak cross-stack references).
    template.hasResourceProperties('AWS::Route53::RecordSet', {
      Region: 'eu-west-1',
      AliasTarget: Match.objectLike({
        HostedZoneId: {
          'Fn::GetStackOutput': Match.objectLike({ StackName: 'Service-eu-west-1', Region: 'eu-west-1' }),
        },
      }),
    });
    template.hasResourceProperties('AWS::Route53::HealthCheck', {
      HealthCheckConfig: Match.objectLike({
        FullyQualifiedDomainName: { 'Fn::GetStackOutput': Match.objectLike({ Region: 'eu-west-1' }) },
      }),
    });
    expect(dns.healthCheckAlarms).toHaveLength(2);
  });

  test("THEN failoverSeconds is core's figure for the tier settings and the alias TTL, within TIER_0's region RTO", () => {
    const { dns } = synth();
    const expected = dnsFailoverSeconds({
      intervalSeconds: ServiceTier.TIER_0.healthCheckIntervalSeconds,
      failureThreshold: ServiceTier.TIER_0.healthCheckFailureThreshold,
      ttlSeconds: ROUTE53_ALIAS_ELB_TTL_SECONDS,
    });
    expect(dns.failoverSeconds).toBe(expected);
    expect(dns.failoverSeconds).toBeLessThanOrEqual(ServiceTier.TIER_0.regionRtoSeconds);
  });

  test('THEN every health check has an alarm on HealthCheckStatus that notifies an encrypted topic', () => {
    const { template, resources } = synth();
    const checks = ofType(resources, 'AWS::Route53::HealthCheck').map(([id]) => id);
    template.resourceCountIs('AWS::CloudWatch::Alarm', 2);
    for (const id of checks) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/Route53',
        MetricName: 'HealthCheckStatus',
        Statistic: 'Minimum',
        Period: 60,
        Dimensions: [{ Name: 'HealthCheckId', Value: { Ref: id } }],
        ComparisonOperator: 'LessThanThreshold',
        Threshold: 1,
        AlarmActions: [{ Ref: Match.stringLikeRegexp('^DnsAlarmTopic') }],
        OKActions: [{ Ref: Match.stringLikeRegexp('^DnsAlarmTopic') }],
      });
    }
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
  });

  test('WHEN a runbook is given THEN each health-check alarm links it', () => {
    const { template } = synth({ runbookUrl: 'https://runbooks.example.com/region-failover' });
    template.allResourcesProperties('AWS::CloudWatch::Alarm', {
      AlarmDescription: Match.stringLikeRegexp(
        'fails its Route 53 health check .*Runbook: https://runbooks.example.com/region-failover$',
      ),
    });
  });

  test('WHEN the DNS stack is not in us-east-1 THEN no health-check alarms are made and a warning says why', () => {
    quietly(() => {
      const { template, stack, dns } = synth({ stackRegion: 'eu-west-1' });
      template.resourceCountIs('AWS::CloudWatch::Alarm', 0);
      template.resourceCountIs('AWS::SNS::Topic', 0);
      expect(dns.healthCheckAlarms).toEqual([]);
      Annotations.fromStack(stack).hasWarning(
        '/Dns/Dns',
        Match.stringLikeRegexp(
          'no health-check alarms: Route 53 publishes health-check metrics in us-east-1 only.*got: eu-west-1.*ha-constructs:FailoverDns.healthCheckAlarms',
        ),
      );
    }, noAlarmsPrinted('eu-west-1'));
  });

  test('GIVEN TIER_1 (warm standby) THEN a PRIMARY and a SECONDARY failover record, in the roles given', () => {
    const { template, dns } = synth({ tier: ServiceTier.TIER_1 });
    expect(dns.routing).toBe(DnsRouting.FAILOVER);
    template.hasResourceProperties('AWS::Route53::RecordSet', {
      Failover: 'PRIMARY',
      SetIdentifier: 'us-east-1',
      HealthCheckId: Match.anyValue(),
    });
    template.hasResourceProperties('AWS::Route53::RecordSet', {
      Failover: 'SECONDARY',
      SetIdentifier: 'eu-west-1',
      HealthCheckId: Match.anyValue(),
    });
    template.allResourcesProperties('AWS::Route53::RecordSet', { Region: Match.absent(), Weight: Match.absent() });
  });

  test('WHEN roles are given THEN the secondary is the one named so', () => {
    const stack = new Stack(recommendedApp(), 'Roles', { env: { region: 'us-east-1' } });
    const hostedZone = route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', {
      hostedZoneId: 'Z0123456789ABC',
      zoneName: 'example.com',
    });
    new FailoverDns(stack, 'Dns', {
      tier: ServiceTier.TIER_2,
      hostedZone,
      recordName: 'api',
      endpoints: [
        { region: 'us-east-1', loadBalancer: importedLoadBalancer(stack, 'us-east-1'), role: 'secondary' },
        { region: 'eu-west-1', loadBalancer: importedLoadBalancer(stack, 'eu-west-1'), role: 'primary' },
      ],
    });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Route53::RecordSet', { Failover: 'PRIMARY', SetIdentifier: 'eu-west-1' });
    template.hasResourceProperties('AWS::Route53::RecordSet', { Failover: 'SECONDARY', SetIdentifier: 'us-east-1' });
    // TIER_2's region RTO allows 30 s checks.
    template.allResourcesProperties('AWS::Route53::HealthCheck', {
      HealthCheckConfig: Match.objectLike({ RequestInterval: ServiceTier.TIER_2.healthCheckIntervalSeconds }),
    });
  });

  test('WHEN weighted routing is asked for THEN each record carries its weight', () => {
    const stack = new Stack(recommendedApp(), 'Weighted', { env: { region: 'us-east-1' } });
    const hostedZone = route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', {
      hostedZoneId: 'Z0123456789ABC',
      zoneName: 'example.com',
    });
    new FailoverDns(stack, 'Dns', {
      tier: ServiceTier.TIER_0,
      hostedZone,
      recordName: 'api',
      routing: DnsRouting.WEIGHTED,
      endpoints: [
        { region: 'us-east-1', loadBalancer: importedLoadBalancer(stack, 'us-east-1'), weight: 200 },
        { region: 'eu-west-1', loadBalancer: importedLoadBalancer(stack, 'eu-west-1') },
      ],
    });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Route53::RecordSet', { Weight: 200, SetIdentifier: 'us-east-1' });
    template.hasResourceProperties('AWS::Route53::RecordSet', { Weight: 100, SetIdentifier: 'eu-west-1' });
  });

  test('WHEN endpoints are domain names THEN CNAME records carry the tier TTL and failoverSeconds counts it', () => {
    const stack = new Stack(recommendedApp(), 'Cname', { env: { region: 'us-east-1' } });
    const hostedZone = route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', {
      hostedZoneId: 'Z0123456789ABC',
      zoneName: 'example.com',
    });
    const dns = new FailoverDns(stack, 'Dns', {
      tier: ServiceTier.TIER_1,
      hostedZone,
      recordName: 'api',
      ttl: Duration.seconds(30),
      endpoints: [
        { region: 'us-east-1', domainName: 'api.us.example.net' },
        { region: 'eu-west-1', domainName: 'api.eu.example.net' },
      ],
    });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Route53::RecordSet', {
      Type: 'CNAME',
      TTL: '30',
      ResourceRecords: ['api.us.example.net'],
      Failover: 'PRIMARY',
    });
    template.hasResourceProperties('AWS::Route53::HealthCheck', {
      HealthCheckConfig: Match.objectLike({ FullyQualifiedDomainName: 'api.eu.example.net' }),
    });
    expect(dns.failoverSeconds).toBe(dnsFailoverSeconds({ intervalSeconds: 10, failureThreshold: 3, ttlSeconds: 30 }));
  });

  test('GIVEN TIER_3 failing over between two domain names THEN the TTL is capped at the 60 s recommended for failover records', () => {
    const stack = new Stack(recommendedApp(), 'Tier3', { env: { region: 'us-east-1' } });
    const hostedZone = route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', {
      hostedZoneId: 'Z0123456789ABC',
      zoneName: 'example.com',
    });
    const dns = new FailoverDns(stack, 'Dns', {
      tier: ServiceTier.TIER_3,
      hostedZone,
      recordName: 'api',
      endpoints: [
        { region: 'us-east-1', domainName: 'api.us.example.net' },
        { region: 'us-west-2', domainName: 'api.restore.example.net' },
      ],
    });
    expect(ServiceTier.TIER_3.dnsTtlSeconds).toBeGreaterThan(ROUTE53_FAILOVER_TTL_MAX_SECONDS);
    Template.fromStack(stack).allResourcesProperties('AWS::Route53::RecordSet', {
      TTL: String(ROUTE53_FAILOVER_TTL_MAX_SECONDS),
    });
    expect(dns.failoverSeconds).toBe(
      dnsFailoverSeconds({
        intervalSeconds: ServiceTier.TIER_3.healthCheckIntervalSeconds,
        failureThreshold: ServiceTier.TIER_3.healthCheckFailureThreshold,
        ttlSeconds: ROUTE53_FAILOVER_TTL_MAX_SECONDS,
      }),
    );
  });

  test('WHEN an explicit TTL is above the tier limit THEN a warning with a stable id names it', () => {
    quietly(
      () => {
        const stack = new Stack(recommendedApp(), 'Ttl', { env: { region: 'us-east-1' } });
        const hostedZone = route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', {
          hostedZoneId: 'Z0123456789ABC',
          zoneName: 'example.com',
        });
        new FailoverDns(stack, 'Dns', {
          tier: ServiceTier.TIER_1,
          hostedZone,
          recordName: 'api',
          ttl: Duration.seconds(300),
          endpoints: [
            { region: 'us-east-1', domainName: 'api.us.example.net' },
            { region: 'eu-west-1', domainName: 'api.eu.example.net' },
          ],
        });
        Annotations.fromStack(stack).hasWarning(
          '/Ttl/Dns',
          Match.stringLikeRegexp(
            "ttl of 300 s is above TIER_1's limit of 60 s for FAILOVER records.*ha-constructs:FailoverDns.ttl",
          ),
        );
      },
      printedWarning(
        'Ttl/Dns',
        'ha-constructs:FailoverDns.ttl',
        "ttl of 300 s is above TIER_1's limit of 60 s for FAILOVER records: resolvers keep answering with a failed region that much longer",
      ),
    );
  });

  test('WHEN routing controls are asked for in us-west-2 THEN a cluster, a control panel, a control per region and an at-least-one-on safety rule gate the records', () => {
    quietly(() => {
      const { template, resources, dns } = synth({ routingControls: true, stackRegion: 'us-west-2' });
      template.resourceCountIs('AWS::Route53RecoveryControl::Cluster', 1);
      template.resourceCountIs('AWS::Route53RecoveryControl::ControlPanel', 1);
      template.resourceCountIs('AWS::Route53RecoveryControl::RoutingControl', 2);
      expect(Object.keys(dns.routingControls)).toEqual(['us-east-1', 'eu-west-1']);
      const controls = ofType(resources, 'AWS::Route53RecoveryControl::RoutingControl').map(([id]) => ({
        'Fn::GetAtt': [id, 'RoutingControlArn'],
      }));
      template.hasResourceProperties('AWS::Route53RecoveryControl::SafetyRule', {
        AssertionRule: { AssertedControls: controls, WaitPeriodMs: 5000 },
        RuleConfig: { Type: 'ATLEAST', Threshold: 1, Inverted: false },
      });
      template.resourceCountIs('AWS::Route53::HealthCheck', 6);
      const calculated = ofType(resources, 'AWS::Route53::HealthCheck').filter(
        ([, r]) => (r.Properties.HealthCheckConfig as { Type: string }).Type === 'CALCULATED',
      );
      expect(calculated).toHaveLength(2);
      for (const [id, check] of calculated) {
        expect(
          check.Properties.HealthCheckConfig as { HealthThreshold: number; ChildHealthChecks: unknown[] },
        ).toMatchObject({ HealthThreshold: 2 });
        expect((check.Properties.HealthCheckConfig as { ChildHealthChecks: unknown[] }).ChildHealthChecks).toHaveLength(
          2,
        );
        template.hasResourceProperties('AWS::Route53::RecordSet', { HealthCheckId: { Ref: id } });
      }
      template.hasResourceProperties('AWS::Route53::HealthCheck', {
        HealthCheckConfig: Match.objectLike({ Type: 'RECOVERY_CONTROL', RoutingControlArn: Match.anyValue() }),
      });
    }, noAlarmsPrinted('us-west-2'));
  });

  test('WHEN routing controls are asked for in a stack outside us-west-2 THEN it is a ValidationError naming routingControls and the region', () => {
    for (const stackRegion of ['us-east-1', 'eu-west-1']) {
      expectValidationError(
        () => synth({ routingControls: true, stackRegion }),
        `routingControls needs the stack in us-west-2, the only region that serves ARC's configuration API and its AWS::Route53RecoveryControl::* resources, got: ${stackRegion}`,
      );
    }
  });

  test('WHEN routing controls are asked for in an environment-agnostic stack THEN a warning with a stable id says they deploy only in us-west-2', () => {
    quietly(
      () => {
        const stack = new Stack(recommendedApp(), 'Agnostic');
        const hostedZone = route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', {
          hostedZoneId: 'Z0123456789ABC',
          zoneName: 'example.com',
        });
        new FailoverDns(stack, 'Dns', {
          tier: ServiceTier.TIER_1,
          hostedZone,
          recordName: 'api',
          routingControls: true,
          endpoints: [
            { region: 'us-east-1', loadBalancer: importedLoadBalancer(stack, 'us-east-1') },
            { region: 'eu-west-1', loadBalancer: importedLoadBalancer(stack, 'eu-west-1') },
          ],
        });
        Annotations.fromStack(stack).hasWarning(
          '/Agnostic/Dns',
          Match.stringLikeRegexp(
            'the stack has no concrete region: routingControls creates ARC resources .*deploy only in us-west-2.*ha-constructs:FailoverDns.routingControls',
          ),
        );
        Template.fromStack(stack).resourceCountIs('AWS::Route53RecoveryControl::RoutingControl', 2);
      },
      printedWarning(
        'Agnostic/Dns',
        'ha-constructs:FailoverDns.routingControls',
        'the stack has no concrete region: routingControls creates ARC resources (AWS::Route53RecoveryControl::*), which deploy only in us-west-2',
      ),
      // The stack's region also decides whether its health-check alarms receive data.
      printedWarning(
        'Agnostic/Dns',
        'ha-constructs:FailoverDns.healthCheckAlarms',
        'the stack has no concrete region: the health-check alarms only receive data when it is deployed to us-east-1',
      ),
    );
  });

  test('WHEN routing controls are off THEN the stack region is not constrained and no routingControls warning is given', () => {
    quietly(() => {
      const { stack, template } = synth({ stackRegion: 'eu-west-1' });
      template.resourceCountIs('AWS::Route53RecoveryControl::Cluster', 0);
      const ids = Annotations.fromStack(stack).findWarning(
        '*',
        Match.stringLikeRegexp('ha-constructs:FailoverDns.routingControls'),
      );
      expect(ids).toEqual([]);
    }, noAlarmsPrinted('eu-west-1'));
  });

  test('GIVEN TIER_3 with one region THEN one simple record, still health-checked and alarmed', () => {
    const { template, dns } = synth({ tier: ServiceTier.TIER_3, regions: ['us-east-1'] });
    expect(dns.routing).toBe(DnsRouting.SIMPLE);
    template.resourceCountIs('AWS::Route53::RecordSet', 1);
    template.hasResourceProperties('AWS::Route53::RecordSet', {
      SetIdentifier: Match.absent(),
      Failover: Match.absent(),
      Region: Match.absent(),
    });
    template.resourceCountIs('AWS::CloudWatch::Alarm', 1);
  });

  test('WHEN latency routing is forced on a warm-standby tier THEN a warning says the standby would take traffic', () => {
    quietly(
      () => {
        const { stack } = synth({ tier: ServiceTier.TIER_1, routing: DnsRouting.LATENCY });
        Annotations.fromStack(stack).hasWarning(
          '/Dns/Dns',
          Match.stringLikeRegexp('routing LATENCY does not match TIER_1.*ha-constructs:FailoverDns.routing'),
        );
      },
      printedWarning(
        'Dns/Dns',
        'ha-constructs:FailoverDns.routing',
        "routing LATENCY does not match TIER_1's WARM_STANDBY strategy (expected FAILOVER or SIMPLE): the standby region receives traffic it is not scaled for",
      ),
    );
  });

  test('THEN the records and health checks carry a global HA metadata record', () => {
    const { resources } = synth();
    const ours = Object.entries(resources)
      .filter(([id]) => id.startsWith('Dns'))
      .map(([, r]) => r);
    expect(ours.length).toBeGreaterThanOrEqual(6);
    for (const resource of ours) {
      expect(resource.Metadata?.[HA_METADATA_KEY]).toMatchObject({
        component: 'FailoverDns',
        role: 'global',
        failureDomain: 'global',
      });
    }
  });

  test.each<[Partial<FailoverDnsProps> & { regions?: string[]; stackRegion?: string }, string]>([
    [
      { tier: ServiceTier.TIER_1, regions: ['us-east-1'] },
      'endpoints must list at least 2 regions for TIER_1, got: 1 (us-east-1)',
    ],
    [{ healthCheckPath: 'health' }, 'healthCheckPath must start with \'/\' and contain no whitespace, got: "health"'],
    [{ healthCheckPort: 0 }, 'healthCheckPort must be an integer from 1 to 65535, got: 0'],
    [
      { checkerRegions: ['us-east-1', 'eu-west-1'] },
      'checkerRegions must list at least 3 distinct regions, got: us-east-1, eu-west-1',
    ],
    [
      { allowedRegions: ['us-east-1', 'us-west-2'] },
      'endpoints must stay within allowedRegions (us-east-1, us-west-2), got: eu-west-1',
    ],
    [
      { stackRegion: 'us-west-2', allowedRegions: ['us-east-1', 'eu-west-1'] },
      "allowedRegions must include the regions where the records and health checks are created (the stack's region), got: us-east-1, eu-west-1 without us-west-2",
    ],
    [
      { regions: ['eu-west-1', 'eu-central-1'], allowedRegions: ['eu-west-1', 'eu-central-1'] },
      "allowedRegions must include the regions where the records, health checks and their alarms are created (the stack's region), got: eu-west-1, eu-central-1 without us-east-1",
    ],
    [
      { regions: ['us-east-1', 'Ireland'] },
      'endpoints[1].region must be a literal AWS region name such as eu-west-1, got: Ireland',
    ],
  ])('%#: bad input is a ValidationError naming the prop', (override, message) => {
    // The rules and every message are planDnsFailover's (test/core/plans/dns.test.ts); these prove the engine throws them.
    expectValidationError(() => synth(override), message);
  });

  test('WHEN the plan refuses a prop THEN the error carries the prop', () => {
    expect(() => synth({ healthCheckPort: 70000 })).toThrow(expect.objectContaining({ prop: 'healthCheckPort' }));
  });

  test('WHEN measureLatency is false THEN the health checks do not measure latency (on by default)', () => {
    synth().template.allResourcesProperties('AWS::Route53::HealthCheck', {
      HealthCheckConfig: Match.objectLike({ MeasureLatency: true }),
    });
    synth({ measureLatency: false }).template.allResourcesProperties('AWS::Route53::HealthCheck', {
      HealthCheckConfig: Match.objectLike({ MeasureLatency: false }),
    });
  });

  test('GIVEN allowedRegions that hold the endpoints and the stack region THEN the construct accepts them', () => {
    quietly(() => {
      const { dns } = synth({
        stackRegion: 'eu-west-1',
        regions: ['eu-west-1', 'eu-central-1'],
        allowedRegions: ['eu-west-1', 'eu-central-1'],
      });
      expect(dns.records).toHaveLength(2);
    }, noAlarmsPrinted('eu-west-1'));
  });

  test('GIVEN an environment-agnostic stack THEN allowedRegions need not name its region (the deploy decides it)', () => {
    const stack = new Stack(recommendedApp(), 'Agnostic');
    const hostedZone = route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', {
      hostedZoneId: 'Z0123456789ABC',
      zoneName: 'example.com',
    });
    const endpoints = ['eu-west-1', 'eu-central-1'].map((region) => ({
      region,
      domainName: `api.${region}.example.net`,
    }));
    const dns = new FailoverDns(stack, 'Dns', {
      tier: ServiceTier.TIER_0,
      hostedZone,
      recordName: 'api',
      endpoints,
      allowedRegions: ['eu-west-1', 'eu-central-1'],
    });
    expect(dns.records).toHaveLength(2);
  });

  test('WHEN two endpoints of failover routing are both primary THEN the error lists the roles', () => {
    const stack = new Stack(recommendedApp(), 'Bad', { env: { region: 'us-east-1' } });
    const hostedZone = route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', {
      hostedZoneId: 'Z0123456789ABC',
      zoneName: 'example.com',
    });
    expect(
      () =>
        new FailoverDns(stack, 'Dns', {
          tier: ServiceTier.TIER_1,
          hostedZone,
          recordName: 'api',
          endpoints: [
            { region: 'us-east-1', loadBalancer: importedLoadBalancer(stack, 'us-east-1'), role: 'primary' },
            { region: 'eu-west-1', loadBalancer: importedLoadBalancer(stack, 'eu-west-1'), role: 'primary' },
          ],
        }),
    ).toThrow(
      'endpoints must hold one primary and one secondary for FAILOVER routing, got: primary us-east-1, primary eu-west-1',
    );
  });

  test("THEN every record of the zone aliases its region's balancer by its dualstack name and canonical zone", () => {
    const { resources } = synth();
    const records = ofType(resources, 'AWS::Route53::RecordSet').map(([, r]) => r.Properties);
    expect(records).toHaveLength(4);
    for (const record of records) {
      const region = String(record.Region ?? record.Name).match(/(us-east-1|eu-west-1)/)![1];
      expect(record).toMatchObject({
        HostedZoneId: 'Z0123456789ABC',
        AliasTarget: {
          DNSName: `dualstack.checkout-123456.${region}.elb.amazonaws.com`,
          HostedZoneId: region === 'us-east-1' ? 'Z35SXDOTRQ7X7K' : 'Z32O12XQLNTSW2',
        },
      });
    }
  });

  test('THEN the alarm topic takes publishes only over TLS, and its key lets CloudWatch alarms publish', () => {
    const { template } = synth();
    expectAlarmTopic(template);
  });

  // The HA view (lib/testing): per resource its type, HA record and the properties the HA rules read.
  test('HA snapshot of the TIER_0 latency records (beside the targeted assertions above)', () => {
    const { template } = synth();
    expect(haSnapshot(template.toJSON())).toMatchSnapshot();
  });
});
