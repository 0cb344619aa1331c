import { App, Aws, Duration, Stack, StackProps, Validations } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import {
  acknowledgeHaFinding,
  AuditTrail,
  AzEvacuationDrill,
  BackupCopyVault,
  BackupPolicy,
  EncryptedSecret,
  FailoverDns,
  GlobalTable,
  GoldenSignalsDashboard,
  MultiAzNetwork,
  ReplicaBucket,
  ReplicaKey,
  ReplicatedBucket,
  ResilienceHubApp,
  ResilientFleet,
  SecretReplicaKey,
  READINESS_PATH,
  regionalLabel,
  ServiceTier,
  SloAlarms,
  SyntheticCanary,
} from '../../lib';
import { nagName } from '../nag-name';

/** The public name clients use: a Route 53 hosted zone you own and the record in it. */
export interface ExampleDomain {
  /** Id of the hosted zone (`Z0123456789ABC`). */
  readonly hostedZoneId: string;
  /** Name of the hosted zone (`example.com`). */
  readonly zoneName: string;
}

const TIER = ServiceTier.TIER_0;
const SERVICE = 'checkout';
/**
 * p99 response time above which an AZ's node counts as slow: the fleet's per-AZ Latency alarm, and
 * below the latency the AZ drill's gray failure adds (so that the drill can show it fires).
 */
const ZONE_LATENCY_THRESHOLD = Duration.millis(500);
const EAST = 'us-east-1';
const WEST = 'us-west-2';
const ZONES: Record<string, string[]> = {
  [EAST]: ['us-east-1a', 'us-east-1b', 'us-east-1c'],
  [WEST]: ['us-west-2a', 'us-west-2b', 'us-west-2c'],
};
/** Non-overlapping ranges, so the two VPCs can be peered or joined to a transit gateway later. */
const CIDRS: Record<string, string> = { [EAST]: '10.0.0.0/16', [WEST]: '10.1.0.0/16' };
const TABLE_NAME = 'checkout-carts';
const SECRET_NAME = 'checkout/payment-api-key';
const RECORD_NAME = 'checkout';
/** Deterministic names: each region's stack refers to the other region's bucket and vault by name, not by reference. */
// Bucket names are global: the account keeps them unique across the accounts that deploy this.
const bucketName = (region: string) => `checkout-receipts-${Aws.ACCOUNT_ID}-${region}`;
/** The pair us-west-2 writes its receipts to: its own bucket, copied to us-east-1. */
const westReceiptsName = (region: string) => `checkout-receipts-west-${Aws.ACCOUNT_ID}-${region}`;
/**
 * One data set in two pairs: each region writes the receipts of the orders it serves to its own bucket,
 * which replicates to the other region, and reads the other region's copy. A region never writes into a
 * replica, whose writes would stay in that region.
 */
const RECEIPTS = 'receipts';
/**
 * Receipts are rendered from the carts table (where the RPO-critical state lives) and re-rendered after a
 * failover: losing the last 15 minutes of them (S3 Replication Time Control's bound) loses nothing that cannot
 * be rebuilt.
 */
const RECEIPTS_RPO = Duration.minutes(15);
const vaultName = (region: string) => `checkout-backups-${region}`;
/** Each region's bucket of application revisions, which that region's instances deploy from. */
const revisionBucketName = (region: string) => `checkout-revisions-${Aws.ACCOUNT_ID}-${region}`;

/**
 * How the revision buckets are copied: a revision lost in the copy is published again from the
 * pipeline (Replication Time Control's 15 minutes are this data set's own RPO), and the pipeline
 * keeps every revision, so AWS Backup does not back the bucket up.
 */
const REVISIONS_COPY = { rpoObjective: Duration.minutes(15), backupTag: false };

/** Props of {@link Tier0RegionStack}. */
export interface Tier0RegionStackProps extends StackProps {
  /** The region this stack serves from. */
  readonly region: string;
  /** The other serving region: backups are copied there. */
  readonly peerRegion: string;
  /** The service's public name. */
  readonly domain: ExampleDomain;
}

/**
 * One of the two serving regions of the TIER_0 example: everything a region needs to serve alone.
 *
 * A three-AZ network; a statically stable fleet behind an HTTPS load balancer (it keeps the
 * required capacity after losing an AZ without launching anything); a canary probing the public
 * name from this region; burn-rate SLO alarms over the load balancer and the canary; a golden-signals
 * dashboard; an AZ evacuation drill whose stop condition is the SLO page; AWS Backup with copies
 * to the other region's vault.
 */
export class Tier0RegionStack extends Stack {
  public readonly network: MultiAzNetwork;
  public readonly fleet: ResilientFleet;
  /** The bucket this region's instances deploy application revisions from. */
  public readonly revisions: s3.IBucket;
  public readonly slo: SloAlarms;
  public readonly canary: SyntheticCanary;
  public readonly backups: BackupPolicy;
  public readonly drill: AzEvacuationDrill;
  protected readonly zone: route53.IHostedZone;
  protected readonly url: string;

  constructor(scope: Construct, id: string, props: Tier0RegionStackProps) {
    super(scope, id, { ...props, env: { region: props.region } });
    const { region, domain } = props;
    this.zone = route53.HostedZone.fromHostedZoneAttributes(this, 'Zone', domain);
    // This region's canary probes this region by its own name (FailoverDns's regional record): a probe of
    // the latency-routed name would follow DNS to whichever region answers and miss this one's outage.
    this.url = `https://${regionalLabel(RECORD_NAME, region)}.${domain.zoneName}${READINESS_PATH}`;

    this.network = new MultiAzNetwork(this, 'Network', {
      tier: TIER,
      service: SERVICE,
      availabilityZones: ZONES[region],
      ipAddresses: ec2.IpAddresses.cidr(CIDRS[region]),
    });
    // A certificate of this region: ACM certificates are regional, and DNS validation lets each region renew its own.
    const certificate = new acm.Certificate(this, 'Certificate', {
      domainName: `${RECORD_NAME}.${domain.zoneName}`,
      subjectAlternativeNames: [`${regionalLabel(RECORD_NAME, region)}.${domain.zoneName}`],
      validation: acm.CertificateValidation.fromDns(this.zone),
    });
    // Revisions are published to us-east-1's bucket, which replicates them to us-west-2's: each region's new
    // instances fetch their code from their own region, the other one down (publish to the survivor's then).
    this.revisions =
      region === EAST
        ? new ReplicatedBucket(this, 'Revisions', {
            tier: TIER,
            service: SERVICE,
            bucketName: revisionBucketName(EAST),
            replicaRegion: WEST,
            replicaBucketName: revisionBucketName(WEST),
            ...REVISIONS_COPY,
          }).bucket
        : new ReplicaBucket(this, 'Revisions', { tier: TIER, service: SERVICE, bucketName: revisionBucketName(WEST) })
            .bucket;
    this.fleet = new ResilientFleet(this, 'Fleet', {
      tier: TIER,
      service: SERVICE,
      vpc: this.network.vpc,
      revisionBucket: this.revisions,
      machineImage: ec2.MachineImage.latestAmazonLinux2023({ cpuType: ec2.AmazonLinuxCpuType.ARM_64 }),
      // Graviton types that encrypt traffic between instances in transit (Control Tower CT.AUTOSCALING.PR.11).
      instanceTypes: [new ec2.InstanceType('m7g.large'), new ec2.InstanceType('m7gd.large')],
      requiredCapacity: 6,
      maxCapacity: 18,
      certificate,
      latencyThreshold: ZONE_LATENCY_THRESHOLD,
    });

    this.canary = new SyntheticCanary(this, 'Canary', { tier: TIER, service: SERVICE, url: this.url });
    this.slo = new SloAlarms(this, 'Slo', {
      tier: TIER,
      service: SERVICE,
      loadBalancer: this.fleet.loadBalancer,
      syntheticSuccessPercent: this.canary.metricSuccessPercent(),
    });
    this.drill = new AzEvacuationDrill(this, 'AzDrill', {
      tier: TIER,
      service: SERVICE,
      stopConditionAlarm: this.slo.pageAlarm,
      ebsKey: this.fleet.volumeKey,
      autoScalingGroup: this.fleet.autoScalingGroup,
      vpc: this.network.vpc,
      availabilityZone: ZONES[region][0],
      // First a gray failure of that AZ: the drill fails unless its Impaired alarm fires.
      zoneImpairedAlarms: this.fleet.zoneImpairedAlarms,
      latencyThreshold: ZONE_LATENCY_THRESHOLD,
      alarmTopic: this.fleet.alarmTopic,
    });
    this.backups = new BackupPolicy(this, 'Backups', {
      tier: TIER,
      service: SERVICE,
      backupVaultName: vaultName(region),
      copyToVaultArn: BackupCopyVault.vaultArn(this, props.peerRegion, vaultName(props.peerRegion)),
    });
  }
}

/**
 * us-east-1's copies of what us-west-2 writes: the bucket us-west-2's receipts replicate into must
 * exist before us-west-2's stack configures the replication, and us-east-1's own stack deploys after
 * us-west-2's, so the copy has a stack of its own that deploys first.
 */
export class Tier0EastReplicasStack extends Stack {
  /** us-east-1's copy of the receipts us-west-2 writes. */
  public readonly westReceipts: ReplicaBucket;

  constructor(scope: Construct, id: string, props: StackProps = {}) {
    super(scope, id, { ...props, env: { region: EAST } });
    this.westReceipts = new ReplicaBucket(this, 'WestReceipts', {
      tier: TIER,
      service: SERVICE,
      bucketName: westReceiptsName(EAST),
      dataSet: RECEIPTS,
    });
  }
}

/** Props of {@link Tier0WestStack}. */
export interface Tier0WestStackProps extends Omit<Tier0RegionStackProps, 'region' | 'peerRegion'> {
  /** The stack of us-east-1's copies, which must exist before this stack replicates into them. */
  readonly eastReplicas: Tier0EastReplicasStack;
}

/**
 * us-west-2: a serving region, and the destination of what us-east-1 replicates (the table's
 * replica, the receipts bucket, the secret): the keys and the bucket those copies land in live
 * here, so this stack deploys before us-east-1's. The receipts it writes go to a bucket of its own,
 * replicated to us-east-1.
 */
export class Tier0WestStack extends Tier0RegionStack {
  constructor(scope: Construct, id: string, props: Tier0WestStackProps) {
    super(scope, id, { ...props, region: WEST, peerRegion: EAST });
    const cartsKey = new ReplicaKey(this, 'CartsKey', { aliasName: GlobalTable.replicaKeyAliasName(TABLE_NAME) });
    // us-west-2's copy of the receipts us-east-1 writes: read here, never written (it replicates nowhere).
    const eastReceipts = new ReplicaBucket(this, 'Receipts', {
      tier: TIER,
      service: SERVICE,
      bucketName: bucketName(WEST),
      dataSet: RECEIPTS,
    });
    const westReceipts = new ReplicatedBucket(this, 'WestReceipts', {
      tier: TIER,
      service: SERVICE,
      bucketName: westReceiptsName(WEST),
      replicaRegion: EAST,
      replicaBucketName: westReceiptsName(EAST),
      rpoObjective: RECEIPTS_RPO,
      dataSet: RECEIPTS,
    });
    const secretKey = new SecretReplicaKey(this, 'SecretKey', { tier: TIER, service: SERVICE });
    // This region serves as us-east-1 does, from its own copies: a region loss in us-east-1 leaves it every grant it needs.
    GlobalTable.fromReplica(this, 'CartsReplica', TABLE_NAME, cartsKey.key).grantReadWriteData(this.fleet.role);
    eastReceipts.grantRead(this.fleet.role);
    acknowledgeObjectGrant(this.fleet.role, eastReceipts.bucket, 'read');
    westReceipts.grantReadWrite(this.fleet.role);
    acknowledgeObjectGrant(this.fleet.role, westReceipts.bucket, 'write');
    secretKey.grantReadReplica(this.fleet.role, SECRET_NAME);
    new GoldenSignalsDashboard(this, 'Dashboard', {
      tier: TIER,
      service: SERVICE,
      loadBalancer: this.fleet.loadBalancer,
      targetGroup: this.fleet.targetGroup,
      autoScalingGroup: this.fleet.autoScalingGroup,
      slo: this.slo,
      syntheticSuccessPercent: [this.canary.metricSuccessPercent()],
    });
  }
}

/** Props of {@link Tier0EastStack}. */
export interface Tier0EastStackProps extends Omit<Tier0RegionStackProps, 'region' | 'peerRegion'> {
  /** The us-west-2 stack: its load balancer joins the latency records and the dashboard. */
  readonly west: Tier0WestStack;
  /** us-east-1's copies of what us-west-2 writes: this region's fleet reads them. */
  readonly eastReplicas: Tier0EastReplicasStack;
}

/**
 * us-east-1: a serving region that also holds what spans both regions: the global table (writes
 * in both, replicated within about a second: the tier's RPO), the receipts bucket replicated to
 * us-west-2, the secret replicated there, the latency-routed DNS name with a health check per
 * region, the multi-region audit trail and a dashboard of both regions.
 */
export class Tier0EastStack extends Tier0RegionStack {
  public readonly table: GlobalTable;
  public readonly dns: FailoverDns;

  constructor(scope: Construct, id: string, props: Tier0EastStackProps) {
    // Cross-region references carry the us-west-2 load balancer into the DNS records and the dashboard.
    super(scope, id, { ...props, region: EAST, peerRegion: WEST, crossRegionReferences: true });
    const { west } = props;
    this.table = new GlobalTable(this, 'Carts', {
      tier: TIER,
      service: SERVICE,
      tableName: TABLE_NAME,
      partitionKey: { name: 'cartId', type: dynamodb.AttributeType.STRING },
      replicaRegions: [WEST],
      timeToLiveAttribute: 'expiresAt',
    });
    this.table.grantReadWriteData(this.fleet.role);
    const receipts = new ReplicatedBucket(this, 'Receipts', {
      tier: TIER,
      service: SERVICE,
      bucketName: bucketName(EAST),
      replicaRegion: WEST,
      replicaBucketName: bucketName(WEST),
      rpoObjective: RECEIPTS_RPO,
      dataSet: RECEIPTS,
    });
    receipts.grantReadWrite(this.fleet.role);
    acknowledgeObjectGrant(this.fleet.role, receipts.bucket, 'write');
    // The receipts us-west-2 wrote, from this region's copy (by name: a reference would cross stacks).
    const westReceipts = s3.Bucket.fromBucketAttributes(this, 'WestReceiptsCopy', {
      bucketName: westReceiptsName(EAST),
      encryptionKey: props.eastReplicas.westReceipts.encryptionKey,
    });
    westReceipts.grantRead(this.fleet.role);
    acknowledgeObjectGrant(this.fleet.role, westReceipts, 'read');
    const secret = new EncryptedSecret(this, 'PaymentApiKey', {
      tier: TIER,
      service: SERVICE,
      secretName: SECRET_NAME,
      description: 'API key of the payment provider',
      replicaRegions: [WEST],
      rotatedExternally:
        'the payment provider issues this key and only its console can revoke it; it is rotated there on the ' +
        "provider's schedule and written here with put-secret-value, so no rotation function could do it",
    });
    secret.grantRead(this.fleet.role);

    this.dns = new FailoverDns(this, 'Dns', {
      tier: TIER,
      service: SERVICE,
      hostedZone: this.zone,
      recordName: RECORD_NAME,
      endpoints: [
        { region: EAST, loadBalancer: this.fleet.loadBalancer },
        { region: WEST, loadBalancer: west.fleet.loadBalancer },
      ],
    });
    new GoldenSignalsDashboard(this, 'Dashboard', {
      tier: TIER,
      service: SERVICE,
      loadBalancer: this.fleet.loadBalancer,
      targetGroup: this.fleet.targetGroup,
      autoScalingGroup: this.fleet.autoScalingGroup,
      slo: this.slo,
      syntheticSuccessPercent: [this.canary.metricSuccessPercent()],
      regions: [
        { region: EAST, loadBalancer: this.fleet.loadBalancer },
        { region: WEST, loadBalancer: west.fleet.loadBalancer },
      ],
      alarms: this.dns.healthCheckAlarms,
    });
    // What users reach: the latency-routed name, from here.
    new SyntheticCanary(this, 'GlobalCanary', {
      tier: TIER,
      service: SERVICE,
      url: `https://${RECORD_NAME}.${props.domain.zoneName}${READINESS_PATH}`,
    });
    new AuditTrail(this, 'AuditTrail', { tier: TIER, service: SERVICE, compliance: { retentionDays: 365 } });
    // The replicas' keys and the replica bucket must exist before replication to them is configured.
    this.addStackDependency(west);
  }
}

/**
 * Acknowledges the wildcards of `grantReadWrite` (or `grantRead`) on a bucket: the instances write
 * objects under keys chosen at run time (so `<bucket>/*`), abort their own multipart uploads and
 * delete objects (versioning keeps what they delete), and have S3 encrypt each object with a data
 * key of the bucket's key; a reader gets objects and lists under any key.
 */
function acknowledgeObjectGrant(role: iam.IRole, bucket: s3.IBucket, access: 'read' | 'write'): void {
  const name = bucket.node.scope!.node.id;
  const reason =
    access === 'write'
      ? `the ${SERVICE} instances read and write objects of ${name} under keys chosen at run time; versioning keeps what they delete, and S3 encrypts each object with a data key of the bucket's key`
      : `the ${SERVICE} instances read objects of ${name} (the other region's receipts) under keys chosen at run time`;
  const findings =
    access === 'write'
      ? ['Action::s3:Abort*', 'Action::s3:DeleteObject*', 'Action::kms:GenerateDataKey*', 'Action::kms:ReEncrypt*']
      : ['Action::s3:GetObject*', 'Action::s3:GetBucket*', 'Action::s3:List*'];
  for (const finding of [...findings, `Resource::${nagName(Stack.of(role).resolve(bucket.arnForObjects('*')))}`]) {
    Validations.of(role).acknowledge({ id: `AwsSolutions-IAM5[${finding}]`, reason });
  }
}

/** The stacks of the TIER_0 example. */
export interface Tier0Stacks {
  readonly eastReplicas: Tier0EastReplicasStack;
  readonly west: Tier0WestStack;
  readonly east: Tier0EastStack;
}

/**
 * TIER_0, multi-site active/active: `Tier0-us-west-2` and `Tier0-us-east-1` both serve, Route 53
 * latency records send each client to the nearest healthy region.
 */
export function addTier0ActiveActive(app: App, domain: ExampleDomain): Tier0Stacks {
  const description = 'ha-constructs example: TIER_0 active/active in us-east-1 and us-west-2';
  const eastReplicas = new Tier0EastReplicasStack(app, 'Tier0-us-east-1-Replicas', { description });
  const west = new Tier0WestStack(app, 'Tier0-us-west-2', { domain, eastReplicas, description });
  // us-west-2's receipts replicate into the copy, which must exist first.
  west.addStackDependency(eastReplicas);
  const east = new Tier0EastStack(app, 'Tier0-us-east-1', { domain, west, eastReplicas, description });
  // Once deployed, Resilience Hub assesses the service's stacks against TIER_0's objectives every day.
  new ResilienceHubApp(east, 'ResilienceHub', { tier: TIER, service: SERVICE, stacks: [eastReplicas, west, east] });
  for (const stack of [west, east]) {
    acknowledgeHaFinding(stack, 'HA-RES2', CARTS_RPO_UNPROVEN);
    acknowledgeHaFinding(stack, 'HA-AZ6', GRAY_FAILURE_AZ_RTO);
  }
  return { eastReplicas, west, east };
}

/** Why TIER_0's AZ RTO is not met for an AZ that fails while its targets pass health checks (the report says so). */
const GRAY_FAILURE_AZ_RTO =
  "an AZ lost outright is out of service within TIER_0's 30 s (target health checks), but a gray failure (an AZ " +
  "whose requests fail while its targets pass health checks) takes the per-AZ alarms' 2 of 3 one-minute periods " +
  "(more than 60 s: the load balancer publishes its metrics every minute), then ARC's zonal shift (no published " +
  "time), then the load balancer's 60 s DNS TTL: at least 120 s; the fleet starts the shift itself, and its AZ " +
  'drill rehearses the detection';

/** Why TIER_0's region RTO and RPO stay unproven, and what would prove them (the report keeps saying so). */
const CARTS_RPO_UNPROVEN =
  'when a region fails the other carries the whole load on a fleet that must scale out (no ' +
  'published time), and the carts table replicates with eventual consistency, whose lag AWS does not bound: both stay ' +
  'unproven until a region drill measures them; multi-region strong consistency (a witness in us-east-2) would bound ' +
  "the RPO at 0 s for higher write latency, once its support for the table's TTL is confirmed";
