import * as fs from 'fs';
import { HaInputError } from './graph/errors';
import { FIGURE_LABELS, figureText } from './format';
import { Finding, HaReport, ObjectiveStatus, Quantity, reportedFigure, ServiceReport } from './model';

/**
 * A pull request's effect on the resilience report: the report of its synthesized output compared
 * with a saved one (`ha-report --json` on the main branch). A figure is worse when its objective's
 * status drops (met, then unproven, then not met), when a proven figure becomes unproven, or when its
 * value (or, for an unproven figure, the part that is known) moves the wrong way: up for an RTO or
 * RPO, down for availability. A service that disappears is worse too: its HA record may be what went.
 */
export interface BaselineComparison {
  /** The file compared with. */
  readonly baseline: string;
  /** Every figure that changed, worse or better, by service. */
  readonly changes: readonly FigureChange[];
  /** Services in the report and not in the baseline. */
  readonly added: readonly string[];
  /** Services in the baseline and not in the report: each counts as a regression. */
  readonly removed: readonly string[];
  /** Services whose tier changed, `TIER_1 → TIER_2`. */
  readonly tierChanges: readonly { readonly service: string; readonly before: string; readonly after: string }[];
  /** Findings not in the baseline (same rule, stack and resource). */
  readonly newFindings: readonly Finding[];
  /** Whether anything got worse: a figure, or a service gone. */
  readonly regressed: boolean;
}

/** One figure of one service that is not what the baseline says. */
export interface FigureChange {
  readonly service: string;
  readonly quantity: Quantity;
  /** As the report prints it, with its status mark: `96 s ✓`, `≥ 396 s ?`. */
  readonly before: string;
  readonly after: string;
  readonly worse: boolean;
}

const RANK: Record<ObjectiveStatus, number> = { met: 2, unproven: 1, 'not-met': 0 };
const MARK: Record<ObjectiveStatus, string> = { met: '✓', 'not-met': '✗', unproven: '?' };
const QUANTITIES: readonly Quantity[] = ['azRto', 'azRpo', 'regionRto', 'regionRpo', 'availability'];

/** Reads a report saved by `ha-report --json`; anything else is an input error naming the file. */
export function readBaseline(file: string): HaReport {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new HaInputError(`--baseline ${file} cannot be read as JSON: ${(e as Error).message}`);
  }
  const report = parsed as Partial<HaReport>;
  const valid =
    Array.isArray(report?.services) &&
    Array.isArray(report.findings) &&
    report.services.every(
      (s) =>
        typeof s?.service === 'string' &&
        typeof s.status === 'object' &&
        s.status !== null &&
        QUANTITIES.every((q) => typeof s.status[q] === 'string'),
    );
  if (!valid) {
    throw new HaInputError(
      `--baseline ${file} is not a report saved by ha-report --json (services with their status, and findings)`,
    );
  }
  return parsed as HaReport;
}

/** Compares a report with the baseline: see {@link BaselineComparison}. */
export function compareWithBaseline(baseline: HaReport, report: HaReport, file: string): BaselineComparison {
  const before = new Map(baseline.services.map((s) => [s.service, s]));
  const after = new Map(report.services.map((s) => [s.service, s]));
  const changes: FigureChange[] = [];
  for (const [service, now] of after) {
    const then = before.get(service);
    for (const quantity of then ? QUANTITIES : []) {
      const verdict = compareFigure(then!, now, quantity);
      if (verdict !== 'same') {
        changes.push({
          service,
          quantity,
          before: shown(then!, quantity),
          after: shown(now, quantity),
          worse: verdict === 'worse',
        });
      }
    }
  }
  const removed = [...before.keys()].filter((s) => !after.has(s));
  const key = (f: Finding) => `${f.rule} ${f.stack} ${f.resource}`;
  const known = new Set(baseline.findings.map(key));
  return {
    baseline: file,
    changes,
    added: [...after.keys()].filter((s) => !before.has(s)),
    removed,
    tierChanges: [...after.values()]
      .filter((s) => before.has(s.service) && before.get(s.service)!.tier !== s.tier)
      .map((s) => ({ service: s.service, before: before.get(s.service)!.tier, after: s.tier })),
    newFindings: report.findings.filter((f) => !known.has(key(f))),
    regressed: removed.length > 0 || changes.some((c) => c.worse),
  };
}

/** Whether a figure got worse, better or stayed: the status first, then the value, then the part known. */
function compareFigure(then: ServiceReport, now: ServiceReport, quantity: Quantity): 'worse' | 'better' | 'same' {
  const rank = RANK[now.status[quantity]] - RANK[then.status[quantity]];
  if (rank !== 0) {
    return rank < 0 ? 'worse' : 'better';
  }
  const [a, b] = [reportedFigure(then, quantity), reportedFigure(now, quantity)];
  if ((a === null) !== (b === null)) {
    return b === null ? 'worse' : 'better';
  }
  const known = (s: ServiceReport) =>
    quantity === 'availability' ? reportedFigure(s, quantity) : (s.lowerBounds?.[quantity] ?? null);
  const [x, y] = a === null ? [known(then), known(now)] : [a, b!];
  if (x === null || y === null || x === y) {
    return x === y ? 'same' : y === null ? 'worse' : 'better';
  }
  const higherIsBetter = quantity === 'availability';
  return y > x === higherIsBetter ? 'better' : 'worse';
}

function shown(s: ServiceReport, quantity: Quantity): string {
  return `${figureText(s, quantity)} ${MARK[s.status[quantity]]}`;
}

/** The comparison as text, after the report: what got worse first. */
export function formatComparisonText(c: BaselineComparison): string {
  const lines = [`Compared with ${c.baseline}: ${verdict(c)}`];
  for (const change of [...c.changes].sort((x, y) => Number(y.worse) - Number(x.worse))) {
    lines.push(
      `  ${change.worse ? 'worse ' : 'better'}  ${change.service} ${FIGURE_LABELS[change.quantity]}: ${change.before} → ${change.after}`,
    );
  }
  lines.push(...c.removed.map((s) => `  worse   ${s}: no longer in the report (is its HA record gone?)`));
  lines.push(...c.added.map((s) => `  new     ${s}: not in the baseline`));
  lines.push(...c.tierChanges.map((t) => `  tier    ${t.service}: ${t.before} → ${t.after}`));
  lines.push(...c.newFindings.map((f) => `  finding ${f.level} ${f.rule} ${f.stack}/${f.resource}: ${f.message}`));
  return `${lines.join('\n')}\n`;
}

/** The comparison as a Markdown section for a pull-request comment: a before/after table. */
export function formatComparisonMarkdown(c: BaselineComparison): string {
  const lines = ['', `### Compared with the baseline`, '', verdict(c), ''];
  const rows = [
    ...[...c.changes]
      .sort((x, y) => Number(y.worse) - Number(x.worse))
      .map(
        (ch) =>
          `| ${ch.worse ? '⚠️ worse' : 'better'} | ${ch.service} | ${FIGURE_LABELS[ch.quantity]} | ${ch.before} | ${ch.after} |`,
      ),
    ...c.removed.map((s) => `| ⚠️ worse | ${s} | service | in the baseline | gone (is its HA record gone?) |`),
    ...c.added.map((s) => `| new | ${s} | service | — | added |`),
    ...c.tierChanges.map((t) => `| tier | ${t.service} | tier | ${t.before} | ${t.after} |`),
  ];
  if (rows.length > 0) {
    lines.push('| change | service | figure | before | after |', '|---|---|---|---|---|', ...rows, '');
  }
  if (c.newFindings.length > 0) {
    lines.push(
      `New findings (${c.newFindings.length}):`,
      '',
      ...c.newFindings.map((f) => `- ${f.level} **${f.rule}** \`${f.stack}/${f.resource}\`: ${f.message}`),
      '',
    );
  }
  return `${lines.join('\n')}\n`;
}

function verdict(c: BaselineComparison): string {
  const worse = c.changes.filter((ch) => ch.worse).length + c.removed.length;
  if (worse > 0) {
    return `${worse} regression(s): a figure got worse or a service is gone.`;
  }
  return c.changes.length > 0 ? 'nothing got worse; some figures improved.' : 'no figure changed.';
}
