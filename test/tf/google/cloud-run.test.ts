import { App, TerraformStack } from 'cdktf';
import { HA_METADATA_KEY, HaRole, HaValidationError, ServiceTier } from '../../../lib/core';
import { HaCloudRunService, HaCloudRunServiceProps } from '../../../lib/tf/google/cloud-run';
import { GlobalFrontend } from '../../../lib/tf/google/frontend';
import { RegionalNetwork } from '../../../lib/tf/google/network';
import { RegionalEntry } from '../../../lib/tf/google/regional-entry';
import { EncryptedSecret } from '../../../lib/tf/google/secret';
import { HaSpanner } from '../../../lib/tf/google/spanner';
import { onlyResource, resourcesOf, terraformJson, TerraformJson } from './util';

const IMAGE = `us-docker.pkg.dev/p/r/web@sha256:${'b'.repeat(64)}`;

/** A TIER_0 service in two regions behind the frontend, in a bare cdktf App (no context). */
function cloudRun(props: Partial<HaCloudRunServiceProps> = {}): { stack: TerraformStack; run: HaCloudRunService } {
  const stack = new TerraformStack(new App(), 'stack');
  const run = new HaCloudRunService(stack, 'Web', {
    tier: ServiceTier.TIER_0,
    service: 'checkout',
    regions: ['us-east4', 'us-east1'],
    image: IMAGE,
    requiredInstances: 4,
    ...props,
  });
  return { stack, run };
}

describe('HaCloudRunService for TIER_0 in two regions behind the GlobalFrontend', () => {
  let json: TerraformJson;
  let run: HaCloudRunService;
  beforeAll(() => {
    const built = cloudRun();
    run = built.run;
    new GlobalFrontend(built.stack, 'Frontend', {
      tier: ServiceTier.TIER_0,
      serverlessBackends: [...run.backends],
      domains: ['shop.example.com'],
    });
    const db = new HaSpanner(built.stack, 'Orders', {
      tier: ServiceTier.TIER_0,
      configuration: 'nam3',
      servingRegions: ['us-east4', 'us-east1'],
      databaseName: 'orders',
    });
    db.grantDatabaseUser('Web', run.serviceAccountEmail);
    json = terraformJson(built.stack);
  });
  const services = () => Object.values(resourcesOf(json, 'google_cloud_run_v2_service'));

  test('THEN a service per region keeps 6 instances (4 after a zone loss, all of them after a region loss)', () => {
    expect(services().map((s) => s.location)).toEqual(['us-east4', 'us-east1']);
    for (const service of services()) {
      expect(service).toMatchObject({
        ingress: 'INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER',
        invoker_iam_disabled: true,
        deletion_protection: true,
        template: { scaling: { min_instance_count: 6, max_instance_count: 12 }, max_instance_request_concurrency: 80 },
        traffic: [{ type: 'TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST', percent: 100 }],
      });
    }
    expect(run.failoverMinInstances).toBe(6);
  });

  test('THEN startup and liveness probes on the shallow path', () => {
    const container = (services()[0].template as { containers: Record<string, unknown>[] }).containers[0];
    expect(container).toMatchObject({
      image: IMAGE,
      startup_probe: { http_get: { path: '/health/live', port: 8080 }, period_seconds: 5, failure_threshold: 12 },
      liveness_probe: { http_get: { path: '/health/live', port: 8080 }, period_seconds: 10, failure_threshold: 3 },
    });
  });

  test("THEN each region's revisions use a key of their region, granted to Cloud Run's agent first", () => {
    const rings = Object.values(resourcesOf(json, 'google_kms_key_ring')).map((r) => r.location);
    expect(rings).toEqual(expect.arrayContaining(['us-east4', 'us-east1']));
    const grants = Object.entries(resourcesOf(json, 'google_kms_crypto_key_iam_member')).filter(([, g]) =>
      String(g.member).endsWith('@serverless-robot-prod.iam.gserviceaccount.com'),
    );
    expect(grants).toHaveLength(2);
    for (const service of services()) {
      const key = String((service.template as { encryption_key: string }).encryption_key);
      expect(key).toMatch(/google_kms_crypto_key\.Web_Key-us-east[14]_/);
      expect((service.depends_on as string[]).some((d) => d.startsWith('google_kms_crypto_key_iam_member.'))).toBe(
        true,
      );
    }
  });

  test('THEN one service account, granted by the data construct, runs both regions', () => {
    const accounts = new Set(services().map((s) => (s.template as { service_account: string }).service_account));
    expect(accounts.size).toBe(1);
    const [email] = [...accounts];
    expect(onlyResource(json, 'google_spanner_database_iam_member').member).toBe(`serviceAccount:${email}`);
  });

  test('THEN a serverless NEG per region behind one backend service, without a health check', () => {
    const negs = Object.values(resourcesOf(json, 'google_compute_region_network_endpoint_group'));
    expect(negs.map((n) => [n.region, n.network_endpoint_type])).toEqual([
      ['us-east4', 'SERVERLESS'],
      ['us-east1', 'SERVERLESS'],
    ]);
    const backend = onlyResource(json, 'google_compute_backend_service');
    expect(backend.health_checks).toBeUndefined();
    expect(backend.protocol).toBe('HTTPS');
    expect(backend.timeout_sec).toBeUndefined();
    expect(backend.outlier_detection).toMatchObject({ consecutive_errors: 5 });
    const groups = (backend.backend as { group: string; balancing_mode?: string }[]).map((b) => b.group);
    expect(groups).toHaveLength(2);
    expect(groups.every((g) => g.includes('google_compute_region_network_endpoint_group'))).toBe(true);
    expect(resourcesOf(json, 'google_compute_health_check')).toEqual({});
  });

  test('THEN the Cloud Run API is enabled first, and each service carries its HA record', () => {
    const api = Object.entries(resourcesOf(json, 'google_project_service')).find(
      ([, r]) => r.service === 'run.googleapis.com',
    );
    for (const service of services()) {
      expect(service.depends_on).toContain(`google_project_service.${api![0]}`);
      expect((service['//'] as Record<string, Record<string, unknown>>)[HA_METADATA_KEY]).toMatchObject({
        component: 'HaCloudRunService',
        role: HaRole.PRIMARY,
      });
    }
  });
});

describe('HaCloudRunService options', () => {
  test('GIVEN TIER_1 with a standby region and a canary THEN the standby keeps 1 and records its role', () => {
    const { stack } = cloudRun({
      tier: ServiceTier.TIER_1,
      regions: ['us-east4'],
      standbyRegions: ['us-east1'],
      stableRevision: 'web-00007',
      canaryPercent: 5,
    });
    const json = terraformJson(stack);
    const byRegion = Object.fromEntries(
      Object.values(resourcesOf(json, 'google_cloud_run_v2_service')).map((s) => [s.location, s]),
    );
    expect(byRegion['us-east1']).toMatchObject({ template: { scaling: { min_instance_count: 1 } } });
    expect((byRegion['us-east1']['//'] as Record<string, Record<string, unknown>>)[HA_METADATA_KEY].role).toBe(
      HaRole.STANDBY,
    );
    expect(byRegion['us-east4'].traffic).toEqual([
      { type: 'TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION', revision: 'web-00007', percent: 95 },
      { type: 'TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST', percent: 5, tag: 'canary' },
    ]);
  });

  test('GIVEN a secret THEN the variable reads it from Secret Manager, granted to the service account', () => {
    const { stack, run } = cloudRun({ secretEnvironment: { DB_PASSWORD: { secret: 'orders-db' } } });
    const secret = new EncryptedSecret(stack, 'Secret', {
      tier: ServiceTier.TIER_0,
      secretId: 'orders-db',
      regions: ['us-east4', 'us-east1'],
    });
    secret.grantRead('Web', run.serviceAccountMember);
    const json = terraformJson(stack);
    const service = Object.values(resourcesOf(json, 'google_cloud_run_v2_service'))[0];
    expect((service.template as { containers: { env: unknown[] }[] }).containers[0].env).toEqual([
      { name: 'DB_PASSWORD', value_source: { secret_key_ref: { secret: 'orders-db', version: 'latest' } } },
    ]);
    expect(onlyResource(json, 'google_secret_manager_secret_iam_member')).toMatchObject({
      role: 'roles/secretmanager.secretAccessor',
      member: `serviceAccount:${(service.template as { service_account: string }).service_account}`,
    });
  });

  test.each<[string, Partial<HaCloudRunServiceProps>, string]>([
    ['one region for TIER_0', { regions: ['us-east4'] }, 'regions must list at least 2 regions for TIER_0'],
    ['a tag for TIER_0', { image: 'gcr.io/p/web:latest' }, 'image must name a digest'],
    ['a key for a region the service is not in', { kmsKeyIds: { 'europe-west1': 'k' } }, 'kmsKeyIds must only name'],
    ['a port of 0', { containerPort: 0 }, 'containerPort must be an integer from 1 to 65535, got: 0'],
    [
      'a variable both plain and secret',
      { environment: { A: '1' }, secretEnvironment: { A: { secret: 's' } } },
      'secretEnvironment must not name a variable environment sets too, got: A',
    ],
  ])('GIVEN %s THEN an HaValidationError naming the prop', (_, props, message) => {
    expect(() => cloudRun(props)).toThrow(HaValidationError);
    expect(() => cloudRun(props)).toThrow(message);
  });

  test("GIVEN regional domains THEN each reaches its region's NEG only", () => {
    const { stack, run } = cloudRun();
    new GlobalFrontend(stack, 'Frontend', {
      tier: ServiceTier.TIER_0,
      serverlessBackends: [...run.backends],
      domains: ['shop.example.com'],
      regionalDomains: { 'us-east4': 'us-east4.shop.example.com', 'us-east1': 'us-east1.shop.example.com' },
    });
    const json = terraformJson(stack);
    const regional = Object.entries(resourcesOf(json, 'google_compute_backend_service')).filter(([name]) =>
      name.includes('Regional-'),
    );
    expect(regional).toHaveLength(2);
    for (const [name, service] of regional) {
      const groups = (service.backend as { group: string }[]).map((b) => b.group);
      const region = /Regional-(us-east[14])/.exec(name)![1];
      expect(groups).toEqual([expect.stringContaining(`Web_Neg-${region}_`)]);
    }
  });

  test('GIVEN fleets and serverless backends together THEN the frontend refuses both', () => {
    const { stack, run } = cloudRun();
    const fleet = { instanceGroup: 'ig', region: 'us-east4', portName: 'http', port: 8080, role: HaRole.PRIMARY };
    expect(
      () =>
        new GlobalFrontend(stack, 'Frontend', {
          tier: ServiceTier.TIER_0,
          backends: [fleet],
          serverlessBackends: [...run.backends],
          domains: ['shop.example.com'],
        }),
    ).toThrow('backends and serverlessBackends must not both be given');
  });
});

describe('HaCloudRunService behind a RegionalEntry', () => {
  test('THEN a regional load balancer per region over its NEG, no health check or firewall, DNS checking through it', () => {
    const { stack, run } = cloudRun();
    const network = new RegionalNetwork(stack, 'Network', {
      tier: ServiceTier.TIER_0,
      regions: ['us-east4', 'us-east1'],
    });
    new RegionalEntry(stack, 'Entry', {
      tier: ServiceTier.TIER_0,
      network,
      serverlessBackends: [...run.backends],
      domain: 'shop.example.com',
      managedZone: 'example-com',
      proxySubnetCidrs: { 'us-east4': '10.129.0.0/23', 'us-east1': '10.130.0.0/23' },
      dnsProbeRegions: ['us-east4', 'us-east1', 'us-central1'],
    });
    const json = terraformJson(stack);
    const backends = Object.values(resourcesOf(json, 'google_compute_region_backend_service'));
    expect(backends.map((b) => [b.region, b.protocol, b.health_checks, b.port_name])).toEqual([
      ['us-east4', 'HTTPS', undefined, undefined],
      ['us-east1', 'HTTPS', undefined, undefined],
    ]);
    for (const backend of backends) {
      expect(String((backend.backend as { group: string }[])[0].group)).toContain(
        'google_compute_region_network_endpoint_group',
      );
    }
    expect(resourcesOf(json, 'google_compute_region_health_check')).toEqual({});
    expect(
      Object.keys(resourcesOf(json, 'google_compute_firewall')).filter((n) => n.includes('ProxyFirewall')),
    ).toEqual([]);
    expect(onlyResource(json, 'google_compute_health_check').https_health_check).toMatchObject({
      request_path: '/health/ready',
    });
  });
});
