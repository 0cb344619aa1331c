import { MonitoringNotificationChannel } from '@cdktf/provider-google/lib/monitoring-notification-channel';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { App, TerraformOutput, TerraformStack, TerraformVariable } from 'cdktf';
import {
  composeParallel,
  composeSerial,
  GCS_TURBO_REPLICATION_SECONDS,
  PUBLISHED_SLAS,
  ServiceTier,
} from '../../lib/core';
import { acknowledgeHaFinding, addHaChecks } from '../../lib/tf/google';
import { ReplicatedBucket } from '../../lib/tf/google/bucket';
import { RegionalFleet } from '../../lib/tf/google/fleet';
import { GlobalFrontend } from '../../lib/tf/google/frontend';
import { RegionalNetwork } from '../../lib/tf/google/network';
import { ProjectServices } from '../../lib/tf/google/project-services';
import { SloAlarms } from '../../lib/tf/google/slo';
import { HaSpanner } from '../../lib/tf/google/spanner';
import { configureStateBackend, StateBackendOptions, stateBackendFromContext } from '../../lib/tf/state-backend';
import { requireTerraformVersion } from '../../lib/tf/terraform-version';

const SERVICE = 'checkout';
/** Spanner's nam3: read-write regions us-east4 (the default leader region) and us-east1, witness us-central1. */
const CONFIGURATION = 'nam3';
const PRIMARY = 'us-east4';
const SECONDARY = 'us-east1';

/**
 * What published SLAs compose to behind one global load balancer: two regions of multi-zone
 * fleets in parallel, in series with the load balancer and Spanner multi-region (the report's
 * arithmetic, lib/core/availability.ts): 99.98900%, under TIER_0's 99.99%.
 */
export const GCP_TIER0_GLOBAL_ENTRY_AVAILABILITY = composeSerial([
  PUBLISHED_SLAS.CLOUD_LOAD_BALANCING,
  PUBLISHED_SLAS.SPANNER_MULTI_REGION,
  composeParallel([PUBLISHED_SLAS.COMPUTE_ENGINE_MULTI_ZONE, PUBLISHED_SLAS.COMPUTE_ENGINE_MULTI_ZONE]),
]);

/**
 * TIER_0 on Google Cloud: multi-site active/active in us-east4 and us-east1, on Spanner.
 *
 * The data lives in Spanner's nam3 configuration: every write commits in both read-write regions
 * (with the witness in us-central1 voting), so the loss of a region loses no committed write (region
 * RPO 0, published), and Spanner moves its leaders to the other read-write region by itself. The
 * fleets follow the data: they run in nam3's two read-write regions, each statically stable over
 * three zones, and both serve through one global load balancer that shifts traffic by health. Each
 * fleet's service account may use this database (`roles/spanner.databaseUser` on it) and read the
 * assets bucket, and nothing else.
 * Static assets the deploy pipeline publishes live in a turbo-replicated dual-region bucket whose
 * own RPO objective is turbo replication's 15 minutes (they can be republished). The SLO and its
 * burn-rate alerts page the on-call address, and so does Spanner's CPU alert (above 45%, one region
 * could no longer carry the other's load).
 *
 * What the templates cannot show for TIER_0, and the example says so rather than hiding it:
 * - when a zone is lost, another replica leads the splits its leaders led, in a time Google does not
 *   publish (and no drill can fail a Spanner zone), so the AZ RTO is unproven though the load
 *   balancer takes the zone's instances out in 14 s: a warning (HA-RES2);
 * - the time Spanner takes to move its leaders when the leader region is lost is not published, nor
 *   is the time the surviving fleet takes to scale out to twice its load, so the region RTO stays
 *   unproven until a region drill measures them (`recordDrillMeasurement`, a `promotion` record on
 *   the database): a warning (HA-RES2), not an exception;
 * - availability: the global load balancer's SLA is 99.99%, the whole TIER_0 target, so with
 *   anything in series behind it the published SLAs compose to less
 *   (GCP_TIER0_GLOBAL_ENTRY_AVAILABILITY); HA-RES1 is acknowledged with that arithmetic. An entry
 *   that is itself redundant (Cloud DNS health-checked routing over a regional load balancer in
 *   each region) composes above 99.99%.
 *
 * One stack: Google resources carry their region, so one provider serves both regions.
 * Inputs are Terraform variables (`project`, `domain`, `oncall_email`), so synthesis needs none.
 * A fresh project applies in one run: `ProjectServices` enables the APIs and creates the service
 * agents before anything uses them. The state lives in the GCS bucket `stateBackend` names (by
 * default the context value `gcsStateBucket`), else in a local file, with a warning.
 */
export function addGcpTier0ActiveActive(
  app: App,
  stateBackend: StateBackendOptions = stateBackendFromContext(app, 'gcs'),
): TerraformStack {
  const stack = new TerraformStack(app, 'gcp-tier0-active-active');
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
  new GoogleProvider(stack, 'google', { project: project.stringValue });
  // The constructs enable their APIs and create their service agents through it (the stack's one).
  const projectServices = new ProjectServices(stack, ProjectServices.DEFAULT_ID);

  const tier = ServiceTier.TIER_0;
  // Spanner is reached through its public API with IAM: no private services access range.
  const network = new RegionalNetwork(stack, 'Network', {
    tier,
    service: SERVICE,
    regions: [PRIMARY, SECONDARY],
    privateServiceAccess: false,
  });
  const prewarmSchedules = [
    {
      name: 'weekday-peak',
      schedule: '0 7 * * MON-FRI',
      durationSeconds: 12 * 3600,
      minInstances: 9,
      timeZone: 'America/New_York',
    },
  ];
  const fleets = [
    new RegionalFleet(stack, 'FleetPrimary', {
      tier,
      service: SERVICE,
      network,
      region: PRIMARY,
      zones: ['us-east4-a', 'us-east4-b', 'us-east4-c'],
      requiredInstances: 4,
      prewarmSchedules,
    }),
    new RegionalFleet(stack, 'FleetSecondary', {
      tier,
      service: SERVICE,
      network,
      region: SECONDARY,
      zones: ['us-east1-b', 'us-east1-c', 'us-east1-d'],
      requiredInstances: 4,
      prewarmSchedules,
    }),
  ];
  const frontend = new GlobalFrontend(stack, 'Frontend', {
    tier,
    service: SERVICE,
    backends: fleets,
    domains: [domain.stringValue],
    regionalDomains: {
      [PRIMARY]: `${PRIMARY}.${domain.stringValue}`,
      [SECONDARY]: `${SECONDARY}.${domain.stringValue}`,
    },
  });

  const channel = new MonitoringNotificationChannel(stack, 'OnCall', {
    displayName: `${SERVICE} on-call`,
    type: 'email',
    labels: { email_address: oncall.stringValue },
  });
  projectServices.use(channel);
  const database = new HaSpanner(stack, 'Database', {
    tier,
    service: SERVICE,
    configuration: CONFIGURATION,
    servingRegions: [PRIMARY, SECONDARY],
    databaseName: 'checkout',
    notificationChannels: [channel.id],
  });
  // Static assets the deploy pipeline publishes from source: objects not yet copied when a region
  // is lost are republished, not lost, so the bucket's own RPO is what turbo replication bounds.
  const assets = new ReplicatedBucket(stack, 'Assets', {
    tier,
    service: SERVICE,
    bucketName: `${project.stringValue}-${SERVICE}-assets`,
    regions: [PRIMARY, SECONDARY],
    rpoObjectiveSeconds: GCS_TURBO_REPLICATION_SECONDS,
  });
  // Each fleet's account reads and writes this service's database and reads its assets: nothing else.
  for (const fleet of fleets) {
    database.grantDatabaseUser(fleet.node.id, fleet.serviceAccountEmail);
    assets.grantRead(fleet.node.id, fleet.serviceAccountMember);
  }

  new SloAlarms(stack, 'Slo', {
    tier,
    service: SERVICE,
    backendServiceName: frontend.backendServiceName,
    notificationChannels: [channel.id],
    probes: [PRIMARY, SECONDARY].map((region) => ({ region, host: `${region}.${domain.stringValue}` })),
  });

  new TerraformOutput(stack, 'ip_address', {
    value: frontend.ipAddress,
    description: 'Anycast address of the global load balancer',
  });
  // What published SLAs cannot show for TIER_0 behind one global load balancer (see the class comment).
  acknowledgeHaFinding(
    stack,
    'HA-RES1',
    "The global load balancer's published SLA is 99.99%, the whole TIER_0 target: with the fleets of two " +
      'regions in parallel and Spanner multi-region (99.999%) in series behind it, published SLAs compose to ' +
      `${(GCP_TIER0_GLOBAL_ENTRY_AVAILABILITY * 100).toFixed(5)}%. AZ RPO and region RPO are met; the AZ and ` +
      'region RTOs stay unproven: Spanner publishes no time for moving its leaders out of a lost zone or ' +
      "region, and a region drill has yet to measure that and the fleets' scale-out to twice their load",
  );
  addHaChecks(stack);
  configureStateBackend(stack, stateBackend);
  requireTerraformVersion(stack);
  return stack;
}
