import { BackupIntent, planBackup, ServiceTier } from '../../../lib/core';

const { TIER_1, TIER_3 } = ServiceTier;
const TYPES = ['Aurora', 'DynamoDB', 'EFS', 'S3'];
const BASE: BackupIntent = { copied: true, restoreTestTypes: TYPES, restoreValidation: false };

describe('planBackup', () => {
  test('GIVEN TIER_3 defaults THEN the worked example of its doc', () => {
    const plan = planBackup(TIER_3, BASE);
    expect(plan).toEqual({
      retentionDays: 7,
      backupIntervalHours: 12,
      continuousBackup: false,
      rules: [
        {
          name: 'Scheduled',
          cronHour: '0/12',
          startWindowHours: 1,
          continuous: false,
          deleteAfterDays: 7,
          copyDeleteAfterDays: 7,
        },
      ],
      vaultLock: { minDays: 7, maxDays: undefined, changeableDays: 3 },
      restoreTest: {
        types: TYPES,
        selectionWindowDays: 7,
        recoveryPointTypes: ['SNAPSHOT'],
        validationWindowHours: 0,
        defaultWeekday: 'MON',
        defaultHourUtc: 5,
      },
      restoreTimeAlarm: { periodSeconds: 3600, periods: 24 },
      problems: [],
      warnings: [],
    });
  });

  test('GIVEN TIER_1 (hourly backups, region RPO 60 s) THEN continuous backup for 35 days and snapshots for the rest, no restore-time alarm', () => {
    const plan = planBackup(TIER_1, { ...BASE, retentionDays: 90 });
    expect(plan.rules.map((r) => [r.name, r.cronHour, r.deleteAfterDays, r.copyDeleteAfterDays])).toEqual([
      ['Continuous', '*', 35, 90],
      ['Scheduled', '*', 90, 90],
    ]);
    expect([plan.vaultLock?.minDays, plan.restoreTest?.recoveryPointTypes, plan.restoreTimeAlarm]).toEqual([
      35,
      ['SNAPSHOT', 'CONTINUOUS'],
      undefined,
    ]);
  });

  test('GIVEN a 6-hour interval and nothing copied THEN the cron fires every 6 hours, no copy, and two warnings', () => {
    const plan = planBackup(TIER_3, { ...BASE, backupIntervalHours: 6, copied: false, region: 'us-east-1' });
    expect([plan.rules[0].cronHour, plan.rules[0].copyDeleteAfterDays]).toEqual(['0/6', undefined]);
    expect(plan.warnings.map((w) => w.id)).toEqual(['copyToVaultArn']);
  });

  test.each<[string, Partial<BackupIntent>, string[]]>([
    ['an interval longer than the tier', { backupIntervalHours: 24, retentionDays: 35 }, ['backupInterval']],
    ['the lock off', { vaultLock: false }, ['vaultLock']],
    ['no restore test', { restoreTestTypes: [] }, ['restoreTestResourceTypes']],
  ])('WHEN %s THEN a warning says what it risks', (_case, change, ids) => {
    const plan = planBackup(TIER_1, { ...BASE, ...change });
    expect([plan.problems, plan.warnings.map((w) => w.id)]).toEqual([[], ids]);
  });

  test.each<[string, Partial<BackupIntent>, string, string]>([
    [
      'short retention',
      { retentionDays: 3 },
      'retention',
      "retention must be whole days of at least 7 (TIER_3's backup retention), got: 3 days",
    ],
    [
      'interval of 36 h',
      { backupIntervalHours: 36 },
      'backupInterval',
      'backupInterval must be whole hours from 1 to 24, got: 36 hours',
    ],
    [
      'lock minimum above the retention',
      { lockMinRetentionDays: 8 },
      'lockMinRetention',
      'lockMinRetention must be whole days from 1 to the shortest rule retention (7), got: 8 days',
    ],
    [
      'lock maximum below the retention',
      { lockMaxRetentionDays: 5 },
      'lockMaxRetention',
      'lockMaxRetention must be whole days of at least the retention (7), got: 5 days',
    ],
    [
      'lock changeable for a day',
      { lockChangeableForDays: 1 },
      'lockChangeableFor',
      'lockChangeableFor must be whole days of at least 3, got: 1 days',
    ],
    [
      'validation window of 200 h',
      { restoreValidationWindowHours: 200 },
      'restoreValidationWindowHours',
      'restoreValidationWindowHours must be an integer from 0 to 168, got: 200',
    ],
    [
      'a type twice',
      { restoreTestTypes: ['S3', 'S3'] },
      'restoreTestResourceTypes',
      'restoreTestResourceTypes must not repeat a type, got: S3 more than once',
    ],
  ])('WHEN %s THEN the problem names the prop and the value', (_case, change, prop, message) => {
    expect(planBackup(TIER_3, { ...BASE, ...change }).problems).toEqual([{ prop, message }]);
  });
});
