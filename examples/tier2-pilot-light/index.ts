import { App, ArnFormat, Aws, Duration, RemovalPolicy, Stack, StackProps, Validations } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import {
  acknowledgeHaFinding,
  AzEvacuationDrill,
  READINESS_PATH,
  regionalLabel,
  BackupCopyVault,
  BackupPolicy,
  FailoverDns,
  FailoverRunbooks,
  FailoverTrigger,
  GlobalDatabase,
  GlobalDatabaseSecondary,
  globalDatabaseMemberIdentifier,
  headlessWriterIdentifier,
  promotedReaderIdentifier,
  HaRole,
  MultiAzNetwork,
  ReplicaBucket,
  ReplicatedBucket,
  ResilienceHubApp,
  ResilientFleet,
  SecretReplicaKey,
  ServiceTier,
  SloAlarms,
  SyntheticCanary,
} from '../../lib';
import { nagName } from '../nag-name';
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
function fleetProps(
  scope: Construct,
  vpc: ec2.IVpc,
  zone: route53.IHostedZone,
  domain: ExampleDomain,
  revisionBucket: s3.IBucket,
) {
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

/** Props of {@link Tier2StandbyReplicasStack}. */
export interface Tier2StandbyReplicasStackProps extends StackProps {
  /**
   * The region that serves now (see {@link Tier2StackProps.activeRegion}).
   * @default 'us-east-1'
   */
  readonly activeRegion?: string;
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

  constructor(scope: Construct, id: string, props: Tier2StandbyReplicasStackProps = {}) {
    super(scope, id, { ...props, env: { region: STANDBY } });
    new SecretReplicaKey(this, 'SecretKey', { tier: TIER, service: SERVICE, role: HaRole.STANDBY });
    // Serving after a failover, us-west-2 writes its images here: the primary copy then, and one that replicates
    // nowhere (ReplicatedBucket replicates one way, us-east-1 to us-west-2), which the report says.
    this.images = new ReplicaBucket(this, 'Images', {
      tier: TIER,
      service: SERVICE,
      bucketName: imagesBucket(STANDBY),
      role: props.activeRegion === STANDBY ? HaRole.PRIMARY : HaRole.REPLICA,
    });
    this.revisions = new ReplicaBucket(this, 'Revisions', {
      tier: TIER,
      service: SERVICE,
      role: HaRole.REPLICA,
      bucketName: revisionBucketName(STANDBY),
    });
    new BackupCopyVault(this, 'Backups', {
      tier: TIER,
      service: SERVICE,
      role: HaRole.STANDBY,
      backupVaultName: COPY_VAULT,
    });
  }
}

/** Props of the TIER_2 serving stacks. */
export interface Tier2StackProps extends StackProps {
  /** The service's public name. */
  readonly domain: ExampleDomain;
  /**
   * The region that serves now: us-east-1, or us-west-2 after a failover. Deploying with the region
   * that serves keeps `cdk deploy` from undoing a failover (scaling the new primary's fleet back to
   * zero, or DNS sending clients back to a region whose database is no longer the writer), declares
   * the instances the promotion runbook created so that the deployment adopts them, and puts the
   * failback runbooks in the region that stands by. Stateful resources are the same either way.
   * @default 'us-east-1'
   */
  readonly activeRegion?: string;
}

/** The name that always answers with one region (FailoverDns's regional record): what probes of that region use. */
function regionalUrl(region: string, domain: ExampleDomain): string {
  return `https://${regionalLabel(RECORD_NAME, region)}.${domain.zoneName}${READINESS_PATH}`;
}

/** What a region stack watches the service with, whichever role it has. */
interface RegionWatch {
  readonly canary: SyntheticCanary;
  readonly slo: SloAlarms;
}

/**
 * One canary and the SLO alarms of a region stack, both in either role (their keys and buckets
 * are kept, so the swap deletes nothing). The canary probes the region that serves by its own
 * name: serving, this region (the SLO's outside-in SLI, beside the load balancer); standing by,
 * the serving region from here, so that its loss pages from a region that survives it and links
 * the runbook that takes over. A standing-by balancer only answers Route 53's health checks (with
 * 503s: no instance), so the SLO then reads the probe alone.
 */
function addRegionWatch(
  stack: Stack,
  canaryId: string,
  fleet: ResilientFleet,
  props: Tier2StackProps,
  runbooks?: FailoverRunbooks,
): RegionWatch {
  const serving = (props.activeRegion ?? PRIMARY) === stack.region;
  // In either region the canary watches the primary: its HA role stays PRIMARY.
  const canary = new SyntheticCanary(stack, canaryId, {
    tier: TIER,
    service: SERVICE,
    url: regionalUrl(props.activeRegion ?? PRIMARY, props.domain),
    runbookUrl:
      runbooks?.promoteDatabase &&
      `https://${stack.region}.console.aws.amazon.com/systems-manager/documents/` +
        `${runbooks.promoteDatabase.documentName}/description`,
  });
  const slo = new SloAlarms(stack, 'Slo', {
    tier: TIER,
    service: SERVICE,
    role: serving ? HaRole.PRIMARY : HaRole.STANDBY,
    loadBalancer: serving ? fleet.loadBalancer : undefined,
    syntheticSuccessPercent: canary.metricSuccessPercent(),
  });
  return { canary, slo };
}

/**
 * us-east-1, the primary at full capacity: two AZs, the Aurora global database's writer, the
 * images bucket replicated to us-west-2, SLO alarms fed by the load balancer and a canary, an AZ
 * evacuation drill and backups copied to us-west-2. After a failover (`activeRegion` us-west-2) it
 * stands by: its fleet at zero, its cluster a secondary again once Aurora has added it back, and
 * the failback runbooks.
 */
export class Tier2PrimaryStack extends Stack {
  public readonly network: MultiAzNetwork;
  public readonly fleet: ResilientFleet;
  public readonly database: GlobalDatabase;
  public readonly images: ReplicatedBucket;
  public readonly slo: SloAlarms;
  public readonly canary: SyntheticCanary;
  public readonly backups: BackupPolicy;
  /** The failback runbooks, while us-west-2 serves. */
  public readonly runbooks?: FailoverRunbooks;

  constructor(scope: Construct, id: string, props: Tier2StackProps) {
    super(scope, id, { ...props, env: { region: PRIMARY } });
    const serving = (props.activeRegion ?? PRIMARY) === PRIMARY;
    const role = serving ? HaRole.PRIMARY : HaRole.STANDBY;
    const zone = route53.HostedZone.fromHostedZoneAttributes(this, 'Zone', props.domain);
    this.network = new MultiAzNetwork(this, 'Network', {
      tier: TIER,
      service: SERVICE,
      role,
      availabilityZones: ZONES[PRIMARY],
    });
    // Revisions are published here and replicated to us-west-2's bucket, so the standby's new instances fetch
    // their code with us-east-1 down (while it is, publish to us-west-2's directly). The pipeline keeps every
    // revision: one lost in the copy is published again, and AWS Backup does not back the bucket up.
    const revisions = new ReplicatedBucket(this, 'Revisions', {
      tier: TIER,
      service: SERVICE,
      role,
      bucketName: revisionBucketName(PRIMARY),
      replicaRegion: STANDBY,
      replicaBucketName: revisionBucketName(STANDBY),
      backupTag: false,
    });
    this.fleet = new ResilientFleet(this, 'Fleet', {
      ...fleetProps(this, this.network.vpc, zone, props.domain, revisions.bucket),
      role,
    });
    // Standing by, the GlobalCluster keeps naming this cluster its source: the template does not change, so
    // CloudFormation leaves the global cluster alone after a switchover or failover made another member writer.
    this.database = new GlobalDatabase(this, 'Database', {
      tier: TIER,
      service: SERVICE,
      role,
      vpc: this.network.vpc,
      globalClusterIdentifier: GLOBAL_CLUSTER,
      secondaryRegions: [STANDBY],
      databaseName: 'catalog',
    });
    this.database.connections.allowDefaultPortFrom(this.fleet);
    this.database.grantConnect(this.fleet.role, DATABASE_USER);
    this.images = new ReplicatedBucket(this, 'Images', {
      tier: TIER,
      service: SERVICE,
      role,
      bucketName: imagesBucket(PRIMARY),
      replicaRegion: STANDBY,
      replicaBucketName: imagesBucket(STANDBY),
    });
    this.images.grantReadWrite(this.fleet.role);
    acknowledgeImageGrant(this.fleet.role, this.images.bucket);

    if (!serving) {
      this.runbooks = new FailoverRunbooks(this, 'Runbooks', {
        tier: TIER,
        service: SERVICE,
        role,
        failback: true,
        // Failing back is planned (Mode Switchover), yet a person still decides when: within 15 minutes of the page
        // if us-west-2 is lost while it serves, the same commitment as the failover's.
        failoverTrigger: FailoverTrigger.operator(Duration.minutes(15)),
        globalClusterIdentifier: GLOBAL_CLUSTER,
        secondaryClusterArn: this.database.primary.cluster.clusterArn,
        secondaryClusterIdentifier: globalDatabaseMemberIdentifier(GLOBAL_CLUSTER, PRIMARY),
        primaryClusterArn: memberArn(this, STANDBY),
        standbyAutoScalingGroupName: this.fleet.autoScalingGroup.autoScalingGroupName,
        primaryCapacity: this.fleet.primaryCapacity,
      });
    }
    // This region's canary: of this region while it serves; of us-west-2 from here while it stands by.
    ({ canary: this.canary, slo: this.slo } = addRegionWatch(this, 'Canary', this.fleet, props, this.runbooks));
    new AzEvacuationDrill(this, 'AzDrill', {
      tier: TIER,
      service: SERVICE,
      stopConditionAlarm: this.slo.pageAlarm,
      ebsKey: this.fleet.volumeKey,
      autoScalingGroup: this.fleet.autoScalingGroup,
      vpc: this.network.vpc,
      availabilityZone: ZONES[PRIMARY][0],
      databaseCluster: this.database.primary.cluster,
    });
    this.backups = new BackupPolicy(this, 'Backups', {
      tier: TIER,
      service: SERVICE,
      copyToVaultArn: BackupCopyVault.vaultArn(this, STANDBY, COPY_VAULT),
    });
  }
}

/** ARN of the global database's member cluster in `region`: GlobalDatabase names its members by region. */
function memberArn(stack: Stack, region: string): string {
  return stack.formatArn({
    service: 'rds',
    region,
    resource: 'cluster',
    resourceName: globalDatabaseMemberIdentifier(GLOBAL_CLUSTER, region),
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
}

/**
 * us-west-2, the pilot light: the network, a headless Aurora global secondary (storage only, no
 * instance to pay for), and a fleet at zero instances. On a region loss the runbooks promote the
 * secondary, add its writer (and, once it writes, a reader in the other zone) and scale the fleet
 * to the primary's capacity. Deployed with `activeRegion` us-west-2 afterwards, it serves: the
 * primary's capacity, SLO alarms over its balancer, and the two instances the runbook created,
 * declared by name.
 */
export class Tier2StandbyStack extends Stack {
  public readonly network: MultiAzNetwork;
  public readonly fleet: ResilientFleet;
  public readonly database: GlobalDatabaseSecondary;
  public readonly slo: SloAlarms;
  public readonly canary: SyntheticCanary;
  /** The promotion and scale-up runbooks, while us-east-1 serves. */
  public readonly runbooks?: FailoverRunbooks;

  constructor(scope: Construct, id: string, props: Tier2StandbyStackProps) {
    super(scope, id, { ...props, env: { region: STANDBY } });
    const serving = props.activeRegion === STANDBY;
    const role = serving ? HaRole.PRIMARY : HaRole.STANDBY;
    const zone = route53.HostedZone.fromHostedZoneAttributes(this, 'Zone', props.domain);
    this.network = new MultiAzNetwork(this, 'Network', {
      tier: TIER,
      service: SERVICE,
      role,
      availabilityZones: ZONES[STANDBY],
      ipAddresses: ec2.IpAddresses.cidr('10.1.0.0/16'),
    });
    const revisions = s3.Bucket.fromBucketAttributes(this, 'Revisions', {
      bucketName: revisionBucketName(STANDBY),
      encryptionKey: props.replicas.revisions.encryptionKey,
    });
    this.fleet = new ResilientFleet(this, 'Fleet', {
      ...fleetProps(this, this.network.vpc, zone, props.domain, revisions),
      role,
    });
    this.database = new GlobalDatabaseSecondary(this, 'Database', {
      tier: TIER,
      service: SERVICE,
      role,
      vpc: this.network.vpc,
      globalClusterIdentifier: GLOBAL_CLUSTER,
      primaryRegion: PRIMARY,
      // Serving, the promoted cluster has its writer and a reader in the other zone: the two the runbook created.
      readers: serving ? ZONES[STANDBY].length : undefined,
    });
    if (serving) {
      adoptPromotedInstances(this.database);
    }
    this.database.connections.allowDefaultPortFrom(this.fleet);
    this.database.grantConnect(this.fleet.role, DATABASE_USER);
    // After a failover this fleet serves the images from us-west-2's copy, as the primary's does from its own
    // (named, not referenced: the bucket's name is fixed, and a reference would name another stack's output).
    const images = s3.Bucket.fromBucketAttributes(this, 'Images', {
      bucketName: imagesBucket(STANDBY),
      encryptionKey: props.replicas.images.encryptionKey,
    });
    images.grantReadWrite(this.fleet.role);
    acknowledgeImageGrant(this.fleet.role, images);
    if (!serving) {
      this.runbooks = new FailoverRunbooks(this, 'Runbooks', {
        tier: TIER,
        service: SERVICE,
        role,
        // A person decides to fail over a pilot light (it starts from nothing): within 15 minutes of the page.
        failoverTrigger: FailoverTrigger.operator(Duration.minutes(15)),
        globalClusterIdentifier: GLOBAL_CLUSTER,
        secondaryClusterArn: this.database.clusterArn,
        secondaryClusterIdentifier: this.database.clusterIdentifier,
        // The failover is authorised against the primary cluster too: GlobalDatabase names it by region.
        primaryClusterArn: memberArn(this, PRIMARY),
        // The secondary is headless: the promotion adds a writer of the secondary's instance class first, in
        // its subnet group, with its engine version's default parameter and option groups, in the first zone;
        // once it writes, a reader in the second zone, so that the region now serving is Multi-AZ again.
        headlessSecondaryWriterClass: this.database.readerCount === 0 ? DATABASE_INSTANCE_CLASS : undefined,
        headlessSecondaryWriterAvailabilityZone: ZONES[STANDBY][0],
        promotedReaderAvailabilityZone: ZONES[STANDBY][1],
        promotedReaderClass: DATABASE_INSTANCE_CLASS,
        headlessSecondarySubnetGroupName: this.database.cluster.dbSubnetGroupName,
        headlessSecondaryEngineVersion: this.database.cluster.engineVersion,
        standbyAutoScalingGroupName: this.fleet.autoScalingGroup.autoScalingGroupName,
        primaryCapacity: this.fleet.primaryCapacity,
      });
    }
    // The page for a us-east-1 outage must come from a region that survives it: Tier2-Dns's health-check alarms
    // live in us-east-1. Standing by, this canary probes the primary by its regional name from here, pages
    // through a topic of its own, and links the promotion runbook (Mode Failover in an outage).
    ({ canary: this.canary, slo: this.slo } = addRegionWatch(this, 'PrimaryCanary', this.fleet, props, this.runbooks));
  }
}

/** The class of the Aurora instances: GlobalDatabase's and GlobalDatabaseSecondary's default, r6g.large. */
const DATABASE_INSTANCE_CLASS = 'db.r6g.large';

/**
 * Names the serving cluster's two instances as the promotion runbook named the ones it created
 * (its writer in the first zone, the reader in the second), and retains them: CloudFormation imports
 * only resources it would retain. Deployed with `cdk deploy --import-existing-resources`, the stack
 * adopts them instead of creating two more (without the flag, the deployment fails on names in use
 * and rolls back). Without a failover before (a planned move by hand), it creates them.
 */
function adoptPromotedInstances(database: GlobalDatabaseSecondary): void {
  const names = [headlessWriterIdentifier(SERVICE, STANDBY), promotedReaderIdentifier(SERVICE, STANDBY)];
  names.forEach((name, i) => {
    const instance = database.node.findChild(`Reader${i + 1}`) as rds.CfnDBInstance;
    instance.dbInstanceIdentifier = name;
    instance.applyRemovalPolicy(RemovalPolicy.RETAIN);
  });
}

/** Props of {@link Tier2DnsStack}. */
export interface Tier2DnsStackProps extends Tier2StackProps {
  readonly primary: Tier2PrimaryStack;
  readonly standby: Tier2StandbyStack;
}

/**
 * The failover-routed name, in us-east-1 (where Route 53 publishes health-check metrics): PRIMARY
 * to the region that serves, SECONDARY to the other, which answers once the runbook has scaled its
 * fleet up.
 */
export class Tier2DnsStack extends Stack {
  public readonly dns: FailoverDns;

  constructor(scope: Construct, id: string, props: Tier2DnsStackProps) {
    // Cross-region references bring the standby's load balancer from us-west-2.
    super(scope, id, { ...props, env: { region: PRIMARY }, crossRegionReferences: true });
    const zone = route53.HostedZone.fromHostedZoneAttributes(this, 'Zone', props.domain);
    const westServes = props.activeRegion === STANDBY;
    this.dns = new FailoverDns(this, 'Dns', {
      tier: TIER,
      service: SERVICE,
      hostedZone: zone,
      recordName: RECORD_NAME,
      endpoints: [
        // The region that serves now is PRIMARY: after a failover, DNS must not send clients back by itself.
        { region: PRIMARY, loadBalancer: props.primary.fleet.loadBalancer, role: westServes ? 'secondary' : 'primary' },
        { region: STANDBY, loadBalancer: props.standby.fleet.loadBalancer, role: westServes ? 'primary' : 'secondary' },
      ],
    });
  }
}

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
  const reason =
    "the catalog instances read and write product images under keys chosen at run time; versioning keeps what they delete, and S3 encrypts each object with a data key of the bucket's key";
  for (const finding of [
    'Action::s3:Abort*',
    'Action::s3:DeleteObject*',
    `Resource::${nagName(Stack.of(role).resolve(bucket.arnForObjects('*')))}`,
    'Action::kms:GenerateDataKey*',
    'Action::kms:ReEncrypt*',
  ]) {
    Validations.of(role).acknowledge({ id: `AwsSolutions-IAM5[${finding}]`, reason });
  }
}

/** The stacks of the TIER_2 example, in deployment order. */
export interface Tier2Stacks {
  readonly standbyReplicas: Tier2StandbyReplicasStack;
  readonly primary: Tier2PrimaryStack;
  readonly standby: Tier2StandbyStack;
  readonly dns: Tier2DnsStack;
}

/**
 * TIER_2, pilot light: `Tier2-us-west-2-Replicas`, then `Tier2-us-east-1` (primary), then
 * `Tier2-us-west-2` (standby: joins the global database), then `Tier2-Dns`. After a failover,
 * deploy with `-c activeRegion=us-west-2` (and `--import-existing-resources`, which adopts the
 * instances the promotion created); after the failback, without it.
 */
export function addTier2PilotLight(app: App, domain: ExampleDomain): Tier2Stacks {
  const description = 'ha-constructs example: TIER_2 pilot light, us-east-1 primary and us-west-2 standby data';
  const activeRegion = app.node.tryGetContext('activeRegion') ?? PRIMARY;
  if (activeRegion !== PRIMARY && activeRegion !== STANDBY) {
    throw new Error(
      `activeRegion must be ${PRIMARY} or ${STANDBY}, the regions of the TIER_2 example, got: ${activeRegion}`,
    );
  }
  const standbyReplicas = new Tier2StandbyReplicasStack(app, 'Tier2-us-west-2-Replicas', { description, activeRegion });
  const primary = new Tier2PrimaryStack(app, 'Tier2-us-east-1', { domain, description, activeRegion });
  const standby = new Tier2StandbyStack(app, 'Tier2-us-west-2', {
    domain,
    description,
    activeRegion,
    replicas: standbyReplicas,
  });
  const dns = new Tier2DnsStack(app, 'Tier2-Dns', { domain, primary, standby, description, activeRegion });
  // Once deployed, Resilience Hub assesses the four stacks against TIER_2's objectives every day.
  new ResilienceHubApp(dns, 'ResilienceHub', {
    tier: TIER,
    service: SERVICE,
    stacks: [standbyReplicas, primary, standby, dns],
  });
  primary.addStackDependency(standbyReplicas);
  standby.addStackDependency(primary);
  for (const stack of [standbyReplicas, primary, standby, dns]) {
    acknowledgeHaFinding(
      stack,
      'HA-RES2',
      activeRegion === PRIMARY
        ? `${WRITER_AND_SCALE_UP_UNPROVEN}; ${MANAGED_RPO_HEADLESS}`
        : `${FAILBACK_SCALE_UP_UNPROVEN}; ${MANAGED_RPO_COUPLING_AFTER_FAILOVER}`,
    );
    if (activeRegion === STANDBY) {
      // Acknowledged so that the deployment that keeps the failover can synthesize; the report still says not met.
      acknowledgeHaFinding(stack, 'HA-RES1', IMAGES_UNCOPIED_AFTER_FAILOVER);
    }
  }
  if (activeRegion === STANDBY) {
    acknowledgeHaFinding(standbyReplicas, 'HA-DR1', IMAGES_UNCOPIED_AFTER_FAILOVER);
  }
  return { standbyReplicas, primary, standby, dns };
}

/**
 * Why the region RTO stays unproven: AWS publishes neither how long adding a writer to the headless
 * secondary takes nor an instance launch time, so only a drill bounds the promotion and the scale-up.
 */
const WRITER_AND_SCALE_UP_UNPROVEN =
  'on failover the runbook adds a writer to the headless secondary and the fleet grows from 0, ' +
  'durations AWS does not publish: the region RTO is unproven until the RegionEvacuationDrill and the runbooks measure them';

/**
 * Why the region RPO is not met while us-west-2 serves: S3 replication of the images runs one way, so
 * what us-west-2 writes has no copy in another region until the failback copies it back.
 */
const IMAGES_UNCOPIED_AFTER_FAILOVER =
  'while us-west-2 serves after a failover, the images it writes have no copy in another region ' +
  '(the images bucket replicates one way, us-east-1 to us-west-2): the region RPO is not met until the failback copies ' +
  'them to us-east-1 (S3 Batch Replication or a sync) and us-east-1 serves again; fail back as soon as us-east-1 has recovered';

/**
 * Why availability stays unproven: TIER_2's managed RPO blocks the writer's commits while its only
 * secondary lags more, and that secondary is headless, which AWS does not say the bound measures.
 */
const MANAGED_RPO_HEADLESS =
  "availability is unproven: rds.global_db_rpo (900 s) blocks us-east-1's commits while no secondary is within " +
  '15 minutes, the only secondary is headless in us-west-2 (AWS does not say whether the managed RPO measures a ' +
  'secondary without an instance), and no figure bounds us-west-2 or the path to it; kept to lose at most 15 minutes';

/** The same coupling while us-west-2 serves: its one secondary, us-east-1's cluster, has instances. */
const MANAGED_RPO_COUPLING_AFTER_FAILOVER =
  "availability is unproven: rds.global_db_rpo (900 s) stops us-west-2's commits when us-east-1, its one " +
  'secondary, or the path to it, is out for longer, and no figure bounds that path';

/** The same after a failover: us-east-1 stands by with its instances, and its fleet grows from 0. */
const FAILBACK_SCALE_UP_UNPROVEN =
  "us-west-2 serves after a failover; if it is lost, us-east-1's fleet grows from 0, a duration " +
  'AWS does not publish: the region RTO is unproven until a drill and the runbooks measure it';
