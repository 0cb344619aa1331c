import { Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import { HA_METADATA_KEY, ServiceTier } from '../../lib/core';
import {
  BackupCopyVault,
  BackupCopyVaultProps,
  BackupPolicy,
  BackupPolicyProps,
  RestoreTestResourceType,
  RestoreTestSchedule,
} from '../../lib/aws/backup';
import { haSnapshot } from '../../lib/testing/snapshot';
import { ALARM_TOPIC_STATEMENTS, expectValidationError, printedWarning, quietly, recommendedApp } from '../util';

// The CLI's recommended flags, as `cdk init` writes them: the assertions pin ARNs with the partition
// literal and weak cross-region references. Every construct in a bare App: test/aws/default-apps.test.ts.

const DR_VAULT = 'arn:aws:backup:us-west-2:111122223333:backup-vault:acme-dr';

function build(props: Partial<BackupPolicyProps> = {}) {
  const stack = new Stack(recommendedApp(), 'Primary', { env: { region: 'us-east-1' } });
  const policy = new BackupPolicy(stack, 'Backups', { tier: ServiceTier.TIER_1, copyToVaultArn: DR_VAULT, ...props });
  return { stack, policy };
}

function synth(props: Partial<BackupPolicyProps> = {}) {
  const built = build(props);
  return { ...built, template: Template.fromStack(built.stack) };
}

function rules(template: Template): Record<string, Record<string, unknown>> {
  const [plan] = Object.values(template.findResources('AWS::Backup::BackupPlan'));
  return Object.fromEntries(
    (plan.Properties.BackupPlan.BackupPlanRule as Record<string, unknown>[]).map((r) => [r.RuleName as string, r]),
  );
}

describe('BackupPolicy', () => {
  test('GIVEN TIER_1 THEN the vault is encrypted with a retained CMK, locked in compliance mode at the tier retention, and retained', () => {
    const { template } = synth();
    template.hasResource('AWS::Backup::BackupVault', {
      Properties: {
        EncryptionKeyArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^BackupsKey'), 'Arn'] },
        LockConfiguration: { MinRetentionDays: 35, ChangeableForDays: 3, MaxRetentionDays: Match.absent() },
      },
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
    template.hasResource('AWS::KMS::Key', {
      Properties: { EnableKeyRotation: true, Description: 'Encrypts the backups of Primary/Backups' },
      DeletionPolicy: 'Retain',
    });
  });

  test('THEN TIER_1 backs up continuously and hourly, keeps 35 days and copies every recovery point to the DR vault', () => {
    const { template } = synth();
    const byName = rules(template);
    expect(Object.keys(byName)).toEqual(['Continuous']);
    expect(byName.Continuous).toMatchObject({
      EnableContinuousBackup: true,
      ScheduleExpression: 'cron(0 * * * ? *)',
      StartWindowMinutes: 60,
      Lifecycle: { DeleteAfterDays: 35 },
      CopyActions: [{ DestinationBackupVaultArn: DR_VAULT, Lifecycle: { DeleteAfterDays: 35 } }],
    });
  });

  test('WHEN TIER_3 THEN one scheduled rule every 12 hours keeps 7 days, without continuous backups', () => {
    const { template } = synth({ tier: ServiceTier.TIER_3 });
    const byName = rules(template);
    expect(Object.keys(byName)).toEqual(['Scheduled']);
    expect(byName.Scheduled).toMatchObject({
      ScheduleExpression: 'cron(0 0/12 * * ? *)',
      Lifecycle: { DeleteAfterDays: 7 },
      CopyActions: [{ DestinationBackupVaultArn: DR_VAULT, Lifecycle: { DeleteAfterDays: 7 } }],
    });
    expect(byName.Scheduled.EnableContinuousBackup).toBeUndefined();
    template.hasResourceProperties('AWS::Backup::BackupVault', { LockConfiguration: { MinRetentionDays: 7 } });
  });

  test('WHEN retention exceeds what continuous backups keep THEN a scheduled rule keeps snapshots for the full retention', () => {
    const { template } = synth({ retention: Duration.days(90), lockMaxRetention: Duration.days(365) });
    const byName = rules(template);
    expect(byName.Continuous).toMatchObject({
      Lifecycle: { DeleteAfterDays: 35 },
      CopyActions: [{ Lifecycle: { DeleteAfterDays: 90 } }],
    });
    expect(byName.Scheduled).toMatchObject({ Lifecycle: { DeleteAfterDays: 90 } });
    template.hasResourceProperties('AWS::Backup::BackupVault', {
      LockConfiguration: { MinRetentionDays: 35, MaxRetentionDays: 365 },
    });
  });

  test('THEN resources tagged ha:backup and explicit resources are selected with the backup role', () => {
    const { template } = synth({
      resources: [backup.BackupResource.fromArn('arn:aws:dynamodb:us-east-1:111122223333:table/legacy')],
    });
    template.hasResourceProperties('AWS::Backup::BackupSelection', {
      BackupSelection: {
        SelectionName: 'TaggedSelection',
        ListOfTags: [{ ConditionKey: 'ha:backup', ConditionType: 'STRINGEQUALS', ConditionValue: 'true' }],
        IamRoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^BackupsBackupRole'), 'Arn'] },
      },
    });
    template.hasResourceProperties('AWS::Backup::BackupSelection', {
      BackupSelection: {
        SelectionName: 'ResourceSelection',
        Resources: ['arn:aws:dynamodb:us-east-1:111122223333:table/legacy'],
      },
    });
    const roles = JSON.stringify(template.findResources('AWS::IAM::Role'));
    expect(roles).toContain('service-role/AWSBackupServiceRolePolicyForBackup');
    expect(roles).toContain('AWSBackupServiceRolePolicyForS3Backup');
  });

  test('THEN failed, aborted and expired backup and copy jobs, and failed restore jobs, notify the encrypted topic', () => {
    const { template } = synth();
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.backup'],
        'detail-type': ['Backup Job State Change', 'Copy Job State Change'],
        detail: { state: ['FAILED', 'ABORTED', 'EXPIRED'] },
      },
      Targets: [Match.objectLike({ Arn: { Ref: Match.stringLikeRegexp('^BackupsAlarmTopic') } })],
    });
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.backup'],
        'detail-type': ['Restore Job State Change'],
        detail: { status: ['FAILED', 'ABORTED'] },
      },
      Targets: [Match.objectLike({ Arn: { Ref: Match.stringLikeRegexp('^BackupsAlarmTopic') } })],
    });
    template.hasResourceProperties('AWS::SNS::Topic', {
      KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^BackupsAlarmTopicKey'), 'Arn'] },
    });
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: ['cloudwatch.amazonaws.com', 'events.amazonaws.com'] },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
          }),
        ]),
      },
    });
  });

  test('THEN each target retries 24 h (185 times), then dead-letters to a retained queue under the topic key', () => {
    const { template } = synth();
    const queues = template.findResources('AWS::SQS::Queue');
    expect(Object.keys(queues)).toEqual([expect.stringMatching(/^BackupsDeadLetterQueue/)]);
    const [queueId, queue] = Object.entries(queues)[0];
    expect(queue).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    // Encrypted with the topic's key, whose policy already lets EventBridge (and CloudWatch) use it.
    expect(queue.Properties).toMatchObject({
      KmsMasterKeyId: { 'Fn::GetAtt': [expect.stringMatching(/^BackupsAlarmTopicKey/), 'Arn'] },
      MessageRetentionPeriod: 1209600,
    });
    const rules = Object.values(template.findResources('AWS::Events::Rule'));
    expect(rules).toHaveLength(2);
    for (const rule of rules) {
      expect(rule.Properties.Targets).toEqual([
        expect.objectContaining({
          Arn: { Ref: expect.stringMatching(/^BackupsAlarmTopic/) },
          RetryPolicy: { MaximumEventAgeInSeconds: 86400, MaximumRetryAttempts: 185 },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [queueId, 'Arn'] } },
        }),
      ]);
    }
    // Only EventBridge, only for these rules, may send to the queue; and only over TLS.
    const [policy] = Object.values(template.findResources('AWS::SQS::QueuePolicy'));
    const statements = policy.Properties.PolicyDocument.Statement;
    expect(statements).toContainEqual(
      expect.objectContaining({
        Effect: 'Deny',
        Action: 'sqs:*',
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      }),
    );
    const sends = statements.filter((st: { Action: string }) => st.Action === 'sqs:SendMessage');
    expect(sends).toHaveLength(2);
    for (const send of sends) {
      expect(send).toMatchObject({
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Condition: { ArnEquals: { 'aws:SourceArn': expect.anything() } },
      });
    }
  });

  test('WHEN alarmTopic is given THEN the dead-letter queue has its own key, for EventBridge of this account', () => {
    const stack = new Stack(recommendedApp(), 'Primary', { env: { region: 'us-east-1' } });
    const topic = new sns.Topic(stack, 'Ops');
    new BackupPolicy(stack, 'Backups', { tier: ServiceTier.TIER_1, copyToVaultArn: DR_VAULT, alarmTopic: topic });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::SNS::Topic', 1);
    const keys = template.findResources('AWS::KMS::Key');
    const [keyId, key] = Object.entries(keys).find(([id]) => id.startsWith('BackupsDeadLetterQueueKey'))!;
    expect(key).toMatchObject({ DeletionPolicy: 'Retain', Properties: { EnableKeyRotation: true } });
    expect(key.Properties.KeyPolicy.Statement).toContainEqual({
      Sid: 'AllowEventBridgeToSendDeadLetters',
      Effect: 'Allow',
      Principal: { Service: 'events.amazonaws.com' },
      Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
      Resource: '*',
      Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
    });
    template.hasResourceProperties('AWS::SQS::Queue', { KmsMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] } });
    template.hasResourceProperties('AWS::Events::Rule', {
      Targets: [
        Match.objectLike({
          Arn: { Ref: Match.stringLikeRegexp('^Ops') },
          DeadLetterConfig: Match.anyValue(),
          RetryPolicy: Match.anyValue(),
        }),
      ],
    });
  });

  test('THEN a weekly restore test restores the latest recovery point of each data type tagged ha:backup', () => {
    const { template } = synth();
    template.hasResourceProperties('AWS::Backup::RestoreTestingPlan', {
      ScheduleExpression: 'cron(0 5 ? * MON *)',
      RecoveryPointSelection: {
        Algorithm: 'LATEST_WITHIN_WINDOW',
        IncludeVaults: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^BackupsVault'), 'BackupVaultArn'] }],
        RecoveryPointTypes: ['SNAPSHOT', 'CONTINUOUS'],
        SelectionWindowDays: 35,
      },
    });
    const selections = Object.values(template.findResources('AWS::Backup::RestoreTestingSelection'));
    expect(selections.map((s) => s.Properties.ProtectedResourceType)).toEqual(['Aurora', 'DynamoDB', 'EFS', 'S3']);
    for (const selection of selections) {
      expect(selection.Properties).toMatchObject({
        ProtectedResourceArns: ['*'],
        ProtectedResourceConditions: { StringEquals: [{ Key: 'aws:ResourceTag/ha:backup', Value: 'true' }] },
        IamRoleArn: { 'Fn::GetAtt': [expect.stringMatching(/^BackupsRestoreTestingRole/), 'Arn'] },
      });
      expect(selection.Properties.ValidationWindowHours).toBeUndefined();
      expect(selection.DependsOn).toEqual([expect.stringMatching(/^BackupsRestoreTestingPlan/)]);
    }
    expect(JSON.stringify(template.findResources('AWS::IAM::Role'))).toContain(
      'service-role/AWSBackupServiceRolePolicyForRestores',
    );
  });

  test('WHEN a validation function is given THEN completed restore tests invoke it, it may report the result, and restored resources wait an hour', () => {
    const stack = new Stack(recommendedApp(), 'Primary', { env: { region: 'us-east-1' } });
    const validator = new lambda.Function(stack, 'Validate', {
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline('exports.handler = async () => {}'),
    });
    new BackupPolicy(stack, 'Backups', {
      tier: ServiceTier.TIER_1,
      copyToVaultArn: DR_VAULT,
      restoreValidationFunction: validator,
      restoreTestResourceTypes: [RestoreTestResourceType.DYNAMODB],
      restoreTestSchedule: RestoreTestSchedule.monthly(1, 3),
    });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Backup::RestoreTestingPlan', { ScheduleExpression: 'cron(0 3 1 * ? *)' });
    template.resourceCountIs('AWS::Backup::RestoreTestingSelection', 1);
    template.hasResourceProperties('AWS::Backup::RestoreTestingSelection', {
      ProtectedResourceType: 'DynamoDB',
      ValidationWindowHours: 1,
    });
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        'detail-type': ['Restore Job State Change'],
        detail: {
          status: ['COMPLETED'],
          restoreTestingPlanArn: [
            { 'Fn::GetAtt': [Match.stringLikeRegexp('^BackupsRestoreTestingPlan'), 'RestoreTestingPlanArn'] },
          ],
        },
      },
      // No retry past the validation window: AWS Backup deletes the restored resource then.
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Validate'), 'Arn'] },
          RetryPolicy: { MaximumEventAgeInSeconds: 3600, MaximumRetryAttempts: 185 },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^BackupsDeadLetterQueue'), 'Arn'] } },
        }),
      ],
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Action: 'backup:PutRestoreValidationResult' })]),
      },
    });
  });

  test('WHEN restore testing is turned off THEN there is no plan and a warning says the backups are unproven', () => {
    quietly(
      () => {
        const { stack, template, policy } = synth({ restoreTestResourceTypes: [] });
        template.resourceCountIs('AWS::Backup::RestoreTestingPlan', 0);
        expect(policy.restoreTestingPlan).toBeUndefined();
        Annotations.fromStack(stack).hasWarning(
          '/Primary/Backups',
          Match.stringLikeRegexp(
            'restoreTestResourceTypes is empty: no restore test proves that these backups can be restored',
          ),
        );
      },
      printedWarning(
        'Primary/Backups',
        'ha-constructs:BackupPolicy.restoreTestResourceTypes',
        'restoreTestResourceTypes is empty: no restore test proves that these backups can be restored',
      ),
    );
  });

  test('GIVEN TIER_3 (backup and restore) THEN an alarm notifies the topic when restores from the vault have run for the 24 h region RTO', () => {
    const { template, policy } = synth({ tier: ServiceTier.TIER_3 });
    expect(policy.restoreTimeAlarm).toBeDefined();
    template.resourceCountIs('AWS::CloudWatch::Alarm', 1);
    const topic = { Ref: Match.stringLikeRegexp('^BackupsAlarmTopic') };
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      // AWS Backup publishes no restore duration: hours in which a restore of the vault was running, all 24 of them.
      Namespace: 'AWS/Backup',
      MetricName: 'NumberOfRestoreJobsRunning',
      Dimensions: [
        {
          Name: 'BackupVaultName',
          Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('^BackupsVault'), 'BackupVaultName'] },
        },
      ],
      Statistic: 'Maximum',
      Period: 3600,
      EvaluationPeriods: 24,
      DatapointsToAlarm: 24,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [topic],
      OKActions: [topic],
      AlarmDescription: Match.stringLikeRegexp(
        "has run for 24 h, TIER_3's region RTO: recovering a region by restoring takes longer than the tier allows",
      ),
    });
  });

  test('GIVEN a multi-region tier, whose region RTO is a failover rather than a restore, THEN there is no restore-time alarm', () => {
    const { template, policy } = synth({ tier: ServiceTier.TIER_1 });
    template.resourceCountIs('AWS::CloudWatch::Alarm', 0);
    expect(policy.restoreTimeAlarm).toBeUndefined();
  });

  test('GIVEN TIER_3 without restore testing THEN there is no restore-time alarm either', () => {
    const warning = 'restoreTestResourceTypes is empty: no restore test proves that these backups can be restored';
    quietly(
      () => {
        const { template, policy } = synth({ tier: ServiceTier.TIER_3, restoreTestResourceTypes: [] });
        template.resourceCountIs('AWS::CloudWatch::Alarm', 0);
        expect(policy.restoreTimeAlarm).toBeUndefined();
      },
      printedWarning('Primary/Backups', 'ha-constructs:BackupPolicy.restoreTestResourceTypes', warning),
    );
  });

  test('WHEN there is no copy target or the interval is longer than the tier THEN warnings with stable ids', () => {
    quietly(
      () => {
        const { stack, template } = synth({ copyToVaultArn: undefined, backupInterval: Duration.hours(6) });
        expect(rules(template).Continuous.CopyActions).toBeUndefined();
        const annotations = Annotations.fromStack(stack);
        annotations.hasWarning(
          '/Primary/Backups',
          Match.stringLikeRegexp(
            '^copyToVaultArn is not set: the recovery points live only in us-east-1.*ha-constructs:BackupPolicy.copyToVaultArn',
          ),
        );
        annotations.hasWarning(
          '/Primary/Backups',
          Match.stringLikeRegexp(
            "^backupInterval is 6 h, longer than TIER_1's 1 h.*ha-constructs:BackupPolicy.backupInterval",
          ),
        );
      },
      printedWarning(
        'Primary/Backups',
        'ha-constructs:BackupPolicy.copyToVaultArn',
        'copyToVaultArn is not set: the recovery points live only in us-east-1, and a loss of that region takes them with it',
      ),
      printedWarning(
        'Primary/Backups',
        'ha-constructs:BackupPolicy.backupInterval',
        "backupInterval is 6 h, longer than TIER_1's 1 h: restoring from a backup can lose more data than the tier allows",
      ),
    );
  });

  test('WHEN the vault lock is turned off THEN it warns', () => {
    quietly(
      () => {
        const { stack, template } = synth({ vaultLock: false });
        template.hasResourceProperties('AWS::Backup::BackupVault', { LockConfiguration: Match.absent() });
        Annotations.fromStack(stack).hasWarning('/Primary/Backups', Match.stringLikeRegexp('^vaultLock is false'));
      },
      printedWarning(
        'Primary/Backups',
        'ha-constructs:BackupVault.vaultLock',
        'vaultLock is false: anyone with the right permissions (or a compromised account) can delete the recovery points',
      ),
    );
  });

  test('THEN its resources carry the HA record', () => {
    const { template } = synth({ service: 'orders' });
    template.hasResource('AWS::Backup::BackupVault', {
      Metadata: { [HA_METADATA_KEY]: Match.objectLike({ service: 'orders', component: 'BackupPolicy' }) },
    });
    template.hasResource('AWS::Backup::RestoreTestingPlan', {
      Metadata: { [HA_METADATA_KEY]: Match.objectLike({ component: 'BackupPolicy' }) },
    });
  });

  test.each<[Partial<BackupPolicyProps>, string]>([
    [
      { copyToVaultArn: 'arn:aws:backup:us-east-1:111122223333:backup-vault:local' },
      'copyToVaultArn must name a vault in another region than the source region us-east-1, got: us-east-1',
    ],
    [
      { allowedRegions: ['us-east-1', 'us-east-2'] },
      'copyToVaultArn must stay within allowedRegions (us-east-1, us-east-2), got: us-west-2',
    ],
    [
      { copyToVaultArn: 'acme-dr' },
      'copyToVaultArn must be a backup vault ARN (arn:<partition>:backup:<region>:<account>:backup-vault:<name>), got: acme-dr',
    ],
    [
      { retention: Duration.days(14) },
      "retention must be whole days of at least 35 (TIER_1's backup retention), got: 14 days",
    ],
    [{ backupInterval: Duration.hours(36) }, 'backupInterval must be whole hours from 1 to 24, got: 36 hours'],
    [{ backupInterval: Duration.minutes(30) }, 'backupInterval must be whole hours from 1 to 24, got: 0.5 hours'],
    [
      { lockMinRetention: Duration.days(60) },
      'lockMinRetention must be whole days from 1 to the shortest rule retention (35), got: 60 days',
    ],
    [
      { lockMaxRetention: Duration.days(10) },
      'lockMaxRetention must be whole days of at least the retention (35), got: 10 days',
    ],
    [{ lockChangeableFor: Duration.days(1) }, 'lockChangeableFor must be whole days of at least 3, got: 1 days'],
    [{ restoreValidationWindowHours: 200 }, 'restoreValidationWindowHours must be an integer from 0 to 168, got: 200'],
    [
      { restoreTestResourceTypes: [RestoreTestResourceType.EFS, RestoreTestResourceType.EFS] },
      'restoreTestResourceTypes must not repeat a type, got: EFS more than once',
    ],
  ])('%#: bad input is a ValidationError naming the prop', (override, message) => {
    expectValidationError(() => synth(override), message);
  });

  test('THEN the rule writes to the vault, and the roles may back up and restore S3 as well', () => {
    const { template } = synth();
    expect(rules(template).Continuous.TargetBackupVault).toEqual({
      'Fn::GetAtt': [expect.stringMatching(/^BackupsVault/), 'BackupVaultName'],
    });
    const restores = ['service-role/AWSBackupServiceRolePolicyForRestores', 'AWSBackupServiceRolePolicyForS3Restore'];
    const backup = { Statement: [Match.objectLike({ Principal: { Service: 'backup.amazonaws.com' } })] };
    for (const policy of restores) {
      const arn = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::aws:policy/${policy}`]] };
      template.hasResourceProperties('AWS::IAM::Role', {
        AssumeRolePolicyDocument: backup,
        ManagedPolicyArns: Match.arrayWith([arn]),
      });
    }
  });

  test('THEN the topic takes publishes only over TLS, and both keys deny grants not for AWS resources', () => {
    const { template } = synth();
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: [
          ...ALARM_TOPIC_STATEMENTS,
          Match.objectLike({ Effect: 'Allow', Action: 'sns:Publish', Principal: { Service: 'events.amazonaws.com' } }),
        ],
      },
    });
    const keys = Object.values(template.findResources('AWS::KMS::Key'));
    expect(keys).toHaveLength(2);
    for (const key of keys) {
      expect(key.Properties.KeyPolicy.Statement).toContainEqual(
        expect.objectContaining({
          Sid: 'DenyGrantsNotForAwsResources',
          Effect: 'Deny',
          Action: 'kms:CreateGrant',
          Condition: { BoolIfExists: { 'aws:PrincipalIsAWSService': 'false', 'kms:GrantIsForAWSResource': 'false' } },
        }),
      );
    }
  });

  // The HA view (lib/testing): per resource its type, HA record and the properties the HA rules read.
  test('HA snapshot of the TIER_1 backup policy (beside the targeted assertions above)', () => {
    const { template } = synth({ service: 'snapshot' });
    expect(haSnapshot(template.toJSON())).toMatchSnapshot();
  });
});

describe('BackupCopyVault', () => {
  function synthVault(props: Partial<BackupCopyVaultProps> = {}) {
    const stack = new Stack(recommendedApp(), 'Dr', { env: { region: 'us-west-2', account: '111122223333' } });
    const vault = new BackupCopyVault(stack, 'Copies', {
      tier: ServiceTier.TIER_2,
      backupVaultName: 'acme-dr',
      ...props,
    });
    return { stack, vault, template: Template.fromStack(stack) };
  }

  test('GIVEN TIER_2 THEN the named vault has its own retained key, a compliance lock at the tier retention and is retained', () => {
    const { template } = synthVault();
    template.hasResource('AWS::Backup::BackupVault', {
      Properties: {
        BackupVaultName: 'acme-dr',
        EncryptionKeyArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^CopiesKey'), 'Arn'] },
        LockConfiguration: { MinRetentionDays: 14, ChangeableForDays: 3 },
      },
      DeletionPolicy: 'Retain',
      Metadata: { [HA_METADATA_KEY]: Match.objectLike({ role: 'replica', component: 'BackupCopyVault' }) },
    });
    template.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Retain' });
  });

  test('THEN vaultArn is the ARN the primary stack names as its copy target', () => {
    const { stack, vault } = synthVault();
    expect(stack.resolve(vault.vault.backupVaultArn)).toEqual({
      'Fn::GetAtt': [expect.stringMatching(/^Copies/), 'BackupVaultArn'],
    });
    expect(BackupCopyVault.vaultArn(stack, 'us-west-2', 'acme-dr')).toBe(
      'arn:aws:backup:us-west-2:111122223333:backup-vault:acme-dr',
    );
  });

  test('GIVEN a primary stack naming the vault by BackupCopyVault.vaultArn THEN the copy action targets it', () => {
    const app = recommendedApp();
    const primary = new Stack(app, 'Primary', { env: { region: 'us-east-1' } });
    new BackupPolicy(primary, 'Backups', {
      tier: ServiceTier.TIER_2,
      copyToVaultArn: BackupCopyVault.vaultArn(primary, 'us-west-2', 'acme-dr'),
    });
    const [rule] = Object.values(rules(Template.fromStack(primary)));
    expect(rule.CopyActions).toEqual([
      {
        DestinationBackupVaultArn: {
          'Fn::Join': ['', ['arn:aws:backup:us-west-2:', { Ref: 'AWS::AccountId' }, ':backup-vault:acme-dr']],
        },
        Lifecycle: { DeleteAfterDays: 14 },
      },
    ]);
  });

  test('GIVEN a DR region outside allowedRegions THEN the copy vault refuses to hold the copies', () => {
    expectValidationError(
      () => synthVault({ allowedRegions: ['us-east-1', 'eu-west-1'] }),
      'the region of this copy vault must stay within allowedRegions (us-east-1, eu-west-1), got: us-west-2',
    );
  });

  test('GIVEN a token copy target in the source region THEN it is still refused', () => {
    const stack = new Stack(recommendedApp(), 'Primary', { env: { region: 'us-east-1' } });
    expectValidationError(
      () =>
        new BackupPolicy(stack, 'Backups', {
          tier: ServiceTier.TIER_2,
          copyToVaultArn: BackupCopyVault.vaultArn(stack, 'us-east-1', 'local'),
        }),
      'copyToVaultArn must name a vault in another region than the source region us-east-1, got: us-east-1',
    );
  });
});
