import { App, ArnFormat, Aws, Duration, Stack, StackProps, Validations } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import {
  acknowledgeHaFinding, AzEvacuationDrill, READINESS_PATH, regionalLabel, BackupCopyVault, BackupPolicy, FailoverDns, FailoverRunbooks, FailoverTrigger, GlobalDatabase, GlobalDatabaseSecondary,
  globalDatabaseMemberIdentifier,
  HaRole, MultiAzNetwork, ReplicaBucket, ReplicatedBucket, ResilienceHubApp, ResilientFleet, SecretReplicaKey, ServiceTier, SloAlarms,
  SyntheticCanary,
} from '../../lib';
import { ExampleDomain } from '../tier0-active-active';

const TIER = ServiceTier.TIER_2;
const SERVICE = 'catalog';
const PRIMARY = 'us-east-1';
const STANDBY = 'us-west-2';
/** TIER_2 asks for two AZs per region. */
const ZONES: Record<string, string[]> = {
  [PRIMARY]: ['us-east-1a', 'us-east-1b'],
  [STANDBY]: ['us-west-2a', 'us-west-2b'],
};
const GLOBAL_CLUSTER = 'catalog';
const COPY_VAULT = 'catalog-dr';
const RECORD_NAME = 'catalog';
const DATABASE_USER = 'catalog_app';
/** Deterministic names: the primary replicates into the standby's bucket by name. */
// Bucket names are global: the account keeps them unique across the accounts that deploy this.
const imagesBucket = (region: string) => `catalog-images-${Aws.ACCOUNT_ID}-${region}`;
/** Each region's bucket of application revisions, which that region's instances deploy from. */
const revisionBucketName = (region: string) => `catalog-revisions-${Aws.ACCOUNT_ID}-${region}`;

/**
 * What both regions' fleets share: the standby's fleet has the same shape and runs no instance until
 * the runbook scales it. Each deploys its code from its own region's revision bucket.
 */
function fleetProps(scope: Construct, vpc: ec2.IVpc, zone: route53.IHostedZone, domain: ExampleDomain, revisionBucket: s3.IBucket) {
  return {
    tier: TIER,
    service: SERVICE,
    vpc,
    revisionBucket,
    machineImage: ec2.MachineImage.latestAmazonLinux2023({ cpuType: ec2.AmazonLinuxCpuType.ARM_64 }),
    // Graviton types that encrypt traffic between instances in transit (Control Tower CT.AUTOSCALING.PR.11).
    instanceTypes: [new ec2.InstanceType('c7g.large'), new ec2.InstanceType('c7gd.large')],
    requiredCapacity: 4,
    maxCapacity: 12,
    // Regional, validated (and renewed) through the hosted zone.
    certificate: new acm.Certificate(scope, 'Certificate', {
      domainName: `${RECORD_NAME}.${domain.zoneName}`,
      // The region's own name (FailoverDns's regional record), which this region's canary probes.
      subjectAlternativeNames: [`${regionalLabel(RECORD_NAME, Stack.of(scope).region)}.${domain.zoneName}`],
      validation: acm.CertificateValidation.fromDns(zone),
    }),
  };
}

/**
 * us-west-2, deployed first: where the primary's copies land (the key of the credentials'
 * replica, the images bucket's replica, the vault of the backup copies).
 */
export class Tier2StandbyReplicasStack extends Stack {
  /** The images bucket's copy in us-west-2, which the standby fleet serves from after a failover. */
  public readonly images: ReplicaBucket;
  /** us-west-2's copy of the application revisions, which its fleet deploys from. */
  public readonly revisions: ReplicaBucket;

  constructor(scope: Construct, id: string, props: StackProps = {}) {
    super(scope, id, { ...props, env: { region: STANDBY } });
    new SecretReplicaKey(this, 'SecretKey', { tier: TIER, service: SERVICE, role: HaRole.STANDBY });
    this.images = new ReplicaBucket(this, 'Images', { tier: TIER, service: SERVICE, role: HaRole.REPLICA, bucketName: imagesBucket(STANDBY) });
    this.revisions = new ReplicaBucket(this, 'Revisions', { tier: TIER, service: SERVICE, role: HaRole.REPLICA, bucketName: revisionBucketName(STANDBY) });
    new BackupCopyVault(this, 'Backups', { tier: TIER, service: SERVICE, role: HaRole.STANDBY, backupVaultName: COPY_VAULT });
  }
}

/** Props of the TIER_2 serving stacks. */
export interface Tier2StackProps extends StackProps {
  /** The service's public name. */
  readonly domain: ExampleDomain;
}

/**
 * us-east-1, the primary at full capacity: two AZs, the Aurora global database's writer, the
 * images bucket replicated to us-west-2, SLO alarms fed by the load balancer and a canary, an AZ
 * evacuation drill and backups copied to us-west-2.
 */
export class Tier2PrimaryStack extends Stack {
  public readonly network: MultiAzNetwork;
  public readonly fleet: ResilientFleet;
  public readonly database: GlobalDatabase;
  public readonly images: ReplicatedBucket;
  public readonly slo: SloAlarms;
  public readonly backups: BackupPolicy;

  constructor(scope: Construct, id: string, props: Tier2StackProps) {
    super(scope, id, { ...props, env: { region: PRIMARY } });
    const zone = route53.HostedZone.fromHostedZoneAttributes(this, 'Zone', props.domain);
    this.network = new MultiAzNetwork(this, 'Network', { tier: TIER, service: SERVICE, availabilityZones: ZONES[PRIMARY] });
    // Revisions are published here and replicated to us-west-2's bucket, so the standby's new instances fetch
    // their code with us-east-1 down (while it is, publish to us-west-2's directly). The pipeline keeps every
    // revision: one lost in the copy is published again, and AWS Backup does not back the bucket up.
    const revisions = new ReplicatedBucket(this, 'Revisions', {
      tier: TIER, service: SERVICE, bucketName: revisionBucketName(PRIMARY), replicaRegion: STANDBY,
      replicaBucketName: revisionBucketName(STANDBY), backupTag: false,
    });
    this.fleet = new ResilientFleet(this, 'Fleet', fleetProps(this, this.network.vpc, zone, props.domain, revisions.bucket));
    this.database = new GlobalDatabase(this, 'Database', {
      tier: TIER, service: SERVICE, vpc: this.network.vpc, globalClusterIdentifier: GLOBAL_CLUSTER, secondaryRegions: [STANDBY],
      databaseName: 'catalog',
    });
    this.database.connections.allowDefaultPortFrom(this.fleet);
    this.database.grantConnect(this.fleet.role, DATABASE_USER);
    this.images = new ReplicatedBucket(this, 'Images', {
      tier: TIER, service: SERVICE, bucketName: imagesBucket(PRIMARY), replicaRegion: STANDBY, replicaBucketName: imagesBucket(STANDBY),
    });
    this.images.grantReadWrite(this.fleet.role);
    acknowledgeImageGrant(this.fleet.role, this.images.bucket);

    // This region's canary probes this region by its own name; the pilot light runs no instance to probe.
    const canary = new SyntheticCanary(this, 'Canary', {
      tier: TIER, service: SERVICE, url: `https://${regionalLabel(RECORD_NAME, PRIMARY)}.${props.domain.zoneName}${READINESS_PATH}`,
    });
    this.slo = new SloAlarms(this, 'Slo', {
      tier: TIER, service: SERVICE, loadBalancer: this.fleet.loadBalancer, syntheticSuccessPercent: canary.metricSuccessPercent(),
    });
    new AzEvacuationDrill(this, 'AzDrill', {
      tier: TIER, service: SERVICE, stopConditionAlarm: this.slo.pageAlarm, ebsKey: this.fleet.volumeKey, autoScalingGroup: this.fleet.autoScalingGroup,
      vpc: this.network.vpc, availabilityZone: ZONES[PRIMARY][0], databaseCluster: this.database.primary.cluster,
    });
    this.backups = new BackupPolicy(this, 'Backups', {
      tier: TIER, service: SERVICE, copyToVaultArn: BackupCopyVault.vaultArn(this, STANDBY, COPY_VAULT),
    });
  }
}

/**
 * us-west-2, the pilot light: the network, a headless Aurora global secondary (storage only, no
 * instance to pay for), and a fleet at zero instances. On a region loss the runbooks promote the
 * secondary, add its writer and scale the fleet to the primary's capacity.
 */
export class Tier2StandbyStack extends Stack {
  public readonly network: MultiAzNetwork;
  public readonly fleet: ResilientFleet;
  public readonly database: GlobalDatabaseSecondary;
  public readonly runbooks: FailoverRunbooks;

  constructor(scope: Construct, id: string, props: Tier2StandbyStackProps) {
    super(scope, id, { ...props, env: { region: STANDBY } });
    const zone = route53.HostedZone.fromHostedZoneAttributes(this, 'Zone', props.domain);
    this.network = new MultiAzNetwork(this, 'Network', {
      tier: TIER, service: SERVICE, role: HaRole.STANDBY, availabilityZones: ZONES[STANDBY], ipAddresses: ec2.IpAddresses.cidr('10.1.0.0/16'),
    });
    const revisions = s3.Bucket.fromBucketAttributes(this, 'Revisions', {
      bucketName: revisionBucketName(STANDBY), encryptionKey: props.replicas.revisions.encryptionKey,
    });
    this.fleet = new ResilientFleet(this, 'Fleet', {
      ...fleetProps(this, this.network.vpc, zone, props.domain, revisions), role: HaRole.STANDBY,
    });
    this.database = new GlobalDatabaseSecondary(this, 'Database', {
      tier: TIER, service: SERVICE, role: HaRole.STANDBY, vpc: this.network.vpc, globalClusterIdentifier: GLOBAL_CLUSTER, primaryRegion: PRIMARY,
    });
    this.database.connections.allowDefaultPortFrom(this.fleet);
    this.database.grantConnect(this.fleet.role, DATABASE_USER);
    // After a failover this fleet serves the images from us-west-2's copy, as the primary's does from its own
    // (named, not referenced: the bucket's name is fixed, and a reference would name another stack's output).
    const images = s3.Bucket.fromBucketAttributes(this, 'Images', {
      bucketName: imagesBucket(STANDBY), encryptionKey: props.replicas.images.encryptionKey,
    });
    images.grantReadWrite(this.fleet.role);
    acknowledgeImageGrant(this.fleet.role, images);
    this.runbooks = new FailoverRunbooks(this, 'Runbooks', {
      tier: TIER, service: SERVICE, role: HaRole.STANDBY,
      // A person decides to fail over a pilot light (it starts from nothing): within 15 minutes of the page.
      failoverTrigger: FailoverTrigger.operator(Duration.minutes(15)),
      globalClusterIdentifier: GLOBAL_CLUSTER, secondaryClusterArn: this.database.clusterArn,
      secondaryClusterIdentifier: this.database.clusterIdentifier,
      // The failover is authorised against the primary cluster too: GlobalDatabase names it by region.
      primaryClusterArn: this.formatArn({
        service: 'rds', region: PRIMARY, resource: 'cluster', resourceName: globalDatabaseMemberIdentifier(GLOBAL_CLUSTER, PRIMARY),
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      }),
      // The secondary is headless: the promotion adds a writer of the secondary's instance class first, in
      // its subnet group, with its engine version's default parameter and option groups.
      headlessSecondaryWriterClass: this.database.readerCount === 0 ? 'db.r6g.large' : undefined,
      headlessSecondarySubnetGroupName: this.database.cluster.dbSubnetGroupName,
      headlessSecondaryEngineVersion: this.database.cluster.engineVersion,
      standbyAutoScalingGroupName: this.fleet.autoScalingGroup.autoScalingGroupName,
      primaryCapacity: this.fleet.primaryCapacity,
    });
    // The page for a us-east-1 outage must come from a region that survives it: Tier2-Dns's health-check alarms
    // live in us-east-1. This canary probes the primary by its regional name from here, pages through a topic
    // of its own, and links the promotion runbook (Mode Failover in an outage) the on-call engineer then starts.
    new SyntheticCanary(this, 'PrimaryCanary', {
      tier: TIER, service: SERVICE, url: `https://${regionalLabel(RECORD_NAME, PRIMARY)}.${props.domain.zoneName}${READINESS_PATH}`,
      runbookUrl: `https://${STANDBY}.console.aws.amazon.com/systems-manager/documents/`
        + `${this.runbooks.promoteDatabase!.documentName}/description`,
    });
  }
}

/** Props of {@link Tier2DnsStack}. */
export interface Tier2DnsStackProps extends Tier2StackProps {
  readonly primary: Tier2PrimaryStack;
  readonly standby: Tier2StandbyStack;
}

/**
 * The failover-routed name, in us-east-1 (where Route 53 publishes health-check metrics): PRIMARY
 * to us-east-1, SECONDARY to the us-west-2 balancer, which answers once the runbook has scaled
 * the fleet up.
 */
export class Tier2DnsStack extends Stack {
  public readonly dns: FailoverDns;

  constructor(scope: Construct, id: string, props: Tier2DnsStackProps) {
    // Cross-region references bring the standby's load balancer from us-west-2.
    super(scope, id, { ...props, env: { region: PRIMARY }, crossRegionReferences: true });
    const zone = route53.HostedZone.fromHostedZoneAttributes(this, 'Zone', props.domain);
    this.dns = new FailoverDns(this, 'Dns', {
      tier: TIER, service: SERVICE, hostedZone: zone, recordName: RECORD_NAME,
      endpoints: [
        { region: PRIMARY, loadBalancer: props.primary.fleet.loadBalancer, role: 'primary' },
        { region: STANDBY, loadBalancer: props.standby.fleet.loadBalancer, role: 'secondary' },
      ],
    });
  }
}

/** The stacks of the TIER_2 example, in deployment order. */
/** Props of {@link Tier2StandbyStack}. */
export interface Tier2StandbyStackProps extends Tier2StackProps {
  /** The stack of us-west-2's copies: the standby fleet is granted the images bucket's copy. */
  readonly replicas: Tier2StandbyReplicasStack;
}

/**
 * Acknowledges the wildcards of `grantReadWrite` on an images bucket: object keys chosen at run
 * time, deletes that versioning keeps, and S3 encrypting each object with a data key.
 */
function acknowledgeImageGrant(role: iam.IRole, bucket: s3.IBucket): void {
  const reason = 'the catalog instances read and write product images under keys chosen at run time; versioning keeps what they delete, and S3 encrypts each object with a data key of the bucket\'s key';
  for (const finding of ['Action::s3:Abort*', 'Action::s3:DeleteObject*', `Resource::${nagName(Stack.of(role).resolve(bucket.arnForObjects('*')))}`, 'Action::kms:GenerateDataKey*', 'Action::kms:ReEncrypt*']) {
    Validations.of(role).acknowledge({ id: `AwsSolutions-IAM5[${finding}]`, reason });
  }
}

/** A policy resource as cdk-nag names it in a finding: `<X.Arn>` for a reference, joins joined. */
function nagName(value: unknown): string {
  if (typeof value === 'string') {
    return value;
  }
  const token = value as { Ref?: string; 'Fn::GetAtt'?: string[]; 'Fn::Join'?: [string, unknown[]] };
  if (token.Ref) {
    return `<${token.Ref}>`;
  }
  if (token['Fn::GetAtt']) {
    return `<${token['Fn::GetAtt'].join('.')}>`;
  }
  return token['Fn::Join'] ? token['Fn::Join'][1].map(nagName).join(token['Fn::Join'][0]) : JSON.stringify(value);
}

export interface Tier2Stacks {
  readonly standbyReplicas: Tier2StandbyReplicasStack;
  readonly primary: Tier2PrimaryStack;
  readonly standby: Tier2StandbyStack;
  readonly dns: Tier2DnsStack;
}

/**
 * TIER_2, pilot light: `Tier2-us-west-2-Replicas`, then `Tier2-us-east-1` (primary), then
 * `Tier2-us-west-2` (standby: joins the global database), then `Tier2-Dns`.
 */
export function addTier2PilotLight(app: App, domain: ExampleDomain): Tier2Stacks {
  const description = 'ha-constructs example: TIER_2 pilot light, us-east-1 primary and us-west-2 standby data';
  const standbyReplicas = new Tier2StandbyReplicasStack(app, 'Tier2-us-west-2-Replicas', { description });
  const primary = new Tier2PrimaryStack(app, 'Tier2-us-east-1', { domain, description });
  const standby = new Tier2StandbyStack(app, 'Tier2-us-west-2', { domain, description, replicas: standbyReplicas });
  const dns = new Tier2DnsStack(app, 'Tier2-Dns', { domain, primary, standby, description });
  // Once deployed, Resilience Hub assesses the four stacks against TIER_2's objectives every day.
  new ResilienceHubApp(dns, 'ResilienceHub', { tier: TIER, service: SERVICE, stacks: [standbyReplicas, primary, standby, dns] });
  primary.addStackDependency(standbyReplicas);
  standby.addStackDependency(primary);
  for (const stack of [standbyReplicas, primary, standby, dns]) {
    acknowledgeHaFinding(stack, 'HA-RES2', WRITER_AND_SCALE_UP_UNPROVEN);
  }
  return { standbyReplicas, primary, standby, dns };
}

/**
 * Why the region RTO stays unproven: AWS publishes neither how long adding a writer to the headless
 * secondary takes nor an instance launch time, so only a drill bounds the promotion and the scale-up.
 */
const WRITER_AND_SCALE_UP_UNPROVEN = 'on failover the runbook adds a writer to the headless secondary and the fleet grows from 0, '
  + 'durations AWS does not publish: the region RTO is unproven until the RegionEvacuationDrill and the runbooks measure them';
