import { GraphResource } from '../../graph/model';
import { block, blocks, isObject, JsonObject, num, str } from '../../graph/values';
import { Evaluation, HaRule, outcome, RuleContext, undecided } from '../rule';
import { tierOf } from '../support';

/** CDK's KubernetesManifest: `Manifest` is a JSON array of objects. */
const CDK_MANIFEST = 'Custom::AWSCDK-EKS-KubernetesResource';
const TF_DEPLOYMENTS = ['kubernetes_deployment_v1', 'kubernetes_deployment'];
const TF_BUDGETS = ['kubernetes_pod_disruption_budget_v1', 'kubernetes_pod_disruption_budget'];
const TF_AUTOSCALERS = [
  'kubernetes_horizontal_pod_autoscaler_v2',
  'kubernetes_horizontal_pod_autoscaler_v1',
  'kubernetes_horizontal_pod_autoscaler',
];
/** `kubernetes_manifest`: `manifest` is one object in the API's own (camelCase) terms. */
const TF_MANIFEST = 'kubernetes_manifest';
const TYPES = [CDK_MANIFEST, ...TF_DEPLOYMENTS, ...TF_BUDGETS, ...TF_AUTOSCALERS, TF_MANIFEST];

/** The zone label, and the one Kubernetes used before 1.17 (still honoured by the scheduler). */
const ZONE_KEYS = ['topology.kubernetes.io/zone', 'failure-domain.beta.kubernetes.io/zone'];
/** Stands in for a CloudFormation intrinsic inside a manifest's JSON (an image from a parameter). */
const UNRESOLVED = 'UNRESOLVED';

type Labels = Readonly<Record<string, string>>;

/** A Deployment as this rule reads it, from either engine. */
interface DeploymentView {
  readonly resource: GraphResource;
  readonly scope: string;
  readonly namespace: string;
  readonly name: string;
  /** `spec.replicas`: undefined when not literal; Kubernetes' default (1) when absent. */
  readonly replicas: number | undefined;
  readonly labels: Labels;
  readonly spreads: readonly {
    readonly topologyKey?: string;
    readonly whenUnsatisfiable?: string;
    readonly minDomains?: number;
    readonly nodeTaintsPolicy?: string;
    readonly matchLabels?: Labels;
  }[];
  /** How many zones its required node affinity keeps its pods to; undefined when it names none. */
  readonly zones?: number;
  readonly containers: readonly {
    readonly name: string;
    readonly serves: boolean;
    readonly liveness?: string;
    readonly readiness?: string;
  }[];
}

/** A PodDisruptionBudget: which pods of which namespace it protects. */
interface BudgetView {
  readonly scope: string;
  readonly namespace: string;
  readonly matchLabels: Labels;
  readonly minAvailable?: number;
  readonly maxUnavailable?: number;
}

/** A HorizontalPodAutoscaler: the Deployment it scales and its floor. */
interface AutoscalerView {
  readonly scope: string;
  readonly namespace: string;
  readonly target?: string;
  readonly minReplicas?: number;
}

/**
 * HA-AZ5: Kubernetes Deployments spread over zones as their tier needs, a disruption budget
 * protects them, and their containers have distinct liveness and readiness probes.
 */
export const WorkloadSpread: HaRule = {
  id: 'HA-AZ5',
  level: 'error',
  category: 'availability',
  needsTier: true,
  info: "A Kubernetes Deployment of a tier spanning two or more zones runs at least one replica per zone at its floor (its autoscaler's minimum, else its replicas) and, for statically stable tiers, enough that losing its fullest zone leaves the peak its HA record states, has a topology spread constraint over topology.kubernetes.io/zone that selects its pods (for statically stable tiers, whenUnsatisfiable DoNotSchedule with minDomains of at least the tier's minAzs less one and below its zones, and nodeTaintsPolicy Honor), a PodDisruptionBudget in its namespace selects its pods and allows at least one eviction, and each container that listens on a port has a liveness and a readiness probe that differ.",
  explanation:
    "Without a zone spread the scheduler may place every replica in one zone, which a zone loss then takes whole; with ScheduleAnyway, or without minDomains, it piles replicas into the zones it sees when one is short of nodes, so the survivors of the next zone loss are fewer than planned. While a zone is lost, a minDomains as large as the zone count (fewer eligible zones than minDomains: the minimum is taken as 0), or tainted nodes counted (the lost zone's unreachable nodes stay a zone with no pod), leaves every new pod Pending: replacements, scale-out and rollouts wait for the zone to return. Without a disruption budget a node drain or upgrade may evict every replica at once; one that allows no eviction stalls every drain, so node upgrades never finish or are forced through it. Liveness restarts a container, readiness takes it out of traffic: one probe for both either restarts every replica during a dependency brownout or keeps sending traffic to a replica that cannot serve.",
  resourceTypes: TYPES,
  evaluate(context: RuleContext): Evaluation[] {
    const deployments: DeploymentView[] = [];
    const budgets: BudgetView[] = [];
    const autoscalers: AutoscalerView[] = [];
    const undecidable: Evaluation[] = [];
    for (const resource of context.graph.ofType(...TYPES)) {
      if (TF_DEPLOYMENTS.includes(resource.type)) {
        deployments.push(tfDeployment(resource));
      } else if (TF_BUDGETS.includes(resource.type)) {
        budgets.push(tfBudget(resource));
      } else if (TF_AUTOSCALERS.includes(resource.type)) {
        autoscalers.push(tfAutoscaler(resource));
      } else {
        const objects = manifestObjects(resource);
        if (objects === undefined) {
          if (tierOf(context, resource)) {
            undecidable.push(
              undecided(resource, `${resource.address}'s manifest is not literal JSON: its Deployments cannot be read`),
            );
          }
          continue;
        }
        for (const object of objects) {
          const kind = str(object.kind);
          if (kind === 'Deployment') {
            deployments.push(manifestDeployment(resource, object));
          } else if (kind === 'PodDisruptionBudget') {
            budgets.push(manifestBudget(resource, object));
          } else if (kind === 'HorizontalPodAutoscaler') {
            autoscalers.push(manifestAutoscaler(resource, object));
          }
        }
      }
    }
    return [
      ...undecidable,
      ...deployments.flatMap((deployment) => {
        const tier = tierOf(context, deployment.resource);
        if (!tier) {
          return [];
        }
        const autoscaler = autoscalers.find(
          (a) => a.scope === deployment.scope && a.namespace === deployment.namespace && a.target === deployment.name,
        );
        // The autoscaler's minimum is the floor it keeps; without one, the Deployment's count.
        const floor = autoscaler ? (autoscaler.minReplicas ?? 1) : deployment.replicas;
        const budget = budgets.find((b) => protects(b, deployment));
        const problems = [
          ...floorProblems(floor, tier.minAzs, tier.name),
          ...(tier.staticallyStable ? survivorProblems(deployment, floor, tier.minAzs) : []),
          ...spreadProblems(deployment, tier.minAzs, tier.staticallyStable, tier.name),
          ...(budget ? budgetSizeProblems(budget, floor) : [budgetProblem(deployment)]),
          ...probeProblems(deployment),
        ];
        return [
          outcome(
            deployment.resource,
            problems.length === 0
              ? undefined
              : `Deployment ${deployment.namespace}/${deployment.name} (${deployment.resource.address}): ` +
                  `${problems.join('; ')}`,
          ),
        ];
      }),
    ];
  },
};

function spreadProblems(d: DeploymentView, minAzs: number, hard: boolean, tier: string): string[] {
  if (minAzs < 2) {
    return [];
  }
  const zone = d.spreads.filter((s) => s.topologyKey !== undefined && ZONE_KEYS.includes(s.topologyKey));
  const selecting = zone.filter((s) => s.matchLabels !== undefined && selects(s.matchLabels, d.labels));
  if (zone.length === 0) {
    return [
      `no topology spread constraint over topology.kubernetes.io/zone, so the scheduler may place every replica in ` +
        `one zone (${tier} spans ${minAzs}): add one with maxSkew 1` +
        (hard ? `, whenUnsatisfiable DoNotSchedule and minDomains ${minAzs}` : ''),
    ];
  }
  if (selecting.length === 0) {
    return [
      "the zone spread constraint's labelSelector does not select the Deployment's pods, so it spreads nothing: " +
        "select the pod template's labels",
    ];
  }
  if (!hard) {
    return [];
  }
  // The zones left after one is lost must still be enough domains, or nothing schedules during the loss.
  const fewestDomains = Math.max(1, minAzs - 1);
  const enforced = selecting.find(
    (s) => s.whenUnsatisfiable === 'DoNotSchedule' && (s.minDomains ?? 1) >= fewestDomains,
  );
  if (!enforced) {
    const [first] = selecting;
    return [
      `the zone spread is whenUnsatisfiable ${first.whenUnsatisfiable ?? 'DoNotSchedule'} with minDomains ` +
        `${first.minDomains ?? 'unset'}: ${tier} keeps its replicas statically stable over ${minAzs} zones, so set ` +
        `whenUnsatisfiable DoNotSchedule and minDomains ${fewestDomains} (else the scheduler piles replicas into ` +
        'the zones it sees when one is short of nodes)',
    ];
  }
  const zones = d.zones ?? minAzs;
  const minDomains = enforced.minDomains ?? 1;
  return [
    ...(minDomains >= zones
      ? [
          `its zone spread's minDomains ${minDomains} is not below its ${zones} zones: while one is lost, fewer ` +
            'zones than minDomains are eligible, the scheduler takes their minimum as 0 and every new pod (a lost ' +
            `pod's replacement, scale-out, a rollout) stays Pending for the whole outage: set minDomains ${fewestDomains}`,
        ]
      : []),
    ...(enforced.nodeTaintsPolicy === 'Honor'
      ? []
      : [
          `its zone spread counts tainted nodes (nodeTaintsPolicy ${enforced.nodeTaintsPolicy ?? 'unset: Ignore'}): ` +
            "a lost zone's unreachable nodes stay a zone with no pod, so no surviving zone may take a new one while " +
            'it is out: set nodeTaintsPolicy Honor',
        ]),
  ];
}

/**
 * With a skew of 1 the fullest of z zones holds ⌈floor / z⌉: what is left after its loss must carry
 * the peak the HA record states (`requiredCapacity`), or the zone's loss waits for scheduling and scale-out.
 */
function survivorProblems(d: DeploymentView, floor: number | undefined, minAzs: number): string[] {
  const required = d.resource.ha?.requiredCapacity;
  const zones = d.zones ?? minAzs;
  if (required === undefined || floor === undefined || zones < 2) {
    return [];
  }
  const fullest = Math.ceil(floor / zones);
  const left = floor - fullest;
  return left >= required
    ? []
    : [
        `losing its fullest zone (${fullest} of ${floor} over ${zones} zones) leaves ${left}, fewer than the ` +
          `${required} its HA record states it needs at peak (requiredCapacity): run ` +
          `${Math.ceil(required / (zones - 1)) * zones}, ⌈${required} / ${zones - 1}⌉ per zone`,
      ];
}

function floorProblems(floor: number | undefined, minAzs: number, tier: string): string[] {
  return floor !== undefined && floor < minAzs
    ? [
        `it may run ${floor} replica(s), fewer than ${tier}'s ${minAzs} zones: a zone without one takes nothing ` +
          `with it, the zones with one take a share no other replica was sized for; run at least ${minAzs}`,
      ]
    : [];
}

/** A budget that allows no eviction blocks node drains, so node upgrades stall or are forced past it. */
function budgetSizeProblems(budget: BudgetView, floor: number | undefined): string[] {
  const blocks =
    budget.maxUnavailable === 0 ||
    (budget.minAvailable !== undefined && floor !== undefined && budget.minAvailable >= floor);
  return blocks
    ? [
        `its PodDisruptionBudget allows no eviction (${
          budget.maxUnavailable === 0 ? 'maxUnavailable 0' : `minAvailable ${budget.minAvailable} of ${floor}`
        }), so every node drain stalls on it and node upgrades are forced through or never finish: let one zone's ` +
          'share be evicted',
      ]
    : [];
}

function budgetProblem(d: DeploymentView): string {
  return (
    `no PodDisruptionBudget in namespace ${d.namespace} selects its pods, so a node drain or upgrade may evict ` +
    "every replica at once: add one (minAvailable: the replicas that carry peak, at most the count less one zone's share)"
  );
}

function probeProblems(d: DeploymentView): string[] {
  const serving = d.containers.some((c) => c.serves) ? d.containers.filter((c) => c.serves) : d.containers;
  return serving.flatMap((c) => {
    const missing = [c.liveness === undefined ? 'liveness' : '', c.readiness === undefined ? 'readiness' : ''].filter(
      Boolean,
    );
    if (missing.length > 0) {
      return [`container ${c.name} has no ${missing.join(' and no ')} probe`];
    }
    return c.liveness === c.readiness
      ? [
          `container ${c.name}'s liveness and readiness probes make the same request (${c.liveness}): point liveness ` +
            'at a shallow path (the process answers) and readiness at one that says whether it can serve',
        ]
      : [];
  });
}

/** Whether a selector's labels all appear among the pods' labels. */
function selects(selector: Labels, labels: Labels): boolean {
  const entries = Object.entries(selector);
  return entries.length > 0 && entries.every(([key, value]) => labels[key] === value);
}

function protects(budget: BudgetView, d: DeploymentView): boolean {
  return budget.scope === d.scope && budget.namespace === d.namespace && selects(budget.matchLabels, d.labels);
}

function labelsOf(value: unknown): Labels {
  if (!isObject(value)) {
    return {};
  }
  return Object.fromEntries(
    Object.entries(value).flatMap(([key, v]) => (typeof v === 'string' ? [[key, v] as const] : [])),
  );
}

/** A probe's handler as one comparable string, or undefined when there is no probe. */
function handlerOf(
  probe: JsonObject | undefined,
  keys: { http: string; tcp: string; grpc: string },
): string | undefined {
  if (!probe) {
    return undefined;
  }
  const http = block(probe[keys.http]);
  if (http) {
    return `GET ${str(http.path) ?? '/'} on port ${String(http.port ?? '')}`;
  }
  const tcp = block(probe[keys.tcp]);
  if (tcp) {
    return `TCP on port ${String(tcp.port ?? '')}`;
  }
  const grpc = block(probe[keys.grpc]);
  if (grpc) {
    return `gRPC ${String(grpc.service ?? '')} on port ${String(grpc.port ?? '')}`;
  }
  const exec = block(probe.exec);
  return exec ? `exec ${JSON.stringify(exec.command ?? [])}` : 'a probe';
}

// ---- Terraform: the provider's typed resources (snake_case, blocks as lists or objects) ----------

/** Resources of one Terraform stack and provider (alias) reach the same cluster. */
function tfScope(resource: GraphResource): string {
  return `${resource.stack}|${str(resource.properties.provider) ?? 'kubernetes'}`;
}

function tfDeployment(resource: GraphResource): DeploymentView {
  const metadata = block(resource.properties.metadata);
  const template = block(block(resource.properties.spec)?.template);
  const pod = block(template?.spec);
  const keys = { http: 'http_get', tcp: 'tcp_socket', grpc: 'grpc' };
  return {
    resource,
    scope: tfScope(resource),
    namespace: str(metadata?.namespace) ?? 'default',
    name: str(metadata?.name) ?? resource.address,
    replicas: replicasOf(block(resource.properties.spec)?.replicas),
    labels: labelsOf(block(template?.metadata)?.labels),
    spreads: blocks(pod?.topology_spread_constraint).map((s) => ({
      topologyKey: str(s.topology_key),
      whenUnsatisfiable: str(s.when_unsatisfiable),
      minDomains: num(s.min_domains),
      nodeTaintsPolicy: str(s.node_taints_policy),
      matchLabels: labelsOf(block(s.label_selector)?.match_labels),
    })),
    zones: affinityZones(
      blocks(
        block(block(block(pod?.affinity)?.node_affinity)?.required_during_scheduling_ignored_during_execution)
          ?.node_selector_term,
      ).flatMap((t) => blocks(t.match_expressions)),
    ),
    containers: blocks(pod?.container).map((c) => ({
      name: str(c.name) ?? 'container',
      serves: blocks(c.port).length > 0,
      liveness: handlerOf(block(c.liveness_probe), keys),
      readiness: handlerOf(block(c.readiness_probe), keys),
    })),
  };
}

function tfBudget(resource: GraphResource): BudgetView {
  const spec = block(resource.properties.spec);
  return {
    scope: tfScope(resource),
    namespace: str(block(resource.properties.metadata)?.namespace) ?? 'default',
    matchLabels: labelsOf(block(spec?.selector)?.match_labels),
    minAvailable: num(spec?.min_available),
    maxUnavailable: num(spec?.max_unavailable),
  };
}

function tfAutoscaler(resource: GraphResource): AutoscalerView {
  const spec = block(resource.properties.spec);
  return {
    scope: tfScope(resource),
    namespace: str(block(resource.properties.metadata)?.namespace) ?? 'default',
    target: str(block(spec?.scale_target_ref)?.name),
    minReplicas: num(spec?.min_replicas),
  };
}

/** How many zones one `In` expression over the zone label lists; undefined unless exactly one does. */
function affinityZones(expressions: JsonObject[]): number | undefined {
  const zones = expressions.filter((e) => ZONE_KEYS.includes(str(e.key) ?? '') && str(e.operator) === 'In');
  return zones.length === 1 && Array.isArray(zones[0].values) ? zones[0].values.length : undefined;
}

/** Kubernetes runs one replica when the count is absent; a count that is not literal is unknown. */
function replicasOf(value: unknown): number | undefined {
  return value === undefined || value === null ? 1 : num(value);
}

// ---- Manifests: CDK's KubernetesManifest and Terraform's kubernetes_manifest (the API's terms) ---

/** The objects a manifest resource applies; undefined when its JSON cannot be read. */
function manifestObjects(resource: GraphResource): JsonObject[] | undefined {
  if (resource.type === TF_MANIFEST) {
    return isObject(resource.properties.manifest) ? [resource.properties.manifest] : undefined;
  }
  const text = manifestText(resource.properties.Manifest);
  if (text === undefined) {
    return undefined;
  }
  try {
    const parsed: unknown = JSON.parse(text);
    return (Array.isArray(parsed) ? parsed : [parsed]).filter(isObject);
  } catch {
    return undefined;
  }
}

/** The manifest's JSON text: a literal, or an `Fn::Join` whose intrinsic parts stand inside JSON strings. */
function manifestText(value: unknown): string | undefined {
  if (typeof value === 'string') {
    return value;
  }
  const join = isObject(value) ? value['Fn::Join'] : undefined;
  if (!Array.isArray(join) || join[0] !== '' || !Array.isArray(join[1])) {
    return undefined;
  }
  return join[1].map((part: unknown) => (typeof part === 'string' ? part : UNRESOLVED)).join('');
}

/** Objects of one CloudFormation stack and cluster, or of one Terraform stack and provider. */
function manifestScope(resource: GraphResource): string {
  if (resource.type === TF_MANIFEST) {
    return tfScope(resource);
  }
  return `${resource.stack}|${JSON.stringify(resource.properties.ClusterName ?? '')}`;
}

function manifestDeployment(resource: GraphResource, object: JsonObject): DeploymentView {
  const metadata = block(object.metadata);
  const template = block(block(object.spec)?.template);
  const pod = block(template?.spec);
  const keys = { http: 'httpGet', tcp: 'tcpSocket', grpc: 'grpc' };
  return {
    resource,
    scope: manifestScope(resource),
    namespace: str(metadata?.namespace) ?? 'default',
    name: str(metadata?.name) ?? resource.address,
    replicas: replicasOf(block(object.spec)?.replicas),
    labels: labelsOf(block(template?.metadata)?.labels),
    spreads: blocks(pod?.topologySpreadConstraints).map((s) => ({
      topologyKey: str(s.topologyKey),
      whenUnsatisfiable: str(s.whenUnsatisfiable),
      minDomains: num(s.minDomains),
      nodeTaintsPolicy: str(s.nodeTaintsPolicy),
      matchLabels: labelsOf(block(s.labelSelector)?.matchLabels),
    })),
    zones: affinityZones(
      blocks(
        block(block(block(pod?.affinity)?.nodeAffinity)?.requiredDuringSchedulingIgnoredDuringExecution)
          ?.nodeSelectorTerms,
      ).flatMap((t) => blocks(t.matchExpressions)),
    ),
    containers: blocks(pod?.containers).map((c) => ({
      name: str(c.name) ?? 'container',
      serves: blocks(c.ports).length > 0,
      liveness: handlerOf(block(c.livenessProbe), keys),
      readiness: handlerOf(block(c.readinessProbe), keys),
    })),
  };
}

function manifestBudget(resource: GraphResource, object: JsonObject): BudgetView {
  const spec = block(object.spec);
  return {
    scope: manifestScope(resource),
    namespace: str(block(object.metadata)?.namespace) ?? 'default',
    matchLabels: labelsOf(block(spec?.selector)?.matchLabels),
    minAvailable: num(spec?.minAvailable),
    maxUnavailable: num(spec?.maxUnavailable),
  };
}

function manifestAutoscaler(resource: GraphResource, object: JsonObject): AutoscalerView {
  const spec = block(object.spec);
  return {
    scope: manifestScope(resource),
    namespace: str(block(object.metadata)?.namespace) ?? 'default',
    target: str(block(spec?.scaleTargetRef)?.name),
    minReplicas: num(spec?.minReplicas),
  };
}
