import * as fs from 'fs';
import * as path from 'path';
// Type-only: `ha-constructs/checks` (the CLI, checkPath) must load without aws-cdk-lib installed.
import type {
  IPolicyValidationContextBeta1,
  IPolicyValidationPluginBeta1,
  PolicyValidationPluginReportBeta1,
  PolicyViolationBeta1,
} from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { checkInputs } from './check';
import { formatText } from './format';
import { readTemplateFiles } from './graph/load';
import { isObject } from './graph/values';
import type { AcknowledgedFinding, Finding, HaReport } from './model';
import { HA_RULES } from './rules';
import { HaRule } from './rules/rule';

/** Metadata key under which `Validations.of(scope).acknowledge` records acknowledgements. */
const ACKNOWLEDGED_RULES_METADATA_KEY = 'aws:cdk:acknowledged-rules';

/** Props of {@link HaChecks}. */
export interface HaChecksProps {
  /**
   * The rules to run.
   * @default HA_RULES (all of them)
   */
  readonly rules?: readonly HaRule[];
  /**
   * The lowest level that fails synthesis.
   * @default 'error'
   */
  readonly failOn?: 'error' | 'warning';
  /**
   * Where to print the resilience report table during synthesis; `false` to print nothing.
   * @default - standard error
   */
  readonly printReport?: ((text: string) => void) | false;
}

/** A finding that `Validations.of(scope).acknowledge` suppressed, with the reason and where it was given. */
export interface ConstructAcknowledgedFinding extends AcknowledgedFinding {
  /** The construct path the acknowledgement was made on. */
  readonly acknowledgedAt: string;
}

/** What the last `validate` call saw: the report, and the findings acknowledged away. */
export interface HaChecksResult {
  /** The report; its `acknowledged` lists the findings acknowledged in the templates (`acknowledgeHaFinding`). */
  readonly report: HaReport;
  /** The findings acknowledged on a construct (`Validations.of(scope).acknowledge`). */
  readonly acknowledged: readonly ConstructAcknowledgedFinding[];
}

/**
 * The HA checks as a CDK policy-validation plugin: `cdk synth` prints the findings and the
 * resilience report and fails on errors.
 *
 * ```ts
 * const app = new App({ policyValidationBeta1: [new HaChecks()] });
 * // or: Validations.of(app).addPlugins(new HaChecks());
 * ```
 *
 * Acknowledge a finding, with a reason, on the construct (or any parent) it names:
 * `Validations.of(scope).acknowledge({ id: 'HA-NET1', reason: '...' })`
 * (`HaChecks::HA-NET1` works too).
 */
export class HaChecks implements IPolicyValidationPluginBeta1 {
  public readonly name = 'HaChecks';
  public readonly ruleIds: string[];
  private readonly rules: readonly HaRule[];
  private readonly failOn: 'error' | 'warning';
  private readonly print: ((text: string) => void) | false;
  private result?: HaChecksResult;

  constructor(props: HaChecksProps = {}) {
    this.rules = props.rules ?? HA_RULES;
    this.ruleIds = this.rules.map((r) => r.id);
    this.failOn = props.failOn ?? 'error';
    this.print = props.printReport ?? ((text) => process.stderr.write(text));
  }

  /** The report and acknowledgements of the last synthesis, for programmatic use and tests. */
  public get lastResult(): HaChecksResult | undefined {
    return this.result;
  }

  public validate(context: IPolicyValidationContextBeta1): PolicyValidationPluginReportBeta1 {
    const regions = stackRegions(context);
    const report = checkInputs(readTemplateFiles(context.templatePaths, regions), { rules: this.rules });
    const templateOf = new Map(
      context.templatePaths.map((p) => [path.basename(p).replace(/\.template\.json$/, ''), p]),
    );
    const tree = constructIndex(context.appConstruct);

    const acknowledged: ConstructAcknowledgedFinding[] = [];
    const suppressed = new Set<Finding>();
    const violations: PolicyViolationBeta1[] = [];
    for (const finding of report.findings) {
      const logicalId = this.logicalIdOf(report, finding);
      // A service-level finding in a stack holding none of the service's resources is the stack's.
      const constructPath =
        tree.paths.get(`${finding.stack}\u0000${logicalId}`) ?? tree.stackPaths.get(finding.stack) ?? '';
      const ack = [constructPath, ...this.otherStackPaths(report, finding, tree.stackPaths)]
        .map((p) => closestAcknowledgement(tree.acknowledgements, finding.rule, p))
        .find((a) => a !== undefined);
      if (ack) {
        acknowledged.push({ ...finding, reason: ack.reason, acknowledgedAt: ack.path });
        suppressed.add(finding);
        continue;
      }
      violations.push({
        ruleName: finding.rule,
        description: finding.message,
        fix: this.rules.find((r) => r.id === finding.rule)?.info,
        severity: finding.level,
        violatingResources: [
          {
            resourceLogicalId: logicalId,
            templatePath: templateOf.get(finding.stack) ?? context.templatePaths[0] ?? '',
            locations: [],
          },
        ],
      });
    }
    const reported: HaReport = {
      services: report.services,
      perStack: report.perStack,
      findings: report.findings.filter((f) => !suppressed.has(f)),
      acknowledged: report.acknowledged ?? [],
    };
    this.result = { report: reported, acknowledged };
    if (this.print) {
      // Both kinds of acknowledgement, with their reasons: written into the templates
      // (acknowledgeHaFinding) and made on a construct (Validations.of(scope).acknowledge).
      this.print(formatText({ ...reported, acknowledged: [...(reported.acknowledged ?? []), ...acknowledged] }, false));
    }
    const failing = violations.filter((v) => v.severity === 'error' || this.failOn === 'warning');
    return {
      success: failing.length === 0,
      violations,
      metadata: {
        services: String(report.services.length),
        objectivesMet:
          report.services
            .filter((s) => s.objectivesMet)
            .map((s) => `${s.service}@${s.stack}`)
            .join(', ') || 'none',
        acknowledged: String(acknowledged.length + (report.acknowledged?.length ?? 0)),
      },
    };
  }

  /** Paths of the service's other stacks: a service-level finding is reported once, acknowledged on any of them. */
  private otherStackPaths(report: HaReport, finding: Finding, stackPaths: Map<string, string>): string[] {
    if (!finding.resource.startsWith('service:')) {
      return [];
    }
    const service = report.services.find((s) => `service:${s.service}` === finding.resource);
    return (service?.stacks ?? []).filter((s) => s !== finding.stack).flatMap((s) => stackPaths.get(s) ?? []);
  }

  /** A service-level finding names `service:<name>`; CDK needs a logical id, so name the service's first resource. */
  private logicalIdOf(report: HaReport, finding: Finding): string {
    if (!finding.resource.startsWith('service:')) {
      return finding.resource;
    }
    const service = report.services.find(
      (s) => s.stack === finding.stack && `service:${s.service}` === finding.resource,
    );
    const step = service?.derivation.find((d) => d.stack === finding.stack && !d.resource.startsWith('service:'));
    return step?.resource ?? finding.resource;
  }
}

/** Regions of the stacks, from the context (`stackTemplates`, newer CDK) or the assembly manifest. */
function stackRegions(context: IPolicyValidationContextBeta1): Map<string, string | undefined> {
  const regions = new Map<string, string | undefined>();
  const stacks = (context as { stackTemplates?: { templatePath: string; region?: string }[] }).stackTemplates;
  if (Array.isArray(stacks)) {
    for (const s of stacks) {
      regions.set(s.templatePath, s.region);
    }
    return regions;
  }
  for (const dir of new Set(context.templatePaths.map((p) => path.dirname(p)))) {
    const manifestPath = path.join(dir, 'manifest.json');
    if (!fs.existsSync(manifestPath)) {
      continue;
    }
    const manifest: unknown = JSON.parse(fs.readFileSync(manifestPath, 'utf8'));
    const artifacts = isObject(manifest) && isObject(manifest.artifacts) ? manifest.artifacts : {};
    for (const artifact of Object.values(artifacts)) {
      if (
        isObject(artifact) &&
        isObject(artifact.properties) &&
        typeof artifact.properties.templateFile === 'string' &&
        typeof artifact.environment === 'string'
      ) {
        const region = artifact.environment.split('/').pop();
        regions.set(path.join(dir, artifact.properties.templateFile), region === 'unknown-region' ? undefined : region);
      }
    }
  }
  return regions;
}

interface Acknowledgement {
  readonly path: string;
  readonly reason: string;
}

/**
 * Construct paths by `<stack artifact id>\0<logical id>`, and HA acknowledgements by rule id.
 * Read through the construct tree's public shape so that this file needs aws-cdk-lib only as types.
 */
function constructIndex(root: IConstruct): {
  paths: Map<string, string>;
  stackPaths: Map<string, string>;
  acknowledgements: Map<string, Acknowledgement[]>;
} {
  const paths = new Map<string, string>();
  const stackPaths = new Map<string, string>();
  const acknowledgements = new Map<string, Acknowledgement[]>();
  const stack: IConstruct[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    const element = node as unknown as {
      cfnResourceType?: unknown;
      logicalId?: unknown;
      stack?: { artifactId?: string; resolve?: (v: unknown) => unknown };
      artifactId?: unknown;
      templateFile?: unknown;
    };
    if (typeof element.artifactId === 'string' && typeof element.templateFile === 'string') {
      stackPaths.set(element.artifactId, node.node.path);
    }
    if (typeof element.cfnResourceType === 'string' && element.stack?.resolve && element.stack.artifactId) {
      const logicalId = element.stack.resolve(element.logicalId);
      if (typeof logicalId === 'string') {
        paths.set(`${element.stack.artifactId}\u0000${logicalId}`, node.node.path);
      }
    }
    for (const entry of node.node.metadata) {
      if (entry.type !== ACKNOWLEDGED_RULES_METADATA_KEY || !isObject(entry.data)) {
        continue;
      }
      for (const [id, reason] of Object.entries(entry.data)) {
        const [namespace, rule] = id.includes('::') ? id.split('::') : [undefined, id];
        if (namespace !== undefined && namespace !== 'HaChecks' && namespace !== 'Annotation') {
          continue;
        }
        const list = acknowledgements.get(rule) ?? [];
        list.push({ path: node.node.path, reason: String(reason) });
        acknowledgements.set(rule, list);
      }
    }
    stack.push(...node.node.children);
  }
  return { paths, stackPaths, acknowledgements };
}

function closestAcknowledgement(
  acknowledgements: Map<string, Acknowledgement[]>,
  rule: string,
  constructPath: string,
): Acknowledgement | undefined {
  const candidates = (acknowledgements.get(rule) ?? []).filter(
    (a) => a.path === '' || constructPath === a.path || constructPath.startsWith(`${a.path}/`),
  );
  return candidates.sort((a, b) => b.path.length - a.path.length)[0];
}
