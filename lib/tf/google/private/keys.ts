import { KmsCryptoKey } from '@cdktf/provider-google/lib/kms-crypto-key';
import { KmsCryptoKeyIamMember } from '@cdktf/provider-google/lib/kms-crypto-key-iam-member';
import { KmsKeyRing } from '@cdktf/provider-google/lib/kms-key-ring';
import { Construct } from 'constructs';
import type { ServiceAgentGrantee } from '../project-services';
import { uniqueName } from './names';
import { PREVENT_DESTROY } from './lifecycle';

/**
 * Days between automatic rotations of the keys this library creates: the CIS Google Cloud
 * Foundations Benchmark (recommendation 1.10) asks for KMS encryption keys to rotate within 90 days.
 */
export const KEY_ROTATION_DAYS = 90;

/** What {@link newCryptoKey} needs. */
export interface CryptoKeyOptions {
  /** KMS location: the region (or multi-region) of the data the key encrypts. */
  readonly location: string;
  readonly labels: Record<string, string>;
  /**
   * Service agents that may encrypt and decrypt with the key, by a name that becomes part of their
   * construct id; each grant waits for the agent to exist.
   */
  readonly encrypters: Record<string, ServiceAgentGrantee>;
}

/** A new key and the grants that let the services' agents use it. */
export interface CryptoKey {
  readonly ring: KmsKeyRing;
  readonly key: KmsCryptoKey;
  /** The grants: resources that encrypt with the key must depend on them. */
  readonly grants: KmsCryptoKeyIamMember[];
}

/**
 * A symmetric key in a key ring of its own, rotated every {@link KEY_ROTATION_DAYS} days, with
 * `prevent_destroy` on both: key rings cannot be deleted in Google Cloud, and destroying a key's
 * versions makes everything it encrypted unreadable.
 *
 * Construct ids: `<id>Ring`, `<id>`, and `<id><member name>Encrypter` for each grant.
 */
export function newCryptoKey(scope: Construct, id: string, options: CryptoKeyOptions): CryptoKey {
  const ring = new KmsKeyRing(scope, `${id}Ring`, {
    name: uniqueName(scope, `${id}Ring`),
    location: options.location,
    lifecycle: PREVENT_DESTROY,
  });
  const key = new KmsCryptoKey(scope, id, {
    name: uniqueName(scope, id),
    keyRing: ring.id,
    purpose: 'ENCRYPT_DECRYPT',
    rotationPeriod: `${KEY_ROTATION_DAYS * 86400}s`,
    labels: options.labels,
    lifecycle: PREVENT_DESTROY,
  });
  const grants = Object.entries(options.encrypters).map(
    ([name, agent]) =>
      new KmsCryptoKeyIamMember(scope, `${id}${name}Encrypter`, {
        cryptoKeyId: key.id,
        role: 'roles/cloudkms.cryptoKeyEncrypterDecrypter',
        member: agent.member,
        // A grant to an agent that does not exist yet fails: on a fresh project it is created first.
        dependsOn: agent.dependables.length > 0 ? agent.dependables : undefined,
      }),
  );
  return { ring, key, grants };
}
