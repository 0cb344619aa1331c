import { ValidationError } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/** aws-cdk-lib brands error names as literal strings; ours is always the same literal. */
type ErrorName = ConstructorParameters<typeof ValidationError>[0];
const VALIDATION_ERROR = 'ValidationError' as ErrorName;

/**
 * aws-cdk-lib's ValidationError for bad props: `Errors.isValidationError(e)` holds, the message
 * names the prop, the value and what is allowed, and the CDK CLI points at the construct.
 */
export function validationError(message: string, scope: IConstruct): ValidationError {
  return new ValidationError(VALIDATION_ERROR, message, scope);
}
