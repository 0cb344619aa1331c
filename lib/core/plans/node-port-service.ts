import { PlanProblem } from '../errors';
import { ObjectMeta, WORKLOAD_DEFAULTS, WORKLOAD_NAME_LABEL } from './workload';

/**
 * The plan of the Service that exposes a workload on a fixed port of every node
 * (`NodePortService`), so that a load balancer Terraform owns can send to the node pool's instance
 * groups: every backend, health check and firewall rule of the entry is then in the templates.
 */

/**
 * The port range Kubernetes allocates node ports from, unless the API server is started with
 * another (`--service-node-port-range`; GKE keeps the default).
 * @see https://kubernetes.io/docs/concepts/services-networking/service/#type-nodeport
 */
export const NODE_PORT_RANGE = { min: 30000, max: 32767 } as const;

/**
 * Why a node port is refused, or undefined when Kubernetes allocates it: what the Service and the
 * load balancer's named port (`HaGkeCluster.loadBalancerBackends`) both check.
 */
export function nodePortProblem(nodePort: number): PlanProblem | undefined {
  if (Number.isInteger(nodePort) && nodePort >= NODE_PORT_RANGE.min && nodePort <= NODE_PORT_RANGE.max) {
    return undefined;
  }
  return {
    prop: 'nodePort',
    message:
      `nodePort must be an integer from ${NODE_PORT_RANGE.min} to ${NODE_PORT_RANGE.max} (Kubernetes' node ` +
      `port range), got: ${String(nodePort)}`,
  };
}

/** The Service's name and ports, in core's terms. */
export interface NodePortServiceIntent {
  /** The workload's name: the Service takes it, and selects the pods labelled with it. */
  readonly name: string;
  /** @default 'default' */
  readonly namespace?: string;
  /** Port the pods listen on (the workload's `containerPort`). */
  readonly containerPort?: number;
  /** Port every node serves the workload on: the load balancer's named port. */
  readonly nodePort: number;
}

/** The Service (v1). */
export interface NodePortServiceManifest {
  readonly apiVersion: 'v1';
  readonly kind: 'Service';
  readonly metadata: ObjectMeta;
  readonly spec: {
    readonly type: 'NodePort';
    readonly externalTrafficPolicy: 'Local';
    readonly selector: Readonly<Record<string, string>>;
    readonly ports: readonly {
      readonly name: 'http';
      readonly protocol: 'TCP';
      readonly port: number;
      readonly targetPort: number;
      readonly nodePort: number;
    }[];
  };
}

/** The plan. */
export interface NodePortServicePlan {
  readonly service: NodePortServiceManifest;
  readonly problems: PlanProblem[];
}

/**
 * Plans a workload's node-port Service.
 *
 * - **Port**: `nodePort` is fixed (30000–32767), since the load balancer's named port and health
 *   check name it at synthesis; the Service's own port is the container's.
 * - **Traffic policy**: `Local`. A node sends what it receives on the node port to pods on that node
 *   only, and drops it when it has none: the load balancer's health check, sent to the node port
 *   with the workload's readiness path, then passes only on nodes with a ready pod, so a lost zone's
 *   nodes, a node without a pod and a pod that fails readiness all leave the load balancer's
 *   rotation, and no request takes a second hop to another node (or another zone).
 * - **Drain (a limit)**: when a node's last ready pod of the workload terminates (node upgrade,
 *   rollout, scale-in), the node still receives the load balancer's traffic until its check fails
 *   there. The pod, which fails readiness on SIGTERM and serves for the workload's `drainSeconds`
 *   (`planWorkload`), takes it until the kubelet sees readiness fail (3 × 5 s, from 10 s); kube-proxy
 *   then drops the node port's traffic until the check marks the node down: up to
 *   `drainSeconds` − 10 s of that node's share (40 s for TIER_1's 15 s × 3 + 5 s). A sleep before
 *   SIGTERM would not shorten it: the check reaches the sleeping pod, which still passes. Only a
 *   check that fails while the pod still serves closes it: kube-proxy's health-check node port, which
 *   Kubernetes gives a Service of type LoadBalancer only (not this NodePort Service).
 *
 * Example: `orders`, container port 8080, node port 30080 → Service `orders` of type NodePort,
 * port 8080 → target 8080 on node port 30080, selecting `app.kubernetes.io/name: orders`.
 * @see https://kubernetes.io/docs/concepts/services-networking/service/#external-traffic-policy
 * @see https://cloud.google.com/kubernetes-engine/docs/concepts/service-load-balancer-parameters
 * @see https://kubernetes.io/docs/tutorials/services/pods-and-endpoint-termination-flow/
 */
export function planNodePortService(intent: NodePortServiceIntent): NodePortServicePlan {
  const { nodePort } = intent;
  const problem = nodePortProblem(nodePort);
  const problems: PlanProblem[] = problem ? [problem] : [];
  const containerPort = intent.containerPort ?? WORKLOAD_DEFAULTS.containerPort;
  const selector = { [WORKLOAD_NAME_LABEL]: intent.name };
  return {
    service: {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: intent.name, namespace: intent.namespace ?? WORKLOAD_DEFAULTS.namespace, labels: selector },
      spec: {
        type: 'NodePort',
        externalTrafficPolicy: 'Local',
        selector,
        ports: [{ name: 'http', protocol: 'TCP', port: containerPort, targetPort: containerPort, nodePort }],
      },
    },
    problems,
  };
}
