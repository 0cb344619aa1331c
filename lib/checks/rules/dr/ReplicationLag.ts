import { isPrimaryStore, regionReplication, STORE_TYPES } from '../../graph/stores';
import { Evaluation, HaRule, outcome, RuleContext } from '../rule';
import { tierOf } from '../support';

/** HA-DR3: cross-region copies lag no more than the region RPO the data set is held to. */
export const ReplicationLag: HaRule = {
  id: 'HA-DR3',
  level: 'error',
  category: 'recovery',
  needsTier: true,
  info: "Every cross-region copy has a published replication bound within the tier's region RPO, or within the data set's own looser objective where its owner recorded one (S3 needs Replication Time Control; GCS needs turbo replication).",
  explanation:
    'The region RPO is the lag of the slowest copy at the moment the region fails. Replication without a published bound (S3 without RTC, GCS default replication, asynchronous read replicas) cannot prove any RPO.',
  resourceTypes: STORE_TYPES,
  evaluate(context: RuleContext): Evaluation[] {
    const { graph } = context;
    return graph.ofType(...STORE_TYPES).flatMap((store) => {
      const tier = tierOf(context, store);
      if (!tier || !isPrimaryStore(graph, store)) {
        return [];
      }
      const copy = regionReplication(graph, store);
      if (!copy) {
        return [];
      }
      const own = store.ha?.dataRpoSeconds;
      const objective = own ?? tier.regionRpoSeconds;
      const objectiveText =
        own === undefined
          ? `${tier.name}'s region RPO of ${objective} s`
          : `its own recorded RPO objective of ${objective} s`;
      if (copy.seconds === undefined) {
        return [
          outcome(
            store,
            `${store.address} replicates with no published bound (${copy.basis}), so ${objectiveText} cannot be shown`,
          ),
        ];
      }
      return [
        outcome(
          store,
          copy.seconds <= objective
            ? undefined
            : `${store.address} replicates within ${copy.seconds} s (${copy.basis}), more than ${objectiveText}: use a store with a shorter replication bound or a tier with a longer RPO`,
        ),
      ];
    });
  },
};
