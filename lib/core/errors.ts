/**
 * The library's one error for bad input, and how planners report problems and warnings.
 *
 * Planners in `lib/core/plans` never throw for a user's props: they return `problems` (the prop and
 * a message naming the value received and what is allowed) and `warnings` (a stable id and a
 * message). Each engine throws the first problem as this error and emits each warning under
 * `ha-constructs:<Construct>.<id>`. See docs/ARCHITECTURE.md.
 */

const BRAND = Symbol.for('ha-constructs.HaValidationError');

/** A prop a planner refuses: the prop as the user wrote it, and the message. */
export interface PlanProblem {
  readonly prop: string;
  readonly message: string;
}

/** A planner's advice: a stable id (`<Construct>.<prop>`) and the message. */
export interface PlanWarning {
  readonly id: string;
  readonly message: string;
}

/**
 * Bad input to a construct or a core function: the message names the prop, the value received and
 * what is allowed. The Terraform engines and core throw it; the CDK engine throws aws-cdk-lib's
 * `ValidationError` (so the CDK CLI points at the construct) marked as this one, so
 * `error instanceof HaValidationError` holds on every engine and no user needs aws-cdk-lib to catch it.
 * It is a `RangeError`: a value outside what is allowed.
 */
export class HaValidationError extends RangeError {
  /** Whether `error` is the library's validation error, on any engine. */
  public static isHaValidationError(error: unknown): error is Error & { readonly prop?: string } {
    return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[BRAND] === true;
  }

  /** Marks an engine's own error (aws-cdk-lib's `ValidationError`) as this one. */
  public static mark<E extends Error>(error: E, prop?: string): E & { readonly prop?: string } {
    Object.defineProperty(error, BRAND, { value: true });
    if (prop !== undefined) {
      Object.defineProperty(error, 'prop', { value: prop, enumerable: true });
    }
    return error;
  }

  public static override [Symbol.hasInstance](instance: unknown): boolean {
    return HaValidationError.isHaValidationError(instance);
  }

  /** The prop at fault, when known. */
  public readonly prop?: string;
  /** The construct path, when a construct threw it. */
  public readonly path?: string;

  constructor(message: string, options: { readonly prop?: string; readonly path?: string } = {}) {
    super(message);
    this.name = 'HaValidationError';
    this.prop = options.prop;
    this.path = options.path;
    Object.defineProperty(this, BRAND, { value: true });
  }
}
