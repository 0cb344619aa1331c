import { HaValidationError } from '../core/errors';
import { Annotations, Aspects, TerraformDataSource, TerraformResource, TerraformStack } from 'cdktf';
import { IConstruct } from 'constructs';
import { HA_ACKNOWLEDGED_KEY } from '../core';
import { checkInputs } from '../checks/check';
import { HaReport } from '../checks/report';
import { Finding } from '../checks/rules/rule';

/** Construct metadata type under which {@link acknowledgeHaFinding} records an acknowledgement. */
const ACKNOWLEDGEMENT_METADATA_TYPE = 'ha-constructs:acknowledged-rule';

/** Key of the `//` block that carries acknowledgements into the Terraform JSON (defined in core). */
export { HA_ACKNOWLEDGED_KEY };

/** Options of {@link addHaChecks}. */
export interface AddHaChecksOptions {
  /**
   * The lowest finding level that fails `cdktf synth`; findings below it (all of them with
   * `'never'`) become warning annotations on the construct they name.
   * @default 'error'
   */
  readonly failOn?: 'error' | 'warning' | 'never';
}

/** A finding that {@link acknowledgeHaFinding} suppressed, with the reason given. */
export interface TfAcknowledgedFinding extends Finding {
  readonly reason: string;
  /** The construct path the acknowledgement was made on. */
  readonly acknowledgedAt: string;
}

/** What the last validation of a stack saw. */
export interface TfHaChecksResult {
  readonly report: HaReport;
  readonly acknowledged: readonly TfAcknowledgedFinding[];
}

/** The checks registered on a stack by {@link addHaChecks}. */
export interface TfHaChecks {
  /** The report and acknowledgements of the last validation (`undefined` before the first synthesis). */
  readonly lastResult: TfHaChecksResult | undefined;
}

interface Acknowledgement {
  readonly rule: string;
  readonly reason: string;
}

const registered = new WeakMap<TerraformStack, TfHaChecks>();

/**
 * Runs the HA rules of `lib/checks` over the stack's Terraform JSON when it is validated, so
 * `cdktf synth` (and `Testing.synth(stack, true)`) fails on findings like a CDK policy validation,
 * each one line naming the rule, the Terraform address and what to change.
 *
 * The stack is checked on its own: rules about the whole service (a probe, a drill, failover)
 * see only what this stack synthesizes. Suppress a finding the design chooses with
 * {@link acknowledgeHaFinding} on the construct it names (or any parent; the stack for findings
 * about the service). Calling it twice on a stack returns the first registration.
 */
export function addHaChecks(stack: TerraformStack, options: AddHaChecksOptions = {}): TfHaChecks {
  const existing = registered.get(stack);
  if (existing) {
    return existing;
  }
  const failOn = options.failOn ?? 'error';
  const state: { lastResult: TfHaChecksResult | undefined } = { lastResult: undefined };
  const annotated = new Set<string>();
  stack.node.addValidation({
    validate: () => {
      const name = stack.node.id;
      const report = checkInputs({ terraform: [{ name, json: stack.toTerraform() }] });
      const index = constructIndex(stack);
      const acknowledged: TfAcknowledgedFinding[] = [];
      const failures: string[] = [];
      // The checks already set aside what the JSON's `//` blocks acknowledge; match those to their construct too.
      const fromJson = new Map((report.acknowledged ?? []).map((a) => [a as Finding, a.reason]));
      for (const finding of [...report.findings, ...fromJson.keys()]) {
        const target = index.constructs.get(finding.resource) ?? stack;
        const jsonReason = fromJson.get(finding);
        const ack =
          closestAcknowledgement(target, finding.rule) ??
          (jsonReason !== undefined ? { reason: jsonReason, path: target.node.path } : undefined);
        if (ack) {
          acknowledged.push({ ...finding, reason: ack.reason, acknowledgedAt: ack.path });
          continue;
        }
        const line = `${finding.rule} ${finding.stack}/${finding.resource}: ${finding.message}`;
        if (failOn !== 'never' && (finding.level === 'error' || failOn === 'warning')) {
          failures.push(line);
        } else if (!annotated.has(line)) {
          // Validation may run more than once (tests synthesize twice): warn once per finding.
          annotated.add(line);
          Annotations.of(target).addWarning(line);
        }
      }
      state.lastResult = { report, acknowledged };
      return failures;
    },
  });
  const checks: TfHaChecks = {
    get lastResult() {
      return state.lastResult;
    },
  };
  registered.set(stack, checks);
  return checks;
}

/**
 * Acknowledges the findings of `rule` on `scope` and every construct below it, with the reason
 * the design accepts them (checked by {@link addHaChecks}). The reason is required and specific:
 * it is what a reviewer reads instead of the finding. It is also written into the Terraform JSON,
 * in the `//` block of each resource below `scope` (of the stack, when `scope` is the stack) under
 * {@link HA_ACKNOWLEDGED_KEY}.
 */
export function acknowledgeHaFinding(scope: IConstruct, rule: string, reason: string): void {
  if (!/^HA-[A-Z]+\d+$/.test(rule)) {
    throw new HaValidationError(`rule must be an HA rule id (HA-<AREA><n>), got: ${rule}`);
  }
  if (reason.trim().length < 20) {
    throw new HaValidationError(`reason must say why ${rule} is accepted (at least 20 characters), got: '${reason}'`);
  }
  scope.node.addMetadata(ACKNOWLEDGEMENT_METADATA_TYPE, { rule, reason } satisfies Acknowledgement);
  const path = `//.${HA_ACKNOWLEDGED_KEY}.${rule}`;
  if (TerraformStack.isStack(scope)) {
    scope.addOverride(path, reason);
    return;
  }
  // An aspect, so resources added below the scope after this call carry the acknowledgement too.
  Aspects.of(scope).add({
    visit(node) {
      if (TerraformResource.isTerraformResource(node) || TerraformDataSource.isTerraformDataSource(node)) {
        node.addOverride(path, reason);
      }
    },
  });
}

/** The construct of every Terraform address in the stack (`aws_kms_key.Key_1A2B3C4D`, `data.aws_region.R_1A2B3C4D`). */
function constructIndex(stack: TerraformStack): { constructs: Map<string, IConstruct> } {
  const constructs = new Map<string, IConstruct>();
  for (const child of stack.node.findAll()) {
    if (TerraformResource.isTerraformResource(child)) {
      constructs.set(`${child.terraformResourceType}.${child.friendlyUniqueId}`, child);
    } else if (TerraformDataSource.isTerraformDataSource(child)) {
      constructs.set(`data.${child.terraformResourceType}.${child.friendlyUniqueId}`, child);
    }
  }
  return { constructs };
}

function closestAcknowledgement(target: IConstruct, rule: string): { reason: string; path: string } | undefined {
  for (let scope: IConstruct | undefined = target; scope; scope = scope.node.scope) {
    for (const entry of scope.node.metadata) {
      const data = entry.data as Acknowledgement;
      if (entry.type === ACKNOWLEDGEMENT_METADATA_TYPE && data.rule === rule) {
        return { reason: data.reason, path: scope.node.path };
      }
    }
  }
  return undefined;
}
