import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { addAllExamples } from '../../examples';
import { checkGraph } from '../../lib/checks/check';
import { main } from '../../lib/checks/cli';
import { formatMarkdown } from '../../lib/checks/format';
import { ResourceGraph } from '../../lib/checks/graph/graph';
import { buildGraph, readInputs } from '../../lib/checks/graph/load';
import type { HaReport, ServiceReport } from '../../lib/checks/model';
import {
  Diagram,
  flowchartText,
  ganttText,
  phaseOf,
  reportDiagrams,
  timelineDiagram,
  timelineOf,
} from '../../lib/checks/report/diagrams';
import { formatHtml } from '../../lib/checks/report/html';
import { README_TIER_DIAGRAMS, renderReadmeDiagrams } from '../../scripts/readme-diagrams';
import { cdkJsonApp } from '../util';

let graph: ResourceGraph;
let report: HaReport;
let diagrams: Map<string, Diagram[]>;
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'ha-diagrams-'));
const outdir = path.join(work, 'cdk.out');

// The AWS examples, synthesized once as `npx cdk synth` does and read back as `ha-report cdk.out` reads them.
// No rule runs at synthesis: the pictures are drawn whatever the findings (test/examples judges those).
beforeAll(() => {
  const app = cdkJsonApp({ outdir });
  addAllExamples(app, { printReport: false, rules: [] });
  app.synth();
  graph = buildGraph(readInputs(outdir));
  report = checkGraph(graph);
  diagrams = reportDiagrams(report, graph);
});

afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

/** Runs the CLI and returns its exit code and output. */
function cli(...argv: string[]): { code: number; stdout: string; stderr: string } {
  let stdout = '';
  let stderr = '';
  const code = main(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), isTty: false });
  return { code, stdout, stderr };
}

const service = (name: string): ServiceReport => report.services.find((s) => s.service === name)!;
const topology = (name: string) => diagrams.get(name)!.find((d) => d.kind === 'topology')!.mermaid;
const timeline = (name: string, domain: 'zone' | 'region') =>
  diagrams.get(name)!.find((d) => d.kind === 'timeline' && d.domain === domain)!.mermaid;

/** The nodes inside each region's subgraph: region name → node ids. */
function regionsOfFlowchart(mermaid: string): Map<string, string[]> {
  const regions = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const line of mermaid.split('\n')) {
    const opened = /^ {2}subgraph region\d+\["([^:]+): /.exec(line);
    if (opened) {
      current = [];
      regions.set(opened[1], current);
    } else if (line === '  end') {
      current = undefined;
    } else if (current) {
      const node = /^ {4}(n\d+)[[{(]/.exec(line);
      if (node) {
        current.push(node[1]);
      }
    }
  }
  return regions;
}

/** The edge whose label contains `text`: its ends and label. */
function edgeWith(mermaid: string, text: string): { from: string; to: string; label: string } {
  const lines = mermaid.split('\n').filter((l) => /^ {2}n\d+ [-=.]+>\|/.test(l) && l.includes(text));
  expect(lines).toHaveLength(1);
  const [, from, label, to] = /^ {2}(n\d+) \S+\|"(.*)"\| (n\d+)$/.exec(lines[0])!;
  return { from, to, label };
}

/** Seconds of a duration as the report prints it (`36 s`, `5 min`, `1 h`). */
function seconds(value: string, unit: string): number {
  return Number(value) * { s: 1, min: 60, h: 3600 }[unit as 's' | 'min' | 'h'];
}

/** Seconds after the failure of a gantt date (`2000-01-01 00:06:36`). */
function elapsed(date: string): number {
  const [, day, h, m, s] = /^2000-01-(\d\d) (\d\d):(\d\d):(\d\d)$/.exec(date)!.map(Number);
  return (day - 1) * 86400 + h * 3600 + m * 60 + s;
}

/** The task lines of a gantt: label, tags, start and end in seconds after the failure. */
function tasks(mermaid: string): { label: string; tags: string[]; start: number; end: number }[] {
  return mermaid
    .split('\n')
    .filter((l) => l.startsWith('    '))
    .map((line) => {
      const match = /^ {4}([^:#;]+) :((?:crit, |milestone, )*)\w+, ([\d :-]+), ([\d :-]+)$/.exec(line);
      expect(match).not.toBeNull();
      const [, label, tags, start, end] = match!;
      return { label, tags: tags.split(', ').filter(Boolean), start: elapsed(start), end: elapsed(end) };
    });
}

describe('pictures of the AWS examples', () => {
  test('each service has a topology and a timeline per failure domain', () => {
    expect([...diagrams.keys()]).toEqual(['checkout', 'carts-api', 'orders', 'invoices', 'catalog', 'reports']);
    for (const list of diagrams.values()) {
      expect(list.map((d) => `${d.kind}${d.domain ? ` ${d.domain}` : ''}`)).toEqual([
        'topology',
        'timeline zone',
        'timeline region',
      ]);
    }
  });

  test('THEN the topology has a subgraph per region of each service, with its role and named zones', () => {
    for (const s of report.services) {
      expect([...regionsOfFlowchart(topology(s.service)).keys()].sort()).toEqual([...s.regions].sort());
    }
    const roles = (name: string) =>
      [...topology(name).matchAll(/subgraph region\d+\["([^"]+)"\]/g)].map((m) => m[1]).sort();
    expect(roles('checkout')).toEqual(['us-east-1: serving', 'us-west-2: serving']);
    expect(roles('carts-api')).toEqual(['us-east-1: serving', 'us-west-2: serving']);
    expect(roles('orders')).toEqual(['us-east-1: serving', 'us-west-2: standby (runs 3 instances)']);
    expect(roles('catalog')).toEqual(['us-east-1: serving', 'us-west-2: pilot light (fleet at 0)']);
    expect(roles('reports')).toEqual(['us-east-1: serving', 'us-west-2: data copies only']);
    expect(topology('orders')).toContain('zones us-west-2a, us-west-2b, us-west-2c');
  });

  test('THEN replication edges cross regions, labelled async with the published bound and the RPO counted', () => {
    const orders = topology('orders');
    const regions = regionsOfFlowchart(orders);
    const aurora = edgeWith(orders, 'AURORA_GLOBAL_DB_RPO_PARAMETER');
    expect(aurora.label).toBe('async, lag ≤ 1 min (AURORA_GLOBAL_DB_RPO_PARAMETER), RPO 1 min');
    expect(regions.get('us-east-1')).toContain(aurora.from);
    expect(regions.get('us-west-2')).toContain(aurora.to);
    expect(orders).toMatch(new RegExp(`${aurora.to}\\[\\("RDS DBCluster Database\\w+ \\(standby\\)"\\)\\]`));
    // A typical lag is not a bound: the RPO it gives is unknown, as the report says.
    const carts = edgeWith(topology('checkout'), 'DYNAMODB_GLOBAL_REPLICATION_LAG_SECONDS');
    expect(carts.label).toMatch(/^async, typical lag 1 s, not a bound .*, RPO unknown$/);
    // Strong consistency acknowledges a write once it is in a second region.
    expect(edgeWith(topology('carts-api'), 'DYNAMODB_MRSC_RPO_SECONDS').label).toBe(
      'sync, no lag (DYNAMODB_MRSC_RPO_SECONDS), RPO 0 s',
    );
    expect(edgeWith(topology('reports'), 'copies each backup').label).toBe('copies each backup (every 12 h)');
    // Each load balancer forwards to the fleet of its own region.
    for (const s of report.services) {
      const mermaid = topology(s.service);
      const lines = mermaid.split('\n').filter((l) => l.includes('|"forwards to"|'));
      // The serverless API has no load balancer: API Gateway and Lambda are not drawn yet.
      expect(lines.length).toBe({ reports: 1, 'carts-api': 0 }[s.service] ?? 2);
      for (const line of lines) {
        const [, from, to] = /^ {2}(n\d+) -->\|"forwards to"\| (n\d+)$/.exec(line)!;
        const [region] = [...regionsOfFlowchart(mermaid)].find(([, ids]) => ids.includes(from))!;
        expect(regionsOfFlowchart(mermaid).get(region)).toContain(to);
      }
    }
    // Each failover record routes to a load balancer in its own region.
    const primary = edgeWith(orders, 'failover PRIMARY');
    expect(regions.get('us-east-1')).toContain(primary.to);
    expect(regions.get('us-west-2')).toContain(edgeWith(orders, 'failover SECONDARY').to);
  });

  test('THEN every recovery step counted has a phase, and each gantt ends where the figure does', () => {
    for (const s of report.services) {
      const steps = s.derivation.filter((d) => d.quantity === 'azRto' || d.quantity === 'regionRto');
      expect(steps.filter((d) => phaseOf(d) === 'other').map((d) => d.basis)).toEqual([]);
      for (const domain of ['zone', 'region'] as const) {
        const t = timelineOf(s, domain);
        const ends = t.bars.filter((b) => b.seconds !== undefined).map((b) => b.start + b.seconds!);
        const figure = domain === 'zone' ? 'azRto' : 'regionRto';
        if (s.lowerBounds[figure] !== null && t.bars.some((b) => b.phase !== 'guard')) {
          expect(Math.max(...ends)).toBe(s.lowerBounds[figure]);
        }
      }
    }
    // detection 36 s, then decision 300 s, then the promotion AWS publishes no bound for: the 336 s the report knows.
    expect(
      timelineOf(service('orders'), 'region')
        .bars.filter((b) => ['detection', 'decision', 'promotion'].includes(b.phase))
        .map((b) => [b.phase, b.start, b.seconds]),
    ).toEqual([
      ['detection', 0, 36],
      ['decision', 36, 300],
      ['promotion', 336, undefined],
    ]);
  });

  test('THEN each bar is as long as its label states, in seconds; the RTO objective is a milestone', () => {
    for (const s of report.services) {
      for (const domain of ['zone', 'region'] as const) {
        const lines = tasks(timeline(s.service, domain));
        for (const task of lines.filter((t) => t.tags.length === 0)) {
          const [, value, unit] = / (\d+) (s|min|h)\b/.exec(task.label)!;
          expect([task.label, task.end - task.start]).toEqual([task.label, seconds(value, unit)]);
        }
        // An end labelled as the RTO itself (not `≥`) only where the report proves the figure.
        const figure = domain === 'zone' ? s.azRtoSeconds : s.regionRtoSeconds;
        const end = lines.find((t) => /^(RTO|known steps end)/.test(t.label));
        expect(end?.label.startsWith('RTO') ?? false).toBe(figure !== null);
        if (figure !== null) {
          expect(end!.start).toBe(figure);
        }
        const objective = domain === 'zone' ? s.objectives.azRtoSeconds : s.objectives.regionRtoSeconds;
        expect(lines).toContainEqual(
          expect.objectContaining({ tags: ['milestone'], start: objective, end: objective }),
        );
      }
    }
  });

  test('THEN an unknown step is a crit bar labelled unknown with its drawn width, never a zero', () => {
    const catalog = timelineOf(service('catalog'), 'region');
    const unknowns = service('catalog').derivation.filter((d) => d.quantity === 'regionRto' && d.value === undefined);
    expect(unknowns.length).toBeGreaterThanOrEqual(2);
    const crit = tasks(timeline('catalog', 'region')).filter((t) => t.tags.includes('crit'));
    expect(crit.map((t) => t.label.split(' unknown')[0])).toEqual(['writer creation', 'promotion', 'scale-up']);
    for (const task of crit) {
      expect(task.label).toContain(`unknown (drawn 6 min wide, not a measurement)`);
      expect(task.end - task.start).toBe(catalog.nominal);
    }
    // The promotion waits for the writer of unknown duration: it says it starts later than drawn.
    expect(tasks(timeline('catalog', 'region')).find((t) => t.label.startsWith('promotion'))!.label).toContain(
      'waits for an unknown step - starts later than drawn',
    );
    // Backup and restore: the restore is unknown, the figure's known part is nothing, and no end is claimed.
    const reports = timeline('reports', 'region');
    expect(reports).toMatch(/restore unknown \(drawn 144 min wide, not a measurement\)[^\n]*:crit, /);
    expect(reports).not.toContain('known steps end');
  });
});

describe('timelines of what never recovers', () => {
  test('WHEN nothing starts the failover THEN the gantt marks it and the region, never a duration or an end', () => {
    const base = service('catalog');
    const at = { quantity: 'regionRto' as const, stack: base.stack, resource: 'service:catalog', figures: [] };
    const lost: ServiceReport = {
      ...base,
      status: { ...base.status, regionRto: 'not-met' },
      lowerBounds: { ...base.lowerBounds, regionRto: null },
      derivation: [
        {
          ...at,
          value: 96,
          basis: 'health check every 30 s, 3 failures, + request timeout; record TTL 60 s',
          figures: ['ROUTE53_HTTP_CHECK_TIMEOUT_SECONDS'],
        },
        { ...at, basis: 'nothing starts the promotion: no runbook in the templates performs it' },
        { ...at, value: 96, basis: 'detection 96 s + TTL 0 s (nothing to promote: the other regions already serve)' },
      ],
    };
    const t = timelineOf(lost, 'region');
    expect(t.bars.map((b) => [b.phase, b.seconds, b.nominal])).toEqual([
      ['detection', 96, undefined],
      ['blocked', undefined, undefined],
    ]);
    const gantt = timelineDiagram(lost, 'region').mermaid;
    expect(gantt).toContain('never starts - nothing starts the promotion - no runbook');
    expect(gantt).toMatch(/never recovers by itself - [^\n]*:crit, milestone, never, /);
    // TTL 0: a global load balancer moves traffic without DNS, so no DNS bar is drawn; and no end is claimed.
    expect(gantt).not.toMatch(/cached DNS answer|known steps end|RTO \d/);
  });
});

describe('escaping labels for Mermaid', () => {
  const nasty = 'a "quoted" [bracket] (paren) #hash; semi <tag> | pipe: colon %% pct';

  test('flowchart labels keep no character that ends a quoted label or a statement', () => {
    const text = flowchartText(nasty);
    expect(text.replace(/#(quot|lt|gt|35|59|124);/g, '')).not.toMatch(/["#;<>|]/);
    expect(text).toContain('[bracket] (paren)');
  });

  test('gantt text keeps no colon, semicolon, hash or comment start', () => {
    expect(ganttText(nasty)).not.toMatch(/[:;#"]|%%/);
  });
});

describe('where the pictures show', () => {
  test('WHEN --markdown THEN each service has its three diagrams in mermaid fences, then its derivation', () => {
    const { code, stdout } = cli(outdir, '--markdown');
    expect(code).toBeLessThan(2);
    expect(stdout).toBe(formatMarkdown(report, { diagrams }));
    for (const s of report.services) {
      const section = stdout.slice(stdout.indexOf(`**${s.service}: topology`));
      const fences = section.slice(0, section.indexOf('<details>')).match(/```mermaid\n(flowchart LR|gantt)\n/g);
      expect(fences).toEqual(['```mermaid\nflowchart LR\n', '```mermaid\ngantt\n', '```mermaid\ngantt\n']);
    }
  });

  test('WHEN ha-report --html THEN one page holds the table, findings, every diagram and the inlined bundle', () => {
    const file = path.join(work, 'report.html');
    const { code, stderr } = cli(outdir, '--html', file);
    expect([code < 2, stderr]).toEqual([true, '']);
    const page = fs.readFileSync(file, 'utf8');
    expect(page.match(/<pre class="mermaid">/g)).toHaveLength(report.services.length * 3);
    expect(page).toContain(`content="default-src 'none'`);
    expect(page).toContain('How each figure is derived');
    // The bundle of the installed package, verbatim but for closing tags a script may not hold.
    const bundle = fs.readFileSync(require.resolve('mermaid/dist/mermaid.min.js'), 'utf8');
    expect(page).toContain(bundle.slice(0, 2000).replace(/<\/(script)/gi, '<\\/$1'));
    expect(cli(outdir, '--html').code).toBe(2);
  });

  test('THEN the page escapes what it prints, and a bundle cannot close its script early', () => {
    const page = formatHtml(report, { diagrams, mermaid: 'var x = "</script><b>";' });
    expect(page).toContain('var x = "<\\/script><b>";');
    // Every diagram source is HTML text: the flowcharts' quotes and arrows are entities.
    expect(page).not.toMatch(/<pre class="mermaid">[^<]*"/);
    expect(page).toContain('==&gt;|&quot;async, lag ≤ 1 min');
  });
});

describe("the README's tier diagrams", () => {
  test('THEN they are what scripts/readme-diagrams.ts generates from the examples', () => {
    const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
    for (const { service } of README_TIER_DIAGRAMS) {
      expect(readme).toContain(`<!-- diagrams:${service}:begin`);
    }
    const stale = README_TIER_DIAGRAMS.filter(({ service }) => {
      const section = (text: string) =>
        text.slice(text.indexOf(`<!-- diagrams:${service}:begin`), text.indexOf(`<!-- diagrams:${service}:end`));
      return section(renderReadmeDiagrams(readme, diagrams)) !== section(readme);
    });
    expect(stale.map((d) => `${d.heading}: run npx ts-node --prefer-ts-exts scripts/readme-diagrams.ts`)).toEqual([]);
    expect(renderReadmeDiagrams(readme, diagrams)).toBe(readme);
  });

  test('WHEN a section still has a diagram drawn by hand THEN the generated ones replace it between markers', () => {
    const handDrawn = README_TIER_DIAGRAMS.map(
      (d) => `${d.heading} (x)\n\ntext\n\n\`\`\`mermaid\nflowchart LR\n  a --> b\n\`\`\`\n\nmore text\n`,
    ).join('\n');
    const once = renderReadmeDiagrams(handDrawn, diagrams);
    expect(once).not.toContain('a --> b');
    expect(once.match(/^```mermaid$/gm)).toHaveLength(README_TIER_DIAGRAMS.length * 2);
    expect(once.match(/^more text$/gm)).toHaveLength(README_TIER_DIAGRAMS.length);
    expect(renderReadmeDiagrams(once, diagrams)).toBe(once);
  });
});
