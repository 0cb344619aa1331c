import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { App, TerraformStack, Token } from 'cdktf';
import { HA_METADATA_KEY, HaValidationError, ServiceTier } from '../../../lib/core';
import { HaGkeCluster, HaGkeClusterProps } from '../../../lib/tf/google/gke-cluster';
import { RegionalNetwork } from '../../../lib/tf/google/network';
import { onlyResource, resourcesOf, terraformJson, TerraformJson, warningsOf } from './util';

const ZONES = ['us-central1-a', 'us-central1-b', 'us-central1-c'];

/** A cluster in a bare cdktf App (no context), as users build it. */
function cluster(props: Partial<HaGkeClusterProps> = {}): { stack: TerraformStack; gke: HaGkeCluster } {
  const stack = new TerraformStack(new App(), 'stack');
  const tier = props.tier ?? ServiceTier.TIER_1;
  const network = new RegionalNetwork(stack, 'Network', { tier, regions: ['us-central1', 'us-east1'] });
  const gke = new HaGkeCluster(stack, 'Gke', {
    tier,
    service: 'checkout',
    network,
    region: 'us-central1',
    zones: ZONES,
    ...props,
  });
  return { stack, gke };
}

describe('HaGkeCluster for TIER_1 needing 6 nodes', () => {
  let json: TerraformJson;
  let gke: HaGkeCluster;
  beforeAll(() => {
    const built = cluster({
      requiredNodes: 6,
      deploymentFreezes: [
        { name: 'black-friday', start: new Date('2026-11-25T00:00:00Z'), end: new Date('2026-12-02T00:00:00Z') },
      ],
      controlPlaneAuthorizedNetworks: [{ cidrBlock: '203.0.113.0/24', displayName: 'ci' }],
    });
    gke = built.gke;
    new KubernetesProvider(built.stack, 'kubernetes', gke.kubernetesAccess());
    json = terraformJson(built.stack);
  });

  test('THEN a regional cluster over the three zones, deletion-protected, on the STABLE channel', () => {
    expect(onlyResource(json, 'google_container_cluster')).toMatchObject({
      location: 'us-central1',
      node_locations: ZONES,
      deletion_protection: true,
      remove_default_node_pool: true,
      release_channel: { channel: 'STABLE' },
      networking_mode: 'VPC_NATIVE',
      datapath_provider: 'ADVANCED_DATAPATH',
    });
    // Its control plane holds the Kubernetes objects, and GKE may delete the pods' disks with it: no plan destroys it.
    expect(onlyResource(json, 'google_container_cluster').lifecycle).toEqual({
      prevent_destroy: true,
      ignore_changes: ['node_config'],
    });
  });

  test('THEN the node pool keeps 3 nodes per zone (6 after a zone loss), surges without unavailability', () => {
    expect(onlyResource(json, 'google_container_node_pool')).toMatchObject({
      location: 'us-central1',
      node_locations: ZONES,
      initial_node_count: 3,
      autoscaling: { min_node_count: 3, max_node_count: 6, location_policy: 'BALANCED' },
      management: { auto_repair: true, auto_upgrade: true },
      upgrade_settings: { strategy: 'SURGE', max_surge: 1, max_unavailable: 0 },
      lifecycle: { ignore_changes: ['initial_node_count'] },
    });
    expect([gke.minNodes, gke.maxNodes, gke.failoverMinNodes]).toEqual([9, 18, 9]);
  });

  test('THEN a weekly maintenance window and the freeze as a "no upgrades" exclusion', () => {
    expect(onlyResource(json, 'google_container_cluster').maintenance_policy).toEqual({
      recurring_window: {
        start_time: '2025-01-06T03:00:00Z',
        end_time: '2025-01-06T07:00:00Z',
        recurrence: 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH',
      },
      maintenance_exclusion: [
        {
          exclusion_name: 'black-friday',
          start_time: '2026-11-25T00:00:00Z',
          end_time: '2026-12-02T00:00:00Z',
          exclusion_options: { scope: 'NO_UPGRADES' },
        },
      ],
    });
  });

  test('THEN private shielded nodes, Workload Identity, and a control plane reached by IAM or the listed network', () => {
    const c = onlyResource(json, 'google_container_cluster');
    expect(c).toMatchObject({
      enable_shielded_nodes: true,
      private_cluster_config: { enable_private_nodes: true, enable_private_endpoint: false },
      control_plane_endpoints_config: { dns_endpoint_config: { allow_external_traffic: true } },
      master_authorized_networks_config: {
        gcp_public_cidrs_access_enabled: false,
        cidr_blocks: [{ cidr_block: '203.0.113.0/24', display_name: 'ci' }],
      },
      master_auth: { client_certificate_config: { issue_client_certificate: false } },
    });
    expect(String((c.workload_identity_config as { workload_pool: string }).workload_pool)).toMatch(/\.svc\.id\.goog$/);
    const pool = onlyResource(json, 'google_container_node_pool').node_config as Record<string, unknown>;
    expect(pool).toMatchObject({
      workload_metadata_config: { mode: 'GKE_METADATA' },
      shielded_instance_config: { enable_secure_boot: true, enable_integrity_monitoring: true },
      metadata: { 'disable-legacy-endpoints': 'true' },
    });
  });

  test("THEN Secrets and boot disks are encrypted with keys in the cluster's region, each granted first", () => {
    const c = onlyResource(json, 'google_container_cluster');
    const keys = Object.keys(resourcesOf(json, 'google_kms_crypto_key'));
    expect(keys).toHaveLength(2);
    expect(Object.values(resourcesOf(json, 'google_kms_key_ring')).map((r) => r.location)).toEqual([
      'us-central1',
      'us-central1',
    ]);
    expect(c.database_encryption).toMatchObject({
      state: 'ENCRYPTED',
      key_name: expect.stringContaining('SecretsKey'),
    });
    const grants = Object.entries(resourcesOf(json, 'google_kms_crypto_key_iam_member'));
    expect(grants.map(([, g]) => String(g.member).replace(/service-\$\{[^}]*\}/, 'service-N')).sort()).toEqual([
      'serviceAccount:service-N@compute-system.iam.gserviceaccount.com',
      'serviceAccount:service-N@container-engine-robot.iam.gserviceaccount.com',
    ]);
    for (const type of ['google_container_cluster', 'google_container_node_pool']) {
      expect(onlyResource(json, type).depends_on).toEqual(
        expect.arrayContaining(grants.map(([name]) => `google_kms_crypto_key_iam_member.${name}`)),
      );
    }
  });

  test("THEN the kubernetes provider reaches the DNS endpoint with Terraform's own token", () => {
    const provider = (json as unknown as { provider: { kubernetes: Record<string, string>[] } }).provider.kubernetes[0];
    expect(provider.host).toMatch(
      /^https:\/\/\$\{google_container_cluster\.\w+\.control_plane_endpoints_config\[0\]\.dns_endpoint_config\[0\]\.endpoint\}$/,
    );
    expect(provider.token).toMatch(/data\.google_client_config\.\w+\.access_token/);
  });

  test('THEN the nodes run as their own account with only the node role', () => {
    const roles = Object.values(resourcesOf(json, 'google_project_iam_member'))
      .filter((m) => String(m.member).includes('google_service_account'))
      .map((m) => m.role);
    expect(roles).toEqual(['roles/container.defaultNodeServiceAccount']);
    expect(
      String(
        (onlyResource(json, 'google_container_node_pool').node_config as { service_account: string }).service_account,
      ),
    ).toContain('google_service_account');
  });

  test('THEN the Kubernetes Engine API is enabled before the cluster, and the HA record is attached', () => {
    const c = onlyResource(json, 'google_container_cluster');
    const api = Object.entries(resourcesOf(json, 'google_project_service')).find(
      ([, r]) => r.service === 'container.googleapis.com',
    );
    expect(api).toBeDefined();
    expect(c.depends_on).toContain(`google_project_service.${api![0]}`);
    expect((c['//'] as Record<string, Record<string, unknown>>)[HA_METADATA_KEY]).toMatchObject({
      service: 'checkout',
      tier: 'TIER_1',
      component: 'HaGkeCluster',
    });
  });
});

describe('HaGkeCluster input', () => {
  test.each<[string, Partial<HaGkeClusterProps>, string]>([
    ['two zones for TIER_1', { zones: ZONES.slice(0, 2) }, 'zones must list at least 3 zones for TIER_1, got: 2'],
    ['a zone name as the region', { region: 'us-central1-a' }, 'region must be a region name'],
    ['a region outside allowedRegions', { allowedRegions: ['europe-west1'] }, 'region must be one of allowedRegions'],
    [
      'a freeze of 40 days',
      {
        deploymentFreezes: [
          { name: 'q4', start: new Date('2026-11-01T00:00:00Z'), end: new Date('2026-12-11T00:00:00Z') },
        ],
      },
      'deploymentFreezes[q4] must last at most 30 days',
    ],
  ])('GIVEN %s THEN an HaValidationError naming the prop', (_, props, message) => {
    expect(() => cluster(props)).toThrow(HaValidationError);
    expect(() => cluster(props)).toThrow(message);
  });

  test('GIVEN preventDestroy false THEN a plan may destroy the cluster, with a warning', () => {
    const { stack, gke } = cluster({ preventDestroy: false });
    expect(onlyResource(terraformJson(stack), 'google_container_cluster').lifecycle).toMatchObject({
      prevent_destroy: false,
    });
    expect(warningsOf(gke).join('\n')).toContain('[ha-constructs:HaGkeCluster.preventDestroy]');
  });

  test('GIVEN the RAPID channel for TIER_0 THEN a warning', () => {
    const { gke } = cluster({ tier: ServiceTier.TIER_0, releaseChannel: 'RAPID' });
    expect(warningsOf(gke).join('\n')).toContain('[ha-constructs:HaGkeCluster.releaseChannel]');
  });
});

describe('HaGkeCluster.loadBalancerBackends on node port 30080', () => {
  let json: TerraformJson;
  let backends: ReturnType<HaGkeCluster['loadBalancerBackends']>;
  let gke: HaGkeCluster;
  beforeAll(() => {
    const built = cluster();
    gke = built.gke;
    backends = gke.loadBalancerBackends({ nodePort: 30080 });
    json = terraformJson(built.stack);
  });

  test("THEN one backend per zone, each an instance group of the node pool, on the 'http' named port", () => {
    expect(backends.map((b) => [b.region, b.portName, b.port, b.role])).toEqual(
      ZONES.map(() => ['us-central1', 'http', 30080, 'primary']),
    );
    const pool = Object.keys(resourcesOf(json, 'google_container_node_pool'))[0];
    const named = Object.values(resourcesOf(json, 'google_compute_instance_group_named_port'));
    expect(named.map((n) => [n.group, n.name, n.port])).toEqual(
      ZONES.map((_, i) => [
        `\${element(google_container_node_pool.${pool}.managed_instance_group_urls, ${i})}`,
        'http',
        30080,
      ]),
    );
    // Each named port is set in its own group's zone, read from the group's URL.
    expect(named.map((n) => n.zone)).toEqual(
      ZONES.map(
        (_, i) =>
          `\${element(regex("/zones/([^/]+)/", element(google_container_node_pool.${pool}.managed_instance_group_urls, ${i})), 0)}`,
      ),
    );
    expect(backends.map((b) => Token.isUnresolved(b.instanceGroup))).toEqual([true, true, true]);
  });

  test("THEN the load balancer's ranges reach the nodes on the node port only, by the nodes' service account", () => {
    const firewall = onlyResource(json, 'google_compute_firewall');
    expect(firewall).toMatchObject({
      direction: 'INGRESS',
      source_ranges: ['35.191.0.0/16', '130.211.0.0/22'],
      allow: [{ protocol: 'tcp', ports: ['30080'] }],
    });
    expect(String((firewall.target_service_accounts as string[])[0])).toMatch(/google_service_account\..*\.email/);
  });

  test('THEN the named ports and the firewall carry the HA record', () => {
    for (const type of ['google_compute_instance_group_named_port', 'google_compute_firewall']) {
      for (const r of Object.values(resourcesOf(json, type))) {
        expect((r['//'] as Record<string, Record<string, unknown>>)[HA_METADATA_KEY]).toMatchObject({
          component: 'HaGkeCluster',
        });
      }
    }
  });

  test('GIVEN the same call again THEN the same backends; GIVEN another port THEN an error naming nodePort', () => {
    expect(gke.loadBalancerBackends({ nodePort: 30080 })).toEqual(backends);
    expect(() => gke.loadBalancerBackends({ nodePort: 30081 })).toThrow(HaValidationError);
    expect(() => cluster().gke.loadBalancerBackends({ nodePort: 80 })).toThrow(
      /nodePort must be an integer from 30000 to 32767 \(Kubernetes' node port range\), got: 80/,
    );
  });
});

describe('HaGkeCluster.workloadServiceAccount', () => {
  test("THEN a Google account that only the namespace's Kubernetes account may act as, with the HA record", () => {
    const { stack, gke } = cluster();
    gke.workloadServiceAccount('orders', 'shop', 'orders');
    const json = terraformJson(stack);
    const binding = onlyResource(json, 'google_service_account_iam_member');
    expect(binding).toMatchObject({
      role: 'roles/iam.workloadIdentityUser',
      member: expect.stringMatching(/\.svc\.id\.goog\[shop\/orders\]$/),
      service_account_id: expect.stringMatching(/^\$\{google_service_account\.Gke_WorkloadAccount-orders_\w+\.name\}$/),
    });
    expect((binding['//'] as Record<string, Record<string, unknown>>)[HA_METADATA_KEY]).toMatchObject({
      component: 'HaGkeCluster',
    });
  });
});
