import { HaRole, ServiceTier } from '../../core';
import { HaInputError } from './errors';
import { GraphResource } from './model';

/** A tier declared for every resource that carries no HA record, as `ha-report --tier TIER_1` does. */
export interface DeclaredTier {
  /** A built-in tier's name (`TIER_0` to `TIER_3`, any case). */
  readonly tier: string;
  /**
   * The service the resources form.
   * @default 'service'
   */
  readonly service?: string;
}

/** The built-in tier a name denotes; anything else is an input error naming the names allowed. */
export function builtInTier(name: string): ServiceTier {
  const tier = ServiceTier.BUILT_IN.find((t) => t.name.toLowerCase() === name.toLowerCase());
  if (!tier) {
    throw new HaInputError(`--tier must be one of ${ServiceTier.BUILT_IN.map((t) => t.name).join(', ')}, got: ${name}`);
  }
  return tier;
}

/**
 * The resources with the declared tier's record on every one that has none: one service, in the
 * primary role, over all the inputs (a design checked as a whole, whatever its stacks).
 */
export function withDeclaredTier(resources: readonly GraphResource[], declared: DeclaredTier): GraphResource[] {
  const tier = builtInTier(declared.tier);
  const record = {
    service: declared.service ?? 'service',
    tier: tier.name,
    strategy: tier.strategy,
    role: HaRole.PRIMARY,
    component: 'unknown',
    objectives: tier.toObjectives(),
    source: 'option' as const,
  };
  return resources.map((r) => (r.ha || r.isData ? r : { ...r, ha: record }));
}
