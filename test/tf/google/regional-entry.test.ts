import { App, Fn, TerraformOutput, TerraformStack } from 'cdktf';
import { checkInputs } from '../../../lib/checks/check';
import { ServiceReport } from '../../../lib/checks/report';
import { HaValidationError, PUBLISHED_SLAS, ServiceTier } from '../../../lib/core';
import { RegionalFleet } from '../../../lib/tf/google/fleet';
import { RegionalNetwork } from '../../../lib/tf/google/network';
import { RegionalEntry, RegionalEntryProps } from '../../../lib/tf/google/regional-entry';
import { HaSpanner } from '../../../lib/tf/google/spanner';
import { resourcesOf, terraformJson, TerraformJson } from './util';

const tier = ServiceTier.TIER_0;

/** The hash suffix of us-east4's proxy subnet's logical id. */
function subnetSuffix(json: TerraformJson): string {
  const id = Object.keys(resourcesOf(json, 'google_compute_subnetwork')).find((k) =>
    k.startsWith('Entry_ProxySubnet-us-east4_'),
  )!;
  return id.slice('Entry_ProxySubnet-us-east4_'.length);
}
const REGIONS = ['us-east4', 'us-east1'];
const ZONES: Record<string, string[]> = {
  'us-east4': ['us-east4-a', 'us-east4-b', 'us-east4-c'],
  'us-east1': ['us-east1-b', 'us-east1-c', 'us-east1-d'],
};

/** A TIER_0 service in a bare cdktf App: fleets in nam3's read-write regions behind the entry, data in Spanner. */
function service(props: Partial<RegionalEntryProps> = {}): { stack: TerraformStack; entry: RegionalEntry } {
  const stack = new TerraformStack(new App(), 'shop');
  const network = new RegionalNetwork(stack, 'Network', { tier, regions: REGIONS, privateServiceAccess: false });
  const backends = REGIONS.map(
    (region) =>
      new RegionalFleet(stack, `Fleet-${region}`, {
        tier,
        network,
        region,
        zones: ZONES[region],
        requiredInstances: 4,
      }),
  );
  new HaSpanner(stack, 'Database', { tier, configuration: 'nam3', servingRegions: REGIONS, databaseName: 'shop' });
  const entry = new RegionalEntry(stack, 'Entry', {
    tier,
    network,
    backends,
    domain: 'shop.example.com.',
    managedZone: 'example-com',
    proxySubnetCidrs: { 'us-east4': '10.129.0.0/23', 'us-east1': '10.130.0.0/23' },
    dnsProbeRegions: ['us-east4', 'us-east1', 'us-central1'],
    ...props,
  });
  return { stack, entry };
}

describe('RegionalEntry for TIER_0 over us-east4 and us-east1', () => {
  let json: TerraformJson;
  let report: ServiceReport;
  beforeAll(() => {
    const { stack } = service();
    json = terraformJson(stack);
    report = checkInputs({ terraform: [{ name: 'shop', json: json as unknown as Record<string, unknown> }] })
      .services[0];
  });
  const all = (type: string) => Object.values(resourcesOf(json, type));

  test('THEN each region has its own load balancer: proxy subnet, check, backend, HTTPS proxy, rule', () => {
    expect(all('google_compute_subnetwork').filter((s) => s.purpose === 'REGIONAL_MANAGED_PROXY')).toHaveLength(2);
    const backends = all('google_compute_region_backend_service');
    expect(backends.map((b) => b.region).sort()).toEqual(['us-east1', 'us-east4']);
    for (const backend of backends) {
      expect(backend).toMatchObject({
        load_balancing_scheme: 'EXTERNAL_MANAGED',
        health_checks: [expect.stringContaining('google_compute_region_health_check.')],
      });
    }
    expect(all('google_compute_region_health_check')[0]).toMatchObject({
      check_interval_sec: 5,
      unhealthy_threshold: 2,
      timeout_sec: 4,
      http_health_check: { request_path: '/health/ready' },
    });
    const rules = all('google_compute_forwarding_rule');
    expect(rules.map((r) => [r.region, r.port_range, r.load_balancing_scheme])).toEqual([
      ['us-east4', '443', 'EXTERNAL_MANAGED'],
      ['us-east1', '443', 'EXTERNAL_MANAGED'],
    ]);
    expect(rules[0].depends_on).toContain('google_compute_subnetwork.Entry_ProxySubnet-us-east4_' + subnetSuffix(json));
    expect(all('google_compute_backend_service')).toEqual([]);
  });

  test('THEN certificates come from Certificate Manager with a DNS authorization in each region, TLS 1.2', () => {
    expect(all('google_certificate_manager_dns_authorization').map((a) => [a.location, a.domain])).toEqual([
      ['us-east4', 'shop.example.com'],
      ['us-east4', 'us-east4.shop.example.com'],
      ['us-east1', 'shop.example.com'],
      ['us-east1', 'us-east1.shop.example.com'],
    ]);
    expect(
      all('google_certificate_manager_certificate').map((c) => (c.managed as { domains: string[] }).domains),
    ).toEqual([
      ['shop.example.com', 'us-east4.shop.example.com'],
      ['shop.example.com', 'us-east1.shop.example.com'],
    ]);
    // A domain change replaces them: each replacement is named after its domains and created first.
    for (const resource of [
      ...all('google_certificate_manager_certificate'),
      ...all('google_certificate_manager_dns_authorization'),
    ]) {
      expect(resource).toMatchObject({
        lifecycle: { create_before_destroy: true },
        name: expect.stringMatching(/-[0-9a-f]{8}$/),
      });
    }
    for (const proxy of all('google_compute_region_target_https_proxy')) {
      expect(proxy.certificate_manager_certificates).toEqual([
        expect.stringContaining('google_certificate_manager_certificate.'),
      ]);
    }
    expect(all('google_compute_region_ssl_policy')[0]).toMatchObject({ profile: 'MODERN', min_tls_version: 'TLS_1_2' });
  });

  test('THEN one geo record answers with the healthy regions, probed from 3 regions every 30 s, TTL fitted', () => {
    const record = all('google_dns_record_set').find((r) => r.type === 'A' && r.routing_policy)!;
    expect(record).toMatchObject({
      name: 'shop.example.com.',
      ttl: 25,
      routing_policy: {
        enable_geo_fencing: false,
        health_check: expect.stringContaining('google_compute_health_check.Entry_DnsHealthCheck'),
        geo: [
          {
            location: 'us-east4',
            health_checked_targets: { external_endpoints: [expect.stringContaining('address')] },
          },
          {
            location: 'us-east1',
            health_checked_targets: { external_endpoints: [expect.stringContaining('address')] },
          },
        ],
      },
    });
    expect(all('google_compute_health_check').find((h) => h.source_regions)).toMatchObject({
      source_regions: ['us-east4', 'us-east1', 'us-central1'],
      check_interval_sec: 30,
      unhealthy_threshold: 3,
      timeout_sec: 5,
    });
  });

  test('THEN the report composes the redundant entry by the same arithmetic: TIER_0 availability met', () => {
    const region = PUBLISHED_SLAS.CLOUD_LOAD_BALANCING * PUBLISHED_SLAS.COMPUTE_ENGINE_MULTI_ZONE;
    const expected = (1 - (1 - region) ** 2) * PUBLISHED_SLAS.SPANNER_MULTI_REGION * PUBLISHED_SLAS.CLOUD_DNS;
    expect(report.availability).toBeCloseTo(expected, 10);
    expect(report.status.availability).toBe('met');
  });

  test("THEN the region RTO's detection is the DNS health check's, 95 s, plus the 25 s TTL", () => {
    const detection = report.derivation.find(
      (d) => d.quantity === 'regionRto' && d.resource.startsWith('google_dns_record_set.'),
    );
    expect(detection).toMatchObject({ value: 95 });
    expect(report.lowerBounds.regionRto).toBe(120);
  });
});

describe("RegionalEntry's regions for probes and the SLO", () => {
  test("THEN each region answers on a name of its own, with that region's address only, and names its rule", () => {
    const { stack, entry } = service();
    for (const lb of entry.loadBalancers) {
      new TerraformOutput(stack, `rule-${lb.region}`, { value: lb.forwardingRuleName });
    }
    const json = terraformJson(stack);
    const records = Object.values(resourcesOf(json, 'google_dns_record_set')).filter(
      (r) => r.type === 'A' && r.routing_policy === undefined,
    );
    expect(records.map((r) => [r.name, r.rrdatas])).toEqual([
      [
        'us-east4.shop.example.com.',
        [expect.stringMatching(/^\$\{google_compute_address\.Entry_Address-us-east4_\w+\.address\}$/)],
      ],
      [
        'us-east1.shop.example.com.',
        [expect.stringMatching(/^\$\{google_compute_address\.Entry_Address-us-east1_\w+\.address\}$/)],
      ],
    ]);
    expect(entry.loadBalancers.map((lb) => [lb.region, lb.host])).toEqual([
      ['us-east4', 'us-east4.shop.example.com'],
      ['us-east1', 'us-east1.shop.example.com'],
    ]);
    const rules = resourcesOf(json, 'google_compute_forwarding_rule');
    for (const lb of entry.loadBalancers) {
      const [name] = Object.entries(rules).find(([, r]) => r.region === lb.region)!;
      const output = (json as unknown as { output: Record<string, { value: string }> }).output[`rule-${lb.region}`];
      expect(output.value).toBe(`\${google_compute_forwarding_rule.${name}.name}`);
    }
    expect(entry.healthCheckPath).toBe('/health/ready');
  });
});

describe('RegionalEntry with a domain known only at apply', () => {
  test('THEN certificates name it without the final dot, and the record with it', () => {
    const json = terraformJson(service({ domain: Fn.lower('Shop.Example.Com.') }).stack);
    const record = Object.values(resourcesOf(json, 'google_dns_record_set')).find(
      (r) => r.type === 'A' && r.routing_policy,
    )!;
    expect(record.name).toBe('${trimsuffix(lower("Shop.Example.Com."), ".")}.');
    const [authorization] = Object.values(resourcesOf(json, 'google_certificate_manager_dns_authorization'));
    expect(authorization.domain).toBe('${trimsuffix(lower("Shop.Example.Com."), ".")}');
  });
});

describe('RegionalEntry refuses what cannot serve', () => {
  test('GIVEN two probe regions THEN an HaValidationError names the prop and the value', () => {
    expect(() => service({ dnsProbeRegions: ['us-east4', 'us-east1'] })).toThrow(HaValidationError);
    expect(() => service({ dnsProbeRegions: ['us-east4', 'us-east1'] })).toThrow(
      /dnsProbeRegions must list exactly 3 different regions .* got: us-east4, us-east1/,
    );
  });
});
