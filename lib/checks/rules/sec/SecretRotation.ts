import { block, isSet } from '../../graph/values';
import { inWords } from '../support';
import { Evaluation, HaRule, outcome, RuleContext } from '../rule';

const TYPES = ['AWS::SecretsManager::Secret', 'aws_secretsmanager_secret', 'google_secret_manager_secret'];

/** HA-SEC1: secrets rotate on a schedule. */
export const SecretRotation: HaRule = {
  id: 'HA-SEC1',
  level: 'error',
  category: 'security-hygiene',
  info: 'Secrets Manager secrets have a rotation schedule; Google secrets have a rotation block.',
  explanation:
    'A credential that never rotates outlives every person and system that saw it; rotation that runs routinely is also rotation that is known to work when a leak forces it.',
  resourceTypes: [...TYPES, 'AWS::SecretsManager::RotationSchedule', 'aws_secretsmanager_secret_rotation'],
  evaluate(context: RuleContext): Evaluation[] {
    return context.graph.ofType(...TYPES).map((secret) => {
      const rotated =
        secret.type === 'google_secret_manager_secret'
          ? isSet(block(secret.properties.rotation)?.rotation_period)
          : context.graph.referrersOf(
              secret,
              'AWS::SecretsManager::RotationSchedule',
              'aws_secretsmanager_secret_rotation',
            ).length > 0;
      const how =
        secret.type === 'google_secret_manager_secret'
          ? 'rotation { rotation_period }'
          : inWords(secret, {
              cdk: 'secret.addRotationSchedule',
              cloudFormation: 'an AWS::SecretsManager::RotationSchedule',
              terraform: 'aws_secretsmanager_secret_rotation',
            });
      return outcome(secret, rotated ? undefined : `${secret.address} never rotates: add a rotation schedule (${how})`);
    });
  },
};
