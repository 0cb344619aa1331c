#!/usr/bin/env node
/**
 * Regenerates test/proofs/baseline/data-loss.json, the record of every stateful resource in every
 * example that the data-loss guard (test/proofs/data-loss.test.ts) compares each synthesis with.
 *
 *   npm run baseline:update        (npx ts-node scripts/update-data-loss-baseline.ts)
 *
 * Run it only on purpose: after adding a stateful resource, or after a change whose replacement
 * or removal of a resource you have decided to accept (and described in the changelog, since a
 * user's deployed copy of that resource would be replaced or deleted too). Review the diff of the
 * baseline file before committing it.
 *
 * The baseline keeps of each stateful CloudFormation resource only what decides whether an update
 * loses it: its logical id, type, `DeletionPolicy` and `UpdateReplacePolicy`, and the properties
 * of {@link REPLACING_PROPERTIES} that it sets. Every other property can change in place, so the
 * baseline does not need to know it (and a reviewer of its diff does not need to read it).
 */
import { writeFileSync } from 'fs';
import { join } from 'path';

/**
 * The properties of each stateful resource type whose change replaces the resource: a new one is
 * created and the old one, with its data, deleted (or, with a `Retain` policy, left behind).
 *
 * Source: the AWS CloudFormation Template Reference, one page per type
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-<service>-<type>.html),
 * the "Update requires: Replacement" line of each property. Properties marked (conditional)
 * replace the resource only in some cases (an engine change across families, joining or leaving a
 * global cluster, a single-AZ instance moving zone): the guard treats them as replacing, as
 * `cdk diff` does (MAY_REPLACE). For AWS::KMS::Key the reference lists none: a change of
 * `KeySpec`, `KeyUsage`, `Origin` or `MultiRegion` makes the update fail instead, whatever the
 * policy, which a deployment should not meet either, so they are kept too.
 *
 * data-loss.test.ts checks this table against @aws-cdk/cloudformation-diff's copy of the reference
 * (the engine of `cdk diff`): every property it rates as replacing must be here. A stateful type
 * of the examples without an entry here fails the same test.
 */
export const REPLACING_PROPERTIES: Readonly<Record<string, readonly string[]>> = {
  'AWS::S3::Bucket': ['BucketName', 'BucketNamePrefix', 'BucketNamespace', 'ObjectLockEnabled'],
  'AWS::KMS::Key': ['KeySpec', 'KeyUsage', 'MultiRegion', 'Origin'],
  'AWS::KMS::Alias': ['AliasName'],
  'AWS::Logs::LogGroup': ['LogGroupName'],
  'AWS::Backup::BackupVault': ['BackupVaultName', 'EncryptionKeyArn'],
  'AWS::SecretsManager::Secret': ['Name'],
  'AWS::SQS::Queue': ['FifoQueue', 'QueueName'],
  'AWS::ECR::Repository': ['EncryptionConfiguration', 'RepositoryName'],
  'AWS::IAM::Role': ['Path', 'RoleName'],
  // Its one property, CloudWatchRoleArn, changes in place.
  'AWS::ApiGateway::Account': [],
  'AWS::DynamoDB::Table': ['ImportSourceSpecification', 'KeySchema', 'TableName'],
  'AWS::DynamoDB::GlobalTable': ['KeySchema', 'LocalSecondaryIndexes', 'TableName'],
  'AWS::EFS::FileSystem': ['AvailabilityZoneName', 'Encrypted', 'KmsKeyId', 'PerformanceMode'],
  'AWS::RDS::GlobalCluster': ['Engine', 'GlobalClusterIdentifier', 'SourceDBClusterIdentifier', 'StorageEncrypted'],
  'AWS::RDS::DBCluster': [
    'AvailabilityZones',
    'ClusterScalabilityType',
    'DBClusterIdentifier',
    'DBSubnetGroupName',
    'DBSystemId',
    'DatabaseName',
    'EngineMode',
    'KmsKeyId',
    'PubliclyAccessible',
    'RestoreToTime',
    'RestoreType',
    'SnapshotIdentifier',
    'SourceDBClusterIdentifier',
    'SourceDbClusterResourceId',
    'SourceRegion',
    'StorageEncrypted',
    'UseLatestRestorableTime',
    // (conditional)
    'Engine',
    'GlobalClusterIdentifier',
    'MasterUsername',
  ],
  'AWS::RDS::DBInstance': [
    'BackupTarget',
    'CharacterSetName',
    'CustomIAMInstanceProfile',
    'DBClusterIdentifier',
    'DBInstanceIdentifier',
    'DBName',
    'DBSubnetGroupName',
    'DBSystemId',
    'KmsKeyId',
    'MasterUsername',
    'NcharCharacterSetName',
    'Port',
    'SourceRegion',
    'StorageEncrypted',
    'Timezone',
    // (conditional)
    'AutoMinorVersionUpgrade',
    'AvailabilityZone',
    'BackupRetentionPeriod',
    'DBClusterSnapshotIdentifier',
    'DBParameterGroupName',
    'DBSnapshotIdentifier',
    'Engine',
    'MultiAZ',
    'PerformanceInsightsKMSKeyId',
    'PreferredMaintenanceWindow',
    'RestoreTime',
    'SourceDBClusterIdentifier',
    'SourceDBInstanceAutomatedBackupsArn',
    'SourceDBInstanceIdentifier',
    'SourceDbiResourceId',
    'StorageType',
    'UseLatestRestorableTime',
  ],
};

async function main(): Promise<void> {
  // Imported here, not above: data-loss.ts reads the table from this file, and must not load the examples with it.
  const { dataLossBaseline } = await import('../test/proofs/data-loss');
  const { synthAwsExamples, synthTfExamples } = await import('../test/proofs/examples');
  const file = join(__dirname, '..', 'test', 'proofs', 'baseline', 'data-loss.json');
  const baseline = dataLossBaseline(synthAwsExamples(), synthTfExamples());
  writeFileSync(file, `${JSON.stringify(baseline, null, 2)}\n`);
  const cfnCount = Object.values(baseline.cloudFormation).reduce((n, stack) => n + Object.keys(stack).length, 0);
  const tfCount = Object.values(baseline.terraform).reduce((n, stack) => n + Object.keys(stack).length, 0);
  console.log(
    `wrote ${file}: ${cfnCount} CloudFormation resources in ${Object.keys(baseline.cloudFormation).length} stacks, ` +
      `${tfCount} Terraform resources in ${Object.keys(baseline.terraform).length} stacks`,
  );
}

if (require.main === module) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
