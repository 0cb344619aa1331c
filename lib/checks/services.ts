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
      const group = groups.get(groupKey) ?? { record: services?.get(record.service) ?? record, stack: resource.stack, region: graph.stackOf(resource)?.region ?? resource.region, resources: [] };
      group.resources.push(resource);
      groups.set(groupKey, group);
    }
    this.serviceStacks = [...groups.values()].map((g) => ({ service: g.record.service, stack: g.stack, region: g.region, record: g.record, resources: g.resources }));
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
