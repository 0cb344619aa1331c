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

/** The public name clients use: a Route 53 hosted zone you own and the record in it. */
export interface ExampleDomain {
  /** Id of the hosted zone (`Z0123456789ABC`). */
  readonly hostedZoneId: string;
  /** Name of the hosted zone (`example.com`). */
  readonly zoneName: string;
}

const TIER = ServiceTier.TIER_0;
const SERVICE = 'checkout';
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
 * us-west-2: a serving region, and the destination of what us-east-1 replicates (the table's
 * replica, the receipts bucket, the secret): the keys and the bucket those copies land in live
 * here, so this stack deploys first.
 */
export class Tier0WestStack extends Tier0RegionStack {
  constructor(scope: Construct, id: string, props: Omit<Tier0RegionStackProps, 'region' | 'peerRegion'>) {
    super(scope, id, { ...props, region: WEST, peerRegion: EAST });
    const cartsKey = new ReplicaKey(this, 'CartsKey', { aliasName: GlobalTable.replicaKeyAliasName(TABLE_NAME) });
    const receipts = new ReplicaBucket(this, 'Receipts', {
      tier: TIER,
      service: SERVICE,
      bucketName: bucketName(WEST),
    });
    const secretKey = new SecretReplicaKey(this, 'SecretKey', { tier: TIER, service: SERVICE });
    // This region serves as us-east-1 does, from its own copies: a region loss in us-east-1 leaves it every grant it needs.
    GlobalTable.fromReplica(this, 'CartsReplica', TABLE_NAME, cartsKey.key).grantReadWriteData(this.fleet.role);
    receipts.grantReadWrite(this.fleet.role);
    acknowledgeObjectGrant(this.fleet.role, receipts.bucket);
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
      // Receipts are rendered from the carts table (where the RPO-critical state lives) and re-rendered after a
      // failover: losing the last 15 minutes of them (S3 Replication Time Control's bound) loses nothing that cannot be rebuilt.
      rpoObjective: Duration.minutes(15),
    });
    receipts.grantReadWrite(this.fleet.role);
    acknowledgeObjectGrant(this.fleet.role, receipts.bucket);
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
 * Acknowledges the wildcards of `grantReadWrite` on a bucket: the instances write objects under
 * keys chosen at run time (so `<bucket>/*`), abort their own multipart uploads and delete objects
 * (versioning keeps what they delete), and have S3 encrypt each object with a data key of the
 * bucket's key.
 */
function acknowledgeObjectGrant(role: iam.IRole, bucket: s3.Bucket): void {
  const logicalId = Stack.of(bucket).getLogicalId(bucket.node.defaultChild as s3.CfnBucket);
  const reason = `the ${SERVICE} instances read and write objects of ${bucket.node.scope!.node.id} under keys chosen at run time; versioning keeps what they delete, and S3 encrypts each object with a data key of the bucket's key`;
  for (const finding of [
    'Action::s3:Abort*',
    'Action::s3:DeleteObject*',
    `Resource::<${logicalId}.Arn>/*`,
    'Action::kms:GenerateDataKey*',
    'Action::kms:ReEncrypt*',
  ]) {
    Validations.of(role).acknowledge({ id: `AwsSolutions-IAM5[${finding}]`, reason });
  }
}

/** The stacks of the TIER_0 example. */
export interface Tier0Stacks {
  readonly west: Tier0WestStack;
  readonly east: Tier0EastStack;
}

/**
 * TIER_0, multi-site active/active: `Tier0-us-west-2` and `Tier0-us-east-1` both serve, Route 53
 * latency records send each client to the nearest healthy region.
 */
export function addTier0ActiveActive(app: App, domain: ExampleDomain): Tier0Stacks {
  const description = 'ha-constructs example: TIER_0 active/active in us-east-1 and us-west-2';
  const west = new Tier0WestStack(app, 'Tier0-us-west-2', { domain, description });
  const east = new Tier0EastStack(app, 'Tier0-us-east-1', { domain, west, description });
  // Once deployed, Resilience Hub assesses both regions' stacks against TIER_0's objectives every day.
  new ResilienceHubApp(east, 'ResilienceHub', { tier: TIER, service: SERVICE, stacks: [west, east] });
  for (const stack of [west, east]) {
    acknowledgeHaFinding(stack, 'HA-RES2', CARTS_RPO_UNPROVEN);
  }
  return { west, east };
}

/** Why TIER_0's region RTO and RPO stay unproven, and what would prove them (the report keeps saying so). */
const CARTS_RPO_UNPROVEN =
  'when a region fails the other carries the whole load on a fleet that must scale out (no ' +
  'published time), and the carts table replicates with eventual consistency, whose lag AWS does not bound: both stay ' +
  'unproven until a region drill measures them; multi-region strong consistency (a witness in us-east-2) would bound ' +
  "the RPO at 0 s for higher write latency, once its support for the table's TTL is confirmed";
