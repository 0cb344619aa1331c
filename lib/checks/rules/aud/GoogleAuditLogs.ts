import { DATA_ACCESS_AUDIT_SERVICES, DATA_ACCESS_LOG_TYPES } from '../../../core/plans/audit-logs';
import { GraphResource } from '../../graph/model';
import { blocks, bool, num, str } from '../../graph/values';
import { Evaluation, HaRule, RuleContext, serviceOutcome } from '../rule';
import { tierOfRecord } from '../support';

const BUCKET = 'google_logging_project_bucket_config';
const SINK = 'google_logging_project_sink';
const AUDIT_CONFIG = 'google_project_iam_audit_config';

/** HA-AUD3: a critical service on Google Cloud keeps its audit logs, Data Access included, in a locked bucket. */
export const GoogleAuditLogs: HaRule = {
  id: 'HA-AUD3',
  level: 'warning',
  category: 'security-hygiene',
  needsTier: true,
  info:
    'When a TIER_0 or TIER_1 service runs on Google Cloud, a sink routes the audit logs to a locked log bucket ' +
    'that keeps them at least tier.logRetentionDays, and Data Access audit logs are on for the data services ' +
    'its stacks use (Cloud KMS, Cloud SQL, Secret Manager, Spanner, Cloud Storage).',
  explanation:
    'After an incident the audit logs are the record of who changed and who read what; a locked bucket keeps ' +
    'them even from the project owner. A warning: an organization or folder sink and audit configuration ' +
    'defined outside the app also satisfy it, and the templates cannot show that.',
  resourceTypes: [BUCKET, SINK, AUDIT_CONFIG],
  evaluate(context: RuleContext): Evaluation[] {
    const { graph } = context;
    const auditBuckets = graph
      .ofType(SINK)
      .filter((sink) => (str(sink.properties.filter) ?? '').includes('cloudaudit.googleapis.com'))
      .flatMap((sink) => graph.referencedBy(sink, BUCKET));
    const configs = graph.ofType(AUDIT_CONFIG).filter(logsDataAccess);
    return context.services.services().flatMap((service) => {
      const stacks = context.services.stacksOf(service);
      const tier = tierOfRecord(stacks[0].record);
      const resources = stacks.flatMap((s) => s.resources);
      if (!tier.staticallyStable || !resources.some((r) => r.cloud === 'google')) {
        return [];
      }
      const problems: string[] = [];
      const kept = auditBuckets.filter(
        (b) => bool(b.properties.locked) === true && (num(b.properties.retention_days) ?? 0) >= tier.logRetentionDays,
      );
      if (auditBuckets.length === 0) {
        problems.push('no sink routes the audit logs to a log bucket of the app: add an AuditTrail');
      } else if (kept.length === 0) {
        problems.push(
          `${auditBuckets.map((b) => b.address).join(', ')} must be locked and keep entries at least ` +
            `${tier.logRetentionDays} days (${tier.name}'s log retention): set locked = true and retention_days`,
        );
      }
      const inStacks = new Set(stacks.map((s) => s.stack));
      const used = Object.entries(DATA_ACCESS_AUDIT_SERVICES)
        .filter(([, types]) => graph.ofType(...types).some((r) => inStacks.has(r.stack)))
        .map(([name]) => name);
      const unlogged = used.filter((name) => !configs.some((c) => str(c.properties.service) === name));
      if (unlogged.length > 0) {
        problems.push(
          `Data Access audit logs are off for ${unlogged.join(', ')}: add a google_project_iam_audit_config ` +
            `with ${DATA_ACCESS_LOG_TYPES.join(', ')} for each`,
        );
      }
      return [
        serviceOutcome(
          stacks[0].stack,
          service,
          problems.length === 0
            ? undefined
            : `service ${service} (${tier.name}) on Google Cloud: ${problems.join('; ')} ` +
                '(or acknowledge this if an organization sink covers the project)',
        ),
      ];
    });
  },
};

/** Whether an audit configuration logs data reads and writes. */
function logsDataAccess(config: GraphResource): boolean {
  const types = blocks(config.properties.audit_log_config).map((c) => str(c.log_type));
  return types.includes('DATA_READ') && types.includes('DATA_WRITE');
}
