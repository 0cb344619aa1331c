import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { ServiceTier } from '../../lib/core';
import { BackupCopyVault, BackupPolicy } from '../../lib/aws/backup';
import { ReplicaBucket, ReplicatedBucket } from '../../lib/aws/bucket';
import { ReplicatedFileSystem } from '../../lib/aws/file-system';
import { GlobalTable } from '../../lib/aws/global-table';
import { ReplicaKey } from '../../lib/aws/replica-key';
import { MultiAzNetwork } from '../../lib/aws/network';
import { nagErrors } from '../nag';
import { STATEFUL_RESOURCE_TYPES, statefulProblems, statefulProblemsOfApp } from '../stateful';
import { testApp } from '../util';

const tier = ServiceTier.TIER_1;
const PRIMARY = 'us-east-1';
const STANDBY = 'us-west-2';

/**
 * A primary and a standby stack holding every data construct of this slice of lib/aws. The file
 * system's mount targets go in a plain VPC, or in a MultiAzNetwork for the nag test (which judges
 * the VPC too).
 */
function dataTierApp(network: 'plain' | 'multi-az' = 'plain'): { app: App; primary: Stack; standby: Stack } {
  const app = testApp();
  const standby = new Stack(app, 'Standby', { env: { region: STANDBY } });
  new ReplicaKey(standby, 'TableKey', { aliasName: GlobalTable.replicaKeyAliasName('orders') });
  new ReplicaKey(standby, 'FilesKey', { aliasName: ReplicatedFileSystem.replicaKeyAliasName('shared') });
  new ReplicaBucket(standby, 'Documents', { tier, bucketName: 'acme-documents-us-west-2' });
  new BackupCopyVault(standby, 'BackupCopies', { tier, backupVaultName: 'acme-dr' });

  const primary = new Stack(app, 'Primary', { env: { region: PRIMARY } });
  primary.addStackDependency(standby);
  const zones = ['us-east-1a', 'us-east-1b', 'us-east-1c'];
  const vpc =
    network === 'multi-az'
      ? new MultiAzNetwork(primary, 'Network', { tier, availabilityZones: zones }).vpc
      : new ec2.Vpc(primary, 'Vpc', {
          availabilityZones: zones,
          natGateways: 0,
          subnetConfiguration: [{ name: 'Isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 }],
        });
  new GlobalTable(primary, 'Orders', {
    tier,
    tableName: 'orders',
    partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
    replicaRegions: [STANDBY],
  });
  // Documents and shared files the service can rebuild: their own 15-minute RPO, what S3 RTC and EFS replication bound.
  const rpoObjective = Duration.minutes(15);
  new ReplicatedBucket(primary, 'Documents', {
    tier,
    replicaRegion: STANDBY,
    replicaBucketName: 'acme-documents-us-west-2',
    rpoObjective,
  });
  new ReplicatedFileSystem(primary, 'Files', {
    tier,
    vpc,
    fileSystemName: 'shared',
    replicaRegion: STANDBY,
    rpoObjective,
  });
  new BackupPolicy(primary, 'Backups', { tier, copyToVaultArn: BackupCopyVault.vaultArn(primary, STANDBY, 'acme-dr') });
  return { app, primary, standby };
}

describe('stateful resources', () => {
  test('GIVEN every data construct in a primary and a standby stack THEN no stateful resource can be deleted or replaced with its data', () => {
    const { app, primary, standby } = dataTierApp();
    // Template.fromStack also refuses templates with dependency cycles: both stacks must deploy.
    Template.fromStack(standby);
    Template.fromStack(primary);
    const assembly = app.synth();
    const types = new Set(
      assembly.stacksRecursively.flatMap((s) =>
        Object.values((s.template.Resources ?? {}) as Record<string, { Type: string }>).map((r) => r.Type),
      ),
    );
    // The walk must actually meet the stateful types it is about.
    expect([...types].filter((t) => STATEFUL_RESOURCE_TYPES.includes(t)).sort()).toEqual([
      'AWS::Backup::BackupVault',
      'AWS::DynamoDB::GlobalTable',
      'AWS::EFS::FileSystem',
      'AWS::KMS::Key',
      'AWS::S3::Bucket',
    ]);
    expect(statefulProblemsOfApp(app)).toEqual([]);
  });

  test('GIVEN resources that lose data THEN the walk names each problem', () => {
    const app = testApp();
    const stack = new Stack(app, 'Careless', { env: { region: PRIMARY } });
    new s3.Bucket(stack, 'Scratch', { removalPolicy: RemovalPolicy.DESTROY });
    new dynamodb.Table(stack, 'Plain', { partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING } });
    new GlobalTable(stack, 'Loose', {
      tier: ServiceTier.TIER_3,
      tableName: 'loose',
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      replicaRegions: [],
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const template = app.synth().getStackByName('Careless').template;
    const logicalId = (prefix: string) =>
      Object.keys(template.Resources).find(
        (id) => id.startsWith(prefix) && !id.includes('Key') && !id.includes('Topic'),
      )!;
    expect(statefulProblems(template, 'Careless')).toEqual([
      `Careless/${logicalId('Scratch')} (AWS::S3::Bucket): DeletionPolicy is Delete, expected Retain`,
      `Careless/${logicalId('Scratch')} (AWS::S3::Bucket): UpdateReplacePolicy is Delete, expected Retain`,
      `Careless/${logicalId('Plain')} (AWS::DynamoDB::Table): DeletionProtectionEnabled is undefined, expected true`,
      `Careless/${logicalId('Loose')} (AWS::DynamoDB::GlobalTable): DeletionPolicy is Delete, expected Retain`,
      `Careless/${logicalId('Loose')} (AWS::DynamoDB::GlobalTable): UpdateReplacePolicy is Delete, expected Retain`,
      `Careless/${logicalId('Loose')} (AWS::DynamoDB::GlobalTable): DeletionProtectionEnabled is not true on the replicas in "us-east-1"`,
    ]);
  });

  test('GIVEN a template without policies THEN absent policies count as Delete, and Snapshot is accepted where CloudFormation can snapshot', () => {
    expect(
      statefulProblems({
        Resources: {
          Db: {
            Type: 'AWS::RDS::DBCluster',
            Properties: { DeletionProtection: true },
            DeletionPolicy: 'Snapshot',
            UpdateReplacePolicy: 'Snapshot',
          },
          Member: {
            Type: 'AWS::RDS::DBInstance',
            Properties: { DBClusterIdentifier: 'db' },
            DeletionPolicy: 'Retain',
            UpdateReplacePolicy: 'Retain',
          },
          Key: { Type: 'AWS::KMS::Key', DeletionPolicy: 'Snapshot', UpdateReplacePolicy: 'Retain' },
          Vault: { Type: 'AWS::Backup::BackupVault' },
          Logs: {
            Type: 'AWS::Logs::LogGroup',
            Properties: { RetentionInDays: 365 },
            DeletionPolicy: 'Retain',
            UpdateReplacePolicy: 'Retain',
          },
          Queue: { Type: 'AWS::SQS::Queue' },
        },
      }),
    ).toEqual([
      'template/Key (AWS::KMS::Key): DeletionPolicy is Snapshot, expected Retain',
      'template/Vault (AWS::Backup::BackupVault): DeletionPolicy is Delete (absent), expected Retain',
      'template/Vault (AWS::Backup::BackupVault): UpdateReplacePolicy is Delete (absent), expected Retain',
      'template/Logs (AWS::Logs::LogGroup): DeletionProtectionEnabled is undefined, expected true',
    ]);
  });

  test('the data tier passes cdk-nag AwsSolutions and NIST 800-53 rev 5 with only reasoned acknowledgements', () => {
    const { app } = dataTierApp('multi-az');
    expect(nagErrors(app)).toEqual([]);
  });
});
