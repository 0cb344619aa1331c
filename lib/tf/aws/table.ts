import { HaValidationError } from '../../core/errors';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { DYNAMODB_GLOBAL_REPLICATION_LAG_SECONDS, DYNAMODB_PITR_MAX_DAYS, FailureDomain, HaRole, regionPlacementProblem } from '../../core';
import { HaProps, RegionalProps } from './ha-props';
import { newAlarmTopic } from './private/alarms';
import { AccountContext, newCustomerManagedKey } from './private/keys';
import { attachHaMetadata, attachHaMetadataTo, protectFromDestroy, resourcesOfProvider } from './private/metadata';
import { regionOf, replicaAlias, requireRegion } from './private/regions';


/** A key attribute of the table. */
export interface TableAttribute {
  readonly name: string;
  /** `S` (string), `N` (number) or `B` (binary). */
  readonly type: 'S' | 'N' | 'B';
}

/** Multi-region consistency of a global table. */
export enum TableConsistency {
  /** Writes replicate asynchronously, typically within a second (MREC). */
  EVENTUAL = 'EVENTUAL',
  /** A write is acknowledged once durable in a second region: RPO 0 (MRSC; exactly three regions). */
  STRONG = 'STRONG',
}

/** Props of {@link GlobalTable}. */
export interface GlobalTableProps extends HaProps, RegionalProps {
  readonly tableName: string;
  readonly partitionKey: TableAttribute;
  /**
   * @default - none
   */
  readonly sortKey?: TableAttribute;
  /**
   * Providers (aliases) of the replica regions; each replica gets a customer-managed key created
   * with its provider. At least `tier.minRegions − 1`; none may be the primary's region.
   */
  readonly replicaProviders: AwsProvider[];
  /**
   * Multi-region consistency.
   * @default - STRONG when the tier's region RPO is shorter than the global-table replication lag
   * (`DYNAMODB_GLOBAL_REPLICATION_LAG_SECONDS`), otherwise EVENTUAL
   */
  readonly consistency?: TableConsistency;
  /**
   * Days of point-in-time recovery, in every region: from the tier's backup retention (at most 35) to 35.
   * @default - tier.backupRetentionDays, at most 35
   */
  readonly pointInTimeRecoveryDays?: number;
  /**
   * Replication latency (ms) to any replica above which the alarm fires; a positive number.
   * @default - the tier's region RPO
   */
  readonly replicationLatencyThresholdMs?: number;
  /**
   * ARN of the topic the alarm notifies (in the primary region).
   * @default - a new encrypted topic
   */
  readonly alarmTopicArn?: string;
  /**
   * Whether Terraform refuses to destroy the table (`prevent_destroy`). False warns; deletion
   * protection stays on either way.
   * @default true
   */
  readonly preventDestroy?: boolean;
}

/**
 * A DynamoDB global table (Terraform): one `aws_dynamodb_table` with a `replica` block per
 * replica region, on-demand, streams on (replication needs them), point-in-time recovery and
 * deletion protection in every region, a customer-managed key per region, tags propagated to
 * replicas, `prevent_destroy`, and an alarm on replication latency above the tier's region RPO.
 *
 * Construct ids (public API; stateful ones in bold): **`Resource`**, **`Key`**, **`ReplicaKey<n>`**
 * (n follows `replicaProviders`; keep their order), `ReplicationLatencyAlarm`.
 */
export class GlobalTable extends Construct {
  public readonly table: DynamodbTable;
  public readonly tableName: string;
  public readonly consistency: TableConsistency;
  /** Replica regions, in `replicaProviders` order (undefined entries are regions unknown at synthesis). */
  public readonly replicaRegions: (string | undefined)[];
  public readonly replicationLatencyAlarm: CloudwatchMetricAlarm;

  constructor(scope: Construct, id: string, props: GlobalTableProps) {
    super(scope, id);
    const { tier, provider } = props;
    const primaryRegion = regionOf(this, provider);
    this.replicaRegions = props.replicaProviders.map((p, i) => requireRegion(`replicaProviders[${i}]`, p));
    const neededReplicas = tier.minRegions - 1;
    if (props.replicaProviders.length < neededReplicas) {
      throw new HaValidationError(`replicaProviders must list at least ${neededReplicas} region${neededReplicas === 1 ? '' : 's'} for ${tier.name} (minRegions ${tier.minRegions}), got: ${props.replicaProviders.length}`);
    }
    const problem = regionPlacementProblem({
      prop: 'replicaProviders',
      primaryRegion,
      replicaRegions: this.replicaRegions.filter((r): r is string => r !== undefined),
      allowedRegions: props.allowedRegions,
    });
    if (problem) {
      throw new HaValidationError(problem);
    }
    this.consistency = props.consistency
      ?? (tier.regionRpoSeconds < DYNAMODB_GLOBAL_REPLICATION_LAG_SECONDS ? TableConsistency.STRONG : TableConsistency.EVENTUAL);
    if (this.consistency === TableConsistency.STRONG && props.replicaProviders.length !== 2) {
      throw new HaValidationError(`replicaProviders must list exactly 2 regions for consistency STRONG (multi-region strong consistency spans three regions), got: ${props.replicaProviders.length}`);
    }
    // The tier's backup retention is the shortest window it restores from (as the CDK GlobalTable holds it).
    const minPitrDays = Math.min(tier.backupRetentionDays, DYNAMODB_PITR_MAX_DAYS);
    const pitrDays = props.pointInTimeRecoveryDays ?? minPitrDays;
    if (!Token.isUnresolved(pitrDays) && (!Number.isInteger(pitrDays) || pitrDays < minPitrDays || pitrDays > DYNAMODB_PITR_MAX_DAYS)) {
      throw new HaValidationError(`pointInTimeRecoveryDays must be an integer from ${minPitrDays} (${tier.name}'s backup retention, at most ${DYNAMODB_PITR_MAX_DAYS}) to ${DYNAMODB_PITR_MAX_DAYS}, got: ${pitrDays}`);
    }
    const threshold = props.replicationLatencyThresholdMs ?? tier.regionRpoSeconds * 1000;
    // At or below 0 the alarm fires on every replicated write; NaN and Infinity synthesize as null, which CloudWatch refuses.
    if (!Token.isUnresolved(threshold) && !(Number.isFinite(threshold) && threshold > 0)) {
      throw new HaValidationError(`replicationLatencyThresholdMs must be a positive number of milliseconds, got: ${threshold}`);
    }

    const context = new AccountContext(this, 'Account', provider);
    const key = newCustomerManagedKey(this, 'Key', { description: `Encrypts the table ${props.tableName}`, context });
    const replicaKeys = props.replicaProviders.map((replicaProvider) => newCustomerManagedKey(this, `ReplicaKey-${replicaAlias(replicaProvider)}`, {
      description: `Encrypts the replica of the table ${props.tableName}`,
      context: new AccountContext(this, `ReplicaAccount-${replicaAlias(replicaProvider)}`, replicaProvider),
    }));

    const attributes = [props.partitionKey, ...(props.sortKey ? [props.sortKey] : [])];
    this.table = new DynamodbTable(this, 'Resource', {
      provider,
      name: props.tableName,
      billingMode: 'PAY_PER_REQUEST',
      hashKey: props.partitionKey.name,
      rangeKey: props.sortKey?.name,
      attribute: attributes.map((a) => ({ name: a.name, type: a.type })),
      streamEnabled: true,
      streamViewType: 'NEW_AND_OLD_IMAGES',
      deletionProtectionEnabled: true,
      pointInTimeRecovery: { enabled: true, recoveryPeriodInDays: pitrDays },
      serverSideEncryption: { enabled: true, kmsKeyArn: key.arn },
      replica: props.replicaProviders.map((_, i) => ({
        regionName: this.replicaRegions[i] ?? (props.replicaProviders[i].region as string),
        kmsKeyArn: replicaKeys[i].arn,
        pointInTimeRecovery: true,
        deletionProtectionEnabled: true,
        propagateTags: true,
        consistencyMode: this.consistency,
      })),
    });
    protectFromDestroy(this.table, props.preventDestroy, this, 'GlobalTable');
    this.tableName = this.table.name;

    const topicArn = props.alarmTopicArn ?? newAlarmTopic(this, 'AlarmTopic', `${props.tableName} replication alarms`, context).arn;
    const replicaRegions = this.replicaRegions.map((r, i) => r ?? (props.replicaProviders[i].region as string));
    this.replicationLatencyAlarm = new CloudwatchMetricAlarm(this, 'ReplicationLatencyAlarm', {
      provider,
      alarmName: `ha-${this.node.addr.slice(0, 20)}-replication-latency`,
      alarmDescription: `Replication from ${props.tableName} to a replica lags more than ${threshold} ms (${tier.name}'s region RPO is ${tier.regionRpoSeconds} s)`,
      comparisonOperator: 'GreaterThanThreshold',
      threshold,
      evaluationPeriods: 3,
      datapointsToAlarm: 3,
      treatMissingData: 'notBreaching',
      metricQuery: [
        { id: 'worst', expression: `MAX([${replicaRegions.map((_, i) => `r${i}`).join(', ')}])`, label: 'Worst replication latency (ms)', returnData: true },
        ...replicaRegions.map((region, i) => ({
          id: `r${i}`,
          metric: { namespace: 'AWS/DynamoDB', metricName: 'ReplicationLatency', stat: 'Maximum', period: 60, dimensions: { TableName: this.table.name, ReceivingRegion: region } },
        })),
      ],
      alarmActions: [topicArn],
      okActions: [topicArn],
    });

    for (const replicaProvider of props.replicaProviders) {
      attachHaMetadataTo(resourcesOfProvider(this, replicaProvider), this, props, { component: 'GlobalTable', failureDomain: FailureDomain.REGION, role: HaRole.REPLICA });
    }
    attachHaMetadataTo([this.table], this, props, { component: 'GlobalTable', failureDomain: FailureDomain.GLOBAL, role: HaRole.GLOBAL });
    attachHaMetadata(this, props, { component: 'GlobalTable', failureDomain: FailureDomain.REGION });
  }
}
