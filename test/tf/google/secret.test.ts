import { PubsubTopic } from '@cdktf/provider-google/lib/pubsub-topic';
import { SecretManagerSecret } from '@cdktf/provider-google/lib/secret-manager-secret';
import { SecretManagerSecretIamMember } from '@cdktf/provider-google/lib/secret-manager-secret-iam-member';
import { TerraformVariable, Testing } from 'cdktf';
import { Construct } from 'constructs';
import { ServiceTier } from '../../../lib/core';
import { EncryptedSecret, EncryptedSecretProps } from '../../../lib/tf/google/secret';
import { onlyResource, resourcesOf, terraformJson, testStack } from './util';

Testing.setupJest();

function secret(scope: Construct, props: Partial<EncryptedSecretProps> = {}): EncryptedSecret {
  return new EncryptedSecret(scope, 'Secret', {
    tier: ServiceTier.TIER_1,
    secretId: 'db-password',
    regions: ['us-central1', 'us-east1'],
    ...props,
  });
}

describe('EncryptedSecret', () => {
  test('GIVEN two regions THEN user-managed replicas, each under a key of its own region', () => {
    const synth = Testing.synthScope((scope) => {
      secret(scope);
    });
    expect(synth).toHaveResourceWithProperties(SecretManagerSecret, {
      secret_id: 'db-password',
      replication: {
        user_managed: {
          replicas: [
            {
              location: 'us-central1',
              customer_managed_encryption: {
                kms_key_name: expect.stringContaining('google_kms_crypto_key.Secret_Key-us-central1_'),
              },
            },
            {
              location: 'us-east1',
              customer_managed_encryption: {
                kms_key_name: expect.stringContaining('google_kms_crypto_key.Secret_Key-us-east1_'),
              },
            },
          ],
        },
      },
      deletion_protection: true,
      version_destroy_ttl: `${35 * 86400}s`,
      lifecycle: { prevent_destroy: true, ignore_changes: ['rotation[0].next_rotation_time'] },
    });
  });

  test('THEN rotation is announced on a topic per region, each under a key of its region and stored there', () => {
    const stack = testStack();
    secret(stack, { rotationDays: 30 });
    const json = terraformJson(stack);
    const body = onlyResource(json, 'google_secret_manager_secret');
    expect(body.rotation).toEqual({
      rotation_period: `${30 * 86400}s`,
      next_rotation_time: '${timeadd(plantimestamp(), "2592000s")}',
    });
    // The first region keeps the ids of the single topic of earlier releases (stateful ids never change).
    const expected = [
      { region: 'us-central1', topic: 'Secret_RotationTopic_', key: 'Secret_RotationTopicKey_' },
      { region: 'us-east1', topic: 'Secret_RotationTopic-us-east1_', key: 'Secret_RotationTopicKey-us-east1_' },
    ];
    const topics = resourcesOf(json, 'google_pubsub_topic');
    const keys = resourcesOf(json, 'google_kms_crypto_key');
    const rings = resourcesOf(json, 'google_kms_key_ring');
    expect(body.topics).toEqual(expected.map((e) => ({ name: expect.stringContaining(`.${e.topic}`) })));
    for (const e of expected) {
      const [, topic] = Object.entries(topics).find(([name]) => name.startsWith(e.topic))!;
      expect(topic).toEqual(
        expect.objectContaining({
          kms_key_name: expect.stringContaining(`google_kms_crypto_key.${e.key}`),
          message_storage_policy: { allowed_persistence_regions: [e.region] },
          lifecycle: { prevent_destroy: true },
        }),
      );
      const [, key] = Object.entries(keys).find(([name]) => name.startsWith(e.key))!;
      const ring = Object.entries(rings).find(([name]) =>
        String(key.key_ring).includes(`google_kms_key_ring.${name}.`),
      );
      expect(ring?.[1].location).toBe(e.region);
    }
    const publishers = Object.values(resourcesOf(json, 'google_pubsub_topic_iam_member'));
    expect(publishers).toHaveLength(2);
    for (const publisher of publishers) {
      expect(publisher).toEqual(
        expect.objectContaining({
          role: 'roles/pubsub.publisher',
          member:
            'serviceAccount:service-${data.google_project.HaConstructsProject.number}@gcp-sa-secretmanager.iam.gserviceaccount.com',
        }),
      );
    }
  });

  test('GIVEN no rotation period THEN notifications come every 30 days, as on AWS', () => {
    const synth = Testing.synthScope((scope) => {
      secret(scope);
    });
    expect(synth).toHaveResourceWithProperties(SecretManagerSecret, {
      rotation: expect.objectContaining({ rotation_period: '2592000s' }),
    });
  });

  test('WHEN the value rotates externally THEN no notifications and no topic, and HA-SEC1 carries the reason', () => {
    const reason = 'issued by the payment provider, rotated in its console every 90 days';
    const stack = testStack();
    const s = secret(stack, { rotatedExternally: reason });
    const synth = Testing.synth(stack);
    const [body] = Object.values(JSON.parse(synth).resource.google_secret_manager_secret) as Record<string, unknown>[];
    expect(body).toMatchObject({ lifecycle: { prevent_destroy: true } });
    expect(body.rotation).toBeUndefined();
    expect(body.topics).toBeUndefined();
    expect(synth).not.toHaveResource(PubsubTopic);
    expect(JSON.stringify(s.node.metadata)).toContain(reason);
  });

  test('WHEN read access is granted THEN only secretAccessor on this secret', () => {
    const stack = testStack();
    secret(stack).grantRead('App', 'serviceAccount:app@p.iam.gserviceaccount.com');
    expect(Testing.synth(stack)).toHaveResourceWithProperties(SecretManagerSecretIamMember, {
      role: 'roles/secretmanager.secretAccessor',
      member: 'serviceAccount:app@p.iam.gserviceaccount.com',
    });
  });

  test('WHEN the same grant name is used twice THEN it throws', () => {
    const s = secret(testStack());
    s.grantRead('App', 'serviceAccount:a@p.iam.gserviceaccount.com');
    expect(() => s.grantRead('App', 'serviceAccount:b@p.iam.gserviceaccount.com')).toThrow(
      new Error("name must be unique among this secret's grants, got: App twice"),
    );
  });

  test('WHEN a region is a Terraform expression THEN it throws (regions key construct ids)', () => {
    const stack = testStack();
    const region = new TerraformVariable(stack, 'region', { type: 'string' });
    expect(() => secret(stack, { regions: ['us-central1', region.stringValue] })).toThrow(
      new Error(
        "regions must be known at synthesis (each region keys its resources' construct ids), got: an unresolved token",
      ),
    );
  });

  test.each([
    [
      { regions: ['us-central1'] },
      'regions must list at least 2 regions for TIER_1 (WARM_STANDBY keeps a second region), got: 1 (us-central1)',
    ],
    [{ regions: ['us-central1', 'us'] }, 'regions must be region names such as us-central1, got: us'],
    [
      { secretId: 'db password' },
      'secretId must be 1 to 255 letters, digits, hyphens or underscores, got: db password',
    ],
    [{ rotationDays: 0 }, 'rotationDays must be an integer from 1 to 36500, got: 0'],
    [{ rotationDays: 36501 }, 'rotationDays must be an integer from 1 to 36500, got: 36501'],
    [
      {
        rotationTopicId: 'projects/p/topics/rotation',
        rotatedExternally: 'issued by the payment provider, rotated in its console',
      },
      'rotationTopicId and rotatedExternally are alternatives: give one of them, got: rotationTopicId, rotatedExternally',
    ],
    [
      { rotatedExternally: 'by hand' },
      "rotatedExternally must say why the value rotates outside Secret Manager (at least 20 characters), got: 'by hand'",
    ],
  ])('WHEN %j THEN it throws a clear error', (props, message) => {
    expect(() => secret(testStack(), props)).toThrow(new Error(message));
  });
});
