import { GcsBackend, LocalBackend, S3Backend, TerraformBackend, TerraformStack } from 'cdktf';
import { IConstruct } from 'constructs';
import { validationError, warn } from './diagnostics';

/** A Cloud Storage bucket that keeps the state; GCS locks the state on every operation. */
export interface GcsStateBackend {
  /** The bucket (create it with versioning on, in a project of its own, before the first `init`). */
  readonly bucket: string;
  /**
   * Folder of the state objects in the bucket.
   * @default - `terraform/<stack id>`
   */
  readonly prefix?: string;
}

/** An S3 bucket that keeps the state, locked by a lock file next to it (no DynamoDB table). */
export interface S3StateBackend {
  /** The bucket (create it with versioning on before the first `init`). */
  readonly bucket: string;
  /** Region of the bucket. */
  readonly region: string;
  /**
   * Key of the state object.
   * @default - `terraform/<stack id>.tfstate`
   */
  readonly key?: string;
  /**
   * KMS key that encrypts the state object.
   * @default - the bucket's default encryption
   */
  readonly kmsKeyId?: string;
}

/** Where a stack keeps its Terraform state: give one of them, or neither for local state. */
export interface StateBackendOptions {
  readonly gcs?: GcsStateBackend;
  readonly s3?: S3StateBackend;
}

/**
 * Gives `stack` a remote, locked state backend, or local state with a warning when none is given.
 *
 * - GCS: Cloud Storage locks the state with a lock object on every operation.
 * - S3: `use_lockfile` locks with a lock object beside the state (Terraform 1.11 and later; no
 *   DynamoDB table). cdktf 0.21's `S3Backend` predates the argument, so it is set as an override.
 * - Neither: local state in `terraform.<stack id>.tfstate` next to the output directory (the
 *   project's root for cdktf's `cdktf.out`), by a path relative to the stack's directory
 *   (`cdktf.out/stacks/<stack>`, where Terraform runs): cdktf's default is an absolute path of the
 *   machine that synthesized. Local state is neither locked across machines nor backed up:
 *   not for production, and the stack says so in a warning.
 *
 * @see https://developer.hashicorp.com/terraform/language/backend/gcs
 * @see https://developer.hashicorp.com/terraform/language/backend/s3#state-locking
 * @see https://developer.hashicorp.com/terraform/language/backend/local
 */
export function configureStateBackend(stack: TerraformStack, options: StateBackendOptions = {}): TerraformBackend {
  const id = stack.node.id;
  if (options.gcs && options.s3) {
    const both = `${options.gcs.bucket}, ${options.s3.bucket}`;
    throw validationError(`options must name one state backend, gcs or s3, got: both (${both})`, stack, 'options');
  }
  if (options.gcs) {
    return new GcsBackend(stack, { bucket: options.gcs.bucket, prefix: options.gcs.prefix ?? `terraform/${id}` });
  }
  if (options.s3) {
    const backend = new S3Backend(stack, {
      bucket: options.s3.bucket,
      region: options.s3.region,
      key: options.s3.key ?? `terraform/${id}.tfstate`,
      encrypt: true,
      kmsKeyId: options.s3.kmsKeyId,
    });
    backend.addOverride('use_lockfile', true);
    return backend;
  }
  warn(
    stack,
    'StateBackend.local',
    `${id} keeps its Terraform state in a local file, unlocked and on one machine: ` +
      'not for production. Give the stack a GCS or S3 backend (see the README, "State")',
  );
  return new LocalBackend(stack, { path: `../../../terraform.${id}.tfstate` });
}

/**
 * Context keys that name a state backend (in cdktf.json's `context`, or
 * `CDKTF_CONTEXT_JSON='{"gcsStateBucket":"my-state"}'` for one synthesis).
 */
export const STATE_BACKEND_CONTEXT = {
  /** Bucket of a GCS backend. */
  GCS_BUCKET: 'gcsStateBucket',
  /** Folder of the state in the GCS bucket (default `terraform/<stack id>`). */
  GCS_PREFIX: 'gcsStatePrefix',
  /** Bucket of an S3 backend. */
  S3_BUCKET: 's3StateBucket',
  /** Region of the S3 bucket (required with the bucket). */
  S3_REGION: 's3StateRegion',
  /** Key of the state object in the S3 bucket (default `terraform/<stack id>.tfstate`). */
  S3_KEY: 's3StateKey',
} as const;

/** The backend of `kind` the context names for `scope` ({@link STATE_BACKEND_CONTEXT}), or none (local state). */
export function stateBackendFromContext(scope: IConstruct, kind: 'gcs' | 's3'): StateBackendOptions {
  const value = (key: string): string | undefined => {
    const v: unknown = scope.node.tryGetContext(key);
    return typeof v === 'string' && v !== '' ? v : undefined;
  };
  if (kind === 'gcs') {
    const bucket = value(STATE_BACKEND_CONTEXT.GCS_BUCKET);
    return bucket ? { gcs: { bucket, prefix: value(STATE_BACKEND_CONTEXT.GCS_PREFIX) } } : {};
  }
  const bucket = value(STATE_BACKEND_CONTEXT.S3_BUCKET);
  if (!bucket) {
    return {};
  }
  const region = value(STATE_BACKEND_CONTEXT.S3_REGION);
  if (!region) {
    const key = STATE_BACKEND_CONTEXT.S3_REGION;
    throw validationError(`${key} must name the region of the state bucket ${bucket}, got: nothing`, scope, key);
  }
  return { s3: { bucket, region, key: value(STATE_BACKEND_CONTEXT.S3_KEY) } };
}
