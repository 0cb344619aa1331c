import { GraphResource } from './model';
import { blocks, str } from './values';

/**
 * How an ECS service's new tasks get compute: Fargate starts each task on capacity of its own; an
 * EC2 capacity provider (or the EC2 launch type) first needs instances with room in the cluster.
 * Undefined when the service takes its cluster's default capacity provider strategy.
 */
export function ecsCompute(service: GraphResource): 'Fargate' | 'EC2' | undefined {
  const p = service.properties;
  const launchType = str(p.LaunchType ?? p.launch_type);
  const providers = blocks(p.CapacityProviderStrategy ?? p.capacity_provider_strategy).map((s) =>
    str(s.CapacityProvider ?? s.capacity_provider),
  );
  if (launchType === 'EC2' || providers.some((name) => name === undefined || !name.startsWith('FARGATE'))) {
    return 'EC2';
  }
  return launchType === 'FARGATE' || providers.length > 0 ? 'Fargate' : undefined;
}
