import { FleetCapacity } from '../capacity';
import { PlanProblem, PlanWarning } from '../errors';
import { fleetTargetHealth } from '../fleet-health';
import { healthCheckPathProblem, LIVENESS_PATH, READINESS_PATH } from '../health-check-path';
import { ServiceTier } from '../tier';
import { FLEET_DEFAULTS, fleetMinZones } from './fleet';
import { checkCount, planServingCapacity } from './serving-capacity';

/**
 * The plan of a Kubernetes workload (`HaWorkload`): a Deployment spread over zones and nodes, its
 * PodDisruptionBudget, HorizontalPodAutoscaler and PriorityClass, as the manifests every engine
 * renders (the Terraform engine maps them field by field onto the provider's typed resources).
 */

/** The node label that names a node's zone (set by the cloud provider on EKS and GKE). */
export const ZONE_TOPOLOGY_KEY = 'topology.kubernetes.io/zone';
/** The node label that names the node itself. */
export const HOST_TOPOLOGY_KEY = 'kubernetes.io/hostname';
/** The label the workload's pods are selected by. */
export const WORKLOAD_NAME_LABEL = 'app.kubernetes.io/name';

/**
 * Defaults of a workload's own settings (not HA objectives):
 * - port and CPU target: the fleet's (`FLEET_DEFAULTS`);
 * - requests: a quarter vCPU and 256 MiB; limits: 1 vCPU, and memory equal to its request (a pod
 *   never uses memory the scheduler did not reserve on its node, so it cannot push neighbours out);
 * - startup: a minute before liveness counts;
 * - user 65532: the `nonroot` user of distroless images, so that `runAsNonRoot` can be verified
 *   whatever user the image names; a writable `/tmp` of 64 MiB beside the read-only root;
 * - shutdown: 30 s (Kubernetes' default grace period) to finish the requests a pod holds once its
 *   drain is over.
 */
export const WORKLOAD_DEFAULTS = {
  namespace: 'default',
  containerPort: FLEET_DEFAULTS.instancePort,
  livenessPath: LIVENESS_PATH,
  readinessPath: READINESS_PATH,
  cpuRequestMillicores: 250,
  cpuLimitMillicores: 1000,
  memoryRequestMiB: 256,
  targetCpuPercent: FLEET_DEFAULTS.targetCpuPercent,
  startupSeconds: 60,
  runAsUser: 65532,
  tmpSizeMiB: 64,
  shutdownSeconds: 30,
} as const;

/**
 * Probe timings. Liveness restarts a container, so it tolerates a pause (3 failures 10 s apart:
 * about 30 s of hanging); readiness only takes the pod out of its Services' endpoints, so it acts
 * faster (3 failures 5 s apart). Each waits 2 s for an answer (Kubernetes' 1 s default fails
 * pods during a garbage-collection pause). The startup probe holds liveness off while the process starts.
 * @see https://kubernetes.io/docs/concepts/configuration/liveness-readiness-startup-probes/
 */
export const WORKLOAD_PROBES = {
  liveness: { periodSeconds: 10, timeoutSeconds: 2, failureThreshold: 3, successThreshold: 1 },
  readiness: { periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 3, successThreshold: 1 },
  startupPeriodSeconds: 5,
} as const;

/**
 * A PriorityClass value is an integer of at most one billion (higher ones are reserved for the
 * system's own classes).
 * @see https://kubernetes.io/docs/concepts/scheduling-eviction/pod-priority-preemption/#priorityclass
 */
export const PRIORITY_CLASS_MAX_VALUE = 1_000_000_000;

/** A workload as its props describe it, in core's terms; `undefined` where a value is a token. */
export interface WorkloadIntent {
  /** The Deployment's name, also its pods' `app.kubernetes.io/name` label. */
  readonly name: string;
  /** @default 'default' */
  readonly namespace?: string;
  /** The container image: `repository@sha256:<digest>` (TIER_0/1 require one), or `repository:tag`. */
  readonly image: string;
  /** Whether the image is a token, resolved at deployment: its checks are skipped. */
  readonly imageIsToken?: boolean;
  readonly containerPort?: number;
  /** Replicas needed to carry peak load. */
  readonly requiredReplicas: number;
  /** The most replicas the autoscaler may run: the literal maximum. */
  readonly maxReplicas: number;
  /** The zones the cluster's nodes run in; undefined when not given. */
  readonly zones?: readonly string[];
  /** Path the kubelet requests to decide whether to restart the container: shallow (the process answers). */
  readonly livenessPath?: string;
  /** Path the kubelet requests to decide whether the pod receives traffic: can it serve a request now. */
  readonly readinessPath?: string;
  /** Seconds the process may take to start before liveness counts. */
  readonly startupSeconds?: number;
  readonly cpuRequestMillicores?: number;
  readonly cpuLimitMillicores?: number;
  readonly memoryRequestMiB?: number;
  /** @default - the memory request */
  readonly memoryLimitMiB?: number;
  /** Average CPU utilisation of the requests the autoscaler keeps. */
  readonly targetCpuPercent?: number;
  /** The non-root user the container runs as. */
  readonly runAsUser?: number;
  readonly serviceAccountName?: string;
  /** Seconds the load balancer in front takes to stop sending to a pod that fails its readiness path. */
  readonly drainSeconds?: number;
}

/**
 * The props both engines' `HaWorkload` take beside the tier (same names on every engine); each
 * passes them to {@link workloadIntent}.
 */
export interface WorkloadOptions {
  /** The Deployment's name (a DNS label), also its pods' `app.kubernetes.io/name` label. */
  readonly name: string;
  /**
   * The namespace; it must exist.
   * @default 'default'
   */
  readonly namespace?: string;
  /** The image: `<repository>@sha256:<digest>` (required for TIER_0 and TIER_1), or `<repository>:<tag>`. */
  readonly image: string;
  /**
   * Port the container listens on; the probes request it.
   * @default 8080
   */
  readonly containerPort?: number;
  /** Replicas that carry peak load; the tier adds a zone's worth for static stability. */
  readonly requiredReplicas: number;
  /** The most replicas the autoscaler runs: the literal maximum (a cost guard). */
  readonly maxReplicas: number;
  /**
   * Zones the cluster's nodes run in: the pods are kept to them and sized over their count.
   * @default - sized over the tier's `minAzs`, placed in whichever zones the nodes are
   */
  readonly zones?: string[];
  /**
   * Path of the liveness probe (the kubelet restarts a container that fails it): shallow.
   * @default '/health/live'
   */
  readonly livenessPath?: string;
  /**
   * Path of the readiness probe (a pod that fails it gets no traffic): can this pod serve now. Unlike
   * a target group or Route 53, a Service does not fail open: when every pod fails readiness it has no
   * endpoints, which takes the region out (what regional failover wants) but, in every region at
   * once, takes the service down; check this region's own dependencies, not shared ones.
   * @default '/health/ready'
   */
  readonly readinessPath?: string;
  /**
   * Seconds the process may take to start before liveness counts.
   * @default 60
   */
  readonly startupSeconds?: number;
  /** @default 250 */
  readonly cpuRequestMillicores?: number;
  /** @default - 1000, or the request when it is larger */
  readonly cpuLimitMillicores?: number;
  /** @default 256 */
  readonly memoryRequestMiB?: number;
  /** @default - the memory request */
  readonly memoryLimitMiB?: number;
  /**
   * Average CPU utilisation (of the requests) the autoscaler keeps, 1 to 99.
   * @default 50
   */
  readonly targetCpuPercent?: number;
  /**
   * The non-root user (and group) the pod runs as.
   * @default 65532
   */
  readonly runAsUser?: number;
  /**
   * The service account the pods run as (it must exist): the identity cloud permissions are granted
   * to (IAM roles for service accounts, Workload Identity). Its API token is not mounted.
   * @default - the namespace's `default` service account
   */
  readonly serviceAccountName?: string;
  /**
   * Seconds the load balancer in front takes to stop sending to a pod (or, behind node ports, to its
   * node) once the pod fails its readiness path: how long a terminating pod keeps serving. The pod
   * gets this plus 30 s to finish its requests before the kubelet kills it. The image must, on
   * SIGTERM, fail `readinessPath` at once and keep serving for this long (see `planWorkload`).
   * @default - the detection time of the tier's load-balancer health check (`fleetTargetHealth`:
   *   50 s for TIER_1), which `GlobalFrontend` and the fleets run
   */
  readonly drainSeconds?: number;
}

/**
 * The first of {@link WorkloadOptions} that `isToken` says is unresolved, other than `image`:
 * names, zones, paths and counts decide the objects' names, selectors, probes and sizes, so they
 * must be known at synthesis. Engines refuse it.
 */
export function unresolvedWorkloadOption(
  options: WorkloadOptions,
  isToken: (value: unknown) => boolean,
): string | undefined {
  const entries = Object.entries(options).filter(([key]) => key !== 'image');
  const zones = options.zones ?? [];
  if (isToken(options.zones) || zones.some(isToken)) {
    return 'zones';
  }
  return entries.find(([key, value]) => key !== 'zones' && isToken(value))?.[0];
}

/** The intent of {@link WorkloadOptions} whose other options are known; an unresolved image is rendered as is. */
export function workloadIntent(options: WorkloadOptions, isToken: (value: unknown) => boolean): WorkloadIntent {
  return { ...options, imageIsToken: isToken(options.image) };
}

/** A topology spread constraint, as the Kubernetes API spells it. */
export interface TopologySpreadConstraint {
  readonly maxSkew: number;
  readonly topologyKey: string;
  readonly whenUnsatisfiable: 'DoNotSchedule' | 'ScheduleAnyway';
  /** Only with DoNotSchedule (the API refuses it otherwise). */
  readonly minDomains?: number;
  /** Whether only the nodes the pod's node affinity selects count as domains. */
  readonly nodeAffinityPolicy: 'Honor';
  /** Whether only the nodes whose taints the pod tolerates count (a lost zone's tainted nodes do not). */
  readonly nodeTaintsPolicy: 'Honor';
  readonly labelSelector: { readonly matchLabels: Readonly<Record<string, string>> };
  readonly matchLabelKeys: readonly string[];
}

/** An HTTP probe, as the Kubernetes API spells it. */
export interface HttpProbe {
  readonly httpGet: { readonly path: string; readonly port: number };
  readonly periodSeconds: number;
  readonly timeoutSeconds: number;
  readonly failureThreshold: number;
  readonly successThreshold: number;
}

/** The container of the Deployment's pod template. */
export interface WorkloadContainer {
  readonly name: string;
  readonly image: string;
  readonly imagePullPolicy: 'IfNotPresent';
  readonly ports: readonly { readonly name: string; readonly containerPort: number; readonly protocol: 'TCP' }[];
  readonly resources: {
    readonly requests: { readonly cpu: string; readonly memory: string };
    readonly limits: { readonly cpu: string; readonly memory: string };
  };
  readonly startupProbe: HttpProbe;
  readonly livenessProbe: HttpProbe;
  readonly readinessProbe: HttpProbe;
  readonly securityContext: {
    readonly allowPrivilegeEscalation: false;
    readonly privileged: false;
    readonly readOnlyRootFilesystem: true;
    readonly runAsNonRoot: true;
    readonly capabilities: { readonly drop: readonly string[] };
  };
  readonly volumeMounts: readonly { readonly name: string; readonly mountPath: string }[];
}

/** Object metadata of a namespaced object. */
export interface ObjectMeta {
  readonly name: string;
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
}

/** The Deployment (apps/v1). */
export interface DeploymentManifest {
  readonly apiVersion: 'apps/v1';
  readonly kind: 'Deployment';
  readonly metadata: ObjectMeta;
  readonly spec: {
    readonly replicas: number;
    readonly selector: { readonly matchLabels: Readonly<Record<string, string>> };
    readonly strategy: {
      readonly type: 'RollingUpdate';
      readonly rollingUpdate: { readonly maxUnavailable: number; readonly maxSurge: number };
    };
    readonly template: {
      readonly metadata: { readonly labels: Readonly<Record<string, string>> };
      readonly spec: {
        /** Seconds from the pod's deletion to SIGKILL: its drain, then its shutdown. */
        readonly terminationGracePeriodSeconds: number;
        readonly priorityClassName: string;
        readonly serviceAccountName?: string;
        readonly automountServiceAccountToken: false;
        readonly securityContext: {
          readonly runAsNonRoot: true;
          readonly runAsUser: number;
          readonly runAsGroup: number;
          readonly fsGroup: number;
          readonly seccompProfile: { readonly type: 'RuntimeDefault' };
        };
        readonly topologySpreadConstraints: readonly TopologySpreadConstraint[];
        readonly affinity: {
          /** Present when the zones are known: the pods stay in them. */
          readonly nodeAffinity?: {
            readonly requiredDuringSchedulingIgnoredDuringExecution: {
              readonly nodeSelectorTerms: readonly {
                readonly matchExpressions: readonly {
                  readonly key: string;
                  readonly operator: 'In';
                  readonly values: readonly string[];
                }[];
              }[];
            };
          };
          readonly podAntiAffinity: {
            readonly preferredDuringSchedulingIgnoredDuringExecution: readonly {
              readonly weight: number;
              readonly podAffinityTerm: {
                readonly topologyKey: string;
                readonly labelSelector: { readonly matchLabels: Readonly<Record<string, string>> };
              };
            }[];
          };
        };
        readonly containers: readonly WorkloadContainer[];
        readonly volumes: readonly { readonly name: string; readonly emptyDir: { readonly sizeLimit: string } }[];
      };
    };
  };
}

/** The PodDisruptionBudget (policy/v1). */
export interface PodDisruptionBudgetManifest {
  readonly apiVersion: 'policy/v1';
  readonly kind: 'PodDisruptionBudget';
  readonly metadata: ObjectMeta;
  readonly spec: {
    /** Set for lower tiers: the replicas kept. */
    readonly minAvailable?: number;
    /** Set for statically stable tiers: one zone's share, whatever count the autoscaler runs. */
    readonly maxUnavailable?: number;
    readonly selector: { readonly matchLabels: Readonly<Record<string, string>> };
  };
}

/** The HorizontalPodAutoscaler (autoscaling/v2). */
export interface HorizontalPodAutoscalerManifest {
  readonly apiVersion: 'autoscaling/v2';
  readonly kind: 'HorizontalPodAutoscaler';
  readonly metadata: ObjectMeta;
  readonly spec: {
    readonly scaleTargetRef: { readonly apiVersion: 'apps/v1'; readonly kind: 'Deployment'; readonly name: string };
    readonly minReplicas: number;
    readonly maxReplicas: number;
    readonly metrics: readonly {
      readonly type: 'Resource';
      readonly resource: {
        readonly name: 'cpu';
        readonly target: { readonly type: 'Utilization'; readonly averageUtilization: number };
      };
    }[];
  };
}

/** The PriorityClass (scheduling.k8s.io/v1), cluster-scoped. */
export interface PriorityClassManifest {
  readonly apiVersion: 'scheduling.k8s.io/v1';
  readonly kind: 'PriorityClass';
  readonly metadata: { readonly name: string; readonly labels: Readonly<Record<string, string>> };
  readonly value: number;
  readonly globalDefault: false;
  readonly preemptionPolicy: 'PreemptLowerPriority';
  readonly description: string;
}

/** The plan. */
export interface WorkloadPlan {
  /** Zones the replicas are planned over: the known zones, else the tier's minimum. */
  readonly zones: number;
  /** Replicas: min and desired equal (the autoscaler's minimum), max the literal maximum. */
  readonly replicas: FleetCapacity;
  /** The required count as read (1 when invalid, so that planning goes on). */
  readonly required: number;
  /** Replicas a rolling update or a voluntary disruption never goes below. */
  readonly keptReplicas: number;
  /** Seconds a terminating pod keeps serving while the load balancer in front stops sending to it. */
  readonly drainSeconds: number;
  readonly deployment: DeploymentManifest;
  readonly podDisruptionBudget: PodDisruptionBudgetManifest;
  readonly horizontalPodAutoscaler: HorizontalPodAutoscalerManifest;
  readonly priorityClass: PriorityClassManifest;
  readonly problems: PlanProblem[];
  readonly warnings: PlanWarning[];
}

/** A DNS-1123 label: what a Deployment's pods, its label value and a namespace all accept. */
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
/** A DNS-1123 subdomain: what a service account's name accepts. */
const DNS_SUBDOMAIN = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const IMAGE_DIGEST_SUFFIX = /@sha256:[0-9a-f]{64}$/;
const PORT_MAX = 65535;
const WORKLOAD_COUNT_PROPS = {
  required: 'requiredReplicas',
  max: 'maxReplicas',
  standby: 'standbyReplicas',
  unit: 'replica',
};
/** Preferred anti-affinity weight (1–100): the most the scheduler gives a preference. */
const ANTI_AFFINITY_WEIGHT = 100;
/** Priority per nine of the tier's availability target (0.9999 → 400 000; TIER_3's 0.995 → 230 103). */
const PRIORITY_PER_NINE = 100_000;

/**
 * Plans a workload.
 *
 * - **Replicas**: a fleet's capacity over the zones (`planServingCapacity`). A statically stable
 *   tier (TIER_0, TIER_1) runs `staticallyStableCapacity(required, zones).total`: perAz =
 *   ⌈required / (zones − 1)⌉, so losing a zone leaves `required` running; other tiers run
 *   max(required, zones). That count is the Deployment's replicas and the autoscaler's minimum;
 *   `maxReplicas` its literal maximum.
 * - **Zone spread**: over `topology.kubernetes.io/zone`, maxSkew 1, `nodeAffinityPolicy` and
 *   `nodeTaintsPolicy` `Honor`. The scheduler puts a pod in zone z only if
 *   count(z) + 1 − min ≤ maxSkew, where min is the fewest pods in an eligible zone (a zone with a
 *   node the pod's zones select and whose taints it tolerates), or 0 while fewer than `minDomains`
 *   zones are eligible. Statically stable tiers `DoNotSchedule` with minDomains = minAzs − 1
 *   (left out when 1, the API's default):
 *   - all zones up: every pod lands within one of the emptiest zone, so the fullest holds
 *     ⌈replicas / zones⌉, what the replicas are sized for;
 *   - a zone lost: its nodes go NotReady and get the `node.kubernetes.io/unreachable:NoSchedule`
 *     taint, so `Honor` takes them out of the count (with the default `Ignore` they stay a zone of
 *     0 pods and no surviving zone may take one); zones − 1 ≥ minDomains remain, so replacements,
 *     scale-out and rollouts schedule evenly in the survivors. minDomains = minAzs (the first
 *     design) would take min as 0 there and hold every new pod Pending for the whole outage;
 *   - two zones lost (beyond what the tier survives): fewer than minDomains remain and new pods wait
 *     rather than pile into one zone; the running ones serve.
 *   `nodeTaintsPolicy` needs Kubernetes 1.26 or later (beta, on by default; every GKE and EKS
 *   version still supported is later): an older API server drops it and the lost zone counts again.
 *   Trade-offs: a zone with no schedulable node (cordoned, scaled to zero) is not counted either, so
 *   pods created meanwhile go to the others; and the scheduler never moves a running pod, so after a
 *   lost zone returns its share stays in the survivors until the next rollout (`kubectl rollout
 *   restart`): until then a second zone loss leaves less than `required`. Lower tiers `ScheduleAnyway`
 *   (the API takes `minDomains` only with `DoNotSchedule`). Over `kubernetes.io/hostname`
 *   `ScheduleAnyway`, plus preferred anti-affinity by host. `matchLabelKeys: [pod-template-hash]`
 *   spreads each revision of a rolling update on its own.
 * - **Kept** = the replicas for a statically stable tier, `required` otherwise (at most replicas − 1,
 *   so that a node can always be drained). **Rolling update**: maxUnavailable = replicas − kept,
 *   maxSurge = one zone's share (perAz). **Disruption budget**: maxUnavailable = perAz for a
 *   statically stable tier: one zone's share may be evicted at a time whatever count the autoscaler
 *   runs (a budget of minAvailable would let the count above it go at once), and while a zone is out
 *   its pods are already unavailable, so nothing more is evicted until their replacements are ready;
 *   minAvailable = kept otherwise.
 * - **Drain**: drainSeconds = the intent's, else the tier's load-balancer detection time
 *   (`fleetTargetHealth`: interval × unhealthy threshold + timeout); terminationGracePeriodSeconds =
 *   drainSeconds + 30 s of shutdown. A deleted pod leaves its Services' ready endpoints and gets
 *   SIGTERM at once; the image must then fail `readinessPath` and keep serving for drainSeconds (the
 *   load balancer's check then fails and it stops sending), then finish what it holds. There is no
 *   preStop sleep: the Terraform provider's Deployment has no `sleep` action, an `exec` of `sleep`
 *   fails on distroless images (the kubelet then sends SIGTERM at once), and behind Local node ports
 *   a pod that sleeps still passes readiness, so the load balancer's check, which reaches it through
 *   the node port, keeps passing: nothing drains. Limit behind `externalTrafficPolicy: Local` node
 *   ports: when the pod is its node's last ready one, kube-proxy stops sending to it once the kubelet
 *   sees readiness fail (3 × 5 s, from 10 s) and drops the node port's traffic until the load
 *   balancer marks the node down: up to drainSeconds − 10 s of that node's share (40 s for TIER_1) at
 *   each such termination (node upgrade, rollout, scale-in). A check that fails while the pod still
 *   serves (kube-proxy's health-check node port, which only a LoadBalancer Service has) would close it.
 * - **Probes**: liveness (restart) on `livenessPath`, readiness (traffic) on `readinessPath`, which
 *   must differ; a startup probe on the liveness path holds liveness off for `startupSeconds`.
 * - **Priority**: 100 000 per nine of the availability target, so that a higher tier's pods preempt
 *   a lower tier's when the zones left are full.
 *
 * Example: TIER_1, 3 zones, required 6, max 18 → ⌈6 / 2⌉ = 3 per zone, 9 replicas (a zone loss
 * leaves 6); zone spread DoNotSchedule with minDomains 2, taints honoured: with zone c lost, its 3
 * replacements go to a (4 − 3 ≤ 1), b (4 − 3), a (5 − 4), while minDomains 3 would refuse each
 * (4 − 0 > 1); rolling update maxUnavailable 0, maxSurge 3; budget maxUnavailable 3; autoscaler 9 to
 * 18 at 50 % CPU; drain 15 s × 3 + 5 s = 50 s, grace 80 s; priority 330 103 (0.9995 is 3.30103 nines).
 * @see https://kubernetes.io/docs/concepts/scheduling-eviction/topology-spread-constraints/
 * @see https://kubernetes.io/docs/concepts/scheduling-eviction/taint-and-toleration/#taint-based-evictions
 * @see https://kubernetes.io/docs/tasks/run-application/configure-pdb/
 * @see https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#pod-termination
 * @see https://kubernetes.io/docs/tutorials/services/pods-and-endpoint-termination-flow/
 * @see https://aws.amazon.com/builders-library/static-stability-using-availability-zones/
 */
export function planWorkload(tier: ServiceTier, intent: WorkloadIntent): WorkloadPlan {
  const problems: PlanProblem[] = [];
  const warnings: PlanWarning[] = [];
  const problem = (prop: string, message: string) => problems.push({ prop, message });
  const range = (prop: string, value: number | undefined, min: number, max: number) => {
    if (value !== undefined && (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max)) {
      problem(prop, `${prop} must be an integer from ${min} to ${max}, got: ${String(value)}`);
    }
  };

  // ---- Names and image ---------------------------------------------------------------------
  const name = intent.name;
  for (const [prop, value] of [
    ['name', intent.name],
    ['namespace', intent.namespace],
  ] as const) {
    if (value !== undefined && !DNS_LABEL.test(value)) {
      problem(
        prop,
        `${prop} must be a DNS label (lowercase letters, digits and '-', starting and ending with a letter or ` +
          `digit, at most 63 characters), got: ${JSON.stringify(value)}`,
      );
    }
  }
  if (intent.serviceAccountName !== undefined && !DNS_SUBDOMAIN.test(intent.serviceAccountName)) {
    problem(
      'serviceAccountName',
      `serviceAccountName must be a DNS subdomain (lowercase letters, digits, '-' and '.', at most 253 ` +
        `characters), got: ${JSON.stringify(intent.serviceAccountName)}`,
    );
  }
  const namespace = intent.namespace ?? WORKLOAD_DEFAULTS.namespace;
  const image = intent.image;
  if (!intent.imageIsToken) {
    if (intent.image.trim() === '' || /\s/.test(intent.image)) {
      problem('image', `image must be a non-empty image reference without whitespace, got: ${JSON.stringify(image)}`);
    } else if (!IMAGE_DIGEST_SUFFIX.test(intent.image)) {
      if (tier.staticallyStable) {
        problem(
          'image',
          `image must name a digest (<repository>@sha256: and 64 lowercase hex digits) for ${tier.name}: a tag ` +
            `can name another image in another zone, region or after a push, got: ${intent.image}`,
        );
      } else {
        warnings.push({
          id: 'image',
          message:
            `image ${intent.image} is a tag: each node resolves it when it pulls, so replicas, a rollback and ` +
            'another region may run different images; deploy by digest (<repository>@sha256:...)',
        });
      }
    }
  }

  // ---- Zones and replicas ------------------------------------------------------------------
  const minZones = fleetMinZones(tier);
  if (intent.zones !== undefined) {
    if (intent.zones.length < minZones) {
      problem(
        'zones',
        `zones must list at least ${minZones} zones for ${tier.name} (its minAzs), got: ${intent.zones.length}`,
      );
    }
    const duplicate = intent.zones.find((z, i) => intent.zones!.indexOf(z) !== i);
    if (duplicate !== undefined) {
      problem('zones', `zones must not repeat a zone, got: ${duplicate} twice`);
    }
  }
  const zones = Math.max(new Set(intent.zones).size || minZones, 1);
  const staticallyStable = tier.staticallyStable && zones >= 2;
  const { capacity: replicas, required } = planServingCapacity(
    tier,
    { required: intent.requiredReplicas, max: intent.maxReplicas, zones, staticallyStable },
    WORKLOAD_COUNT_PROPS,
    problems,
  );
  // Lower tiers accept a dip within their AZ RTO; a budget that allows no eviction blocks node upgrades.
  const kept = staticallyStable ? replicas.desired : Math.min(required, replicas.desired - 1);
  const budget = staticallyStable ? { maxUnavailable: Math.max(1, replicas.perAz) } : { minAvailable: kept };

  // ---- Container ---------------------------------------------------------------------------
  range('containerPort', intent.containerPort, 1, PORT_MAX);
  const containerPort = intent.containerPort ?? WORKLOAD_DEFAULTS.containerPort;
  const cpuRequest = intent.cpuRequestMillicores ?? WORKLOAD_DEFAULTS.cpuRequestMillicores;
  const cpuLimit = intent.cpuLimitMillicores ?? Math.max(WORKLOAD_DEFAULTS.cpuLimitMillicores, cpuRequest);
  const memoryRequest = intent.memoryRequestMiB ?? WORKLOAD_DEFAULTS.memoryRequestMiB;
  const memoryLimit = intent.memoryLimitMiB ?? memoryRequest;
  const sized = [
    checkCount(problems, 'cpuRequestMillicores', intent.cpuRequestMillicores, 1),
    checkCount(problems, 'cpuLimitMillicores', intent.cpuLimitMillicores, 1),
    checkCount(problems, 'memoryRequestMiB', intent.memoryRequestMiB, 1),
    checkCount(problems, 'memoryLimitMiB', intent.memoryLimitMiB, 1),
  ].every(Boolean);
  if (sized && cpuLimit < cpuRequest) {
    problem(
      'cpuLimitMillicores',
      `cpuLimitMillicores must be at least cpuRequestMillicores (${cpuRequest}), got: ${cpuLimit}`,
    );
  }
  if (sized && memoryLimit < memoryRequest) {
    problem(
      'memoryLimitMiB',
      `memoryLimitMiB must be at least memoryRequestMiB (${memoryRequest}), got: ${memoryLimit}`,
    );
  }
  checkCount(problems, 'runAsUser', intent.runAsUser, 1);
  const runAsUser = intent.runAsUser ?? WORKLOAD_DEFAULTS.runAsUser;

  // ---- Probes ------------------------------------------------------------------------------
  const livenessPath = intent.livenessPath ?? WORKLOAD_DEFAULTS.livenessPath;
  const readinessPath = intent.readinessPath ?? WORKLOAD_DEFAULTS.readinessPath;
  for (const [prop, value] of [
    ['livenessPath', intent.livenessPath],
    ['readinessPath', intent.readinessPath],
  ] as const) {
    const pathProblem = value === undefined ? undefined : healthCheckPathProblem(prop, value);
    if (pathProblem) {
      problem(prop, pathProblem);
    }
  }
  if (livenessPath === readinessPath) {
    problem(
      'readinessPath',
      `readinessPath must differ from livenessPath: liveness restarts a container whose process hangs, readiness ` +
        `takes a pod that cannot serve out of traffic; one check cannot do both, got: ${readinessPath} for both`,
    );
  } else if (livenessPath.split('?')[0] === READINESS_PATH) {
    warnings.push({
      id: 'livenessPath',
      message:
        `livenessPath ${READINESS_PATH} is the deep check (the service and its dependencies): the kubelet restarts ` +
        'containers that fail liveness, so a dependency brownout would restart every replica at once; point ' +
        `liveness at a shallow path (${LIVENESS_PATH})`,
    });
  }
  checkCount(problems, 'startupSeconds', intent.startupSeconds, 1);
  const startupSeconds = intent.startupSeconds ?? WORKLOAD_DEFAULTS.startupSeconds;
  const { liveness, readiness, startupPeriodSeconds } = WORKLOAD_PROBES;
  const probe = (path: string, timing: Omit<HttpProbe, 'httpGet'>): HttpProbe => ({
    httpGet: { path, port: containerPort },
    ...timing,
  });

  // ---- Scaling and priority ----------------------------------------------------------------
  const targetCpuPercent = intent.targetCpuPercent ?? WORKLOAD_DEFAULTS.targetCpuPercent;
  range('targetCpuPercent', intent.targetCpuPercent, 1, 99);
  const nines = -Math.log10(1 - tier.availabilityTarget);
  const priority = Math.min(Math.round(nines * PRIORITY_PER_NINE), PRIORITY_CLASS_MAX_VALUE);

  // ---- Drain -------------------------------------------------------------------------------
  checkCount(problems, 'drainSeconds', intent.drainSeconds, 1);
  const drainSeconds = intent.drainSeconds ?? fleetTargetHealth(tier.azRtoSeconds).failoverSeconds;

  // ---- Manifests ---------------------------------------------------------------------------
  const selector = { [WORKLOAD_NAME_LABEL]: name };
  const labels = selector;
  const metadata = { name, namespace, labels };
  const priorityClassName = `${namespace}-${name}`;
  const revision = ['pod-template-hash'];
  const honoured = { nodeAffinityPolicy: 'Honor', nodeTaintsPolicy: 'Honor' } as const;
  // The zones left after one is lost must still count as enough: else min is 0 and nothing schedules.
  const minDomains = tier.minAzs - 1;
  const zoneSpread: TopologySpreadConstraint = staticallyStable
    ? {
        maxSkew: 1,
        topologyKey: ZONE_TOPOLOGY_KEY,
        whenUnsatisfiable: 'DoNotSchedule',
        ...(minDomains > 1 ? { minDomains } : {}),
        ...honoured,
        labelSelector: { matchLabels: selector },
        matchLabelKeys: revision,
      }
    : {
        maxSkew: 1,
        topologyKey: ZONE_TOPOLOGY_KEY,
        whenUnsatisfiable: 'ScheduleAnyway',
        ...honoured,
        labelSelector: { matchLabels: selector },
        matchLabelKeys: revision,
      };
  const deployment: DeploymentManifest = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata,
    spec: {
      replicas: replicas.desired,
      selector: { matchLabels: selector },
      strategy: {
        type: 'RollingUpdate',
        rollingUpdate: { maxUnavailable: replicas.desired - kept, maxSurge: Math.max(1, replicas.perAz) },
      },
      template: {
        metadata: { labels },
        spec: {
          terminationGracePeriodSeconds: drainSeconds + WORKLOAD_DEFAULTS.shutdownSeconds,
          priorityClassName,
          ...(intent.serviceAccountName === undefined ? {} : { serviceAccountName: intent.serviceAccountName }),
          automountServiceAccountToken: false,
          securityContext: {
            runAsNonRoot: true,
            runAsUser,
            runAsGroup: runAsUser,
            fsGroup: runAsUser,
            seccompProfile: { type: 'RuntimeDefault' },
          },
          topologySpreadConstraints: [
            zoneSpread,
            {
              maxSkew: 1,
              topologyKey: HOST_TOPOLOGY_KEY,
              whenUnsatisfiable: 'ScheduleAnyway',
              ...honoured,
              labelSelector: { matchLabels: selector },
              matchLabelKeys: revision,
            },
          ],
          affinity: {
            ...(intent.zones && intent.zones.length > 0
              ? {
                  nodeAffinity: {
                    requiredDuringSchedulingIgnoredDuringExecution: {
                      nodeSelectorTerms: [
                        {
                          matchExpressions: [
                            { key: ZONE_TOPOLOGY_KEY, operator: 'In' as const, values: [...intent.zones] },
                          ],
                        },
                      ],
                    },
                  },
                }
              : {}),
            podAntiAffinity: {
              preferredDuringSchedulingIgnoredDuringExecution: [
                {
                  weight: ANTI_AFFINITY_WEIGHT,
                  podAffinityTerm: { topologyKey: HOST_TOPOLOGY_KEY, labelSelector: { matchLabels: selector } },
                },
              ],
            },
          },
          containers: [
            {
              name,
              image,
              imagePullPolicy: 'IfNotPresent',
              ports: [{ name: 'http', containerPort, protocol: 'TCP' }],
              resources: {
                requests: { cpu: `${cpuRequest}m`, memory: `${memoryRequest}Mi` },
                limits: { cpu: `${cpuLimit}m`, memory: `${memoryLimit}Mi` },
              },
              startupProbe: probe(livenessPath, {
                periodSeconds: startupPeriodSeconds,
                timeoutSeconds: liveness.timeoutSeconds,
                failureThreshold: Math.max(1, Math.ceil(startupSeconds / startupPeriodSeconds)),
                successThreshold: 1,
              }),
              livenessProbe: probe(livenessPath, liveness),
              readinessProbe: probe(readinessPath, readiness),
              securityContext: {
                allowPrivilegeEscalation: false,
                privileged: false,
                readOnlyRootFilesystem: true,
                runAsNonRoot: true,
                capabilities: { drop: ['ALL'] },
              },
              volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
            },
          ],
          volumes: [{ name: 'tmp', emptyDir: { sizeLimit: `${WORKLOAD_DEFAULTS.tmpSizeMiB}Mi` } }],
        },
      },
    },
  };
  return {
    zones,
    replicas,
    required,
    keptReplicas: kept,
    drainSeconds,
    deployment,
    podDisruptionBudget: {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata,
      spec: { ...budget, selector: { matchLabels: selector } },
    },
    horizontalPodAutoscaler: {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata,
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name },
        minReplicas: replicas.min,
        maxReplicas: replicas.max,
        metrics: [
          {
            type: 'Resource',
            resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: targetCpuPercent } },
          },
        ],
      },
    },
    priorityClass: {
      apiVersion: 'scheduling.k8s.io/v1',
      kind: 'PriorityClass',
      metadata: { name: priorityClassName, labels },
      value: priority,
      globalDefault: false,
      preemptionPolicy: 'PreemptLowerPriority',
      description: `Pods of ${namespace}/${name} (${tier.name}, availability target ${tier.availabilityTarget})`,
    },
    problems,
    warnings,
  };
}
