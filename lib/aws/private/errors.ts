import { Annotations, ValidationError } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { HaValidationError, PlanProblem, PlanWarning } from '../../core/errors';

/** aws-cdk-lib brands error names as literal strings; ours is always the same literal. */
type ErrorName = ConstructorParameters<typeof ValidationError>[0];
const VALIDATION_ERROR = 'ValidationError' as ErrorName;

/**
 * aws-cdk-lib's ValidationError for bad props, marked as core's `HaValidationError`: both
 * `Errors.isValidationError(e)` and `e instanceof HaValidationError` hold, the message names the
 * prop, the value and what is allowed, and the CDK CLI points at the construct.
 */
export function validationError(
  message: string,
  scope: IConstruct,
  prop?: string,
): ValidationError & { readonly prop?: string } {
  return HaValidationError.mark(new ValidationError(VALIDATION_ERROR, message, scope), prop);
}

/** Throws a planner's first problem (the others are reported once it is fixed). */
export function throwProblems(problems: readonly PlanProblem[], scope: IConstruct): void {
  if (problems.length > 0) {
    throw validationError(problems[0].message, scope, problems[0].prop);
  }
}

/** Emits a planner's warnings on `scope` as `ha-constructs:<component>.<id>`, acknowledgeable by that id. */
export function emitWarnings(scope: IConstruct, component: string, warnings: readonly PlanWarning[]): void {
  for (const warning of warnings) {
    Annotations.of(scope).addWarningV2(`ha-constructs:${component}.${warning.id}`, warning.message);
  }
}
