import {
  BackupPlanPerTier,
  BackupRetention,
  CrossRegionReplica,
  CustomerManagedKeys,
  DataResidency,
  DeletionProtection,
  EncryptedListeners,
  KeyRotation,
  RegionParity,
  ReplicationLag,
  RestoreTesting,
  RetainStatefulResources,
  SecretReplicas,
  SecretRotation,
  ServingWritesCopied,
  TlsOnlyDataAccess,
} from '../../../lib/checks/rules';
import { HA_METADATA_KEY, HaRole, ServiceTier } from '../../../lib/core';
import { cfn, merge, record, tf } from '../fixtures/builders';
import { RuleCase } from './cases';

const T1 = { tier: ServiceTier.TIER_1 };
const T2 = { tier: ServiceTier.TIER_2 };
const T3 = { tier: ServiceTier.TIER_3 };
const RESIDENT = { tier: ServiceTier.TIER_1, allowedRegions: ['us-east-1', 'us-west-2'] };
const replicas = (...regions: string[]) => regions.map((Region) => ({ Region }));
const RTC = { Status: 'Enabled', Time: { Minutes: 15 } };
/** A primary and a `west` provider, for fixtures with a replica key in us-west-2. */
const WEST = { providers: { aws: [{ region: 'us-east-1' }, { region: 'us-west-2', alias: 'west' }] } };
const replicaKey = {
  aws_kms_key: { k: { multi_region: true } },
  aws_kms_replica_key: { west: { provider: 'aws.west', primary_key_arn: '${aws_kms_key.k.arn}' } },
};
const globalTable = (replica: Record<string, unknown>) => ({
  ...replicaKey,
  aws_dynamodb_table: {
    orders: { server_side_encryption: { enabled: true, kms_key_arn: '${aws_kms_key.k.arn}' }, replica: [replica] },
  },
});
const replicatedSecret = (replica: Record<string, unknown>) => ({
  ...replicaKey,
  aws_secretsmanager_secret: { db: { kms_key_id: '${aws_kms_key.k.arn}', replica: [replica] } },
});
const denyHttp = {
  Statement: [
    {
      Effect: 'Deny',
      Action: 's3:*',
      Principal: { AWS: '*' },
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      Resource: '*',
    },
  ],
};

/**
 * A TIER_1 service's two regions, written by hand: an EC2 role in each (through an instance
 * profile), a global table replicated to both, and the standby role's grant on its own replica.
 */
function twoRegions(standbyActions: string[] | undefined) {
  const profile = { Type: 'AWS::IAM::InstanceProfile', Properties: { Roles: [{ Ref: 'AppRole' }] } };
  const role = { Type: 'AWS::IAM::Role', Properties: {} };
  const grant = (table: unknown, actions: string[]) => ({
    Type: 'AWS::IAM::Policy',
    Properties: {
      Roles: [{ Ref: 'AppRole' }],
      PolicyDocument: { Statement: [{ Effect: 'Allow', Action: actions, Resource: table }] },
    },
  });
  const primary = cfn(
    {
      Orders: {
        Type: 'AWS::DynamoDB::GlobalTable',
        Properties: { TableName: 'orders', Replicas: replicas('us-east-1', 'us-west-2') },
      },
      AppRole: role,
      Profile: profile,
      Grant: grant({ 'Fn::GetAtt': ['Orders', 'Arn'] }, ['dynamodb:GetItem', 'dynamodb:PutItem']),
    },
    { ...T1, name: 'East' },
  );
  const standby = cfn(
    {
      AppRole: role,
      Profile: profile,
      ...(standbyActions
        ? { Grant: grant('arn:aws:dynamodb:us-west-2:111122223333:table/orders', standbyActions) }
        : {}),
    },
    { ...T1, role: HaRole.STANDBY, name: 'West', region: 'us-west-2' },
  );
  return merge(primary, standby);
}

/**
 * TIER_0 in two regions: us-east-1's bucket replicates into us-west-2's, and us-west-2's compute is
 * granted `westActions` on that copy.
 */
export function activeActiveReceipts(westActions: string[]) {
  const T0 = { tier: ServiceTier.TIER_0 };
  const profile = { Type: 'AWS::IAM::InstanceProfile', Properties: { Roles: [{ Ref: 'AppRole' }] } };
  const east = cfn(
    {
      Receipts: {
        Type: 'AWS::S3::Bucket',
        Properties: {
          BucketName: 'receipts-east',
          ReplicationConfiguration: {
            Role: 'arn:aws:iam::111122223333:role/replication',
            Rules: [{ Status: 'Enabled', Destination: { Bucket: 'arn:aws:s3:::receipts-west' } }],
          },
        },
      },
    },
    { ...T0, name: 'East' },
  );
  const west = cfn(
    {
      Receipts: {
        Type: 'AWS::S3::Bucket',
        Properties: { BucketName: 'receipts-west' },
        Metadata: { [HA_METADATA_KEY]: record(ServiceTier.TIER_0, HaRole.REPLICA) },
      },
      AppRole: { Type: 'AWS::IAM::Role', Properties: {} },
      Profile: profile,
      Grant: {
        Type: 'AWS::IAM::Policy',
        Properties: {
          Roles: [{ Ref: 'AppRole' }],
          PolicyDocument: {
            Statement: [{ Effect: 'Allow', Action: westActions, Resource: 'arn:aws:s3:::receipts-west/*' }],
          },
        },
      },
    },
    { ...T0, name: 'West', region: 'us-west-2' },
  );
  return merge(east, west);
}

export const DATA_CASES: RuleCase[] = [
  {
    rule: ServingWritesCopied,
    engine: 'cloudformation',
    stack: 'West',
    resource: 'AppRole',
    message:
      'AppRole, compute of shop in us-west-2, may write West/Receipts, which copies nothing to another region: ' +
      'what it writes there is lost with us-west-2',
    compliant: activeActiveReceipts(['s3:GetObject']),
    nonCompliant: activeActiveReceipts(['s3:GetObject', 's3:PutObject']),
  },
  {
    rule: RegionParity,
    engine: 'cloudformation',
    stack: 'West',
    resource: 'AppRole',
    message:
      'AppRole, compute of shop in us-west-2, may not dynamodb:putitem on the us-west-2 copy of dynamodb table orders (East/AppRole in us-east-1 may)',
    compliant: twoRegions(['dynamodb:GetItem', 'dynamodb:PutItem']),
    nonCompliant: twoRegions(['dynamodb:GetItem']),
  },
  {
    rule: CrossRegionReplica,
    engine: 'cloudformation',
    stack: 'App',
    resource: 'Orders',
    message: 'has no copy outside its region, which TIER_1 (WARM_STANDBY) needs: use AWS::DynamoDB::GlobalTable',
    compliant: cfn(
      { Orders: { Type: 'AWS::DynamoDB::GlobalTable', Properties: { Replicas: replicas('us-east-1', 'us-west-2') } } },
      T1,
    ),
    nonCompliant: cfn({ Orders: { Type: 'AWS::DynamoDB::Table', Properties: {} } }, T1),
  },
  {
    rule: CrossRegionReplica,
    engine: 'terraform-aws',
    stack: 'app',
    resource: 'aws_dynamodb_table.orders',
    message: 'add a replica block for the standby region',
    compliant: tf({ aws_dynamodb_table: { orders: { replica: [{ region_name: 'us-west-2' }] } } }, T1),
    nonCompliant: tf({ aws_dynamodb_table: { orders: {} } }, T1),
  },
  {
    rule: CrossRegionReplica,
    engine: 'terraform-google',
    stack: 'app',
    resource: 'google_storage_bucket.assets',
    message: 'use a dual-region or multi-region location',
    compliant: tf({ google_storage_bucket: { assets: { location: 'US' } } }, T1),
    nonCompliant: tf({ google_storage_bucket: { assets: { location: 'US-CENTRAL1' } } }, T1),
  },
  {
    rule: CrossRegionReplica,
    engine: 'cloudformation',
    stack: 'App',
    resource: 'Files',
    message: 'add a ReplicationConfiguration to the standby region',
    compliant: cfn(
      {
        Files: {
          Type: 'AWS::EFS::FileSystem',
          Properties: { ReplicationConfiguration: { Destinations: [{ Region: 'us-west-2' }] } },
        },
      },
      T1,
    ),
    nonCompliant: cfn({ Files: { Type: 'AWS::EFS::FileSystem', Properties: {} } }, T1),
  },
  {
    rule: CrossRegionReplica,
    engine: 'terraform-aws',
    stack: 'app',
    resource: 'aws_db_instance.db',
    message: 'add a cross-region read replica',
    compliant: tf(
      {
        aws_db_instance: {
          db: { identifier: 'orders', multi_az: true },
          replica: {
            provider: 'aws.west',
            replicate_source_db: 'arn:aws:rds:us-east-1:111111111111:db:orders',
            '//': { 'ha-constructs': record(ServiceTier.TIER_1, HaRole.REPLICA) },
          },
        },
      },
      { ...T1, providers: { aws: [{ region: 'us-east-1' }, { region: 'us-west-2', alias: 'west' }] } },
    ),
    nonCompliant: tf({ aws_db_instance: { db: { identifier: 'orders', multi_az: true } } }, T1),
  },
  {
    rule: DataResidency,
    engine: 'cloudformation',
    stack: 'App',
    resource: 'Orders',
    message: 'must stay within allowedRegions (us-east-1, us-west-2), got: eu-west-1',
    compliant: cfn(
      { Orders: { Type: 'AWS::DynamoDB::GlobalTable', Properties: { Replicas: replicas('us-east-1', 'us-west-2') } } },
      RESIDENT,
    ),
    nonCompliant: cfn(
      { Orders: { Type: 'AWS::DynamoDB::GlobalTable', Properties: { Replicas: replicas('us-east-1', 'eu-west-1') } } },
      RESIDENT,
    ),
  },
  {
    rule: DataResidency,
    engine: 'terraform-aws',
    stack: 'app',
    resource: 'aws_secretsmanager_secret.db',
    message: 'got: ap-south-1',
    compliant: tf({ aws_secretsmanager_secret: { db: { replica: { region: 'us-west-2' } } } }, RESIDENT),
    nonCompliant: tf({ aws_secretsmanager_secret: { db: { replica: [{ region: 'ap-south-1' }] } } }, RESIDENT),
  },
  {
    rule: DataResidency,
    engine: 'terraform-google',
    stack: 'app',
    resource: 'google_secret_manager_secret.s',
    message: 'got: asia-east1',
    compliant: tf(
      {
        google_secret_manager_secret: {
          s: {
            replication: { user_managed: { replicas: [{ location: 'europe-west1' }, { location: 'europe-west4' }] } },
          },
        },
      },
      { tier: ServiceTier.TIER_1, allowedRegions: ['europe-west1', 'europe-west4'], region: 'europe-west1' },
    ),
    nonCompliant: tf(
      {
        google_secret_manager_secret: {
          s: {
            replication: { user_managed: { replicas: [{ location: 'europe-west1' }, { location: 'asia-east1' }] } },
          },
        },
      },
      { tier: ServiceTier.TIER_1, allowedRegions: ['europe-west1', 'europe-west4'], region: 'europe-west1' },
    ),
  },
  {
    rule: ReplicationLag,
    engine: 'cloudformation',
    stack: 'App',
    resource: 'Assets',
    message: "replicates within 900 s (S3 Replication Time Control), more than TIER_1's region RPO of 60 s",
    compliant: cfn(
      {
        Replica: { Type: 'AWS::S3::Bucket' },
        Assets: {
          Type: 'AWS::S3::Bucket',
          Properties: {
            ReplicationConfiguration: {
              Rules: [
                {
                  Status: 'Enabled',
                  Destination: { Bucket: { 'Fn::GetAtt': ['Replica', 'Arn'] }, ReplicationTime: RTC },
                },
              ],
            },
          },
        },
      },
      T2,
    ),
    nonCompliant: cfn(
      {
        Replica: { Type: 'AWS::S3::Bucket' },
        Assets: {
          Type: 'AWS::S3::Bucket',
          Properties: {
            ReplicationConfiguration: {
              Rules: [
                {
                  Status: 'Enabled',
                  Destination: { Bucket: { 'Fn::GetAtt': ['Replica', 'Arn'] }, ReplicationTime: RTC },
                },
              ],
            },
          },
        },
      },
      T1,
    ),
  },
  {
    rule: ReplicationLag,
    engine: 'terraform-aws',
    stack: 'app',
    resource: 'aws_s3_bucket.assets',
    message: 'replicates with no published bound (S3 replication without Replication Time Control',
    compliant: tf(
      {
        aws_s3_bucket: { assets: {} },
        aws_s3_bucket_replication_configuration: {
          r: {
            bucket: '${aws_s3_bucket.assets.id}',
            rule: [
              {
                status: 'Enabled',
                destination: {
                  bucket: 'arn:aws:s3:::replica',
                  replication_time: { status: 'Enabled', time: { minutes: 15 } },
                },
              },
            ],
          },
        },
      },
      T2,
    ),
    nonCompliant: tf(
      {
        aws_s3_bucket: { assets: {} },
        aws_s3_bucket_replication_configuration: {
          r: {
            bucket: '${aws_s3_bucket.assets.id}',
            rule: [{ status: 'Enabled', destination: { bucket: 'arn:aws:s3:::replica' } }],
          },
        },
      },
      T2,
    ),
  },
  {
    rule: ReplicationLag,
    engine: 'terraform-google',
    stack: 'app',
    resource: 'google_storage_bucket.assets',
    message: 'Cloud Storage default replication',
    compliant: tf({ google_storage_bucket: { assets: { location: 'NAM4', rpo: 'ASYNC_TURBO' } } }, T2),
    nonCompliant: tf({ google_storage_bucket: { assets: { location: 'NAM4' } } }, T2),
  },
  {
    rule: BackupRetention,
    engine: 'cloudformation',
    stack: 'App',
    resource: 'Cluster',
    message: 'keeps automated backups for 7 day(s); TIER_1 needs 35: set BackupRetentionPeriod to 35',
    compliant: cfn(
      {
        Cluster: {
          Type: 'AWS::RDS::DBCluster',
          Properties: { Engine: 'aurora-postgresql', BackupRetentionPeriod: 35 },
        },
      },
      T1,
    ),
    nonCompliant: cfn(
      {
        Cluster: { Type: 'AWS::RDS::DBCluster', Properties: { Engine: 'aurora-postgresql', BackupRetentionPeriod: 7 } },
      },
      T1,
    ),
  },
  {
    rule: BackupRetention,
    engine: 'terraform-aws',
    stack: 'app',
    resource: 'aws_dynamodb_table.orders',
    message: 'has no point-in-time recovery',
    compliant: tf({ aws_dynamodb_table: { orders: { point_in_time_recovery: { enabled: true } } } }, T1),
    nonCompliant: tf({ aws_dynamodb_table: { orders: {} } }, T1),
  },
  {
    rule: BackupRetention,
    engine: 'terraform-google',
    stack: 'app',
    resource: 'google_sql_database_instance.db',
    message: 'retains 7 daily backups; TIER_1 needs 35',
    compliant: tf(
      {
        google_sql_database_instance: {
          db: {
            database_version: 'POSTGRES_16',
            settings: {
              backup_configuration: {
                enabled: true,
                point_in_time_recovery_enabled: true,
                backup_retention_settings: { retained_backups: 35 },
              },
            },
          },
        },
      },
      T1,
    ),
    nonCompliant: tf(
      {
        google_sql_database_instance: {
          db: {
            database_version: 'POSTGRES_16',
            settings: { backup_configuration: { enabled: true, point_in_time_recovery_enabled: true } },
          },
        },
      },
      T1,
    ),
  },
  {
    rule: BackupPlanPerTier,
    engine: 'cloudformation',
    stack: 'App',
    resource: 'Plan',
    message: 'copies no recovery point to another region',
    compliant: cfn(
      {
        Plan: {
          Type: 'AWS::Backup::BackupPlan',
          Properties: {
            BackupPlan: {
              BackupPlanRule: [
                {
                  ScheduleExpression: 'cron(0 */12 * * ? *)',
                  Lifecycle: { DeleteAfterDays: 7 },
                  CopyActions: [{ DestinationBackupVaultArn: 'arn:aws:backup:us-west-2:111122223333:backup-vault:dr' }],
                },
              ],
            },
          },
        },
      },
      T3,
    ),
    nonCompliant: cfn(
      {
        Plan: {
          Type: 'AWS::Backup::BackupPlan',
          Properties: {
            BackupPlan: {
              BackupPlanRule: [{ ScheduleExpression: 'cron(0 */12 * * ? *)', Lifecycle: { DeleteAfterDays: 7 } }],
            },
          },
        },
      },
      T3,
    ),
  },
  {
    rule: BackupPlanPerTier,
    engine: 'terraform-aws',
    stack: 'app',
    resource: 'aws_backup_plan.p',
    message: 'runs every 24 h; TIER_3 needs at least every 12 h',
    compliant: tf(
      {
        aws_backup_plan: {
          p: {
            rule: [
              {
                schedule: 'cron(0 0,12 * * ? *)',
                lifecycle: { delete_after: 14 },
                copy_action: [{ destination_vault_arn: 'arn:aws:backup:us-west-2:111122223333:backup-vault:dr' }],
              },
            ],
          },
        },
      },
      T3,
    ),
    nonCompliant: tf(
      {
        aws_backup_plan: {
          p: {
            rule: [
              {
                schedule: 'cron(0 5 * * ? *)',
                lifecycle: { delete_after: 14 },
                copy_action: [{ destination_vault_arn: 'arn:aws:backup:us-west-2:111122223333:backup-vault:dr' }],
              },
            ],
          },
        },
      },
      T3,
    ),
  },
  {
    rule: RestoreTesting,
    engine: 'cloudformation',
    stack: 'App',
    resource: 'Plan',
    message: 'service shop backs up with Plan but never tests a restore',
    compliant: cfn(
      { Plan: { Type: 'AWS::Backup::BackupPlan' }, Testing: { Type: 'AWS::Backup::RestoreTestingPlan' } },
      T3,
    ),
    nonCompliant: cfn({ Plan: { Type: 'AWS::Backup::BackupPlan' } }, T3),
  },
  {
    rule: RestoreTesting,
    engine: 'terraform-aws',
    stack: 'app',
    resource: 'aws_backup_plan.p',
    message: 'never tests a restore',
    compliant: tf({ aws_backup_plan: { p: {} }, aws_backup_restore_testing_plan: { t: {} } }, T3),
    nonCompliant: tf({ aws_backup_plan: { p: {} } }, T3),
  },
  {
    rule: RetainStatefulResources,
    engine: 'cloudformation',
    stack: 'App',
    resource: 'Data',
    message: 'has DeletionPolicy Delete (default) and UpdateReplacePolicy Delete (default)',
    compliant: cfn({
      Data: { Type: 'AWS::S3::Bucket', DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' },
      Db: { Type: 'AWS::RDS::DBCluster', DeletionPolicy: 'Snapshot', UpdateReplacePolicy: 'Snapshot' },
    }),
    nonCompliant: cfn({ Data: { Type: 'AWS::S3::Bucket' } }),
  },
  {
    rule: RetainStatefulResources,
    engine: 'terraform-aws',
    stack: 'app',
    resource: 'aws_kms_key.k',
    message: 'add lifecycle { prevent_destroy = true }',
    compliant: tf({ aws_kms_key: { k: { lifecycle: { prevent_destroy: true } } } }),
    nonCompliant: tf({ aws_kms_key: { k: {} } }),
  },
  {
    rule: RetainStatefulResources,
    engine: 'terraform-google',
    stack: 'app',
    resource: 'google_sql_database_instance.db',
    message: 'can be destroyed by a plan',
    compliant: tf({ google_sql_database_instance: { db: { lifecycle: [{ prevent_destroy: true }] } } }),
    nonCompliant: tf({ google_sql_database_instance: { db: {} } }),
  },
  {
    rule: DeletionProtection,
    engine: 'cloudformation',
    stack: 'App',
    resource: 'Cluster',
    message: 'set DeletionProtection to true',
    compliant: cfn({ Cluster: { Type: 'AWS::RDS::DBCluster', Properties: { DeletionProtection: true } } }),
    nonCompliant: cfn({ Cluster: { Type: 'AWS::RDS::DBCluster', Properties: { DeletionProtection: false } } }),
  },
  {
    rule: DeletionProtection,
    engine: 'terraform-aws',
    stack: 'app',
    resource: 'aws_dynamodb_table.t',
    message: 'set deletion_protection_enabled to true',
    compliant: tf({ aws_dynamodb_table: { t: { deletion_protection_enabled: true } } }),
    nonCompliant: tf({ aws_dynamodb_table: { t: {} } }),
  },
  {
    rule: DeletionProtection,
    engine: 'terraform-google',
    stack: 'app',
    resource: 'google_sql_database_instance.db',
    message: 'set settings.deletion_protection_enabled = true',
    compliant: tf({ google_sql_database_instance: { db: { settings: { deletion_protection_enabled: true } } } }),
    nonCompliant: tf({
      google_sql_database_instance: {
        db: { deletion_protection: false, settings: { deletion_protection_enabled: true } },
      },
    }),
  },
  {
    rule: CustomerManagedKeys,
    engine: 'cloudformation',
    stack: 'App',
    resource: 'Data',
    level: 'warning',
    message: 'is not encrypted with a customer-managed key',
    compliant: cfn({
      Key: { Type: 'AWS::KMS::Key' },
      Data: {
        Type: 'AWS::S3::Bucket',
        Properties: {
          BucketEncryption: {
            ServerSideEncryptionConfiguration: [
              {
                ServerSideEncryptionByDefault: {
                  SSEAlgorithm: 'aws:kms',
                  KMSMasterKeyID: { 'Fn::GetAtt': ['Key', 'Arn'] },
                },
              },
            ],
          },
        },
      },
    }),
    nonCompliant: cfn({
      Data: {
        Type: 'AWS::S3::Bucket',
        Properties: {
          BucketEncryption: {
            ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
          },
        },
      },
    }),
  },
  {
    rule: CustomerManagedKeys,
    engine: 'terraform-aws',
    stack: 'app',
    resource: 'aws_s3_bucket.data',
    level: 'warning',
    message: 'set the KMS key argument',
    compliant: tf({
      aws_kms_key: { k: {} },
      aws_s3_bucket: { data: {} },
      aws_s3_bucket_server_side_encryption_configuration: {
        e: {
          bucket: '${aws_s3_bucket.data.id}',
          rule: [
            {
              apply_server_side_encryption_by_default: {
                sse_algorithm: 'aws:kms',
                kms_master_key_id: '${aws_kms_key.k.arn}',
              },
            },
          ],
        },
      },
    }),
    nonCompliant: tf({ aws_s3_bucket: { data: {} } }),
  },
  {
    rule: CustomerManagedKeys,
    engine: 'terraform-google',
    stack: 'app',
    resource: 'google_storage_bucket.data',
    level: 'warning',
    message: 'set a Cloud KMS key (CMEK)',
    compliant: tf({
      google_storage_bucket: { data: { encryption: { default_kms_key_name: '${google_kms_crypto_key.k.id}' } } },
    }),
    nonCompliant: tf({ google_storage_bucket: { data: {} } }),
  },
  {
    rule: CustomerManagedKeys,
    engine: 'terraform-aws',
    stack: 'app',
    resource: 'aws_dynamodb_table.orders',
    level: 'warning',
    message:
      'aws_dynamodb_table.orders has replicas without a customer-managed key in us-west-2 (no kms_key_arn: the AWS managed key is used)',
    compliant: tf(globalTable({ region_name: 'us-west-2', kms_key_arn: '${aws_kms_replica_key.west.arn}' }), WEST),
    nonCompliant: tf(globalTable({ region_name: 'us-west-2' }), WEST),
  },
  {
    rule: CustomerManagedKeys,
    engine: 'terraform-aws',
    stack: 'app',
    resource: 'aws_secretsmanager_secret.db',
    level: 'warning',
    message:
      'aws_secretsmanager_secret.db has replicas without a customer-managed key in us-west-2 ("alias/aws/secretsmanager" is an AWS managed key)',
    compliant: tf(replicatedSecret({ region: 'us-west-2', kms_key_id: '${aws_kms_replica_key.west.arn}' }), WEST),
    nonCompliant: tf(replicatedSecret({ region: 'us-west-2', kms_key_id: 'alias/aws/secretsmanager' }), WEST),
  },
  {
    rule: CustomerManagedKeys,
    engine: 'cloudformation',
    stack: 'App',
    resource: 'Db',
    level: 'warning',
    message: 'Db has replicas without a customer-managed key in us-west-2 (no KmsKeyId: the AWS managed key is used)',
    compliant: cfn({
      Key: { Type: 'AWS::KMS::Key' },
      Db: {
        Type: 'AWS::SecretsManager::Secret',
        Properties: {
          KmsKeyId: { Ref: 'Key' },
          ReplicaRegions: [{ Region: 'us-west-2', KmsKeyId: 'alias/shop-secrets' }],
        },
      },
    }),
    nonCompliant: cfn({
      Key: { Type: 'AWS::KMS::Key' },
      Db: {
        Type: 'AWS::SecretsManager::Secret',
        Properties: { KmsKeyId: { Ref: 'Key' }, ReplicaRegions: [{ Region: 'us-west-2' }] },
      },
    }),
  },
  {
    rule: TlsOnlyDataAccess,
    engine: 'cloudformation',
    stack: 'App',
    resource: 'Data',
    level: 'warning',
    message: 'accepts requests without TLS',
    compliant: cfn({
      Data: { Type: 'AWS::S3::Bucket' },
      Policy: { Type: 'AWS::S3::BucketPolicy', Properties: { Bucket: { Ref: 'Data' }, PolicyDocument: denyHttp } },
    }),
    nonCompliant: cfn({
      Data: { Type: 'AWS::S3::Bucket' },
      Policy: {
        Type: 'AWS::S3::BucketPolicy',
        Properties: { Bucket: { Ref: 'Data' }, PolicyDocument: { Statement: [] } },
      },
    }),
  },
  {
    rule: TlsOnlyDataAccess,
    engine: 'terraform-aws',
    stack: 'app',
    resource: 'aws_rds_cluster.db',
    level: 'warning',
    message: 'rds.force_ssl = 1',
    compliant: tf({
      aws_rds_cluster_parameter_group: { pg: { parameter: [{ name: 'rds.force_ssl', value: '1' }] } },
      aws_rds_cluster: { db: { db_cluster_parameter_group_name: '${aws_rds_cluster_parameter_group.pg.name}' } },
    }),
    nonCompliant: tf({
      aws_rds_cluster_parameter_group: { pg: { parameter: [{ name: 'rds.force_ssl', value: '0' }] } },
      aws_rds_cluster: { db: { db_cluster_parameter_group_name: '${aws_rds_cluster_parameter_group.pg.name}' } },
    }),
  },
  {
    rule: TlsOnlyDataAccess,
    engine: 'terraform-google',
    stack: 'app',
    resource: 'google_sql_database_instance.db',
    level: 'warning',
    message: 'ssl_mode = "ENCRYPTED_ONLY"',
    compliant: tf({
      google_sql_database_instance: { db: { settings: { ip_configuration: { ssl_mode: 'ENCRYPTED_ONLY' } } } },
    }),
    nonCompliant: tf({
      google_sql_database_instance: {
        db: { settings: { ip_configuration: { ssl_mode: 'ALLOW_UNENCRYPTED_AND_ENCRYPTED' } } },
      },
    }),
  },
  {
    rule: EncryptedListeners,
    engine: 'cloudformation',
    stack: 'App',
    resource: 'Http',
    level: 'warning',
    message: 'serves plain HTTP',
    compliant: cfn({
      Http: {
        Type: 'AWS::ElasticLoadBalancingV2::Listener',
        Properties: {
          Protocol: 'HTTP',
          DefaultActions: [
            { Type: 'redirect', RedirectConfig: { Protocol: 'HTTPS', Port: '443', StatusCode: 'HTTP_301' } },
          ],
        },
      },
    }),
    nonCompliant: cfn({
      Http: {
        Type: 'AWS::ElasticLoadBalancingV2::Listener',
        Properties: { Protocol: 'HTTP', DefaultActions: [{ Type: 'forward', TargetGroupArn: 'arn' }] },
      },
    }),
  },
  {
    rule: EncryptedListeners,
    engine: 'terraform-aws',
    stack: 'app',
    resource: 'aws_lb_listener.http',
    level: 'warning',
    message: 'serves plain HTTP',
    compliant: tf({
      aws_lb_listener: {
        http: {
          protocol: 'HTTP',
          default_action: [{ type: 'redirect', redirect: { protocol: 'HTTPS', port: '443', status_code: 'HTTP_301' } }],
        },
      },
    }),
    nonCompliant: tf({
      aws_lb_listener: { http: { protocol: 'HTTP', default_action: [{ type: 'forward', target_group_arn: 'arn' }] } },
    }),
  },
  {
    rule: EncryptedListeners,
    engine: 'terraform-google',
    stack: 'app',
    resource: 'google_compute_target_http_proxy.http',
    level: 'warning',
    message: 'serves plain HTTP',
    compliant: tf({
      google_compute_url_map: { redirect: { default_url_redirect: { https_redirect: true, strip_query: false } } },
      google_compute_target_http_proxy: { http: { url_map: '${google_compute_url_map.redirect.id}' } },
    }),
    nonCompliant: tf({
      google_compute_url_map: { app: { default_service: 'x' } },
      google_compute_target_http_proxy: { http: { url_map: '${google_compute_url_map.app.id}' } },
    }),
  },
  {
    rule: KeyRotation,
    engine: 'cloudformation',
    stack: 'App',
    resource: 'Key',
    level: 'warning',
    message: 'set EnableKeyRotation to true',
    compliant: cfn({
      Key: { Type: 'AWS::KMS::Key', Properties: { EnableKeyRotation: true } },
      Signing: { Type: 'AWS::KMS::Key', Properties: { KeySpec: 'RSA_2048', KeyUsage: 'SIGN_VERIFY' } },
    }),
    nonCompliant: cfn({ Key: { Type: 'AWS::KMS::Key', Properties: {} } }),
  },
  {
    rule: KeyRotation,
    engine: 'terraform-aws',
    stack: 'app',
    resource: 'aws_kms_key.k',
    level: 'warning',
    message: 'set enable_key_rotation to true',
    compliant: tf({ aws_kms_key: { k: { enable_key_rotation: true } } }),
    nonCompliant: tf({ aws_kms_key: { k: { enable_key_rotation: false } } }),
  },
  {
    rule: KeyRotation,
    engine: 'terraform-google',
    stack: 'app',
    resource: 'google_kms_crypto_key.k',
    level: 'warning',
    message: 'never rotates',
    compliant: tf({ google_kms_crypto_key: { k: { rotation_period: '7776000s' } } }),
    nonCompliant: tf({ google_kms_crypto_key: { k: {} } }),
  },
  {
    rule: SecretRotation,
    engine: 'cloudformation',
    stack: 'App',
    resource: 'Secret',
    level: 'warning',
    message: 'never rotates',
    compliant: cfn({
      Secret: { Type: 'AWS::SecretsManager::Secret' },
      Rotation: { Type: 'AWS::SecretsManager::RotationSchedule', Properties: { SecretId: { Ref: 'Secret' } } },
    }),
    nonCompliant: cfn({ Secret: { Type: 'AWS::SecretsManager::Secret' } }),
  },
  {
    rule: SecretRotation,
    engine: 'terraform-aws',
    stack: 'app',
    resource: 'aws_secretsmanager_secret.s',
    level: 'warning',
    message: 'aws_secretsmanager_secret_rotation',
    compliant: tf({
      aws_secretsmanager_secret: { s: {} },
      aws_secretsmanager_secret_rotation: { r: { secret_id: '${aws_secretsmanager_secret.s.id}' } },
    }),
    nonCompliant: tf({ aws_secretsmanager_secret: { s: {} } }),
  },
  {
    rule: SecretRotation,
    engine: 'terraform-google',
    stack: 'app',
    resource: 'google_secret_manager_secret.s',
    level: 'warning',
    message: 'rotation { rotation_period }',
    compliant: tf({
      google_secret_manager_secret: {
        s: { rotation: { rotation_period: '2592000s', next_rotation_time: '2027-01-01T00:00:00Z' } },
      },
    }),
    nonCompliant: tf({ google_secret_manager_secret: { s: {} } }),
  },
  {
    rule: SecretReplicas,
    engine: 'cloudformation',
    stack: 'App',
    resource: 'Secret',
    message: 'exists in one region only, which TIER_1 (WARM_STANDBY) cannot fail over with',
    compliant: cfn(
      { Secret: { Type: 'AWS::SecretsManager::Secret', Properties: { ReplicaRegions: replicas('us-west-2') } } },
      T1,
    ),
    nonCompliant: cfn({ Secret: { Type: 'AWS::SecretsManager::Secret', Properties: {} } }, T1),
  },
  {
    rule: SecretReplicas,
    engine: 'terraform-aws',
    stack: 'app',
    resource: 'aws_secretsmanager_secret.s',
    message: 'exists in one region only',
    compliant: tf({ aws_secretsmanager_secret: { s: { replica: [{ region: 'us-west-2' }] } } }, T1),
    nonCompliant: tf({ aws_secretsmanager_secret: { s: {} } }, T1),
  },
  {
    rule: SecretReplicas,
    engine: 'terraform-google',
    stack: 'app',
    resource: 'google_secret_manager_secret.s',
    message: 'exists in one region only',
    compliant: tf({ google_secret_manager_secret: { s: { replication: { auto: {} } } } }, T1),
    nonCompliant: tf(
      {
        google_secret_manager_secret: {
          s: { replication: { user_managed: { replicas: [{ location: 'us-central1' }] } } },
        },
      },
      T1,
    ),
  },
];
