import { BackupRetention } from '../../../lib/checks/rules/bak/BackupRetention';
import { SpannerConfiguration } from '../../../lib/checks/rules/db/SpannerConfiguration';
import { DeletionProtection } from '../../../lib/checks/rules/del/DeletionProtection';
import { RetainStatefulResources } from '../../../lib/checks/rules/del/RetainStatefulResources';
import { CustomerManagedKeys } from '../../../lib/checks/rules/enc/CustomerManagedKeys';
import { ServiceTier } from '../../../lib/core';
import { tf } from '../fixtures/builders';
import { RuleCase } from './cases';

const T0 = { tier: ServiceTier.TIER_0 };

/** A bare Spanner database with `database`'s arguments (and its schedules). */
function db(database: Record<string, unknown>, more: Record<string, Record<string, Record<string, unknown>>> = {}) {
  return {
    google_spanner_instance: { i: { config: 'nam3', lifecycle: [{ prevent_destroy: true }] } },
    google_spanner_database: { db: { instance: '${google_spanner_instance.i.name}', name: 'orders', ...database } },
    ...more,
  };
}
const kept = (days: number) => ({
  google_spanner_backup_schedule: {
    s: { database: '${google_spanner_database.db.name}', retention_duration: `${days * 86400}s` },
  },
});

/** A Spanner database on an instance of `config`, autoscaled at `cpu`%, and the service's fleets in `regions`. */
function spanner(config: string, cpu = 45, regions = ['us-east4', 'us-east1']) {
  return {
    google_spanner_instance: {
      i: {
        config,
        autoscaling_config: { autoscaling_targets: { high_priority_cpu_utilization_percent: cpu } },
      },
    },
    google_spanner_database: { db: { instance: '${google_spanner_instance.i.name}', name: 'orders' } },
    google_compute_region_instance_group_manager: Object.fromEntries(
      regions.map((region) => [region.replace(/-/g, '_'), { region, base_instance_name: 'web' }]),
    ),
  };
}

/** HA-DB2: the Spanner configuration against the tier, the fleets' regions and the recommended CPU. */
export const SPANNER_CASES: RuleCase[] = [
  {
    rule: SpannerConfiguration,
    engine: 'terraform-google',
    stack: 'app',
    resource: 'google_spanner_database.db',
    message: 'is on the regional configuration regional-us-east1, lost with its region: TIER_0 (ACTIVE_ACTIVE) needs',
    compliant: tf(spanner('nam3'), T0),
    nonCompliant: tf(spanner('regional-us-east1', 45, ['us-east1']), T0),
  },
  {
    rule: SpannerConfiguration,
    engine: 'terraform-google',
    stack: 'app',
    resource: 'google_spanner_database.db',
    message: "autoscales at 65% high-priority CPU, above Google's recommended 45% for a multi-region configuration",
    compliant: tf(spanner('nam3', 40), T0),
    nonCompliant: tf(spanner('nam3', 65), T0),
  },
  {
    rule: SpannerConfiguration,
    engine: 'terraform-google',
    stack: 'app',
    resource: 'google_spanner_database.db',
    message: 'runs in us-central1, not a read-write region of nam3 (us-east4, us-east1)',
    compliant: tf(spanner('regional-us-central1', 65, ['us-central1']), { tier: ServiceTier.TIER_3 }),
    nonCompliant: tf(spanner('nam3', 45, ['us-central1', 'us-east1']), T0),
  },
  {
    rule: DeletionProtection,
    engine: 'terraform-google',
    stack: 'app',
    resource: 'google_spanner_database.db',
    message: 'can be dropped: keep deletion_protection (Terraform) and set enable_drop_protection = true (API)',
    compliant: tf(db({ enable_drop_protection: true })),
    nonCompliant: tf(db({ deletion_protection: true })),
  },
  {
    rule: RetainStatefulResources,
    engine: 'terraform-google',
    stack: 'app',
    resource: 'google_spanner_database.db',
    message: 'can be destroyed by a plan',
    compliant: tf(db({ lifecycle: [{ prevent_destroy: true }] })),
    nonCompliant: tf(db({})),
  },
  {
    rule: CustomerManagedKeys,
    engine: 'terraform-google',
    stack: 'app',
    resource: 'google_spanner_database.db',
    message: 'is not encrypted with a customer-managed key: set a Cloud KMS key (CMEK)',
    level: 'warning',
    compliant: tf(db({ encryption_config: { kms_key_names: ['${google_kms_crypto_key.a.id}'] } })),
    nonCompliant: tf(db({ encryption_config: {} })),
  },
  {
    rule: BackupRetention,
    engine: 'terraform-google',
    stack: 'app',
    resource: 'google_spanner_database.db',
    message: 'keeps scheduled backups 7 day(s); TIER_1 needs 35: raise retention_duration',
    compliant: tf(db({}, kept(35)), { tier: ServiceTier.TIER_1 }),
    nonCompliant: tf(db({}, kept(7)), { tier: ServiceTier.TIER_1 }),
  },
];
