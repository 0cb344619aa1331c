import { GraphInputs } from '../../../lib/checks/graph/load';
import { HaRule } from '../../../lib/checks/rules/rule';

/** One rule, one engine: a compliant and a non-compliant fixture, and the finding expected from the latter. */
export interface RuleCase {
  readonly rule: HaRule;
  readonly engine: 'cloudformation' | 'terraform-aws' | 'terraform-google';
  readonly compliant: GraphInputs;
  readonly nonCompliant: GraphInputs;
  /** Stack and resource the finding names. */
  readonly stack: string;
  readonly resource: string;
  /** A part of the message that says what is wrong. */
  readonly message: string;
}
