import { HaValidationError } from '../../core/errors';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { SyntheticsCanary } from '@cdktf/provider-aws/lib/synthetics-canary';
import { AssetType, TerraformAsset, Token } from 'cdktf';
import { Construct } from 'constructs';
import { FailureDomain } from '../../core';
import { HaProps, RegionalProps, serviceNameOf } from './ha-props';
import { newAlarmTopic } from './private/alarms';
import { sourceDirectory } from './private/assets';
import { AccountContext, newCustomerManagedKey } from './private/keys';
import { attachHaMetadata } from './private/metadata';

/** Longest time Synthetics keeps run records. */
const SYNTHETICS_MAX_RETENTION_DAYS = 455;

/** Props of {@link SyntheticCanary}. */
export interface SyntheticCanaryProps extends HaProps, RegionalProps {
  /** HTTPS URL to probe: the service's public name, so the probe crosses DNS and TLS as users do. */
  readonly url: string;
  /**
   * Minutes between runs.
   * @default - tier.probeIntervalMinutes
   */
  readonly intervalMinutes?: number;
  /**
   * Consecutive failed periods before the alarm fires: one failed run may be the network between
   * the probe and the service; two in a row are worth a look.
   * @default 2
   */
  readonly alarmPeriods?: number;
  /**
   * Days run artifacts are kept.
   * @default - tier.logRetentionDays
   */
  readonly artifactRetentionDays?: number;
  /**
   * ARN of the topic the success alarm notifies.
   * @default - a new encrypted topic
   */
  readonly alarmTopicArn?: string;
  /**
   * Synthetics runtime version.
   * @default 'syn-nodejs-puppeteer-13.0'
   */
  readonly runtimeVersion?: string;
}

/**
 * An outside-in probe of one region's endpoint (Terraform twin of the CDK `SyntheticCanary`, API
 * blueprint): a CloudWatch Synthetics canary sends one HTTPS GET every `intervalMinutes` and fails
 * on a status outside 2xx; its artifacts go to a private, versioned, TLS-only bucket under a
 * customer-managed key that expires them after the retention; an alarm on the success percentage
 * (missing data breaches: a probe that stops reporting needs a look) notifies a topic. Put one in
 * each serving region.
 *
 * Construct ids (public API): `Resource` (the canary), **`Artifacts`**, **`ArtifactsKey`**, `Role`,
 * `SuccessAlarm`, `AlarmTopic`.
 */
export class SyntheticCanary extends Construct {
  public readonly canary: SyntheticsCanary;
  public readonly successAlarm: CloudwatchMetricAlarm;
  public readonly intervalMinutes: number;

  constructor(scope: Construct, id: string, props: SyntheticCanaryProps) {
    super(scope, id);
    const { tier, provider } = props;
    if (!Token.isUnresolved(props.url) && !/^https:\/\/[^/\s]+/.test(props.url)) {
      throw new HaValidationError(
        `url must be an https:// URL (the probe must cross TLS as users do), got: ${props.url}`,
      );
    }
    this.intervalMinutes = props.intervalMinutes ?? tier.probeIntervalMinutes;
    if (!Number.isInteger(this.intervalMinutes) || this.intervalMinutes < 1 || this.intervalMinutes > 60) {
      const from = props.intervalMinutes === undefined ? ` (${tier.name}'s probeIntervalMinutes)` : '';
      throw new HaValidationError(
        `intervalMinutes must be an integer from 1 to 60, got: ${this.intervalMinutes}${from}`,
      );
    }
    const alarmPeriods = props.alarmPeriods ?? 2;
    if (!Number.isInteger(alarmPeriods) || alarmPeriods < 1) {
      throw new HaValidationError(`alarmPeriods must be an integer of at least 1, got: ${alarmPeriods}`);
    }
    const retentionDays = props.artifactRetentionDays ?? tier.logRetentionDays;
    if (!Number.isInteger(retentionDays) || retentionDays < 1) {
      throw new HaValidationError(`artifactRetentionDays must be an integer of at least 1, got: ${retentionDays}`);
    }

    const context = new AccountContext(this, 'Account', provider);
    // Canary names are at most 21 characters, lowercase letters, digits, '-' and '_'.
    const name = `ha-${this.node.addr.slice(0, 18)}`;
    const key = newCustomerManagedKey(this, 'ArtifactsKey', {
      description: `Encrypts the synthetic probe artifacts of ${this.node.path}`,
      context,
    });
    const bucket = new S3Bucket(this, 'Artifacts', {
      provider,
      bucketPrefix: 'canary-artifacts-',
      forceDestroy: false,
      lifecycle: { preventDestroy: true },
    });
    new S3BucketOwnershipControls(this, 'ArtifactsOwnership', {
      provider,
      bucket: bucket.id,
      rule: { objectOwnership: 'BucketOwnerEnforced' },
    });
    new S3BucketPublicAccessBlock(this, 'ArtifactsPublicAccess', {
      provider,
      bucket: bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    new S3BucketServerSideEncryptionConfigurationA(this, 'ArtifactsEncryption', {
      provider,
      bucket: bucket.id,
      rule: [
        {
          applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyId: key.arn },
          bucketKeyEnabled: true,
        },
      ],
    });
    new S3BucketVersioningA(this, 'ArtifactsVersioning', {
      provider,
      bucket: bucket.id,
      versioningConfiguration: { status: 'Enabled' },
    });
    new S3BucketLifecycleConfiguration(this, 'ArtifactsLifecycle', {
      provider,
      bucket: bucket.id,
      rule: [
        {
          id: 'expire-runs',
          status: 'Enabled',
          filter: [{ prefix: '' }],
          expiration: [{ days: retentionDays }],
          noncurrentVersionExpiration: [{ noncurrentDays: 1 }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: 7 }],
        },
      ],
    });
    new S3BucketPolicy(this, 'ArtifactsPolicy', {
      provider,
      bucket: bucket.id,
      policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'DenyWithoutTls',
            Effect: 'Deny',
            Principal: '*',
            Action: 's3:*',
            Resource: [bucket.arn, `${bucket.arn}/*`],
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          },
        ],
      }),
    });

    const role = new IamRole(this, 'Role', {
      provider,
      description: `Runs the synthetic probe ${this.node.path}`,
      assumeRolePolicy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Service: 'lambda.amazonaws.com' },
            Action: 'sts:AssumeRole',
            Condition: { StringEquals: { 'aws:SourceAccount': context.accountId } },
          },
        ],
      }),
    });
    new IamRolePolicy(this, 'RolePolicy', {
      provider,
      role: role.id,
      policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          // Run artifacts: one object per run under the canary's own prefix, keys made at run time.
          { Sid: 'WriteRunArtifacts', Effect: 'Allow', Action: 's3:PutObject', Resource: `${bucket.arn}/runs/*` },
          { Sid: 'ReadArtifactsBucketLocation', Effect: 'Allow', Action: 's3:GetBucketLocation', Resource: bucket.arn },
          {
            Sid: 'EncryptRunArtifacts',
            Effect: 'Allow',
            Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
            Resource: key.arn,
          },
          // Synthetics names the log group cwsyn-<canary>-<random id> on the first run.
          {
            Sid: 'WriteRunLogs',
            Effect: 'Allow',
            Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'],
            Resource: context.arn('logs', 'log-group:/aws/lambda/cwsyn-*'),
          },
          // None of these supports resource-level permissions; the metric namespace condition limits PutMetricData.
          {
            Sid: 'RuntimeCalls',
            Effect: 'Allow',
            Action: ['s3:ListAllMyBuckets', 'xray:PutTraceSegments'],
            Resource: '*',
          },
          {
            Sid: 'PublishMetrics',
            Effect: 'Allow',
            Action: 'cloudwatch:PutMetricData',
            Resource: '*',
            Condition: { StringEquals: { 'cloudwatch:namespace': 'CloudWatchSynthetics' } },
          },
        ],
      }),
    });

    const runSeconds = Math.min(60, this.intervalMinutes * 60);
    // The Node.js Synthetics runtime loads the handler from nodejs/node_modules.
    const code = new TerraformAsset(this, 'Code', {
      path: sourceDirectory('canary', { 'nodejs/node_modules/index.js': PROBE_SCRIPT }),
      type: AssetType.ARCHIVE,
    });
    this.canary = new SyntheticsCanary(this, 'Resource', {
      provider,
      name,
      runtimeVersion: props.runtimeVersion ?? 'syn-nodejs-puppeteer-13.0',
      handler: 'index.handler',
      zipFile: code.path,
      executionRoleArn: role.arn,
      artifactS3Location: `s3://${bucket.bucket}/runs`,
      artifactConfig: { s3Encryption: { encryptionMode: 'SSE_KMS', kmsKeyArn: key.arn } },
      schedule: { expression: `rate(${this.intervalMinutes} minute${this.intervalMinutes === 1 ? '' : 's'})` },
      runConfig: {
        timeoutInSeconds: runSeconds,
        activeTracing: true,
        environmentVariables: { PROBE_URL: props.url, PROBE_TIMEOUT_MS: String((runSeconds - 10) * 1000) },
      },
      startCanary: true,
      deleteLambda: true,
      successRetentionPeriod: Math.min(retentionDays, SYNTHETICS_MAX_RETENTION_DAYS),
      failureRetentionPeriod: Math.min(retentionDays, SYNTHETICS_MAX_RETENTION_DAYS),
    });

    const topicArn =
      props.alarmTopicArn ??
      newAlarmTopic(this, 'AlarmTopic', `${serviceNameOf(this, props)} synthetic probe`, context).arn;
    this.successAlarm = new CloudwatchMetricAlarm(this, 'SuccessAlarm', {
      provider,
      alarmName: `${name}-probe-success`,
      alarmDescription: `${serviceNameOf(this, props)}: the synthetic probe of ${props.url} failed in ${alarmPeriods} consecutive ${this.intervalMinutes}-minute periods`,
      namespace: 'CloudWatchSynthetics',
      metricName: 'SuccessPercent',
      dimensions: { CanaryName: this.canary.name },
      statistic: 'Average',
      period: this.intervalMinutes * 60,
      evaluationPeriods: alarmPeriods,
      datapointsToAlarm: alarmPeriods,
      comparisonOperator: 'LessThanThreshold',
      threshold: 100,
      // A canary that stops reporting is a probe that cannot reach the service, or a broken probe: both need a look.
      treatMissingData: 'breaching',
      alarmActions: [topicArn],
      okActions: [topicArn],
    });

    attachHaMetadata(this, props, { component: 'SyntheticCanary', failureDomain: FailureDomain.REGION });
  }
}

/**
 * One HTTPS request through the Synthetics HTTP step (request and response bodies not recorded);
 * a status outside 2xx fails the run.
 */
const PROBE_SCRIPT = `const synthetics = require('Synthetics');

exports.handler = async () => {
  const url = new URL(process.env.PROBE_URL);
  synthetics.getConfiguration().setConfig({ includeRequestHeaders: false, includeResponseHeaders: false, includeRequestBody: false, includeResponseBody: false });
  const request = {
    hostname: url.hostname,
    port: url.port || 443,
    protocol: 'https:',
    path: url.pathname + url.search,
    method: 'GET',
    timeout: Number(process.env.PROBE_TIMEOUT_MS),
    headers: { 'User-Agent': synthetics.getCanaryUserAgentString() },
  };
  await synthetics.executeHttpStep('probe', request, (response) => new Promise((resolve, reject) => {
    if (response.statusCode < 200 || response.statusCode > 299) {
      reject(new Error('GET ' + url.href + ' answered ' + response.statusCode));
      return;
    }
    response.on('end', resolve);
    response.on('error', reject);
    response.resume();
  }));
};
`;
