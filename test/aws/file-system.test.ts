import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { HA_METADATA_KEY, ServiceTier } from '../../lib/core';
import { ReplicatedFileSystem, ReplicatedFileSystemProps } from '../../lib/aws/file-system';
import { ReplicaKey } from '../../lib/aws/replica-key';
import { MultiAzNetwork } from '../../lib/aws/network';
import { haSnapshot } from '../../lib/testing/snapshot';
import { expectAlarmTopic, expectValidationError, printedWarning, quietly, recommendedApp } from '../util';

// The CLI's recommended flags, as `cdk init` writes them: the assertions pin ARNs with the partition
// literal and weak cross-region references. Every construct in a bare App: test/aws/default-apps.test.ts.

const ZONES = ['us-east-1a', 'us-east-1b', 'us-east-1c'];

/** A VPC with isolated subnets only: what the mount targets need, and quick to synthesize. */
function isolatedVpc(stack: Stack, zones: string[]): ec2.IVpc {
  return new ec2.Vpc(stack, 'Vpc', {
    availabilityZones: zones,
    natGateways: 0,
    subnetConfiguration: [{ name: 'Isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 }],
  });
}

function build(props: Partial<ReplicatedFileSystemProps> = {}, zones = ZONES) {
  const stack = new Stack(recommendedApp(), 'Primary', { env: { region: 'us-east-1' } });
  const vpc = isolatedVpc(stack, zones);
  // Shared files the service can rebuild: TIER_1's 60 s region RPO is beyond what EFS replication bounds.
  const files = new ReplicatedFileSystem(stack, 'Files', {
    tier: ServiceTier.TIER_1,
    vpc,
    fileSystemName: 'shared',
    replicaRegion: 'us-west-2',
    rpoObjective: Duration.minutes(15),
    ...props,
  });
  return { stack, files, vpc };
}

function synth(props: Partial<ReplicatedFileSystemProps> = {}, zones = ZONES) {
  const built = build(props, zones);
  return { ...built, template: Template.fromStack(built.stack) };
}

describe('ReplicatedFileSystem', () => {
  test('GIVEN TIER_1 THEN a regional, CMK-encrypted, elastic file system with automatic backups is retained', () => {
    const { template } = synth();
    template.hasResource('AWS::EFS::FileSystem', {
      Properties: {
        Encrypted: true,
        KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^FilesKey'), 'Arn'] },
        BackupPolicy: { Status: 'ENABLED' },
        PerformanceMode: 'generalPurpose',
        ThroughputMode: 'elastic',
        AvailabilityZoneName: Match.absent(),
        FileSystemTags: Match.arrayWith([
          { Key: 'ha:backup', Value: 'true' },
          { Key: 'Name', Value: 'shared' },
        ]),
      },
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
    template.hasResource('AWS::KMS::Key', {
      Properties: { EnableKeyRotation: true, Description: 'Encrypts the shared file system' },
      DeletionPolicy: 'Retain',
    });
  });

  test('THEN there is a mount target in each isolated subnet, one per AZ', () => {
    const { template, vpc } = synth();
    template.resourceCountIs('AWS::EFS::MountTarget', 3);
    const subnets = Object.values(template.findResources('AWS::EFS::MountTarget'))
      .map((m) => m.Properties.SubnetId.Ref)
      .sort();
    const isolated = vpc.isolatedSubnets
      .map((s) => Stack.of(s).getLogicalId(s.node.defaultChild as ec2.CfnSubnet))
      .sort();
    expect(subnets).toEqual(isolated);
  });

  test('THEN the file system policy denies requests without TLS and admits only IAM clients of the account through a mount target', () => {
    const { template } = synth();
    const [fs] = Object.values(template.findResources('AWS::EFS::FileSystem'));
    expect(fs.Properties.FileSystemPolicy.Statement).toEqual([
      {
        Sid: 'DenyWithoutTls',
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Action: '*',
        Resource: '*',
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      },
      {
        Sid: 'AllowIamClientsOfThisAccountThroughMountTargets',
        Effect: 'Allow',
        Principal: { AWS: { 'Fn::Join': ['', ['arn:aws:iam::', { Ref: 'AWS::AccountId' }, ':root']] } },
        Action: ['elasticfilesystem:ClientMount', 'elasticfilesystem:ClientWrite'],
        Resource: '*',
        Condition: { Bool: { 'elasticfilesystem:AccessedViaMountTarget': 'true' } },
      },
    ]);
  });

  test('THEN EFS replicates to the standby region under the key aliased for this file system', () => {
    const { template } = synth();
    template.hasResourceProperties('AWS::EFS::FileSystem', {
      ReplicationConfiguration: {
        Destinations: [
          {
            Region: 'us-west-2',
            KmsKeyId: {
              'Fn::Join': [
                '',
                ['arn:aws:kms:us-west-2:', { Ref: 'AWS::AccountId' }, ':alias/ha-constructs/efs/shared'],
              ],
            },
          },
        ],
      },
    });
  });

  test('GIVEN a ReplicaKey in the standby stack THEN its alias is the key the replication names', () => {
    const app = recommendedApp();
    const standby = new Stack(app, 'Standby', { env: { region: 'us-west-2', account: '111122223333' } });
    const key = new ReplicaKey(standby, 'FilesKey', { aliasName: ReplicatedFileSystem.replicaKeyAliasName('shared') });
    const primary = new Stack(app, 'Primary', { env: { region: 'us-east-1', account: '111122223333' } });
    const network = new MultiAzNetwork(primary, 'Network', { tier: ServiceTier.TIER_1, availabilityZones: ZONES });
    new ReplicatedFileSystem(primary, 'Files', {
      tier: ServiceTier.TIER_1,
      vpc: network.vpc,
      fileSystemName: 'shared',
      replicaRegion: 'us-west-2',
      rpoObjective: Duration.minutes(15),
    });
    Template.fromStack(primary).hasResourceProperties('AWS::EFS::FileSystem', {
      ReplicationConfiguration: { Destinations: [{ Region: 'us-west-2', KmsKeyId: key.aliasArn }] },
    });
  });

  test('WHEN TIER_3 has no replica region THEN there is no replication and no replication alarm', () => {
    const { template, files } = synth({ tier: ServiceTier.TIER_3, replicaRegion: undefined });
    template.hasResourceProperties('AWS::EFS::FileSystem', { ReplicationConfiguration: Match.absent() });
    template.resourceCountIs('AWS::CloudWatch::Alarm', 0);
    expect(files.replicationLagAlarm).toBeUndefined();
  });

  test('THEN the replica alarms when it has not synced for the tier RPO, at least the 15 minutes EFS replication is designed for', () => {
    const { template } = synth({ tier: ServiceTier.TIER_3, replicaRegion: 'us-west-2', rpoObjective: undefined });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Metrics: [
        Match.objectLike({
          Expression: {
            'Fn::Join': [
              '',
              [
                'SELECT MAX(TimeSinceLastSync) FROM SCHEMA("AWS/EFS", DestinationFileSystemId, FileSystemId) WHERE FileSystemId = \'',
                { Ref: Match.stringLikeRegexp('^Files') },
                "'",
              ],
            ],
          },
          Period: 300,
        }),
      ],
      Threshold: 86400,
      EvaluationPeriods: 3,
      AlarmActions: [{ Ref: Match.stringLikeRegexp('^FilesAlarmTopic') }],
      OKActions: [{ Ref: Match.stringLikeRegexp('^FilesAlarmTopic') }],
    });
    const { template: tier1 } = synth();
    tier1.hasResourceProperties('AWS::CloudWatch::Alarm', { Threshold: 900 });
  });

  test('WHEN the tier RPO is below what EFS replication bounds and no rpoObjective is stated THEN it is a ValidationError', () => {
    expectValidationError(
      () => synth({ rpoObjective: undefined }),
      'rpoObjective must be at least 900 s for a ReplicatedFileSystem: ' +
        "EFS replication bounds its replica's lag at 900 s. Keep data that needs a tighter RPO in a GlobalTable or GlobalDatabase, " +
        "and state this data set's own rpoObjective if the service can rebuild it, got: none, so TIER_1's region RPO of 60 s applies",
    );
  });

  test('WHEN rpoObjective is stated THEN the record carries it and the lag alarm holds the replica to it', () => {
    const { template } = synth({ rpoObjective: Duration.minutes(30) });
    const [fs] = Object.values(template.findResources('AWS::EFS::FileSystem'));
    expect(fs.Metadata?.[HA_METADATA_KEY]).toMatchObject({ dataRpoSeconds: 1800 });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { Threshold: 1800 });
  });

  test('THEN grantReadWrite grants mount and write, and connections open NFS from clients', () => {
    const { stack, files, vpc } = build();
    const role = new iam.Role(stack, 'App', { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') });
    files.grantReadWrite(role);
    const client = new ec2.SecurityGroup(stack, 'Client', { vpc });
    files.connections.allowDefaultPortFrom(client);
    const template = Template.fromStack(stack);
    expect(JSON.stringify(template.findResources('AWS::IAM::Policy'))).toContain('elasticfilesystem:ClientWrite');
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', { FromPort: 2049, ToPort: 2049 });
  });

  test('WHEN removalPolicy is DESTROY THEN it warns with a stable id', () => {
    quietly(
      () => {
        const { stack, template } = synth({ removalPolicy: RemovalPolicy.DESTROY });
        Annotations.fromStack(stack).hasWarning(
          '/Primary/Files',
          Match.stringLikeRegexp('^removalPolicy is destroy: .*ha-constructs:ReplicatedFileSystem.removalPolicy'),
        );
        template.hasResource('AWS::EFS::FileSystem', { DeletionPolicy: 'Delete' });
      },
      printedWarning(
        'Primary/Files',
        'ha-constructs:ReplicatedFileSystem.removalPolicy',
        'removalPolicy is destroy: deleting the stack or replacing the file system deletes its files',
      ),
    );
  });

  test('THEN every resource of the construct carries the HA record', () => {
    const { template } = synth({ service: 'files' });
    const ours = Object.entries(
      template.toJSON().Resources as Record<string, { Metadata?: Record<string, unknown> }>,
    ).filter(([id]) => id.startsWith('Files'));
    expect(ours.length).toBeGreaterThanOrEqual(5);
    for (const [, resource] of ours) {
      expect(resource.Metadata?.[HA_METADATA_KEY]).toMatchObject({
        service: 'files',
        component: 'ReplicatedFileSystem',
        failureDomain: 'region',
      });
    }
  });

  test.each<[Partial<ReplicatedFileSystemProps>, string]>([
    [
      { replicaRegion: undefined },
      'replicaRegion is required for TIER_1 (strategy WARM_STANDBY keeps data in a standby region), got: undefined',
    ],
    [{ replicaRegion: 'us-east-1' }, 'replicaRegion must not include the primary region us-east-1, got: us-east-1'],
    [
      { allowedRegions: ['us-east-1', 'us-east-2'] },
      'replicaRegion must stay within allowedRegions (us-east-1, us-east-2), got: us-west-2',
    ],
  ])('%#: bad input is a ValidationError naming the prop', (override, message) => {
    expectValidationError(() => synth(override), message);
  });

  test('GIVEN a VPC in two zones for TIER_1 THEN it is a ValidationError', () => {
    expectValidationError(
      () => synth({}, ['us-east-1a', 'us-east-1b']),
      'vpcSubnets must list at least 3 zones for TIER_1, got: 2 (us-east-1a, us-east-1b)',
    );
  });

  test("THEN every mount target sits behind the file system's security group", () => {
    const { template } = synth();
    const [groupId] = Object.keys(template.findResources('AWS::EC2::SecurityGroup'));
    expect(groupId).toMatch(/^FilesEfsSecurityGroup/);
    const group = { 'Fn::GetAtt': [groupId, 'GroupId'] };
    template.allResourcesProperties('AWS::EFS::MountTarget', { SecurityGroups: [group] });
  });

  test('THEN the alarm topic takes publishes only over TLS, and its key lets CloudWatch alarms publish', () => {
    const { template } = synth();
    expectAlarmTopic(template);
  });

  // The HA view (lib/testing) of the construct's own resources (the VPC is the fixture's).
  test('HA snapshot of the TIER_1 replicated file system (beside the targeted assertions above)', () => {
    const { template } = synth({ service: 'snapshot' });
    const resources = Object.fromEntries(
      Object.entries(template.toJSON().Resources as Record<string, unknown>).filter(([id]) => id.startsWith('Files')),
    );
    expect(haSnapshot({ Resources: resources })).toMatchSnapshot();
  });
});
