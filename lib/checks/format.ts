import { HaReport, ObjectiveStatus, ServiceReport } from './report';

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

const MARK: Record<ObjectiveStatus, string> = { 'met': '✓', 'not-met': '✗', 'unproven': '?' };
const COLOUR: Record<ObjectiveStatus, string> = { 'met': '\u001b[32m', 'not-met': '\u001b[31m', 'unproven': '\u001b[33m' };
const RESET = '\u001b[0m';

function cell(text: string, status: ObjectiveStatus, colour: boolean): string {
  const marked = `${text} ${MARK[status]}`;
  return colour ? `${COLOUR[status]}${marked}${RESET}` : marked;
}

function row(s: ServiceReport, colour: boolean): string[] {
  return [
    s.stack, s.service, s.tier, s.strategy,
    cell(formatSeconds(s.azRtoSeconds), s.status.azRto, colour),
    cell(formatSeconds(s.azRpoSeconds), s.status.azRpo, colour),
    cell(formatSeconds(s.regionRtoSeconds), s.status.regionRto, colour),
    cell(formatSeconds(s.regionRpoSeconds), s.status.regionRpo, colour),
    cell(formatAvailability(s.availability), s.status.availability, colour),
    s.objectivesMet ? 'yes' : 'no',
  ];
}

const HEADER = ['stack', 'service', 'tier', 'strategy', 'AZ RTO', 'AZ RPO', 'region RTO', 'region RPO', 'availability', 'objectives met'];

/** Visible width of a cell (colour codes take no room). */
function width(text: string): number {
  // eslint-disable-next-line no-control-regex
  return [...text.replace(/\u001b\[\d+m/g, '')].length;
}

/** The report as an aligned text table followed by the findings, optionally with ANSI colours. */
export function formatText(report: HaReport, colour: boolean): string {
  const lines: string[] = [];
  if (report.services.length === 0) {
    lines.push('No resources carry an HA record (ha-constructs metadata, ha:* tags or ha-* labels): no service to report on.');
  } else {
    const rows = [HEADER, ...report.services.map((s) => row(s, colour))];
    const widths = HEADER.map((_, i) => Math.max(...rows.map((r) => width(r[i]))));
    for (const r of rows) {
      lines.push(r.map((c, i) => c + ' '.repeat(widths[i] - width(c))).join('  ').trimEnd());
    }
    lines.push('', '✓ met   ✗ not met   ? not provable from the templates');
  }
  lines.push('');
  const acknowledged = report.acknowledged ?? [];
  if (report.findings.length === 0) {
    // Said outright: an acknowledged finding can still leave an objective unmet in the table above.
    lines.push(acknowledged.length === 0 ? 'No findings.' : 'No findings other than the acknowledged ones below.');
  }
  for (const f of report.findings) {
    const level = f.level === 'error' ? 'ERROR  ' : 'WARNING';
    const tag = colour ? `${f.level === 'error' ? COLOUR['not-met'] : COLOUR.unproven}${level}${RESET}` : level;
    lines.push(`${tag} ${f.rule} ${f.stack}/${f.resource}: ${f.message}`);
  }
  if (acknowledged.length > 0) {
    lines.push('', `Acknowledged (${acknowledged.length}, accepted by the design with a reason; never counted toward --fail-on):`);
    for (const a of acknowledged) {
      lines.push(`${a.level === 'error' ? 'ERROR  ' : 'WARNING'} ${a.rule} ${a.stack}/${a.resource}: ${a.message}`, `        reason: ${a.reason}`);
    }
  }
  lines.push('', summary(report));
  return lines.join('\n') + '\n';
}

/** The report as Markdown for a pull-request comment: a table, the findings, the derivation folded. */
export function formatMarkdown(report: HaReport): string {
  const lines: string[] = ['## HA resilience report', ''];
  if (report.services.length === 0) {
    lines.push('No resources carry an HA record: no service to report on.', '');
  } else {
    lines.push(`| ${HEADER.join(' | ')} |`, `|${HEADER.map(() => '---').join('|')}|`);
    for (const s of report.services) {
      lines.push(`| ${row(s, false).map(escape).join(' | ')} |`);
    }
    lines.push('', '✓ met · ✗ not met · ? not provable from the templates', '');
  }
  lines.push(`### Findings (${summary(report)})`, '');
  if (report.findings.length > 0) {
    lines.push('| level | rule | stack | resource | message |', '|---|---|---|---|---|');
    for (const f of report.findings) {
      lines.push(`| ${f.level} | ${f.rule} | ${escape(f.stack)} | ${escape(f.resource)} | ${escape(f.message)} |`);
    }
    lines.push('');
  }
  const acknowledged = report.acknowledged ?? [];
  if (acknowledged.length > 0) {
    lines.push('### Acknowledged', '', '| level | rule | stack | resource | message | reason |', '|---|---|---|---|---|---|');
    for (const a of acknowledged) {
      lines.push(`| ${a.level} | ${a.rule} | ${escape(a.stack)} | ${escape(a.resource)} | ${escape(a.message)} | ${escape(a.reason)} |`);
    }
    lines.push('');
  }
  for (const s of report.services) {
    lines.push(`<details><summary>Derivation: ${escape(s.service)} in ${escape(s.stack)}</summary>`, '');
    lines.push('| figure | resource | value | basis | published figures |', '|---|---|---|---|---|');
    for (const d of s.derivation) {
      const value = d.value === undefined ? '—' : d.quantity === 'availability' ? formatAvailability(d.value) : formatSeconds(d.value);
      lines.push(`| ${d.quantity} | ${escape(`${d.stack}/${d.resource}`)} | ${value} | ${escape(d.basis)} | ${d.figures.join(', ')} |`);
    }
    lines.push('', ...s.notes.map((n) => `> ${escape(n)}`), '', '</details>', '');
  }
  return lines.join('\n');
}

function summary(report: HaReport): string {
  const errors = report.findings.filter((f) => f.level === 'error').length;
  const acknowledged = report.acknowledged?.length ?? 0;
  return `${errors} error(s), ${report.findings.length - errors} warning(s)${acknowledged > 0 ? `, ${acknowledged} acknowledged` : ''}`;
}

function escape(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}
