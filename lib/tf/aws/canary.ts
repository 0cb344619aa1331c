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
import { ABORT_INCOMPLETE_UPLOADS_AFTER_DAYS, FailureDomain } from '../../core';
import { planProbe, ProbeBlueprint } from '../../core/plans/probe';

export { ProbeBlueprint };
import { emitWarnings, throwProblems } from '../diagnostics';
import { HaProps, RegionalProps, serviceNameOf } from './ha-props';
import { newAlarmTopic } from './private/alarms';
import { sourceDirectory } from './private/assets';
import { AccountContext, newCustomerManagedKey } from './private/keys';
import { attachHaMetadata } from './private/metadata';

/** Props of {@link SyntheticCanary}. */
export interface SyntheticCanaryProps extends HaProps, RegionalProps {
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
   * Success percentage below which the alarm counts a period as failed.
   * @default 100 (every run of the period passed)
   */
  readonly successPercentThreshold?: number;
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
 * An outside-in probe of one region's endpoint (Terraform twin of the CDK `SyntheticCanary`, from
 * the same plan): a CloudWatch Synthetics canary loads the page (or, with the API blueprint, sends
 * one HTTPS request) every `intervalMinutes` and fails on a status outside 2xx; its artifacts go to a private, versioned, TLS-only bucket under a
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
    const { artifacts, alarm } = plan;

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
          expiration: [{ days: artifacts.retentionDays }],
          noncurrentVersionExpiration: [{ noncurrentDays: artifacts.noncurrentVersionDays }],
          transition: [
            ...(artifacts.infrequentAccessAfterDays !== undefined
              ? [{ days: artifacts.infrequentAccessAfterDays, storageClass: 'STANDARD_IA' }]
              : []),
            ...(artifacts.glacierAfterDays !== undefined
              ? [{ days: artifacts.glacierAfterDays, storageClass: 'GLACIER' }]
              : []),
          ],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: ABORT_INCOMPLETE_UPLOADS_AFTER_DAYS }],
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

    // The Node.js Synthetics runtime loads the handler from nodejs/node_modules.
    const code = new TerraformAsset(this, 'Code', {
      path: sourceDirectory('canary', { 'nodejs/node_modules/index.js': plan.script }),
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
      schedule: { expression: `rate(${plan.intervalMinutes} minute${plan.intervalMinutes === 1 ? '' : 's'})` },
      runConfig: {
        timeoutInSeconds: plan.runSeconds,
        activeTracing: true,
        environmentVariables: {
          PROBE_URL: props.url,
          PROBE_METHOD: plan.method,
          PROBE_TIMEOUT_MS: String(plan.requestTimeoutMs),
        },
      },
      startCanary: true,
      deleteLambda: true,
      successRetentionPeriod: artifacts.runRetentionDays,
      failureRetentionPeriod: artifacts.runRetentionDays,
    });

    const topicArn =
      props.alarmTopicArn ??
      newAlarmTopic(this, 'AlarmTopic', `${serviceNameOf(this, props)} synthetic probe`, context).arn;
    this.successAlarm = new CloudwatchMetricAlarm(this, 'SuccessAlarm', {
      provider,
      alarmName: `${name}-probe-success`,
      alarmDescription: `${serviceNameOf(this, props)}: the synthetic probe of ${props.url} failed in ${alarm.periods} consecutive ${plan.intervalMinutes}-minute periods`,
      namespace: alarm.namespace,
      metricName: alarm.metricName,
      dimensions: { CanaryName: this.canary.name },
      statistic: alarm.statistic,
      period: alarm.periodSeconds,
      evaluationPeriods: alarm.periods,
      datapointsToAlarm: alarm.periods,
      comparisonOperator: alarm.comparison,
      threshold: alarm.threshold,
      treatMissingData: alarm.treatMissingData,
      alarmActions: [topicArn],
      okActions: [topicArn],
    });

    attachHaMetadata(this, props, { component: 'SyntheticCanary', failureDomain: FailureDomain.REGION });
  }
}
