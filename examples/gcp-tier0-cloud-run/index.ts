import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { App, TerraformOutput, TerraformStack, TerraformVariable } from 'cdktf';
import { composeParallel, composeSerial, PUBLISHED_SLAS, ServiceTier } from '../../lib/core';
import { addHaChecks } from '../../lib/tf/google';
import { AuditTrail } from '../../lib/tf/google/audit-trail';
import { HaCloudRunService } from '../../lib/tf/google/cloud-run';
import { GoldenSignalsDashboard } from '../../lib/tf/google/dashboard';
import { RegionalNetwork } from '../../lib/tf/google/network';
import { PagingChannels } from '../../lib/tf/google/paging';
import { ProjectServices } from '../../lib/tf/google/project-services';
import { RegionalEntry } from '../../lib/tf/google/regional-entry';
import { SloAlarms } from '../../lib/tf/google/slo';
import { HaSpanner } from '../../lib/tf/google/spanner';
import { configureStateBackend, StateBackendOptions, stateBackendFromContext } from '../../lib/tf/state-backend';
import { requireTerraformVersion } from '../../lib/tf/terraform-version';

const SERVICE = 'storefront';
/** Spanner's nam3: read-write regions us-east4 (the default leader region) and us-east1, witness us-central1. */
const CONFIGURATION = 'nam3';
const PRIMARY = 'us-east4';
const SECONDARY = 'us-east1';
/** Cloud DNS probes from both serving regions and nam3's witness region, which serves nothing. */
const DNS_PROBE_REGIONS = [PRIMARY, SECONDARY, 'us-central1'];

/**
 * What published SLAs compose to for this example (the report's arithmetic): in each region a
 * regional load balancer in series with Cloud Run, the two regions in parallel, in series with
 * Cloud DNS (100%) and Spanner multi-region (99.999%): 99.998964%, above TIER_0's 99.99%.
 */
export const GCP_TIER0_CLOUD_RUN_AVAILABILITY = composeSerial([
  PUBLISHED_SLAS.CLOUD_DNS,
  PUBLISHED_SLAS.SPANNER_MULTI_REGION,
  composeParallel(
    [PRIMARY, SECONDARY].map(() => composeSerial([PUBLISHED_SLAS.CLOUD_LOAD_BALANCING, PUBLISHED_SLAS.CLOUD_RUN])),
  ),
]);

/**
 * The same services behind one global load balancer (`GlobalFrontend`): 99.98898%, under TIER_0's
 * 99.99%, since its 99.99% SLA is the whole target and Cloud Run sits in series behind it.
 */
export const GCP_TIER0_CLOUD_RUN_GLOBAL_ENTRY_AVAILABILITY = composeSerial([
  PUBLISHED_SLAS.CLOUD_LOAD_BALANCING,
  PUBLISHED_SLAS.SPANNER_MULTI_REGION,
  composeParallel([PUBLISHED_SLAS.CLOUD_RUN, PUBLISHED_SLAS.CLOUD_RUN]),
]);

/**
 * TIER_0 on Cloud Run: multi-site active/active in us-east4 and us-east1, on Spanner.
 *
 * The data lives in Spanner's nam3 configuration (region RPO 0, published; leaders move by
 * themselves). A Cloud Run service runs in each of nam3's read-write regions (`HaCloudRunService`),
 * each keeping 6 instances, so that a zone's loss leaves the 4 the peak needs, and a region's loss
 * leaves the other region's 6; its revisions are encrypted with a key of its region, it runs as one
 * service account that may use this database and nothing else, and it takes traffic from load
 * balancers only. Each region has its own entry, a regional external Application Load Balancer over
 * the service's serverless NEG (`RegionalEntry`), and one Cloud DNS record answers with the healthy
 * ones: Cloud DNS requests the deep path through each load balancer from three regions and stops
 * answering with a failed region, the record's TTL keeping detection plus cached answers within the
 * 120 s region RTO. No single load balancer is in series with the whole service: behind the global
 * load balancer the composition is 99.98898%, under the target.
 *
 * Operations: the SLO over both regional load balancers with its burn-rate pages and an uptime check
 * of each region on its own name, pages to a Pub/Sub topic per serving region and to the on-call
 * address, a golden-signals dashboard, and the project's audit logs in a locked bucket.
 *
 * What the templates cannot show for TIER_0, and the report says so (HA-RES2, a warning):
 * - Cloud Run moves a lost zone's traffic to the region's other zones in a time Google does not
 *   publish, and nothing can fail one of its zones on purpose: the AZ RTO is unproven;
 * - the time Spanner takes to move its leaders when the leader region is lost is not published: the
 *   region RTO stays unproven until a region drill measures it (the services need no scale-out: each
 *   region keeps the whole peak, `requiredInstances`, which the report reads from their HA records);
 * - Cloud Run's readiness probes (which its service health aggregates) are a Preview feature the
 *   pinned google provider cannot set; the DNS check through each load balancer is what fails a
 *   region over here.
 *
 * Inputs are Terraform variables (`project`, `domain`, `dns_zone`, `oncall_email`, `image`), so
 * synthesis needs none.
 */
export function addGcpTier0CloudRun(
  app: App,
  stateBackend: StateBackendOptions = stateBackendFromContext(app, 'gcs'),
): TerraformStack {
  const stack = new TerraformStack(app, 'gcp-tier0-cloud-run');
  const variable = (name: string, description: string) =>
    new TerraformVariable(stack, name, { type: 'string', description }).stringValue;
  const project = variable('project', 'Google Cloud project to deploy into');
  const domain = variable('domain', 'Domain the service answers on, in the Cloud DNS zone dns_zone');
  const zone = variable('dns_zone', 'Name of the public Cloud DNS managed zone that holds domain');
  const oncall = variable('oncall_email', 'Address that gets a copy of every page');
  // TIER_0 deploys by digest (a tag may name another image in the other region): Terraform checks it at plan.
  const image = new TerraformVariable(stack, 'image', {
    type: 'string',
    description: 'The container image by digest: <repository>@sha256:<64 hex digits>',
    validation: [
      {
        condition: 'can(regex("@sha256:[0-9a-f]{64}$", var.image))',
        errorMessage: 'image must name a digest: <repository>@sha256:<64 hex digits>.',
      },
    ],
  }).stringValue;
  new GoogleProvider(stack, 'google', { project });
  new ProjectServices(stack, ProjectServices.DEFAULT_ID);

  const tier = ServiceTier.TIER_0;
  // The regional load balancers need a proxy-only subnet in the network; Spanner is reached through its API.
  const network = new RegionalNetwork(stack, 'Network', {
    tier,
    service: SERVICE,
    regions: [PRIMARY, SECONDARY],
    privateServiceAccess: false,
  });
  const web = new HaCloudRunService(stack, 'Web', {
    tier,
    service: SERVICE,
    regions: [PRIMARY, SECONDARY],
    image,
    requiredInstances: 4,
  });
  const entry = new RegionalEntry(stack, 'Entry', {
    tier,
    service: SERVICE,
    network,
    serverlessBackends: [...web.backends],
    domain,
    managedZone: zone,
    proxySubnetCidrs: { [PRIMARY]: '10.129.0.0/23', [SECONDARY]: '10.130.0.0/23' },
    dnsProbeRegions: DNS_PROBE_REGIONS,
  });

  const paging = new PagingChannels(stack, 'Paging', {
    tier,
    service: SERVICE,
    regions: [PRIMARY, SECONDARY],
    emails: [oncall],
  });
  const database = new HaSpanner(stack, 'Database', {
    tier,
    service: SERVICE,
    configuration: CONFIGURATION,
    servingRegions: [PRIMARY, SECONDARY],
    databaseName: SERVICE,
    notificationChannels: paging.channelIds,
  });
  database.grantDatabaseUser('Web', web.serviceAccountEmail);

  const slo = new SloAlarms(stack, 'Slo', {
    tier,
    service: SERVICE,
    regionalLoadBalancers: entry.loadBalancers,
    notificationChannels: paging.channelIds,
    probes: entry.loadBalancers.map((lb) => ({ region: lb.region, host: lb.host, path: entry.healthCheckPath })),
  });
  new GoldenSignalsDashboard(stack, 'Dashboard', {
    tier,
    service: SERVICE,
    regionalLoadBalancers: entry.loadBalancers,
    slo,
    spanner: [database],
  });
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
