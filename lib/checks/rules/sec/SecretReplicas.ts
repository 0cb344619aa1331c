import { block, blocks } from '../../graph/values';
import { Evaluation, HaRule, outcome, RuleContext } from '../rule';
import { tierOf } from '../support';

const TYPES = ['AWS::SecretsManager::Secret', 'aws_secretsmanager_secret', 'google_secret_manager_secret'];

/** HA-SEC2: secrets of multi-region services are readable in the standby region. */
export const SecretReplicas: HaRule = {
  id: 'HA-SEC2',
  level: 'error',
  category: 'recovery',
  needsTier: true,
  info: 'Secrets of ACTIVE_ACTIVE, WARM_STANDBY and PILOT_LIGHT services replicate to another region (Google: automatic replication or user-managed replicas in at least 2 locations).',
  explanation: 'The standby region cannot start serving if the credentials it needs live only in the failed region.',
  resourceTypes: TYPES,
  evaluate(context: RuleContext): Evaluation[] {
    return context.graph.ofType(...TYPES).flatMap((secret) => {
      const tier = tierOf(context, secret);
      const role = context.services.recordOf(secret)?.role;
      if (!tier || !tier.isMultiRegion || role === 'replica' || role === 'standby') {
        return [];
      }
      const p = secret.properties;
      let replicated: boolean;
      if (secret.type === 'google_secret_manager_secret') {
        const replication = block(p.replication);
        replicated =
          block(replication?.auto) !== undefined ||
          replication?.automatic === true ||
          blocks(block(replication?.user_managed)?.replicas).length >= 2;
      } else {
        replicated = blocks(p.ReplicaRegions ?? p.replica).length > 0;
      }
      return [
        outcome(
          secret,
          replicated
            ? undefined
            : `${secret.address} exists in one region only, which ${tier.name} (${tier.strategy}) cannot fail over with: replicate it to the standby region`,
        ),
      ];
    });
  },
};
