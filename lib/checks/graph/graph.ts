import { GraphResource, GraphStack } from './model';

/**
 * Resources of every stack read, with references resolved in both directions. Rules and the report
 * query it; it never changes after construction.
 */
export class ResourceGraph {
  public readonly stacks: readonly GraphStack[];
  public readonly resources: readonly GraphResource[];
  private readonly byKey = new Map<string, GraphResource>();
  private readonly byTypeIndex = new Map<string, GraphResource[]>();
  private readonly referrers = new Map<string, GraphResource[]>();

  constructor(stacks: readonly GraphStack[], resources: readonly GraphResource[]) {
    this.stacks = stacks;
    this.resources = resources;
    for (const resource of resources) {
      this.byKey.set(resource.key, resource);
      const list = this.byTypeIndex.get(resource.type) ?? [];
      list.push(resource);
      this.byTypeIndex.set(resource.type, list);
    }
    for (const resource of resources) {
      for (const target of resource.references) {
        const list = this.referrers.get(target) ?? [];
        list.push(resource);
        this.referrers.set(target, list);
      }
    }
  }

  /** The resource with that key (`<stack>/<address>`). */
  public get(key: string): GraphResource | undefined {
    return this.byKey.get(key);
  }

  /** Resources of any of these types, in reading order. */
  public ofType(...types: string[]): GraphResource[] {
    return types.flatMap((type) => this.byTypeIndex.get(type) ?? []);
  }

  /** Resources `resource` refers to, optionally only of these types. */
  public referencedBy(resource: GraphResource, ...types: string[]): GraphResource[] {
    const targets = resource.references
      .map((key) => this.byKey.get(key))
      .filter((r): r is GraphResource => r !== undefined);
    return types.length === 0 ? targets : targets.filter((r) => types.includes(r.type));
  }

  /** Resources that refer to `resource`, optionally only of these types. */
  public referrersOf(resource: GraphResource, ...types: string[]): GraphResource[] {
    const sources = this.referrers.get(resource.key) ?? [];
    return types.length === 0 ? sources : sources.filter((r) => types.includes(r.type));
  }

  /** The stack a resource belongs to. */
  public stackOf(resource: GraphResource): GraphStack | undefined {
    return this.stacks.find((s) => s.name === resource.stack);
  }
}
