import * as fs from 'fs';
import { compareWithBaseline, formatComparisonMarkdown, formatComparisonText, readBaseline } from './baseline';
import { checkGraph } from './check';
import { parseParameters } from './parameters';
import { builtInTier, DeclaredTier } from './graph/declared-tier';
import { HaInputError, HaInternalError } from './graph/errors';
import { buildGraph, GraphInputs, readInputs } from './graph/load';
import { formatMarkdown, formatText } from './format';
import type { HaReport, ServiceReport } from './model';
import { reportDiagrams } from './report/diagrams';
import { formatHtml } from './report/html';
import { sarifLog } from './sarif';
import { SourceLocator } from './source-locations';

/** Where the CLI writes, and whether stdout is a terminal (colours only then). */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly isTty: boolean;
}

const USAGE = `usage: ha-report [options] [path ...]

Checks synthesized CloudFormation (cdk.out) and Terraform JSON (cdktf.out) against the HA rules
and reports the RTO, RPO and availability each service achieves against its tier: one row per
service, across all its stacks. A figure the templates cannot prove shows the part that is known
and a question mark (≥ 396 s ?); "objectives met" is yes, no, or unproven when nothing is unmet
but something cannot be shown.

  path                a cdk.out or cdktf.out directory, a cdktf stack directory, a template file, or
                      a directory of template files (its *.tf.json files read as one configuration)
                      (default: ./cdk.out, else ./cdktf.out). A template file is a CloudFormation
                      template (JSON, or YAML with short forms such as !Ref and !GetAtt), Terraform
                      JSON (blocks as objects or arrays; module blocks with a local source read
                      from beside it), or terraform show -json output of a plan or a state (every
                      module's resources, as module.<name>.<address>). What cannot be read (a
                      registry module, a file of no known format) is listed as not read; a path
                      that holds nothing to check exits 2
  --json              print { services, findings, acknowledged, unread, unchecked } as JSON
                      (and perStack: each service in each of its stacks)
  --markdown          print Markdown for a pull-request comment, with each service's topology and
                      recovery timelines as Mermaid diagrams (GitHub draws them)
  --html <file>       also write one self-contained page to <file>: the table, findings, each
                      service's diagrams and derivation; Mermaid's browser bundle is inlined from the
                      mermaid package (npm i -D mermaid@^12), nothing is fetched when it is viewed
  --sarif             print a SARIF 2.1.0 log for code scanning (GitHub's upload-sarif): each finding at
                      the file and line that declare its resource, acknowledged ones as suppressed
                      (with --baseline, the comparison sets the exit code only)
  --explain           after the table, list every step of every figure, by service and figure:
                      the resource, its value or "unknown", the basis and the published figures
                      (--json and --markdown always include these steps)
  --fail-on <level>   exit 1 on findings of this level or worse: error (default) or warning
  --parameters <p>    CloudFormation parameter values: Key=Value[,Key=Value] or a JSON file ({"Key": "Value"},
                      the AWS CLI's ParameterKey/ParameterValue list, or {"Parameters": {...}}); a
                      parameter not given takes its Default, AWS::Region=<region> sets the region of
                      templates that have none; repeat it to add more
  --tier <tier>       a built-in tier (TIER_0 to TIER_3) for every resource that carries no HA record,
                      all of them one service in the primary role: the figures and every rule run as
                      if it were declared (without it, such resources are held to the production
                      baseline only); for a design over regions, tag each region's role instead
  --service <name>    the name of that service (default: service)
  --baseline <file>   compare with a report saved by --json (the main branch's): list every figure
                      that changed and the new findings, and exit 1 when a figure got worse (its
                      objective's status dropped, a proven figure became unproven, an RTO or RPO
                      grew, availability fell) or a service left the report
  --no-color          never colour the table
  -h, --help          show this help

acknowledged findings:
  A finding the design accepts is acknowledged where the decision is made, with its reason
  (acknowledgeHaFinding(scope, rule, reason), written into the output under the metadata key
  ha-constructs:acknowledged). ha-report lists it apart, under "acknowledged" (the text and
  Markdown reports, the --json field), with that reason; it never counts toward --fail-on.

exit codes:
  0  no finding reaches --fail-on, and nothing got worse than --baseline
  1  findings reach --fail-on, or a figure got worse than --baseline
  2  the input cannot be checked: a path that does not exist or cannot be read, malformed JSON,
     a file or directory of no known format, an invalid HA record, a bad option
  3  internal error: a rule or the report failed (a bug in ha-report, not in the input)`;

/** Exit codes of {@link main}, as the usage lists them. */
export const EXIT_CODES = { ok: 0, findings: 1, badInput: 2, internalError: 3 } as const;

interface Options {
  readonly paths: string[];
  readonly format: 'text' | 'json' | 'markdown' | 'sarif';
  readonly failOn: 'error' | 'warning';
  readonly colour: boolean;
  readonly explain: boolean;
  readonly baseline?: string;
  readonly html?: string;
  readonly parameters: Readonly<Record<string, string>>;
  readonly declaredTier?: DeclaredTier;
  readonly help: boolean;
}

function parse(argv: readonly string[], isTty: boolean): Options {
  const paths: string[] = [];
  let format: Options['format'] = 'text';
  let failOn: Options['failOn'] = 'error';
  let colour = isTty;
  let explain = false;
  let baseline: string | undefined;
  let htmlFile: string | undefined;
  let parameters: Record<string, string> = {};
  let tier: string | undefined;
  let service: string | undefined;
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--json' || arg === '--markdown' || arg === '--sarif') {
      const wanted = arg === '--json' ? 'json' : arg === '--markdown' ? 'markdown' : 'sarif';
      if (format !== 'text' && format !== wanted) {
        throw new HaInputError(`--${format} and --${wanted} cannot be combined`);
      }
      format = wanted;
    } else if (arg === '--fail-on' || arg.startsWith('--fail-on=')) {
      const value = arg.includes('=') ? arg.slice('--fail-on='.length) : argv[++i];
      if (value !== 'error' && value !== 'warning') {
        throw new HaInputError(`--fail-on must be error or warning, got: ${value ?? 'nothing'}`);
      }
      failOn = value;
    } else if (arg === '--baseline' || arg.startsWith('--baseline=')) {
      baseline = arg.includes('=') ? arg.slice('--baseline='.length) : argv[++i];
      if (!baseline) {
        throw new HaInputError('--baseline needs the file a previous ha-report --json wrote');
      }
    } else if (arg === '--html' || arg.startsWith('--html=')) {
      htmlFile = arg.includes('=') ? arg.slice('--html='.length) : argv[++i];
      if (!htmlFile || htmlFile.startsWith('-')) {
        throw new HaInputError('--html needs the file to write the page to');
      }
    } else if (arg === '--parameters' || arg.startsWith('--parameters=')) {
      const value = arg.startsWith('--parameters=') ? arg.slice('--parameters='.length) : argv[++i];
      if (!value) {
        throw new HaInputError('--parameters needs Key=Value pairs or a JSON file');
      }
      parameters = { ...parameters, ...parseParameters(value) };
    } else if (arg === '--tier' || arg.startsWith('--tier=')) {
      tier = arg.startsWith('--tier=') ? arg.slice('--tier='.length) : argv[++i];
      builtInTier(tier ?? '');
    } else if (arg === '--service' || arg.startsWith('--service=')) {
      service = arg.startsWith('--service=') ? arg.slice('--service='.length) : argv[++i];
      if (!service) {
        throw new HaInputError('--service needs the name of the service the undeclared resources form');
      }
    } else if (arg === '--explain') {
      explain = true;
    } else if (arg === '--no-color' || arg === '--no-colour') {
      colour = false;
    } else if (arg === '-h' || arg === '--help') {
      help = true;
    } else if (arg.startsWith('-')) {
      throw new HaInputError(`unknown option ${arg}`);
    } else {
      paths.push(arg);
    }
  }
  if (explain && format !== 'text') {
    const already = format === 'sarif' ? '' : `: --${format} already includes every step`;
    throw new HaInputError(`--explain is for the text report${already}`);
  }
  if (service !== undefined && tier === undefined) {
    throw new HaInputError('--service names the service of --tier: give --tier too');
  }
  const declaredTier = tier === undefined ? undefined : { tier, service };
  return { paths, format, failOn, colour, explain, baseline, html: htmlFile, parameters, declaredTier, help };
}

function defaultPath(): string {
  for (const candidate of ['cdk.out', 'cdktf.out']) {
    if (fs.existsSync(candidate)) {
      return candidate;
    }
  }
  throw new HaInputError(
    'no path given and neither ./cdk.out nor ./cdktf.out exists: run cdk synth or cdktf synth first, or pass a path',
  );
}

/**
 * Runs the CLI with `argv` (without `node` and the script) and returns the exit code
 * ({@link EXIT_CODES}): 0 when no finding reaches `--fail-on`, 1 when one does, 2 when the input
 * cannot be checked ({@link HaInputError}: a message, never a stack trace), 3 when the checks
 * themselves fail (a message naming the failing rule, then the stack trace to report).
 */
export function main(argv: readonly string[], io: CliIo = processIo()): number {
  try {
    return run(argv, io);
  } catch (e) {
    if (e instanceof HaInputError) {
      io.stderr(
        `ha-report: ${e.message}\n${e.message.startsWith('unknown option') || e.message.startsWith('--') ? `\n${USAGE}\n` : ''}`,
      );
      return EXIT_CODES.badInput;
    }
    const cause = e instanceof HaInternalError ? e.cause : e;
    io.stderr(
      `ha-report: internal error: ${e instanceof Error ? e.message : String(e)}\n` +
        'This is a bug in ha-report, not a problem of the input; please report it with the trace below.\n' +
        `${cause instanceof Error && cause.stack ? cause.stack : String(cause)}\n`,
    );
    return EXIT_CODES.internalError;
  }
}

function run(argv: readonly string[], io: CliIo): number {
  const options = parse(argv, io.isTty);
  if (options.help) {
    io.stdout(`${USAGE}\n`);
    return EXIT_CODES.ok;
  }
  const inputs = (options.paths.length > 0 ? options.paths : [defaultPath()]).map(readInputs);
  const merged: GraphInputs = {
    cloudFormation: inputs
      .flatMap((i) => i.cloudFormation ?? [])
      .map((c) => ({ ...c, parameters: { ...c.parameters, ...options.parameters } })),
    terraform: inputs.flatMap((i) => i.terraform ?? []),
    unread: inputs.flatMap((i) => i.unread ?? []),
  };
  // The graph is kept for the pictures: the topology is read from it.
  const graph = buildGraph(merged, options.declaredTier);
  const checked = checkGraph(graph, { declaredTier: options.declaredTier });
  const report: HaReport = merged.unread?.length ? { ...checked, unread: merged.unread } : checked;
  const diagrams = options.format === 'markdown' || options.html ? reportDiagrams(report, graph) : undefined;
  if (options.html) {
    writeHtml(options.html, formatHtml(report, { diagrams: diagrams! }));
  }
  const comparison =
    options.baseline === undefined
      ? undefined
      : compareWithBaseline(readBaseline(options.baseline), report, options.baseline);
  if (options.format === 'json') {
    io.stdout(
      `${JSON.stringify({ ...jsonReport(report), ...(comparison ? { baseline: comparison } : {}) }, null, 2)}\n`,
    );
  } else if (options.format === 'sarif') {
    io.stdout(`${JSON.stringify(sarifLog(report, { locator: SourceLocator.of(merged) }), null, 2)}\n`);
  } else if (options.format === 'markdown') {
    io.stdout(formatMarkdown(report, { diagrams }) + (comparison ? formatComparisonMarkdown(comparison) : ''));
  } else {
    io.stdout(
      formatText(report, options.colour, { explain: options.explain }) +
        (comparison ? `\n${formatComparisonText(comparison)}` : ''),
    );
  }
  const failing = report.findings.filter((f) => f.level === 'error' || options.failOn === 'warning');
  return failing.length > 0 || comparison?.regressed ? EXIT_CODES.findings : EXIT_CODES.ok;
}

function writeHtml(file: string, page: string): void {
  try {
    fs.writeFileSync(file, page);
  } catch (e) {
    throw new HaInputError(`--html cannot write ${file}: ${(e as Error).message}`);
  }
}

/** The `--json` shape: the documented fields first, then the status, derivation and notes. */
function jsonReport(report: HaReport): Record<string, unknown> {
  return {
    services: report.services.map(jsonService),
    findings: report.findings,
    acknowledged: report.acknowledged ?? [],
    unread: report.unread ?? [],
    unchecked: report.unchecked ?? [],
    ...(report.rulesNeedingTier ? { rulesNeedingTier: report.rulesNeedingTier } : {}),
    perStack: (report.perStack ?? []).map(jsonService),
  };
}

function jsonService(s: ServiceReport): unknown {
  return {
    stack: s.stack,
    service: s.service,
    tier: s.tier,
    strategy: s.strategy,
    azRtoSeconds: s.azRtoSeconds,
    azRpoSeconds: s.azRpoSeconds,
    regionRtoSeconds: s.regionRtoSeconds,
    regionRpoSeconds: s.regionRpoSeconds,
    availability: s.availability,
    objectivesMet: s.objectivesMet,
    overall: s.overall,
    stacks: s.stacks,
    region: s.region ?? null,
    regions: s.regions,
    lowerBounds: s.lowerBounds,
    objectives: s.objectives,
    status: s.status,
    derivation: s.derivation,
    notes: s.notes,
  };
}

function processIo(): CliIo {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    isTty: process.stdout.isTTY === true && !('NO_COLOR' in process.env),
  };
}
