import { App, Aws, Stack, StackProps } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as targets from 'aws-cdk-lib/aws-route53-targets';
import { Construct } from 'constructs';
import {
  acknowledgeHaFinding,
  AzEvacuationDrill,
  BackupCopyVault,
  BackupPolicy,
  GoldenSignalsDashboard,
  HaRole,
  MultiAzNetwork,
  ReplicaBucket,
  ReplicatedBucket,
  ReplicatedDatabase,
  ResilienceHubApp,
  ResilientFleet,
  ServiceTier,
  SloAlarms,
  SyntheticCanary,
} from '../../lib';
import { ExampleDomain } from '../tier0-active-active';

const TIER = ServiceTier.TIER_3;
const SERVICE = 'reports';
const PRIMARY = 'us-east-1';
const BACKUP_REGION = 'us-west-2';
/** TIER_3 asks for two AZs. */
const ZONES = ['us-east-1a', 'us-east-1b'];
const COPY_VAULT = 'reports-dr';
const RECORD_NAME = 'reports';
/** Each region's bucket of application revisions, which a fleet of that region deploys from. */
const revisionBucketName = (region: string) => `reports-revisions-${Aws.ACCOUNT_ID}-${region}`;

/**
 * Why the HA report cannot bound TIER_3's region RTO, acknowledged on both stacks of the service:
 * the RTO of backup and restore is the time a restore takes, which depends on the data.
 */
const RESTORE_TIME_UNPROVEN =
  'backup and restore: the region RTO is the time to restore the copies in us-west-2, which depends on the data size; the weekly restore test of the BackupPolicy measures it, the templates cannot';

/**
 * us-west-2, deployed first: the vault that receives the backup copies and the copy of the
 * application's revisions. Nothing serves from this region; after a region loss, the service is
 * restored here from these copies, and the fleet built here deploys its code from that bucket.
 */
export class Tier3BackupVaultStack extends Stack {
  public readonly vault: BackupCopyVault;
  /** The copy of the revisions a fleet restored in this region deploys from. */
  public readonly revisions: ReplicaBucket;

  constructor(scope: Construct, id: string, props: StackProps = {}) {
    super(scope, id, { ...props, env: { region: BACKUP_REGION } });
    this.vault = new BackupCopyVault(this, 'Backups', {
      tier: TIER,
      service: SERVICE,
      role: HaRole.REPLICA,
      backupVaultName: COPY_VAULT,
    });
    this.revisions = new ReplicaBucket(this, 'Revisions', {
      tier: TIER,
      service: SERVICE,
      role: HaRole.REPLICA,
      bucketName: revisionBucketName(BACKUP_REGION),
    });
    acknowledgeHaFinding(this, 'HA-RES2', RESTORE_TIME_UNPROVEN);
  }
}

/** Props of {@link Tier3Stack}. */
export interface Tier3StackProps extends StackProps {
  /** The service's public name. */
  readonly domain: ExampleDomain;
}

/**
 * us-east-1, the one serving region: a two-AZ network, a fleet with an instance in each AZ,
 * an Aurora cluster with a reader in the second AZ, a canary, SLO alarms and a dashboard, an AZ evacuation
 * drill, and AWS Backup copying every recovery point to us-west-2 and restoring the latest one
 * every week (the policy's default restore test) to prove it can.
 */
export class Tier3Stack extends Stack {
  public readonly network: MultiAzNetwork;
  public readonly fleet: ResilientFleet;
  /** The bucket this region's instances deploy application revisions from, replicated to us-west-2. */
  public readonly revisions: ReplicatedBucket;
  public readonly database: ReplicatedDatabase;
  public readonly slo: SloAlarms;
  public readonly backups: BackupPolicy;

  constructor(scope: Construct, id: string, props: Tier3StackProps) {
    super(scope, id, { ...props, env: { region: PRIMARY } });
    const zone = route53.HostedZone.fromHostedZoneAttributes(this, 'Zone', props.domain);
    this.network = new MultiAzNetwork(this, 'Network', { tier: TIER, service: SERVICE, availabilityZones: ZONES });
    // Revisions are published here and replicated to us-west-2, where a restored service deploys them from.
    // The pipeline keeps every revision: AWS Backup does not back the bucket up.
    this.revisions = new ReplicatedBucket(this, 'Revisions', {
      tier: TIER,
      service: SERVICE,
      bucketName: revisionBucketName(PRIMARY),
      replicaRegion: BACKUP_REGION,
      replicaBucketName: revisionBucketName(BACKUP_REGION),
      backupTag: false,
    });
    this.fleet = new ResilientFleet(this, 'Fleet', {
      tier: TIER,
      service: SERVICE,
      vpc: this.network.vpc,
      revisionBucket: this.revisions.bucket,
      machineImage: ec2.MachineImage.latestAmazonLinux2023({ cpuType: ec2.AmazonLinuxCpuType.ARM_64 }),
      // Graviton types that encrypt traffic between instances in transit (Control Tower CT.AUTOSCALING.PR.11).
      instanceTypes: [new ec2.InstanceType('m7g.large'), new ec2.InstanceType('m7gd.large')],
      requiredCapacity: 2,
      maxCapacity: 6,
      certificate: new acm.Certificate(this, 'Certificate', {
        domainName: `${RECORD_NAME}.${props.domain.zoneName}`,
        validation: acm.CertificateValidation.fromDns(zone),
      }),
    });
    // One region, so a plain alias record: there is no other region to fail over to.
    new route53.ARecord(this, 'Record', {
      zone,
      recordName: RECORD_NAME,
      target: route53.RecordTarget.fromAlias(
        new targets.LoadBalancerTarget(this.fleet.loadBalancer, { evaluateTargetHealth: true }),
      ),
    });
    this.database = new ReplicatedDatabase(this, 'Database', {
      tier: TIER,
      service: SERVICE,
      vpc: this.network.vpc,
      databaseName: 'reports',
    });
    this.database.connections.allowDefaultPortFrom(this.fleet);
    this.database.grantConnect(this.fleet.role, 'reports_app');

    const canary = new SyntheticCanary(this, 'Canary', {
      tier: TIER,
      service: SERVICE,
      url: `https://${RECORD_NAME}.${props.domain.zoneName}/health/ready`,
    });
    this.slo = new SloAlarms(this, 'Slo', {
      tier: TIER,
      service: SERVICE,
      loadBalancer: this.fleet.loadBalancer,
      syntheticSuccessPercent: canary.metricSuccessPercent(),
    });
    new GoldenSignalsDashboard(this, 'Dashboard', {
      tier: TIER,
      service: SERVICE,
      loadBalancer: this.fleet.loadBalancer,
      targetGroup: this.fleet.targetGroup,
      autoScalingGroup: this.fleet.autoScalingGroup,
      databaseCluster: this.database.cluster,
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
      availabilityZone: ZONES[0],
      databaseCluster: this.database.cluster,
    });
    this.backups = new BackupPolicy(this, 'Backups', {
      tier: TIER,
      service: SERVICE,
      copyToVaultArn: BackupCopyVault.vaultArn(this, BACKUP_REGION, COPY_VAULT),
    });
    acknowledgeHaFinding(this, 'HA-RES2', RESTORE_TIME_UNPROVEN);
  }
}

/** The stacks of the TIER_3 example, in deployment order. */
export interface Tier3Stacks {
  readonly backupVault: Tier3BackupVaultStack;
  readonly primary: Tier3Stack;
}

/** TIER_3, backup and restore: `Tier3-us-west-2-Backups`, then `Tier3-us-east-1`. */
export function addTier3BackupRestore(app: App, domain: ExampleDomain): Tier3Stacks {
  const description = 'ha-constructs example: TIER_3 backup and restore, us-east-1 with backup copies in us-west-2';
  const backupVault = new Tier3BackupVaultStack(app, 'Tier3-us-west-2-Backups', { description });
  const primary = new Tier3Stack(app, 'Tier3-us-east-1', { domain, description });
  primary.addStackDependency(backupVault);
  // Once deployed, Resilience Hub assesses both stacks (the copies' vault too) against TIER_3's objectives every day.
  new ResilienceHubApp(primary, 'ResilienceHub', { tier: TIER, service: SERVICE, stacks: [backupVault, primary] });
  return { backupVault, primary };
}
