import { ResourceGraph } from '../graph/graph';
import { GraphResource } from '../graph/model';
import type { FindingLevel, RuleCategory, ServiceReport } from '../model';
import { ServiceIndex } from '../services';

// Findings are the checks' output, shared with the report and the printers (lib/checks/model.ts).
export type { Finding, FindingLevel, RuleCategory } from '../model';

/** The outcome of a rule for one resource it applies to; resources it does not apply to have none. */
export interface Evaluation {
  readonly stack: string;
  readonly resource: string;
  readonly compliant: boolean;
  /** Why it is non-compliant and what to change (required when not compliant). */
  readonly message?: string;
  /**
   * The rule could not decide: a value it reads is unknown to the template (a parameter with no value,
   * a value known only after apply). Reported apart, never as passing or failing.
   */
  readonly unknown?: string;
}

/** What a rule reads. */
export interface RuleContext {
  readonly graph: ResourceGraph;
  readonly services: ServiceIndex;
  /**
   * The resilience report of every service, one per service across all its stacks (`HaReport.services`,
   * computed once, on first use): a service-level finding is reported once, on the service's main stack.
   */
  reports(): readonly ServiceReport[];
}

/** One HA rule: an id, a level, a one-line summary, the reason, and the evaluation. */
export interface HaRule {
  /** `HA-<AREA><n>`. */
  readonly id: string;
  /**
   * The level of its findings. A `security-hygiene` or `operations` rule's errors are warnings on
   * resources of no declared tier: the tier is what promises them (see `findingLevel`).
   */
  readonly level: FindingLevel;
  readonly category: RuleCategory;
  /**
   * Whether it judges only the resources of a declared tier: a template without an HA record is not
   * checked by it (the report's first lines say so, and how to declare one).
   * @default false
   */
  readonly needsTier?: boolean;
  /** One line: what the rule requires. */
  readonly info: string;
  /** Why it matters for availability or recovery. */
  readonly explanation: string;
  /** The resource types it reads, both engines (for RULES.md). */
  readonly resourceTypes: readonly string[];
  evaluate(context: RuleContext): Evaluation[];
}

/** A compliant outcome for a resource. */
export function pass(resource: GraphResource): Evaluation {
  return { stack: resource.stack, resource: resource.address, compliant: true };
}

/** A non-compliant outcome for a resource. */
export function fail(resource: GraphResource, message: string): Evaluation {
  return { stack: resource.stack, resource: resource.address, compliant: false, message };
}

/** An outcome for a resource: compliant when `problem` is undefined. */
export function outcome(resource: GraphResource, problem: string | undefined): Evaluation {
  return problem === undefined ? pass(resource) : fail(resource, problem);
}

/** An outcome the rule cannot decide because a value it reads is unknown: `why` names the value and how to give it. */
export function undecided(resource: GraphResource, why: string): Evaluation {
  return { stack: resource.stack, resource: resource.address, compliant: true, unknown: why };
}

/** An outcome about a whole service in a stack (something it lacks). */
export function serviceOutcome(stack: string, service: string, problem: string | undefined): Evaluation {
  return {
    stack,
    resource: `service:${service}`,
    compliant: problem === undefined,
    ...(problem === undefined ? {} : { message: problem }),
  };
}
