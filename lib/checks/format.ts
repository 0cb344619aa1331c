import { reportedFigure } from './model';
import type { DerivationStep, HaReport, ObjectiveStatus, Quantity, RuleCategory, ServiceReport } from './model';

/** Renders seconds the way the tier table does (`30 s`, `15 min`, `24 h`). */
export function formatSeconds(seconds: number | null): string {
  if (seconds === null) {
    return '—';
  }
  if (seconds >= 3600 && seconds % 3600 === 0) {
    return `${seconds / 3600} h`;
  }
  if (seconds >= 60 && seconds % 60 === 0) {
    return `${seconds / 60} min`;
  }
  return `${seconds} s`;
}

/** Renders an availability ratio as a percentage with the digits that matter (`99.99%`). */
export function formatAvailability(availability: number | null): string {
  if (availability === null) {
    return '—';
  }
  return `${Number((availability * 100).toPrecision(8)).toString()}%`;
}

const MARK: Record<ObjectiveStatus, string> = { met: '✓', 'not-met': '✗', unproven: '?' };
const COLOUR: Record<ObjectiveStatus, string> = { met: '\u001b[32m', 'not-met': '\u001b[31m', unproven: '\u001b[33m' };
const RESET = '\u001b[0m';
/** The objectives-met column: every objective met, one not met, or none unmet and one unproven. */
const VERDICT: Record<ObjectiveStatus, string> = { met: 'yes', 'not-met': 'no', unproven: 'unproven' };

/** The categories of findings, in the order the report groups them, with their titles. */
const CATEGORIES: readonly (readonly [RuleCategory, string])[] = [
  ['availability', 'Availability'],
  ['recovery', 'Recovery'],
  ['security-hygiene', 'Security hygiene'],
  ['operations', 'Operations'],
];

/** The figures in the order of the table, with their labels. */
const FIGURES: readonly { readonly quantity: Quantity; readonly label: string }[] = [
  { quantity: 'azRto', label: 'AZ RTO' },
  { quantity: 'azRpo', label: 'AZ RPO' },
  { quantity: 'regionRto', label: 'region RTO' },
  { quantity: 'regionRpo', label: 'region RPO' },
  { quantity: 'availability', label: 'availability' },
];

function paint(text: string, status: ObjectiveStatus, colour: boolean): string {
  return colour ? `${COLOUR[status]}${text}${RESET}` : text;
}

function cell(text: string, status: ObjectiveStatus, colour: boolean): string {
  return paint(`${text} ${MARK[status]}`, status, colour);
}

/** The value of a figure: an unproven one shows the part that is known (`≥ 396 s`), or `unknown`. */
export function figureText(s: ServiceReport, quantity: Quantity): string {
  if (quantity === 'availability') {
    return s.status.availability === 'unproven' && s.availability === null
      ? 'unknown'
      : formatAvailability(s.availability);
  }
  const value = reportedFigure(s, quantity);
  const bound = s.lowerBounds[quantity];
  // Unproven, or not met already on its known part (a gray failure's AZ RTO): show what is known.
  if (value === null && bound !== null && s.status[quantity] !== 'met') {
    return `≥ ${formatSeconds(bound)}`;
  }
  if (s.status[quantity] !== 'unproven' || value !== null) {
    return formatSeconds(value);
  }
  return 'unknown';
}

/** The stacks of a service other than its main one (`stack`). */
function otherStacks(s: ServiceReport): string {
  const others = s.stacks.filter((name) => name !== s.stack);
  return others.length === 0 ? '—' : others.join(', ');
}

function row(s: ServiceReport, colour: boolean): string[] {
  return [
    s.stack,
    s.service,
    s.tier,
    s.strategy,
    otherStacks(s),
    ...FIGURES.map((f) => cell(figureText(s, f.quantity), s.status[f.quantity], colour)),
    paint(VERDICT[s.overall], s.overall, colour),
  ];
}

const HEADER = [
  'stack',
  'service',
  'tier',
  'strategy',
  'other stacks',
  ...FIGURES.map((f) => f.label),
  'objectives met',
];
const LEGEND = '✓ met   ✗ not met   ? not provable from the templates (≥ the part that is known)';

/** Visible width of a cell (colour codes take no room). */
function width(text: string): number {
  // eslint-disable-next-line no-control-regex
  return [...text.replace(/\u001b\[\d+m/g, '')].length;
}

/** Options of {@link formatText}. */
export interface TextOptions {
  /** After the table, every step of every figure ({@link formatExplanation}): what `ha-report --explain` prints. */
  readonly explain?: boolean;
}

/**
 * The report as an aligned text table, one row per service, followed by the findings and the
 * acknowledged findings with their reasons, optionally with ANSI colours.
 */
export function formatText(report: HaReport, colour: boolean, options: TextOptions = {}): string {
  const lines: string[] = [];
  if (report.services.length === 0) {
    lines.push(...noTierDeclared(report));
  } else {
    const rows = [HEADER, ...report.services.map((s) => row(s, colour))];
    const widths = HEADER.map((_, i) => Math.max(...rows.map((r) => width(r[i]))));
    for (const r of rows) {
      lines.push(
        r
          .map((c, i) => c + ' '.repeat(widths[i] - width(c)))
          .join('  ')
          .trimEnd(),
      );
    }
    lines.push('', LEGEND);
    if (options.explain) {
      lines.push('', formatExplanation(report, colour).trimEnd());
    }
  }
  lines.push('');
  const unread = report.unread ?? [];
  if (unread.length > 0) {
    lines.push(
      `Not read (${unread.length}; nothing in ${unread.length === 1 ? 'it' : 'them'} was checked):`,
      ...unread.map((u) => `  ${u.what} in ${u.stack}: ${u.why}`),
      '',
    );
  }
  const acknowledged = report.acknowledged ?? [];
  if (report.findings.length === 0) {
    // Said outright: an acknowledged finding can still leave an objective unmet in the table above.
    const none = unread.length === 0 ? 'No findings' : 'No findings in what was read';
    lines.push(acknowledged.length === 0 ? `${none}.` : `${none} other than the acknowledged ones below.`);
  }
  for (const [category, title] of CATEGORIES) {
    const found = report.findings.filter((f) => f.category === category);
    if (found.length > 0) {
      lines.push(`${title} (${found.length}):`);
    }
    for (const f of found) {
      const level = f.level === 'error' ? 'ERROR  ' : 'WARNING';
      const tag = colour ? `${f.level === 'error' ? COLOUR['not-met'] : COLOUR.unproven}${level}${RESET}` : level;
      lines.push(`${tag} ${f.rule} ${f.stack}/${f.resource}: ${f.message}`);
    }
  }
  const unchecked = report.unchecked ?? [];
  if (unchecked.length > 0) {
    lines.push(
      '',
      `Not checked (${unchecked.length}; a value the templates leave unknown, neither a finding nor a pass):`,
      ...unchecked.map((u) => `  ${u.rule} ${u.stack}/${u.resource}: ${u.why}`),
    );
  }
  if (acknowledged.length > 0) {
    lines.push(
      '',
      `Acknowledged (${acknowledged.length}, accepted by the design with a reason; never counted toward --fail-on):`,
    );
    for (const a of acknowledged) {
      // The CDK plugin says on which construct the acknowledgement was made.
      const at = (a as { acknowledgedAt?: unknown }).acknowledgedAt;
      lines.push(
        `${a.level === 'error' ? 'ERROR  ' : 'WARNING'} ${a.rule} ${a.stack}/${a.resource}: ${a.message}`,
        `        reason: ${a.reason}${typeof at === 'string' ? ` (acknowledged on ${at === '' ? 'the app' : at})` : ''}`,
      );
    }
  }
  lines.push('', summary(report));
  return lines.join('\n') + '\n';
}

/**
 * The first lines of a report on templates that declare no tier: what was checked (the production
 * baseline), what was not (the figures, and the rules that judge a tier's objectives), and how to
 * declare a tier.
 */
function noTierDeclared(report: HaReport): string[] {
  const idle = report.rulesNeedingTier ?? [];
  return [
    'No resource declares a tier (ha-constructs metadata, ha:service and ha:tier tags, ha-service and ha-tier labels),',
    'so there is no service to report an RTO, RPO or availability for. Checked against the production baseline instead:',
    'compute, load balancers and databases in 2 zones or more, 2 instances or more behind a load balancer, backups kept',
    '7 days, one NAT gateway per zone, health-checked routing records; security hygiene findings are warnings.',
    ...(idle.length > 0 ? [`Not run, as they judge a tier's objectives: ${idle.join(', ')}.`] : []),
    'Declare a tier to run them and get the figures: tag resources ha:service=<name> and ha:tier=TIER_1 (labels',
    'ha-service and ha-tier on Google Cloud), or run ha-report --tier TIER_1 [--service <name>].',
  ];
}

/** Options of {@link formatMarkdown}. */
export interface MarkdownOptions {
  /** Pictures of each service by name (`reportDiagrams`), shown in ```mermaid fences before its derivation. */
  readonly diagrams?: ReadonlyMap<string, readonly { readonly title: string; readonly mermaid: string }[]>;
}

/** The report as Markdown for a pull-request comment: a table, the findings, pictures, the derivation folded. */
export function formatMarkdown(report: HaReport, options: MarkdownOptions = {}): string {
  const lines: string[] = ['## HA resilience report', ''];
  if (report.services.length === 0) {
    lines.push(...noTierDeclared(report).map((line) => `> ${line}`), '');
  } else {
    lines.push(`| ${HEADER.join(' | ')} |`, `|${HEADER.map(() => '---').join('|')}|`);
    for (const s of report.services) {
      lines.push(`| ${row(s, false).map(escape).join(' | ')} |`);
    }
    lines.push('', LEGEND.replace(/ {3}/g, ' · '), '');
  }
  const unread = report.unread ?? [];
  if (unread.length > 0) {
    lines.push(
      `### Not read (${unread.length}, not checked)`,
      '',
      '| stack | what | why |',
      '|---|---|---|',
      ...unread.map((u) => `| ${escape(u.stack)} | ${escape(u.what)} | ${escape(u.why)} |`),
      '',
    );
  }
  lines.push(`### Findings (${summary(report)})`, '');
  if (report.findings.length > 0) {
    lines.push('| level | category | rule | stack | resource | message |', '|---|---|---|---|---|---|');
    for (const [category, title] of CATEGORIES) {
      for (const f of report.findings.filter((finding) => finding.category === category)) {
        lines.push(
          `| ${f.level} | ${title} | ${f.rule} | ${escape(f.stack)} | ${escape(f.resource)} | ${escape(f.message)} |`,
        );
      }
    }
    lines.push('');
  }
  const unchecked = report.unchecked ?? [];
  if (unchecked.length > 0) {
    lines.push(
      `### Not checked (${unchecked.length}, a value the templates leave unknown)`,
      '',
      '| rule | stack | resource | why |',
      '|---|---|---|---|',
      ...unchecked.map((u) => `| ${u.rule} | ${escape(u.stack)} | ${escape(u.resource)} | ${escape(u.why)} |`),
      '',
    );
  }
  const acknowledged = report.acknowledged ?? [];
  if (acknowledged.length > 0) {
    lines.push(
      '### Acknowledged',
      '',
      '| level | rule | stack | resource | message | reason |',
      '|---|---|---|---|---|---|',
    );
    for (const a of acknowledged) {
      lines.push(
        `| ${a.level} | ${a.rule} | ${escape(a.stack)} | ${escape(a.resource)} | ${escape(a.message)} | ${escape(a.reason)} |`,
      );
    }
    lines.push('');
  }
  for (const s of report.services) {
    for (const d of options.diagrams?.get(s.service) ?? []) {
      lines.push(`**${escape(d.title)}**`, '', '```mermaid', d.mermaid, '```', '');
    }
    lines.push(`<details><summary>Derivation: ${escape(s.service)} (${escape(s.stacks.join(', '))})</summary>`, '');
    lines.push('| figure | resource | value | basis | published figures |', '|---|---|---|---|---|');
    for (const d of s.derivation) {
      lines.push(
        `| ${FIGURE_LABELS[d.quantity]} | ${escape(`${d.stack}/${d.resource}`)} | ${stepValue(d)} | ${escape(d.basis)} | ${d.figures.join(', ')} |`,
      );
    }
    lines.push('', ...s.notes.map((n) => `> ${escape(n)}`), '', '</details>', '');
  }
  return lines.join('\n');
}

/**
 * Every step of every figure, grouped by service and figure: the stack and resource, the value (or
 * `unknown` when no published figure bounds it), the basis, and the names of the published figures
 * the value comes from (constants of lib/core/figures.ts, keys of PUBLISHED_SLAS).
 */
export function formatExplanation(report: HaReport, colour: boolean): string {
  const lines: string[] = ['How each figure is derived (every step: resource, value, basis, published figures):'];
  for (const s of report.services) {
    lines.push(
      '',
      `${s.service}: ${s.tier} ${s.strategy}, stacks ${s.stacks.map((name) => (name === s.stack ? `${name} (main)` : name)).join(', ')}`,
    );
    for (const { quantity } of FIGURES) {
      lines.push(...explainFigure(s, quantity, colour).map((line) => `  ${line}`));
    }
    lines.push(...s.notes.map((n) => `  note: ${n}`));
  }
  return lines.join('\n') + '\n';
}

/**
 * One figure of a service and how it is derived: `region RTO: ≥ 396 s ?  (objective ≤ 10 min)`,
 * then each step indented (value or `unknown`, stack/resource, basis, published figures).
 */
export function explainFigure(s: ServiceReport, quantity: Quantity, colour = false): string[] {
  const objective =
    quantity === 'availability'
      ? formatAvailability(s.objectives.availabilityTarget)
      : formatSeconds(s.objectives[OBJECTIVE[quantity]]);
  const lines = [
    `${FIGURE_LABELS[quantity]}: ${cell(figureText(s, quantity), s.status[quantity], colour)}  (objective ${quantity === 'availability' ? '≥' : '≤'} ${objective})`,
  ];
  const steps = s.derivation.filter((d) => d.quantity === quantity);
  if (steps.length === 0) {
    lines.push('  no step: nothing in the templates contributes to it');
  }
  const valueWidth = Math.max(0, ...steps.map((d) => width(stepValue(d))));
  for (const d of steps) {
    const value = stepValue(d);
    const figures = d.figures.length > 0 ? ` [published: ${d.figures.join(', ')}]` : '';
    lines.push(`  ${value}${' '.repeat(valueWidth - width(value))}  ${d.stack}/${d.resource}: ${d.basis}${figures}`);
  }
  return lines;
}

/** How the report names each figure (`region RTO`). */
export const FIGURE_LABELS = Object.fromEntries(FIGURES.map((f) => [f.quantity, f.label])) as Record<Quantity, string>;
const OBJECTIVE = {
  azRto: 'azRtoSeconds',
  azRpo: 'azRpoSeconds',
  regionRto: 'regionRtoSeconds',
  regionRpo: 'regionRpoSeconds',
} as const;

/** A step's value as the derivation prints it: seconds, a percentage, or `unknown`. */
function stepValue(d: DerivationStep): string {
  return d.value === undefined
    ? 'unknown'
    : d.quantity === 'availability'
      ? formatAvailability(d.value)
      : formatSeconds(d.value);
}

function summary(report: HaReport): string {
  const errors = report.findings.filter((f) => f.level === 'error').length;
  const acknowledged = report.acknowledged?.length ?? 0;
  return `${errors} error(s), ${report.findings.length - errors} warning(s)${acknowledged > 0 ? `, ${acknowledged} acknowledged` : ''}`;
}

function escape(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}
