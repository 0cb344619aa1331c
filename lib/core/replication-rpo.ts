import { ServiceTier } from './tier';

/** A store whose copy in another region trails the source by a published bound. */
export interface ReplicatedStore {
  /** The construct, as the message names it (`ReplicatedBucket`). */
  readonly construct: string;
  /** How the store replicates, as the message names it (`S3 Replication Time Control`). */
  readonly replication: string;
  /** The published bound of the replica's lag, in seconds. */
  readonly boundSeconds: number;
}

/**
 * Why a data set's region RPO objective cannot be held by a store, or undefined when it can.
 *
 * The objective is the data set's own `rpoObjective` when the user states one (whole seconds, no
 * tighter than the tier's region RPO: it may only loosen the tier for data the service can rebuild),
 * else the tier's region RPO. A store whose replication bound is longer than the objective cannot
 * meet it, and the HA checks would fail it (HA-DR3): the construct refuses rather than build it.
 * Example: a ReplicatedBucket (S3 RTC, 900 s) on TIER_1 (region RPO 60 s) with no `rpoObjective`
 * is refused; with `rpoObjective` 15 minutes (receipts the service re-renders) it is built.
 * Callers skip unresolved tokens before asking.
 */
export function replicationRpoProblem(
  store: ReplicatedStore,
  tier: ServiceTier,
  rpoObjectiveSeconds?: number,
): string | undefined {
  if (
    rpoObjectiveSeconds !== undefined &&
    (!Number.isInteger(rpoObjectiveSeconds) || rpoObjectiveSeconds < tier.regionRpoSeconds)
  ) {
    return (
      `rpoObjective must be whole seconds of at least ${tier.name}'s region RPO (${tier.regionRpoSeconds} s): ` +
      `it states a looser objective for this data set, got: ${rpoObjectiveSeconds} s`
    );
  }
  const objective = rpoObjectiveSeconds ?? tier.regionRpoSeconds;
  if (objective >= store.boundSeconds) {
    return undefined;
  }
  const stated =
    rpoObjectiveSeconds === undefined
      ? `none, so ${tier.name}'s region RPO of ${objective} s applies`
      : `${objective} s`;
  return (
    `rpoObjective must be at least ${store.boundSeconds} s for a ${store.construct}: ${store.replication} ` +
    `bounds its replica's lag at ${store.boundSeconds} s. Keep data that needs a tighter RPO in a GlobalTable or ` +
    `GlobalDatabase, and state this data set's own rpoObjective if the service can rebuild it, got: ${stated}`
  );
}
