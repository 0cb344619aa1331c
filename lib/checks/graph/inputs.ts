import type { UnreadInput } from '../model';
import { CloudFormationStackInput } from './cloudformation';
import { TerraformStackInput } from './terraform';

/** What was read, before it becomes a graph. */
export interface GraphInputs {
  readonly cloudFormation?: readonly CloudFormationStackInput[];
  readonly terraform?: readonly TerraformStackInput[];
  /** What the inputs hold that could not be read (a registry module), so the report can say it was not checked. */
  readonly unread?: readonly UnreadInput[];
}

/** Several inputs as one. */
export function mergeInputs(parts: readonly GraphInputs[]): GraphInputs {
  return {
    cloudFormation: parts.flatMap((p) => p.cloudFormation ?? []),
    terraform: parts.flatMap((p) => p.terraform ?? []),
    unread: parts.flatMap((p) => p.unread ?? []),
  };
}
