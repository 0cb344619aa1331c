import { TerraformStack } from 'cdktf';
import { DrStrategy, ServiceTier } from '../../../lib/core';
import { HaValidationError } from '../../../lib/core/errors';
import { BackupPolicy, BackupPolicyProps } from '../../../lib/tf/google/backup';
import { onlyResource, TerraformJson, terraformJson, testStack, warningsOf } from './util';

const INSTANCE = 'projects/p/zones/us-east1-b/instances/ledger';

describe('BackupPolicy', () => {
  let stack: TerraformStack;
  let vault: BackupPolicy;
  let json: TerraformJson;
  beforeAll(() => {
    stack = testStack();
    vault = new BackupPolicy(stack, 'Backups', {
      tier: ServiceTier.TIER_1,
      region: 'us-east1',
      resourceType: 'compute.googleapis.com/Instance',
    });
    vault.protect('Ledger', INSTANCE);
    json = terraformJson(stack);
  });

  test("THEN the vault enforces the tier's retention and is never destroyed by a plan", () => {
    expect(onlyResource(json, 'google_backup_dr_backup_vault')).toEqual(
      expect.objectContaining({
        location: 'us-east1',
        backup_minimum_enforced_retention_duration: `${35 * 86400}s`,
        force_delete: false,
        lifecycle: { prevent_destroy: true },
      }),
    );
  });

  test("THEN the plan backs up every tier.backupIntervalHours over the whole day, keeping the tier's retention", () => {
    expect(onlyResource(json, 'google_backup_dr_backup_plan')).toEqual(
      expect.objectContaining({
        location: 'us-east1',
        resource_type: 'compute.googleapis.com/Instance',
        backup_rules: [
          {
            rule_id: 'tier',
            backup_retention_days: 35,
            standard_schedule: {
              recurrence_type: 'HOURLY',
              hourly_frequency: ServiceTier.TIER_1.backupIntervalHours,
              time_zone: 'UTC',
              backup_window: { start_hour_of_day: 0, end_hour_of_day: 24 },
            },
          },
        ],
      }),
    );
  });

  test("THEN a protected instance waits for the vault's agent to be allowed to snapshot it", () => {
    const grant = Object.entries(json.resource.google_project_iam_member).find(([n]) =>
      n.startsWith('Backups_ComputeOperator'),
    )!;
    expect(grant[1]).toEqual(
      expect.objectContaining({
        role: 'roles/backupdr.computeEngineOperator',
        member: expect.stringMatching(/^serviceAccount:\$\{google_backup_dr_backup_vault\..*\.service_account\}$/),
      }),
    );
    const association = onlyResource(json, 'google_backup_dr_backup_plan_association');
    expect(association).toEqual(
      expect.objectContaining({ resource: INSTANCE, resource_type: 'compute.googleapis.com/Instance' }),
    );
    expect(association.depends_on).toContain(`google_project_iam_member.${grant[0]}`);
    expect(String(association.backup_plan)).toMatch(/^\$\{google_backup_dr_backup_plan\..*\.name\}$/);
  });

  test('THEN a multi-region tier is told that the vault goes down with its region', () => {
    expect(warningsOf(vault)).toEqual([expect.stringContaining('[ha-constructs:BackupPolicy.location]')]);
  });

  test('WHEN a name is protected twice THEN it throws', () => {
    expect(() => vault.protect('Ledger', INSTANCE)).toThrow('name must be unique');
  });
});

describe('BackupPolicy bad input', () => {
  const build = (props: Partial<BackupPolicyProps>) =>
    new BackupPolicy(testStack(), 'Backups', {
      tier: ServiceTier.TIER_3,
      region: 'us-east1',
      resourceType: 'compute.googleapis.com/Disk',
      ...props,
    });
  test.each([
    [{ retentionDays: 3 }, 'retentionDays must be a whole number of days of at least 7'],
    [{ backupIntervalHours: 48 }, 'backupIntervalHours must be whole hours from 1 to 24'],
    [{ region: 'us' }, 'region must be a region name'],
    [
      { resourceType: 'sqladmin.googleapis.com/Instance' as never, backupIntervalHours: 2 },
      'must be from 6 to 23 hours',
    ],
  ])('WHEN %j THEN it throws', (props, message) => {
    expect(() => build(props)).toThrow(HaValidationError);
    expect(() => build(props)).toThrow(message);
  });

  test("GIVEN backups less often than the tier's interval THEN a warning says what a restore can lose", () => {
    expect(warningsOf(build({ backupIntervalHours: 23 }))).toEqual([
      expect.stringContaining(
        "[ha-constructs:BackupPolicy.backupIntervalHours] backupIntervalHours is 23 h, longer than TIER_3's 12 h",
      ),
    ]);
  });

  test('GIVEN a tier that backs up daily THEN a DAILY rule, and no region warning (one region is its strategy)', () => {
    const daily = ServiceTier.custom({
      name: 'DAILY',
      strategy: DrStrategy.BACKUP_RESTORE,
      availabilityTarget: 0.99,
      minAzs: 2,
      minRegions: 1,
      azRtoSeconds: 900,
      azRpoSeconds: 0,
      regionRtoSeconds: 172800,
      regionRpoSeconds: 172800,
    });
    const vault = build({ tier: daily });
    const plan = onlyResource(terraformJson(vault.node.scope as TerraformStack), 'google_backup_dr_backup_plan');
    expect((plan.backup_rules as { standard_schedule: unknown }[])[0].standard_schedule).toEqual(
      expect.objectContaining({ recurrence_type: 'DAILY' }),
    );
    expect(warningsOf(vault)).toEqual([]);
  });
});
