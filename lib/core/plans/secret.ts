import { PlanProblem, PlanWarning } from '../errors';
import {
  SECRET_MANAGER_ROTATION_MAX_SECONDS,
  SECRET_MANAGER_ROTATION_MIN_SECONDS,
  SECRETS_MANAGER_GENERATED_LENGTH_MAX,
  SECRETS_MANAGER_RECOVERY_WINDOW_MAX_DAYS,
  SECRETS_MANAGER_ROTATION_MAX_SECONDS,
  SECRETS_MANAGER_ROTATION_MIN_SECONDS,
} from '../figures';
import { regionPlacementProblem } from '../regions';
import { ServiceTier } from '../tier';

/**
 * The plan of an encrypted, replicated, rotated secret: what the CDK `EncryptedSecret`, the
 * Terraform AWS `EncryptedSecret` (Secrets Manager) and the Google `EncryptedSecret` (Secret
 * Manager) render.
 */

/** The secret store: AWS Secrets Manager or Google Secret Manager (their limits differ). */
export type SecretStore = 'SECRETS_MANAGER' | 'SECRET_MANAGER';

/** One way an engine offers of rotating the value (a function, hosted rotation, notifications). */
export interface SecretRotationChoice {
  /** The prop that chooses it, as the user wrote it. */
  readonly prop: string;
  /** What it is for, in the message asking for a way of rotating (`database credentials`). */
  readonly purpose?: string;
  /** Whether the user chose it. */
  readonly chosen: boolean;
}

/** The rotation interval as the user gave it. */
export interface SecretRotationIntervalIntent {
  /** The prop, as the user wrote it (`rotateAfter`, `rotateAfterDays`, `rotationDays`). */
  readonly prop: string;
  /** `days` for a prop in whole days, `seconds` for a prop that takes any duration (a CDK `Duration`). */
  readonly unit: 'days' | 'seconds';
  /** The interval in that unit; undefined when unknown at synthesis. */
  readonly value?: number;
  /** The value as the user wrote it, for messages (`1 hour`, `0`). */
  readonly text: string;
}

/** A secret as its props describe it, in core's terms; `undefined` where a value is unknown at synthesis. */
export interface EncryptedSecretIntent {
  readonly store: SecretStore;
  /** The prop the regions come from, as the user wrote it (`replicaRegions`, `replicaProviders`, `regions`). */
  readonly replicaRegionsProp: string;
  /**
   * Whether that prop lists the primary region too (Google's `regions`), which changes how it counts.
   * @default false
   */
  readonly regionsIncludePrimary?: boolean;
  /** Region of the secret itself. */
  readonly primaryRegion?: string;
  /** Regions holding a replica besides the primary; an undefined entry is a region unknown at synthesis. */
  readonly replicaRegions: readonly (string | undefined)[];
  /** The service's allowed regions (data residency). */
  readonly allowedRegions?: readonly string[];
  /** The engine's ways of rotating besides `rotatedExternally`, in the order its docs list them. */
  readonly rotations: readonly SecretRotationChoice[];
  /**
   * The way the engine rotates when none is chosen (Google: notifications to a new topic).
   * @default - none: one way must be chosen
   */
  readonly defaultRotation?: string;
  /**
   * Why the value rotates outside the store (a third party issues it).
   * @default - it rotates here
   */
  readonly rotatedExternally?: string;
  /** @default - DEFAULT_SECRET_ROTATION_SECONDS */
  readonly rotationInterval?: SecretRotationIntervalIntent;
  /**
   * Letters and digits of a generated value (Terraform AWS `generatedValueLength`).
   * @default DEFAULT_SECRET_VALUE_LENGTH
   */
  readonly generatedValueLength?: number;
  /**
   * What happens to the secret when it leaves the stack (`retain`, `destroy`, …).
   * @default 'retain'
   */
  readonly removalPolicy?: string;
}

/** The plan. */
export interface EncryptedSecretPlan {
  /** Regions holding a replica besides the primary (as given; undefined entries unknown at synthesis). */
  readonly replicaRegions: readonly (string | undefined)[];
  /** The prop of the chosen way of rotating (`rotatedExternally` when the value rotates elsewhere). */
  readonly rotatedBy: string | undefined;
  /** Whether the store rotates the value (or notifies a rotator) on a schedule. */
  readonly rotatesHere: boolean;
  /**
   * Seconds between rotations; undefined when the value rotates elsewhere or the user's interval is
   * unknown at synthesis (an engine then renders its own value).
   */
  readonly rotationIntervalSeconds: number | undefined;
  /** The same interval in days, when it is whole days (Secrets Manager's `AutomaticallyAfterDays`). */
  readonly rotationIntervalDays: number | undefined;
  /** Letters and digits of a generated value. */
  readonly generatedValueLength: number;
  /** Secrets Manager: days a deleted secret stays recoverable, the longest allowed. */
  readonly recoveryWindowDays: number;
  /** Secret Manager: seconds a destroyed version stays restorable, the tier's backup retention. */
  readonly versionDestroyTtlSeconds: number;
  /** Secret Manager: seconds the rotation topic keeps an event for a rotator that is down. */
  readonly rotationTopicRetentionSeconds: number;
  /** Deletion protection: on unless the secret is to be destroyed with its stack. */
  readonly deletionProtection: boolean;
  readonly problems: PlanProblem[];
  readonly warnings: PlanWarning[];
}

const DAY_SECONDS = 86400;
const HOUR_SECONDS = 3600;

/** A leaked value stops working within a month (AWS Security Hub's SecretsManager.4 allows 90 days at most). */
export const DEFAULT_SECRET_ROTATION_SECONDS = 30 * DAY_SECONDS;
/** Length of a generated value when none is given. */
export const DEFAULT_SECRET_VALUE_LENGTH = 32;
/** Sixteen letters and digits hold about 95 bits: fewer can be guessed. */
const MIN_GENERATED_LENGTH = 16;
/** A reason shorter than this says nothing a reviewer can check. */
const MIN_EXTERNAL_REASON_LENGTH = 20;
/** A rotator that is down for a week still gets the event (Pub/Sub keeps a topic's messages up to 31 days). */
const ROTATION_TOPIC_RETENTION_SECONDS = 7 * DAY_SECONDS;

const STORES: Record<SecretStore, { readonly name: string; readonly minSeconds: number; readonly maxSeconds: number }> =
  {
    SECRETS_MANAGER: {
      name: 'Secrets Manager',
      minSeconds: SECRETS_MANAGER_ROTATION_MIN_SECONDS,
      maxSeconds: SECRETS_MANAGER_ROTATION_MAX_SECONDS,
    },
    SECRET_MANAGER: {
      name: 'Secret Manager',
      minSeconds: SECRET_MANAGER_ROTATION_MIN_SECONDS,
      maxSeconds: SECRET_MANAGER_ROTATION_MAX_SECONDS,
    },
  };

/** `4 hours`, `1000 days`, `1 hour`. */
function humanSeconds(seconds: number): string {
  const [amount, unit] =
    seconds % DAY_SECONDS === 0
      ? [seconds / DAY_SECONDS, 'day']
      : seconds % HOUR_SECONDS === 0
        ? [seconds / HOUR_SECONDS, 'hour']
        : [seconds, 'second'];
  return `${amount} ${unit}${amount === 1 ? '' : 's'}`;
}

/** `a, b or c` (`conjunction` 'or') or `a, b and c`. */
function listOf(items: readonly string[], conjunction: string): string {
  return items.length === 1 ? items[0] : `${items.slice(0, -1).join(', ')} ${conjunction} ${items[items.length - 1]}`;
}

/**
 * Plans a secret for `tier`.
 *
 * - regions = primary + replicas ≥ tier.minRegions (HA-SEC2), none repeated, within `allowedRegions`;
 * - exactly one way of rotating: one of the engine's (a function, hosted rotation, generated
 *   values, notifications) or `rotatedExternally` with a reason of at least 20 characters (HA-SEC1);
 * - interval ∈ [4 hours, 1000 days] on Secrets Manager, [1 hour, 100 years] on Secret Manager,
 *   whole days for a prop in days, default 30 days;
 * - deletion: the longest Secrets Manager recovery window (30 days); Secret Manager keeps destroyed
 *   versions for the tier's backup retention.
 *
 * Example: TIER_1 (minRegions 2, backups 35 days) in us-east-1, `replicaRegions: ['us-west-2']`,
 * `rotationLambda` given, no interval → rotates every 2592000 s (30 days), recovery window 30
 * days; with no replica region it is refused (`replicaRegions must list at least 1 region …`).
 * @see https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotate-secrets_schedule.html
 * @see https://cloud.google.com/secret-manager/docs/secret-rotation
 */
export function planEncryptedSecret(tier: ServiceTier, intent: EncryptedSecretIntent): EncryptedSecretPlan {
  const problems: PlanProblem[] = [];
  const warnings: PlanWarning[] = [];
  const problem = (prop: string, message: string) => problems.push({ prop, message });
  const store = STORES[intent.store];
  const { replicaRegionsProp: regionsProp, primaryRegion, allowedRegions } = intent;
  const replicas = intent.replicaRegions;
  const known = replicas.filter((r): r is string => r !== undefined);

  const placement = regionPlacementProblem({ prop: regionsProp, primaryRegion, replicaRegions: known, allowedRegions });
  if (placement) {
    problem(placement.startsWith('the primary region') ? 'allowedRegions' : regionsProp, placement);
  }
  const needed = intent.regionsIncludePrimary ? tier.minRegions : tier.minRegions - 1;
  const count = intent.regionsIncludePrimary ? replicas.length + 1 : replicas.length;
  if (count < needed) {
    const including = intent.regionsIncludePrimary ? '' : ` including ${primaryRegion ?? 'the primary region'}`;
    problem(
      regionsProp,
      `${regionsProp} must list at least ${needed} region${needed === 1 ? '' : 's'} for ${tier.name} ` +
        `(minRegions ${tier.minRegions}${including}), so that the value survives the loss of a region (HA-SEC2), got: ${count}`,
    );
  }

  const choices: SecretRotationChoice[] = [
    ...intent.rotations,
    {
      prop: 'rotatedExternally',
      purpose: 'why the value rotates elsewhere',
      chosen: intent.rotatedExternally !== undefined,
    },
  ];
  const chosen = choices.filter((c) => c.chosen).map((c) => c.prop);
  if (chosen.length === 0 && intent.defaultRotation === undefined) {
    problem(
      choices[0].prop,
      `${listOf(
        choices.map((c) => (c.purpose ? `${c.prop} (${c.purpose})` : c.prop)),
        'or',
      )} must be given: ` + 'a secret that never rotates keeps working for whoever leaked it (HA-SEC1), got: none',
    );
  }
  if (chosen.length > 1) {
    problem(
      chosen[0],
      `${listOf(
        choices.map((c) => c.prop),
        'and',
      )} are alternatives: give one of them, got: ${chosen.join(', ')}`,
    );
  }
  const reason = intent.rotatedExternally;
  if (reason !== undefined && reason.trim().length < MIN_EXTERNAL_REASON_LENGTH) {
    problem(
      'rotatedExternally',
      `rotatedExternally must say why the value rotates outside ${store.name} ` +
        `(at least ${MIN_EXTERNAL_REASON_LENGTH} characters), got: '${reason}'`,
    );
  }
  const rotatedBy = chosen.length === 1 ? chosen[0] : intent.defaultRotation;
  const rotatesHere = rotatedBy !== undefined && rotatedBy !== 'rotatedExternally';

  const interval = intent.rotationInterval;
  const unitSeconds = interval?.unit === 'days' ? DAY_SECONDS : 1;
  const givenSeconds = interval?.value === undefined ? undefined : interval.value * unitSeconds;
  if (interval && givenSeconds !== undefined) {
    const seconds = givenSeconds;
    if (interval.unit === 'seconds' && !(seconds >= store.minSeconds && seconds <= store.maxSeconds)) {
      problem(
        interval.prop,
        `${interval.prop} must be from ${humanSeconds(store.minSeconds)} to ${humanSeconds(store.maxSeconds)}, ` +
          `got: ${interval.text}`,
      );
    }
    const [minDays, maxDays] = [Math.ceil(store.minSeconds / DAY_SECONDS), Math.floor(store.maxSeconds / DAY_SECONDS)];
    const days = seconds / DAY_SECONDS;
    if (interval.unit === 'days' && !(Number.isInteger(days) && days >= minDays && days <= maxDays)) {
      problem(
        interval.prop,
        `${interval.prop} must be an integer from ${minDays} to ${maxDays}, got: ${interval.text}`,
      );
    }
    if (rotatedBy === 'rotatedExternally') {
      warnings.push({
        id: interval.prop,
        message: `${interval.prop} has no effect with rotatedExternally: the value rotates on its issuer's schedule, not on ${interval.text}`,
      });
    }
  }

  const length = intent.generatedValueLength;
  if (
    length !== undefined &&
    !(Number.isInteger(length) && length >= MIN_GENERATED_LENGTH && length <= SECRETS_MANAGER_GENERATED_LENGTH_MAX)
  ) {
    problem(
      'generatedValueLength',
      `generatedValueLength must be an integer from ${MIN_GENERATED_LENGTH} to ` +
        `${SECRETS_MANAGER_GENERATED_LENGTH_MAX}, got: ${length}`,
    );
  }

  const removalPolicy = intent.removalPolicy ?? 'retain';
  if (removalPolicy !== 'retain') {
    warnings.push({
      id: 'removalPolicy',
      message:
        `removalPolicy is ${removalPolicy}: deleting the stack or replacing the secret deletes credentials that data ` +
        'encrypted or protected by them may still need',
    });
  }

  let rotationIntervalSeconds: number | undefined;
  if (rotatesHere) {
    rotationIntervalSeconds = interval ? givenSeconds : DEFAULT_SECRET_ROTATION_SECONDS;
  }
  const intervalDays = rotationIntervalSeconds === undefined ? undefined : rotationIntervalSeconds / DAY_SECONDS;
  return {
    replicaRegions: [...replicas],
    rotatedBy,
    rotatesHere,
    rotationIntervalSeconds,
    rotationIntervalDays: intervalDays !== undefined && Number.isInteger(intervalDays) ? intervalDays : undefined,
    generatedValueLength: length ?? DEFAULT_SECRET_VALUE_LENGTH,
    recoveryWindowDays: SECRETS_MANAGER_RECOVERY_WINDOW_MAX_DAYS,
    versionDestroyTtlSeconds: tier.backupRetentionDays * DAY_SECONDS,
    rotationTopicRetentionSeconds: ROTATION_TOPIC_RETENTION_SECONDS,
    deletionProtection: removalPolicy !== 'destroy',
    problems,
    warnings,
  };
}
