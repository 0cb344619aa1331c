import { Annotations } from 'cdktf';
import { IConstruct } from 'constructs';
import { HaValidationError, PlanProblem, PlanWarning } from '../core/errors';

/** Core's `HaValidationError` for bad props of a Terraform construct, carrying its path. */
export function validationError(message: string, scope?: IConstruct, prop?: string): HaValidationError {
  return new HaValidationError(message, { prop, path: scope?.node.path });
}

/** Throws a planner's first problem (the others are reported once it is fixed). */
export function throwProblems(problems: readonly PlanProblem[], scope: IConstruct): void {
  if (problems.length > 0) {
    throw validationError(problems[0].message, scope, problems[0].prop);
  }
}

/**
 * A warning with a stable id on `scope`, in the form the CDK engine's `addWarningV2` ids take
 * (`[ha-constructs:<component>.<id>] message`): cdktf has no acknowledgeable warnings.
 */
export function warn(scope: IConstruct, id: string, message: string): void {
  Annotations.of(scope).addWarning(`[ha-constructs:${id}] ${message}`);
}

/** Emits a planner's warnings on `scope` as `ha-constructs:<component>.<id>`. */
export function emitWarnings(scope: IConstruct, component: string, warnings: readonly PlanWarning[]): void {
  for (const warning of warnings) {
    warn(scope, `${component}.${warning.id}`, warning.message);
  }
}
