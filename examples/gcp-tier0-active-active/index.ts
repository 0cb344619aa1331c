import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { App, TerraformOutput, TerraformStack, TerraformVariable } from 'cdktf';
import {
  composeParallel,
  composeSerial,
  GCS_TURBO_REPLICATION_SECONDS,
  LIVENESS_PATH,
  PUBLISHED_SLAS,
  READINESS_PATH,
  ServiceTier,
} from '../../lib/core';
import { addHaChecks } from '../../lib/tf/google';
import { AuditTrail } from '../../lib/tf/google/audit-trail';
import { ReplicatedBucket } from '../../lib/tf/google/bucket';
import { GoldenSignalsDashboard } from '../../lib/tf/google/dashboard';
import { RegionalFleet } from '../../lib/tf/google/fleet';
import { RegionalNetwork } from '../../lib/tf/google/network';
import { PagingChannels } from '../../lib/tf/google/paging';
import { ProjectServices } from '../../lib/tf/google/project-services';
import { RegionalEntry } from '../../lib/tf/google/regional-entry';
import { SloAlarms } from '../../lib/tf/google/slo';
import { HaSpanner } from '../../lib/tf/google/spanner';
import { ZoneEvacuationDrill } from '../../lib/tf/google/zone-drill';
import { configureStateBackend, StateBackendOptions, stateBackendFromContext } from '../../lib/tf/state-backend';
import { requireTerraformVersion } from '../../lib/tf/terraform-version';

const SERVICE = 'checkout';
/** Spanner's nam3: read-write regions us-east4 (the default leader region) and us-east1, witness us-central1. */
const CONFIGURATION = 'nam3';
const PRIMARY = 'us-east4';
const SECONDARY = 'us-east1';
/**
 * Where Cloud DNS probes the regional load balancers from: the two serving regions and nam3's
 * witness region, us-central1, which serves nothing, so one probe region always survives the loss
 * of a serving region.
 */
const DNS_PROBE_REGIONS = [PRIMARY, SECONDARY, 'us-central1'];

/**
 * What published SLAs compose to for this example (the report's arithmetic, lib/core/availability.ts):
 * in each region a regional load balancer in series with its multi-zone fleet, the two regions in
 * parallel, in series with Cloud DNS (100%) and Spanner multi-region (99.999%): 99.998996%, above
 * TIER_0's 99.99%.
 */
export const GCP_TIER0_AVAILABILITY = composeSerial([
  PUBLISHED_SLAS.CLOUD_DNS,
  PUBLISHED_SLAS.SPANNER_MULTI_REGION,
  composeParallel(
    [PRIMARY, SECONDARY].map(() =>
      composeSerial([PUBLISHED_SLAS.CLOUD_LOAD_BALANCING, PUBLISHED_SLAS.COMPUTE_ENGINE_MULTI_ZONE]),
    ),
  ),
]);

/**
 * What the same SLAs composed to behind one global load balancer, the entry this example had
 * before (99.98900%, under TIER_0's 99.99%): its 99.99% SLA is the whole TIER_0 target, so nothing
 * can sit in series behind it.
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
 * three zones. Each region has its own entry, a regional external Application Load Balancer
 * (`RegionalEntry`), and one Cloud DNS record answers with the healthy ones: Cloud DNS probes each
 * load balancer from us-east4, us-east1 and us-central1 and stops answering with a failed region
 * within 95 s, and the record's TTL (25 s) fits that into the 120 s region RTO. No single load
 * balancer is in series with the whole service. Each fleet's service account may use this database
 * (`roles/spanner.databaseUser` on it) and read the assets bucket, and nothing else.
 * Static assets the deploy pipeline publishes live in a turbo-replicated dual-region bucket whose
 * own RPO objective is turbo replication's 15 minutes (they can be republished). The SLO counts the
 * requests of both regional load balancers as one service; it, its burn-rate alerts and an uptime
 * check of each region (on the region's own name, `<region>.<domain>`, so that it measures that
 * region and not whichever DNS answers with) page the on-call address, and so does Spanner's CPU
 * alert (above 45%, one region could no longer carry the other's load).
 *
 * Operations: a golden-signals dashboard (each region's 5xx share against the burn-rate page
 * thresholds, latency, fleet and Spanner saturation), pages to a Pub/Sub topic in each serving
 * region (each under a key of its region) and to the on-call address, and the project's audit logs,
 * Data Access included, in a locked log bucket in us-east4 kept TIER_0's 365 days. That bucket lives
 * in one region: while us-east4 is down new audit entries may not reach it, and the project's
 * `_Required` bucket (Google-managed) keeps the Admin Activity logs meanwhile. No Backup and DR vault:
 * nothing here is a resource it protects (Spanner keeps its own scheduled backups, the fleets hold no
 * state, and provider 6.50 associates Compute Engine instances and disks only).
 *
 * Not here: Cloud Armor. The regional backend services take a security policy only through the
 * google-beta provider (provider 6.50's `google_compute_region_backend_service` has no
 * `security_policy`), so this entry has no WAF rules or per-IP rate limit, which the global load
 * balancer had; put them in front of the service elsewhere until `RegionalEntry` attaches a regional
 * policy.
 *
 * What the templates cannot show for TIER_0, and the report says so (HA-RES2, a warning):
 * - when a zone is lost, another replica leads the splits its leaders led, in a time Google does not
 *   publish (and no drill can fail a Spanner zone), so the AZ RTO is unproven though each load
 *   balancer takes the zone's instances out in 14 s;
 * - the time Spanner takes to move its leaders when the leader region is lost is not published, so
 *   the region RTO stays unproven until a region drill measures it (`recordDrillMeasurement`, a
 *   `promotion` record on the database).
 * The fleets need no scale-out when a region is lost: `requiredInstances` (4) is the whole service's
 * peak, each region runs 6 so that a zone's loss still leaves 4, and the report reads both from the
 * fleets' HA records (region-level static stability, and zone-level: the zones left carry the peak,
 * as a regional group adds no instance in them by itself); the weekday pre-warm to 9 is headroom above it.
 *
 * What the instances run: the service's container (the `image` variable), started by
 * Container-Optimized OS. It is an image in Artifact Registry's `us` multi-region pinned by digest
 * (Terraform refuses another at plan): instances have no external IP and pull it through Private
 * Google Access, from a location that outlives either region, and a replacement never boots a
 * version nobody rolled out. It serves port 8080: `LIVENESS_PATH` (the process is alive) for
 * autohealing, `READINESS_PATH` (it can serve, with Spanner) for the load balancers and Cloud DNS.
 * Every Tuesday morning a `ZoneEvacuationDrill` takes us-east4-a out of us-east4's regional load
 * balancer for ten minutes (its DENY rule also covers the proxy-only subnet, whence that load
 * balancer's traffic comes) with the group's health-check repair suspended: it does not start
 * while the SLO's error budget is spent, stops and rolls back on an SLO incident, and its result
 * says how long the load balancer took to leave the zone, against TIER_0's 30 s. A watchdog
 * execution puts the zone and repair back when the drill is cancelled or hangs; when both are
 * cancelled, an alert on the DENY rule's denials pages after 30 minutes, and any failed
 * execution (the next drill's refusal included) pages too.
 * Availability is met: published SLAs compose to 99.998996% (GCP_TIER0_AVAILABILITY), where one
 * global load balancer left 99.98900% (GCP_TIER0_GLOBAL_ENTRY_AVAILABILITY).
 *
 * One stack: Google resources carry their region, so one provider serves both regions.
 * Inputs are Terraform variables (`project`, `domain`, `dns_zone`, `oncall_email`), so synthesis
 * needs none. A fresh project applies in one run: `ProjectServices` enables the APIs and creates
 * the service agents before anything uses them. The state lives in the GCS bucket `stateBackend`
 * names (by default the context value `gcsStateBucket`), else in a local file, with a warning.
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
    description: 'Domain the service answers on, in the Cloud DNS zone dns_zone',
  });
  const zone = new TerraformVariable(stack, 'dns_zone', {
    type: 'string',
    description: 'Name of the public Cloud DNS managed zone that holds domain (the entry writes its records there)',
  });
  const oncall = new TerraformVariable(stack, 'oncall_email', {
    type: 'string',
    description: 'Address that gets a copy of every page (the Pub/Sub channels are what the on-call tool reads)',
  });
  // Pulled at every boot in both regions, during incidents too: a multi-region repository, by digest.
  const image = new TerraformVariable(stack, 'image', {
    type: 'string',
    description:
      `The service's container: us-docker.pkg.dev/<project>/<repository>/<image>@sha256:<digest>, serving port ` +
      `8080 with ${LIVENESS_PATH} (alive) and ${READINESS_PATH} (can serve)`,
    validation: [
      {
        condition: 'can(regex("^us-docker[.]pkg[.]dev/[^/]+/[^/]+/[^@]+@sha256:[0-9a-f]{64}$", var.image))',
        errorMessage:
          "image must be in Artifact Registry's us multi-region and pinned by digest: " +
          'us-docker.pkg.dev/<project>/<repository>/<image>@sha256:<64 hex digits>.',
      },
    ],
  });
  new GoogleProvider(stack, 'google', { project: project.stringValue });
  // The constructs enable their APIs and create their service agents through it (the stack's one).
  new ProjectServices(stack, ProjectServices.DEFAULT_ID);

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
      // The whole service's peak, not this region's share: each region can carry it alone.
      requiredInstances: 4,
      prewarmSchedules,
      container: { image: image.stringValue },
    }),
    new RegionalFleet(stack, 'FleetSecondary', {
      tier,
      service: SERVICE,
      network,
      region: SECONDARY,
      zones: ['us-east1-b', 'us-east1-c', 'us-east1-d'],
      requiredInstances: 4,
      prewarmSchedules,
      container: { image: image.stringValue },
    }),
  ];
  // Google's recommended /23 for each region's proxies, outside the fleets' 10.0.0.0/20 and 10.1.0.0/20.
  const proxySubnetCidrs = { [PRIMARY]: '10.129.0.0/23', [SECONDARY]: '10.130.0.0/23' };
  const entry = new RegionalEntry(stack, 'Entry', {
    tier,
    service: SERVICE,
    network,
    backends: fleets,
    domain: domain.stringValue,
    managedZone: zone.stringValue,
    proxySubnetCidrs,
    dnsProbeRegions: DNS_PROBE_REGIONS,
  });

  // Pages go to a Pub/Sub topic in each serving region (the on-call tool subscribes to both) and,
  // as a record, to the on-call address: TIER_0 pages never rest on email alone.
  const paging = new PagingChannels(stack, 'Paging', {
    tier,
    service: SERVICE,
    regions: [PRIMARY, SECONDARY],
    emails: [oncall.stringValue],
  });
  const database = new HaSpanner(stack, 'Database', {
    tier,
    service: SERVICE,
    configuration: CONFIGURATION,
    servingRegions: [PRIMARY, SECONDARY],
    databaseName: 'checkout',
    notificationChannels: paging.channelIds,
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

  const slo = new SloAlarms(stack, 'Slo', {
    tier,
    service: SERVICE,
    regionalLoadBalancers: entry.loadBalancers,
    notificationChannels: paging.channelIds,
    // Each region on its own name, on the deep path Cloud DNS probes.
    probes: entry.loadBalancers.map((lb) => ({ region: lb.region, host: lb.host, path: entry.healthCheckPath })),
  });

  new GoldenSignalsDashboard(stack, 'Dashboard', {
    tier,
    service: SERVICE,
    regionalLoadBalancers: entry.loadBalancers,
    slo,
    fleets,
    spanner: [database],
  });
  // A zone of us-east4 taken out every Tuesday morning: it stops on an SLO incident and not during a freeze.
  const [primaryEntry] = entry.loadBalancers.filter((lb) => lb.region === PRIMARY);
  new ZoneEvacuationDrill(stack, 'ZoneDrill', {
    tier,
    service: SERVICE,
    fleet: fleets[0],
    zone: 'us-east4-a',
    backendServiceName: primaryEntry.backendService.name,
    regionalBackendService: true,
    proxySourceRanges: [proxySubnetCidrs[PRIMARY]],
    stopTopicId: paging.topics[0].id,
    sloName: slo.slo.id,
    // Pages when the zone stays out past the drill's deadline: the drill and its watchdog both cancelled.
    notificationChannels: paging.channelIds,
    schedule: '0 10 * * TUE',
    timeZone: 'America/New_York',
  });
  // The project's audit logs, Data Access included, locked for TIER_0's retention in the leader region.
  new AuditTrail(stack, 'Audit', { tier, service: SERVICE, region: PRIMARY });

  new TerraformOutput(stack, 'addresses', {
    value: Object.fromEntries(entry.loadBalancers.map((lb) => [lb.region, lb.address.address])),
    description: "Each region's load balancer address (the entry's DNS record answers with the healthy ones)",
  });
  addHaChecks(stack);
  configureStateBackend(stack, stateBackend);
  requireTerraformVersion(stack);
  return stack;
}
