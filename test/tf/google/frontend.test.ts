import { CertificateManagerCertificate } from '@cdktf/provider-google/lib/certificate-manager-certificate';
import { ComputeBackendService } from '@cdktf/provider-google/lib/compute-backend-service';
import { ComputeGlobalAddress } from '@cdktf/provider-google/lib/compute-global-address';
import { ComputeGlobalForwardingRule } from '@cdktf/provider-google/lib/compute-global-forwarding-rule';
import { ComputeHealthCheck } from '@cdktf/provider-google/lib/compute-health-check';
import { ComputeSecurityPolicy } from '@cdktf/provider-google/lib/compute-security-policy';
import { ComputeSslPolicy } from '@cdktf/provider-google/lib/compute-ssl-policy';
import { ComputeTargetHttpsProxy } from '@cdktf/provider-google/lib/compute-target-https-proxy';
import { ComputeUrlMap } from '@cdktf/provider-google/lib/compute-url-map';
import { TerraformVariable, Testing } from 'cdktf';
import { Construct } from 'constructs';
import { HaRole, ServiceTier } from '../../../lib/core';
import { IFleetBackend } from '../../../lib/tf/google/fleet';
import { GlobalFrontend, GlobalFrontendProps } from '../../../lib/tf/google/frontend';
import { invokeAspects } from 'cdktf/lib/synthesize/synthesizer';
import { checkInputs } from '../../../lib/checks/check';
import { ReplicatedBucket } from '../../../lib/tf/google/bucket';
import { RegionalFleet } from '../../../lib/tf/google/fleet';
import { RegionalNetwork } from '../../../lib/tf/google/network';
import { resourcesOf, terraformJson, testStack, warningsOf } from './util';

Testing.setupJest();

function backend(region: string, port = 8080): IFleetBackend {
  return {
    instanceGroup: `projects/p/regions/${region}/instanceGroups/web`,
    region,
    portName: 'http',
    port,
    role: HaRole.PRIMARY,
  };
}

function frontend(scope: Construct, props: Partial<GlobalFrontendProps> = {}): GlobalFrontend {
  return new GlobalFrontend(scope, 'Frontend', {
    tier: ServiceTier.TIER_0,
    backends: [backend('us-central1'), backend('us-east1')],
    domains: ['shop.example.com'],
    ...props,
  });
}

describe('GlobalFrontend of a pilot light', () => {
  test('WHEN the standby fleet is not attached THEN a warning says the failover would need a configuration change', () => {
    const alone = frontend(testStack(), { tier: ServiceTier.TIER_2, backends: [backend('us-central1')] });
    expect(warningsOf(alone)).toEqual([
      "[ha-constructs:GlobalFrontend.backends] backends reach only us-central1 for TIER_2: attach the standby region's " +
        'RegionalFleet (role STANDBY, at its standby size of zero) so that traffic reaches it once it scales, without a ' +
        'change to the configuration',
    ]);
    const lit = frontend(testStack(), {
      tier: ServiceTier.TIER_2,
      backends: [backend('us-central1'), { ...backend('us-east1'), role: HaRole.STANDBY }],
    });
    expect(warningsOf(lit)).toEqual([]);
  });

  test('WHEN a region has no backends THEN the report says so, not that DNS routing is missing', () => {
    const stack = testStack();
    const tier = ServiceTier.TIER_2;
    const network = new RegionalNetwork(stack, 'Network', { tier, regions: ['us-central1', 'us-east1'] });
    const fleet = new RegionalFleet(stack, 'Fleet', {
      tier,
      network,
      region: 'us-central1',
      zones: ['us-central1-a', 'us-central1-b'],
    });
    frontend(stack, { tier, backends: [fleet] });
    new ReplicatedBucket(stack, 'Assets', { tier, bucketName: 'shop-assets', regions: ['us-central1', 'us-east1'] });
    invokeAspects(stack);
    const json = terraformJson(stack) as unknown as Record<string, unknown>;
    const [service] = checkInputs({ terraform: [{ name: 'stack', json }] }).services;
    const basis = service.derivation.filter((s) => s.quantity === 'regionRto').map((s) => s.basis);
    expect(basis).toEqual([
      expect.stringMatching(
        /^the global load balancer \(google_compute_backend_service\.Frontend_\w+\) has backends in us-central1 only: us-east1 has no instance group attached, so it cannot take traffic without a change to the configuration; attach the standby fleet/,
      ),
    ]);
  });
});

describe('GlobalFrontend', () => {
  test('GIVEN fleets in two regions THEN one global EXTERNAL_MANAGED backend service balances over both, logged and armored', () => {
    const synth = Testing.synthScope((scope) => {
      frontend(scope);
    });
    expect(synth).toHaveResourceWithProperties(ComputeBackendService, {
      load_balancing_scheme: 'EXTERNAL_MANAGED',
      protocol: 'HTTP',
      port_name: 'http',
      log_config: { enable: true, sample_rate: 1 },
      security_policy: expect.stringContaining('google_compute_security_policy.Frontend_SecurityPolicy'),
      backend: [
        expect.objectContaining({
          group: 'projects/p/regions/us-central1/instanceGroups/web',
          balancing_mode: 'UTILIZATION',
        }),
        expect.objectContaining({
          group: 'projects/p/regions/us-east1/instanceGroups/web',
          balancing_mode: 'UTILIZATION',
        }),
      ],
    });
  });

  test('GIVEN TIER_0 THEN the backend health check detects a lost zone within half the 30 s AZ RTO (5 s × 2 + 4 s)', () => {
    const synth = Testing.synthScope((scope) => {
      frontend(scope);
    });
    expect(synth).toHaveResourceWithProperties(ComputeHealthCheck, {
      check_interval_sec: 5,
      timeout_sec: 4,
      unhealthy_threshold: 2,
      // It decides which region serves: the deep readiness check by default.
      http_health_check: expect.objectContaining({ request_path: '/health/ready' }),
    });
    const tier2 = Testing.synthScope((scope) => {
      frontend(scope, { tier: ServiceTier.TIER_2, backends: [backend('us-central1')] });
    });
    expect(tier2).toHaveResourceWithProperties(ComputeHealthCheck, {
      check_interval_sec: 30,
      timeout_sec: 5,
      unhealthy_threshold: 3,
    });
  });

  test('THEN HTTPS uses TLS 1.2+ and a certificate map, HTTP only redirects, and the address is kept', () => {
    const synth = Testing.synthScope((scope) => {
      frontend(scope);
    });
    expect(synth).toHaveResourceWithProperties(ComputeTargetHttpsProxy, {
      certificate_map: expect.stringMatching(
        /^\/\/certificatemanager\.googleapis\.com\/\$\{google_certificate_manager_certificate_map\.Frontend_CertificateMap_\w+\.id\}$/,
      ),
    });
    const proxies = Object.values(JSON.parse(synth).resource.google_compute_target_https_proxy);
    expect(proxies).toEqual([expect.not.objectContaining({ ssl_certificates: expect.anything() })]);
    expect(synth).toHaveResourceWithProperties(ComputeSslPolicy, { profile: 'MODERN', min_tls_version: 'TLS_1_2' });
    expect(synth).toHaveResourceWithProperties(ComputeGlobalForwardingRule, {
      port_range: '443',
      load_balancing_scheme: 'EXTERNAL_MANAGED',
    });
    expect(synth).toHaveResourceWithProperties(ComputeUrlMap, {
      default_url_redirect: {
        https_redirect: true,
        strip_query: false,
        redirect_response_code: 'MOVED_PERMANENTLY_DEFAULT',
      },
    });
    expect(synth).toHaveResourceWithProperties(ComputeGlobalAddress, {
      address_type: 'EXTERNAL',
      lifecycle: { prevent_destroy: true },
    });
  });

  test('THEN each name has its own DNS-authorized certificate, a map entry, and the first serves clients without SNI', () => {
    const stack = testStack();
    frontend(stack, { domains: ['shop.example.com', 'www.example.com'], managedZone: 'example-com' });
    const json = terraformJson(stack);
    const authorizations = Object.values(resourcesOf(json, 'google_certificate_manager_dns_authorization'));
    expect(authorizations.map((a) => [a.domain, a.location, a.type])).toEqual([
      ['shop.example.com', 'global', 'PER_PROJECT_RECORD'],
      ['www.example.com', 'global', 'PER_PROJECT_RECORD'],
    ]);
    const certificates = resourcesOf(json, 'google_certificate_manager_certificate');
    expect(Object.values(certificates).map((c) => c.managed)).toEqual([
      {
        domains: ['shop.example.com'],
        dns_authorizations: [expect.stringContaining('DnsAuthorization-shopexamplecom')],
      },
      { domains: ['www.example.com'], dns_authorizations: [expect.stringContaining('DnsAuthorization-wwwexamplecom')] },
    ]);
    // The CNAME each authorization asks for, in the zone.
    const records = Object.values(resourcesOf(json, 'google_dns_record_set'));
    expect(records.map((r) => [r.managed_zone, r.rrdatas])).toEqual([
      ['example-com', [expect.stringMatching(/dns_resource_record\[0\]\.data\}$/)]],
      ['example-com', [expect.stringMatching(/dns_resource_record\[0\]\.data\}$/)]],
    ]);
    const entries = Object.values(resourcesOf(json, 'google_certificate_manager_certificate_map_entry'));
    const [shop, www] = Object.keys(certificates).map((id) => [`\${google_certificate_manager_certificate.${id}.id}`]);
    expect(entries.map((e) => [e.hostname ?? e.matcher, e.certificates])).toEqual([
      ['shop.example.com', shop],
      ['www.example.com', www],
      ['PRIMARY', shop],
    ]);
    expect(json).not.toHaveProperty('output');
  });

  test('WHEN a name is added THEN no serving certificate changes, and any replaced one is created before its predecessor goes', () => {
    const certificatesOf = (domains: string[]) => {
      const stack = testStack();
      frontend(stack, { domains });
      const json = terraformJson(stack);
      return {
        certificates: resourcesOf(json, 'google_certificate_manager_certificate'),
        authorizations: resourcesOf(json, 'google_certificate_manager_dns_authorization'),
      };
    };
    const before = certificatesOf(['shop.example.com']);
    const after = certificatesOf(['shop.example.com', 'www.example.com']);
    const strip = (r: Record<string, unknown>) => ({ ...r, '//': undefined });
    for (const [id, certificate] of Object.entries(before.certificates)) {
      expect(strip(after.certificates[id])).toEqual(strip(certificate));
    }
    for (const [id, authorization] of Object.entries(before.authorizations)) {
      expect(strip(after.authorizations[id])).toEqual(strip(authorization));
    }
    // A domain cannot change in place: the replacement is named after its domain and comes first.
    for (const resource of [...Object.values(after.certificates), ...Object.values(after.authorizations)]) {
      expect(resource.lifecycle).toEqual({ create_before_destroy: true });
      expect(resource.name).toMatch(/-[0-9a-f]{8}-[0-9a-f]{8}$/);
    }
    const names = (r: Record<string, Record<string, unknown>>) => Object.values(r).map((c) => c.name);
    expect(names(certificatesOf(['shop.example.org']).certificates)).not.toEqual(names(before.certificates));
  });

  test('WHEN upgrading with certificateMapAttached false THEN the proxy keeps the certificate of before while the new ones issue', () => {
    const stack = testStack();
    frontend(stack, { certificateMapAttached: false });
    const json = terraformJson(stack);
    const [classicId, classic] = Object.entries(resourcesOf(json, 'google_compute_managed_ssl_certificate'))[0];
    // The name and domains it had before Certificate Manager: kept, not replaced.
    expect(classic).toMatchObject({
      name: expect.stringMatching(
        /^frontend-certificate-[0-9a-f]{8}-\$\{substr\(md5\(join\(",", \["shop.example.com"\]\)\), 0, 8\)\}$/,
      ),
      managed: { domains: ['shop.example.com'] },
    });
    expect(Object.values(resourcesOf(json, 'google_compute_target_https_proxy'))).toEqual([
      expect.objectContaining({ ssl_certificates: [`\${google_compute_managed_ssl_certificate.${classicId}.id}`] }),
    ]);
    expect(Object.values(resourcesOf(json, 'google_compute_target_https_proxy'))[0]).not.toHaveProperty(
      'certificate_map',
    );
    expect(Object.keys(resourcesOf(json, 'google_certificate_manager_certificate'))).toHaveLength(1);
  });

  test('WHEN no zone is given THEN the records to create are an output, regional names included', () => {
    const stack = testStack();
    const built = frontend(stack, { regionalDomains: { 'us-east1': 'us-east1.shop.example.com' } });
    const json = terraformJson(stack) as unknown as { output: Record<string, { value: unknown }> };
    expect(resourcesOf(terraformJson(stack), 'google_dns_record_set')).toEqual({});
    expect(Object.values(json.output)).toEqual([
      {
        description: expect.stringContaining('authorization CNAMEs'),
        value: [
          expect.objectContaining({ domain: 'shop.example.com', type: expect.stringContaining('dns_resource_record') }),
          expect.objectContaining({ domain: 'us-east1.shop.example.com' }),
          {
            domain: 'us-east1.shop.example.com',
            name: 'us-east1.shop.example.com.',
            type: 'A',
            data: expect.stringContaining('google_compute_global_address.Frontend_Address'),
          },
        ],
      },
    ]);
    expect(built.dnsRecords).toHaveLength(3);
    const zoned = testStack();
    frontend(zoned, { regionalDomains: { 'us-east1': 'us-east1.shop.example.com' }, managedZone: 'example-com' });
    expect(Object.values(resourcesOf(terraformJson(zoned), 'google_dns_record_set'))).toContainEqual(
      expect.objectContaining({
        name: 'us-east1.shop.example.com.',
        type: 'A',
        rrdatas: [expect.stringContaining('google_compute_global_address.Frontend_Address')],
      }),
    );
  });

  test('GIVEN domains built from a variable THEN each certificate name hashes its domain without cdktf warning', () => {
    const stack = testStack();
    const domain = new TerraformVariable(stack, 'domain', { type: 'string' }).stringValue;
    const warn = jest.spyOn(console, 'warn');
    try {
      frontend(stack, {
        domains: [domain, 'shop.example.com'],
        regionalDomains: { 'us-central1': `us-central1.${domain}`, 'us-east1': `us-east1.${domain}.` },
      });
      const certificates = resourcesOf(terraformJson(stack), 'google_certificate_manager_certificate');
      // cdktf warned ("You're using escape sequences (${...}) with CDKTF Built-in functions") for nested templates.
      expect(warn).not.toHaveBeenCalled();
      const hashes = Object.values(certificates).map((c) => String(c.name).replace(/^.*-[0-9a-f]{8}-/, ''));
      expect(hashes).toEqual([
        '${substr(md5(join(",", [trimsuffix(var.domain, ".")])), 0, 8)}',
        expect.stringMatching(/^[0-9a-f]{8}$/),
        '${substr(md5(join(",", [trimsuffix(join("", ["us-central1.", var.domain]), ".")])), 0, 8)}',
        '${substr(md5(join(",", [trimsuffix(join("", ["us-east1.", var.domain, "."]), ".")])), 0, 8)}',
      ]);
    } finally {
      warn.mockRestore();
    }
  });

  test('THEN Cloud Armor denies on the preconfigured WAF rules, then throttles per IP, with Adaptive Protection', () => {
    const synth = Testing.synthScope((scope) => {
      frontend(scope, { rateLimitPerMinute: 300, wafSensitivity: 2 });
    });
    expect(synth).toHaveResourceWithProperties(ComputeSecurityPolicy, {
      type: 'CLOUD_ARMOR',
      adaptive_protection_config: { layer_7_ddos_defense_config: { enable: true } },
      rule: expect.arrayContaining([
        expect.objectContaining({
          priority: 1000,
          action: 'deny(403)',
          match: { expr: { expression: "evaluatePreconfiguredWaf('sqli-v33-stable', {'sensitivity': 2})" } },
        }),
        expect.objectContaining({
          priority: 2000,
          action: 'throttle',
          rate_limit_options: expect.objectContaining({
            exceed_action: 'deny(429)',
            enforce_on_key: 'IP',
            rate_limit_threshold: { count: 300, interval_sec: 60 },
          }),
        }),
        expect.objectContaining({ priority: 2147483647, action: 'allow' }),
      ]),
    });
  });

  test('WHEN regional domains are given THEN each routes to a backend service of its region only', () => {
    const synth = Testing.synthScope((scope) => {
      frontend(scope, { regionalDomains: { 'us-east1': 'us-east1.shop.example.com' } });
    });
    expect(synth).toHaveResourceWithProperties(ComputeUrlMap, {
      host_rule: [{ hosts: ['us-east1.shop.example.com'], path_matcher: 'us-east1' }],
    });
    expect(synth).toHaveResourceWithProperties(ComputeBackendService, {
      backend: [expect.objectContaining({ group: 'projects/p/regions/us-east1/instanceGroups/web' })],
    });
    expect(synth).toHaveResourceWithProperties(CertificateManagerCertificate, {
      managed: expect.objectContaining({ domains: ['us-east1.shop.example.com'] }),
    });
  });

  test('WHEN TIER_2 (pilot light) serves from one region THEN that is allowed', () => {
    expect(() => frontend(testStack(), { tier: ServiceTier.TIER_2, backends: [backend('us-central1')] })).not.toThrow();
  });

  test.each([
    [
      { backends: [backend('us-central1')] },
      'backends must span at least 2 regions for TIER_0 (ACTIVE_ACTIVE serves from a second region), got: 1 (us-central1)',
    ],
    [{ backends: [] }, 'backends or serverlessBackends must list at least one backend, got: none'],
    [
      { backends: [backend('us-central1'), backend('us-east1', 9000)] },
      'backends must all serve on the same port (one health check covers them), got: 8080, 9000',
    ],
    [
      { domains: ['*.example.com'] },
      'domains and regionalDomains must not contain wildcards (each name gets its own certificate and DNS authorization), got: *.example.com',
    ],
    [
      { regionalDomains: { 'us-east1': 'shop.example.com.' } },
      'domains and regionalDomains must name each host once (one certificate each), got: shop.example.com more than once',
    ],
    [
      { regionalDomains: { 'europe-west1': 'eu.example.com' } },
      'regionalDomains must only name regions with a backend (us-central1, us-east1), got: europe-west1',
    ],
    [{ wafSensitivity: 5 }, 'wafSensitivity must be an integer from 1 to 4, got: 5'],
    [{ healthCheckPath: 'healthz' }, 'healthCheckPath must start with \'/\' and contain no whitespace, got: "healthz"'],
    [
      { healthCheckPath: '/health z' },
      'healthCheckPath must start with \'/\' and contain no whitespace, got: "/health z"',
    ],
  ])('WHEN %j THEN it throws a clear error', (props, message) => {
    expect(() => frontend(testStack(), props)).toThrow(new Error(message));
  });
});
