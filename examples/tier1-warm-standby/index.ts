import { App, Aws, Duration, RemovalPolicy, Stack, StackProps } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
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
  ClientResiliencePolicy,
  FailoverDns,
  FailoverRunbooks,
  FailoverRunbooksProps,
  FailoverTrigger,
  FeatureFlags,
  GlobalDatabase,
  GlobalDatabaseSecondary,
  GoldenSignalsDashboard,
  HaRole,
  MultiAzNetwork,
  promotedReaderIdentifier,
  RegionEvacuationDrill,
  ReplicaBucket,
  ReplicatedBucket,
  ResilienceHubApp,
  ResilientFleet,
  SecretReplicaKey,
  ServiceTier,
  SloAlarms,
  SyntheticCanary,
} from '../../lib';
import { ExampleDomain } from '../tier0-active-active';

const TIER = ServiceTier.TIER_1;
const SERVICE = 'orders';
/**
 * p99 response time above which an AZ's node counts as slow: the fleet's per-AZ Latency alarm, and
 * below the latency the AZ drill's gray failure adds (so that the drill can show it fires).
 */
const ZONE_LATENCY_THRESHOLD = Duration.millis(500);
const PRIMARY = 'us-east-1';
const STANDBY = 'us-west-2';
const ZONES: Record<string, string[]> = {
  [PRIMARY]: ['us-east-1a', 'us-east-1b', 'us-east-1c'],
  [STANDBY]: ['us-west-2a', 'us-west-2b', 'us-west-2c'],
};
const GLOBAL_CLUSTER = 'orders';
const COPY_VAULT = 'orders-dr';
const RECORD_NAME = 'orders';
const DATABASE_USER = 'orders_app';
/** Each region's bucket of application revisions, which that region's instances deploy from. */
const revisionBucketName = (region: string) => `orders-revisions-${Aws.ACCOUNT_ID}-${region}`;

/**
 * What both regions' fleets share: the standby runs the same image and types, scaled down until
 * failover. Each deploys its code from its own region's revision bucket.
 */
function fleetProps(vpc: ec2.IVpc, certificate: acm.ICertificate, revisionBucket: s3.IBucket) {
  return {
    tier: TIER,
    service: SERVICE,
    vpc,
    revisionBucket,
    machineImage: ec2.MachineImage.latestAmazonLinux2023({ cpuType: ec2.AmazonLinuxCpuType.ARM_64 }),
    // Graviton types that encrypt traffic between instances in transit (Control Tower CT.AUTOSCALING.PR.11).
    instanceTypes: [new ec2.InstanceType('m7g.large'), new ec2.InstanceType('m7gd.large')],
    requiredCapacity: 6,
    maxCapacity: 18,
    certificate,
  };
}

/** A regional certificate for the service's public name, validated (and renewed) through the hosted zone. */
function certificateFor(scope: Construct, zone: route53.IHostedZone, domain: ExampleDomain): acm.Certificate {
  return new acm.Certificate(scope, 'Certificate', {
    domainName: `${RECORD_NAME}.${domain.zoneName}`,
    // The region's own name (FailoverDns's regional record), which this region's canary probes.
    subjectAlternativeNames: [regionalUrlHost(Stack.of(scope).region, domain)],
    validation: acm.CertificateValidation.fromDns(zone),
  });
}

/** The name that always answers with one region: what that region's canary probes. */
function regionalUrlHost(region: string, domain: ExampleDomain): string {
  return `${regionalLabel(RECORD_NAME, region)}.${domain.zoneName}`;
}

/**
 * us-west-2, deployed first: what the primary writes into the standby region must have somewhere
 * to land: the key that encrypts the database credentials' replica, the vault that receives the
 * backup copies, and the copy of the application revisions.
 */
export class Tier1StandbyKeysStack extends Stack {
  public readonly secretKey: SecretReplicaKey;
  public readonly copyVault: BackupCopyVault;
  /** us-west-2's copy of the revisions, which its fleet deploys from. */
  public readonly revisions: ReplicaBucket;

  constructor(scope: Construct, id: string, props: StackProps = {}) {
    super(scope, id, { ...props, env: { region: STANDBY } });
    this.secretKey = new SecretReplicaKey(this, 'SecretKey', { tier: TIER, service: SERVICE, role: HaRole.STANDBY });
    this.copyVault = new BackupCopyVault(this, 'Backups', {
      tier: TIER,
      service: SERVICE,
      role: HaRole.STANDBY,
      backupVaultName: COPY_VAULT,
    });
    this.revisions = new ReplicaBucket(this, 'Revisions', {
      tier: TIER,
      service: SERVICE,
      bucketName: revisionBucketName(STANDBY),
    });
  }
}

/** Props of {@link Tier1PrimaryStack}. */
export interface Tier1PrimaryStackProps extends StackProps {
  /** The service's public name. */
  readonly domain: ExampleDomain;
  /**
   * The region that serves now: us-east-1, or us-west-2 after a failover. Deploying with the region
   * that serves keeps `cdk deploy` from undoing a failover (scaling the new primary back down, or
   * DNS sending clients back to a region whose database is no longer the writer), and puts the
   * failback runbooks in the region that stands by. Stateful resources are the same either way.
   * @default 'us-east-1'
   */
  readonly activeRegion?: string;
}

/**
 * us-east-1, the primary: full capacity, statically stable across three AZs, the writer of an
 * Aurora global database, SLO alarms and a canary, both evacuation drills, backups copied to
 * us-west-2, feature flags to shed non-essential work, the client resilience policy, and
 * runbooks to shift traffic off a sick AZ and to degrade features.
 */
export class Tier1PrimaryStack extends Stack {
  public readonly network: MultiAzNetwork;
  public readonly fleet: ResilientFleet;
  public readonly database: GlobalDatabase;
  public readonly slo: SloAlarms;
  public readonly backups: BackupPolicy;
  public readonly runbooks: FailoverRunbooks;

  constructor(scope: Construct, id: string, props: Tier1PrimaryStackProps) {
    super(scope, id, { ...props, env: { region: PRIMARY } });
    const active = (props.activeRegion ?? PRIMARY) === PRIMARY;
    const role = active ? HaRole.PRIMARY : HaRole.STANDBY;
    const zone = route53.HostedZone.fromHostedZoneAttributes(this, 'Zone', props.domain);
    this.network = new MultiAzNetwork(this, 'Network', {
      tier: TIER,
      service: SERVICE,
      role,
      availabilityZones: ZONES[PRIMARY],
    });
    // Revisions are published here and replicated to us-west-2's bucket, so the standby's new instances fetch
    // their code with us-east-1 down (while it is, publish to us-west-2's directly).
    const revisions = new ReplicatedBucket(this, 'Revisions', {
      tier: TIER,
      service: SERVICE,
      bucketName: revisionBucketName(PRIMARY),
      replicaRegion: STANDBY,
      replicaBucketName: revisionBucketName(STANDBY),
      // A revision lost in the copy is published again from the pipeline, which keeps every revision (no AWS Backup).
      rpoObjective: Duration.minutes(15),
      backupTag: false,
    });
    this.fleet = new ResilientFleet(this, 'Fleet', {
      ...fleetProps(this.network.vpc, certificateFor(this, zone, props.domain), revisions.bucket),
      role,
      latencyThreshold: ZONE_LATENCY_THRESHOLD,
    });
    // TIER_1's managed RPO (rds.global_db_rpo 60 s) bounds what a failover loses, and couples the regions: an
    // outage of us-west-2, or of the path to it, longer than a minute stops this writer's commits until the
    // secondary catches up (GlobalDatabase). Chosen: losing at most a minute matters more here than writing
    // through a standby outage; the SLO page fires on the stalled writes, and resetting the parameter on this
    // cluster writes through it. The HA report counts it: availability unproven (no figure bounds the path).
    this.database = new GlobalDatabase(this, 'Database', {
      tier: TIER,
      service: SERVICE,
      role,
      vpc: this.network.vpc,
      globalClusterIdentifier: GLOBAL_CLUSTER,
      secondaryRegions: [STANDBY],
      databaseName: 'orders',
    });
    this.database.connections.allowDefaultPortFrom(this.fleet);
    this.database.grantConnect(this.fleet.role, DATABASE_USER);

    // This region's canary probes this region (its own name); the global one probes what users reach.
    const canary = new SyntheticCanary(this, 'Canary', {
      tier: TIER,
      service: SERVICE,
      role,
      url: `https://${regionalUrlHost(PRIMARY, props.domain)}${READINESS_PATH}`,
    });
    this.slo = new SloAlarms(this, 'Slo', {
      tier: TIER,
      service: SERVICE,
      role,
      loadBalancer: this.fleet.loadBalancer,
      syntheticSuccessPercent: canary.metricSuccessPercent(),
    });
    new GoldenSignalsDashboard(this, 'Dashboard', {
      tier: TIER,
      service: SERVICE,
      role,
      loadBalancer: this.fleet.loadBalancer,
      targetGroup: this.fleet.targetGroup,
      autoScalingGroup: this.fleet.autoScalingGroup,
      databaseCluster: this.database.primary.cluster,
      slo: this.slo,
      syntheticSuccessPercent: [canary.metricSuccessPercent()],
    });
    new AzEvacuationDrill(this, 'AzDrill', {
      tier: TIER,
      service: SERVICE,
      stopConditionAlarm: this.slo.pageAlarm,
      ebsKey: this.fleet.volumeKey,
      autoScalingGroup: this.fleet.autoScalingGroup,
      vpc: this.network.vpc,
      availabilityZone: ZONES[PRIMARY][0],
      databaseCluster: this.database.primary.cluster,
      // First a gray failure of that AZ: the drill fails unless its Impaired alarm fires.
      zoneImpairedAlarms: this.fleet.zoneImpairedAlarms,
      latencyThreshold: ZONE_LATENCY_THRESHOLD,
      alarmTopic: this.fleet.alarmTopic,
    });
    addRegionDrill(this, this.network, this.fleet, props.domain);
    this.backups = new BackupPolicy(this, 'Backups', {
      tier: TIER,
      service: SERVICE,
      copyToVaultArn: BackupCopyVault.vaultArn(this, STANDBY, COPY_VAULT),
    });

    const featureFlags = addDegradationControls(this, this.fleet, this.slo.pageAlarm);
    // Standing by after a failover, this region holds the failback: promote its cluster back, grow its fleet.
    this.runbooks = new FailoverRunbooks(this, 'Runbooks', {
      tier: TIER,
      service: SERVICE,
      role,
      loadBalancerArn: this.fleet.loadBalancer.loadBalancerArn,
      featureFlags,
      // Failing back: us-east-1's cluster keeps its three instances, so nothing is created on the way back.
      ...(active
        ? {}
        : { ...regionFailoverInputs(this.database.primary.cluster.clusterArn, this.fleet), failback: true }),
    });
  }
}

/**
 * What the runbooks of the region that stands by need to make it serve: the cluster to promote,
 * the fleet to grow, and who decides. The on-call engineer confirms the serving region is lost (not
 * a blip the DNS failover rides out) and starts them; the rota commits to 5 minutes from the page,
 * counted in full in the region RTO.
 */
function regionFailoverInputs(clusterArn: string, fleet: ResilientFleet): Partial<FailoverRunbooksProps> {
  return {
    failoverTrigger: FailoverTrigger.operator(Duration.minutes(5)),
    globalClusterIdentifier: GLOBAL_CLUSTER,
    secondaryClusterArn: clusterArn,
    standbyAutoScalingGroupName: fleet.autoScalingGroup.autoScalingGroupName,
    primaryCapacity: fleet.primaryCapacity,
  };
}

/**
 * Each region's evacuation drill and the probe it stops on. The drill cuts its region on purpose, so
 * that region's own page fires by design: it stops only when users cannot reach the service at all
 * (the probe of the routed name fails), i.e. when the failover failed.
 */
function addRegionDrill(stack: Stack, network: MultiAzNetwork, fleet: ResilientFleet, domain: ExampleDomain): void {
  const globalCanary = new SyntheticCanary(stack, 'GlobalCanary', {
    tier: TIER,
    service: SERVICE,
    url: `https://${RECORD_NAME}.${domain.zoneName}${READINESS_PATH}`,
  });
  // Users fail through the whole failover (up to the region RTO): stop only when they fail for longer.
  const minutes = Math.ceil(TIER.regionRtoSeconds / 60);
  const failoverOverrun = new cloudwatch.Alarm(stack, 'FailoverOverrun', {
    metric: globalCanary.metricSuccessPercent().with({ period: Duration.minutes(1) }),
    threshold: 100,
    comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
    evaluationPeriods: minutes,
    datapointsToAlarm: minutes,
    treatMissingData: cloudwatch.TreatMissingData.BREACHING,
    alarmDescription: `${SERVICE}: users failed for ${minutes} min through a region failover: it failed; the region drill stops`,
  });
  // A failover that outlasts the region RTO is a page, drill or not: the probe's own topic carries it.
  failoverOverrun.addAlarmAction(new cloudwatchActions.SnsAction(globalCanary.alarmTopic));
  failoverOverrun.addOkAction(new cloudwatchActions.SnsAction(globalCanary.alarmTopic));
  new RegionEvacuationDrill(stack, 'RegionDrill', {
    tier: TIER,
    service: SERVICE,
    stopConditionAlarm: failoverOverrun,
    ebsKey: fleet.volumeKey,
    vpc: network.vpc,
    autoScalingGroup: fleet.autoScalingGroup,
  });
}

/**
 * us-west-2, the warm standby: the same network and fleet at reduced capacity (one instance per
 * AZ, already serving health checks), the Aurora global secondary with readers, and the runbooks
 * that promote it and scale the fleet to the primary's capacity.
 */
export class Tier1StandbyStack extends Stack {
  public readonly network: MultiAzNetwork;
  public readonly fleet: ResilientFleet;
  public readonly slo: SloAlarms;
  public readonly database: GlobalDatabaseSecondary;
  public readonly runbooks: FailoverRunbooks;

  constructor(scope: Construct, id: string, props: Tier1StandbyStackProps) {
    super(scope, id, { ...props, env: { region: STANDBY } });
    const active = props.activeRegion === STANDBY;
    const role = active ? HaRole.PRIMARY : HaRole.STANDBY;
    const zone = route53.HostedZone.fromHostedZoneAttributes(this, 'Zone', props.domain);
    this.network = new MultiAzNetwork(this, 'Network', {
      tier: TIER,
      service: SERVICE,
      role,
      availabilityZones: ZONES[STANDBY],
      ipAddresses: ec2.IpAddresses.cidr('10.1.0.0/16'),
    });
    // us-west-2's copy of the revisions, named (its key referenced): the keys stack of this region holds it.
    const revisions = s3.Bucket.fromBucketAttributes(this, 'Revisions', {
      bucketName: revisionBucketName(STANDBY),
      encryptionKey: props.keys.revisions.encryptionKey,
    });
    this.fleet = new ResilientFleet(this, 'Fleet', {
      ...fleetProps(this.network.vpc, certificateFor(this, zone, props.domain), revisions),
      role,
    });
    this.database = new GlobalDatabaseSecondary(this, 'Database', {
      tier: TIER,
      service: SERVICE,
      role,
      vpc: this.network.vpc,
      globalClusterIdentifier: GLOBAL_CLUSTER,
      primaryRegion: PRIMARY,
      // Serving, the promoted cluster keeps a reader in each further AZ, as the primary does: instances are added, none replaced.
      readers: active ? TIER.minAzs - 1 : undefined,
    });
    if (active) {
      adoptPromotedReader(this.database);
    }
    this.database.connections.allowDefaultPortFrom(this.fleet);
    this.database.grantConnect(this.fleet.role, DATABASE_USER);
    // The standby's own SLO alarms (over its own load balancer): they guard its flags, and page once it serves.
    const canary = new SyntheticCanary(this, 'Canary', {
      tier: TIER,
      service: SERVICE,
      role,
      url: `https://${regionalUrlHost(STANDBY, props.domain)}${READINESS_PATH}`,
    });
    this.slo = new SloAlarms(this, 'Slo', {
      tier: TIER,
      service: SERVICE,
      role,
      loadBalancer: this.fleet.loadBalancer,
      syntheticSuccessPercent: canary.metricSuccessPercent(),
    });
    addRegionDrill(this, this.network, this.fleet, props.domain);
    // The same flags and client policy as the primary's, in this region: the fleet that takes over reads its own.
    const featureFlags = addDegradationControls(this, this.fleet, this.slo.pageAlarm);
    this.runbooks = new FailoverRunbooks(this, 'Runbooks', {
      tier: TIER,
      service: SERVICE,
      role,
      featureFlags,
      loadBalancerArn: this.fleet.loadBalancer.loadBalancerArn,
      ...(active
        ? {}
        : {
            ...regionFailoverInputs(this.database.clusterArn, this.fleet),
            // The secondary's one reader becomes the writer, alone in us-west-2a: once it writes, the runbook adds
            // a reader in us-west-2b (off the region RTO's path), which the next deployment, serving, declares.
            promotedReaderAvailabilityZone: ZONES[STANDBY][1],
            promotedReaderClass: DATABASE_INSTANCE_CLASS,
            headlessSecondarySubnetGroupName: this.database.cluster.dbSubnetGroupName,
            headlessSecondaryEngineVersion: this.database.cluster.engineVersion,
          }),
    });
  }
}

/** The class of the Aurora instances: GlobalDatabase's and GlobalDatabaseSecondary's default, r6g.large. */
const DATABASE_INSTANCE_CLASS = 'db.r6g.large';

/**
 * Names the serving cluster's second instance as the promotion runbook named the reader it added
 * (us-west-2b), and retains it: CloudFormation imports only resources it would retain. Deployed with
 * `cdk deploy --import-existing-resources`, the stack adopts it instead of adding another. The first
 * instance is the secondary's own reader, which the promotion made the writer.
 */
function adoptPromotedReader(database: GlobalDatabaseSecondary): void {
  const reader = database.node.findChild('Reader2') as rds.CfnDBInstance;
  reader.dbInstanceIdentifier = promotedReaderIdentifier(SERVICE, STANDBY);
  reader.applyRemovalPolicy(RemovalPolicy.RETAIN);
}

/**
 * Graceful degradation and client timeouts of one region: what the service can stop doing to keep
 * taking orders when a dependency or an AZ struggles (rolled back by the region's SLO page), and
 * the timeouts and retries its clients use, checked at synthesis to fit the 2 s its callers wait.
 * Both regions have their own, so the fleet that serves reads them in its region.
 */
function addDegradationControls(stack: Stack, fleet: ResilientFleet, rollbackAlarm: cloudwatch.IAlarm): FeatureFlags {
  const featureFlags = new FeatureFlags(stack, 'FeatureFlags', {
    tier: TIER,
    service: SERVICE,
    rollbackAlarm,
    features: [
      {
        name: 'recommendations',
        description: 'product recommendations on the order page (a call to the recommendation service)',
      },
      { name: 'orderHistoryExport', description: 'CSV export of past orders (long database scans on the readers)' },
    ],
  });
  featureFlags.grantRead(fleet.role);
  new ClientResiliencePolicy(stack, 'ClientPolicy', {
    tier: TIER,
    service: SERVICE,
    upstreamTimeout: Duration.seconds(2),
    hops: [
      {
        name: 'orders-db',
        perTryTimeout: Duration.millis(300),
        attempts: 3,
        baseDelay: Duration.millis(50),
        maxDelay: Duration.millis(200),
      },
      {
        name: 'inventory-api',
        perTryTimeout: Duration.millis(150),
        attempts: 2,
        baseDelay: Duration.millis(25),
        maxDelay: Duration.millis(100),
      },
    ],
  }).grantRead(fleet.role);
  return featureFlags;
}

/** Props of {@link Tier1StandbyStack}. */
export interface Tier1StandbyStackProps extends Tier1PrimaryStackProps {
  /** us-west-2's keys stack: the fleet deploys from its copy of the revisions. */
  readonly keys: Tier1StandbyKeysStack;
}

/** Props of {@link Tier1DnsStack}. */
export interface Tier1DnsStackProps extends Tier1PrimaryStackProps {
  readonly primary: Tier1PrimaryStack;
  readonly standby: Tier1StandbyStack;
}

/**
 * The failover-routed name, in us-east-1 (where Route 53 publishes health-check metrics, so the
 * health-check alarms can exist): PRIMARY to us-east-1, SECONDARY to us-west-2.
 */
export class Tier1DnsStack extends Stack {
  public readonly dns: FailoverDns;

  constructor(scope: Construct, id: string, props: Tier1DnsStackProps) {
    // Cross-region references bring the standby's load balancer from us-west-2.
    super(scope, id, { ...props, env: { region: PRIMARY }, crossRegionReferences: true });
    const zone = route53.HostedZone.fromHostedZoneAttributes(this, 'Zone', props.domain);
    this.dns = new FailoverDns(this, 'Dns', {
      tier: TIER,
      service: SERVICE,
      hostedZone: zone,
      recordName: RECORD_NAME,
      endpoints: [
        // The region that serves now is PRIMARY: after a failover, DNS must not send clients back by itself.
        {
          region: PRIMARY,
          loadBalancer: props.primary.fleet.loadBalancer,
          role: props.activeRegion === STANDBY ? 'secondary' : 'primary',
        },
        {
          region: STANDBY,
          loadBalancer: props.standby.fleet.loadBalancer,
          role: props.activeRegion === STANDBY ? 'primary' : 'secondary',
        },
      ],
    });
  }
}

/** The stacks of the TIER_1 example, in deployment order. */
export interface Tier1Stacks {
  readonly standbyKeys: Tier1StandbyKeysStack;
  readonly primary: Tier1PrimaryStack;
  readonly standby: Tier1StandbyStack;
  readonly dns: Tier1DnsStack;
}

/**
 * TIER_1, warm standby: `Tier1-us-west-2-Keys`, then `Tier1-us-east-1` (primary), then
 * `Tier1-us-west-2` (standby, joins the global database), then `Tier1-Dns`.
 */
export function addTier1WarmStandby(app: App, domain: ExampleDomain): Tier1Stacks {
  const description = 'ha-constructs example: TIER_1 warm standby, us-east-1 primary and us-west-2 standby';
  // After a failover, deploy with `-c activeRegion=us-west-2` (and back after the failback).
  const activeRegion = app.node.tryGetContext('activeRegion') ?? PRIMARY;
  if (activeRegion !== PRIMARY && activeRegion !== STANDBY) {
    throw new Error(
      `activeRegion must be ${PRIMARY} or ${STANDBY}, the regions of the TIER_1 example, got: ${activeRegion}`,
    );
  }
  const standbyKeys = new Tier1StandbyKeysStack(app, 'Tier1-us-west-2-Keys', { description });
  const primary = new Tier1PrimaryStack(app, 'Tier1-us-east-1', { domain, description, activeRegion });
  const standby = new Tier1StandbyStack(app, 'Tier1-us-west-2', {
    domain,
    description,
    activeRegion,
    keys: standbyKeys,
  });
  const dns = new Tier1DnsStack(app, 'Tier1-Dns', { domain, primary, standby, description, activeRegion });
  // Once deployed, Resilience Hub assesses the four stacks against TIER_1's objectives every day.
  new ResilienceHubApp(dns, 'ResilienceHub', {
    tier: TIER,
    service: SERVICE,
    stacks: [standbyKeys, primary, standby, dns],
  });
  primary.addStackDependency(standbyKeys);
  standby.addStackDependency(primary);
  for (const stack of [standbyKeys, primary, standby, dns]) {
    acknowledgeHaFinding(stack, 'HA-RES2', `${SCALE_UP_UNPROVEN}; ${GRAY_FAILURE_AZ_RTO}; ${MANAGED_RPO_COUPLING}`);
  }
  return { standbyKeys, primary, standby, dns };
}

/**
 * Why availability stays unproven: the bound on what a failover loses couples the regions' writes
 * (see the database's comment), and no figure bounds the path between them.
 */
const MANAGED_RPO_COUPLING =
  "availability is unproven: rds.global_db_rpo (60 s) stops the serving region's commits when the standby " +
  'region, or the path to it, is out for longer, and no figure bounds that path; kept to lose at most a minute ' +
  '(a secondary with a reader in a third region would take it out of series, as in the ECS example)';

/** Why TIER_1's AZ RTO stays unproven for an AZ that fails while its targets pass health checks. */
const GRAY_FAILURE_AZ_RTO =
  "an AZ lost outright is out of service within TIER_1's 120 s (target health checks), but a gray failure (an AZ " +
  "whose requests fail while its targets pass health checks) takes the per-AZ alarms' 2 of 3 one-minute periods " +
  "(more than 60 s: one minute would page on noise), then ARC's zonal shift (no published time), then the load " +
  "balancer's 60 s DNS TTL: at least TIER_1's whole 120 s, so it is met only if the shift took no time; the fleet " +
  'starts the shift itself, and its AZ drill rehearses the detection';

/**
 * Why the region RTO stays unproven: EC2 publishes no launch time and the standby region's capacity
 * is not reserved, so how long the standby takes to grow to the primary's size is known only once a
 * drill has measured it.
 */
const SCALE_UP_UNPROVEN =
  'the standby grows from 3 to 9 instances on failover, and EC2 publishes no launch time: ' +
  'the region RTO is unproven until the RegionEvacuationDrill and the runbooks measure the scale-up';
