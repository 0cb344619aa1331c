import { DrStrategy, PublishedSla, targetFailoverSeconds, TargetHealthSettings } from '../../core';
import { ResourceGraph } from '../graph/graph';
import { CDK_KUBERNETES_MANIFEST, KubernetesObject, kubernetesObjects } from '../graph/kubernetes-objects';
import { GraphResource } from '../graph/model';
import { tierOfRecord } from '../graph/tier';
import { ZONAL_LOAD_BALANCER_TYPES } from '../graph/zonal-impairment';
import { distinct, referencedSubnetZones } from '../graph/zones';
import type { DerivationStep } from '../model';
import { ServiceStack } from '../services';

/*
 * Workloads on Amazon EKS in the report: what the templates show of their request path, and what
 * they cannot.
 *
 * The model, per region, in series: the cluster's Kubernetes endpoint (the EKS SLA), its nodes (the
 * Compute SLA: Region-Level when the node groups span two zones or more), and the load balancer in
 * front of the pods (the ELB SLA). Pods already running keep serving while the endpoint is down,
 * but nothing reschedules a lost node's pods, scales, deploys or registers a replaced pod with the
 * load balancer (the AWS Load Balancer Controller does that by reading the API), and the templates
 * cannot show that serving needs none of these, so the endpoint counts in series.
 *
 * The load balancer of a Service of type LoadBalancer or of an Ingress is created at run time by
 * the AWS Load Balancer Controller (or EKS Auto Mode): not a resource of the templates, so its
 * existence, zones and target health check are unproven; a probe of the address it serves
 * (SyntheticCanary) measures its availability, an AZ drill (AzEvacuationDrill on the cluster's VPC)
 * how long a lost zone's pods keep receiving requests (at least the health check its annotations set,
 * when they set all of it).
 *
 * | in the templates                                   | availability                        | AZ RTO            |
 * |----------------------------------------------------|-------------------------------------|-------------------|
 * | EKS cluster                                        | EKS endpoint in series              | -                 |
 * | node groups over ≥ 2 zones (over 1)                | Compute Region-Level (Instance)     | -                 |
 * | node groups whose zones the templates do not show  | unproven                            | -                 |
 * | a Deployment, no node group (imported cluster)     | EKS endpoint in series; unproven    | -                 |
 * | a Service of type LoadBalancer, or an Ingress      | ELB in series; unproven             | ≥ annotated check |
 * | a load balancer and a TargetGroupBinding           | ELB in series (availability.ts)     | its health check  |
 * | a load balancer, no TargetGroupBinding             | ELB in series; unproven: no entry   | -                 |
 * | a Deployment and none of the last three            | unproven: no entry shown            | -                 |
 *
 * Example: one region, a cluster with node groups in 3 zones, a Deployment and an Ingress →
 * 0.9995 × 0.9999 × 0.9999 ≈ 0.9993, unproven (the Ingress's load balancer is made at run time).
 * @see https://aws.amazon.com/eks/sla/
 * @see https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/
 */

/** An EKS cluster, as a resource or (Terraform) a data source. */
export const EKS_CLUSTER_TYPES = ['AWS::EKS::Cluster', 'aws_eks_cluster'];
/** Nodes the templates place: managed node groups and Fargate profiles. */
const EKS_NODE_TYPES = [
  'AWS::EKS::Nodegroup',
  'aws_eks_node_group',
  'AWS::EKS::FargateProfile',
  'aws_eks_fargate_profile',
];

/** The drill that measures a lost zone on EKS: the VPC's subnets in one zone cut off. */
const EKS_AZ_DRILL = "an AZ drill (AzEvacuationDrill on the cluster's VPC)";

/**
 * The published SLAs an EKS resource puts on its region's request path: the cluster's endpoint, the
 * nodes, or the load balancer a Service or Ingress asks for. Empty for anything else, and for nodes
 * whose zones the templates do not show ({@link eksAvailabilityGaps} names them).
 */
export function eksSlas(graph: ResourceGraph, r: GraphResource): PublishedSla[] {
  if (EKS_CLUSTER_TYPES.includes(r.type)) {
    return ['EKS_CONTROL_PLANE'];
  }
  if (EKS_NODE_TYPES.includes(r.type)) {
    const zones = nodeZones(graph, r);
    return zones.length === 0 ? [] : [zones.length >= 2 ? 'EC2_MULTI_AZ' : 'EC2_SINGLE_INSTANCE'];
  }
  if (!onEks(graph, r)) {
    return [];
  }
  const objects = kubernetesObjects(r);
  return [
    // The endpoint of a cluster the templates may not hold (an imported one): in series all the same.
    ...(objects.some((o) => o.kind === 'Deployment') ? (['EKS_CONTROL_PLANE'] as const) : []),
    ...(objects.some(isRunTimeLoadBalancer) ? (['ELASTIC_LOAD_BALANCING'] as const) : []),
  ];
}

/**
 * What the templates cannot show of an EKS service's request path: nodes whose zones are unknown,
 * a load balancer made at run time, no entry at all. Each step makes the availability unproven.
 */
export function eksAvailabilityGaps(graph: ResourceGraph, stacks: readonly ServiceStack[]): DerivationStep[] {
  const serving = stacks.flatMap((stack) => stack.resources.filter((r) => serves(r, stack)));
  const objects = serving.filter((r) => onEks(graph, r)).flatMap(kubernetesObjects);
  const deployments = objects.filter((o) => o.kind === 'Deployment');
  if (deployments.length === 0) {
    return [];
  }
  const gap = (r: GraphResource, basis: string): DerivationStep => ({
    quantity: 'availability',
    stack: r.stack,
    resource: r.address,
    basis,
    figures: [],
  });
  const steps: DerivationStep[] = [];
  const nodes = serving.filter((r) => EKS_NODE_TYPES.includes(r.type));
  if (nodes.length === 0) {
    steps.push(
      gap(
        deployments[0].resource,
        "EKS: the cluster's nodes are not in these templates (an imported cluster, or nodes a provisioner " +
          'launches), so whether they span two zones, which the Compute SLA needs for its Region-Level ' +
          'commitment, is unknown: unproven',
      ),
    );
  }
  for (const group of nodes.filter((r) => nodeZones(graph, r).length === 0)) {
    steps.push(
      gap(
        group,
        "EKS: the zones of this node group's subnets are not in the templates, so which Compute SLA covers " +
          'its nodes is unknown: unproven',
      ),
    );
  }
  const runTime = objects.filter(isRunTimeLoadBalancer);
  for (const o of runTime) {
    steps.push(
      gap(
        o.resource,
        `EKS: the load balancer of ${describe(o)} is created at run time by the AWS Load Balancer Controller ` +
          '(or EKS Auto Mode), not by these templates, so that it exists, which zones it serves and how it ' +
          'checks its targets are unproven (its SLA counts in series); a probe of the address it serves ' +
          '(SyntheticCanary) measures it',
      ),
    );
  }
  // A load balancer of the templates reaches the pods through a TargetGroupBinding to its target group.
  const declared = serving.some((r) => ZONAL_LOAD_BALANCER_TYPES.includes(r.type));
  const bound = declared && objects.some((o) => o.kind === 'TargetGroupBinding');
  if (runTime.length === 0 && !bound) {
    steps.push(
      gap(
        deployments[0].resource,
        declared
          ? 'EKS: a load balancer is in these templates, but no TargetGroupBinding registers the pods with its ' +
              'target groups, so how requests reach the pods is not shown: unproven'
          : 'EKS: no load balancer, Service of type LoadBalancer or Ingress in these templates, so how requests ' +
              'reach the pods is not shown: unproven',
      ),
    );
  }
  return steps;
}

/**
 * The loss of a zone behind a load balancer made at run time: its target health check (the
 * Service's or Ingress's annotations, else the controller's defaults) is in no template, so how long
 * the lost zone's pods keep receiving requests is unproven until a drill measures it; for a
 * statically stable tier, no per-AZ alarm of the templates can watch it for a gray failure either.
 */
export function eksZoneSteps(graph: ResourceGraph, stacks: readonly ServiceStack[]): DerivationStep[] {
  return stacks.flatMap((stack) =>
    stack.resources
      .filter((r) => serves(r, stack) && onEks(graph, r))
      .flatMap(kubernetesObjects)
      .filter(isRunTimeLoadBalancer)
      .flatMap((o) => {
        const at = { quantity: 'azRto' as const, stack: o.resource.stack, resource: o.resource.address, figures: [] };
        const annotated = annotatedDetection(o);
        const steps: DerivationStep[] = [
          ...(annotated ? [{ ...at, ...annotated }] : []),
          {
            ...at,
            basis:
              `EKS: the load balancer of ${describe(o)} is made at run time, so its target health check is in no ` +
              "template and how long a lost zone's pods keep receiving requests is unproven until " +
              `${EKS_AZ_DRILL} measures it`,
          },
        ];
        if (tierOfRecord(stack.record).staticallyStable) {
          steps.push({
            ...at,
            failure: 'gray',
            basis:
              `gray failure of an AZ behind the load balancer of ${describe(o)}: it is made at run time, so no ` +
              'per-AZ alarm of the templates reads its per-AZ metrics (HA-AZ4) and nothing shifts a failing ' +
              'zone away: unknown',
          });
        }
        return steps;
      }),
  );
}

/**
 * The annotations the AWS Load Balancer Controller reads its target health check from: an
 * Ingress's for its Application Load Balancer, a Service's for its Network Load Balancer.
 * @see https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/ingress/annotations/
 * @see https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/service/annotations/
 */
const HEALTH_CHECK_ANNOTATIONS: Readonly<Record<string, Readonly<Record<keyof TargetHealthSettings, string>>>> = {
  Ingress: {
    intervalSeconds: 'alb.ingress.kubernetes.io/healthcheck-interval-seconds',
    timeoutSeconds: 'alb.ingress.kubernetes.io/healthcheck-timeout-seconds',
    unhealthyThresholdCount: 'alb.ingress.kubernetes.io/unhealthy-threshold-count',
  },
  Service: {
    intervalSeconds: 'service.beta.kubernetes.io/aws-load-balancer-healthcheck-interval',
    timeoutSeconds: 'service.beta.kubernetes.io/aws-load-balancer-healthcheck-timeout',
    unhealthyThresholdCount: 'service.beta.kubernetes.io/aws-load-balancer-healthcheck-unhealthy-threshold',
  },
};

/**
 * The detection of a lost zone's targets the object's annotations state, when all three settings
 * are literal (the controller's own defaults are not read: they change with its version). It is the
 * known part of the AZ RTO: the controller applies the settings at run time, which no template shows.
 */
function annotatedDetection(o: KubernetesObject): { value: number; basis: string } | undefined {
  const names = HEALTH_CHECK_ANNOTATIONS[o.kind];
  const read = (key: keyof TargetHealthSettings) => {
    const text = o.annotations[names[key]];
    return text !== undefined && /^\d+$/.test(text.trim()) ? Number(text) : undefined;
  };
  const settings = {
    intervalSeconds: read('intervalSeconds'),
    timeoutSeconds: read('timeoutSeconds'),
    unhealthyThresholdCount: read('unhealthyThresholdCount'),
  };
  if (Object.values(settings).some((v) => v === undefined)) {
    return undefined;
  }
  let value: number;
  try {
    value = targetFailoverSeconds(settings as TargetHealthSettings);
  } catch {
    return undefined;
  }
  return {
    value,
    basis:
      `EKS: the annotations of ${describe(o)} set its load balancer's target health check: interval ` +
      `${settings.intervalSeconds} s × ${settings.unhealthyThresholdCount} + timeout ${settings.timeoutSeconds} s ` +
      '(the controller applies them at run time)',
  };
}

/**
 * Whether a resource runs on EKS: CDK's manifests always do; Terraform's beside an EKS cluster, or
 * the data sources a stack reads one through (its provider's endpoint and token).
 */
function onEks(graph: ResourceGraph, r: GraphResource): boolean {
  if (r.type === CDK_KUBERNETES_MANIFEST) {
    return true;
  }
  return (
    r.type.startsWith('kubernetes_') &&
    r.cloud === 'aws' &&
    graph.ofType(...EKS_CLUSTER_TYPES, 'aws_eks_cluster_auth').some((cluster) => cluster.stack === r.stack)
  );
}

/** A Service of type LoadBalancer or an Ingress: a load balancer a controller makes at run time. */
function isRunTimeLoadBalancer(o: KubernetesObject): boolean {
  return (o.kind === 'Service' && o.serviceType === 'LoadBalancer') || o.kind === 'Ingress';
}

/** The zones of the node groups and Fargate profiles of the same cluster as `nodes`. */
function nodeZones(graph: ResourceGraph, nodes: GraphResource): string[] {
  const [cluster] = graph.referencedBy(nodes, ...EKS_CLUSTER_TYPES);
  const siblings = cluster ? graph.referrersOf(cluster, ...EKS_NODE_TYPES) : [nodes];
  return distinct(siblings.flatMap((n) => referencedSubnetZones(graph, n)));
}

/** Resources that serve: a standby region's only after failover, unless every region serves. */
function serves(r: GraphResource, stack: ServiceStack): boolean {
  const role = r.ha?.role ?? stack.record.role;
  return stack.record.strategy === DrStrategy.ACTIVE_ACTIVE || (role !== 'standby' && role !== 'replica');
}

function describe(o: KubernetesObject): string {
  return `${o.kind} ${o.namespace}/${o.name}`;
}
