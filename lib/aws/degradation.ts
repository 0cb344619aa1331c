import { Aws, Stack } from 'aws-cdk-lib';
import * as appconfig from 'aws-cdk-lib/aws-appconfig';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { FailureDomain, fastestPageAlert } from '../core';
import { HaProps, serviceNameOf } from './ha-props';
import { attachHaMetadata } from './metadata';
import { validationError } from './private/errors';
import { newCustomerManagedKey } from './private/keys';

/** A feature the service can live without during a partial outage. */
export interface NonEssentialFeature {
  /** Flag key: a letter, then letters, digits, `_` or `-` (at most 64 characters). */
  readonly name: string;
  /** What turning it off gives up (shown to the operator who decides). */
  readonly description: string;
  /**
   * Whether the feature is on in normal operation.
   * @default true
   */
  readonly enabled?: boolean;
}

/** Props of {@link FeatureFlags}. */
export interface FeatureFlagsProps extends HaProps {
  /** The service's non-essential features, one flag each. */
  readonly features: NonEssentialFeature[];
  /**
   * The alarm that rolls a flag deployment back: the SLO page alarm, so a flag change that hurts
   * users is undone by AppConfig without anyone acting.
   */
  readonly rollbackAlarm: cloudwatch.IAlarm;
  /**
   * Name of the AppConfig environment.
   * @default 'production'
   */
  readonly environmentName?: string;
  /**
   * Key that encrypts the hosted flag configuration and its deployments.
   * @default - a new customer-managed key with rotation, retained on delete
   */
  readonly encryptionKey?: kms.IKey;
}

/** AppConfig's flag-key rule. */
const FLAG_KEY = /^[a-zA-Z][a-zA-Z0-9_-]{0,63}$/;
/** Share of targets each linear step of a flag deployment adds. */
const GROWTH_FACTOR_PERCENT = 20;
/**
 * The first deployment reaches every target at once and is complete at once: AppConfig watches
 * alarms only during the deployment time and the final bake time, and both are zero.
 * @see https://docs.aws.amazon.com/appconfig/2019-10-09/APIReference/API_CreateDeploymentStrategy.html
 */
const INITIAL_STRATEGY = { growthFactor: 100, deploymentDurationInMinutes: 0, finalBakeTimeInMinutes: 0 };

/**
 * Feature flags for graceful degradation: an AWS AppConfig application with one environment whose
 * rollback monitor is the SLO page alarm (through a role AppConfig assumes to read it), a
 * feature-flag configuration profile (`AWS.AppConfig.FeatureFlags`) holding the service's
 * non-essential features, its first hosted version deployed, and a linear deployment strategy.
 *
 * The strategy's bake time is the short window of the fastest page alert of the tier (core
 * `burnRateAlerts`), and the rollout takes two of them, so the page alarm can fire (and roll back)
 * before a bad flag change reaches every host.
 *
 * The first deployment is not watched by the rollback alarm. AppConfig rolls a deployment back
 * when a monitor is in ALARM or in INSUFFICIENT_DATA during its deployment or bake time, and when
 * the stack is first deployed the page alarm can be in either for reasons that have nothing to do
 * with the flags: its metrics have no data yet, or its canary probes a name that a later stack
 * publishes. Rolled back, the first deployment would leave clients with no flags at all. So the
 * first version goes out with `InitialStrategy` (every target at once, no deployment or bake
 * time), which leaves AppConfig no time in which to watch an alarm; every later change, deployed
 * with `deploymentStrategyId`, is watched, and rolls back on an ALARM or INSUFFICIENT_DATA page
 * alarm.
 * @see https://docs.aws.amazon.com/appconfig/latest/userguide/monitoring-deployments.html
 *
 * `degradedContent` is the same configuration with every flag off: `FailoverRunbooks` deploys it
 * when the service must shed non-essential work during a partial outage.
 *
 * Construct ids (public API): `Application`, `Environment`, `MonitorRole`, `MonitorPolicy`, `Key`,
 * `Profile`, `Version`, `Strategy`, `InitialStrategy`, `Deployment`.
 */
export class FeatureFlags extends Construct {
  /** Id of the AppConfig application. */
  public readonly applicationId: string;
  /** Id of the environment clients read flags from. */
  public readonly environmentId: string;
  /** Id of the feature-flag configuration profile. */
  public readonly configurationProfileId: string;
  /** Id of the linear deployment strategy used for ordinary flag changes. */
  public readonly deploymentStrategyId: string;
  /** The flags as deployed for normal operation (AppConfig feature-flag JSON). */
  public readonly content: string;
  /** The flags with every non-essential feature off (what a degradation runbook deploys). */
  public readonly degradedContent: string;
  /** The key that encrypts the configuration. */
  public readonly encryptionKey: kms.IKey;
  /** The role AppConfig assumes to read the rollback alarm. */
  public readonly monitorRole: iam.IRole;
  /** ARN of the rollback alarm. */
  public readonly rollbackAlarmArn: string;
  /** Flag keys, in the order given. */
  public readonly flagNames: string[];

  constructor(scope: Construct, id: string, props: FeatureFlagsProps) {
    super(scope, id);
    const service = serviceNameOf(this, props);
    if (props.features.length === 0) {
      throw validationError('features must list at least one non-essential feature, got: none', this);
    }
    for (const feature of props.features) {
      if (!FLAG_KEY.test(feature.name)) {
        throw validationError(
          `features[].name must start with a letter and hold only letters, digits, _ or - (at most 64 characters), got: ${JSON.stringify(feature.name)}`,
          this,
        );
      }
    }
    const names = props.features.map((f) => f.name);
    const repeated = names.filter((name, i) => names.indexOf(name) !== i);
    if (repeated.length > 0) {
      throw validationError(
        `features must have unique names, got: ${[...new Set(repeated)].join(', ')} more than once`,
        this,
      );
    }
    this.flagNames = names;
    this.content = flagDocument(props.features, (f) => f.enabled ?? true);
    this.degradedContent = flagDocument(props.features, () => false);

    const application = new appconfig.CfnApplication(this, 'Application', {
      name: service,
      description: `Feature flags of ${service}: its non-essential features, switched off to degrade gracefully`,
    });
    this.applicationId = application.ref;

    this.rollbackAlarmArn = props.rollbackAlarm.alarmArn;
    const monitorRole = new iam.Role(this, 'MonitorRole', {
      description: `Lets AppConfig read the rollback alarm of ${service}'s feature flags`,
      // Only AppConfig acting for this account may assume it (confused-deputy guard).
      assumedBy: new iam.ServicePrincipal('appconfig.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
    });
    new iam.ManagedPolicy(this, 'MonitorPolicy', {
      description: `Lets AppConfig read the rollback alarm of ${service}'s feature flags`,
      roles: [monitorRole],
      statements: [
        new iam.PolicyStatement({
          sid: 'ReadRollbackAlarm',
          actions: ['cloudwatch:DescribeAlarms'],
          resources: [this.rollbackAlarmArn],
        }),
      ],
    });
    this.monitorRole = monitorRole;

    const environment = new appconfig.CfnEnvironment(this, 'Environment', {
      applicationId: this.applicationId,
      name: props.environmentName ?? 'production',
      description: 'Deployments here roll back when the SLO page alarm fires',
      monitors: [{ alarmArn: this.rollbackAlarmArn, alarmRoleArn: monitorRole.roleArn }],
    });
    this.environmentId = environment.ref;

    this.encryptionKey =
      props.encryptionKey ?? newCustomerManagedKey(this, 'Key', `Encrypts the feature flags of ${service}`);
    const profile = new appconfig.CfnConfigurationProfile(this, 'Profile', {
      applicationId: this.applicationId,
      name: 'non-essential-features',
      description: 'Features the service can switch off during a partial outage',
      locationUri: 'hosted',
      type: 'AWS.AppConfig.FeatureFlags',
      kmsKeyIdentifier: this.encryptionKey.keyArn,
    });
    this.configurationProfileId = profile.ref;
    const version = new appconfig.CfnHostedConfigurationVersion(this, 'Version', {
      applicationId: this.applicationId,
      configurationProfileId: this.configurationProfileId,
      content: this.content,
      contentType: 'application/json',
      description: 'Normal operation: every non-essential feature as configured',
    });

    const bakeMinutes = Math.ceil(fastestPageAlert(props.tier.availabilityTarget).shortWindowSeconds / 60);
    const strategy = new appconfig.CfnDeploymentStrategy(this, 'Strategy', {
      name: `${service}-flags-linear`,
      description: `Linear ${GROWTH_FACTOR_PERCENT}% steps over ${2 * bakeMinutes} min, then ${bakeMinutes} min of bake time watched by the page alarm`,
      growthType: 'LINEAR',
      growthFactor: GROWTH_FACTOR_PERCENT,
      deploymentDurationInMinutes: 2 * bakeMinutes,
      finalBakeTimeInMinutes: bakeMinutes,
      replicateTo: 'NONE',
    });
    this.deploymentStrategyId = strategy.ref;
    const initialStrategy = new appconfig.CfnDeploymentStrategy(this, 'InitialStrategy', {
      name: `${service}-flags-initial`,
      description: 'First deployment only: all targets at once, no deployment or bake time in which alarms are watched',
      growthType: 'LINEAR',
      ...INITIAL_STRATEGY,
      replicateTo: 'NONE',
    });
    new appconfig.CfnDeployment(this, 'Deployment', {
      applicationId: this.applicationId,
      environmentId: this.environmentId,
      configurationProfileId: this.configurationProfileId,
      configurationVersion: version.ref,
      deploymentStrategyId: initialStrategy.ref,
      kmsKeyIdentifier: this.encryptionKey.keyArn,
      description: 'First deployment of the feature flags, with no time in which the rollback alarm is watched',
    });

    attachHaMetadata(this, props, { component: 'FeatureFlags', failureDomain: FailureDomain.REGION });
  }

  /** Lets a client (or the AppConfig agent) read the flags of this environment. */
  public grantRead(grantee: iam.IGrantable): iam.Grant {
    const stack = Stack.of(this);
    const grant = iam.Grant.addToPrincipal({
      grantee,
      actions: ['appconfig:StartConfigurationSession', 'appconfig:GetLatestConfiguration'],
      resourceArns: [
        stack.formatArn({
          service: 'appconfig',
          resource: 'application',
          resourceName: `${this.applicationId}/environment/${this.environmentId}/configuration/${this.configurationProfileId}`,
        }),
      ],
    });
    this.encryptionKey.grantDecrypt(grantee);
    return grant;
  }

  /** ARN of the environment (what deployments and monitors are scoped to). */
  public get environmentArn(): string {
    return Stack.of(this).formatArn({
      service: 'appconfig',
      resource: 'application',
      resourceName: `${this.applicationId}/environment/${this.environmentId}`,
    });
  }

  /** ARN of the feature-flag configuration profile. */
  public get configurationProfileArn(): string {
    return Stack.of(this).formatArn({
      service: 'appconfig',
      resource: 'application',
      resourceName: `${this.applicationId}/configurationprofile/${this.configurationProfileId}`,
    });
  }
}

/** AppConfig feature-flag JSON (`AWS.AppConfig.FeatureFlags`, version 1). */
function flagDocument(features: NonEssentialFeature[], enabled: (feature: NonEssentialFeature) => boolean): string {
  return JSON.stringify({
    version: '1',
    flags: Object.fromEntries(features.map((f) => [f.name, { name: f.name, description: f.description }])),
    values: Object.fromEntries(features.map((f) => [f.name, { enabled: enabled(f) }])),
  });
}
