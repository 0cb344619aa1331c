import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import type { Finding, FindingLevel, HaReport, RuleCategory } from './model';
import * as ruleExports from './rules';
import { HA_RULES } from './rules';
import type { HaRule } from './rules/rule';
import type { SourceLocation, SourceLocator } from './source-locations';

/*
 * The report as a SARIF 2.1.0 log, the format code-scanning tools (GitHub code scanning among them)
 * read: the rules with their help, each finding at the file and line that declare its resource,
 * acknowledged findings as suppressed results, and what was not checked as notifications.
 */

/** The JSON schema a SARIF 2.1.0 log names. */
export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

/** Where ha-report is described, for the log's `tool.driver.informationUri`. */
export const HA_REPORT_URI = 'https://www.npmjs.com/package/ha-constructs';

/**
 * The key of the fingerprint of each result: a hash of rule, stack and resource, so that a finding
 * keeps its identity across runs however the lines of its template move.
 */
export const SARIF_FINGERPRINT_KEY = 'haFinding/v1';

/** A SARIF message: plain text, and Markdown where given. */
export interface SarifMessage {
  readonly text: string;
  readonly markdown?: string;
}

/** A rule in SARIF (`reportingDescriptor`). */
export interface SarifRule {
  readonly id: string;
  readonly name: string;
  readonly shortDescription: SarifMessage;
  readonly fullDescription: SarifMessage;
  readonly help: Required<SarifMessage>;
  readonly defaultConfiguration: { readonly level: FindingLevel };
  readonly properties: { readonly category: RuleCategory; readonly tags: readonly string[] };
}

/** Where a result is: a file and line when known, and always the stack and resource it names. */
export interface SarifLocation {
  readonly physicalLocation?: {
    readonly artifactLocation: { readonly uri: string };
    readonly region?: { readonly startLine: number };
  };
  readonly logicalLocations: readonly SarifLogicalLocation[];
}

/** The resource a result names: `fullyQualifiedName` is `<stack>/<resource>`. */
export interface SarifLogicalLocation {
  readonly name: string;
  readonly fullyQualifiedName: string;
  readonly kind: 'resource';
}

/** One finding in SARIF. */
export interface SarifResult {
  readonly ruleId: string;
  readonly ruleIndex?: number;
  readonly level: FindingLevel;
  readonly message: SarifMessage;
  readonly locations: readonly SarifLocation[];
  readonly partialFingerprints: Readonly<Record<string, string>>;
  /** For an acknowledged finding: accepted in the synthesized output, with its reason. */
  readonly suppressions?: readonly { readonly kind: 'inSource'; readonly justification: string }[];
}

/**
 * What the run did not check, told beside the results (`toolExecutionNotification`): an input not
 * read, a value a rule could not decide on (with the rule and the resource), rules that need a tier.
 */
export interface SarifNotification {
  readonly level: 'warning' | 'note';
  readonly message: SarifMessage;
  readonly associatedRule?: { readonly id: string; readonly index?: number };
  readonly locations?: readonly SarifLocation[];
}

/** A SARIF 2.1.0 log of one run of ha-report. */
export interface SarifLog {
  readonly $schema: string;
  readonly version: '2.1.0';
  readonly runs: readonly [
    {
      readonly tool: {
        readonly driver: {
          readonly name: string;
          readonly informationUri: string;
          readonly semanticVersion: string;
          readonly rules: readonly SarifRule[];
        };
      };
      readonly invocations: readonly [
        {
          readonly executionSuccessful: boolean;
          readonly toolExecutionNotifications: readonly SarifNotification[];
        },
      ];
      readonly results: readonly SarifResult[];
    },
  ];
}

/** What a location is about: a resource (or `service:<name>`) of a stack. */
type StackResource = Pick<Finding, 'stack' | 'resource'>;

/** Options of {@link sarifLog}. */
export interface SarifOptions {
  /**
   * Where a stack's resource is declared: `SourceLocator.of(inputs)` finds it in the files the inputs were read from.
   * @default - results have logical locations (stack and resource) only
   */
  readonly locator?: Pick<SourceLocator, 'locate'>;
  /**
   * The directory artifact URIs are relative to.
   * @default - the current directory
   */
  readonly baseDirectory?: string;
  /**
   * The rules that ran, described in the log.
   * @default HA_RULES
   */
  readonly rules?: readonly HaRule[];
}

/**
 * The report as a SARIF 2.1.0 log: every rule, every finding and every acknowledged finding (as a
 * result suppressed in source, with its reason), and as notifications of the run what was not read,
 * what a rule could not decide and, without a tier, the rules that did not run.
 */
export function sarifLog(report: HaReport, options: SarifOptions = {}): SarifLog {
  const rules = options.rules ?? HA_RULES;
  const ruleIndex = new Map(rules.map((rule, index) => [rule.id, index]));
  const baseDirectory = options.baseDirectory ?? process.cwd();
  const locate = (about: StackResource): SourceLocation | undefined => {
    const where = options.locator?.locate(about.stack, about.resource);
    if (where !== undefined || !about.resource.startsWith('service:')) {
      return where;
    }
    // A finding about a whole service in a stack of no known file: at the service's main stack.
    const main = report.services.find((s) => `service:${s.service}` === about.resource)?.stack;
    const file = main === undefined ? undefined : options.locator?.locate(main, about.resource)?.file;
    return file === undefined ? undefined : { file };
  };
  const location = (about: StackResource) => sarifLocation(about, locate(about), baseDirectory);
  const result = (finding: Finding, reason?: string): SarifResult => ({
    ruleId: finding.rule,
    ...(ruleIndex.has(finding.rule) ? { ruleIndex: ruleIndex.get(finding.rule) } : {}),
    level: finding.level,
    message: { text: finding.message },
    locations: [location(finding)],
    partialFingerprints: { [SARIF_FINGERPRINT_KEY]: findingFingerprint(finding) },
    ...(reason === undefined ? {} : { suppressions: [{ kind: 'inSource', justification: reason }] }),
  });
  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'ha-report',
            informationUri: HA_REPORT_URI,
            semanticVersion: packageVersion(),
            rules: rules.map(sarifRule),
          },
        },
        invocations: [
          {
            executionSuccessful: true,
            toolExecutionNotifications: [
              ...(report.unread ?? []).map((u): SarifNotification => ({
                level: 'warning',
                message: { text: `Not read, so not checked: ${u.what} in ${u.stack}: ${u.why}` },
              })),
              ...(report.unchecked ?? []).map((u): SarifNotification => ({
                level: 'warning',
                message: { text: `Not checked, a value is unknown: ${u.rule} ${u.stack}/${u.resource}: ${u.why}` },
                associatedRule: { id: u.rule, ...(ruleIndex.has(u.rule) ? { index: ruleIndex.get(u.rule) } : {}) },
                locations: [location(u)],
              })),
              ...(report.rulesNeedingTier?.length ? [notRunWithoutTier(report.rulesNeedingTier)] : []),
            ],
          },
        ],
        results: [
          ...report.findings.map((f) => result(f)),
          ...(report.acknowledged ?? []).map((f) => result(f, f.reason)),
        ],
      },
    ],
  };
}

/** The rules a template of no declared tier does not run, and how to declare one. */
function notRunWithoutTier(rules: readonly string[]): SarifNotification {
  const text =
    `No resource declares a tier, so the rules of a tier's objectives did not run: ${rules.join(', ')}. ` +
    'Declare one: tag resources ha:service=<name> and ha:tier=TIER_1 (labels ha-service and ha-tier on ' +
    'Google Cloud), or run ha-report --tier TIER_1.';
  return { level: 'note', message: { text } };
}

/** A stable identity of a finding: the same rule on the same resource of the same stack, whatever its line. */
export function findingFingerprint(finding: Pick<Finding, 'rule' | 'stack' | 'resource'>): string {
  const identity = JSON.stringify([finding.rule, finding.stack, finding.resource]);
  return crypto.createHash('sha256').update(identity).digest('hex');
}

/** What RULES.md marks *tier*: a rule that skips resources of no declared tier. */
const NEEDS_TIER = 'It judges only the resources of a declared tier (ha:tier tags or labels, or ha-report --tier).';

/** A rule with the text RULES.md gives it: what it requires, why, what it reads, and whether it needs a tier. */
function sarifRule(rule: HaRule): SarifRule {
  const reads = rule.resourceTypes.map((t) => `\`${t}\``).join(', ');
  const scope = rule.needsTier ? `\n\n${NEEDS_TIER}` : '';
  return {
    id: rule.id,
    name: ruleName(rule),
    shortDescription: { text: rule.info },
    fullDescription: { text: rule.explanation },
    help: {
      text: `${rule.info}\n\nWhy: ${rule.explanation}\n\nReads: ${rule.resourceTypes.join(', ')}.${scope}`,
      markdown:
        `**${rule.id}** (${rule.category}): ${rule.info}\n\n**Why:** ${rule.explanation}\n\n` +
        `**Reads:** ${reads}${scope}`,
    },
    defaultConfiguration: { level: rule.level },
    properties: { category: rule.category, tags: [rule.category] },
  };
}

/** The name a rule of the pack is exported by (`ComputeSpansZones`); its id for any other rule. */
function ruleName(rule: HaRule): string {
  return Object.entries(ruleExports).find(([, value]) => value === rule)?.[0] ?? rule.id;
}

function sarifLocation(about: StackResource, where: SourceLocation | undefined, baseDirectory: string): SarifLocation {
  const logicalLocations: SarifLogicalLocation[] = [
    { name: about.resource, fullyQualifiedName: `${about.stack}/${about.resource}`, kind: 'resource' },
  ];
  if (where === undefined) {
    return { logicalLocations };
  }
  return {
    physicalLocation: {
      artifactLocation: { uri: relativeUri(where.file, baseDirectory) },
      ...(where.line === undefined ? {} : { region: { startLine: where.line } }),
    },
    logicalLocations,
  };
}

/** `file` relative to `baseDirectory`, with forward slashes and each segment URI-encoded. */
export function relativeUri(file: string, baseDirectory: string): string {
  const relative = path.relative(path.resolve(baseDirectory), path.resolve(file));
  return relative.split(path.sep).map(encodeURIComponent).join('/');
}

/** The version of this package: lib/checks and dist/checks are both two directories below package.json. */
function packageVersion(): string {
  const manifest = path.join(__dirname, '..', '..', 'package.json');
  return (JSON.parse(fs.readFileSync(manifest, 'utf8')) as { version: string }).version;
}
