import { AcmCertificate } from '@cdktf/provider-aws/lib/acm-certificate';
import { AcmCertificateValidation } from '@cdktf/provider-aws/lib/acm-certificate-validation';
import { DataAwsElbServiceAccount } from '@cdktf/provider-aws/lib/data-aws-elb-service-account';
import { DataAwsSsmParameter } from '@cdktf/provider-aws/lib/data-aws-ssm-parameter';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Route53Record } from '@cdktf/provider-aws/lib/route53-record';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { App, TerraformOutput, TerraformStack, TerraformVariable } from 'cdktf';
import { Construct } from 'constructs';
import { FailureDomain, HaRole, ServiceTier } from '../../lib/core';
import { AuditTrail } from '../../lib/tf/aws/audit-trail';
import { SyntheticCanary } from '../../lib/tf/aws/canary';
import { GlobalDatabase } from '../../lib/tf/aws/database';
import { FailoverDns } from '../../lib/tf/aws/dns';
import { AzEvacuationDrill } from '../../lib/tf/aws/drill';
import { ResilientFleet } from '../../lib/tf/aws/fleet';
import { HaProps } from '../../lib/tf/aws/ha-props';
import { MultiAzNetwork } from '../../lib/tf/aws/network';
import { EncryptedSecret } from '../../lib/tf/aws/secret';
import { acknowledgeHaFinding, addHaChecks, attachHaMetadata } from '../../lib/tf/aws';
import { SloAlarms } from '../../lib/tf/aws/slo';
import { FailoverRunbooks, FailoverTrigger } from '../../lib/tf/aws/runbooks';
import { GlobalTable } from '../../lib/tf/aws/table';
import { configureStateBackend, StateBackendOptions, stateBackendFromContext } from '../../lib/tf/state-backend';
import { requireTerraformVersion } from '../../lib/tf/terraform-version';

const SERVICE = 'orders';
const PRIMARY = 'us-east-1';
const STANDBY = 'us-west-2';
const ZONES: Record<string, string[]> = {
  [PRIMARY]: ['us-east-1a', 'us-east-1b', 'us-east-1c'],
  [STANDBY]: ['us-west-2a', 'us-west-2b', 'us-west-2c'],
};
/** p99 response time, in seconds, above which an AZ's load balancer node counts as slow (the per-AZ Latency alarm). */
const ZONE_LATENCY_THRESHOLD_SECONDS = 0.5;
/** Amazon Linux 2023 for Graviton (the fleet's m7g/m6g types), from AWS's public SSM parameter at plan time (no AMI id to go stale). */
const AMI_PARAMETER = '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64';

/**
 * TIER_1 on AWS with Terraform: warm standby in us-east-1 (primary) and us-west-2 (standby).
 *
 * Each region has a three-AZ network and a fleet behind an HTTPS load balancer; the primary fleet
 * is statically stable, the standby runs one instance per AZ until failover scales it up. Aurora
 * PostgreSQL is a global database (one reader in the standby region), sessions live in a DynamoDB
 * global table, the API key in a secret replicated to the standby region. Route 53 fails the name
 * over to the standby load balancer when the primary's health check fails, and burn-rate alarms
 * watch the SLO. The primary fleet detects an AZ impaired on its own (per-AZ alarms on its load
 * balancer's per-AZ 5xx and p99 latency) and shifts its load balancer away from it (an SSM runbook
 * with guards, started by the AZ's Impaired alarm). A canary probes the service by its name, an
 * AZ-evacuation drill (stopped by the SLO page alarm) rehearses a gray failure of us-east-1a, which its
 * Impaired alarm must detect, then losing it, and a
 * multi-region trail with Object Lock records every change. Runbooks in the standby region promote the secondary and scale the standby fleet when the
 * on-call engineer starts them. The HA checks run at synthesis: an error finding fails `cdktf synth`.
 *
 * One stack: the global database, table and secret span both regions and Terraform must order
 * the secondary after the primary; the standby region's resources use the `standby` provider
 * alias. Inputs are Terraform variables (`domain`, `hosted_zone_id`, `db_master_password`), so
 * synthesis needs none. The state lives in the S3 bucket `stateBackend` names (by default the
 * context values `s3StateBucket` and `s3StateRegion`), locked by a lock file, else in a local file,
 * with a warning; Terraform 1.11 or later (write-only password, S3 lock file).
 */
export function addTfAwsTier1WarmStandby(
  app: App,
  stateBackend: StateBackendOptions = stateBackendFromContext(app, 's3'),
): TerraformStack {
  return new TfAwsTier1WarmStandbyStack(app, 'tf-aws-tier1-warm-standby', stateBackend);
}

/** The stack of {@link addTfAwsTier1WarmStandby}. */
export class TfAwsTier1WarmStandbyStack extends TerraformStack {
  public readonly primaryFleet: ResilientFleet;
  public readonly standbyFleet: ResilientFleet;
  public readonly database: GlobalDatabase;
  public readonly dns: FailoverDns;
  public readonly runbooks: FailoverRunbooks;

  constructor(scope: Construct, id: string, stateBackend: StateBackendOptions = {}) {
    super(scope, id);
    const tier = ServiceTier.TIER_1;
    const domain = new TerraformVariable(this, 'domain', {
      type: 'string',
      description: 'Name the service answers on (api.example.com), in the hosted zone',
    });
    const zoneId = new TerraformVariable(this, 'hosted_zone_id', {
      type: 'string',
      description: 'Route 53 hosted zone of the domain',
    });
    const dbPassword = new TerraformVariable(this, 'db_master_password', {
      type: 'string',
      sensitive: true,
      description: 'Aurora master password (sent write-only: never stored in the state)',
    });
    const primary = new AwsProvider(this, 'aws', { region: PRIMARY });
    const standby = new AwsProvider(this, 'standby', { region: STANDBY, alias: 'standby' });

    const primaryNetwork = new MultiAzNetwork(this, 'PrimaryNetwork', {
      tier,
      service: SERVICE,
      provider: primary,
      availabilityZones: ZONES[PRIMARY],
      interfaceEndpoints: ['ssm', 'ssmmessages', 'secretsmanager'],
    });
    const standbyNetwork = new MultiAzNetwork(this, 'StandbyNetwork', {
      tier,
      service: SERVICE,
      role: HaRole.STANDBY,
      provider: standby,
      availabilityZones: ZONES[STANDBY],
      cidrBlock: '10.1.0.0/16',
      interfaceEndpoints: ['ssm', 'ssmmessages', 'secretsmanager'],
    });

    // One validation record serves both certificates: ACM validates a name with the same CNAME in every region.
    const primaryCertificate = new AcmCertificate(this, 'PrimaryCertificate', {
      provider: primary,
      domainName: domain.stringValue,
      validationMethod: 'DNS',
    });
    const standbyCertificate = new AcmCertificate(this, 'StandbyCertificate', {
      provider: standby,
      domainName: domain.stringValue,
      validationMethod: 'DNS',
    });
    const validation = primaryCertificate.domainValidationOptions.get(0);
    const validationRecord = new Route53Record(this, 'CertificateValidation', {
      provider: primary,
      zoneId: zoneId.stringValue,
      name: validation.resourceRecordName,
      type: validation.resourceRecordType,
      records: [validation.resourceRecordValue],
      ttl: 300,
      allowOverwrite: true,
    });
    const primaryValidated = new AcmCertificateValidation(this, 'PrimaryCertificateValidated', {
      provider: primary,
      certificateArn: primaryCertificate.arn,
      validationRecordFqdns: [validationRecord.fqdn],
    });
    const standbyValidated = new AcmCertificateValidation(this, 'StandbyCertificateValidated', {
      provider: standby,
      certificateArn: standbyCertificate.arn,
      validationRecordFqdns: [validationRecord.fqdn],
    });

    const fleet = {
      tier,
      service: SERVICE,
      instanceTypes: ['m7g.large', 'm6g.large'],
      requiredCapacity: 6,
      maxCapacity: 18,
      latencyThresholdSeconds: ZONE_LATENCY_THRESHOLD_SECONDS,
    };
    const primaryLogs = new AccessLogBucket(this, 'PrimaryAccessLogs', primary, { tier, service: SERVICE });
    const standbyLogs = new AccessLogBucket(this, 'StandbyAccessLogs', standby, {
      tier,
      service: SERVICE,
      role: HaRole.STANDBY,
    });
    this.primaryFleet = new ResilientFleet(this, 'PrimaryFleet', {
      ...fleet,
      provider: primary,
      vpcId: primaryNetwork.vpcId,
      subnetIds: primaryNetwork.privateSubnetIds,
      loadBalancerSubnetIds: primaryNetwork.publicSubnetIds,
      imageId: new DataAwsSsmParameter(this, 'PrimaryImage', { provider: primary, name: AMI_PARAMETER }).value,
      certificateArn: primaryValidated.certificateArn,
      accessLogsBucket: primaryLogs.bucketName,
    });
    this.standbyFleet = new ResilientFleet(this, 'StandbyFleet', {
      ...fleet,
      role: HaRole.STANDBY,
      provider: standby,
      vpcId: standbyNetwork.vpcId,
      subnetIds: standbyNetwork.privateSubnetIds,
      loadBalancerSubnetIds: standbyNetwork.publicSubnetIds,
      imageId: new DataAwsSsmParameter(this, 'StandbyImage', { provider: standby, name: AMI_PARAMETER }).value,
      certificateArn: standbyValidated.certificateArn,
      accessLogsBucket: standbyLogs.bucketName,
    });

    // TIER_1's managed RPO (rds.global_db_rpo 60 s) bounds what a failover loses, and couples the regions: an
    // outage of the standby region, or of the path to it, longer than a minute stops the primary's commits until
    // the secondary catches up (GlobalDatabase). Chosen: losing at most a minute matters more here than writing
    // through a standby outage. The HA report counts it: availability unproven (no figure bounds the path).
    this.database = new GlobalDatabase(this, 'Database', {
      tier,
      service: SERVICE,
      provider: primary,
      secondaryProvider: standby,
      engineVersion: '16.6',
      primaryVpcId: primaryNetwork.vpcId,
      primarySubnetIds: primaryNetwork.isolatedSubnetIds,
      secondaryVpcId: standbyNetwork.vpcId,
      secondarySubnetIds: standbyNetwork.isolatedSubnetIds,
      masterPassword: dbPassword.stringValue,
    });
    this.database.allowPrimaryFrom('PrimaryFleetToDatabase', this.primaryFleet.instanceSecurityGroupId);
    this.database.allowSecondaryFrom('StandbyFleetToDatabase', this.standbyFleet.instanceSecurityGroupId);

    new GlobalTable(this, 'Sessions', {
      tier,
      service: SERVICE,
      provider: primary,
      replicaProviders: [standby],
      tableName: `${SERVICE}-sessions`,
      partitionKey: { name: 'pk', type: 'S' },
      sortKey: { name: 'sk', type: 'S' },
    });
    new EncryptedSecret(this, 'ApiKey', {
      tier,
      service: SERVICE,
      provider: primary,
      replicaProviders: [standby],
      description: `API key of ${SERVICE}`,
      // The service issues and checks the key itself: a new random value every 30 days is all a rotation needs.
      generatedValueLength: 48,
    });

    this.dns = new FailoverDns(this, 'Dns', {
      tier,
      service: SERVICE,
      provider: primary,
      hostedZoneId: zoneId.stringValue,
      recordName: domain.stringValue,
      endpoints: [
        {
          region: PRIMARY,
          dnsName: this.primaryFleet.loadBalancer.dnsName,
          zoneId: this.primaryFleet.loadBalancer.zoneId,
        },
        {
          region: STANDBY,
          dnsName: this.standbyFleet.loadBalancer.dnsName,
          zoneId: this.standbyFleet.loadBalancer.zoneId,
        },
      ],
    });
    const slo = new SloAlarms(this, 'Slo', {
      tier,
      service: SERVICE,
      provider: primary,
      loadBalancerArnSuffix: this.primaryFleet.loadBalancer.arnSuffix,
    });
    // Users reach the service by its name, so the probe does too: it crosses DNS failover, TLS and the balancer.
    new SyntheticCanary(this, 'Probe', {
      tier,
      service: SERVICE,
      provider: primary,
      url: `https://${domain.stringValue}/health/ready`,
      alarmTopicArn: slo.pageTopicArn,
    });
    // Rehearse losing us-east-1a (its public, private and isolated subnets): stopped by the SLO page alarm.
    new AzEvacuationDrill(this, 'AzDrill', {
      tier,
      service: SERVICE,
      provider: primary,
      availabilityZone: ZONES[PRIMARY][0],
      subnetIds: [
        primaryNetwork.publicSubnetIds[0],
        primaryNetwork.privateSubnetIds[0],
        primaryNetwork.isolatedSubnetIds[0],
      ],
      autoScalingGroupName: this.primaryFleet.autoScalingGroup.name,
      // Its launches in the zone fail too, so it replaces the stopped capacity elsewhere as a lost zone makes it.
      autoScalingGroupArn: this.primaryFleet.autoScalingGroup.arn,
      stopConditionAlarmArn: slo.pageAlarm.arn,
      databaseClusterArn: this.database.primary.arn,
      volumeKeyArn: this.primaryFleet.volumeKeyArn,
      // First a gray failure of us-east-1a (its load balancer subnet is the first): the drill fails unless
      // that AZ's Impaired alarm fires.
      zoneImpairedAlarm: this.primaryFleet.zoneImpairedAlarms[0],
      loadBalancerSubnetIds: [primaryNetwork.publicSubnetIds[0]],
      latencyThresholdSeconds: ZONE_LATENCY_THRESHOLD_SECONDS,
      alarmTopicArn: this.primaryFleet.alarmTopicArn,
    });

    // The example's own resources carry the HA record too, so the report sees the whole topology.
    attachHaMetadata(
      standbyCertificate,
      { tier, service: SERVICE, role: HaRole.STANDBY },
      { component: 'Certificate', failureDomain: FailureDomain.REGION },
    );
    attachHaMetadata(
      standbyValidated,
      { tier, service: SERVICE, role: HaRole.STANDBY },
      { component: 'Certificate', failureDomain: FailureDomain.REGION },
    );
    attachHaMetadata(
      validationRecord,
      { tier, service: SERVICE },
      { component: 'Certificate', failureDomain: FailureDomain.GLOBAL, role: HaRole.GLOBAL },
    );
    attachHaMetadata(
      this,
      { tier, service: SERVICE },
      { component: 'Certificate', failureDomain: FailureDomain.REGION },
    );

    // Who changed what, in every region, kept immutable for the tier's log retention.
    new AuditTrail(this, 'Audit', { tier, service: SERVICE, provider: primary });

    // The standby region holds the runbooks that make it serve: promote its cluster, grow its fleet. The
    // on-call engineer confirms the primary is lost (not a blip DNS failover rides out) and starts them
    // within the 5 minutes the rota commits to, counted in full in the region RTO.
    this.runbooks = new FailoverRunbooks(this, 'Runbooks', {
      tier,
      service: SERVICE,
      role: HaRole.STANDBY,
      provider: standby,
      failoverTrigger: FailoverTrigger.operator(5 * 60),
      globalClusterIdentifier: this.database.globalCluster.globalClusterIdentifier,
      secondaryClusterArn: this.database.secondary.arn,
      primaryClusterArn: this.database.primary.arn,
      standbyAutoScalingGroupName: this.standbyFleet.autoScalingGroup.name,
      primaryCapacity: this.standbyFleet.primaryCapacity,
    });
    // As in the CDK tier-1 example: the runbooks start every step, but how long the scale-up takes is not
    // published; nor is how long a zonal shift takes to move traffic off a gray AZ.
    acknowledgeHaFinding(
      this,
      'HA-RES2',
      'the standby grows from 3 to 9 instances on failover, and EC2 publishes ' +
        'no launch time: the region RTO is unproven until a region evacuation drill and the runbooks measure ' +
        'the scale-up; a gray failure of an AZ (its requests fail while its targets pass health checks) takes the ' +
        "per-AZ alarms' 2 of 3 one-minute periods (more than 60 s), then ARC's zonal shift (no published time), " +
        "then the load balancer's 60 s DNS TTL: at least TIER_1's whole 120 s, so it is met only if the shift took " +
        'no time; the fleet starts the shift itself, and no drill of this stack injects a gray failure yet; ' +
        "availability is unproven: rds.global_db_rpo (60 s) stops the primary's commits when the standby region, " +
        'or the path to it, is out for longer, and no figure bounds that path; kept to lose at most a minute',
    );
    addHaChecks(this);

    new TerraformOutput(this, 'primary_load_balancer', { value: this.primaryFleet.loadBalancer.dnsName });
    new TerraformOutput(this, 'standby_load_balancer', { value: this.standbyFleet.loadBalancer.dnsName });
    new TerraformOutput(this, 'dns_failover_seconds', { value: this.dns.failoverSeconds });
    configureStateBackend(this, stateBackend);
    requireTerraformVersion(this);
  }
}

/**
 * A bucket for a region's load-balancer access logs: Elastic Load Balancing may write to it (the
 * region's ELB account in regions older than August 2022, the log-delivery service in newer ones),
 * SSE-S3 (the only encryption ALB access logs support), versioned, private, TLS-only, logs expire
 * after the tier's log retention, `prevent_destroy`.
 */
class AccessLogBucket extends Construct {
  public readonly bucketName: string;

  constructor(scope: Construct, id: string, provider: AwsProvider, props: HaProps) {
    super(scope, id);
    const retentionDays = props.tier.logRetentionDays;
    const bucket = new S3Bucket(this, 'Bucket', {
      provider,
      bucketPrefix: 'alb-access-logs-',
      forceDestroy: false,
      lifecycle: { preventDestroy: true },
    });
    new S3BucketOwnershipControls(this, 'Ownership', {
      provider,
      bucket: bucket.id,
      rule: { objectOwnership: 'BucketOwnerEnforced' },
    });
    new S3BucketPublicAccessBlock(this, 'PublicAccess', {
      provider,
      bucket: bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    new S3BucketServerSideEncryptionConfigurationA(this, 'Encryption', {
      provider,
      bucket: bucket.id,
      rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' } }],
    });
    new S3BucketVersioningA(this, 'Versioning', {
      provider,
      bucket: bucket.id,
      versioningConfiguration: { status: 'Enabled' },
    });
    new S3BucketLifecycleConfiguration(this, 'Lifecycle', {
      provider,
      bucket: bucket.id,
      rule: [
        {
          id: 'expire-logs',
          status: 'Enabled',
          filter: [{ prefix: '' }],
          expiration: [{ days: retentionDays }],
          noncurrentVersionExpiration: [{ noncurrentDays: 30 }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: 7 }],
        },
      ],
    });
    const elb = new DataAwsElbServiceAccount(this, 'ElbAccount', { provider });
    new S3BucketPolicy(this, 'Policy', {
      provider,
      bucket: bucket.id,
      policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'ElbAccountWritesLogs',
            Effect: 'Allow',
            Principal: { AWS: elb.arn },
            Action: 's3:PutObject',
            Resource: `${bucket.arn}/*`,
          },
          {
            Sid: 'ElbLogDeliveryWritesLogs',
            Effect: 'Allow',
            Principal: { Service: 'logdelivery.elasticloadbalancing.amazonaws.com' },
            Action: 's3:PutObject',
            Resource: `${bucket.arn}/*`,
          },
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
    this.bucketName = bucket.bucket;
    attachHaMetadata(this, props, { component: 'AccessLogBucket', failureDomain: FailureDomain.REGION });
  }
}
