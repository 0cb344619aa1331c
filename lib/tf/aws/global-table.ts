import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { DynamodbContributorInsights } from '@cdktf/provider-aws/lib/dynamodb-contributor-insights';
import { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { FailureDomain, HaRole, planGlobalTable } from '../../core';
import { emitWarnings, throwProblems } from '../diagnostics';
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
  /** A write is acknowledged once durable in a second region: RPO 0 (MRSC; three regions, or two and a witness). */
  STRONG = 'STRONG',
}

/** Props of {@link GlobalTable}. */
export interface GlobalTableProps extends HaProps, RegionalProps {
  /** Name of the table; every replica has the same name. */
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
   * Witness region of a STRONG table with one replica (it holds no readable copy, only votes). A
   * STRONG table's regions, the witness included, lie in one MRSC region set (US, EU or AP).
   * @default - none: a STRONG table then needs two replicas
   */
  readonly witnessRegion?: string;
  /**
   * Days of point-in-time recovery: from the tier's backup retention (at most 35) to 35. The AWS
   * provider sets the period on the primary only; replicas keep DynamoDB's default of 35 days.
   * @default - tier.backupRetentionDays, at most 35
   */
  readonly pointInTimeRecoveryDays?: number;
  /**
   * Whether CloudWatch Contributor Insights reports the most accessed and throttled keys, in every region.
   * @default true
   */
  readonly contributorInsights?: boolean;
  /**
   * Attribute that holds each item's expiry time (TTL deletes replicate like any delete).
   * @default - no TTL
   */
  readonly timeToLiveAttribute?: string;
  /**
   * Replication latency (ms) to any replica above which the alarm fires (its maximum per minute,
   * three minutes in a row); a positive number.
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
 * replica region, on-demand, streams on (replication needs them), point-in-time recovery,
 * deletion protection and Contributor Insights in every region, a customer-managed key per
 * region, tags propagated to replicas, `prevent_destroy`, and an alarm on replication latency
 * above the tier's region RPO. Every value and rule comes from core's `planGlobalTable`, which
 * the CDK twin renders too.
 *
 * Construct ids (public API; stateful ones in bold): **`Resource`**, **`Key`**, **`ReplicaKey-<alias>`**
 * (keyed by the replica provider's alias), `ReplicationLatencyAlarm`, `ContributorInsights`,
 * `ContributorInsights-<alias>`.
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
    this.replicaRegions = props.replicaProviders.map((p, i) => requireRegion(`replicaProviders[${i}]`, p));
    const known = (value: string | undefined) => (value === undefined || Token.isUnresolved(value) ? undefined : value);
    const pitr = props.pointInTimeRecoveryDays;
    const thresholdMs = props.replicationLatencyThresholdMs;
    const plan = planGlobalTable(tier, {
      replicaRegionsProp: 'replicaProviders',
      primaryRegion: regionOf(this, provider),
      replicaRegions: this.replicaRegions,
      allowedRegions: props.allowedRegions,
      consistency: props.consistency,
      witness: props.witnessRegion === undefined ? undefined : { region: known(props.witnessRegion) },
      pointInTimeRecoveryDays: pitr === undefined || Token.isUnresolved(pitr) ? undefined : pitr,
      replicationLatencyThreshold:
        thresholdMs === undefined
          ? undefined
          : {
              prop: 'replicationLatencyThresholdMs',
              milliseconds: Token.isUnresolved(thresholdMs) ? undefined : thresholdMs,
              text: String(thresholdMs),
            },
      contributorInsights: props.contributorInsights,
      timeToLiveAttribute: props.timeToLiveAttribute,
    });
    throwProblems(plan.problems, this);
    emitWarnings(this, 'GlobalTable', plan.warnings);
    this.consistency = plan.consistency === 'STRONG' ? TableConsistency.STRONG : TableConsistency.EVENTUAL;

    const context = new AccountContext(this, 'Account', provider);
    const key = newCustomerManagedKey(this, 'Key', { description: `Encrypts the table ${props.tableName}`, context });
    const replicaKeys = props.replicaProviders.map((replicaProvider) =>
      newCustomerManagedKey(this, `ReplicaKey-${replicaAlias(replicaProvider)}`, {
        description: `Encrypts the replica of the table ${props.tableName}`,
        context: new AccountContext(this, `ReplicaAccount-${replicaAlias(replicaProvider)}`, replicaProvider),
      }),
    );
    const replicaRegions = this.replicaRegions.map((r, i) => r ?? (props.replicaProviders[i].region as string));

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
      deletionProtectionEnabled: plan.deletionProtection,
      pointInTimeRecovery: {
        enabled: true,
        recoveryPeriodInDays: pitr !== undefined && Token.isUnresolved(pitr) ? pitr : plan.pointInTimeRecoveryDays,
      },
      ttl:
        plan.timeToLiveAttribute === undefined ? undefined : { attributeName: plan.timeToLiveAttribute, enabled: true },
      serverSideEncryption: { enabled: true, kmsKeyArn: key.arn },
      replica: replicaRegions.map((regionName, i) => ({
        regionName,
        kmsKeyArn: replicaKeys[i].arn,
        pointInTimeRecovery: true,
        deletionProtectionEnabled: plan.deletionProtection,
        propagateTags: true,
        consistencyMode: plan.consistency,
      })),
      globalTableWitness: props.witnessRegion === undefined ? undefined : { regionName: props.witnessRegion },
    });
    protectFromDestroy(this.table, props.preventDestroy, this, 'GlobalTable');
    this.tableName = this.table.name;

    if (plan.contributorInsights) {
      new DynamodbContributorInsights(this, 'ContributorInsights', { provider, tableName: this.table.name });
      for (const replicaProvider of props.replicaProviders) {
        // A replica is a table of its own region: its insights are enabled there, once it exists.
        new DynamodbContributorInsights(this, `ContributorInsights-${replicaAlias(replicaProvider)}`, {
          provider: replicaProvider,
          tableName: this.table.name,
          dependsOn: [this.table],
        });
      }
    }

    const alarm = plan.replicationLatencyAlarm;
    const threshold = alarm.thresholdMs ?? thresholdMs!;
    const topicArn =
      props.alarmTopicArn ?? newAlarmTopic(this, 'AlarmTopic', `${props.tableName} replication alarms`, context).arn;
    this.replicationLatencyAlarm = new CloudwatchMetricAlarm(this, 'ReplicationLatencyAlarm', {
      provider,
      alarmName: `ha-${this.node.addr.slice(0, 20)}-replication-latency`,
      alarmDescription: `Replication from ${props.tableName} to a replica lags more than ${alarm.thresholdText}: a region loss now loses more writes than the tier allows`,
      comparisonOperator: 'GreaterThanThreshold',
      threshold,
      evaluationPeriods: alarm.evaluationPeriods,
      datapointsToAlarm: alarm.datapointsToAlarm,
      treatMissingData: alarm.treatMissingData,
      metricQuery: [
        {
          id: 'worst',
          expression: `MAX([${replicaRegions.map((_, i) => `r${i}`).join(', ')}])`,
          label: 'Worst replication latency (ms)',
          returnData: true,
        },
        ...replicaRegions.map((region, i) => ({
          id: `r${i}`,
          metric: {
            namespace: 'AWS/DynamoDB',
            metricName: 'ReplicationLatency',
            stat: alarm.statistic,
            period: alarm.periodSeconds,
            dimensions: { TableName: this.table.name, ReceivingRegion: region },
          },
        })),
      ],
      alarmActions: [topicArn],
      okActions: [topicArn],
    });

    for (const replicaProvider of props.replicaProviders) {
      attachHaMetadataTo(resourcesOfProvider(this, replicaProvider), this, props, {
        component: 'GlobalTable',
        failureDomain: FailureDomain.REGION,
        role: HaRole.REPLICA,
      });
    }
    attachHaMetadataTo([this.table], this, props, {
      component: 'GlobalTable',
      failureDomain: FailureDomain.GLOBAL,
      role: HaRole.GLOBAL,
    });
    attachHaMetadata(this, props, { component: 'GlobalTable', failureDomain: FailureDomain.REGION });
  }
}
