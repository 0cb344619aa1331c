import { DrStrategy, HA_METADATA_KEY, HaRole, ServiceTier, parseHaMetadata } from '../../core';
import { HaRecord } from './model';

/** The full record from CloudFormation `Metadata` or a Terraform `//` block; undefined when absent or malformed. */
export function haFromMetadata(metadata: unknown): HaRecord | undefined {
  if (typeof metadata !== 'object' || metadata === null) {
    return undefined;
  }
  const record = parseHaMetadata((metadata as Record<string, unknown>)[HA_METADATA_KEY]);
  return record ? { ...record, source: 'metadata' } : undefined;
}

/**
 * A record rebuilt from `ha:*` tags (AWS) or `ha-*` labels (Google). Tags carry the tier's name,
 * not its objectives, so only the built-in tiers can be rebuilt; a custom tier needs the full record.
 */
export function haFromTags(tags: Record<string, string>, source: 'tags' | 'labels'): HaRecord | undefined {
  const sep = source === 'tags' ? ':' : '-';
  const read = (name: string): string | undefined => tags[`ha${sep}${name}`];
  const service = read('service');
  const tierName = read('tier');
  if (!service || !tierName) {
    return undefined;
  }
  const tier = ServiceTier.BUILT_IN.find((t) => t.name.toLowerCase() === tierName.toLowerCase());
  if (!tier) {
    return undefined;
  }
  const strategyText = read('strategy')?.toUpperCase();
  const strategy = (Object.values(DrStrategy) as string[]).includes(strategyText ?? '')
    ? (strategyText as DrStrategy)
    : tier.strategy;
  const roleText = read('role')?.toLowerCase();
  const role = (Object.values(HaRole) as string[]).includes(roleText ?? '') ? (roleText as HaRole) : HaRole.PRIMARY;
  return {
    service,
    tier: tier.name,
    strategy,
    role,
    component: read('component') ?? 'unknown',
    objectives: tier.toObjectives(),
    source,
  };
}

/**
 * Tags as a plain map, from CloudFormation's `[{ Key, Value }]`, Terraform's `{ key: value }`, or
 * the `tag { key, value }` blocks of `aws_autoscaling_group`.
 */
export function tagMap(tags: unknown): Record<string, string> {
  const map: Record<string, string> = {};
  if (Array.isArray(tags)) {
    for (const tag of tags) {
      const entry = (tag ?? {}) as { Key?: unknown; Value?: unknown; key?: unknown; value?: unknown };
      const key = entry.Key ?? entry.key;
      const value = entry.Value ?? entry.value;
      if (typeof key === 'string' && typeof value === 'string') {
        map[key] = value;
      }
    }
  } else if (tags && typeof tags === 'object') {
    for (const [key, value] of Object.entries(tags)) {
      if (typeof value === 'string') {
        map[key] = value;
      }
    }
  }
  return map;
}
