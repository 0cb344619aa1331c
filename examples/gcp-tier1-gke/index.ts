import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { App, TerraformOutput, TerraformStack, TerraformVariable } from 'cdktf';
import { HaRole, READINESS_PATH, ServiceTier } from '../../lib/core';
import { acknowledgeHaFinding, addHaChecks } from '../../lib/tf/google';
import { AuditTrail } from '../../lib/tf/google/audit-trail';
import { GoldenSignalsDashboard } from '../../lib/tf/google/dashboard';
import { HaCloudSql } from '../../lib/tf/google/database';
import { GlobalFrontend } from '../../lib/tf/google/frontend';
import { HaGkeCluster } from '../../lib/tf/google/gke-cluster';
import { RegionalNetwork } from '../../lib/tf/google/network';
import { PagingChannels } from '../../lib/tf/google/paging';
import { ProjectServices } from '../../lib/tf/google/project-services';
import { RegionSwitchoverDrill, SwitchoverCluster } from '../../lib/tf/google/region-switchover-drill';
import { FailoverTrigger, FailoverWorkflows } from '../../lib/tf/google/runbooks';
import { SloAlarms } from '../../lib/tf/google/slo';
import { HaWorkload, NodePortService, WorkloadServiceAccount } from '../../lib/tf/kubernetes';
import { configureStateBackend, StateBackendOptions, stateBackendFromContext } from '../../lib/tf/state-backend';
import { requireTerraformVersion } from '../../lib/tf/terraform-version';

const SERVICE = 'ledger';
const PRIMARY = 'us-east4';
const STANDBY = 'us-central1';
const ZONES: Record<string, string[]> = {
  [PRIMARY]: ['us-east4-a', 'us-east4-b', 'us-east4-c'],
  [STANDBY]: ['us-central1-a', 'us-central1-b', 'us-central1-c'],
};
/** Replicas the service needs at peak, in one region; nodes to hold them (two pods per e2-standard-4 node, with room). */
const REQUIRED_REPLICAS = 6;
const REQUIRED_NODES = 6;
/** What the primary cluster keeps to leave 6 nodes after a zone's loss: ⌈6 / 2⌉ = 3 a zone, over 3 zones. */
const STANDBY_NODES = 9;
/** The port every node serves the workload on: the load balancer's named port and health check name it. */
const NODE_PORT = 30080;
/** The Kubernetes service account the pods run as, bound to a Google one through Workload Identity. */
const KUBERNETES_SERVICE_ACCOUNT = 'ledger';
/**
 * Why the example synthesizes although its report says TIER_1's availability is not met (HA-RES1):
 * the report still prints the figure and this reason.
 */
export const GKE_CONTROL_PLANE_IN_SERIES =
  "the pods log in to Cloud SQL with IAM through Workload Identity, whose Kubernetes tokens GKE's control " +
  'plane issues: once the tokens cached when it went down expire, new database connections fail, so the ' +
  "regional control plane's 99.95 % is in series with the load balancer, the nodes and Cloud SQL (99.920 %, " +
  "under TIER_1's 99.95 %). Pods that need no token from the control plane to serve (database credentials " +
  'mounted from a Secret, no Google API on the request path) take it out of series: 99.970 %';

/** What the paged on-call engineer commits to, from the page to running the promotion runbook. */
const DECISION_SECONDS = 5 * 60;
/**
 * When the region drill runs on its own: the 15th of February, May, August and November at 10:00
 * New York time, at most 92 days apart (TIER_1's drill interval).
 */
const REGION_DRILL_SCHEDULE = '0 10 15 2,5,8,11 *';

/**
 * TIER_1 on GKE: a regional cluster in us-east4 and one in us-central1 behind the global external
 * Application Load Balancer, on Cloud SQL with a DR replica.
 *
 * Each region runs a regional GKE Standard cluster (`HaGkeCluster`: control plane and node pool
 * over three zones, private nodes, Workload Identity, CMEK) and the same workload (`HaWorkload`:
 * 9 pods, 3 per zone, so that a zone's loss leaves the 6 the peak needs; spread, disruption budget,
 * autoscaler, probes). The standby region (role STANDBY) keeps what the primary keeps: a region's loss
 * needs no scale-out, only the database's promotion. Until then its pods stay out of rotation: their
 * readiness path fails while their region's database is not the writer (`READINESS_PATH`). The load balancer is Terraform's own (`GlobalFrontend`): its backends are
 * the node pools' instance groups, one per zone, and the pods are reached through a node port
 * (`NodePortService`, `externalTrafficPolicy: Local`), so the health check, sent to the node port
 * with the readiness path, passes only on nodes with a ready pod. GKE's container-native load
 * balancing is not used: its NEG controller creates the endpoint groups after the Service is applied,
 * so the templates could not show the load balancer's backends and the report could not prove the
 * entry; the price is one instance group per zone instead of one endpoint per pod.
 *
 * The data is a Cloud SQL Enterprise Plus instance (regional HA in us-east4) with its designated DR
 * replica in us-central1; both clusters' pods connect as one Google service account per region
 * (Workload Identity), through the write endpoint, which follows the writer. Cloud SQL publishes no
 * bound on cross-region replica lag: an alert pages when it passes the tier's 60 s region RPO, and the
 * report says the RPO is watched, not guaranteed. A region's loss pages the on-call engineer, who runs
 * the promotion runbook (`FailoverWorkflows`, in us-central1) within the 5 minutes the rota commits
 * to; Google publishes no duration for the promotion, so the region RTO stays unproven until a region
 * drill measures it and `recordDrillMeasurement` records it: on the 15th of February, May, August and
 * November a `RegionSwitchoverDrill` in us-central1 runs the runbooks for real (a switchover, which
 * loses no writes; us-east4's node pools drained, an hour served from us-central1's alone through the
 * load balancer; the failback). The standby keeps the primary's nodes and pods, so there is no
 * scale-up to time: before the drain it waits for 9 healthy us-central1 nodes, each passing the
 * health check only through a ready pod. Its execution's result lists the promotion's time (started
 * by the paged on-call with the page's time, `{"pagedAt": ...}`, the decision's too); it keeps to the
 * freeze and stops on an SLO incident. Nothing is recorded here: nobody has run it.
 *
 * What the report shows, and why the example does not meet TIER_1: availability is 99.920 %, under the
 * 99.95 % target (HA-RES1, acknowledged with `GKE_CONTROL_PLANE_IN_SERIES` so that it synthesizes). The
 * control plane would be off the serving path (the node ports, and replicas that carry the peak
 * after a zone's loss) but for the pods' Workload Identity: their Google tokens, and so their IAM
 * logins to Cloud SQL, come from Kubernetes tokens the control plane issues, so its 99.95 % is in
 * series with the load balancer, the nodes and Cloud SQL. What the report cannot prove, and says so:
 * the region RTO (at least 380 s of the 900 s, the promotion's time unpublished until the drill's
 * measurement and the decision's are recorded), the region RPO (the
 * replica's lag, watched by an alert) and the AZ RTO: behind Local node ports with statically stable
 * replicas a lost zone leaves the load balancer on its health check (50 s), and no request waits for
 * GKE to mark the zone's nodes NotReady, but Cloud SQL publishes no time for its HA failover.
 *
 * The primary can name only a DR replica that exists: on a fresh project apply once with the context
 * `designateDrReplica=false`, then without it (see `gcp-tier2-pilot-light`). Inputs are Terraform
 * variables (`project`, `domain`, `oncall_email`, `image`), so synthesis needs none.
 */
export function addGcpTier1Gke(
  app: App,
  stateBackend: StateBackendOptions = stateBackendFromContext(app, 'gcs'),
): TerraformStack {
  const stack = new TerraformStack(app, 'gcp-tier1-gke');
  const variable = (name: string, description: string) =>
    new TerraformVariable(stack, name, { type: 'string', description }).stringValue;
  const project = variable('project', 'Google Cloud project to deploy into');
  const domain = variable('domain', 'Domain the service answers on; point its A record at the ip_address output');
  const oncall = variable('oncall_email', 'Address that gets a copy of every page');
  // TIER_1 deploys by digest (a tag may name another image in the other region): Terraform checks it at plan.
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

  const tier = ServiceTier.TIER_1;
  const network = new RegionalNetwork(stack, 'Network', { tier, service: SERVICE, regions: [PRIMARY, STANDBY] });
  const paging = new PagingChannels(stack, 'Paging', {
    tier,
    service: SERVICE,
    regions: [PRIMARY, STANDBY],
    emails: [oncall],
  });
  const database = new HaCloudSql(stack, 'Database', {
    tier,
    service: SERVICE,
    network,
    region: PRIMARY,
    replicaRegion: STANDBY,
    notificationChannels: paging.channelIds,
    replicaLagAccepted:
      'Cloud SQL replicates across regions asynchronously with no published lag bound: the ReplicaLagAlert pages ' +
      `when lag passes ${tier.regionRpoSeconds} s, the tier's region RPO, so the bound is watched rather than guaranteed`,
    designateDrReplica: app.node.tryGetContext('designateDrReplica') !== 'false',
    activeRegion: app.node.tryGetContext('activeRegion') ?? PRIMARY,
  });

  const served: Record<string, SwitchoverCluster> = {};
  const backends = [PRIMARY, STANDBY].flatMap((region) => {
    const id = region === PRIMARY ? 'Primary' : 'Standby';
    const role = region === PRIMARY ? HaRole.PRIMARY : HaRole.STANDBY;
    const cluster = new HaGkeCluster(stack, `Cluster${id}`, {
      tier,
      service: SERVICE,
      role,
      network,
      region,
      zones: ZONES[region],
      requiredNodes: REQUIRED_NODES,
      // The standby keeps what the primary keeps (3 nodes a zone): a region's loss needs no scale-out.
      standbyNodes: role === HaRole.STANDBY ? STANDBY_NODES : undefined,
    });
    const kubernetes = new KubernetesProvider(stack, `kubernetes-${region}`, {
      ...cluster.kubernetesAccess(),
      alias: region,
    });
    // The pods' Google identity (Workload Identity): it may connect to this database, nothing else.
    const account = cluster.workloadServiceAccount(SERVICE, 'default', KUBERNETES_SERVICE_ACCOUNT);
    database.grantConnect(`Workload${id}`, account.email);
    const kubernetesAccount = new WorkloadServiceAccount(stack, `Workload${id}Account`, {
      tier,
      service: SERVICE,
      role,
      provider: kubernetes,
      name: KUBERNETES_SERVICE_ACCOUNT,
      googleServiceAccountEmail: account.email,
    });
    const workload = new HaWorkload(stack, `Workload${id}Pods`, {
      tier,
      service: SERVICE,
      role,
      provider: kubernetes,
      name: SERVICE,
      image,
      requiredReplicas: REQUIRED_REPLICAS,
      maxReplicas: 3 * REQUIRED_REPLICAS,
      zones: ZONES[region],
      serviceAccountName: kubernetesAccount.name,
    });
    workload.deployment.node.addDependency(kubernetesAccount.resource);
    new NodePortService(stack, `Workload${id}Service`, {
      tier,
      service: SERVICE,
      role,
      provider: kubernetes,
      workload,
      nodePort: NODE_PORT,
    });
    served[region] = { cluster, workload };
    return cluster.loadBalancerBackends({ nodePort: NODE_PORT });
  });

  const frontend = new GlobalFrontend(stack, 'Frontend', {
    tier,
    service: SERVICE,
    backends,
    domains: [domain],
    // Sent to the node port: a node answers only through a ready pod of its own, so this is the pods' readiness.
    healthCheckPath: READINESS_PATH,
  });
  const slo = new SloAlarms(stack, 'Slo', {
    tier,
    service: SERVICE,
    backendServiceName: frontend.backendServiceName,
    notificationChannels: paging.channelIds,
    probes: [{ region: PRIMARY, host: domain }],
  });
  new GoldenSignalsDashboard(stack, 'Dashboard', {
    tier,
    service: SERVICE,
    backendServiceName: frontend.backendServiceName,
    slo,
    cloudSql: [database],
  });
  new AuditTrail(stack, 'Audit', { tier, service: SERVICE, region: PRIMARY });
  // The promotion runbook, in the standby region: the paged on-call engineer runs it.
  if (database.drReplicaDesignated) {
    const runbooks = new FailoverWorkflows(stack, 'Runbooks', {
      tier,
      service: SERVICE,
      database,
      trigger: FailoverTrigger.operator(DECISION_SECONDS),
    });
    // Once a quarter the promotion is rehearsed for real: switchover, an hour served from us-central1, failback.
    new RegionSwitchoverDrill(stack, 'RegionDrill', {
      tier,
      service: SERVICE,
      runbooks,
      primaryCluster: served[PRIMARY],
      standbyCluster: served[STANDBY],
      backendServiceName: frontend.backendServiceName,
      serviceUrl: `https://${domain}${READINESS_PATH}`,
      stopTopicId: paging.topics[1].id,
      sloName: slo.slo.id,
      schedule: REGION_DRILL_SCHEDULE,
      timeZone: 'America/New_York',
    });
  }

  new TerraformOutput(stack, 'ip_address', {
    value: frontend.ipAddress,
    description: 'Anycast address of the global load balancer',
  });
  new TerraformOutput(stack, 'database_write_endpoint', {
    value: database.writeEndpoint,
    description: 'Private DNS name of the database writer, which follows it across a failover: connect with it',
  });
  acknowledgeHaFinding(stack, 'HA-RES1', GKE_CONTROL_PLANE_IN_SERIES);
  addHaChecks(stack);
  configureStateBackend(stack, stateBackend);
  requireTerraformVersion(stack);
  return stack;
}
