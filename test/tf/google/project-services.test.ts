import { ComputeNetwork } from '@cdktf/provider-google/lib/compute-network';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { ProjectIamMember } from '@cdktf/provider-google/lib/project-iam-member';
import { BigtableInstance } from '@cdktf/provider-google/lib/bigtable-instance';
import { KmsCryptoKeyIamMember } from '@cdktf/provider-google/lib/kms-crypto-key-iam-member';
import { MonitoringNotificationChannel } from '@cdktf/provider-google/lib/monitoring-notification-channel';
import { PubsubTopic } from '@cdktf/provider-google/lib/pubsub-topic';
import { PubsubTopicIamMember } from '@cdktf/provider-google/lib/pubsub-topic-iam-member';
import { Construct } from 'constructs';
import { HaValidationError } from '../../../lib/core/errors';
import { ServiceTier } from '../../../lib/core';
import { GOOGLE_API_OF_TYPE, GOOGLE_SERVICE_AGENTS } from '../../../lib/tf/google/apis';
import { HaCloudSql } from '../../../lib/tf/google/database';
import { RegionalNetwork } from '../../../lib/tf/google/network';
import { GoogleBetaProvider } from '../../../lib/tf/google/private/google-beta';
import { ProjectServices } from '../../../lib/tf/google/project-services';
import { ReplicatedBucket } from '../../../lib/tf/google/bucket';
import { terraformJson, testStack, TerraformJson } from './util';

const REGIONS = ['us-central1', 'us-east1'];

function network(scope: Construct, props: { projectServices?: ProjectServices } = {}): RegionalNetwork {
  return new RegionalNetwork(scope, 'Network', { tier: ServiceTier.TIER_3, regions: REGIONS, ...props });
}

function database(scope: Construct, projectServices?: ProjectServices): HaCloudSql {
  return new HaCloudSql(scope, 'Database', {
    tier: ServiceTier.TIER_3,
    network: network(scope, { projectServices }),
    region: 'us-central1',
    projectServices,
  });
}

const servicesOf = (json: TerraformJson) =>
  Object.values(json.resource.google_project_service ?? {}) as Record<string, unknown>[];
const dependsOn = (resource: Record<string, unknown>) => (resource.depends_on ?? []) as string[];
const addressOf = (json: TerraformJson, type: string, api: string) =>
  `${type}.${Object.entries(json.resource[type] ?? {}).find(([, r]) => r.service === api)?.[0]}`;

describe('ProjectServices', () => {
  test('GIVEN a construct and no projectServices THEN the stack gets one, and each API is enabled once, never disabled on destroy', () => {
    const stack = testStack();
    network(stack);
    new ReplicatedBucket(stack, 'Assets', { tier: ServiceTier.TIER_3, bucketName: 'orders-assets', regions: REGIONS });
    expect(stack.node.tryFindChild(ProjectServices.DEFAULT_ID)).toBeInstanceOf(ProjectServices);
    const json = terraformJson(stack);
    expect(
      servicesOf(json)
        .map((s) => s.service)
        .sort(),
    ).toEqual([
      'cloudkms.googleapis.com',
      'compute.googleapis.com',
      'logging.googleapis.com',
      'servicenetworking.googleapis.com',
      'storage.googleapis.com',
    ]);
    expect(
      servicesOf(json).every((s) => s.disable_on_destroy === false && s.disable_dependent_services === false),
    ).toBe(true);
  });

  test('GIVEN a ProjectServices of its own THEN the constructs use it, and its enabledApis lists what they enabled', () => {
    const stack = testStack();
    const services = new ProjectServices(stack, 'Apis');
    network(stack, { projectServices: services });
    expect(stack.node.tryFindChild(ProjectServices.DEFAULT_ID)).toBeUndefined();
    expect(services.enabledApis).toEqual([
      'compute.googleapis.com',
      'logging.googleapis.com',
      'servicenetworking.googleapis.com',
    ]);
    expect(ProjectServices.of(stack)).toBe(services);
  });

  test("THEN every resource depends on its API's google_project_service", () => {
    const json = terraformJson(
      ((stack) => {
        network(stack);
        return stack;
      })(testStack()),
    );
    const compute = addressOf(json, 'google_project_service', 'compute.googleapis.com');
    expect(Object.values(json.resource.google_compute_network).map(dependsOn)).toEqual([[compute]]);
    expect(Object.values(json.resource.google_compute_subnetwork).every((r) => dependsOn(r).includes(compute))).toBe(
      true,
    );
  });

  test('GIVEN Cloud SQL THEN its service agent is created with google-beta and granted its role before the key grant', () => {
    const stack = testStack();
    new GoogleProvider(stack, 'google', { project: 'orders-prod' });
    database(stack);
    const json = terraformJson(stack) as TerraformJson & {
      provider: Record<string, unknown[]>;
      terraform: { required_providers: Record<string, unknown> };
    };
    const identity = Object.entries(json.resource.google_project_service_identity)[0];
    expect(identity[1]).toEqual(
      expect.objectContaining({ service: 'sqladmin.googleapis.com', provider: 'google-beta' }),
    );
    expect(json.provider['google-beta']).toEqual([{ project: 'orders-prod' }]);
    expect(json.terraform.required_providers['google-beta']).toEqual({
      source: 'hashicorp/google-beta',
      version: '6.50.0',
    });
    const [roleName, role] = Object.entries(json.resource.google_project_iam_member).find(
      ([, r]) => r.role === 'roles/cloudsql.serviceAgent',
    )!;
    expect(role.member).toMatch(/@gcp-sa-cloud-sql\.iam\.gserviceaccount\.com$/);
    const grant = Object.values(json.resource.google_kms_crypto_key_iam_member)[0];
    expect(dependsOn(grant)).toEqual(
      expect.arrayContaining([
        addressOf(json, 'google_project_service', 'sqladmin.googleapis.com'),
        `google_project_service_identity.${identity[0]}`,
        `google_project_iam_member.${roleName}`,
      ]),
    );
  });

  test('GIVEN a key granted to Cloud SQL THEN the instance waits out IAM propagation after the grant', () => {
    const stack = testStack();
    database(stack);
    const json = terraformJson(stack) as TerraformJson & {
      provider: Record<string, unknown[]>;
      terraform: { required_providers: Record<string, unknown> };
    };
    const [waitName, wait] = Object.entries(json.resource.time_sleep)[0];
    const grants = Object.keys(json.resource.google_kms_crypto_key_iam_member).map(
      (n) => `google_kms_crypto_key_iam_member.${n}`,
    );
    // 7 minutes: "typically 2 minutes, potentially 7 minutes or longer" (Google's IAM documentation).
    expect(wait).toMatchObject({ create_duration: '420s', provider: 'time' });
    expect(dependsOn(wait)).toEqual(grants);
    // A replaced grant runs the wait again.
    expect((wait.triggers as { grants: string }).grants).toBe(
      `\${join(",", [${grants.map((g) => `${g}.id`).join(', ')}])}`,
    );
    const instance = Object.values(json.resource.google_sql_database_instance)[0];
    expect(dependsOn(instance)).toContain(`time_sleep.${waitName}`);
    expect(json.terraform.required_providers.time).toEqual({ source: 'hashicorp/time', version: '0.13.1' });
    expect(json.provider.time).toEqual([{}]);
  });

  test('GIVEN a topic after its key grant and a channel after the topic grant THEN a wait per set, no cycle', () => {
    const stack = testStack();
    const paging = new Construct(stack, 'Paging');
    const keyGrant = new KmsCryptoKeyIamMember(paging, 'KeyGrant', {
      cryptoKeyId: 'k',
      role: 'roles/cloudkms.cryptoKeyEncrypterDecrypter',
      member: 'serviceAccount:a@b',
    });
    const topic = new PubsubTopic(paging, 'Topic', { name: 't', kmsKeyName: 'k', dependsOn: [keyGrant] });
    const publisher = new PubsubTopicIamMember(paging, 'Publisher', {
      topic: topic.name,
      role: 'roles/pubsub.publisher',
      member: 'serviceAccount:c@d',
    });
    new MonitoringNotificationChannel(paging, 'Channel', {
      type: 'pubsub',
      labels: { topic: topic.id },
      dependsOn: [publisher],
    });
    ProjectServices.of(stack).use(paging);
    const json = terraformJson(stack);
    const waits = Object.entries(json.resource.time_sleep).map(([n, w]) => [`time_sleep.${n}`, dependsOn(w)]);
    const [keyGrantAddress] = Object.keys(json.resource.google_kms_crypto_key_iam_member);
    const [publisherAddress] = Object.keys(json.resource.google_pubsub_topic_iam_member);
    expect(waits).toEqual([
      [expect.stringMatching(/GrantPropagation-Paging_/), [`google_kms_crypto_key_iam_member.${keyGrantAddress}`]],
      [expect.stringMatching(/GrantPropagation-Paging-2_/), [`google_pubsub_topic_iam_member.${publisherAddress}`]],
    ]);
    // The topic waits only after its key grant: a wait after the publisher grant (made on the topic) would be a cycle.
    const onlyTopic = Object.values(json.resource.google_pubsub_topic)[0];
    expect(dependsOn(onlyTopic)).toContain(waits[0][0]);
    expect(dependsOn(onlyTopic)).not.toContain(waits[1][0]);
    const channel = Object.values(json.resource.google_monitoring_notification_channel)[0];
    expect(dependsOn(channel)).toContain(waits[1][0]);
  });

  test('GIVEN grantPropagationSeconds 0 THEN nothing waits and the instance depends on the grant itself', () => {
    const stack = testStack();
    database(stack, new ProjectServices(stack, 'Services', { grantPropagationSeconds: 0 }));
    const json = terraformJson(stack);
    expect(json.resource.time_sleep).toBeUndefined();
    const instance = Object.values(json.resource.google_sql_database_instance)[0];
    expect(dependsOn(instance)).toContainEqual(expect.stringMatching(/^google_kms_crypto_key_iam_member\./));
    expect(() => new ProjectServices(testStack(), 'Services', { grantPropagationSeconds: 1.5 })).toThrow(
      'grantPropagationSeconds must be an integer of at least 0, got: 1.5',
    );
  });

  test("GIVEN Cloud Logging's agent THEN reading the project's CMEK settings creates it, after the Logging API", () => {
    const stack = testStack();
    const grantee = ProjectServices.of(stack).serviceAgent(GOOGLE_SERVICE_AGENTS.CLOUD_LOGGING);
    new ProjectIamMember(stack, 'Grant', { project: 'p', role: 'roles/viewer', member: grantee.member });
    const json = terraformJson(stack);
    const [name, settings] = Object.entries(json.data?.google_logging_project_cmek_settings ?? {})[0];
    expect(Object.values(json.resource.google_project_iam_member)[0].member).toBe(
      `serviceAccount:\${data.google_logging_project_cmek_settings.${name}.service_account_id}`,
    );
    expect(dependsOn(settings as Record<string, unknown>)).toEqual([
      addressOf(json, 'google_project_service', 'logging.googleapis.com'),
    ]);
    // No google-beta: Logging's agent needs no google_project_service_identity.
    expect(json.resource.google_project_service_identity).toBeUndefined();
  });

  test("GIVEN Cloud Monitoring's notification agent THEN google_project_service_identity creates it after the API", () => {
    const stack = testStack();
    const grantee = ProjectServices.of(stack).serviceAgent(GOOGLE_SERVICE_AGENTS.MONITORING_NOTIFICATION);
    const json = terraformJson(stack);
    const identity = Object.values(json.resource.google_project_service_identity ?? {})[0];
    expect(identity).toEqual(
      expect.objectContaining({ service: 'monitoring.googleapis.com', provider: 'google-beta' }),
    );
    expect(dependsOn(identity)).toEqual([addressOf(json, 'google_project_service', 'monitoring.googleapis.com')]);
    expect(grantee.member).toMatch(/@gcp-sa-monitoring-notification\.iam\.gserviceaccount\.com$/);
  });

  test('GIVEN a google-beta provider in the stack THEN the agents use it and no second one is made', () => {
    const stack = testStack();
    new GoogleProvider(stack, 'google', { project: 'orders-prod' });
    new GoogleBetaProvider(stack, 'google-beta', { project: 'orders-prod' }, '6.50.0');
    const services = ProjectServices.of(stack);
    services.serviceAgent(GOOGLE_SERVICE_AGENTS.SECRET_MANAGER);
    services.serviceAgent(GOOGLE_SERVICE_AGENTS.PUBSUB);
    expect(services.node.tryFindChild('GoogleBeta')).toBeUndefined();
    const json = terraformJson(stack) as TerraformJson & { provider: Record<string, unknown[]> };
    expect(json.provider['google-beta']).toHaveLength(1);
  });

  test('GIVEN only a network THEN no google-beta provider (no agent is created)', () => {
    const stack = testStack();
    network(stack);
    expect(
      (terraformJson(stack) as TerraformJson & { provider?: Record<string, unknown> }).provider?.['google-beta'],
    ).toBeUndefined();
  });

  test('GIVEN enableApis and createServiceAgents false THEN nothing is enabled or created, and the grant names the agent', () => {
    const stack = testStack();
    database(stack, new ProjectServices(stack, 'Services', { enableApis: false, createServiceAgents: false }));
    const json = terraformJson(stack);
    expect(json.resource.google_project_service).toBeUndefined();
    expect(json.resource.google_project_service_identity).toBeUndefined();
    const grant = Object.values(json.resource.google_kms_crypto_key_iam_member)[0];
    expect(grant.member).toMatch(/@gcp-sa-cloud-sql\.iam\.gserviceaccount\.com$/);
    expect(grant.depends_on).toBeUndefined();
  });

  test('GIVEN a Google resource type the table does not know THEN use() refuses it, naming the type', () => {
    const stack = testStack();
    const services = ProjectServices.of(stack);
    const scope = new Construct(stack, 'Custom');
    new BigtableInstance(scope, 'Bigtable', { name: 'orders' });
    expect(() => services.use(scope)).toThrow(HaValidationError);
    expect(() => services.use(scope)).toThrow(/got: google_bigtable_instance at stack\/Custom\/Bigtable/);
  });

  test('GIVEN a resource of a known type THEN use() enables its API once and adds the dependency once', () => {
    const stack = testStack();
    const services = ProjectServices.of(stack);
    const net = new ComputeNetwork(stack, 'Raw', { name: 'raw' });
    services.use(net);
    services.use(net);
    expect(net.dependsOn).toHaveLength(1);
    expect(services.enabledApis).toEqual(['compute.googleapis.com']);
  });

  test('the table names a *.googleapis.com service for every type', () => {
    expect(
      Object.entries(GOOGLE_API_OF_TYPE).filter(
        ([type, api]) => !type.startsWith('google_') || !/^[a-z]+\.googleapis\.com$/.test(api),
      ),
    ).toEqual([]);
  });
});
