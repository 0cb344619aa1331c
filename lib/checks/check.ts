import { HaInputError, HaInternalError } from './graph/errors';
import { ResourceGraph } from './graph/graph';
import { DeclaredTier } from './graph/declared-tier';
import { buildGraph, GraphInputs, readInputs } from './graph/load';
import type { AcknowledgedFinding, Finding, FindingLevel, HaReport, UncheckedValue } from './model';
import { resilienceReport } from './report';
import { HA_RULES } from './rules';
import { Evaluation, HaRule, RuleContext } from './rules/rule';
import { ServiceIndex } from './services';

/** Options of {@link checkGraph}. */
export interface CheckOptions {
  /**
   * The rules to run.
   * @default HA_RULES (all of them)
   */
  readonly rules?: readonly HaRule[];
  /**
   * The date drill measurements recorded in the stacks are judged on (`recordDrillMeasurement`):
   * one older than the tier's drill interval is stale and no longer counts.
   * @default - now
   */
  readonly today?: Date;
  /**
   * A tier for every resource that carries no HA record (`ha-report --tier`).
   * @default - such resources are held to the production baseline, and rules that need a tier skip them
   */
  readonly declaredTier?: DeclaredTier;
}

/** Runs the rules over a graph and computes the resilience report. */
export function checkGraph(graph: ResourceGraph, options: CheckOptions = {}): HaReport {
  const services = new ServiceIndex(graph);
  let report: Pick<HaReport, 'services' | 'perStack'> | undefined;
  const computed = () =>
    (report ??= attributed('the resilience report', () => resilienceReport(graph, services, { today: options.today })));
  const context: RuleContext = {
    graph,
    services,
    reports: () => computed().services,
  };
  const findings: Finding[] = [];
  const unchecked: UncheckedValue[] = [];
  for (const rule of options.rules ?? HA_RULES) {
    for (const evaluation of attributed(`rule ${rule.id}`, () => rule.evaluate(context))) {
      if (evaluation.unknown !== undefined) {
        unchecked.push({
          rule: rule.id,
          stack: evaluation.stack,
          resource: evaluation.resource,
          why: evaluation.unknown,
        });
      } else if (!evaluation.compliant) {
        findings.push({
          rule: rule.id,
          level: findingLevel(rule, graph, services, evaluation),
          category: rule.category,
          stack: evaluation.stack,
          resource: evaluation.resource,
          message: evaluation.message ?? rule.info,
        });
      }
    }
  }
  findings.sort(
    (a, b) =>
      a.stack.localeCompare(b.stack) ||
      a.rule.localeCompare(b.rule, undefined, { numeric: true }) ||
      a.resource.localeCompare(b.resource),
  );
  const acknowledged: AcknowledgedFinding[] = [];
  const open: Finding[] = [];
  for (const finding of findings) {
    const reason = acknowledgementOf(graph, services, finding);
    if (reason === undefined) {
      open.push(finding);
    } else {
      acknowledged.push({ ...finding, reason });
    }
  }
  const idle =
    services.services().length === 0 ? (options.rules ?? HA_RULES).filter((r) => r.needsTier).map((r) => r.id) : [];
  return {
    services: computed().services,
    perStack: computed().perStack,
    findings: open,
    acknowledged,
    ...(unchecked.length > 0 ? { unchecked } : {}),
    ...(idle.length > 0 ? { rulesNeedingTier: idle } : {}),
  };
}

/**
 * The level of a finding: the rule's, except that security hygiene and operations are warnings on a
 * resource of no declared tier. A tier promises them (this library's constructs keep them); a
 * template that declares none is held to availability and recovery, and told about the rest.
 */
export function findingLevel(
  rule: HaRule,
  graph: ResourceGraph,
  services: ServiceIndex,
  evaluation: Evaluation,
): FindingLevel {
  if (rule.level === 'warning' || rule.category === 'availability' || rule.category === 'recovery') {
    return rule.level;
  }
  const resource = graph.get(`${evaluation.stack}/${evaluation.resource}`);
  const declared =
    evaluation.resource.startsWith('service:') || (resource !== undefined && services.recordOf(resource) !== undefined);
  return declared ? rule.level : 'warning';
}

/**
 * Runs one step of the checks, naming it in what it throws: input the checks cannot use
 * ({@link HaInputError}) passes through; anything else is a bug in that step ({@link HaInternalError}).
 */
function attributed<T>(step: string, run: () => T): T {
  try {
    return run();
  } catch (e) {
    if (e instanceof HaInputError || e instanceof HaInternalError) {
      throw e;
    }
    throw new HaInternalError(step, e);
  }
}

/**
 * The reason a finding was accepted, from the acknowledgements written into the synthesized output:
 * on the resource it names, else on its stack; a service-level finding also on any stack of its service.
 */
function acknowledgementOf(graph: ResourceGraph, services: ServiceIndex, finding: Finding): string | undefined {
  const resource = graph.get(`${finding.stack}/${finding.resource}`);
  const onStack = (name: string) => graph.stacks.find((s) => s.name === name)?.acknowledged?.[finding.rule];
  if (resource?.acknowledged?.[finding.rule] !== undefined) {
    return resource.acknowledged[finding.rule];
  }
  const serviceStacks = finding.resource.startsWith('service:')
    ? services.stacksOf(finding.resource.slice('service:'.length)).map((s) => s.stack)
    : [];
  return [finding.stack, ...serviceStacks].map(onStack).find((reason) => reason !== undefined);
}

/** Checks in-memory templates of either engine; what the inputs could not read is in the report's `unread`. */
export function checkInputs(inputs: GraphInputs, options: CheckOptions = {}): HaReport {
  const report = checkGraph(buildGraph(inputs, options.declaredTier), options);
  return inputs.unread?.length ? { ...report, unread: inputs.unread } : report;
}

/** Checks a `cdk.out`, a `cdktf.out`, a stack directory or a single template file. */
export function checkPath(target: string, options: CheckOptions = {}): HaReport {
  return checkInputs(readInputs(target), options);
}

/**
 * The findings that fail at `failOn`, as one line each (`HA-KMS1 aws_kms_key.k: ...`): what a cdktf
 * stack validation (`stack.node.addValidation`) returns, so `cdktf synth` fails on them.
 *
 * ```ts
 * stack.node.addValidation({ validate: () => validationMessages(checkInputs({ terraform: [{ name: stack.node.id, json: stack.toTerraform() }] })) });
 * ```
 */
export function validationMessages(report: HaReport, failOn: 'error' | 'warning' = 'error'): string[] {
  return report.findings
    .filter((f) => f.level === 'error' || failOn === 'warning')
    .map((f) => `${f.rule} ${f.stack}/${f.resource}: ${f.message}`);
}
