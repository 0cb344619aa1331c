import * as fc from 'fast-check';
import { ServiceTier } from '../../../lib/core';
import { planBackupVault } from '../../../lib/core/plans/backup-vault';

const INSTANCE = 'compute.googleapis.com/Instance';

describe('planBackupVault by table', () => {
  test('TIER_1 for Compute Engine instances: hourly over the whole day, kept and enforced 35 days', () => {
    expect(planBackupVault(ServiceTier.TIER_1, { resourceType: INSTANCE })).toEqual({
      enforcedRetentionDays: 35,
      enforcedRetentionSeconds: 35 * 86400,
      retentionDays: 35,
      recurrence: 'HOURLY',
      hourlyFrequency: 1,
      window: { startHour: 0, endHour: 24 },
      timeZone: 'UTC',
      problems: [],
      warnings: [],
    });
  });

  test.each([
    [{ resourceType: 'storage.googleapis.com/Bucket' }, 'resourceType must be one of'],
    [{ retentionDays: 10 }, "at least 35 (TIER_1's backup retention)"],
    [{ backupIntervalHours: 25 }, 'backupIntervalHours must be whole hours from 1 to 24'],
    [{ resourceType: 'sqladmin.googleapis.com/Instance' }, 'must be from 6 to 23 hours'],
  ])('WHEN %j THEN a problem names the prop and the value', (intent, message) => {
    expect(planBackupVault(ServiceTier.TIER_1, { resourceType: INSTANCE, ...intent }).problems).toEqual([
      expect.objectContaining({ message: expect.stringContaining(message) }),
    ]);
  });

  test('WHEN the vault shares its resources region THEN a multi-region tier is warned, a one-region tier not', () => {
    const intent = { resourceType: INSTANCE, vaultInResourcesRegion: true };
    expect(planBackupVault(ServiceTier.TIER_2, intent).warnings.map((w) => w.id)).toEqual(['location']);
    expect(planBackupVault(ServiceTier.TIER_3, intent).warnings).toEqual([]);
  });
});

describe('planBackupVault by property', () => {
  test('THEN a plan never keeps less than the tier asks, and says when it backs up less often', () => {
    const tiers = [ServiceTier.TIER_0, ServiceTier.TIER_1, ServiceTier.TIER_2, ServiceTier.TIER_3];
    fc.assert(
      fc.property(
        fc.constantFrom(...tiers),
        fc.integer({ min: 1, max: 30 }),
        fc.integer({ min: 1, max: 400 }),
        (tier, hours, days) => {
          const plan = planBackupVault(tier, {
            resourceType: INSTANCE,
            backupIntervalHours: hours,
            retentionDays: days,
          });
          // A shorter retention is refused; a longer interval is said (a warning), never kept silent.
          expect(plan.problems.length > 0).toBe(hours > 24 || days < tier.backupRetentionDays);
          if (plan.problems.length === 0) {
            const every = plan.recurrence === 'DAILY' ? 24 : plan.hourlyFrequency!;
            expect(every).toBe(hours);
            expect(plan.enforcedRetentionDays).toBeGreaterThanOrEqual(tier.backupRetentionDays);
            expect(plan.warnings.some((w) => w.id === 'backupIntervalHours')).toBe(hours > tier.backupIntervalHours);
          }
        },
      ),
    );
  });
});
