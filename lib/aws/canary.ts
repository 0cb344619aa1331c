import { ArnFormat, Duration, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as synthetics from 'aws-cdk-lib/aws-synthetics';
import { Construct } from 'constructs';
import { FailureDomain } from '../core';
import { planProbe, ProbeBlueprint } from '../core/plans/probe';
import { HaProps, serviceNameOf } from './ha-props';
import { attachHaMetadata } from './metadata';
import { newAlarmTopic, notifyOn } from './private/alarms';
import { newSecureBucket, newServerAccessLogsBucket } from './private/buckets';
import { newCustomerManagedKey } from './private/keys';
import { emitWarnings, throwProblems } from './private/errors';
import { acknowledgeFindings, acknowledgeWildcard } from './private/nag';

// Defined in core with the plan: the Terraform twin takes the same blueprints.
export { ProbeBlueprint };

/** Props of {@link SyntheticCanary}. */
export interface SyntheticCanaryProps extends HaProps {
  /** HTTPS URL to probe: the service's public name, so the probe crosses DNS and TLS as users do. */
  readonly url: string;
  /**
   * What each run does.
   * @default ProbeBlueprint.HEARTBEAT
   */
  readonly blueprint?: ProbeBlueprint;
  /**
   * HTTP method of the API blueprint (a read: the probe runs every few minutes, forever).
   * @default 'GET'
   */
  readonly method?: string;
  /**
   * Minutes between runs.
   * @default - tier.probeIntervalMinutes
   */
  readonly intervalMinutes?: number;
  /**
   * Success percentage below which the alarm counts a period as failed.
   * @default 100 (every run of the period passed)
   */
  readonly successPercentThreshold?: number;
  /**
   * Consecutive failed periods before the alarm fires: one failed run may be the network
   * between the probe and the service; two in a row are worth a look.
   * @default 2
   */
  readonly alarmPeriods?: number;
  /**
   * Days run artifacts (screenshots, HAR files, logs) are kept in the artifacts bucket.
   * @default - tier.logRetentionDays
   */
  readonly artifactRetentionDays?: number;
  /**
   * Key that encrypts the artifacts.
   * @default - a new customer-managed key with rotation, retained on delete
   */
  readonly artifactsKey?: kms.IKey;
  /**
   * Topic the success alarm notifies.
   * @default - a new topic encrypted with a new customer-managed key
   */
  readonly alarmTopic?: sns.ITopic;
  /**
   * Runbook to follow when the probe fails, linked from the success alarm's description.
   * @default - no link
   */
  readonly runbookUrl?: string;
  /**
   * Synthetics runtime.
   * @default synthetics.Runtime.SYNTHETICS_NODEJS_PUPPETEER_13_0 (the newest Node.js Puppeteer runtime in this aws-cdk-lib)
   */
  readonly runtime?: synthetics.Runtime;
}

/**
 * A CloudWatch Synthetics canary that probes the service's URL from this region on the tier's
 * schedule: an outside-in SLI that sees outages no request metric can (DNS, TLS, a dead
 * balancer: no requests arrive, so no request fails). Pass `metricSuccessPercent()` to
 * `SloAlarms` as `syntheticSuccessPercent`. Put one in each serving region.
 *
 * Artifacts go to a versioned, KMS-encrypted bucket that moves them to cheaper storage and
 * expires them after the retention, and that logs its access to a bucket of its own; the success
 * alarm notifies an encrypted topic. Runs are
 * traced with X-Ray. The canary's Lambda log group is created by the Synthetics service on the
 * first run under a name it chooses; it is not part of this stack.
 *
 * Construct ids (public API): `Resource` (the canary), `ArtifactsKey`, `Artifacts` (bucket),
 * `ArtifactsAccessLogs` (bucket), `SuccessAlarm`, `AlarmTopic`.
 */
export class SyntheticCanary extends Construct {
  /** The canary. */
  public readonly canary: synthetics.Canary;
  /** Bucket that keeps the run artifacts. */
  public readonly artifactsBucket: s3.IBucket;
  /** Alarm on the success percentage. */
  public readonly successAlarm: cloudwatch.IAlarm;
  /** Topic the alarm notifies. */
  public readonly alarmTopic: sns.ITopic;
  /** Minutes between runs. */
  public readonly intervalMinutes: number;

  constructor(scope: Construct, id: string, props: SyntheticCanaryProps) {
    super(scope, id);
    const { tier } = props;
    const service = serviceNameOf(this, props);
    const plan = planProbe(tier, {
      url: Token.isUnresolved(props.url) ? undefined : props.url,
      blueprint: props.blueprint,
      method: props.method,
      intervalMinutes: props.intervalMinutes,
      successPercentThreshold: props.successPercentThreshold,
      alarmPeriods: props.alarmPeriods,
      artifactRetentionDays: props.artifactRetentionDays,
    });
    throwProblems(plan.problems, this);
    emitWarnings(this, 'SyntheticCanary', plan.warnings);
    this.intervalMinutes = plan.intervalMinutes;
    const { artifacts, alarm: alarmPlan } = plan;

    const key =
      props.artifactsKey ??
      newCustomerManagedKey(this, 'ArtifactsKey', `Encrypts the synthetic probe artifacts of ${this.node.path}`);
    const bucket = newSecureBucket(this, 'Artifacts', {
      encryptionKey: key,
      infrequentAccessAfterDays: artifacts.infrequentAccessAfterDays,
      glacierAfterDays: artifacts.glacierAfterDays,
      expireAfterDays: artifacts.retentionDays,
      noncurrentVersionDays: artifacts.noncurrentVersionDays,
      serverAccessLogsBucket: newServerAccessLogsBucket(this, 'ArtifactsAccessLogs', artifacts.retentionDays),
      serverAccessLogsPrefix: 'artifacts/',
    });
    acknowledgeArtifactsBucket(bucket);
    this.artifactsBucket = bucket;

    this.canary = new synthetics.Canary(this, 'Resource', {
      runtime: props.runtime ?? synthetics.Runtime.SYNTHETICS_NODEJS_PUPPETEER_13_0,
      test: synthetics.Test.custom({
        handler: 'index.handler',
        code: synthetics.Code.fromInline(plan.script),
      }),
      environmentVariables: {
        PROBE_URL: props.url,
        PROBE_METHOD: plan.method,
        PROBE_TIMEOUT_MS: String(plan.requestTimeoutMs),
      },
      schedule: synthetics.Schedule.rate(Duration.minutes(plan.intervalMinutes)),
      timeout: Duration.seconds(plan.runSeconds),
      artifactsBucketLocation: { bucket, prefix: 'runs' },
      artifactS3EncryptionMode: synthetics.ArtifactsEncryptionMode.KMS,
      artifactS3KmsKey: key,
      activeTracing: true,
      startAfterCreation: true,
      provisionedResourceCleanup: true,
      successRetentionPeriod: Duration.days(artifacts.runRetentionDays),
      failureRetentionPeriod: Duration.days(artifacts.runRetentionDays),
    });
    acknowledgeFindings(this.canary.role, {
      id: 'NIST.800.53.R5-IAMNoInlinePolicy',
      reason:
        "synthetics.Canary makes a role for this canary alone; its inline policy names this canary's bucket, key and log groups and dies with it",
    });
    // Traces of each run show where a slow probe spent its time (DNS, TLS, the balancer, the targets).
    this.canary.role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['xray:PutTraceSegments'], resources: ['*'] }),
    );
    const role = this.canary.role;
    acknowledgeWildcard(
      role,
      '*',
      'the Synthetics runtime calls s3:ListAllMyBuckets, cloudwatch:PutMetricData (conditioned to the CloudWatchSynthetics namespace) and xray:PutTraceSegments, none of which supports resource-level permissions',
    );
    acknowledgeWildcard(
      role,
      bucket.arnForObjects('runs/*'),
      'the canary writes one object per run under its own prefix of its own bucket; the keys are made at run time',
    );
    acknowledgeWildcard(
      role,
      Stack.of(this).formatArn({
        service: 'logs',
        resource: 'log-group',
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        resourceName: '/aws/lambda/cwsyn-*',
      }),
      "the Synthetics service names the canary's log group cwsyn-<canary>-<random id> on the first run, so the name is not known at synthesis",
    );
    acknowledgeFindings(role, {
      id: 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
      reason:
        "aws-cdk-lib's grantEncryptDecrypt on the artifacts key alone: the canary encrypts each artifact with a data key of it",
    });
    acknowledgeFindings(role, {
      id: 'AwsSolutions-IAM5[Action::kms:ReEncrypt*]',
      reason: "aws-cdk-lib's grantEncryptDecrypt on the artifacts key alone (re-encryption stays within this key)",
    });

    this.alarmTopic = props.alarmTopic ?? newAlarmTopic(this, 'AlarmTopic', `${service} synthetic probe`);
    const alarm = new cloudwatch.Alarm(this, 'SuccessAlarm', {
      metric: this.metricSuccessPercent(),
      threshold: alarmPlan.threshold,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: alarmPlan.periods,
      datapointsToAlarm: alarmPlan.periods,
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      alarmDescription: `${service}: the synthetic probe of ${props.url} from ${Stack.of(this).region} failed in ${alarmPlan.periods} consecutive ${plan.intervalMinutes}-minute periods${props.runbookUrl ? `. Runbook: ${props.runbookUrl}` : ''}`,
    });
    notifyOn(alarm, this.alarmTopic);
    this.successAlarm = alarm;

    attachHaMetadata(this, props, { component: 'SyntheticCanary', failureDomain: FailureDomain.REGION });
  }

  /**
   * Percentage of successful runs, averaged over one run interval by default: a synthetic SLI
   * (`SloAlarms.syntheticSuccessPercent`) and a dashboard line.
   */
  public metricSuccessPercent(options: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return this.canary.metricSuccessPercent({
      period: Duration.minutes(this.intervalMinutes),
      statistic: cloudwatch.Stats.AVERAGE,
      ...options,
    });
  }

  /** Duration of a run (the probe's view of latency), p90 over one run interval by default. */
  public metricDuration(options: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return this.canary.metricDuration({
      period: Duration.minutes(this.intervalMinutes),
      statistic: cloudwatch.Stats.p(90),
      ...options,
    });
  }
}

function acknowledgeArtifactsBucket(bucket: s3.Bucket): void {
  acknowledgeFindings(bucket, {
    id: 'NIST.800.53.R5-S3BucketReplicationEnabled',
    reason:
      "run artifacts describe this region's probe; every serving region runs its own canary and keeps its own artifacts",
  });
}
