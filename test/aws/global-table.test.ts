import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import { DrStrategy, HA_METADATA_KEY, ServiceTier } from '../../lib/core';
import { GlobalTable, GlobalTableProps, TableConsistency } from '../../lib/aws/global-table';
import { ReplicaKey } from '../../lib/aws/replica-key';
import { haSnapshot } from '../../lib/testing/snapshot';
import { expectAlarmTopic, expectValidationError, printedWarning, quietly, recommendedApp } from '../util';

// The CLI's recommended flags, as `cdk init` writes them: the assertions pin ARNs with the partition
// literal and weak cross-region references. Every construct in a bare App: test/aws/default-apps.test.ts.

const pk = { name: 'pk', type: dynamodb.AttributeType.STRING };
const RPO_ZERO = ServiceTier.custom({
  name: 'LEDGER',
  strategy: DrStrategy.ACTIVE_ACTIVE,
  availabilityTarget: 0.9999,
  minAzs: 3,
  minRegions: 2,
  azRtoSeconds: 30,
  azRpoSeconds: 0,
  regionRtoSeconds: 120,
  regionRpoSeconds: 0,
});

function synth(props: Partial<GlobalTableProps> = {}, region = 'us-east-1') {
  const stack = new Stack(recommendedApp(), 'Primary', { env: { region } });
  const table = new GlobalTable(stack, 'Orders', {
    tier: ServiceTier.TIER_1,
    tableName: 'orders',
    partitionKey: pk,
    replicaRegions: ['us-west-2'],
    ...props,
  });
  return { stack, table, template: Template.fromStack(stack) };
}

function replicas(template: Template): Record<string, Record<string, unknown>> {
  const [table] = Object.values(template.findResources('AWS::DynamoDB::GlobalTable'));
  return Object.fromEntries(
    (table.Properties.Replicas as Record<string, unknown>[]).map((r) => [r.Region as string, r]),
  );
}

describe('GlobalTable', () => {
  test('GIVEN TIER_1 with a replica THEN every replica has deletion protection, PITR for the tier retention, Contributor Insights and the ha:backup tag', () => {
    const { template } = synth();
    const byRegion = replicas(template);
    expect(Object.keys(byRegion).sort()).toEqual(['us-east-1', 'us-west-2']);
    for (const replica of Object.values(byRegion)) {
      expect(replica).toMatchObject({
        DeletionProtectionEnabled: true,
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true, RecoveryPeriodInDays: 35 },
        ContributorInsightsSpecification: { Enabled: true },
      });
      expect(replica.Tags).toEqual(expect.arrayContaining([{ Key: 'ha:backup', Value: 'true' }]));
    }
    template.hasResource('AWS::DynamoDB::GlobalTable', {
      Properties: {
        TableName: 'orders',
        MultiRegionConsistency: 'EVENTUAL',
        SSESpecification: { SSEEnabled: true, SSEType: 'KMS' },
      },
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
  });

  test('THEN this region uses a new retained CMK and each replica the alias of its ReplicaKey', () => {
    const { template } = synth();
    const byRegion = replicas(template);
    expect(JSON.stringify(byRegion['us-east-1'].SSESpecification)).toMatch(/"OrdersKey[0-9A-F]{8}","Arn"/);
    expect(byRegion['us-west-2'].SSESpecification).toEqual({
      KMSMasterKeyId: {
        'Fn::Join': ['', ['arn:aws:kms:us-west-2:', { Ref: 'AWS::AccountId' }, ':alias/ha-constructs/dynamodb/orders']],
      },
    });
    template.hasResource('AWS::KMS::Key', {
      Properties: { EnableKeyRotation: true },
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
  });

  test('WHEN indexes and a TTL attribute are given THEN the table has them', () => {
    const { template } = synth({
      timeToLiveAttribute: 'expires',
      globalSecondaryIndexes: [
        { indexName: 'byCustomer', partitionKey: { name: 'customer', type: dynamodb.AttributeType.STRING } },
      ],
    });
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      TimeToLiveSpecification: { AttributeName: 'expires', Enabled: true },
      GlobalSecondaryIndexes: [Match.objectLike({ IndexName: 'byCustomer' })],
    });
  });

  test('WHEN replicaKeyArns are given THEN each replica uses its key', () => {
    const arn = 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    const { template } = synth({ replicaRegions: ['eu-west-1'], replicaKeyArns: { 'eu-west-1': arn } });
    expect(replicas(template)['eu-west-1'].SSESpecification).toEqual({ KMSMasterKeyId: arn });
  });

  test('THEN each replica region has a ReplicationLatency alarm at the tier region RPO that notifies the topic on ALARM and OK', () => {
    const { template } = synth({ tier: ServiceTier.TIER_0, replicaRegions: ['us-west-2', 'eu-west-1'] });
    template.resourceCountIs('AWS::CloudWatch::Alarm', 2);
    for (const region of ['us-west-2', 'eu-west-1']) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/DynamoDB',
        MetricName: 'ReplicationLatency',
        Dimensions: Match.arrayWith([{ Name: 'ReceivingRegion', Value: region }]),
        Threshold: 1000,
        ComparisonOperator: 'GreaterThanThreshold',
        // The slowest write bounds what a region loss loses: the maximum per minute, as the Terraform twin reads it.
        Statistic: 'Maximum',
        Period: 60,
        EvaluationPeriods: 3,
        DatapointsToAlarm: 3,
        TreatMissingData: 'notBreaching',
        AlarmActions: [{ Ref: Match.stringLikeRegexp('^OrdersAlarmTopic') }],
        OKActions: [{ Ref: Match.stringLikeRegexp('^OrdersAlarmTopic') }],
      });
    }
  });

  test('WHEN a replication latency threshold that is not whole seconds is given THEN the alarm uses it in milliseconds and says so', () => {
    const { template } = synth({ replicationLatencyThreshold: Duration.millis(1500) });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ReplicationLatency',
      Threshold: 1500,
      AlarmDescription: Match.stringLikeRegexp("lags more than 1.5 s \\(TIER_1's region RPO is 60 s\\)"),
    });
  });

  test('WHEN the tier RPO is shorter than the replication lag THEN consistency defaults to STRONG', () => {
    const { table, template } = synth({ tier: RPO_ZERO, replicaRegions: ['us-east-2', 'us-west-2'] });
    expect(table.consistency).toBe(TableConsistency.STRONG);
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', { MultiRegionConsistency: 'STRONG' });
  });

  test('WHEN STRONG has two regions and a witness THEN the witness is on the table and gets no alarm', () => {
    const { template } = synth({
      consistency: TableConsistency.STRONG,
      replicaRegions: ['us-east-2'],
      witnessRegion: 'us-west-2',
    });
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      MultiRegionConsistency: 'STRONG',
      GlobalTableWitnesses: [{ Region: 'us-west-2' }],
    });
    template.resourceCountIs('AWS::CloudWatch::Alarm', 1);
  });

  test('WHEN EVENTUAL is forced on a tier with RPO 0 THEN a warning says to use STRONG', () => {
    quietly(
      () => {
        const { stack } = synth({ tier: RPO_ZERO, consistency: TableConsistency.EVENTUAL });
        Annotations.fromStack(stack).hasWarning(
          '/Primary/Orders',
          Match.stringLikeRegexp(
            "consistency EVENTUAL replicates in about 1 s, longer than LEDGER's region RPO of 0 s: use TableConsistency.STRONG",
          ),
        );
      },
      printedWarning(
        'Primary/Orders',
        'ha-constructs:GlobalTable.consistency',
        "consistency EVENTUAL replicates in about 1 s, longer than LEDGER's region RPO of 0 s: use TableConsistency.STRONG",
      ),
    );
  });

  test('WHEN removalPolicy is DESTROY THEN it warns and turns deletion protection off', () => {
    quietly(
      () => {
        const { stack, template } = synth({ removalPolicy: RemovalPolicy.DESTROY });
        Annotations.fromStack(stack).hasWarning(
          '/Primary/Orders',
          Match.stringLikeRegexp('^removalPolicy is destroy: .*ha-constructs:GlobalTable.removalPolicy'),
        );
        template.hasResource('AWS::DynamoDB::GlobalTable', { DeletionPolicy: 'Delete' });
        expect(Object.values(replicas(template)).map((r) => r.DeletionProtectionEnabled)).toEqual([false, false]);
      },
      printedWarning(
        'Primary/Orders',
        'ha-constructs:GlobalTable.removalPolicy',
        'removalPolicy is destroy: deleting the stack or replacing the table deletes every replica and its data',
      ),
    );
  });

  test('THEN grantReadWriteData grants item access on the table in every region and use of its key', () => {
    const stack = new Stack(recommendedApp(), 'Primary', { env: { region: 'us-east-1' } });
    const table = new GlobalTable(stack, 'Orders', {
      tier: ServiceTier.TIER_1,
      tableName: 'orders',
      partitionKey: pk,
      replicaRegions: ['us-west-2'],
    });
    const role = new iam.Role(stack, 'App', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    table.grantReadWriteData(role);
    const policy = JSON.stringify(Template.fromStack(stack).findResources('AWS::IAM::Policy'));
    expect(policy).toContain('dynamodb:PutItem');
    expect(policy).toContain('arn:aws:dynamodb:us-west-2:');
    expect(policy).toContain('kms:Decrypt');
  });

  test('THEN every resource carries the HA metadata record with the global role', () => {
    const { template } = synth({ service: 'orders' });
    for (const resource of Object.values(
      template.toJSON().Resources as Record<string, { Metadata?: Record<string, unknown> }>,
    )) {
      expect(resource.Metadata?.[HA_METADATA_KEY]).toMatchObject({
        service: 'orders',
        component: 'GlobalTable',
        role: 'global',
        failureDomain: 'global',
      });
    }
  });

  // The rules are core's planGlobalTable (test/core/plans/table.test.ts); these prove the engine throws them.
  test.each<[Partial<GlobalTableProps>, string]>([
    [{ replicaRegions: ['us-east-1'] }, 'replicaRegions must not include the primary region us-east-1, got: us-east-1'],
    [
      { replicaRegions: ['eu-west-1'], allowedRegions: ['us-east-1', 'us-west-2'] },
      'replicaRegions must stay within allowedRegions (us-east-1, us-west-2), got: eu-west-1',
    ],
    [
      { replicaRegions: [] },
      'replicaRegions must list at least 1 region for TIER_1 (minRegions 2 including us-east-1), got: 0',
    ],
    [
      { consistency: TableConsistency.STRONG },
      'consistency STRONG needs three regions, or two and a witnessRegion, got: 2 region(s) (us-east-1, us-west-2) and no witnessRegion',
    ],
    [
      { witnessRegion: 'us-east-2' },
      'witnessRegion only applies to consistency STRONG, got: us-east-2 with consistency EVENTUAL',
    ],
    [
      { consistency: TableConsistency.STRONG, replicaRegions: ['us-east-2'], witnessRegion: 'us-east-2' },
      'witnessRegion must not repeat a region, got: us-east-2 more than once',
    ],
    [
      { pointInTimeRecoveryDays: 7 },
      "pointInTimeRecoveryDays must be an integer from 35 (TIER_1's backup retention, at most 35) to 35, got: 7",
    ],
    [
      { replicationLatencyThreshold: Duration.millis(0) },
      'replicationLatencyThreshold must be longer than 0 ms, got: 0 millis',
    ],
    [{ replicaKeyArns: {} }, 'replicaKeyArns must name a key for every replica region, got none for: us-west-2'],
  ])('%#: bad input is a ValidationError naming the prop', (override, message) => {
    expectValidationError(() => synth(override), message);
  });

  test('GIVEN a region-agnostic stack THEN it refuses to place replicas', () => {
    const stack = new Stack(recommendedApp(), 'Agnostic');
    expectValidationError(
      () =>
        new GlobalTable(stack, 'Orders', {
          tier: ServiceTier.TIER_1,
          tableName: 'orders',
          partitionKey: pk,
          replicaRegions: ['us-west-2'],
        }),
      'GlobalTable needs a stack with a concrete region (env.region): replicas are placed relative to it',
    );
  });

  test('THEN the table is on demand, keyed by the partition key, and streams new and old images', () => {
    const { template } = synth();
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
    });
  });

  test('THEN the alarm topic takes publishes only over TLS, and its key lets CloudWatch alarms publish', () => {
    const { template } = synth();
    expectAlarmTopic(template);
  });

  // The HA view (lib/testing): per resource its type, HA record and the properties the HA rules read.
  test('HA snapshot of the TIER_1 global table (beside the targeted assertions above)', () => {
    const { template } = synth({ service: 'snapshot' });
    expect(haSnapshot(template.toJSON())).toMatchSnapshot();
  });
});

describe('GlobalTable across a primary and a standby stack', () => {
  test('GIVEN a ReplicaKey in the standby stack THEN its alias is exactly the key ARN the primary table names for that replica', () => {
    const app = recommendedApp();
    const standby = new Stack(app, 'Standby', { env: { region: 'us-west-2', account: '111122223333' } });
    const replicaKey = new ReplicaKey(standby, 'TableKey', { aliasName: GlobalTable.replicaKeyAliasName('orders') });
    const primary = new Stack(app, 'Primary', { env: { region: 'us-east-1', account: '111122223333' } });
    primary.addStackDependency(standby);
    new GlobalTable(primary, 'Orders', {
      tier: ServiceTier.TIER_1,
      tableName: 'orders',
      partitionKey: pk,
      replicaRegions: ['us-west-2'],
    });

    Template.fromStack(standby).hasResourceProperties('AWS::KMS::Alias', {
      AliasName: 'alias/ha-constructs/dynamodb/orders',
    });
    Template.fromStack(standby).hasResource('AWS::KMS::Key', {
      Properties: { EnableKeyRotation: true },
      DeletionPolicy: 'Retain',
    });
    expect(replicaKey.aliasArn).toBe('arn:aws:kms:us-west-2:111122223333:alias/ha-constructs/dynamodb/orders');
    expect(replicas(Template.fromStack(primary))['us-west-2'].SSESpecification).toEqual({
      KMSMasterKeyId: replicaKey.aliasArn,
    });
  });

  test('GIVEN a bad alias THEN ReplicaKey refuses it', () => {
    const stack = new Stack(recommendedApp(), 'Standby', { env: { region: 'us-west-2' } });
    expect(() => new ReplicaKey(stack, 'Key', { aliasName: 'alias/aws/dynamodb' })).toThrow(
      'aliasName must start with alias/, use only letters, digits, /, _ and - and not start with alias/aws/, got: alias/aws/dynamodb',
    );
  });
});
