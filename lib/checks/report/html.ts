import * as fs from 'fs';
import { explainFigure, figureText, FIGURE_LABELS } from '../format';
import { HaInputError } from '../graph/errors';
import type { HaReport, ObjectiveStatus, Quantity, ServiceReport } from '../model';
import type { Diagram } from './diagrams';

/*
 * `ha-report --html`: one page that opens offline. Mermaid's browser bundle is read from the installed
 * package and inlined, and the page's content security policy forbids every fetch, so what the page
 * shows at view time is what was written.
 */

/** The Mermaid major version the page is written for (the optional peer dependency's range). */
export const MERMAID_MAJOR = 12;

/**
 * The browser bundle of the installed `mermaid` package. It is an optional peer dependency of
 * ha-constructs, needed only by `--html`: without it, a message says how to install it.
 */
export function mermaidBundle(): string {
  let file: string;
  try {
    // The user's project first (where `npm i -D mermaid` puts it), then beside this package.
    file = require.resolve('mermaid/dist/mermaid.min.js', { paths: [process.cwd(), __dirname] });
  } catch {
    throw new HaInputError(
      `--html inlines Mermaid's browser bundle, and the mermaid package is not installed: ` +
        `npm i -D mermaid@^${MERMAID_MAJOR} (an optional peer dependency of ha-constructs)`,
    );
  }
  return fs.readFileSync(file, 'utf8');
}

const QUANTITIES: readonly Quantity[] = ['azRto', 'azRpo', 'regionRto', 'regionRpo', 'availability'];
const MARK: Record<ObjectiveStatus, string> = { met: '✓', 'not-met': '✗', unproven: '?' };

/** Text as HTML: the five characters that could start markup or end an attribute. */
export function html(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]);
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Options of {@link formatHtml}. */
export interface HtmlOptions {
  /** Pictures of each service by name (`reportDiagrams`). */
  readonly diagrams: ReadonlyMap<string, readonly Diagram[]>;
  /** Mermaid's browser bundle, inlined. @default - {@link mermaidBundle} */
  readonly mermaid?: string;
  /** The page's title. @default 'HA resilience report' */
  readonly title?: string;
}

/**
 * The report as one self-contained HTML page: the table of figures, the findings (and what was not
 * read or not checked, and what was acknowledged), then per service its pictures and every step of
 * its figures. The diagrams render in the browser; each one that fails shows Mermaid's error in its place.
 */
export function formatHtml(report: HaReport, options: HtmlOptions): string {
  const bundle = (options.mermaid ?? mermaidBundle()).replace(/<\/(script)/gi, '<\\/$1');
  const title = options.title ?? 'HA resilience report';
  const body = [
    `<h1>${html(title)}</h1>`,
    figuresTable(report),
    ...findings(report),
    ...report.services.map((s) => serviceSection(s, options.diagrams.get(s.service) ?? [])),
  ];
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    // Nothing is fetched at view time: no source is allowed but the page itself.
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; ` +
      `style-src 'unsafe-inline'; img-src data:; font-src data:">`,
    `<title>${html(title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    ...body,
    `<script>${bundle}</script>`,
    `<script>${RENDER}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

function figuresTable(report: HaReport): string {
  if (report.services.length === 0) {
    return '<p>No resource declares a tier, so there is no service to report an RTO, RPO or availability for.</p>';
  }
  const head = ['service', 'tier', 'strategy', 'stacks', ...QUANTITIES.map((q) => FIGURE_LABELS[q]), 'objectives met'];
  const rows = report.services.map((s) => {
    const cells = QUANTITIES.map(
      (q) => `<td class="${s.status[q]}">${html(`${figureText(s, q)} ${MARK[s.status[q]]}`)}</td>`,
    );
    const verdict = { met: 'yes', 'not-met': 'no', unproven: 'unproven' }[s.overall];
    return (
      `<tr><td><a href="#service-${html(s.service)}">${html(s.service)}</a></td><td>${html(s.tier)}</td>` +
      `<td>${html(s.strategy)}</td><td>${html(s.stacks.join(', '))}</td>${cells.join('')}` +
      `<td class="${s.overall}">${verdict}</td></tr>`
    );
  });
  return [
    '<table class="figures">',
    `<tr>${head.map((h) => `<th>${html(h)}</th>`).join('')}</tr>`,
    ...rows,
    '</table>',
    '<p class="legend">✓ met · ✗ not met · ? not provable from the templates (≥ the part that is known)</p>',
  ].join('\n');
}

function findings(report: HaReport): string[] {
  const table = (title: string, head: readonly string[], rows: readonly (readonly string[])[]) =>
    rows.length === 0
      ? []
      : [
          `<h2>${html(title)} (${rows.length})</h2>`,
          '<table>',
          `<tr>${head.map((h) => `<th>${html(h)}</th>`).join('')}</tr>`,
          ...rows.map((r) => `<tr>${r.map((c) => `<td>${html(c)}</td>`).join('')}</tr>`),
          '</table>',
        ];
  const errors = report.findings.filter((f) => f.level === 'error').length;
  return [
    ...table(
      'Not read, so not checked',
      ['stack', 'what', 'why'],
      (report.unread ?? []).map((u) => [u.stack, u.what, u.why]),
    ),
    `<h2>Findings: ${errors} error(s), ${report.findings.length - errors} warning(s)</h2>`,
    ...(report.findings.length === 0 ? ['<p>No findings.</p>'] : []),
    ...table(
      'Findings',
      ['level', 'category', 'rule', 'stack', 'resource', 'message'],
      report.findings.map((f) => [f.level, f.category, f.rule, f.stack, f.resource, f.message]),
    ).slice(1),
    ...table(
      'Not checked (a value the templates leave unknown)',
      ['rule', 'stack', 'resource', 'why'],
      (report.unchecked ?? []).map((u) => [u.rule, u.stack, u.resource, u.why]),
    ),
    ...table(
      'Acknowledged (accepted by the design, never counted toward --fail-on)',
      ['level', 'rule', 'stack', 'resource', 'message', 'reason'],
      (report.acknowledged ?? []).map((a) => [a.level, a.rule, a.stack, a.resource, a.message, a.reason]),
    ),
  ];
}

function serviceSection(s: ServiceReport, diagrams: readonly Diagram[]): string {
  const derivation = QUANTITIES.flatMap((q) => explainFigure(s, q));
  return [
    `<section id="service-${html(s.service)}">`,
    `<h2>${html(s.service)}: ${html(s.tier)} ${html(s.strategy)}</h2>`,
    `<p>Stacks ${html(s.stacks.join(', '))}; regions ${html(s.regions.join(', ') || 'not known')}.</p>`,
    ...diagrams.map(
      (d) =>
        `<figure class="diagram" data-kind="${d.kind}"${d.domain ? ` data-domain="${d.domain}"` : ''}>` +
        `<figcaption>${html(d.title)}</figcaption><pre class="mermaid">${html(d.mermaid)}</pre></figure>`,
    ),
    '<h3>How each figure is derived</h3>',
    `<pre class="derivation">${html(derivation.join('\n'))}</pre>`,
    ...s.notes.map((n) => `<p class="note">${html(n)}</p>`),
    '</section>',
  ].join('\n');
}

const STYLE = [
  'body{font-family:system-ui,sans-serif;margin:2em;color:#222}',
  'table{border-collapse:collapse;margin:1em 0}',
  'td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left;vertical-align:top}',
  '.met{color:#116611}.not-met{color:#aa1111;font-weight:bold}.unproven{color:#995500}',
  'figure.diagram{border:1px solid #ddd;padding:1em;margin:1em 0;overflow-x:auto}',
  'figcaption{font-weight:bold;margin-bottom:.5em}',
  'pre.derivation{white-space:pre-wrap;background:#f6f6f6;padding:1em}',
  '.diagram-error{color:#aa1111;white-space:pre-wrap}',
].join('\n');

/**
 * Renders each diagram on its own, so that one Mermaid rejects shows its error in its place and the
 * others still render; the body's `data-diagrams` says when all are done (`rendered`), and how many failed.
 */
const RENDER = `
(async () => {
  mermaid.initialize({ startOnLoad: false, securityLevel: 'strict', gantt: { useWidth: 1800, useMaxWidth: false } });
  let failed = 0;
  const blocks = [...document.querySelectorAll('pre.mermaid')];
  for (const [i, block] of blocks.entries()) {
    try {
      const { svg } = await mermaid.render('diagram-' + i, block.textContent);
      const div = document.createElement('div');
      div.className = 'rendered';
      div.innerHTML = svg;
      block.replaceWith(div);
    } catch (e) {
      failed++;
      const error = document.createElement('pre');
      error.className = 'diagram-error';
      error.textContent = 'Mermaid could not draw this diagram: ' + (e && e.message ? e.message : String(e));
      block.after(error);
    }
  }
  document.body.dataset.failed = String(failed);
  document.body.dataset.diagrams = 'rendered';
})();
`;
