import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { App, TerraformOutput, TerraformStack, TerraformVariable } from 'cdktf';
import { HaRole, LIVENESS_PATH, READINESS_PATH, ServiceTier } from '../../lib/core';
import { addHaChecks } from '../../lib/tf/google';
import { AuditTrail } from '../../lib/tf/google/audit-trail';
import { ReplicatedBucket } from '../../lib/tf/google/bucket';
import { GoldenSignalsDashboard } from '../../lib/tf/google/dashboard';
import { HaCloudSql } from '../../lib/tf/google/database';
import { RegionalFleet } from '../../lib/tf/google/fleet';
import { GlobalFrontend } from '../../lib/tf/google/frontend';
import { RegionalNetwork } from '../../lib/tf/google/network';
import { PagingChannels } from '../../lib/tf/google/paging';
import { ProjectServices } from '../../lib/tf/google/project-services';
import { RegionSwitchoverDrill } from '../../lib/tf/google/region-switchover-drill';
import { FailoverTrigger, FailoverWorkflows } from '../../lib/tf/google/runbooks';
import { EncryptedSecret } from '../../lib/tf/google/secret';
import { SloAlarms } from '../../lib/tf/google/slo';
import { ZoneEvacuationDrill } from '../../lib/tf/google/zone-drill';
import { configureStateBackend, StateBackendOptions, stateBackendFromContext } from '../../lib/tf/state-backend';
import { requireTerraformVersion } from '../../lib/tf/terraform-version';

const SERVICE = 'catalog';
const PRIMARY = 'europe-west1';
const STANDBY = 'europe-west4';

/**
 * TIER_2 on Google Cloud: pilot light, serving from europe-west1 with europe-west4 on standby.
 *
 * The primary region serves. The standby region is a lit pilot light: the data (a ZONAL Cloud SQL
 * DR replica, the other half of a dual-region bucket, a secret replica) and a `RegionalFleet` at
 * zero instances (template, boot-disk key, group, autoscaler) attached to the global load
 * balancer. Its runbooks live there too (`FailoverWorkflows`, Cloud Workflows in europe-west4, so
 * they run when europe-west1 is lost): the on-call engineer who is paged decides within 15 minutes
 * and runs `Promotion` (replica failover to the DR replica; the write endpoint follows it) and
 * `ScaleUp` (the standby autoscaler's minimum to the primary's); `Failback` switches back once
 * europe-west1 has recovered. Apply with the context `activeRegion=europe-west4` after a failover
 * (`cdktf deploy -c activeRegion=europe-west4`: the instances swap roles in place, the new writer
 * becomes regional with backups, nothing is replaced; Terraform leaves the standby autoscaler's
 * minimum to the runbooks). Each fleet runs one instance in each of three zones for a peak of two
 * (`requiredInstances`): a regional group adds no instance in the zones left when one is lost (only
 * its autoscaler does, in a time Google does not publish), so the third zone is what lets the two
 * left carry the peak at once, and the report reads it from the fleet's HA record (two zones of one
 * instance each would leave one, and the AZ RTO unproven). Cloud SQL publishes no bound on
 * cross-region replica lag, so an alert pages when the lag passes the tier's 15-minute RPO (the database's
 * `replicaLagAccepted` says so, and HaCloudSql acknowledges the HA checks' HA-DR3 finding with
 * it). Google publishes no duration for the promotion or the scale-up, so the report leaves the
 * region RTO unproven (counting the stated 15 minutes in full) until a region drill times them and
 * `recordDrillMeasurement` records it: on the 15th of January, April, July and October a
 * `RegionSwitchoverDrill` in europe-west4 runs the runbooks for real (a switchover, which loses no
 * writes, the scale-up, an hour served from europe-west4 through the load balancer, the failback)
 * and its execution's result lists the measurements to record (started by the paged on-call with the
 * page's time, `{"pagedAt": ...}`, it times the decision too). It keeps to the freeze and
 * stops on an SLO incident, as the zone drill does. Nothing is recorded here: nobody has run it.
 *
 * Alerts page by email and through a Pub/Sub topic per region (`PagingChannels`). Every Tuesday
 * morning a `ZoneEvacuationDrill` takes europe-west1-b out of the load balancer for ten minutes:
 * it does not start while the SLO's error budget is spent, stops and rolls back when an SLO alert
 * opens an incident, and its execution's result says how long the service took to recover. It
 * suspends the group's health-check repair while the zone is out (the same Google ranges probe for
 * autohealing, which would recreate the zone's instances again and again) and restores it after:
 * the two zones left carry the load alone, and the drill shows whether they do before the SLO alert
 * fires. A watchdog execution puts the zone and repair back when the drill is cancelled or hangs
 * (cancelling either is the stop button); when both are cancelled, an alert on the DENY rule's
 * denials pages after 30 minutes, and any failed execution (the next drill's refusal included)
 * pages too.
 *
 * What the instances run: the service's container (the `image` variable), started by
 * Container-Optimized OS. It is an image in Artifact Registry's `europe` multi-region pinned by
 * digest (Terraform refuses another at plan): instances have no external IP and pull it through
 * Private Google Access, from a location that outlives europe-west1 (the standby boots from it
 * during the failover), and a replacement never boots a version nobody rolled out. It serves port
 * 8080: `LIVENESS_PATH` (the process is alive) for autohealing, `READINESS_PATH` (it can serve, and
 * fails while its region's database is not the writer) for the load balancer.
 *
 * The primary can name only a DR replica that exists: on a fresh project apply once with the
 * context `designateDrReplica=false` (`cdktf deploy -c designateDrReplica=false`), which creates both
 * instances, then without it, which designates the replica in place. Until then the runbooks cannot
 * fail over (the construct refuses them), so the first apply builds no workflow.
 *
 * Inputs are Terraform variables (`project`, `domain`, `oncall_email`), so synthesis needs none.
 * `ProjectServices` enables the APIs and creates the service agents before anything uses them. The state lives in the GCS bucket `stateBackend` names (by
 * default the context value `gcsStateBucket`), else in a local file, with a warning.
 */
export function addGcpTier2PilotLight(
  app: App,
  stateBackend: StateBackendOptions = stateBackendFromContext(app, 'gcs'),
): TerraformStack {
  const stack = new TerraformStack(app, 'gcp-tier2-pilot-light');
  const project = new TerraformVariable(stack, 'project', {
    type: 'string',
    description: 'Google Cloud project to deploy into',
  });
  const domain = new TerraformVariable(stack, 'domain', {
    type: 'string',
    description: 'Domain the service answers on; point its A record at the ip_address output',
  });
  const oncall = new TerraformVariable(stack, 'oncall_email', {
    type: 'string',
    description: 'Address the SLO alerts notify',
  });
  // Pulled at every boot, by the standby during a failover too: a multi-region repository, by digest.
  const image = new TerraformVariable(stack, 'image', {
    type: 'string',
    description:
      `The service's container: europe-docker.pkg.dev/<project>/<repository>/<image>@sha256:<digest>, serving ` +
      `port 8080 with ${LIVENESS_PATH} (alive) and ${READINESS_PATH} (can serve, as the writer's region)`,
    validation: [
      {
        condition: 'can(regex("^europe-docker[.]pkg[.]dev/[^/]+/[^/]+/[^@]+@sha256:[0-9a-f]{64}$", var.image))',
        errorMessage:
          "image must be in Artifact Registry's europe multi-region and pinned by digest: " +
          'europe-docker.pkg.dev/<project>/<repository>/<image>@sha256:<64 hex digits>.',
      },
    ],
  });
  const container = { image: image.stringValue };
  new GoogleProvider(stack, 'google', { project: project.stringValue });
  // The constructs enable their APIs and create their service agents through it (the stack's one).
  new ProjectServices(stack, ProjectServices.DEFAULT_ID);

  const tier = ServiceTier.TIER_2;
  const network = new RegionalNetwork(stack, 'Network', { tier, service: SERVICE, regions: [PRIMARY, STANDBY] });
  const fleet = new RegionalFleet(stack, 'FleetPrimary', {
    tier,
    service: SERVICE,
    network,
    region: PRIMARY,
    // A third zone, so that the two left after a zone's loss carry the peak of two.
    zones: ['europe-west1-b', 'europe-west1-c', 'europe-west1-d'],
    requiredInstances: 2,
    container,
  });
  // The lit pilot light: template, boot-disk key, group and autoscaler exist in the standby region at
  // zero instances, attached to the load balancer, which sends to them once they are healthy.
  const standbyFleet = new RegionalFleet(stack, 'FleetStandby', {
    tier,
    service: SERVICE,
    role: HaRole.STANDBY,
    network,
    region: STANDBY,
    zones: ['europe-west4-a', 'europe-west4-b', 'europe-west4-c'],
    requiredInstances: 2,
    container,
  });
  const frontend = new GlobalFrontend(stack, 'Frontend', {
    tier,
    service: SERVICE,
    backends: [fleet, standbyFleet],
    domains: [domain.stringValue],
    // The deep check moves traffic between regions; the fleets' autohealing requests the shallow one.
    healthCheckPath: READINESS_PATH,
  });

  // Alerts go to a Pub/Sub topic per region (the incident tool subscribes; the zone drill stops on it) and by email.
  const paging = new PagingChannels(stack, 'Paging', {
    tier,
    service: SERVICE,
    regions: [PRIMARY, STANDBY],
    emails: [oncall.stringValue],
  });
  // HaCloudSql refuses a multi-region tier unless the data set accepts Cloud SQL's unbounded replica lag, and acknowledges HA-DR3 with the reason.
  // Enterprise Plus with a designated DR replica: the write endpoint follows the writer after a failover.
  const database = new HaCloudSql(stack, 'Database', {
    tier,
    service: SERVICE,
    network,
    region: PRIMARY,
    replicaRegion: STANDBY,
    notificationChannels: paging.channelIds,
    replicaLagAccepted: `Cloud SQL replicates across regions asynchronously with no published lag bound: the ReplicaLagAlert pages when lag passes ${tier.regionRpoSeconds} s, the tier's region RPO, so the bound is watched rather than guaranteed`,
    // A fresh project's first apply creates the replica; the second designates it (see above).
    designateDrReplica: app.node.tryGetContext('designateDrReplica') !== 'false',
    // After a failover, apply with `-c activeRegion=europe-west4`: the roles swap in place, nothing is replaced.
    activeRegion: app.node.tryGetContext('activeRegion') ?? PRIMARY,
  });
  const assets = new ReplicatedBucket(stack, 'Assets', {
    tier,
    service: SERVICE,
    bucketName: `${project.stringValue}-${SERVICE}-assets`,
    regions: [PRIMARY, STANDBY],
  });
  const credentials = new EncryptedSecret(stack, 'DatabaseCredentials', {
    tier,
    service: SERVICE,
    secretId: `${SERVICE}-database-credentials`,
    regions: [PRIMARY, STANDBY],
  });

  // Each region's instances may use exactly this service's data: its database, its secret, its bucket.
  for (const [name, f] of [
    ['FleetPrimary', fleet],
    ['FleetStandby', standbyFleet],
  ] as const) {
    database.grantConnect(name, f.serviceAccountEmail);
    credentials.grantRead(name, f.serviceAccountMember);
    assets.grantRead(name, f.serviceAccountMember);
  }

  const slo = new SloAlarms(stack, 'Slo', {
    tier,
    service: SERVICE,
    backendServiceName: frontend.backendServiceName,
    notificationChannels: paging.channelIds,
    // The deep path the container serves: the probe fails with the service, not with a path nobody answers.
    probes: [{ region: PRIMARY, host: domain.stringValue, path: READINESS_PATH }],
  });

  new GoldenSignalsDashboard(stack, 'Dashboard', {
    tier,
    service: SERVICE,
    backendServiceName: frontend.backendServiceName,
    slo,
    fleets: [fleet, standbyFleet],
    cloudSql: [database],
  });
  // The project's audit logs, Data Access included, locked for TIER_2's log retention in the primary region.
  new AuditTrail(stack, 'Audit', { tier, service: SERVICE, region: PRIMARY });

  new TerraformOutput(stack, 'database_write_endpoint', {
    value: database.writeEndpoint,
    description: 'Private DNS name of the database writer, which follows it across a failover: connect with it',
  });
  new TerraformOutput(stack, 'ip_address', {
    value: frontend.ipAddress,
    description: 'Anycast address of the global load balancer',
  });
  // A zone of the primary region taken out every Tuesday morning: it stops on an SLO incident and not during a freeze.
  new ZoneEvacuationDrill(stack, 'ZoneDrill', {
    tier,
    service: SERVICE,
    fleet,
    zone: 'europe-west1-b',
    backendServiceName: frontend.backendServiceName,
    stopTopicId: paging.topics[0].id,
    sloName: slo.slo.id,
    // Pages when the zone stays out past the drill's deadline: the drill and its watchdog both cancelled.
    notificationChannels: paging.channelIds,
    schedule: '0 10 * * TUE',
    timeZone: 'Europe/Brussels',
  });

  // The runbooks, in the standby region; a person decides, as a pilot light's failover loses the writes not yet replicated.
  if (database.drReplicaDesignated) {
    const runbooks = new FailoverWorkflows(stack, 'Runbooks', {
      tier,
      service: SERVICE,
      database,
      primaryFleet: fleet,
      standbyFleet,
      trigger: FailoverTrigger.operator(15 * 60),
    });
    // Once a quarter the runbooks are rehearsed for real: switchover, scale-up, an hour served from the standby, failback.
    new RegionSwitchoverDrill(stack, 'RegionDrill', {
      tier,
      service: SERVICE,
      runbooks,
      primaryFleet: fleet,
      standbyFleet,
      backendServiceName: frontend.backendServiceName,
      serviceUrl: `https://${domain.stringValue}${READINESS_PATH}`,
      stopTopicId: paging.topics[1].id,
      sloName: slo.slo.id,
      schedule: '0 9 15 1,4,7,10 *',
      timeZone: 'Europe/Brussels',
    });
  }
  addHaChecks(stack);
  configureStateBackend(stack, stateBackend);
  requireTerraformVersion(stack);
  return stack;
}
