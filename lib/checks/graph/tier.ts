import { ServiceTier } from '../../core';
import { HaInputError } from './errors';
import { HaRecord } from './model';

const tiers = new Map<string, ServiceTier>();
const byRecord = new WeakMap<HaRecord, ServiceTier>();

/**
 * The tier a record names, with its operating defaults: a built-in tier by name, a custom tier
 * rebuilt from the objectives the record carries (its defaults derived as `ServiceTier.custom`
 * derives them; operating values a custom tier set explicitly are not in the record).
 */
export function tierOfRecord(record: HaRecord): ServiceTier {
  const known = byRecord.get(record);
  if (known) {
    return known;
  }
  const cacheKey = `${record.tier}\u0000${JSON.stringify(record.objectives)}\u0000${record.strategy}`;
  let tier = tiers.get(cacheKey);
  if (!tier) {
    const builtIn = ServiceTier.BUILT_IN.find(
      (t) => t.name === record.tier && JSON.stringify(t.toObjectives()) === JSON.stringify(record.objectives),
    );
    tier = builtIn ?? customTier(record);
    tiers.set(cacheKey, tier);
  }
  byRecord.set(record, tier);
  return tier;
}

/** The custom tier a record describes; objectives core rejects make the input unusable, not the rule wrong. */
function customTier(record: HaRecord): ServiceTier {
  try {
    return ServiceTier.custom({ name: record.tier, strategy: record.strategy, ...record.objectives });
  } catch (e) {
    throw new HaInputError(
      `the HA record of service ${record.service} (tier ${record.tier}) is not a valid tier: ${(e as Error).message}`,
    );
  }
}
