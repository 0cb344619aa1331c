import { GoogleAuditLogs } from '../../../lib/checks/rules/aud/GoogleAuditLogs';
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

/** A Spanner database and a sink of the audit logs into a bucket `locked` keeping `days`, with Data Access on for `services`. */
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

/** HA-OBS4, HA-OBS5, HA-AUD3: the operations of a Google Cloud service. */
export const GOOGLE_OPERATIONS_CASES: RuleCase[] = [
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
