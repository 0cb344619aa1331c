import { Duration } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as fc from 'fast-check';
import { BackupCopyVault, BackupPolicy } from '../../lib/aws/backup';
import { ReplicaBucket, ReplicatedBucket } from '../../lib/aws/bucket';
import { ReplicatedDatabase } from '../../lib/aws/database';
import { ReplicatedFileSystem } from '../../lib/aws/file-system';
import { GlobalDatabase, GlobalDatabaseSecondary } from '../../lib/aws/global-database';
import { GlobalTable, TableConsistency } from '../../lib/aws/global-table';
import { ReplicaKey } from '../../lib/aws/replica-key';
import { EncryptedSecret, SecretReplicaKey } from '../../lib/aws/secret';
import { EFS_REPLICATION_RPO_SECONDS, S3_RTC_REPLICATION_SECONDS } from '../../lib/core';
import {
  anyLogRetention,
  anyTierAndZones,
  badLogRetention,
  notPositiveInteger,
  OTHER_REGIONS,
  zonalVpc,
  ZONES,
} from './fixtures';
import { anyServiceName, anyTier, proveConstruct } from './harness';
import { breaking, invalidProp } from './invalid';

/** Property-based proofs of the data constructs: tables, buckets, backups, secrets, databases. */

/** An S3 bucket name: 3-63 lowercase letters, digits and hyphens, starting and ending with a letter or digit. */
const bucketName = fc.stringMatching(/^[a-z0-9][a-z0-9-]{1,40}[a-z0-9]$/);
/** Names S3 refuses: too short, uppercase, or a leading or trailing hyphen. */
const badBucketName = fc.oneof(
  fc.stringMatching(/^[a-z0-9]{1,2}$/),
  fc.stringMatching(/^[A-Z][a-zA-Z0-9]{3,20}$/),
  fc.stringMatching(/^-[a-z0-9]{3,20}$/),
);

const tableProps = fc
  .record({
    tier: anyTier,
    service: anyServiceName,
    tableName: fc.stringMatching(/^[a-zA-Z0-9_.-]{3,40}$/),
    extraRegions: fc.shuffledSubarray(OTHER_REGIONS, { minLength: 1, maxLength: 3 }),
    pitrSlack: fc.double({ min: 0, max: 1, noNaN: true }),
    sortKey: fc.boolean(),
    contributorInsights: fc.boolean(),
    latencyThresholdMs: fc.option(fc.integer({ min: 1, max: 3_600_000 }), { nil: undefined }),
  })
  .map((p) => ({
    ...p,
    strong: false,
    replicaRegions: p.extraRegions.slice(0, Math.max(p.tier.minRegions - 1, 1)),
    pointInTimeRecoveryDays: Math.round(p.tier.backupRetentionDays + p.pitrSlack * (35 - p.tier.backupRetentionDays)),
  }));
type TableProps = typeof tableProps extends fc.Arbitrary<infer T> ? T : never;

proveConstruct<TableProps>({
  name: 'GlobalTable',
  valid: tableProps,
  build: (scope, p) =>
    new GlobalTable(scope, 'Table', {
      tier: p.tier,
      service: p.service,
      tableName: p.tableName,
      replicaRegions: p.replicaRegions,
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      sortKey: p.sortKey ? { name: 'sk', type: dynamodb.AttributeType.NUMBER } : undefined,
      pointInTimeRecoveryDays: p.pointInTimeRecoveryDays,
      contributorInsights: p.contributorInsights,
      replicationLatencyThreshold:
        p.latencyThresholdMs === undefined ? undefined : Duration.millis(p.latencyThresholdMs),
      consistency: p.strong ? TableConsistency.STRONG : undefined,
    }),
  invalid: [
    { prop: 'replicationLatencyThreshold', props: tableProps.map((p) => ({ ...p, latencyThresholdMs: 0 })) },
    // Strong consistency over two regions and no witness (it needs three, or two and a witness).
    {
      prop: 'consistency',
      props: tableProps.map((p) => ({ ...p, strong: true, replicaRegions: p.replicaRegions.slice(0, 1) })),
    },
    {
      prop: 'pointInTimeRecoveryDays',
      props: breaking(
        tableProps,
        fc.oneof(notPositiveInteger, fc.integer({ min: 36, max: 10_000 })),
        (p, pointInTimeRecoveryDays) => ({ ...p, pointInTimeRecoveryDays }),
      ),
    },
  ],
});

const bucketProps = fc
  .record({
    // S3 Replication Time Control bounds the replica's lag: tiers with a shorter region RPO need another store.
    tier: anyTier.filter((tier) => tier.regionRpoSeconds >= S3_RTC_REPLICATION_SECONDS),
    service: anyServiceName,
    replicaRegion: fc.constantFrom(...OTHER_REGIONS),
    replicaBucketName: bucketName,
    bucketName: fc.option(bucketName, { nil: undefined }),
    rpoFactor: fc.integer({ min: 1, max: 4 }),
    noncurrentSlack: fc.integer({ min: 0, max: 400 }),
  })
  .map((p) => ({
    ...p,
    rpoSeconds: p.tier.regionRpoSeconds * p.rpoFactor,
    noncurrentDays: p.tier.backupRetentionDays + p.noncurrentSlack,
  }));
type BucketProps = typeof bucketProps extends fc.Arbitrary<infer T> ? T : never;

proveConstruct<BucketProps>({
  name: 'ReplicatedBucket',
  valid: bucketProps,
  build: (scope, p) =>
    new ReplicatedBucket(scope, 'Bucket', {
      tier: p.tier,
      service: p.service,
      replicaRegion: p.replicaRegion,
      replicaBucketName: p.replicaBucketName,
      bucketName: p.bucketName,
      rpoObjective: Duration.seconds(p.rpoSeconds),
      noncurrentVersionRetention: Duration.days(p.noncurrentDays),
    }),
  invalid: [
    invalidProp(bucketProps, 'replicaBucketName', badBucketName),
    {
      prop: 'noncurrentVersionRetention',
      props: bucketProps
        .filter((p) => p.tier.backupRetentionDays > 1)
        .map((p) => ({ ...p, noncurrentDays: p.tier.backupRetentionDays - 1 })),
    },
  ],
});

const replicaBucketProps = fc.record({
  tier: anyTier,
  service: anyServiceName,
  bucketName,
  noncurrentSlack: fc.integer({ min: 0, max: 400 }),
});
type ReplicaBucketProps = typeof replicaBucketProps extends fc.Arbitrary<infer T> ? T : never;

proveConstruct<ReplicaBucketProps>({
  name: 'ReplicaBucket',
  region: 'us-west-2',
  valid: replicaBucketProps,
  build: (scope, p) =>
    new ReplicaBucket(scope, 'Replica', {
      tier: p.tier,
      service: p.service,
      bucketName: p.bucketName,
      noncurrentVersionRetention: Duration.days(p.tier.backupRetentionDays + p.noncurrentSlack),
    }),
  invalid: [
    {
      prop: 'bucketName',
      props: fc.tuple(replicaBucketProps, badBucketName).map(([p, name]) => ({ ...p, bucketName: name })),
    },
  ],
});

const DR_VAULT = 'arn:aws:backup:us-west-2:111122223333:backup-vault:service-dr';

const backupProps = fc
  .record({
    tier: anyTier,
    service: anyServiceName,
    retentionSlack: fc.integer({ min: 0, max: 365 }),
    continuousBackup: fc.boolean(),
    selectByTag: fc.boolean(),
  })
  .map((p) => ({
    ...p,
    retentionDays: p.tier.backupRetentionDays + p.retentionSlack,
    intervalHours: p.tier.backupIntervalHours,
  }));
type BackupProps = typeof backupProps extends fc.Arbitrary<infer T> ? T : never;

proveConstruct<BackupProps>({
  name: 'BackupPolicy',
  valid: backupProps,
  build: (scope, p) =>
    new BackupPolicy(scope, 'Backups', {
      tier: p.tier,
      service: p.service,
      copyToVaultArn: DR_VAULT,
      retention: Duration.days(p.retentionDays),
      backupInterval: Duration.hours(p.intervalHours),
      continuousBackup: p.continuousBackup,
      selectByTag: p.selectByTag,
    }),
  invalid: [
    {
      prop: 'backupInterval',
      props: fc
        .tuple(backupProps, fc.integer({ min: 25, max: 10_000 }))
        .map(([p, intervalHours]) => ({ ...p, intervalHours })),
    },
    {
      prop: 'retention',
      props: backupProps
        .filter((p) => p.tier.backupRetentionDays > 1)
        .map((p) => ({ ...p, retentionDays: p.tier.backupRetentionDays - 1 })),
    },
  ],
});

const vaultProps = fc.record({
  tier: anyTier,
  service: anyServiceName,
  backupVaultName: fc.stringMatching(/^[a-zA-Z0-9][a-zA-Z0-9_-]{1,40}$/),
});
type VaultProps = typeof vaultProps extends fc.Arbitrary<infer T> ? T : never;

proveConstruct<VaultProps>({
  name: 'BackupCopyVault',
  region: 'us-west-2',
  valid: vaultProps,
  build: (scope, p) =>
    new BackupCopyVault(scope, 'Vault', { tier: p.tier, service: p.service, backupVaultName: p.backupVaultName }),
  invalid: [],
});

const secretProps = fc
  .record({
    tier: anyTier,
    service: anyServiceName,
    replicaRegions: fc.shuffledSubarray(OTHER_REGIONS, { minLength: 1, maxLength: 2 }),
    rotateAfterHours: fc.integer({ min: 4, max: 1000 * 24 }),
  })
  .map((p) => ({ ...p, replicaRegions: p.tier.isMultiRegion ? p.replicaRegions : [] }));
type SecretProps = typeof secretProps extends fc.Arbitrary<infer T> ? T : never;

const ROTATOR = 'arn:aws:lambda:us-east-1:111122223333:function:rotate';

proveConstruct<SecretProps>({
  name: 'EncryptedSecret',
  valid: secretProps,
  build: (scope, p) =>
    new EncryptedSecret(scope, 'Secret', {
      tier: p.tier,
      service: p.service,
      replicaRegions: p.replicaRegions,
      rotateAfter: Duration.hours(p.rotateAfterHours),
      rotationLambda: lambda.Function.fromFunctionArn(scope, 'Rotator', ROTATOR),
    }),
  invalid: [
    {
      prop: 'rotateAfter',
      props: breaking(
        secretProps,
        fc.oneof(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1000 * 24 + 1, max: 100_000 })),
        (p, rotateAfterHours) => ({ ...p, rotateAfterHours }),
      ),
    },
  ],
});

const replicaKeyProps = fc.record({ tier: anyTier, service: anyServiceName });
proveConstruct<{ tier: typeof anyTier extends fc.Arbitrary<infer T> ? T : never; service: string }>({
  name: 'SecretReplicaKey',
  region: 'us-west-2',
  valid: replicaKeyProps,
  build: (scope, p) => new SecretReplicaKey(scope, 'Key', { tier: p.tier, service: p.service }),
  invalid: [],
});

const databaseProps = fc
  .record({
    // One region: tiers that keep a second region need GlobalDatabase (the HA checks say so, HA-DR1).
    tierZones: anyTierAndZones.filter(({ tier }) => !tier.isMultiRegion),
    service: anyServiceName,
    readers: fc.integer({ min: 0, max: 15 }),
    retentionSlack: fc.integer({ min: 0, max: 35 }),
    logRetention: anyLogRetention,
    maxConnections: fc.option(fc.integer({ min: 1, max: 5000 }), { nil: undefined }),
    clusterIdentifier: fc.option(fc.stringMatching(/^[a-z]([a-z0-9]{1,8}-?){0,4}[a-z0-9]$/), { nil: undefined }),
    proxy: fc.boolean(),
  })
  .map((p) => {
    const { tier, zones } = p.tierZones;
    return {
      ...p,
      // A reader in every other zone at least, so a zone loss fails over inside the region.
      readers: Math.max(p.readers, zones.length - 1),
      backupRetentionDays: Math.min(35, tier.backupRetentionDays + p.retentionSlack),
      logRetentionDays: Math.max(p.logRetention, tier.logRetentionDays),
    };
  });
type DatabaseProps = typeof databaseProps extends fc.Arbitrary<infer T> ? T : never;

proveConstruct<DatabaseProps, ec2.IVpc>({
  name: 'ReplicatedDatabase',
  valid: databaseProps,
  fixture: (stack) => zonalVpc(stack, ZONES['us-east-1']),
  build: (scope, p, vpc) =>
    new ReplicatedDatabase(scope, 'Database', {
      tier: p.tierZones.tier,
      service: p.service,
      vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED, availabilityZones: p.tierZones.zones },
      readers: p.readers,
      backupRetention: Duration.days(p.backupRetentionDays),
      logRetentionDays: p.logRetentionDays,
      maxConnections: p.maxConnections,
      clusterIdentifier: p.clusterIdentifier,
      proxy: p.proxy,
    }),
  invalid: [
    invalidProp(
      databaseProps,
      'readers',
      fc.oneof(fc.integer({ min: -100, max: -1 }), fc.integer({ min: 16, max: 1000 })),
    ),
    invalidProp(databaseProps, 'maxConnections', notPositiveInteger),
    invalidProp(databaseProps, 'logRetentionDays', badLogRetention),
    invalidProp(
      databaseProps,
      'clusterIdentifier',
      fc.oneof(fc.stringMatching(/^[0-9A-Z][a-zA-Z0-9]{0,10}$/), fc.stringMatching(/^[a-z][a-z0-9]{0,10}-$/)),
    ),
    {
      prop: 'backupRetention',
      props: fc
        .tuple(databaseProps, fc.integer({ min: 36, max: 1000 }))
        .map(([p, backupRetentionDays]) => ({ ...p, backupRetentionDays })),
    },
  ],
});

const globalDatabaseProps = fc
  .record({
    tierZones: anyTierAndZones.filter(({ tier }) => tier.isMultiRegion),
    service: anyServiceName,
    globalClusterIdentifier: fc.stringMatching(/^[a-z]([a-z0-9]{1,8}-?){0,3}[a-z0-9]$/),
    extraRegions: fc.shuffledSubarray(OTHER_REGIONS, { minLength: 1, maxLength: 2 }),
    readerShare: fc.integer({ min: 0, max: 3 }),
    retentionSlack: fc.integer({ min: 0, max: 35 }),
  })
  .map((p) => ({
    ...p,
    readers: p.tierZones.zones.length - 1 + p.readerShare,
    backupRetentionDays: Math.min(35, p.tierZones.tier.backupRetentionDays + p.retentionSlack),
  }));
type GlobalDatabaseProps = typeof globalDatabaseProps extends fc.Arbitrary<infer T> ? T : never;

proveConstruct<GlobalDatabaseProps, ec2.IVpc>({
  name: 'GlobalDatabase',
  valid: globalDatabaseProps,
  fixture: (stack) => zonalVpc(stack, ZONES['us-east-1']),
  build: (scope, p, vpc) =>
    new GlobalDatabase(scope, 'Database', {
      tier: p.tierZones.tier,
      service: p.service,
      vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED, availabilityZones: p.tierZones.zones },
      globalClusterIdentifier: p.globalClusterIdentifier,
      secondaryRegions: p.extraRegions,
      readers: p.readers,
      backupRetention: Duration.days(p.backupRetentionDays),
      // rds.global_db_rpo takes no less than 20 s: TIER_0's 1 s needs the data set's own objective.
      rpoObjective: p.tierZones.tier.regionRpoSeconds < 20 ? Duration.seconds(20) : undefined,
    }),
  invalid: [
    invalidProp(
      globalDatabaseProps,
      'readers',
      fc.oneof(fc.integer({ min: -100, max: -1 }), fc.integer({ min: 16, max: 1000 })),
    ),
    {
      prop: 'backupRetention',
      props: fc
        .tuple(globalDatabaseProps, fc.integer({ min: 36, max: 1000 }))
        .map(([p, backupRetentionDays]) => ({ ...p, backupRetentionDays })),
    },
  ],
});

const secondaryProps = fc
  .record({
    tierZones: anyTierAndZones
      .filter(({ tier }) => tier.isMultiRegion)
      .map(({ tier, zones }) => ({ tier, zones: zones.map((z) => z.replace('us-east-1', 'us-west-2')) })),
    service: anyServiceName,
    readerShare: fc.integer({ min: 0, max: 3 }),
    logRetention: anyLogRetention,
  })
  .map((p) => ({
    ...p,
    readers: p.tierZones.zones.length - 1 + p.readerShare,
    logRetentionDays: Math.max(p.logRetention, p.tierZones.tier.logRetentionDays),
  }));
type SecondaryProps = typeof secondaryProps extends fc.Arbitrary<infer T> ? T : never;

proveConstruct<SecondaryProps, ec2.IVpc>({
  name: 'GlobalDatabaseSecondary',
  region: 'us-west-2',
  valid: secondaryProps,
  fixture: (stack) => zonalVpc(stack, ZONES['us-west-2']),
  build: (scope, p, vpc) =>
    new GlobalDatabaseSecondary(scope, 'Database', {
      tier: p.tierZones.tier,
      service: p.service,
      vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED, availabilityZones: p.tierZones.zones },
      globalClusterIdentifier: 'orders',
      primaryRegion: 'us-east-1',
      readers: p.readers,
      logRetentionDays: p.logRetentionDays,
    }),
  invalid: [
    // A secondary cluster runs at most 16 readers.
    invalidProp(
      secondaryProps,
      'readers',
      fc.oneof(fc.integer({ min: -100, max: -1 }), fc.integer({ min: 17, max: 1000 })),
    ),
    invalidProp(secondaryProps, 'logRetentionDays', badLogRetention),
  ],
});

const fileSystemProps = fc.record({
  // EFS replication bounds the replica's lag: tiers with a shorter region RPO need another store.
  tierZones: anyTierAndZones.filter(({ tier }) => tier.regionRpoSeconds >= EFS_REPLICATION_RPO_SECONDS),
  service: anyServiceName,
  fileSystemName: fc.stringMatching(/^[a-z][a-z0-9-]{0,30}$/),
  replicaRegion: fc.constantFrom(...OTHER_REGIONS),
  lagMinutes: fc.integer({ min: 1, max: 60 }),
});
type FileSystemProps = typeof fileSystemProps extends fc.Arbitrary<infer T> ? T : never;

proveConstruct<FileSystemProps, ec2.IVpc>({
  name: 'ReplicatedFileSystem',
  valid: fileSystemProps,
  fixture: (stack) => zonalVpc(stack, ZONES['us-east-1']),
  build: (scope, p, vpc) =>
    new ReplicatedFileSystem(scope, 'Files', {
      tier: p.tierZones.tier,
      service: p.service,
      vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED, availabilityZones: p.tierZones.zones },
      fileSystemName: p.fileSystemName,
      replicaRegion: p.tierZones.tier.isMultiRegion ? p.replicaRegion : undefined,
      replicationLagThreshold: Duration.minutes(p.lagMinutes),
    }),
  invalid: [
    {
      prop: 'replicaRegion',
      props: fileSystemProps
        .filter((p) => p.tierZones.tier.isMultiRegion)
        .map((p) => ({ ...p, replicaRegion: undefined as unknown as string })),
    },
  ],
});

const replicaAliasProps = fc.record({
  alias: fc.stringMatching(/^[a-zA-Z0-9_-][a-zA-Z0-9/_-]{0,40}$/).filter((a) => !a.startsWith('aws/')),
});

proveConstruct<{ alias: string }>({
  name: 'ReplicaKey',
  region: 'us-west-2',
  valid: replicaAliasProps,
  build: (scope, p) => new ReplicaKey(scope, 'Key', { aliasName: `alias/${p.alias}` }),
  invalid: [
    // Reserved for AWS managed keys, or a character KMS alias names do not allow.
    {
      prop: 'aliasName',
      props: fc
        .tuple(fc.constantFrom('aws/', 'with space/', 'dot.'), replicaAliasProps)
        .map(([prefix, p]) => ({ alias: `${prefix}${p.alias}` })),
    },
  ],
});
