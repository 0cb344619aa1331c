import { ResourceGraph } from '../graph/graph';
import { GraphResource } from '../graph/model';
import { block, blocks, list, num, str, strings } from '../graph/values';
import { fleetZones } from '../graph/zones';

/*
 * Whether a GKE cluster's Kubernetes API is on its service's serving path.
 *
 * The control plane schedules, scales and repairs; it does not carry requests. While it is
 * unavailable the workloads keep running (GKE: "your workloads continue to run, but you cannot deploy
 * new workloads, modify existing workloads" during a zonal control plane's upgrade), so it is in
 * series with serving only where serving needs one of those actions, or a credential only it
 * issues. The templates show it needs none when all hold:
 *
 * - the load balancer reaches the pods without the API: its backends are the node pools' instance
 *   groups (a backend service Terraform owns, not one GKE's controllers build), on node ports that
 *   Services of type NodePort with `externalTrafficPolicy: Local` serve, so each node sends only to
 *   its own pods and the load balancer's health check follows them;
 * - each Deployment behind those Services is statically stable: spread over zones with a skew of at
 *   most 1 (`DoNotSchedule`), after the loss of its fullest zone the replicas left carry the peak its
 *   HA record states (`requiredCapacity`), without scheduling anything. The bound holds for pods
 *   placed while every zone could take one: the scheduler never moves a running pod, so after a lost
 *   zone returns its share stays in the others until a rollout (`kubectl rollout restart`) places
 *   them again, which the zone drill's recovery includes; the templates cannot show that placement;
 * - their pods get no Google credentials through Workload Identity (no IAM member in the templates
 *   names their Kubernetes service account): the GKE metadata server exchanges the pod's Kubernetes
 *   service account token, which the API server issues, for a Google access token, so once the
 *   tokens cached when it went down expire (lifetimes GKE does not bound for this), a pod calling a
 *   Google API, or logging in to Cloud SQL with IAM, fails until the control plane returns.
 *
 * | backends              | Services               | Deployments                 | control plane      |
 * |-----------------------|------------------------|-----------------------------|--------------------|
 * | node pools' groups    | NodePort, Local        | R − ⌈R / zones⌉ ≥ required  | off the path       |
 * | node pools' groups    | NodePort, Cluster      | any                         | in series          |
 * | none (NEGs GKE makes) | any                    | any                         | in series          |
 * | node pools' groups    | NodePort, Local        | no required peak stated     | in series          |
 * | node pools' groups    | NodePort, Local        | no DoNotSchedule zone spread| in series          |
 * | node pools' groups    | NodePort, Local        | pods with Workload Identity | in series          |
 *
 * Example: 9 replicas over 3 zones with a stated peak of 6: the fullest zone holds ⌈9 / 3⌉ = 3, and
 * 9 − 3 = 6 ≥ 6, so the control plane (99.95 % for a regional cluster) is not in series: it counts in
 * recovery (rescheduling a lost node's pods, scaling past the minimum), which a drill measures.
 * @see https://cloud.google.com/kubernetes-engine/docs/concepts/cluster-upgrades
 * @see https://kubernetes.io/docs/concepts/services-networking/service/#external-traffic-policy
 * @see https://cloud.google.com/kubernetes-engine/docs/concepts/workload-identity
 */

const NODE_POOL_TYPES = ['google_container_node_pool'];
const BACKEND_SERVICE_TYPES = ['google_compute_backend_service', 'google_compute_region_backend_service'];
const NAMED_PORT_TYPES = ['google_compute_instance_group_named_port'];
const SERVICE_TYPES = ['kubernetes_service_v1', 'kubernetes_service'];
const DEPLOYMENT_TYPES = ['kubernetes_deployment_v1', 'kubernetes_deployment'];
const ZONE_LABEL = 'topology.kubernetes.io/zone';

/**
 * Why the cluster's control plane is off its service's serving path (a sentence for the report), or
 * undefined when the templates do not show it: then it counts in series.
 */
export function controlPlaneOffServingPath(graph: ResourceGraph, cluster: GraphResource): string | undefined {
  const entry = staticLocalNodePortEntry(graph, cluster);
  if (!entry || entry.deployments.some((d) => workloadIdentityGrants(graph, d).length > 0)) {
    return undefined;
  }
  return (
    `the load balancer reaches the pods through the node pools' instance groups on node port ` +
    `${entry.ports.join(', ')} (externalTrafficPolicy Local), and the replicas left after a zone's loss carry ` +
    "the stated peak: serving needs no scheduling, scaling or endpoint change, and GKE's workloads keep running " +
    'while its control plane is unavailable; it counts in recovery, which a drill measures (as does putting a ' +
    "returned zone's share back: after a loss the pods stay where they were rescheduled until a rollout)"
  );
}

/**
 * Whether the loss of a zone takes a GKE cluster's Deployment (or every Deployment a cluster serves)
 * out of the load balancer with no Kubernetes action: the pods are reached only through
 * `externalTrafficPolicy: Local` node ports of node pools a backend service names, so a lost zone's
 * nodes leave the load balancer when they fail its health check, whatever the cluster's endpoints
 * still list (a node sends only to its own pods); and the replicas left carry the stated peak, so
 * nothing waits for the lost pods to be marked NotReady, evicted and scheduled again. The backend
 * service's health check then bounds the zone's recovery.
 */
export function zoneLossNeedsNoKubernetesAction(graph: ResourceGraph, resource: GraphResource): boolean {
  if (resource.type === 'google_container_cluster') {
    // A zone's loss leaves the regional control plane up: the pods' tokens still come.
    return staticLocalNodePortEntry(graph, resource) !== undefined;
  }
  if (!DEPLOYMENT_TYPES.includes(resource.type)) {
    return false;
  }
  return graph
    .ofType('google_container_cluster')
    .filter((c) => c.stack === resource.stack)
    .some((cluster) => {
      const entry = localNodePortEntry(graph, cluster);
      const served = entry?.services.some((s) => selectedDeployments(graph, s).includes(resource)) ?? false;
      return served && staticShortfall(resource, fleetZones(graph, cluster)?.length) === undefined;
    });
}

/**
 * The cluster's node-port entry ({@link localNodePortEntry}) when every Deployment behind it is
 * statically stable, with those Deployments; undefined otherwise.
 */
function staticLocalNodePortEntry(
  graph: ResourceGraph,
  cluster: GraphResource,
): { readonly ports: number[]; readonly deployments: GraphResource[] } | undefined {
  const entry = localNodePortEntry(graph, cluster);
  const deployments = (entry?.services ?? []).flatMap((s) => selectedDeployments(graph, s));
  const zones = fleetZones(graph, cluster)?.length;
  if (!entry || deployments.length === 0 || deployments.some((d) => staticShortfall(d, zones) !== undefined)) {
    return undefined;
  }
  return { ports: entry.ports, deployments };
}

/**
 * The node ports a cluster's node pools serve a backend service on, and the Services of its stack
 * that serve them; undefined unless every pool is a backend, every port is named, and every such
 * Service is `externalTrafficPolicy: Local`.
 */
function localNodePortEntry(
  graph: ResourceGraph,
  cluster: GraphResource,
): { readonly ports: number[]; readonly services: GraphResource[] } | undefined {
  const pools = graph.referrersOf(cluster, ...NODE_POOL_TYPES);
  if (pools.length === 0 || pools.some((pool) => graph.referrersOf(pool, ...BACKEND_SERVICE_TYPES).length === 0)) {
    return undefined;
  }
  const ports = pools
    .flatMap((pool) => graph.referrersOf(pool, ...NAMED_PORT_TYPES))
    .map((p) => num(p.properties.port));
  if (ports.length === 0 || ports.some((p) => p === undefined)) {
    return undefined;
  }
  const services = graph
    .ofType(...SERVICE_TYPES)
    .filter((s) => s.stack === cluster.stack && servicePorts(s).some((p) => ports.includes(p)));
  if (
    services.length === 0 ||
    services.some((s) => str(block(s.properties.spec)?.external_traffic_policy) !== 'Local')
  ) {
    return undefined;
  }
  return { ports: [...new Set(ports as number[])], services };
}

/**
 * The IAM grants in the Deployment's stack that name its pods' Kubernetes service account as a
 * Workload Identity member (`serviceAccount:<pool>[<namespace>/<name>]` or the federated
 * `.../subject/ns/<namespace>/sa/<name>` principal); the Deployment itself when its namespace or
 * account is not a literal.
 */
export function workloadIdentityGrants(graph: ResourceGraph, deployment: GraphResource): GraphResource[] {
  const metadata = block(deployment.properties.metadata);
  const pod = block(block(block(deployment.properties.spec)?.template)?.spec);
  // A name the template does not spell out could be any account: count it as one with grants.
  if (
    (metadata?.namespace !== undefined && str(metadata.namespace) === undefined) ||
    (pod?.service_account_name !== undefined && str(pod.service_account_name) === undefined)
  ) {
    return [deployment];
  }
  const namespace = str(metadata?.namespace) ?? 'default';
  const account = str(pod?.service_account_name) ?? 'default';
  const names = [`[${namespace}/${account}]`, `/subject/ns/${namespace}/sa/${account}`];
  return graph.resources
    .filter((r) => r.stack === deployment.stack)
    .filter((r) =>
      // A member is often an interpolation (the project's pool): its end names the Kubernetes account.
      [r.properties.member, ...list(r.properties.members)].some(
        (m) => typeof m === 'string' && names.some((n) => m.endsWith(n)),
      ),
    );
}

/** The node ports a Service serves on. */
function servicePorts(service: GraphResource): number[] {
  return blocks(block(service.properties.spec)?.port)
    .map((p) => num(p.node_port))
    .filter((p): p is number => p !== undefined);
}

/** The Deployments of the Service's stack whose pod labels its selector matches. */
function selectedDeployments(graph: ResourceGraph, service: GraphResource): GraphResource[] {
  const selector = block(block(service.properties.spec)?.selector) ?? {};
  const wanted = Object.entries(selector);
  if (wanted.length === 0) {
    return [];
  }
  return graph
    .ofType(...DEPLOYMENT_TYPES)
    .filter((d) => d.stack === service.stack)
    .filter((d) => {
      const labels = block(block(block(block(d.properties.spec)?.template)?.metadata)?.labels) ?? {};
      return wanted.every(([key, value]) => str(labels[key]) === str(value));
    });
}

/**
 * Undefined when the Deployment's replicas left after its fullest zone is lost carry its stated
 * peak; otherwise why not (no stated peak, unknown replicas or zones, too few replicas).
 */
function staticShortfall(deployment: GraphResource, clusterZones: number | undefined): string | undefined {
  const required = deployment.ha?.requiredCapacity;
  const replicas = num(block(deployment.properties.spec)?.replicas);
  if (!spreadEvenlyOverZones(deployment)) {
    return 'no zone spread';
  }
  const zones = deploymentZones(deployment) ?? clusterZones;
  if (required === undefined || replicas === undefined || zones === undefined || zones < 2) {
    return 'unknown';
  }
  const left = replicas - Math.ceil(replicas / zones);
  return left >= required ? undefined : `${left} < ${required}`;
}

/**
 * Whether the pods must spread over zones with a skew of at most 1 (what bounds the fullest zone to
 * ⌈R / zones⌉ while every zone can take a pod). `minDomains` and the node policies do not change
 * that bound; they decide whether new pods schedule while a zone is lost (HA-AZ5 judges them).
 */
function spreadEvenlyOverZones(deployment: GraphResource): boolean {
  const pod = block(block(block(deployment.properties.spec)?.template)?.spec);
  return blocks(pod?.topology_spread_constraint).some(
    (c) => str(c.topology_key) === ZONE_LABEL && num(c.max_skew) === 1 && str(c.when_unsatisfiable) === 'DoNotSchedule',
  );
}

/** How many zones a Deployment's required node affinity keeps its pods to; undefined when it names none. */
function deploymentZones(deployment: GraphResource): number | undefined {
  const pod = block(block(block(deployment.properties.spec)?.template)?.spec);
  const required = block(
    block(block(pod?.affinity)?.node_affinity)?.required_during_scheduling_ignored_during_execution,
  );
  const expressions = blocks(required?.node_selector_term).flatMap((t) => blocks(t.match_expressions));
  const zones = expressions.filter((e) => str(e.key) === ZONE_LABEL && str(e.operator) === 'In');
  return zones.length === 1 ? strings(zones[0].values).length : undefined;
}
