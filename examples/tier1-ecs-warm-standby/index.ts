import { App, CfnParameter, Duration, RemovalPolicy, Stack, StackProps } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import {
  acknowledgeHaFinding,
  AzEvacuationDrill,
  BackupCopyVault,
  BackupPolicy,
  FailoverDns,
  FailoverRunbooks,
  FailoverRunbooksProps,
  FailoverTrigger,
  GlobalDatabase,
  GlobalDatabaseSecondary,
  HaRole,
  ImageRepository,
  MultiAzNetwork,
  promotedReaderIdentifier,
  READINESS_PATH,
  RegionEvacuationDrill,
  regionalLabel,
  RegistryReplication,
  ResilienceHubApp,
  ResilientService,
  SecretReplicaKey,
  ServiceTier,
  SloAlarms,
  SyntheticCanary,
} from '../../lib';
import { ExampleDomain } from '../tier0-active-active';

const TIER = ServiceTier.TIER_1;
const SERVICE = 'invoices';
const PRIMARY = 'us-east-1';
const STANDBY = 'us-west-2';
/**
 * The third region, which serves nothing: its canary probes the serving region's own name too, and
 * an automatic promotion goes on only when it agrees that the serving region is lost. It also holds
 * a second secondary of the global database, so that the managed RPO never waits on one region alone.
 */
const WITNESS = 'us-east-2';
const REGIONS = [PRIMARY, STANDBY];
const ZONES: Record<string, string[]> = {
  [PRIMARY]: ['us-east-1a', 'us-east-1b', 'us-east-1c'],
  [STANDBY]: ['us-west-2a', 'us-west-2b', 'us-west-2c'],
  [WITNESS]: ['us-east-2a', 'us-east-2b', 'us-east-2c'],
};
const CIDRS: Record<string, string> = {
  [PRIMARY]: '10.2.0.0/16',
  [STANDBY]: '10.3.0.0/16',
  [WITNESS]: '10.4.0.0/16',
};
const GLOBAL_CLUSTER = 'invoices';
const COPY_VAULT = 'invoices-dr';
const RECORD_NAME = 'invoices';
const REPOSITORY = 'invoices/api';
const DATABASE_USER = 'invoices_app';
/** Tasks that carry peak load; each region runs ⌈6 / 2⌉ × 3 = 9, so that losing an AZ leaves 6. */
const REQUIRED_TASKS = 6;
const MAX_TASKS = 18;
/** The class of the Aurora instances: GlobalDatabase's and GlobalDatabaseSecondary's default, r6g.large. */
const DATABASE_INSTANCE_CLASS = 'db.r6g.large';
/**
 * Minutes of failed probes of the serving region, seen from the region that stands by, before the
 * failover starts on its own: five one-minute runs in a row, so that a blip (one failed run, a
 * deployment's rollback) never promotes the standby and loses writes.
 */
const FAILOVER_AFTER_MINUTES = 5;

/**
 * The image every task of both regions runs, by digest (TIER_1 deploys by digest only): the context
 * value `invoicesImageDigest`, which the pipeline sets to what it pushed to us-east-1's repository
 * (and ECR replicated to us-west-2's). The default is a well-formed digest that synthesizes; deploy
 * with your own.
 */
function imageDigest(app: App): string {
  return (
    app.node.tryGetContext('invoicesImageDigest') ??
    'sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef'
  );
}

/** The region other than `region`. */
function otherRegion(region: string): string {
  return region === PRIMARY ? STANDBY : PRIMARY;
}

/** The name that always answers with one region: what its canaries probe. */
function regionalUrlHost(region: string, domain: ExampleDomain): string {
  return `${regionalLabel(RECORD_NAME, region)}.${domain.zoneName}`;
}

/** A regional certificate for the service's name and this region's own name, validated through the zone. */
function certificateFor(scope: Construct, zone: route53.IHostedZone, domain: ExampleDomain): acm.Certificate {
  return new acm.Certificate(scope, 'Certificate', {
    domainName: `${RECORD_NAME}.${domain.zoneName}`,
    subjectAlternativeNames: [regionalUrlHost(Stack.of(scope).region, domain)],
    validation: acm.CertificateValidation.fromDns(zone),
  });
}

/**
 * us-west-2, deployed first: what the primary writes into the standby region must have somewhere to
 * land: the key of the database credentials' replica, the vault of the backup copies, and the
 * registry that receives the images (its creation template gives the replica repository its key
 * and lifecycle before the first image replicates).
 */
export class Tier1EcsStandbyKeysStack extends Stack {
  public readonly secretKey: SecretReplicaKey;
  public readonly copyVault: BackupCopyVault;
  /** us-west-2's registry: the replica of the images, which its tasks pull. */
  public readonly registry: RegistryReplication;

  constructor(scope: Construct, id: string, props: StackProps = {}) {
    super(scope, id, { ...props, env: { region: STANDBY } });
    this.secretKey = new SecretReplicaKey(this, 'SecretKey', { tier: TIER, service: SERVICE, role: HaRole.STANDBY });
    this.copyVault = new BackupCopyVault(this, 'Backups', {
      tier: TIER,
      service: SERVICE,
      role: HaRole.STANDBY,
      backupVaultName: COPY_VAULT,
    });
    this.registry = new RegistryReplication(this, 'Registry');
  }
}

/**
 * us-east-1's image repository, replicated to us-west-2's registry: a stack of its own, deployed
 * before the services, because a service starts no task until its digest is in the repository of
 * its region. Push the image here, wait until it has replicated to us-west-2, then deploy the
 * regions' stacks.
 */
export class Tier1EcsImagesStack extends Stack {
  public readonly images: ImageRepository;

  constructor(scope: Construct, id: string, props: StackProps & { readonly keys: Tier1EcsStandbyKeysStack }) {
    super(scope, id, { ...props, env: { region: PRIMARY } });
    // Images are pushed here and replicate to us-west-2, whose tasks pull their own copy.
    this.images = new ImageRepository(this, 'Images', {
      tier: TIER,
      service: SERVICE,
      repositoryName: REPOSITORY,
      registry: new RegistryReplication(this, 'Registry'),
      replicaRegistries: [props.keys.registry],
    });
  }
}

/** Props of {@link Tier1EcsPrimaryStack} and {@link Tier1EcsStandbyStack}. */
export interface Tier1EcsRegionStackProps extends StackProps {
  /** The service's public name. */
  readonly domain: ExampleDomain;
  /** The image digest both regions run. */
  readonly imageDigest: string;
  /**
   * The region that serves now: us-east-1, or us-west-2 after a failover. Deploying with the region
   * that serves keeps `cdk deploy` from undoing a failover (DNS sending clients back to a region
   * whose database is no longer the writer) and puts the failover runbooks, and the alarm that
   * starts them, in the region that stands by.
   * @default 'us-east-1'
   */
  readonly activeRegion?: string;
}

/**
 * The network of one region: three AZs, a NAT gateway in each, its own CIDR (the regions' VPCs
 * never overlap, so that they can be peered later).
 */
function addNetwork(stack: Stack, role: HaRole): MultiAzNetwork {
  const region = stack.region;
  return new MultiAzNetwork(stack, 'Network', {
    tier: TIER,
    service: SERVICE,
    role,
    availabilityZones: ZONES[region],
    ipAddresses: ec2.IpAddresses.cidr(CIDRS[region]),
  });
}

/** What the ECS service of a region reads and where its database is. */
interface RegionServiceInputs {
  readonly role: HaRole;
  readonly network: MultiAzNetwork;
  /** The image repository of this region: the source in us-east-1, the replica in us-west-2. */
  readonly repository: ecr.IRepository;
  /** The cluster endpoint of this region's member of the global database (its writer once promoted). */
  readonly databaseHost: string;
}

/** What a region's service brings: the service and its SLO alarms. */
interface RegionService {
  readonly service: ResilientService;
  readonly slo: SloAlarms;
}

/**
 * The ECS service of one region: the same task count in both (a hot standby: no task has to launch
 * before the standby carries the whole load, because Fargate publishes no launch time and reserves
 * no capacity for a standby), statically stable over three AZs, pulling the image from its own
 * region's repository by digest, connecting to its own region's cluster with IAM authentication;
 * its canary and SLO alarms.
 */
function addService(stack: Stack, props: Tier1EcsRegionStackProps, inputs: RegionServiceInputs): RegionService {
  const region = stack.region;
  const role = inputs.role;
  const zone = route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', props.domain);
  const zones = ZONES[region].length;
  const service = new ResilientService(stack, 'Service', {
    tier: TIER,
    service: SERVICE,
    role,
    vpc: inputs.network.vpc,
    repository: inputs.repository,
    imageTagOrDigest: props.imageDigest,
    requiredCount: REQUIRED_TASKS,
    maxCount: MAX_TASKS,
    // Standing by, it runs what the serving region runs: the failover waits on no task launch.
    standbyCount: Math.ceil(REQUIRED_TASKS / (zones - 1)) * zones,
    cpu: 512,
    memoryLimitMiB: 1024,
    certificate: certificateFor(stack, zone, props.domain),
    environment: { DATABASE_HOST: inputs.databaseHost, DATABASE_USER },
  });
  // This region's canary probes this region (its own name), from here.
  const canary = new SyntheticCanary(stack, 'Canary', {
    tier: TIER,
    service: SERVICE,
    role,
    url: `https://${regionalUrlHost(region, props.domain)}${READINESS_PATH}`,
  });
  const slo = new SloAlarms(stack, 'Slo', {
    tier: TIER,
    service: SERVICE,
    role,
    loadBalancer: service.loadBalancer,
    syntheticSuccessPercent: canary.metricSuccessPercent(),
  });
  return { service, slo };
}

/** Name of the witness's alarm on `serving`: the standby's promotion reads it by name in {@link WITNESS}. */
function witnessAlarmName(serving: string): string {
  return `${SERVICE}-${serving}-lost-seen-from-${WITNESS}`;
}

/**
 * A canary in `stack`'s region that probes the serving region's own name (its deep check) every
 * minute, and an alarm that fires after {@link FAILOVER_AFTER_MINUTES} failed runs in a row.
 * Missing runs do not count: a canary that cannot run says nothing about the serving region (a
 * run against a blackholed target is not missing: the probe's request times out before the run
 * does, so the run fails). A blind canary is not silent either: its own success alarm treats
 * missing runs as failures and pages.
 */
function servingRegionLost(
  stack: Stack,
  domain: ExampleDomain,
  serving: string,
  what: string,
  alarmName?: string,
): { alarm: cloudwatch.Alarm; probe: SyntheticCanary } {
  const probe = new SyntheticCanary(stack, 'ServingRegionCanary', {
    tier: TIER,
    service: SERVICE,
    url: `https://${regionalUrlHost(serving, domain)}${READINESS_PATH}`,
  });
  const alarm = new cloudwatch.Alarm(stack, 'ServingRegionLost', {
    alarmName,
    alarmDescription:
      `${SERVICE}: ${serving} failed its deep check from ${stack.region} for ${FAILOVER_AFTER_MINUTES} min in a row: ` +
      what,
    metric: probe.metricSuccessPercent().with({ period: Duration.minutes(1) }),
    threshold: 100,
    comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
    evaluationPeriods: FAILOVER_AFTER_MINUTES,
    datapointsToAlarm: FAILOVER_AFTER_MINUTES,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  });
  alarm.addAlarmAction(new cloudwatchActions.SnsAction(probe.alarmTopic));
  alarm.addOkAction(new cloudwatchActions.SnsAction(probe.alarmTopic));
  // The failover's pages (this alarm, and a promotion stopped for a decision) reach the on-call's tool.
  const onCall = new CfnParameter(stack, 'OnCallPageUrl', {
    description:
      `HTTPS endpoint of the on-call tool's SNS integration that pages a person for ${SERVICE}'s region ` +
      'failover (the alarm, and a promotion that stopped for a decision); the tool confirms the subscription',
    allowedPattern: '^https://\\S+$',
  });
  probe.alarmTopic.addSubscription(
    new subscriptions.UrlSubscription(onCall.valueAsString, { protocol: sns.SubscriptionProtocol.HTTPS }),
  );
  return { alarm, probe };
}

/**
 * What starts the failover in this region when the serving one is lost: {@link servingRegionLost}
 * seen from here, corroborated by the witness in {@link WITNESS}. Seen from here alone it may be
 * this region's own path that failed; the promotion (which loses the writes not yet replicated)
 * waits for the witness to agree and otherwise pages through this canary's topic and stops.
 */
function failoverTrigger(stack: Stack, domain: ExampleDomain): FailoverTrigger {
  const serving = otherRegion(stack.region);
  const { alarm, probe } = servingRegionLost(
    stack,
    domain,
    serving,
    `the runbooks promote ${stack.region}'s database (losing at most the writes not yet replicated) once the ` +
      `witness in ${WITNESS} agrees (${witnessAlarmName(serving)}); if it does not, the promotion pages and stops`,
  );
  return FailoverTrigger.alarm(alarm, {
    witness: {
      region: WITNESS,
      alarmName: witnessAlarmName(serving),
      pageTopic: probe.alarmTopic,
      // The witness's chain: the promotion waits for one whole chain after a missed run, 6 minutes.
      alarmPeriod: Duration.minutes(1),
      alarmEvaluationPeriods: FAILOVER_AFTER_MINUTES,
    },
  });
}

/** Props of {@link Tier1EcsWitnessStack}. */
export interface Tier1EcsWitnessStackProps extends StackProps {
  /** The service's public name. */
  readonly domain: ExampleDomain;
  /**
   * The region that serves now, whose own name the witness probes.
   * @default 'us-east-1'
   */
  readonly activeRegion?: string;
}

/**
 * The witness, in {@link WITNESS}: the serving region's own name probed from a region that is
 * neither it nor the standby, so that a failure of the standby's own path never promotes. Its alarm
 * pages from here as well: if the standby's trigger is blind (its Synthetics down), the failover
 * does not start, and this page says so.
 *
 * It serves nothing, but holds a second secondary of the global database with one reader: AWS's
 * `rds.global_db_rpo` blocks the writer's commits only while every secondary lags more than the
 * RPO, so with secondaries in us-west-2 and here, an outage of either region (or of the path to it)
 * no longer stops the writes. A headless secondary would cost no instance, but AWS does not say the
 * managed RPO measures one, and the HA report does not count it. It is no failover target: the
 * runbooks promote the standby's cluster, and Aurora rebuilds this one from the new writer
 * (minutes to hours), after which the promoted writer's managed RPO need not wait for us-east-1.
 */
export class Tier1EcsWitnessStack extends Stack {
  /** The alarm the standby's promotion reads before it goes on. */
  public readonly alarm: cloudwatch.Alarm;
  /** The network of the second secondary: three AZs, the cluster in the isolated subnets. */
  public readonly network: MultiAzNetwork;
  /** The second secondary of the global database, which keeps the managed RPO off one region. */
  public readonly database: GlobalDatabaseSecondary;

  constructor(scope: Construct, id: string, props: Tier1EcsWitnessStackProps) {
    super(scope, id, { ...props, env: { region: WITNESS } });
    const serving = props.activeRegion ?? PRIMARY;
    this.network = addNetwork(this, HaRole.REPLICA);
    this.database = new GlobalDatabaseSecondary(this, 'Database', {
      tier: TIER,
      service: SERVICE,
      vpc: this.network.vpc,
      globalClusterIdentifier: GLOBAL_CLUSTER,
      primaryRegion: serving,
      // One reader: the ordinary secondary AWS's managed RPO text describes; of a headless one, AWS says nothing.
      readers: 1,
      // A copy of every invoice: leaving the stack never deletes it.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.alarm = servingRegionLost(
      this,
      props.domain,
      serving,
      `the witness agrees that ${serving} is lost, and ${otherRegion(serving)}'s runbooks promote its database; ` +
        `if no PromoteDatabase execution started in ${otherRegion(serving)} (its own probe blind), decide and start it`,
      witnessAlarmName(serving),
    ).alarm;
  }
}

/**
 * Each region's evacuation drill and the probe it stops on: it stops only when users cannot reach
 * the service at all (the probe of the routed name fails for longer than the region RTO). The drill
 * of the serving region cuts it for 30 minutes, so the other region's {@link failoverTrigger} fires
 * and promotes its database for real (an alarm cannot tell a drill from an outage): that is the
 * rehearsal the region RTO needs, and afterwards the service serves from the other region until
 * the failback runbooks bring it back (deploy with `activeRegion` meanwhile).
 */
function addRegionDrill(stack: Stack, network: MultiAzNetwork, domain: ExampleDomain): void {
  const globalCanary = new SyntheticCanary(stack, 'GlobalCanary', {
    tier: TIER,
    service: SERVICE,
    url: `https://${RECORD_NAME}.${domain.zoneName}${READINESS_PATH}`,
  });
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
  failoverOverrun.addAlarmAction(new cloudwatchActions.SnsAction(globalCanary.alarmTopic));
  failoverOverrun.addOkAction(new cloudwatchActions.SnsAction(globalCanary.alarmTopic));
  new RegionEvacuationDrill(stack, 'RegionDrill', {
    tier: TIER,
    service: SERVICE,
    stopConditionAlarm: failoverOverrun,
    vpc: network.vpc,
  });
}

/**
 * The runbooks of the region that stands by, which make it serve: promote its cluster, started by
 * {@link failoverTrigger} (no person in the loop when the witness agrees; the tasks already run).
 * After a failover the old primary region stands by with the same runbooks, which then fail back
 * (`failback`).
 */
function addFailoverRunbooks(
  stack: Stack,
  domain: ExampleDomain,
  clusterArn: string,
  extra: Partial<FailoverRunbooksProps> = {},
): FailoverRunbooks {
  return new FailoverRunbooks(stack, 'Runbooks', {
    tier: TIER,
    service: SERVICE,
    role: HaRole.STANDBY,
    failoverTrigger: failoverTrigger(stack, domain),
    globalClusterIdentifier: GLOBAL_CLUSTER,
    secondaryClusterArn: clusterArn,
    ...extra,
  });
}

/** Props of {@link Tier1EcsPrimaryStack} and {@link Tier1EcsStandbyStack}. */
export interface Tier1EcsServiceStackProps extends Tier1EcsRegionStackProps {
  /** The image repository, whose copy in its own region each region's tasks pull. */
  readonly images: ImageRepository;
}

/**
 * us-east-1, the primary: the ECS service at full task count over three AZs, the writer of an
 * Aurora global database, SLO alarms and a canary, the region drill and backups copied to us-west-2.
 */
export class Tier1EcsPrimaryStack extends Stack {
  public readonly network: MultiAzNetwork;
  public readonly service: ResilientService;
  public readonly database: GlobalDatabase;
  public readonly slo: SloAlarms;
  public readonly backups: BackupPolicy;
  /** The failback runbooks and the alarm that starts them, while us-west-2 serves. */
  public readonly runbooks?: FailoverRunbooks;

  constructor(scope: Construct, id: string, props: Tier1EcsServiceStackProps) {
    super(scope, id, { ...props, env: { region: PRIMARY } });
    const active = (props.activeRegion ?? PRIMARY) === PRIMARY;
    const role = active ? HaRole.PRIMARY : HaRole.STANDBY;
    this.network = addNetwork(this, role);
    // TIER_1's managed RPO (rds.global_db_rpo 60 s) bounds what a failover loses. It blocks this writer's
    // commits only while every secondary lags more than a minute: with secondaries in us-west-2 and in the
    // witness's us-east-2, an outage of one region (or of the path to it) leaves the other within the RPO.
    // The credentials secret goes to us-west-2 only: the witness's cluster is no failover target.
    this.database = new GlobalDatabase(this, 'Database', {
      tier: TIER,
      service: SERVICE,
      role,
      vpc: this.network.vpc,
      globalClusterIdentifier: GLOBAL_CLUSTER,
      secondaryRegions: [STANDBY, WITNESS],
      secretReplicaRegions: [STANDBY],
      databaseName: SERVICE,
    });
    const { service, slo } = addService(this, props, {
      role,
      network: this.network,
      repository: props.images.replicaIn(this),
      databaseHost: this.database.primary.endpoint,
    });
    this.service = service;
    this.slo = slo;
    this.database.connections.allowDefaultPortFrom(service);
    this.database.grantConnect(service.taskRole, DATABASE_USER);
    // The loss of us-east-1a: its subnets cut off (the tasks' network interfaces there with them) and the
    // writer failed over; it stops when the SLO page fires, i.e. when the other AZs did not carry the load.
    new AzEvacuationDrill(this, 'AzDrill', {
      tier: TIER,
      service: SERVICE,
      stopConditionAlarm: slo.pageAlarm,
      vpc: this.network.vpc,
      availabilityZone: ZONES[PRIMARY][0],
      databaseCluster: this.database.primary.cluster,
    });
    addRegionDrill(this, this.network, props.domain);
    this.backups = new BackupPolicy(this, 'Backups', {
      tier: TIER,
      service: SERVICE,
      copyToVaultArn: BackupCopyVault.vaultArn(this, STANDBY, COPY_VAULT),
    });
    // Standing by after a failover, this region holds the failback: its cluster keeps its instances.
    if (!active) {
      this.runbooks = addFailoverRunbooks(this, props.domain, this.database.primary.cluster.clusterArn, {
        failback: true,
      });
    }
  }
}

/**
 * us-west-2, the hot standby: the same network and task count, already passing the load
 * balancer's (shallow) checks and pulling from the replica repository; the Aurora global secondary
 * with a reader; and the runbook, started by an alarm here, that promotes it.
 */
export class Tier1EcsStandbyStack extends Stack {
  public readonly network: MultiAzNetwork;
  public readonly service: ResilientService;
  public readonly database: GlobalDatabaseSecondary;
  public readonly slo: SloAlarms;
  /** The failover runbooks and the alarm that starts them, while us-east-1 serves. */
  public readonly runbooks?: FailoverRunbooks;

  constructor(scope: Construct, id: string, props: Tier1EcsServiceStackProps) {
    super(scope, id, { ...props, env: { region: STANDBY } });
    const active = props.activeRegion === STANDBY;
    const role = active ? HaRole.PRIMARY : HaRole.STANDBY;
    this.network = addNetwork(this, role);
    this.database = new GlobalDatabaseSecondary(this, 'Database', {
      tier: TIER,
      service: SERVICE,
      role,
      vpc: this.network.vpc,
      globalClusterIdentifier: GLOBAL_CLUSTER,
      primaryRegion: PRIMARY,
      // Serving, the promoted cluster keeps a reader in each further AZ, as the primary does.
      readers: active ? TIER.minAzs - 1 : undefined,
    });
    if (active) {
      adoptPromotedReader(this.database);
    }
    const { service, slo } = addService(this, props, {
      role,
      network: this.network,
      repository: props.images.replicaIn(this),
      // The cluster endpoint names this region's writer once the cluster is promoted.
      databaseHost: this.database.cluster.attrEndpointAddress,
    });
    this.service = service;
    this.slo = slo;
    this.database.connections.allowDefaultPortFrom(service);
    this.database.grantConnect(service.taskRole, DATABASE_USER);
    addRegionDrill(this, this.network, props.domain);
    if (!active) {
      // The secondary's reader becomes the writer, alone in us-west-2a: once it writes, the runbook adds a
      // reader in us-west-2b (off the region RTO's path), which the next deployment, serving, declares.
      this.runbooks = addFailoverRunbooks(this, props.domain, this.database.clusterArn, {
        promotedReaderAvailabilityZone: ZONES[STANDBY][1],
        promotedReaderClass: DATABASE_INSTANCE_CLASS,
        headlessSecondarySubnetGroupName: this.database.cluster.dbSubnetGroupName,
        headlessSecondaryEngineVersion: this.database.cluster.engineVersion,
      });
    }
  }
}

/**
 * Names the serving cluster's second instance as the promotion runbook named the reader it added
 * (us-west-2b), and retains it, so that `cdk deploy --import-existing-resources` adopts it.
 */
function adoptPromotedReader(database: GlobalDatabaseSecondary): void {
  const reader = database.node.findChild('Reader2') as rds.CfnDBInstance;
  reader.dbInstanceIdentifier = promotedReaderIdentifier(SERVICE, STANDBY);
  reader.applyRemovalPolicy(RemovalPolicy.RETAIN);
}

/** Props of {@link Tier1EcsDnsStack}. */
export interface Tier1EcsDnsStackProps extends Tier1EcsRegionStackProps {
  readonly primary: Tier1EcsPrimaryStack;
  readonly standby: Tier1EcsStandbyStack;
}

/**
 * The failover-routed name, in us-east-1 (where Route 53 publishes health-check metrics): PRIMARY
 * to the region that serves, SECONDARY to the other; the deep check of each region's own name.
 */
export class Tier1EcsDnsStack extends Stack {
  public readonly dns: FailoverDns;

  constructor(scope: Construct, id: string, props: Tier1EcsDnsStackProps) {
    super(scope, id, { ...props, env: { region: PRIMARY }, crossRegionReferences: true });
    const zone = route53.HostedZone.fromHostedZoneAttributes(this, 'Zone', props.domain);
    const serving = props.activeRegion ?? PRIMARY;
    this.dns = new FailoverDns(this, 'Dns', {
      tier: TIER,
      service: SERVICE,
      hostedZone: zone,
      recordName: RECORD_NAME,
      endpoints: [
        {
          region: PRIMARY,
          loadBalancer: props.primary.service.loadBalancer,
          role: serving === PRIMARY ? 'primary' : 'secondary',
        },
        {
          region: STANDBY,
          loadBalancer: props.standby.service.loadBalancer,
          role: serving === STANDBY ? 'primary' : 'secondary',
        },
      ],
    });
  }
}

/** The stacks of the TIER_1 ECS example, in deployment order. */
export interface Tier1EcsStacks {
  readonly standbyKeys: Tier1EcsStandbyKeysStack;
  readonly images: Tier1EcsImagesStack;
  readonly primary: Tier1EcsPrimaryStack;
  readonly standby: Tier1EcsStandbyStack;
  readonly witness: Tier1EcsWitnessStack;
  readonly dns: Tier1EcsDnsStack;
}

/**
 * TIER_1, warm standby on ECS Fargate with Aurora Global Database: `Tier1Ecs-us-west-2-Keys`, then
 * `Tier1Ecs-us-east-1-Images` (push the image and let it replicate), then `Tier1Ecs-us-east-1`
 * (primary), then `Tier1Ecs-us-west-2` (hot standby, joins the global database), then
 * `Tier1Ecs-us-east-2-Witness` (the third vantage point; its secondary joins the global database),
 * then `Tier1Ecs-Dns`. After a failover, deploy with `-c activeRegion=us-west-2` (and back after
 * the failback).
 */
export function addTier1EcsWarmStandby(app: App, domain: ExampleDomain): Tier1EcsStacks {
  const description = 'ha-constructs example: TIER_1 warm standby on ECS Fargate, us-east-1 and us-west-2';
  const activeRegion = app.node.tryGetContext('activeRegion') ?? PRIMARY;
  if (!REGIONS.includes(activeRegion)) {
    throw new Error(
      `activeRegion must be ${REGIONS.join(' or ')}, the regions of the TIER_1 ECS example, got: ${activeRegion}`,
    );
  }
  const common = { domain, description, activeRegion, imageDigest: imageDigest(app) };
  const standbyKeys = new Tier1EcsStandbyKeysStack(app, 'Tier1Ecs-us-west-2-Keys', { description });
  const images = new Tier1EcsImagesStack(app, 'Tier1Ecs-us-east-1-Images', { description, keys: standbyKeys });
  const primary = new Tier1EcsPrimaryStack(app, 'Tier1Ecs-us-east-1', { ...common, images: images.images });
  const standby = new Tier1EcsStandbyStack(app, 'Tier1Ecs-us-west-2', { ...common, images: images.images });
  const witness = new Tier1EcsWitnessStack(app, 'Tier1Ecs-us-east-2-Witness', { ...common });
  const dns = new Tier1EcsDnsStack(app, 'Tier1Ecs-Dns', { ...common, primary, standby });
  new ResilienceHubApp(dns, 'ResilienceHub', {
    tier: TIER,
    service: SERVICE,
    stacks: [standbyKeys, images, primary, standby, witness, dns],
  });
  primary.addStackDependency(images);
  standby.addStackDependency(primary);
  // The witness's secondary joins the global cluster the primary stack creates.
  witness.addStackDependency(primary);
  for (const stack of [standbyKeys, images, primary, standby, witness, dns]) {
    acknowledgeHaFinding(stack, 'HA-RES2', GRAY_FAILURE_AZ_RTO);
  }
  return { standbyKeys, images, primary, standby, witness, dns };
}

/** Why TIER_1's AZ RTO stays unproven for an AZ that fails while its tasks pass health checks. */
const GRAY_FAILURE_AZ_RTO =
  "an AZ lost outright is out of service within TIER_1's 120 s (target health checks), but a gray failure (an AZ " +
  "whose requests fail while its tasks pass health checks) takes the per-AZ alarms' 2 of 3 one-minute periods " +
  "(more than 60 s), then ARC's zonal shift (no published time), then the load balancer's 60 s DNS TTL: at least " +
  "TIER_1's whole 120 s, so it is met only if the shift took no time; the service starts the shift itself";
