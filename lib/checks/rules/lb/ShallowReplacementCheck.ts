import { GraphResource } from '../../graph/model';
import { isObject, str } from '../../graph/values';
import { Evaluation, HaRule, outcome, RuleContext } from '../rule';

const ASG_TYPES = ['AWS::AutoScaling::AutoScalingGroup', 'aws_autoscaling_group'];
// ECS replaces a task that fails its target group's health check, whatever else is set.
const ECS_SERVICE_TYPES = ['AWS::ECS::Service', 'aws_ecs_service'];
const TARGET_GROUP_TYPES = ['AWS::ElasticLoadBalancingV2::TargetGroup', 'aws_lb_target_group'];
const DNS_CHECK_TYPES = ['AWS::Route53::HealthCheck', 'aws_route53_health_check'];
// ECS also stops a task whose essential container fails its own health check.
const TASK_DEFINITION_TYPES = ['AWS::ECS::TaskDefinition', 'aws_ecs_task_definition'];

/**
 * HA-LB4: the check that replaces instances is not the deep check that moves traffic between
 * regions. Read from the templates: an Auto Scaling group on ELB health whose target group requests
 * the path a Route 53 health check of the same service requests.
 */
export const ShallowReplacementCheck: HaRule = {
  id: 'HA-LB4',
  level: 'error',
  category: 'availability',
  info: "An Auto Scaling group that replaces instances on ELB health, or an ECS service (which always replaces tasks its target group finds unhealthy, and stops a task whose essential container fails its own health check), does not use, as its target health check or its containers' health checks, the deep path the service's Route 53 health checks use to move traffic between regions.",
  explanation:
    'A deep check fails on every instance at once when a shared dependency browns out; as the replacement check it terminates the whole healthy fleet, turning a brownout into an outage. Replacement needs a shallow liveness check; the deep readiness check moves traffic.',
  resourceTypes: [
    ...ASG_TYPES,
    ...ECS_SERVICE_TYPES,
    ...TARGET_GROUP_TYPES,
    ...DNS_CHECK_TYPES,
    ...TASK_DEFINITION_TYPES,
  ],
  evaluate(context: RuleContext): Evaluation[] {
    const { graph, services } = context;
    const deepPaths = new Map<string, Set<string>>();
    for (const check of graph.ofType(...DNS_CHECK_TYPES)) {
      const service = services.recordOf(check)?.service;
      const config = isObject(check.properties.HealthCheckConfig)
        ? check.properties.HealthCheckConfig
        : check.properties;
      const path = str(config.ResourcePath ?? config.resource_path);
      if (service && path) {
        deepPaths.set(service, (deepPaths.get(service) ?? new Set()).add(path.split('?')[0]));
      }
    }
    return graph.ofType(...ASG_TYPES, ...ECS_SERVICE_TYPES).flatMap((asg) => {
      const service = services.recordOf(asg)?.service;
      const deep = service ? deepPaths.get(service) : undefined;
      const onElbHealth =
        ECS_SERVICE_TYPES.includes(asg.type) ||
        str(asg.properties.HealthCheckType ?? asg.properties.health_check_type) === 'ELB';
      if (!deep || !onElbHealth) {
        return [];
      }
      const replacing = graph
        .referencedBy(asg, ...TARGET_GROUP_TYPES)
        .map((tg) => {
          const block = Array.isArray(tg.properties.health_check)
            ? tg.properties.health_check[0]
            : tg.properties.health_check;
          return str(tg.properties.HealthCheckPath ?? (isObject(block) ? block.path : undefined));
        })
        .filter((path): path is string => path !== undefined && deep.has(path.split('?')[0]));
      if (replacing.length === 0 && ECS_SERVICE_TYPES.includes(asg.type)) {
        const container = deepContainerCheck(graph, asg, deep);
        if (container) {
          return [
            outcome(
              asg,
              `${asg.address} runs ${container.path} as the health check of its essential container ${container.name}, ` +
                "the deep check the service's Route 53 health checks use to move traffic between regions: ECS stops a task " +
                'whose essential container is unhealthy, so a dependency brownout stops every task at once; check liveness ' +
                '(a shallow path) in the container and keep the deep one for DNS failover',
            ),
          ];
        }
      }
      return [
        outcome(
          asg,
          replacing.length === 0
            ? undefined
            : `${asg.address} replaces ${ECS_SERVICE_TYPES.includes(asg.type) ? 'tasks' : 'instances'} on ${replacing[0]}, the deep check the service's Route 53 health checks use to move traffic ` +
                'between regions: a dependency brownout fails it everywhere at once and the group replaces the whole fleet; give the target ' +
                "group a shallow liveness path (the fleet's healthCheckPath) and keep the deep one for DNS failover",
        ),
      ];
    });
  },
};

/**
 * The essential container of an ECS service's task definition whose health check requests one of
 * the deep paths, if any. CloudFormation lists the containers; Terraform holds them as a JSON string.
 */
function deepContainerCheck(
  graph: RuleContext['graph'],
  service: GraphResource,
  deep: ReadonlySet<string>,
): { name: string; path: string } | undefined {
  for (const definition of graph.referencedBy(service, ...TASK_DEFINITION_TYPES)) {
    const raw = definition.properties.ContainerDefinitions ?? definition.properties.container_definitions;
    let containers: unknown = raw;
    if (typeof raw === 'string') {
      try {
        containers = JSON.parse(raw);
      } catch {
        containers = [];
      }
    }
    for (const container of Array.isArray(containers) ? containers : []) {
      if (!isObject(container) || (container.Essential ?? container.essential) === false) {
        continue;
      }
      const check = container.HealthCheck ?? container.healthCheck;
      const command = isObject(check) ? JSON.stringify(check.Command ?? check.command ?? '') : '';
      const path = [...deep].find((p) => requests(command, p));
      if (path) {
        return { name: str(container.Name ?? container.name) ?? 'app', path };
      }
    }
  }
  return undefined;
}

/** Whether a command requests `path` itself (`/health/ready`, not `/health/readiness` or `/health/ready/x`). */
function requests(command: string, path: string): boolean {
  for (let at = command.indexOf(path); at >= 0; at = command.indexOf(path, at + 1)) {
    if (!/[A-Za-z0-9_/-]/.test(command.charAt(at + path.length))) {
      return true;
    }
  }
  return false;
}
