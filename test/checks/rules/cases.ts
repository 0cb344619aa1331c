import { GraphInputs } from '../../../lib/checks/graph/load';
import { FindingLevel, HaRule } from '../../../lib/checks/rules/rule';

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
  /**
   * The level of the finding: security hygiene and operations are warnings on fixtures of no tier.
   * @default the rule's level
   */
  readonly level?: FindingLevel;
}
