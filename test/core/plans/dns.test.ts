import * as fc from 'fast-check';
import {
  DnsEndpointIntent,
  DnsFailoverIntent,
  DnsFailoverPlan,
  DnsRouting,
  planDnsFailover,
  regionalLabel,
  ROUTE53_HEALTH_CHECKER_REGIONS,
  ServiceTier,
} from '../../../lib/core';

const lb = (region: string, extra: Partial<DnsEndpointIntent> = {}): DnsEndpointIntent => ({
  region,
  loadBalancer: true,
  domainName: false,
  ...extra,
});
const cname = (region: string, extra: Partial<DnsEndpointIntent> = {}): DnsEndpointIntent => ({
  region,
  loadBalancer: false,
  domainName: true,
  ...extra,
});

/** A regional API (`RegionalApi`): a CNAME to its service domain, health-checked on its regional name. */
const api = (region: string, extra: Partial<DnsEndpointIntent> = {}): DnsEndpointIntent => ({
  region,
  loadBalancer: false,
  domainName: false,
  api: true,
  ...extra,
});

const BASE: DnsFailoverIntent = {
  endpoints: [lb('us-east-1'), lb('us-west-2')],
  region: 'us-east-1',
  regionSource: "the stack's region",
  alarmsRegion: 'us-east-1',
};

function plan(intent: Partial<DnsFailoverIntent> = {}, tier = ServiceTier.TIER_1): DnsFailoverPlan {
  return planDnsFailover(tier, { ...BASE, ...intent });
}

describe('planDnsFailover by table', () => {
  test('TIER_1 with two alias endpoints: a PRIMARY/SECONDARY pair, the tier health check, 96 s, alarms in us-east-1', () => {
    expect(plan()).toEqual({
      routing: 'FAILOVER',
      records: [
        {
          region: 'us-east-1',
          type: 'A',
          alias: true,
          ttlSeconds: undefined,
          setIdentifier: 'us-east-1',
          failover: 'PRIMARY',
          weight: undefined,
          latencyRegion: undefined,
        },
        {
          region: 'us-west-2',
          type: 'A',
          alias: true,
          ttlSeconds: undefined,
          setIdentifier: 'us-west-2',
          failover: 'SECONDARY',
          weight: undefined,
          latencyRegion: undefined,
        },
      ],
      ttlSeconds: 60,
      cachedSeconds: 60,
      healthCheck: {
        type: 'HTTPS',
        port: 443,
        path: '/health/ready',
        enableSni: true,
        requestIntervalSeconds: 10,
        failureThreshold: 3,
        measureLatency: true,
        regions: [...ROUTE53_HEALTH_CHECKER_REGIONS],
      },
      healthCheckAlarm: {
        namespace: 'AWS/Route53',
        metricName: 'HealthCheckStatus',
        statistic: 'Minimum',
        periodSeconds: 60,
        evaluationPeriods: 1,
        threshold: 1,
        comparisonOperator: 'LessThanThreshold',
        treatMissingData: 'breaching',
        region: 'us-east-1',
      },
      routingControls: undefined,
      // No record name in the intent (a token): no regional record can be named.
      regionalLabels: [],
      // 10 s × 3 + 6 s + 60 s.
      failoverSeconds: 96,
      problems: [],
      warnings: [],
    });
  });

  test.each([
    // tier, endpoints, routing, failover seconds (interval × threshold + 6 + 60)
    ['TIER_0', 2, 'LATENCY', 96],
    ['TIER_1', 2, 'FAILOVER', 96],
    ['TIER_2', 2, 'FAILOVER', 156],
    ['TIER_3', 1, 'SIMPLE', 156],
    ['TIER_3', 2, 'FAILOVER', 156],
  ])('%s with %d alias endpoints: %s routing, failover in %d s', (name, count, routing, seconds) => {
    const p = plan({ endpoints: [lb('us-east-1'), lb('us-west-2')].slice(0, count) }, ServiceTier.fromName(name));
    expect(p).toMatchObject({ routing, failoverSeconds: seconds, problems: [], warnings: [] });
  });

  test('LATENCY records route by their region; WEIGHTED ones carry their weight, 100 unless given', () => {
    expect(plan({}, ServiceTier.TIER_0).records.map((r) => [r.setIdentifier, r.latencyRegion, r.failover])).toEqual([
      ['us-east-1', 'us-east-1', undefined],
      ['us-west-2', 'us-west-2', undefined],
    ]);
    const weighted = plan(
      { routing: 'WEIGHTED', endpoints: [lb('us-east-1', { weight: 0 }), lb('us-west-2')] },
      ServiceTier.TIER_0,
    );
    expect(weighted.records.map((r) => [r.weight, r.latencyRegion])).toEqual([
      [0, undefined],
      [100, undefined],
    ]);
  });

  test.each([
    ['api', 'api-us-west-2'],
    ['api.example.com', 'api-us-west-2.example.com'],
    ['api.example.com.', 'api-us-west-2.example.com.'],
  ])('the regional name of %s in us-west-2 is %s, in the same zone', (recordName, expected) => {
    expect(regionalLabel(recordName, 'us-west-2')).toBe(expected);
  });

  test('load balancer endpoints of a routed name get a regional record each; SIMPLE routing and CNAMEs none', () => {
    expect(plan({ recordName: 'api' }).regionalLabels).toEqual([
      { region: 'us-east-1', label: 'api-us-east-1' },
      { region: 'us-west-2', label: 'api-us-west-2' },
    ]);
    expect(plan({ recordName: 'api', endpoints: [lb('us-east-1')] }, ServiceTier.TIER_3).regionalLabels).toEqual([]);
    expect(plan({ recordName: 'api', endpoints: [cname('us-east-1'), cname('us-west-2')] }).regionalLabels).toEqual([]);
  });

  test('API endpoints: CNAME records with the TTL of the template, a regional name each, whatever the routing', () => {
    const p = plan({ recordName: 'api', endpoints: [api('us-east-1'), api('us-west-2')] }, ServiceTier.TIER_0);
    expect(p.problems).toEqual([]);
    expect(p.records.map((r) => [r.type, r.alias, r.ttlSeconds])).toEqual([
      ['CNAME', false, 60],
      ['CNAME', false, 60],
    ]);
    expect(p.cachedSeconds).toBe(60);
    expect(p.regionalLabels.map((l) => l.label)).toEqual(['api-us-east-1', 'api-us-west-2']);
    // One region of a backup-and-restore tier: SIMPLE routing, and its health check still needs the regional name.
    const simple = plan({ recordName: 'api', endpoints: [api('us-east-1')] }, ServiceTier.TIER_3);
    expect(simple.regionalLabels).toEqual([{ region: 'us-east-1', label: 'api-us-east-1' }]);
  });

  test.each<[Partial<DnsFailoverIntent>, string, string]>([
    [
      {
        recordName: 'api',
        zoneName: 'example.com',
        endpoints: [api('us-east-1', { apiRegionalName: 'x.example.com' })],
      },
      'endpoints',
      'endpoints[0].api must answer on api-us-east-1.example.com, the regional name its health check requests ' +
        '(build the RegionalApi with the same recordName), got: x.example.com',
    ],
    [
      { recordName: undefined, endpoints: [api('us-east-1')] },
      'recordName',
      'recordName must be a literal with api endpoints (it names their regional domain), got: a token',
    ],
    [
      { recordName: 'api', endpoints: [api('us-east-1'), lb('us-west-2')] },
      'endpoints',
      'endpoints must all have a loadBalancer or all a domainName or api (a CNAME record cannot share its name ' +
        'with alias A records), got: us-east-1 api, us-west-2 loadBalancer',
    ],
    [
      { recordName: 'api', endpoints: [api('us-east-1', { loadBalancer: true })] },
      'endpoints',
      'endpoints[0] (us-east-1) must have exactly one of loadBalancer, domainName and api, got: both',
    ],
  ])('API endpoints: %j is refused, naming the prop', (intent, prop, message) => {
    expect(plan(intent, ServiceTier.TIER_3).problems[0]).toEqual({ prop, message });
  });

  test('a SIMPLE record has no set identifier; its health check still alarms', () => {
    const p = plan({ endpoints: [lb('us-east-1')] }, ServiceTier.TIER_3);
    expect(p.records).toEqual([
      expect.objectContaining({ setIdentifier: undefined, failover: undefined, latencyRegion: undefined }),
    ]);
    expect(p.healthCheckAlarm).toBeDefined();
  });

  test('roles given: the one named primary is PRIMARY, whatever its place', () => {
    const p = plan({ endpoints: [lb('us-east-1', { role: 'secondary' }), lb('us-west-2', { role: 'primary' })] });
    expect(p.records.map((r) => r.failover)).toEqual(['SECONDARY', 'PRIMARY']);
  });

  describe('TTL', () => {
    test('CNAME records take the tier TTL capped at 60 s for failover records, and the failover time counts it', () => {
      const p = plan({ endpoints: [cname('us-east-1'), cname('us-west-2')] }, ServiceTier.TIER_3);
      expect(p.records.map((r) => [r.type, r.ttlSeconds])).toEqual([
        ['CNAME', 60],
        ['CNAME', 60],
      ]);
      expect(p.failoverSeconds).toBe(30 * 3 + 6 + 60);
    });

    test('a SIMPLE CNAME record takes the tier TTL uncapped (300 s for TIER_3)', () => {
      const p = plan({ endpoints: [cname('us-east-1')] }, ServiceTier.TIER_3);
      expect(p.records[0].ttlSeconds).toBe(300);
      expect(p).toMatchObject({ ttlSeconds: 300, cachedSeconds: 300, failoverSeconds: 30 * 3 + 6 + 300, warnings: [] });
    });

    test("alias records have no TTL of their own: the plan says undefined and counts the balancer's 60 s", () => {
      const p = plan({ ttlSeconds: 30 });
      expect(p.records.map((r) => r.ttlSeconds)).toEqual([undefined, undefined]);
      expect(p.cachedSeconds).toBe(60);
      expect(p.warnings).toEqual([
        {
          id: 'ttl',
          message:
            'ttl applies to non-alias (domainName) endpoints only; alias records to a load balancer always carry its 60 s, got: 30 s',
        },
      ]);
    });

    test('a TTL above the limit warns under the prop the construct names', () => {
      const p = plan({ endpoints: [cname('us-east-1'), cname('us-west-2')], ttlSeconds: 300, ttlProp: 'ttlSeconds' });
      expect(p.records[0].ttlSeconds).toBe(300);
      expect(p.warnings).toEqual([
        {
          id: 'ttlSeconds',
          message:
            "ttlSeconds of 300 s is above TIER_1's limit of 60 s for FAILOVER records: resolvers keep answering with a failed region that much longer",
        },
      ]);
    });
  });

  describe('failover time against the region RTO (one rule for every engine)', () => {
    test('warns when DNS moves clients between regions slower than the RTO: 10 s × 3 + 6 s + a 90 s TTL > 120 s', () => {
      const p = plan({ endpoints: [cname('us-east-1'), cname('us-west-2')], ttlSeconds: 90 }, ServiceTier.TIER_0);
      expect(p.failoverSeconds).toBe(126);
      expect(p.warnings).toEqual([
        expect.objectContaining({ id: 'ttl' }),
        {
          id: 'failoverSeconds',
          message: "DNS failover takes up to 126 s with these settings, more than TIER_0's region RTO of 120 s",
        },
      ]);
    });

    test('a single SIMPLE record moves no client between regions: no warning, whatever its TTL', () => {
      const p = plan({ endpoints: [cname('us-east-1')], ttlSeconds: 86400 * 2 }, ServiceTier.TIER_3);
      expect(p.failoverSeconds).toBeGreaterThan(ServiceTier.TIER_3.regionRtoSeconds);
      expect(p.warnings.map((w) => w.id)).toEqual(['ttl']);
    });
  });

  describe('health-check alarms live in us-east-1', () => {
    test('CDK (no prop places them): outside us-east-1 no alarms, and a warning', () => {
      const p = plan({ region: 'eu-west-1', alarmsRegion: 'eu-west-1' });
      expect(p.healthCheckAlarm).toBeUndefined();
      expect(p.warnings).toEqual([
        {
          id: 'healthCheckAlarms',
          message:
            "no health-check alarms: Route 53 publishes health-check metrics in us-east-1 only and an alarm must live in its metric's region; " +
            'put the DNS stack in us-east-1 to get them, got: eu-west-1',
        },
      ]);
    });

    test('Terraform (metricsProvider places them): outside us-east-1 is a problem naming the prop', () => {
      const p = plan({ region: 'eu-west-1', alarmsRegion: 'eu-west-1', alarmsRegionProp: 'metricsProvider' });
      expect(p.problems).toEqual([
        {
          prop: 'metricsProvider',
          message:
            'metricsProvider must be in us-east-1 (Route 53 publishes health-check metrics there only), got: eu-west-1',
        },
      ]);
    });

    test('a region unknown at synthesis: alarms made, and a warning', () => {
      const p = plan({ region: undefined, alarmsRegion: undefined });
      expect(p.healthCheckAlarm).toBeDefined();
      expect(p.warnings).toEqual([
        {
          id: 'healthCheckAlarms',
          message:
            'the stack has no concrete region: the health-check alarms only receive data when it is deployed to us-east-1, where Route 53 publishes health-check metrics',
        },
      ]);
    });
  });

  describe('allowedRegions', () => {
    test('must hold the endpoints', () => {
      expect(plan({ allowedRegions: ['us-east-1'] }).problems).toEqual([
        { prop: 'endpoints', message: 'endpoints must stay within allowedRegions (us-east-1), got: us-west-2' },
      ]);
    });

    test('must hold where the records, and the alarms when made, are created', () => {
      const endpoints = [lb('eu-west-1'), lb('eu-central-1')];
      expect(plan({ endpoints, allowedRegions: ['eu-west-1', 'eu-central-1'] }).problems).toEqual([
        {
          prop: 'allowedRegions',
          message:
            "allowedRegions must include the regions where the records, health checks and their alarms are created (the stack's region), " +
            'got: eu-west-1, eu-central-1 without us-east-1',
        },
      ]);
      const elsewhere = plan({
        endpoints,
        region: 'us-west-2',
        alarmsRegion: 'us-west-2',
        allowedRegions: ['eu-west-1', 'eu-central-1'],
      });
      expect(elsewhere.problems[0].message).toBe(
        "allowedRegions must include the regions where the records and health checks are created (the stack's region), " +
          'got: eu-west-1, eu-central-1 without us-west-2',
      );
    });
  });

  describe('routing controls', () => {
    test('in us-west-2: the calculated check needs both children, at least one control stays On, 5 s between changes', () => {
      const p = plan({ routingControls: true, region: 'us-west-2', alarmsRegion: 'us-west-2' });
      expect(p.routingControls).toEqual({
        region: 'us-west-2',
        recordHealthThreshold: 2,
        minControlsOn: 1,
        waitPeriodMs: 5000,
      });
      expect(p.problems).toEqual([]);
    });

    test('elsewhere: a problem naming routingControls; unknown: a warning', () => {
      expect(plan({ routingControls: true }).problems.map((q) => q.prop)).toEqual(['routingControls']);
      expect(
        plan({ routingControls: true, region: undefined, alarmsRegion: undefined }).warnings.map((w) => w.id),
      ).toEqual(['healthCheckAlarms', 'routingControls']);
    });
  });

  test('a routing that does not fit the strategy warns', () => {
    expect(plan({ routing: 'LATENCY' }).warnings).toEqual([
      {
        id: 'routing',
        message:
          "routing LATENCY does not match TIER_1's WARM_STANDBY strategy (expected FAILOVER or SIMPLE): the standby region receives traffic it is not scaled for",
      },
    ]);
    expect(plan({ routing: 'FAILOVER' }, ServiceTier.TIER_0).warnings[0].message).toMatch(/only one region serves/);
  });

  test.each<[Partial<DnsFailoverIntent>, ServiceTier, string, string]>([
    [
      { endpoints: [lb('us-east-1')] },
      ServiceTier.TIER_1,
      'endpoints',
      'endpoints must list at least 2 regions for TIER_1, got: 1 (us-east-1)',
    ],
    [
      { endpoints: [] },
      ServiceTier.TIER_3,
      'endpoints',
      'endpoints must list at least 1 region for TIER_3, got: 0 (none)',
    ],
    [
      { endpoints: [lb('us-east-1'), lb('Ireland')] },
      ServiceTier.TIER_1,
      'endpoints',
      'endpoints[1].region must be a literal AWS region name such as eu-west-1, got: Ireland',
    ],
    [
      { endpoints: [lb('us-east-1', { domainName: true }), lb('us-west-2')] },
      ServiceTier.TIER_1,
      'endpoints',
      'endpoints[0] (us-east-1) must have exactly one of loadBalancer and domainName, got: both',
    ],
    [
      { endpoints: [lb('us-east-1'), cname('us-west-2')] },
      ServiceTier.TIER_1,
      'endpoints',
      'endpoints must all have a loadBalancer or all a domainName (a CNAME record cannot share its name with alias A records), got: us-east-1 loadBalancer, us-west-2 domainName',
    ],
    [
      { endpoints: [lb('us-east-1', { weight: 256 }), lb('us-west-2')] },
      ServiceTier.TIER_0,
      'endpoints',
      'endpoints[0].weight must be an integer from 0 to 255, got: 256',
    ],
    [
      { endpoints: [lb('us-east-1'), lb('us-east-1')] },
      ServiceTier.TIER_1,
      'endpoints',
      'endpoints must not repeat a region, got: us-east-1 more than once',
    ],
    [
      { routing: 'SIMPLE' },
      ServiceTier.TIER_1,
      'endpoints',
      'endpoints must list exactly 1 region for SIMPLE routing, got: 2 (us-east-1, us-west-2)',
    ],
    [
      { endpoints: [lb('us-east-1')], routing: 'FAILOVER' },
      ServiceTier.TIER_3,
      'endpoints',
      'endpoints must hold a primary and a secondary for FAILOVER routing, got: no secondary (primary us-east-1)',
    ],
    [
      { endpoints: [lb('us-east-1'), lb('us-west-2'), lb('eu-west-1')] },
      ServiceTier.TIER_1,
      'endpoints',
      'endpoints must hold exactly 2 regions for FAILOVER routing (one PRIMARY and one SECONDARY record), got: 3 (us-east-1, us-west-2, eu-west-1)',
    ],
    [
      { endpoints: [lb('us-east-1', { role: 'primary' }), lb('us-west-2', { role: 'primary' })] },
      ServiceTier.TIER_1,
      'endpoints',
      'endpoints must hold one primary and one secondary for FAILOVER routing, got: primary us-east-1, primary us-west-2',
    ],
    [
      { healthCheckPath: 'health' },
      ServiceTier.TIER_1,
      'healthCheckPath',
      'healthCheckPath must start with \'/\' and contain no whitespace, got: "health"',
    ],
    [
      { healthCheckPort: 0 },
      ServiceTier.TIER_1,
      'healthCheckPort',
      'healthCheckPort must be an integer from 1 to 65535, got: 0',
    ],
    [
      { checkerRegions: ['us-east-1', 'eu-west-1'] },
      ServiceTier.TIER_1,
      'checkerRegions',
      'checkerRegions must list at least 3 distinct regions, got: us-east-1, eu-west-1',
    ],
    [
      { ttlSeconds: 1.5 },
      ServiceTier.TIER_1,
      'ttl',
      'ttl must be a whole number of seconds from 0 to 2147483647, got: 1.5',
    ],
  ])('%#: %j is refused, naming the prop', (intent, tier, prop, message) => {
    expect(plan(intent, tier).problems[0]).toEqual({ prop, message });
  });

  test('values unknown at synthesis (undefined) take the defaults and skip their checks', () => {
    const p = plan({
      healthCheckPath: undefined,
      healthCheckPort: undefined,
      region: undefined,
      alarmsRegion: undefined,
      allowedRegions: ['us-east-1', 'us-west-2'],
    });
    expect(p.problems).toEqual([]);
    expect(p.healthCheck).toMatchObject({ path: '/health/ready', port: 443 });
  });

  test('DnsRouting.of gives the shared instance of each name', () => {
    for (const routing of [DnsRouting.LATENCY, DnsRouting.WEIGHTED, DnsRouting.FAILOVER, DnsRouting.SIMPLE]) {
      expect(DnsRouting.of(routing.name)).toBe(routing);
    }
  });
});

const REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1', 'eu-central-1', 'ap-southeast-2'];
const anyTier = fc.constantFrom(...ServiceTier.BUILT_IN);

/** A tier and endpoints it accepts, with the routing its strategy calls for. */
const validIntent = anyTier.chain((tier) =>
  fc.record({
    tier: fc.constant(tier),
    regions: fc.shuffledSubarray(REGIONS, {
      minLength: tier.allRegionsServe ? tier.minRegions : tier.isMultiRegion ? 2 : 1,
      maxLength: tier.allRegionsServe ? REGIONS.length : tier.isMultiRegion ? 2 : 1,
    }),
    alias: fc.boolean(),
    weighted: fc.boolean(),
    weights: fc.array(fc.integer({ min: 0, max: 255 }), { minLength: REGIONS.length, maxLength: REGIONS.length }),
    // Up to ten minutes: past the 120 s RTO of TIER_0 with some draws, so the warning rule is exercised.
    ttlSeconds: fc.option(fc.integer({ min: 0, max: 600 }), { nil: undefined }),
    swapRoles: fc.boolean(),
  }),
);

describe('planDnsFailover by property', () => {
  test("valid intents: no problem, one record per endpoint, the routing's fields only, core's failover time", () => {
    fc.assert(
      fc.property(validIntent, (v) => {
        const routing = v.tier.allRegionsServe && v.weighted ? 'WEIGHTED' : undefined;
        const make = v.alias ? lb : cname;
        const endpoints = v.regions.map((r, i) =>
          make(r, {
            weight: routing ? v.weights[i] : undefined,
            role: v.swapRoles && v.regions.length === 2 ? (i === 0 ? 'secondary' : 'primary') : undefined,
          }),
        );
        const p = planDnsFailover(v.tier, { ...BASE, endpoints, routing, ttlSeconds: v.ttlSeconds });
        expect(p.problems).toEqual([]);
        expect(p.records.map((r) => r.region)).toEqual(v.regions);
        for (const r of p.records) {
          expect(r.type).toBe(v.alias ? 'A' : 'CNAME');
          expect(r.ttlSeconds).toBe(v.alias ? undefined : p.ttlSeconds);
          expect(r.setIdentifier).toBe(p.routing === 'SIMPLE' ? undefined : r.region);
          expect(r.latencyRegion).toBe(p.routing === 'LATENCY' ? r.region : undefined);
          expect(r.weight === undefined).toBe(p.routing !== 'WEIGHTED');
          expect(r.failover === undefined).toBe(p.routing !== 'FAILOVER');
        }
        if (p.routing === 'FAILOVER') {
          expect([...p.records.map((r) => r.failover)].sort()).toEqual(['PRIMARY', 'SECONDARY']);
        }
        const ttl = v.alias
          ? 60
          : (v.ttlSeconds ?? (p.routing === 'SIMPLE' ? v.tier.dnsTtlSeconds : Math.min(v.tier.dnsTtlSeconds, 60)));
        expect(p.failoverSeconds).toBe(
          v.tier.healthCheckIntervalSeconds * v.tier.healthCheckFailureThreshold + 6 + ttl,
        );
        expect(p.warnings.some((w) => w.id === 'failoverSeconds')).toBe(
          p.routing !== 'SIMPLE' && p.failoverSeconds > v.tier.regionRtoSeconds,
        );
        expect(p.healthCheck).toMatchObject({
          requestIntervalSeconds: v.tier.healthCheckIntervalSeconds,
          failureThreshold: v.tier.healthCheckFailureThreshold,
        });
      }),
    );
  });

  test("a failover record's default TTL never exceeds the 60 s AWS recommends", () => {
    fc.assert(
      fc.property(validIntent, (v) => {
        const p = planDnsFailover(v.tier, { ...BASE, endpoints: v.regions.map((r) => cname(r)) });
        expect(p.routing === 'SIMPLE' || p.ttlSeconds <= 60).toBe(true);
        expect(p.warnings.filter((w) => w.id === 'ttl')).toEqual([]);
      }),
    );
  });

  test('any input is reported, never thrown', () => {
    fc.assert(
      fc.property(
        anyTier,
        fc.record({
          endpoints: fc.array(
            fc.record({
              region: fc.oneof(fc.constantFrom(...REGIONS), fc.string()),
              loadBalancer: fc.boolean(),
              domainName: fc.boolean(),
              role: fc.constantFrom(undefined, 'primary', 'secondary'),
              weight: fc.option(fc.double(), { nil: undefined }),
            }),
            { maxLength: 4 },
          ),
          routing: fc.constantFrom(undefined, 'LATENCY', 'WEIGHTED', 'FAILOVER', 'SIMPLE'),
          healthCheckPath: fc.option(fc.string(), { nil: undefined }),
          healthCheckPort: fc.option(fc.double(), { nil: undefined }),
          ttlSeconds: fc.option(fc.double(), { nil: undefined }),
          region: fc.option(fc.constantFrom(...REGIONS), { nil: undefined }),
        }),
        (tier, intent) => {
          const p = planDnsFailover(tier, { ...BASE, ...intent, alarmsRegion: intent.region } as DnsFailoverIntent);
          expect(Array.isArray(p.problems)).toBe(true);
          for (const problem of p.problems) {
            expect(
              problem.message.startsWith(problem.prop) ||
                problem.message.includes(`${problem.prop} `) ||
                problem.message.includes(`${problem.prop}[`),
            ).toBe(true);
          }
        },
      ),
    );
  });
});
