import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { BackupPolicy } from '../../lib/aws/backup';
import { checkInputs } from '../../lib/checks/check';
import { formatText } from '../../lib/checks/format';
import { ServiceTier } from '../../lib/core';
import { testApp } from '../util';
import { tf } from './fixtures/builders';

/** A TIER_3 service whose stack holds its BackupPolicy (restore testing on, unless `restoreTests` is false). */
function tier3(restoreTests = true) {
  const stack = new Stack(testApp(), 'Reports', { env: { region: 'us-east-1' } });
  new BackupPolicy(stack, 'Backups', {
    tier: ServiceTier.TIER_3,
    service: 'reports',
    copyToVaultArn: 'arn:aws:backup:us-west-2:111122223333:backup-vault:reports-dr',
    ...(restoreTests ? {} : { restoreTestResourceTypes: [] }),
  });
  const template = Template.fromStack(stack).toJSON();
  return checkInputs({ cloudFormation: [{ name: 'Reports', region: 'us-east-1', template }] });
}

const restoreTimeSteps = (report: ReturnType<typeof checkInputs>) =>
  report.services[0].derivation.filter((s) => s.quantity === 'regionRto' && s.basis.startsWith('restore-time alarm'));

describe('the region RTO of backup and restore, guarded by the restore-time alarm', () => {
  test('GIVEN a TIER_3 BackupPolicy with restore testing THEN its alarm guards the region RTO, which stays unproven until a restore test has run', () => {
    const report = tier3();
    expect(report.services[0]).toMatchObject({
      service: 'reports',
      regionRtoSeconds: null,
      status: { regionRto: 'unproven' },
    });
    expect(restoreTimeSteps(report)).toEqual([
      expect.objectContaining({
        stack: 'Reports',
        resource: expect.stringMatching(/^BackupsRestoreTimeAlarm/),
        basis:
          'restore-time alarm (AWS Backup NumberOfRestoreJobsRunning) guards it: fires when restores have run for 86400 s ' +
          "(the tier's region RTO is 86400 s); the restore time stays unproven until a restore test has run",
      }),
    ]);
    expect(restoreTimeSteps(report)[0].value).toBeUndefined();
    expect(formatText(report, false, { explain: true })).toMatch(
      /^ {4}unknown {2}Reports\/BackupsRestoreTimeAlarm\w+: restore-time alarm .* guards it/m,
    );
  });

  test('GIVEN a TIER_3 BackupPolicy without restore testing THEN no alarm guards the region RTO', () => {
    const report = tier3(false);
    expect(report.services[0].status.regionRto).toBe('unproven');
    expect(restoreTimeSteps(report)).toEqual([]);
  });

  test('GIVEN a Terraform alarm that fires only after the region RTO THEN the step says it does not guard it', () => {
    const inputs = tf(
      {
        aws_cloudwatch_metric_alarm: {
          restores: {
            namespace: 'AWS/Backup',
            metric_name: 'NumberOfRestoreJobsRunning',
            period: 3600,
            evaluation_periods: 48,
            statistic: 'Maximum',
            threshold: 1,
            comparison_operator: 'GreaterThanOrEqualToThreshold',
          },
        },
      },
      { tier: ServiceTier.TIER_3 },
    );
    expect(restoreTimeSteps(checkInputs(inputs))).toEqual([
      expect.objectContaining({
        resource: 'aws_cloudwatch_metric_alarm.restores',
        basis: expect.stringContaining(
          "fires only after restores have run for 172800 s, later than the tier's region RTO of 86400 s: it does not guard it",
        ),
      }),
    ]);
  });
});
