import { bool, isSet, str } from '../../graph/values';
import { Evaluation, HaRule, outcome, RuleContext } from '../rule';

const TYPES = ['AWS::KMS::Key', 'aws_kms_key', 'google_kms_crypto_key'];

/** HA-KMS1: symmetric keys rotate automatically. */
export const KeyRotation: HaRule = {
  id: 'HA-KMS1',
  level: 'error',
  category: 'security-hygiene',
  info: 'Symmetric KMS keys enable automatic rotation; Google crypto keys set a rotation period.',
  explanation:
    'Rotation limits how much data one key version protects and is required by most control frameworks; it is free of downtime, so there is no availability reason to skip it.',
  resourceTypes: TYPES,
  evaluate(context: RuleContext): Evaluation[] {
    return context.graph.ofType(...TYPES).flatMap((key) => {
      const p = key.properties;
      if (key.type === 'google_kms_crypto_key') {
        if ((str(p.purpose) ?? 'ENCRYPT_DECRYPT') !== 'ENCRYPT_DECRYPT') {
          return [];
        }
        return [
          outcome(
            key,
            isSet(p.rotation_period)
              ? undefined
              : `${key.address} never rotates: set rotation_period (e.g. "7776000s")`,
          ),
        ];
      }
      if ((str(p.KeySpec ?? p.customer_master_key_spec) ?? 'SYMMETRIC_DEFAULT') !== 'SYMMETRIC_DEFAULT') {
        return [];
      }
      return [
        outcome(
          key,
          bool(p.EnableKeyRotation ?? p.enable_key_rotation) === true
            ? undefined
            : `${key.address} does not rotate: set ${key.engine === 'cloudformation' ? 'EnableKeyRotation' : 'enable_key_rotation'} to true`,
        ),
      ];
    });
  },
};
