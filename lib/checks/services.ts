import { ResourceGraph } from './graph/graph';
import { GraphResource, HaRecord } from './graph/model';

/** The resources of one service in one stack. */
export interface ServiceStack {
  readonly service: string;
  readonly stack: string;
  readonly region?: string;
  /** The record of the service in this stack (the first resource's, primary roles first). */
  readonly record: HaRecord;
  readonly resources: readonly GraphResource[];
}

/**
 * Groups the graph by the HA record: which service each resource belongs to, in which stacks and
 * regions. A resource without a record of its own belongs to the service of its stack when the
 * stack holds exactly one service, so that resources the library's constructs did not create
 * (an alarm you wrote next to them) are still checked against the tier.
 */
export class ServiceIndex {
  public readonly serviceStacks: readonly ServiceStack[];
  private readonly recordByKey = new Map<string, HaRecord>();

  constructor(private readonly graph: ResourceGraph) {
    const byStack = new Map<string, Map<string, HaRecord>>();
    for (const resource of graph.resources) {
      if (resource.ha) {
        const services = byStack.get(resource.stack) ?? new Map<string, HaRecord>();
        if (!services.has(resource.ha.service) || resource.ha.role === 'primary') {
          services.set(resource.ha.service, services.get(resource.ha.service) ?? resource.ha);
        }
        byStack.set(resource.stack, services);
      }
    }
    const groups = new Map<string, { record: HaRecord; stack: string; region?: string; resources: GraphResource[] }>();
    for (const resource of graph.resources) {
      const services = byStack.get(resource.stack);
      const record = resource.ha ?? (services?.size === 1 ? [...services.values()][0] : undefined);
      if (!record) {
        continue;
      }
      this.recordByKey.set(resource.key, record);
      const groupKey = `${resource.stack}\u0000${record.service}`;
      const group = groups.get(groupKey) ?? {
        record: services?.get(record.service) ?? record,
        stack: resource.stack,
        region: graph.stackOf(resource)?.region ?? resource.region,
        resources: [],
      };
      group.resources.push(resource);
      groups.set(groupKey, group);
    }
    this.serviceStacks = [...groups.values()].map((g) => ({
      service: g.record.service,
      stack: g.stack,
      region: g.region,
      record: g.record,
      resources: g.resources,
    }));
  }

  /** The record that applies to a resource: its own, or its stack's single service's. */
  public recordOf(resource: GraphResource): HaRecord | undefined {
    return this.recordByKey.get(resource.key);
  }

  /** Names of all services, in reading order. */
  public services(): string[] {
    return [...new Set(this.serviceStacks.map((s) => s.service))];
  }

  /** The stacks a service has resources in. */
  public stacksOf(service: string): ServiceStack[] {
    return this.serviceStacks.filter((s) => s.service === service);
  }

  /** The service's resources in every stack. */
  public resourcesOf(service: string): GraphResource[] {
    return this.stacksOf(service).flatMap((s) => s.resources);
  }

  /** The graph the index was built from. */
  public get resourceGraph(): ResourceGraph {
    return this.graph;
  }
}

/** Types that put a stack on the request path: entry points and compute. */
export const SERVING_TYPES = [
  'AWS::ElasticLoadBalancingV2::LoadBalancer',
  'AWS::AutoScaling::AutoScalingGroup',
  'AWS::ECS::Service',
  'AWS::Lambda::Function',
  'AWS::ApiGateway::RestApi',
  'AWS::ApiGatewayV2::Api',
  'AWS::CloudFront::Distribution',
  'aws_lb',
  'aws_alb',
  'aws_autoscaling_group',
  'aws_ecs_service',
  'aws_lambda_function',
  'aws_api_gateway_rest_api',
  'aws_apigatewayv2_api',
  'aws_cloudfront_distribution',
  'google_compute_region_instance_group_manager',
  'google_compute_backend_service',
  'google_compute_region_backend_service',
  'google_cloud_run_v2_service',
  'google_container_cluster',
  // A Kubernetes cluster serves its workloads (their load balancers may be made at run time).
  'AWS::EKS::Cluster',
  'aws_eks_cluster',
];

/**
 * Whether a service's stack serves requests: it has an entry point or compute of the service in the
 * primary role (every region of an active/active service; the primary region otherwise, since a
 * standby serves only after failover). These stacks need alarms, probes and drills. CDK's own helper
 * functions (custom-resource handlers) carry no HA record and do not count.
 */
export function isServingStack(stack: ServiceStack): boolean {
  return stack.resources.some((r) => SERVING_TYPES.includes(r.type) && r.ha?.role === 'primary');
}

/** Regions a service runs in: of its stacks, and of its resources (aliased providers put one stack in several). */
export function regionsOf(stacks: readonly ServiceStack[]): string[] {
  const regions = stacks.flatMap((s) => [s.region, ...s.resources.map((r) => r.region)]);
  return [...new Set(regions.filter((r): r is string => r !== undefined))].sort();
}
