import { Duration, RemovalPolicy, Stack, Tags, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { FailureDomain, HaRole, planGlobalTable, TableConsistencyMode } from '../core';
import { BACKUP_TAG_KEY, BACKUP_TAG_VALUE } from './backup';
import { HaProps } from './ha-props';
import { attachHaMetadata } from './metadata';
import { newAlarmTopic, notifyOn } from './private/alarms';
import { emitWarnings, throwProblems, validationError } from './private/errors';
import { newCustomerManagedKey } from './private/keys';
import { ReplicaKey } from './replica-key';

/**
 * Consistency of a global table across its regions.
 * @see https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/V2globaltables_HowItWorks.html
 */
export class TableConsistency {
  /**
   * Multi-region eventual consistency (MREC): writes replicate asynchronously, typically within a
   * second; a region loss can lose the last second of writes.
   */
  public static readonly EVENTUAL = new TableConsistency('EVENTUAL', dynamodb.MultiRegionConsistency.EVENTUAL);
  /**
   * Multi-region strong consistency (MRSC): a write is acknowledged once durable in a second
   * region (RPO 0). Needs three regions of one region set, or two and a witness region.
   */
  public static readonly STRONG = new TableConsistency('STRONG', dynamodb.MultiRegionConsistency.STRONG);

  private constructor(
    /** Name of the mode, as DynamoDB spells it. */
    public readonly name: string,
    /** The aws-cdk-lib value. */
    public readonly mode: dynamodb.MultiRegionConsistency,
  ) {}
}

/** Props of {@link GlobalTable}. */
export interface GlobalTableProps extends HaProps {
  /**
   * Name of the table; every replica has the same name. Deterministic on purpose: applications in
   * every region and the failover runbook address the table by it, and the replica keys' default
   * aliases derive from it.
   */
  readonly tableName: string;
  /** Partition key. */
  readonly partitionKey: dynamodb.Attribute;
  /**
   * Sort key.
   * @default - none
   */
  readonly sortKey?: dynamodb.Attribute;
  /**
   * Regions that hold a replica besides the stack's region. With the primary they must number at
   * least `tier.minRegions`; each must be in `allowedRegions` when that is set.
   */
  readonly replicaRegions: string[];
  /**
   * Multi-region consistency.
   * @default - STRONG when the tier's region RPO is shorter than the global-table replication lag
   * (`DYNAMODB_GLOBAL_REPLICATION_LAG_SECONDS`), otherwise EVENTUAL
   */
  readonly consistency?: TableConsistency;
  /**
   * Witness region of a STRONG table with two replicas (it holds no readable copy, only votes). A
   * STRONG table's regions, the witness included, lie in one MRSC region set (US, EU or AP).
   * @default - none: a STRONG table then needs three regions
   */
  readonly witnessRegion?: string;
  /**
   * Key of the replica in this stack's region.
   * @default - a new customer-managed key (rotation on, retained on delete)
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * Key (or alias) ARN per replica region, for the replica's customer-managed key. Each key must
   * live in its region.
   * @default - the alias `GlobalTable.replicaKeyAliasName(tableName)` in each replica region: create
   * it there with `new ReplicaKey(standbyStack, 'TableKey', { aliasName: GlobalTable.replicaKeyAliasName('orders') })`
   */
  readonly replicaKeyArns?: Record<string, string>;
  /**
   * Global secondary indexes (replicated with the table).
   * @default - none
   */
  readonly globalSecondaryIndexes?: dynamodb.GlobalSecondaryIndexPropsV2[];
  /**
   * Attribute that holds each item's expiry time (TTL deletes replicate like any delete).
   * @default - no TTL
   */
  readonly timeToLiveAttribute?: string;
  /**
   * Billing of reads and writes.
   * @default dynamodb.Billing.onDemand()
   */
  readonly billing?: dynamodb.Billing;
  /**
   * Days of point-in-time recovery, on every replica: from the tier's backup retention (at most
   * `DYNAMODB_PITR_MAX_DAYS`, 35) to 35.
   * @default - tier.backupRetentionDays, at most 35
   */
  readonly pointInTimeRecoveryDays?: number;
  /**
   * Whether CloudWatch Contributor Insights reports the most accessed and throttled keys.
   * @default true
   */
  readonly contributorInsights?: boolean;
  /**
   * Replication lag above which a replica alarms (its maximum per minute, three minutes in a row).
   * @default - the tier's region RPO
   */
  readonly replicationLatencyThreshold?: Duration;
  /**
   * Topic the alarms notify.
   * @default - a new encrypted topic
   */
  readonly alarmTopic?: sns.ITopic;
  /**
   * Whether to tag the table `ha:backup` = `true`, so the stack's `BackupPolicy` backs it up too
   * (and copies the backups to its DR vault).
   * @default true
   */
  readonly backupTag?: boolean;
  /**
   * What happens to the table when it leaves the stack. Anything but RETAIN warns
   * (`ha-constructs:GlobalTable.removalPolicy`); DESTROY also turns deletion protection off.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * A DynamoDB global table (TableV2) with a replica in every region of the tier.
 *
 * Every replica has deletion protection, point-in-time recovery, Contributor Insights and its
 * own customer-managed key; the table is retained on delete and replacement. Each replica
 * region gets a `ReplicationLatency` alarm at the tier's region RPO, measured from this region.
 * Every value and rule comes from core's `planGlobalTable`, which the Terraform twin renders too.
 *
 * The replicas' keys live in stacks of their regions, found by alias:
 * ```ts
 * const standby = new Stack(app, 'Standby', { env: { region: 'us-west-2' } });
 * new ReplicaKey(standby, 'OrdersKey', { aliasName: GlobalTable.replicaKeyAliasName('orders') });
 * const primary = new Stack(app, 'Primary', { env: { region: 'us-east-1' } });
 * new GlobalTable(primary, 'Orders', { tier, tableName: 'orders', partitionKey, replicaRegions: ['us-west-2'] });
 * primary.addStackDependency(standby); // the replica's key must exist before the replica
 * ```
 *
 * Construct ids (public API): `Resource` (the table), `Key` (unless `encryptionKey` is given),
 * `AlarmTopic` (unless `alarmTopic` is given), `ReplicationLatency-<region>` per replica region
 * (keyed by region, so adding a region leaves the other alarms untouched).
 */
export class GlobalTable extends Construct {
  /** The alias a replica's key has by default (see {@link ReplicaKey}). */
  public static replicaKeyAliasName(tableName: string): string {
    return `alias/ha-constructs/dynamodb/${tableName}`;
  }
  /**
   * The table's replica in `scope`'s region, for granting that region's compute access to its own
   * copy (`grantReadWriteData`) without a reference to the primary's stack. `replicaKey` is the
   * {@link ReplicaKey} of that region that encrypts the replica.
   */
  public static fromReplica(scope: Construct, id: string, tableName: string, replicaKey: kms.IKey): dynamodb.ITableV2 {
    return dynamodb.TableV2.fromTableAttributes(scope, id, { tableName, encryptionKey: replicaKey });
  }

  /** The table and its replicas. */
  public readonly table: dynamodb.TableV2;
  /** Key of the replica in this stack's region. */
  public readonly encryptionKey: kms.IKey;
  /** Regions holding a replica besides this one. */
  public readonly replicaRegions: string[];
  /** The consistency mode. */
  public readonly consistency: TableConsistency;
  /** The topic the alarms notify. */
  public readonly alarmTopic: sns.ITopic;
  /** One `ReplicationLatency` alarm per replica region. */
  public readonly replicationLatencyAlarms: Record<string, cloudwatch.Alarm> = {};

  constructor(scope: Construct, id: string, props: GlobalTableProps) {
    super(scope, id);
    const { tier } = props;
    const stack = Stack.of(this);
    const region = stack.region;
    if (Token.isUnresolved(region)) {
      throw validationError(
        'GlobalTable needs a stack with a concrete region (env.region): replicas are placed relative to it',
        this,
      );
    }
    const latency = props.replicationLatencyThreshold;
    if (latency !== undefined && latency.isUnresolved()) {
      // The threshold also goes into the alarm description, which needs a number at synthesis.
      throw validationError('replicationLatencyThreshold must be a literal duration, got: an unresolved token', this);
    }
    const known = (value: string | undefined) => (value === undefined || Token.isUnresolved(value) ? undefined : value);
    const pitr = props.pointInTimeRecoveryDays;
    const plan = planGlobalTable(tier, {
      replicaRegionsProp: 'replicaRegions',
      primaryRegion: region,
      replicaRegions: props.replicaRegions.map(known),
      allowedRegions: props.allowedRegions,
      consistency: props.consistency?.name as TableConsistencyMode | undefined,
      witness: props.witnessRegion === undefined ? undefined : { region: known(props.witnessRegion) },
      pointInTimeRecoveryDays: pitr === undefined || Token.isUnresolved(pitr) ? undefined : pitr,
      replicationLatencyThreshold: latency && {
        prop: 'replicationLatencyThreshold',
        milliseconds: latency.toMilliseconds({ integral: false }),
        text: latency.toHumanString(),
      },
      contributorInsights: props.contributorInsights,
      timeToLiveAttribute: props.timeToLiveAttribute,
      removalPolicy: props.removalPolicy,
    });
    throwProblems(plan.problems, this);
    if (props.replicaKeyArns) {
      const missing = props.replicaRegions.filter((r) => props.replicaKeyArns![r] === undefined);
      if (missing.length > 0) {
        throw validationError(
          `replicaKeyArns must name a key for every replica region, got none for: ${missing.join(', ')}`,
          this,
          'replicaKeyArns',
        );
      }
    }
    emitWarnings(this, 'GlobalTable', plan.warnings);
    this.replicaRegions = [...props.replicaRegions];
    this.consistency = plan.consistency === 'STRONG' ? TableConsistency.STRONG : TableConsistency.EVENTUAL;

    this.encryptionKey =
      props.encryptionKey ?? newCustomerManagedKey(this, 'Key', `Encrypts the ${props.tableName} table in ${region}`);
    const replicaKeyArns =
      props.replicaKeyArns ??
      Object.fromEntries(
        this.replicaRegions.map((replicaRegion) => [
          replicaRegion,
          ReplicaKey.aliasArn(this, replicaRegion, GlobalTable.replicaKeyAliasName(props.tableName)),
        ]),
      );

    this.table = new dynamodb.TableV2(this, 'Resource', {
      tableName: props.tableName,
      partitionKey: props.partitionKey,
      sortKey: props.sortKey,
      billing: props.billing ?? dynamodb.Billing.onDemand(),
      globalSecondaryIndexes: props.globalSecondaryIndexes,
      timeToLiveAttribute: plan.timeToLiveAttribute,
      encryption: dynamodb.TableEncryptionV2.customerManagedKey(this.encryptionKey, replicaKeyArns),
      deletionProtection: plan.deletionProtection,
      pointInTimeRecoverySpecification: {
        pointInTimeRecoveryEnabled: true,
        recoveryPeriodInDays: pitr !== undefined && Token.isUnresolved(pitr) ? pitr : plan.pointInTimeRecoveryDays,
      },
      contributorInsightsSpecification: { enabled: plan.contributorInsights },
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
      multiRegionConsistency: this.consistency.mode,
      witnessRegion: props.witnessRegion,
      replicas: this.replicaRegions.map((replicaRegion) => ({ region: replicaRegion })),
    });
    if (props.backupTag ?? true) {
      Tags.of(this.table).add(BACKUP_TAG_KEY, BACKUP_TAG_VALUE);
    }

    this.alarmTopic =
      props.alarmTopic ?? newAlarmTopic(this, 'AlarmTopic', `Alarms of the ${props.tableName} global table`);
    const alarm = plan.replicationLatencyAlarm;
    for (const replicaRegion of this.replicaRegions) {
      const metric = this.metricReplicationLatency(replicaRegion, {
        statistic: alarm.statistic,
        period: Duration.seconds(alarm.periodSeconds),
      });
      const replicationAlarm = metric.createAlarm(this, `ReplicationLatency-${replicaRegion}`, {
        alarmDescription:
          `Replication from ${region} to the ${replicaRegion} replica of ${props.tableName} lags more than ` +
          `${alarm.thresholdText}: a region loss now loses more writes than the tier allows`,
        // Milliseconds, the metric's unit: a threshold need not be a whole number of seconds.
        threshold: alarm.thresholdMs!,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: alarm.evaluationPeriods,
        datapointsToAlarm: alarm.datapointsToAlarm,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      notifyOn(replicationAlarm, this.alarmTopic);
      this.replicationLatencyAlarms[replicaRegion] = replicationAlarm;
    }

    attachHaMetadata(this, props, {
      component: 'GlobalTable',
      failureDomain: FailureDomain.GLOBAL,
      role: HaRole.GLOBAL,
    });
  }

  /**
   * Milliseconds between a write in this region and its appearance in the `replicaRegion` replica
   * (average per minute).
   */
  public metricReplicationLatency(replicaRegion: string, props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: 'AWS/DynamoDB',
      metricName: 'ReplicationLatency',
      dimensionsMap: { TableName: this.table.tableName, ReceivingRegion: replicaRegion },
      statistic: cloudwatch.Stats.AVERAGE,
      period: Duration.minutes(1),
      ...props,
    });
  }

  /**
   * Grants reading and writing items in every replica, so that the application keeps working in
   * whichever region it runs after a failover (and using the key of this region's replica).
   */
  public grantReadWriteData(grantee: iam.IGrantable): iam.Grant {
    return this.replicaRegions.reduce(
      (grant, replicaRegion) => grant.combine(this.table.replica(replicaRegion).grantReadWriteData(grantee)),
      this.table.grantReadWriteData(grantee),
    );
  }

  /** Grants reading items in every replica (and using the key of this region's replica). */
  public grantReadData(grantee: iam.IGrantable): iam.Grant {
    return this.replicaRegions.reduce(
      (grant, replicaRegion) => grant.combine(this.table.replica(replicaRegion).grantReadData(grantee)),
      this.table.grantReadData(grantee),
    );
  }
}
