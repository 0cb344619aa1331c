import { GoogleAuditLogs } from '../../../lib/checks/rules/aud/GoogleAuditLogs';
import { BackupVaultPerTier } from '../../../lib/checks/rules/bak/BackupVaultPerTier';
import { GoogleDashboard } from '../../../lib/checks/rules/obs/GoogleDashboard';
import { PagingBeyondEmail } from '../../../lib/checks/rules/obs/PagingBeyondEmail';
import { ServiceTier } from '../../../lib/core';
import { tf } from '../fixtures/builders';
import { RuleCase } from './cases';

const T0 = { tier: ServiceTier.TIER_0 };
const FLEET = {
  google_compute_region_instance_group_manager: { web: { region: 'us-east4', base_instance_name: 'web' } },
};

/** A critical alert policy notifying channels of `types`. */
function paged(...types: string[]) {
  return {
    google_monitoring_notification_channel: Object.fromEntries(types.map((type, i) => [`c${i}`, { type }])),
    google_monitoring_alert_policy: {
      page: {
        severity: 'CRITICAL',
        notification_channels: types.map((_, i) => `\${google_monitoring_notification_channel.c${i}.id}`),
      },
    },
  };
}

/** A Spanner database; audit logs routed to a bucket `locked` keeping `days`; Data Access on for `services`. */
function audited(locked: boolean, days: number, services: string[]) {
  return {
    google_spanner_database: { db: { name: 'orders' } },
    google_logging_project_bucket_config: { audit: { locked, retention_days: days, location: 'us-east4' } },
    google_logging_project_sink: {
      audit: {
        filter: 'logName:"/logs/cloudaudit.googleapis.com%2F"',
        destination: 'logging.googleapis.com/${google_logging_project_bucket_config.audit.id}',
      },
    },
    google_project_iam_audit_config: Object.fromEntries(
      services.map((service) => [
        service.split('.')[0],
        { service, audit_log_config: [{ log_type: 'DATA_READ' }, { log_type: 'DATA_WRITE' }] },
      ]),
    ),
  };
}

/** HA-OBS4, HA-OBS5, HA-AUD3: dashboard, paging and audit logs of a Google Cloud service. */
const OBSERVABILITY_CASES: RuleCase[] = [
  {
    rule: GoogleDashboard,
    engine: 'terraform-google',
    stack: 'app',
    resource: 'service:shop',
    message: 'runs on Google Cloud with no dashboard of its own: add a GoldenSignalsDashboard',
    compliant: tf({ ...FLEET, google_monitoring_dashboard: { d: { dashboard_json: '{}' } } }, T0),
    nonCompliant: tf(FLEET, T0),
  },
  {
    rule: PagingBeyondEmail,
    engine: 'terraform-google',
    stack: 'app',
    resource: 'google_monitoring_alert_policy.page',
    message: 'pages TIER_0 by email only: add a channel that is not email',
    compliant: tf(paged('email', 'pubsub'), T0),
    nonCompliant: tf(paged('email'), T0),
  },
  {
    rule: GoogleAuditLogs,
    engine: 'terraform-google',
    stack: 'app',
    resource: 'service:shop',
    message: 'must be locked and keep entries at least 365 days',
    compliant: tf(audited(true, 365, ['spanner.googleapis.com']), T0),
    nonCompliant: tf(audited(false, 30, ['spanner.googleapis.com']), T0),
  },
  {
    rule: GoogleAuditLogs,
    engine: 'terraform-google',
    stack: 'app',
    resource: 'service:shop',
    message: 'Data Access audit logs are off for spanner.googleapis.com',
    compliant: tf(audited(true, 400, ['spanner.googleapis.com', 'storage.googleapis.com']), T0),
    nonCompliant: tf(audited(true, 400, ['storage.googleapis.com']), T0),
  },
];

/** A Backup and DR vault enforcing `days` and a plan backing up every `hours` for `keep` days. */
function vaulted(days: number, hours: number, keep: number) {
  return {
    google_backup_dr_backup_vault: {
      v: { location: 'us-east1', backup_minimum_enforced_retention_duration: `${days * 86400}s` },
    },
    google_backup_dr_backup_plan: {
      p: {
        backup_vault: '${google_backup_dr_backup_vault.v.id}',
        backup_rules: [
          {
            rule_id: 'r',
            backup_retention_days: keep,
            standard_schedule: { recurrence_type: 'HOURLY', hourly_frequency: hours },
          },
        ],
      },
    },
  };
}

/** HA-BAK4: Backup and DR vault and plan against the tier. */
const BACKUP_CASES: RuleCase[] = [
  {
    rule: BackupVaultPerTier,
    engine: 'terraform-google',
    stack: 'app',
    resource: 'google_backup_dr_backup_vault.v',
    message: 'enforces 7 day(s); TIER_1 needs 35: raise backup_minimum_enforced_retention_duration',
    compliant: tf(vaulted(35, 1, 35), { tier: ServiceTier.TIER_1 }),
    nonCompliant: tf(vaulted(7, 1, 35), { tier: ServiceTier.TIER_1 }),
  },
  {
    rule: BackupVaultPerTier,
    engine: 'terraform-google',
    stack: 'app',
    resource: 'google_backup_dr_backup_plan.p',
    message: 'runs every 6 h; TIER_1 needs at least every 1 h',
    compliant: tf(vaulted(35, 1, 35), { tier: ServiceTier.TIER_1 }),
    nonCompliant: tf(vaulted(35, 6, 35), { tier: ServiceTier.TIER_1 }),
  },
];

/** The cases of the Google operations rules. */
export const GOOGLE_OPERATIONS_CASES: RuleCase[] = [...OBSERVABILITY_CASES, ...BACKUP_CASES];
