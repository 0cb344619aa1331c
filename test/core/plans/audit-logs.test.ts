import * as fc from 'fast-check';
import { DrStrategy, planAuditTrail, ServiceTier } from '../../../lib/core';
import { AUDIT_LOG_FILTER, planAuditLogs } from '../../../lib/core/plans/audit-logs';

const ALL = [
  'cloudkms.googleapis.com',
  'cloudsql.googleapis.com',
  'secretmanager.googleapis.com',
  'spanner.googleapis.com',
  'storage.googleapis.com',
];

describe('planAuditLogs by table', () => {
  test("TIER_0, defaults: a locked bucket keeping the tier's 365 days, every audit log, all Data Access logs", () => {
    expect(planAuditLogs(ServiceTier.TIER_0, {})).toEqual({
      retentionDays: 365,
      locked: true,
      filter: AUDIT_LOG_FILTER,
      dataAccessServices: ALL,
      logTypes: ['ADMIN_READ', 'DATA_READ', 'DATA_WRITE'],
      problems: [],
      warnings: [],
    });
  });

  test.each([
    [{ retentionDays: 0 }, 'retentionDays must be a whole number of days from 1 to 3650'],
    [{ retentionDays: 3651 }, 'retentionDays must be a whole number of days from 1 to 3650'],
    [{ retentionDays: 400.5 }, 'retentionDays must be a whole number of days from 1 to 3650'],
    [{ dataAccessServices: ['sqladmin.googleapis.com'] }, 'dataAccessServices must be among'],
    [{ dataAccessServices: ['spanner.googleapis.com', 'spanner.googleapis.com'] }, 'must name each service once'],
  ])('WHEN %j THEN a problem names the prop and the value', (intent, message) => {
    const { problems } = planAuditLogs(ServiceTier.TIER_1, intent);
    expect(problems).toEqual([expect.objectContaining({ message: expect.stringContaining(message) })]);
  });

  test('WHEN the bucket is unlocked, or keeps less than the tier THEN warnings say what is lost', () => {
    const { warnings, problems } = planAuditLogs(ServiceTier.TIER_1, { retentionDays: 90, locked: false });
    expect(problems).toEqual([]);
    expect(warnings.map((w) => w.id)).toEqual(['retentionDays', 'locked']);
    expect(warnings[0].message).toContain('below TIER_1');
  });
});

describe('planAuditLogs by property', () => {
  const tier = (logRetentionDays: number) =>
    ServiceTier.custom({
      name: 'CUSTOM',
      strategy: DrStrategy.BACKUP_RESTORE,
      availabilityTarget: 0.99,
      minAzs: 2,
      minRegions: 1,
      azRtoSeconds: 900,
      azRpoSeconds: 300,
      regionRtoSeconds: 86400,
      regionRpoSeconds: 86400,
      logRetentionDays,
    });

  test("THEN the default retention is the AWS twin's Object Lock retention, for any tier", () => {
    fc.assert(
      fc.property(fc.constantFrom(1, 30, 90, 365, 731, 1827, 3653), (days) => {
        const t = tier(days);
        const plan = planAuditLogs(t, {});
        expect(plan.retentionDays).toBe(planAuditTrail(t, {}).objectLockDays);
        // Cloud Logging keeps at most 3650 days: a longer tier retention is refused, never shortened.
        expect(plan.problems.length > 0).toBe(days > 3650);
      }),
    );
  });
});
