import { ArnFormat, Duration, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as synthetics from 'aws-cdk-lib/aws-synthetics';
import { Construct } from 'constructs';
import { FailureDomain } from '../core';
import { HaProps, serviceNameOf } from './ha-props';
import { attachHaMetadata } from './metadata';
import { newAlarmTopic, notifyOn } from './private/alarms';
import { newSecureBucket, newServerAccessLogsBucket } from './private/buckets';
import { newCustomerManagedKey } from './private/keys';
import { validationError } from './private/errors';
import { acknowledgeFindings, acknowledgeWildcard } from './private/nag';

/** What a {@link SyntheticCanary} does on each run. */
export class ProbeBlueprint {
  /**
   * Loads the URL in a headless browser, as a user's first page view would (DNS, TLS, the
   * balancer, the page), and fails on a status outside 2xx; keeps a screenshot of each run.
   */
  public static readonly HEARTBEAT = new ProbeBlueprint('HEARTBEAT');
  /** Sends one HTTPS request (`method`) and fails on a status outside 2xx: an API probe, no browser. */
  public static readonly API = new ProbeBlueprint('API');

  private constructor(public readonly name: string) {}
}

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
    if (!Token.isUnresolved(props.url) && !/^https:\/\/[^/\s]+/.test(props.url)) {
      throw validationError(
        `url must be an https:// URL (the probe must cross TLS as users do), got: ${props.url}`,
        this,
      );
    }
    this.intervalMinutes = props.intervalMinutes ?? tier.probeIntervalMinutes;
    if (!Number.isInteger(this.intervalMinutes) || this.intervalMinutes < 1 || this.intervalMinutes > 60) {
      throw validationError(`intervalMinutes must be an integer from 1 to 60, got: ${props.intervalMinutes}`, this);
    }
    const threshold = props.successPercentThreshold ?? 100;
    if (!(threshold > 0 && threshold <= 100)) {
      throw validationError(`successPercentThreshold must be above 0 and at most 100, got: ${threshold}`, this);
    }
    const alarmPeriods = props.alarmPeriods ?? 2;
    if (!Number.isInteger(alarmPeriods) || alarmPeriods < 1) {
      throw validationError(`alarmPeriods must be an integer of at least 1, got: ${alarmPeriods}`, this);
    }
    const retentionDays = props.artifactRetentionDays ?? tier.logRetentionDays;
    if (!Number.isInteger(retentionDays) || retentionDays < 1) {
      throw validationError(`artifactRetentionDays must be an integer of at least 1, got: ${retentionDays}`, this);
    }
    const blueprint = props.blueprint ?? ProbeBlueprint.HEARTBEAT;
    const method = (props.method ?? 'GET').toUpperCase();
    if (props.method !== undefined && blueprint !== ProbeBlueprint.API) {
      throw validationError(
        `method applies to the API blueprint only, got: ${props.method} with ${blueprint.name}`,
        this,
      );
    }
    if (!['GET', 'HEAD', 'OPTIONS'].includes(method)) {
      throw validationError(
        `method must be a read (GET, HEAD or OPTIONS): the probe repeats forever, got: ${props.method}`,
        this,
      );
    }

    const key =
      props.artifactsKey ??
      newCustomerManagedKey(this, 'ArtifactsKey', `Encrypts the synthetic probe artifacts of ${this.node.path}`);
    const bucket = newSecureBucket(this, 'Artifacts', {
      encryptionKey: key,
      ...storageClasses(retentionDays),
      expireAfterDays: retentionDays,
      noncurrentVersionDays: 1,
      serverAccessLogsBucket: newServerAccessLogsBucket(this, 'ArtifactsAccessLogs', retentionDays),
      serverAccessLogsPrefix: 'artifacts/',
    });
    acknowledgeArtifactsBucket(bucket);
    this.artifactsBucket = bucket;

    const runSeconds = Math.min(60, this.intervalMinutes * 60);
    this.canary = new synthetics.Canary(this, 'Resource', {
      runtime: props.runtime ?? synthetics.Runtime.SYNTHETICS_NODEJS_PUPPETEER_13_0,
      test: synthetics.Test.custom({
        handler: 'index.handler',
        code: synthetics.Code.fromInline(blueprint === ProbeBlueprint.API ? API_SCRIPT : HEARTBEAT_SCRIPT),
      }),
      environmentVariables: {
        PROBE_URL: props.url,
        PROBE_METHOD: method,
        PROBE_TIMEOUT_MS: String((runSeconds - 10) * 1000),
      },
      schedule: synthetics.Schedule.rate(Duration.minutes(this.intervalMinutes)),
      timeout: Duration.seconds(runSeconds),
      artifactsBucketLocation: { bucket, prefix: 'runs' },
      artifactS3EncryptionMode: synthetics.ArtifactsEncryptionMode.KMS,
      artifactS3KmsKey: key,
      activeTracing: true,
      startAfterCreation: true,
      provisionedResourceCleanup: true,
      successRetentionPeriod: Duration.days(Math.min(retentionDays, 455)),
      failureRetentionPeriod: Duration.days(Math.min(retentionDays, 455)),
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
      threshold,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: alarmPeriods,
      datapointsToAlarm: alarmPeriods,
      // A canary that stops reporting is a probe that cannot reach the service, or a broken probe: both need a look.
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      alarmDescription: `${service}: the synthetic probe of ${props.url} from ${Stack.of(this).region} failed in ${alarmPeriods} consecutive ${this.intervalMinutes}-minute periods${props.runbookUrl ? `. Runbook: ${props.runbookUrl}` : ''}`,
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

/**
 * Artifacts are read rarely and only while an incident or its review is fresh: Standard-IA after
 * 30 days (S3's minimum), Glacier after 90 when they are kept at least twice that long.
 */
function storageClasses(retentionDays: number): { infrequentAccessAfterDays?: number; glacierAfterDays?: number } {
  return {
    infrequentAccessAfterDays: retentionDays > 60 ? 30 : undefined,
    glacierAfterDays: retentionDays >= 180 ? 90 : undefined,
  };
}

function acknowledgeArtifactsBucket(bucket: s3.Bucket): void {
  acknowledgeFindings(bucket, {
    id: 'NIST.800.53.R5-S3BucketReplicationEnabled',
    reason:
      "run artifacts describe this region's probe; every serving region runs its own canary and keeps its own artifacts",
  });
}

/**
 * Heartbeat: one page load in the runtime's browser. The Synthetics library records the step,
 * its screenshot and HAR file, and the SuccessPercent metric; a thrown error fails the run.
 */
const HEARTBEAT_SCRIPT = `
const synthetics = require('Synthetics');

exports.handler = async () => {
  const url = process.env.PROBE_URL;
  const timeout = Number(process.env.PROBE_TIMEOUT_MS);
  synthetics.getConfiguration().setConfig({ includeRequestHeaders: false, includeResponseHeaders: false, includeRequestBody: false, includeResponseBody: false });
  const page = await synthetics.getPage();
  await synthetics.executeStep('heartbeat', async () => {
    const response = await page.goto(url, { waitUntil: 'domcontentloaded', timeout });
    if (!response) {
      throw new Error('no response from ' + url);
    }
    const status = response.status();
    if (status < 200 || status > 299) {
      throw new Error(url + ' answered ' + status + ' ' + response.statusText());
    }
  });
};
`;

/** API: one HTTPS request through the Synthetics HTTP step (request and response bodies not recorded). */
const API_SCRIPT = `
const synthetics = require('Synthetics');

exports.handler = async () => {
  const url = new URL(process.env.PROBE_URL);
  synthetics.getConfiguration().setConfig({ includeRequestHeaders: false, includeResponseHeaders: false, includeRequestBody: false, includeResponseBody: false });
  const request = {
    hostname: url.hostname,
    port: url.port || 443,
    protocol: 'https:',
    path: url.pathname + url.search,
    method: process.env.PROBE_METHOD,
    timeout: Number(process.env.PROBE_TIMEOUT_MS),
    headers: { 'User-Agent': synthetics.getCanaryUserAgentString() },
  };
  await synthetics.executeHttpStep('api', request, (response) => new Promise((resolve, reject) => {
    if (response.statusCode < 200 || response.statusCode > 299) {
      reject(new Error(request.method + ' ' + url.href + ' answered ' + response.statusCode));
      return;
    }
    response.on('end', resolve);
    response.on('error', reject);
    response.resume();
  }));
};
`;
