import { App, TerraformStack, Testing } from 'cdktf';
import { addGcpTier0ActiveActive } from '../../../../examples/gcp-tier0-active-active';
import { addGcpTier0CloudRun } from '../../../../examples/gcp-tier0-cloud-run';
import { addGcpTier1Gke } from '../../../../examples/gcp-tier1-gke';
import { addGcpTier2PilotLight } from '../../../../examples/gcp-tier2-pilot-light';
import { HA_METADATA_KEY } from '../../../../lib/core';
import { haSnapshot } from '../../../../lib/testing';
import {
  addHaChecks,
  GOOGLE_API_OF_TYPE,
  GOOGLE_SERVICE_AGENTS,
  GoogleServiceAgent,
  ServiceAgentCreation,
} from '../../../../lib/tf/google';
import { minimumTerraformVersion } from '../../../../lib/tf/terraform-version';
import { TF_STATEFUL_TYPES } from '../../../proofs/data-loss';
import { TerraformJson, terraformJson } from '../util';

/** Google Cloud types that hold data, keys or an identity users depend on (the data-loss guard's list): each must have prevent_destroy. */
const STATEFUL_TYPES = TF_STATEFUL_TYPES.filter((type) => type.startsWith('google_'));

/**
 * The findings each example acknowledges (rule and construct path), never more: what Cloud SQL cannot
 * show. TIER_0 on Spanner behind a regional load balancer per region acknowledges nothing: its
 * availability composes above the target, and what the templates cannot prove (leader failover,
 * scale-out) is a warning, not an exception.
 */
const ACKNOWLEDGED: Record<string, string[]> = {
  'gcp-tier0-active-active': [],
  'gcp-tier0-cloud-run': [],
  'gcp-tier1-gke': ['HA-DR3 gcp-tier1-gke/Database', 'HA-RES1 gcp-tier1-gke'],
  'gcp-tier2-pilot-light': ['HA-DR3 gcp-tier2-pilot-light/Database'],
};

/** What a fresh project must have before anything else: the APIs and service agents (Service Usage's own blocks). */
const BOOTSTRAP_TYPES = ['google_project_service', 'google_project_service_identity'];

/** The JSON's blocks of every type, resources and data sources, as `[type, address, body]`. */
function blocks(json: TerraformJson): [string, string, Record<string, unknown>][] {
  return [
    ...Object.entries(json.resource).flatMap(([type, byName]) =>
      Object.entries(byName).map(([name, r]): [string, string, Record<string, unknown>] => [
        type,
        `${type}.${name}`,
        r,
      ]),
    ),
    ...Object.entries(json.data ?? {}).flatMap(([type, byName]) =>
      Object.entries(byName as Record<string, Record<string, unknown>>).map(
        ([name, r]): [string, string, Record<string, unknown>] => [type, `data.${type}.${name}`, r],
      ),
    ),
  ];
}

/** Address of the block of `type` whose `service` argument is `api`. */
function addressOfService(json: TerraformJson, type: string, api: string): string | undefined {
  const name = Object.entries(json.resource[type] ?? {}).find(([, r]) => r.service === api)?.[0];
  return name === undefined ? undefined : `${type}.${name}`;
}

const dependsOn = (body: Record<string, unknown>) => (body.depends_on ?? []) as string[];

/**
 * The service agents each example grants something to: TIER_0 has no secret (no Secret Manager) but
 * pages through Pub/Sub (Pub/Sub's and Cloud Monitoring's notification agents), encrypts its audit
 * log bucket (Cloud Logging's agent) and its zone drill (Workflows' agent); the pilot light pages
 * through Pub/Sub too, and its runbooks and drill are encrypted by Workflows' agent; the GKE example's cluster keys are Kubernetes Engine's
 * and Compute Engine's, beside Cloud SQL's, paging's, logging's and Workflows' agents.
 */
const AGENTS: Record<string, number> = {
  'gcp-tier0-active-active': 7,
  'gcp-tier0-cloud-run': 5,
  'gcp-tier1-gke': 7,
  'gcp-tier2-pilot-light': 8,
};

/** The Terraform version each example needs, and why (the rotation schedule's plantimestamp()). */
const TERRAFORM: Record<string, { version: string; features: string[] }> = {
  'gcp-tier0-active-active': { version: '1.0', features: [] },
  'gcp-tier0-cloud-run': { version: '1.0', features: [] },
  'gcp-tier1-gke': { version: '1.0', features: [] },
  'gcp-tier2-pilot-light': { version: '1.5', features: ['plantimestamp()'] },
};

describe.each([
  ['gcp-tier0-active-active', addGcpTier0ActiveActive],
  ['gcp-tier0-cloud-run', addGcpTier0CloudRun],
  ['gcp-tier1-gke', addGcpTier1Gke],
  ['gcp-tier2-pilot-light', addGcpTier2PilotLight],
] as [string, (app: App) => TerraformStack][])('example %s', (name, add) => {
  let stack: TerraformStack;
  let json: TerraformJson;
  beforeAll(() => {
    stack = add(Testing.app());
    json = terraformJson(stack);
  });

  // The HA view (lib/testing) of the JSON with its // blocks, where the HA records are.
  test('THEN it synthesizes to the snapshot', () => {
    expect(haSnapshot(json)).toMatchSnapshot();
  });

  test('THEN the HA checks run at synthesis: no unacknowledged error, only what the design cannot show', () => {
    const checks = addHaChecks(stack);
    expect(() => Testing.synth(stack, true)).not.toThrow();
    const { report, acknowledged } = checks.lastResult!;
    const acknowledgedKeys = new Set(acknowledged.map((a) => `${a.rule}/${a.resource}`));
    expect(
      report.findings.filter((f) => f.level === 'error' && !acknowledgedKeys.has(`${f.rule}/${f.resource}`)),
    ).toEqual([]);
    expect(acknowledged.map((a) => `${a.rule} ${a.acknowledgedAt}`)).toEqual(ACKNOWLEDGED[name]);
  });

  test('THEN every stateful resource has prevent_destroy', () => {
    const stateful = STATEFUL_TYPES.flatMap((type) =>
      Object.entries(json.resource[type] ?? {}).map(([name, r]) => ({
        address: `${type}.${name}`,
        preventDestroy: r.lifecycle?.prevent_destroy,
      })),
    );
    expect(stateful.length).toBeGreaterThan(10);
    expect(stateful.filter((r) => r.preventDestroy !== true)).toEqual([]);
  });

  // ProjectServices' APIs, agents and agent roles belong to the project, not to one service.
  test("THEN every resource but the project's APIs and service agents carries the HA record", () => {
    const missing = Object.entries(json.resource).flatMap(([type, byName]) =>
      Object.entries(byName)
        .filter(
          ([, r]) => r['//']?.[HA_METADATA_KEY] === undefined && type !== 'google_monitoring_notification_channel',
        )
        .filter(
          ([, r]) =>
            !String((r['//']?.metadata as { path?: string } | undefined)?.path).startsWith(`${name}/ProjectServices/`),
        )
        .map(([resourceName]) => `${type}.${resourceName}`),
    );
    expect(missing).toEqual([]);
  });

  // Computed from the JSON: a construct that starts using a type of a new service fails here
  // until the table names the service, and then ProjectServices enables it.
  test('THEN every API whose resources it creates is enabled, and every resource depends on it', () => {
    // data.google_client_config reads Terraform's own credentials (the kubernetes provider's token): no API.
    const typed = blocks(json).filter(
      ([type, address]) =>
        type.startsWith('google_') &&
        !BOOTSTRAP_TYPES.includes(type) &&
        !address.startsWith('data.google_client_config.'),
    );
    expect([...new Set(typed.map(([type]) => type))].filter((type) => GOOGLE_API_OF_TYPE[type] === undefined)).toEqual(
      [],
    );
    const apis = [...new Set(typed.map(([type]) => GOOGLE_API_OF_TYPE[type]))].sort();
    expect(apis.filter((api) => addressOfService(json, 'google_project_service', api) === undefined)).toEqual([]);
    // data.google_project is read at plan (it names the project): Terraform's own API, the one step before the first plan.
    const waiting = typed.filter(([, address]) => !address.startsWith('data.google_project.'));
    const missing = waiting.filter(
      ([type, , body]) =>
        !dependsOn(body).includes(addressOfService(json, 'google_project_service', GOOGLE_API_OF_TYPE[type])!),
    );
    expect(missing.map(([, address]) => address)).toEqual([]);
    for (const service of Object.values(json.resource.google_project_service)) {
      expect(service).toEqual(expect.objectContaining({ disable_on_destroy: false }));
    }
  });

  test("THEN every grant to a service agent depends on the agent's API and on what creates the agent", () => {
    const agents = Object.values(GOOGLE_SERVICE_AGENTS) as GoogleServiceAgent[];
    const storageAgent = Object.keys(json.data?.google_storage_project_service_account ?? {}).map(
      (n) => `data.google_storage_project_service_account.${n}`,
    );
    const loggingAgent = Object.keys(json.data?.google_logging_project_cmek_settings ?? {}).map(
      (n) => `data.google_logging_project_cmek_settings.${n}`,
    );
    const grants = blocks(json)
      .filter(([type]) => type.endsWith('_iam_member'))
      .flatMap(([, address, body]) => {
        const member = String(body.member);
        const agent =
          agents.find((a) => member.endsWith(`@${a.domain}`)) ??
          (storageAgent.some((s) => member === `\${${s}.member}`) ? GOOGLE_SERVICE_AGENTS.CLOUD_STORAGE : undefined) ??
          (loggingAgent.some((s) => member === `serviceAccount:\${${s}.service_account_id}`)
            ? GOOGLE_SERVICE_AGENTS.CLOUD_LOGGING
            : undefined);
        return agent ? [{ address, agent, dependsOn: dependsOn(body) }] : [];
      });
    expect(new Set(grants.map((g) => g.agent.domain)).size).toBe(AGENTS[name]);
    const unordered = grants.filter(({ agent, dependsOn: deps }) => {
      const creator =
        agent.creation === ServiceAgentCreation.SERVICE_IDENTITY
          ? addressOfService(json, 'google_project_service_identity', agent.api)
          : agent.creation === ServiceAgentCreation.STORAGE_DATA_SOURCE
            ? storageAgent[0]
            : agent.creation === ServiceAgentCreation.LOGGING_SETTINGS_DATA_SOURCE
              ? loggingAgent[0]
              : undefined;
      return (
        !deps.includes(addressOfService(json, 'google_project_service', agent.api)!) ||
        (creator !== undefined && !deps.includes(creator))
      );
    });
    expect(unordered.map((g) => g.address)).toEqual([]);
    // Each created agent depends on its API, and is created by the google-beta provider.
    for (const identity of Object.values(json.resource.google_project_service_identity)) {
      expect(dependsOn(identity)).toEqual([
        addressOfService(json, 'google_project_service', identity.service as string),
      ]);
      expect(identity.provider).toBe('google-beta');
    }
  });

  test('THEN it states the Terraform version it needs and pins its providers', () => {
    const terraform = (json as unknown as { terraform: Record<string, unknown> }).terraform;
    expect(terraform.required_version).toBe(`>= ${TERRAFORM[name].version}`);
    const withoutConstraint = { ...terraform, required_version: undefined };
    expect(
      minimumTerraformVersion({ ...json, terraform: withoutConstraint } as unknown as Record<string, unknown>),
    ).toEqual(TERRAFORM[name]);
    expect(terraform.required_providers).toEqual({
      google: { source: 'google', version: '6.50.0' },
      'google-beta': { source: 'hashicorp/google-beta', version: '6.50.0' },
      time: { source: 'hashicorp/time', version: '0.13.1' },
      // Only the GKE example deploys to Kubernetes.
      ...(name === 'gcp-tier1-gke' ? { kubernetes: { source: 'kubernetes', version: '2.38.0' } } : {}),
    });
  });

  test('GIVEN no state bucket THEN local state at a relative path, with a warning that it is not for production', () => {
    expect((json as unknown as { terraform: { backend: unknown } }).terraform.backend).toEqual({
      local: { path: `../../../terraform.${name}.tfstate` },
    });
    expect(stack.node.metadata.map((m) => String(m.data))).toContainEqual(
      expect.stringMatching(/^\[ha-constructs:StateBackend\.local\] .*not for production/),
    );
  });

  test('GIVEN the context value gcsStateBucket THEN a GCS backend (locked), and no warning', () => {
    const remote = add(Testing.app({ context: { gcsStateBucket: 'orders-terraform-state' } }));
    expect((terraformJson(remote) as unknown as { terraform: { backend: unknown } }).terraform.backend).toEqual({
      gcs: { bucket: 'orders-terraform-state', prefix: `terraform/${name}` },
    });
    expect(remote.node.metadata.map((m) => String(m.data)).filter((m) => m.includes('StateBackend'))).toEqual([]);
  });
});

describe('example gcp-tier0-active-active on Spanner', () => {
  let json: TerraformJson;
  beforeAll(() => {
    json = terraformJson(addGcpTier0ActiveActive(Testing.app()));
  });

  test.each(['FleetPrimary', 'FleetSecondary'])(
    "THEN %s's service account may use its service's database and read its assets, and nothing else",
    (fleet) => {
      const [account] = Object.keys(json.resource.google_service_account).filter((n) => n.startsWith(fleet));
      const members = [
        `serviceAccount:\${google_service_account.${account}.email}`,
        `\${google_service_account.${account}.member}`,
      ];
      const grants = Object.entries(json.resource)
        .filter(([type]) => type.endsWith('_iam_member'))
        .flatMap(([type, byName]) =>
          Object.values(byName)
            .filter((r) => members.includes(String(r.member)))
            .map((r) => [type, r.role, r.database ?? r.bucket ?? r.repository ?? 'project']),
        );
      expect(grants.sort()).toEqual(
        [
          // The image's repository, read from the `image` variable: the pull at every boot.
          [
            'google_artifact_registry_repository_iam_member',
            'roles/artifactregistry.reader',
            '${element(split("/", var.image), 2)}',
          ],
          ['google_project_iam_member', 'roles/logging.logWriter', 'project'],
          ['google_project_iam_member', 'roles/monitoring.metricWriter', 'project'],
          [
            'google_spanner_database_iam_member',
            'roles/spanner.databaseUser',
            expect.stringMatching(/^\$\{google_spanner_database\.Database_\w+\.name\}$/),
          ],
          [
            'google_storage_bucket_iam_member',
            'roles/storage.objectViewer',
            expect.stringMatching(/^\$\{google_storage_bucket\.Assets_\w+\.name\}$/),
          ],
        ].sort(),
      );
    },
  );

  test('THEN the entry is a regional load balancer per region behind one DNS record: no global load balancer', () => {
    expect(json.resource.google_compute_backend_service).toBeUndefined();
    expect(json.resource.google_compute_global_forwarding_rule).toBeUndefined();
    const rules = Object.values(json.resource.google_compute_forwarding_rule);
    expect(rules.map((r) => [r.region, r.load_balancing_scheme]).sort()).toEqual([
      ['us-east1', 'EXTERNAL_MANAGED'],
      ['us-east4', 'EXTERNAL_MANAGED'],
    ]);
    const routed = Object.values(json.resource.google_dns_record_set).filter((r) => r.routing_policy);
    expect(routed).toEqual([
      expect.objectContaining({ name: '${trimsuffix(var.domain, ".")}.', managed_zone: '${var.dns_zone}' }),
    ]);
  });

  test("THEN one SLO counts both regions' forwarding rules, and each region's probe requests its own name", () => {
    const names = Object.keys(json.resource.google_compute_forwarding_rule).map(
      (n) => `"\${google_compute_forwarding_rule.${n}.name}"`,
    );
    const [slo] = Object.values(json.resource.google_monitoring_slo) as {
      request_based_sli: { good_total_ratio: { total_service_filter: string } };
    }[];
    const filter = slo.request_based_sli.good_total_ratio.total_service_filter;
    expect(filter).toContain('metric.type="loadbalancing.googleapis.com/https/external/regional/request_count"');
    expect(filter).toContain('resource.type="http_external_regional_lb_rule"');
    const oneOf = /resource\.label\."forwarding_rule_name"=one_of\((.*)\)$/.exec(filter)![1].split(', ');
    expect(oneOf.sort()).toEqual(names.sort());
    const probes = Object.values(json.resource.google_monitoring_uptime_check_config).map((c) => [
      (c.monitored_resource as { labels: { host: string } }).labels.host,
      (c.http_check as { path: string }).path,
    ]);
    expect(probes.sort()).toEqual([
      ['us-east1.${trimsuffix(var.domain, ".")}', '/health/ready'],
      ['us-east4.${trimsuffix(var.domain, ".")}', '/health/ready'],
    ]);
  });

  test("THEN the fleets run in nam3's read-write regions and the database has a key in each of nam3's regions", () => {
    const fleets = Object.values(json.resource.google_compute_region_instance_group_manager).map((g) => g.region);
    expect(fleets.sort()).toEqual(['us-east1', 'us-east4']);
    expect(Object.values(json.resource.google_spanner_instance)).toEqual([
      expect.objectContaining({ config: 'nam3', edition: 'ENTERPRISE_PLUS' }),
    ]);
    const rings = Object.entries(json.resource.google_kms_key_ring)
      .filter(([name]) => name.startsWith('Database_'))
      .map(([, ring]) => ring.location);
    expect(rings.sort()).toEqual(['us-central1', 'us-east1', 'us-east4']);
  });
});
