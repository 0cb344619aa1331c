import { App, TerraformStack } from 'cdktf';
import { HA_METADATA_KEY, HaValidationError, ServiceTier } from '../../../lib/core';
import { HaSpanner, HaSpannerProps } from '../../../lib/tf/google/spanner';
import { resourcesOf, terraformJson, TerraformJson, warningsOf } from './util';

const CHANNEL = 'projects/orders-prod/notificationChannels/1234567890';

/** A TIER_0 database on nam3 in a bare cdktf App (no context), as users build it. */
function spanner(props: Partial<HaSpannerProps> = {}): { stack: TerraformStack; db: HaSpanner } {
  const stack = new TerraformStack(new App(), 'stack');
  const db = new HaSpanner(stack, 'Orders', {
    tier: ServiceTier.TIER_0,
    service: 'checkout',
    configuration: 'nam3',
    servingRegions: ['us-east4', 'us-east1'],
    databaseName: 'orders',
    ...props,
  });
  return { stack, db };
}

describe('HaSpanner on nam3 for TIER_0', () => {
  let json: TerraformJson;
  let db: HaSpanner;
  beforeAll(() => {
    const built = spanner({ notificationChannels: [CHANNEL] });
    db = built.db;
    db.grantDatabaseUser('Fleet', 'fleet@p.iam.gserviceaccount.com');
    json = terraformJson(built.stack);
  });
  const only = (type: string) => {
    const all = Object.values(resourcesOf(json, type));
    expect(all).toHaveLength(1);
    return all[0];
  };

  test('THEN an Enterprise Plus instance on nam3, autoscaled at the multi-region CPU target', () => {
    expect(only('google_spanner_instance')).toMatchObject({
      config: 'nam3',
      edition: 'ENTERPRISE_PLUS',
      default_backup_schedule_type: 'NONE',
      force_destroy: false,
      autoscaling_config: {
        autoscaling_limits: { min_processing_units: 1000, max_processing_units: 4000 },
        autoscaling_targets: { high_priority_cpu_utilization_percent: 45, storage_utilization_percent: 90 },
      },
      lifecycle: { prevent_destroy: true },
    });
    expect(db.readWriteRegions).toEqual(['us-east4', 'us-east1']);
    expect(String(only('google_spanner_instance').name).length).toBeLessThanOrEqual(30);
  });

  test('THEN the database is encrypted with a key in each of the three regions, each granted first', () => {
    const database = only('google_spanner_database');
    const keys = resourcesOf(json, 'google_kms_crypto_key');
    const rings = Object.values(resourcesOf(json, 'google_kms_key_ring')).map((r) => r.location);
    expect(rings.sort()).toEqual(['us-central1', 'us-east1', 'us-east4']);
    const names = (database.encryption_config as { kms_key_names: string[] }).kms_key_names;
    expect(names).toHaveLength(3);
    expect(names.map((n) => /google_kms_crypto_key\.([^.]+)\.id/.exec(n)![1]).sort()).toEqual(Object.keys(keys).sort());
    const grants = Object.entries(resourcesOf(json, 'google_kms_crypto_key_iam_member'));
    expect(grants).toHaveLength(3);
    for (const [, grant] of grants) {
      expect(grant.member).toMatch(/^serviceAccount:service-\$\{.*\}@gcp-sa-spanner\.iam\.gserviceaccount\.com$/);
      expect(grant.role).toBe('roles/cloudkms.cryptoKeyEncrypterDecrypter');
    }
    expect(database.depends_on).toEqual(
      expect.arrayContaining(grants.map(([name]) => `google_kms_crypto_key_iam_member.${name}`)),
    );
  });

  test('THEN seven days of point-in-time recovery, deletion and drop protection, prevent_destroy', () => {
    expect(only('google_spanner_database')).toMatchObject({
      name: 'orders',
      database_dialect: 'GOOGLE_STANDARD_SQL',
      version_retention_period: '604800s',
      deletion_protection: true,
      enable_drop_protection: true,
      lifecycle: { prevent_destroy: true },
    });
  });

  test("THEN full backups every 12 h kept the tier's retention, under the database's keys", () => {
    expect(only('google_spanner_backup_schedule')).toMatchObject({
      retention_duration: `${ServiceTier.TIER_0.backupRetentionDays * 86400}s`,
      spec: { cron_spec: { text: '0 2/12 * * *' } },
      full_backup_spec: {},
      encryption_config: { encryption_type: 'USE_DATABASE_ENCRYPTION' },
    });
  });

  test('THEN a fresh project enables Spanner and creates its service agent before the key grants', () => {
    const api = Object.entries(resourcesOf(json, 'google_project_service')).find(
      ([, s]) => s.service === 'spanner.googleapis.com',
    );
    expect(api).toBeDefined();
    for (const type of ['google_spanner_instance', 'google_spanner_database', 'google_spanner_backup_schedule']) {
      expect(only(type).depends_on).toContain(`google_project_service.${api![0]}`);
    }
    const identity = Object.entries(resourcesOf(json, 'google_project_service_identity')).find(
      ([, s]) => s.service === 'spanner.googleapis.com',
    );
    expect(identity).toBeDefined();
    for (const grant of Object.values(resourcesOf(json, 'google_kms_crypto_key_iam_member'))) {
      expect(grant.depends_on).toContain(`google_project_service_identity.${identity![0]}`);
    }
    expect(
      Object.values(resourcesOf(json, 'google_project_iam_member')).some(
        (m) => m.role === 'roles/spanner.serviceAgent',
      ),
    ).toBe(true);
  });

  test('THEN the fleet is a database user of this database only', () => {
    expect(only('google_spanner_database_iam_member')).toMatchObject({
      role: 'roles/spanner.databaseUser',
      member: 'serviceAccount:fleet@p.iam.gserviceaccount.com',
      database: expect.stringMatching(/^\$\{google_spanner_database\..+\.name\}$/),
    });
    expect(resourcesOf(json, 'google_spanner_instance_iam_member')).toEqual({});
    const projectRoles = Object.values(resourcesOf(json, 'google_project_iam_member')).map((m) => m.role);
    expect(projectRoles).toEqual(['roles/spanner.serviceAgent']);
  });

  test('THEN an alert pages when high-priority CPU stays above the multi-region maximum the autoscaler aims at', () => {
    expect(only('google_monitoring_alert_policy')).toMatchObject({
      notification_channels: [CHANNEL],
      conditions: [
        {
          condition_threshold: {
            filter: expect.stringMatching(
              new RegExp(
                '^metric\\.type="spanner\\.googleapis\\.com/instance/cpu/utilization_by_priority" AND ' +
                  'resource\\.type="spanner_instance" AND ' +
                  'resource\\.label\\.instance_id=' +
                  '"\\$\\{google_spanner_instance\\.Orders_Instance_\\w+\\.name\\}" AND ' +
                  'metric\\.label\\.priority="high"$',
              ),
            ),
            comparison: 'COMPARISON_GT',
            threshold_value: 0.45,
            duration: '900s',
            aggregations: [
              {
                alignment_period: '60s',
                per_series_aligner: 'ALIGN_MEAN',
                cross_series_reducer: 'REDUCE_SUM',
                group_by_fields: ['resource.label.instance_id'],
              },
            ],
          },
        },
      ],
    });
  });

  test('THEN every resource carries the HA record of a global TIER_0 store', () => {
    for (const type of ['google_spanner_instance', 'google_spanner_database', 'google_kms_crypto_key']) {
      for (const resource of Object.values(resourcesOf(json, type))) {
        expect((resource['//'] as Record<string, unknown> | undefined)?.[HA_METADATA_KEY]).toMatchObject({
          service: 'checkout',
          tier: 'TIER_0',
          role: 'global',
          failureDomain: 'global',
          component: 'HaSpanner',
        });
      }
    }
  });
});

describe('HaSpanner refuses what cannot serve its tier', () => {
  test.each<[string, Partial<HaSpannerProps>, string]>([
    [
      'fleets in the witness region',
      { servingRegions: ['us-central1', 'us-east1'] },
      'servingRegions must be the read-write regions of nam3 (us-east4, us-east1)',
    ],
    [
      'a regional configuration',
      { configuration: 'regional-us-east1', servingRegions: ['us-east1'] },
      'configuration must have two read-write regions',
    ],
    ['a bad database name', { databaseName: 'Orders!' }, 'databaseName must match'],
  ])('GIVEN %s THEN an HaValidationError names the prop and the value', (_, props, message) => {
    let error: unknown;
    try {
      spanner(props);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(HaValidationError);
    expect((error as Error).message).toContain(message);
  });

  test('GIVEN TIER_3 on a regional configuration THEN one key and no warning', () => {
    const { stack, db } = spanner({
      tier: ServiceTier.TIER_3,
      configuration: 'regional-us-east1',
      servingRegions: ['us-east1'],
    });
    const json = terraformJson(stack);
    const database = Object.values(resourcesOf(json, 'google_spanner_database'))[0];
    expect(database.encryption_config).toEqual({ kms_key_name: expect.stringContaining('google_kms_crypto_key.') });
    expect(Object.values(resourcesOf(json, 'google_spanner_instance'))[0].edition).toBe('ENTERPRISE');
    expect(warningsOf(db)).toEqual([]);
    // No channel, no alert.
    expect(resourcesOf(json, 'google_monitoring_alert_policy')).toEqual({});
  });

  test('GIVEN preventDestroy false THEN it warns and keeps deletion protection', () => {
    const { stack, db } = spanner({ preventDestroy: false });
    expect(warningsOf(db).join('\n')).toContain('[ha-constructs:HaSpanner.preventDestroy]');
    const database = Object.values(resourcesOf(terraformJson(stack), 'google_spanner_database'))[0];
    expect(database).toMatchObject({ deletion_protection: true, enable_drop_protection: true });
  });
});
