import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { addAllExamples } from '../../examples';
import { checkInputs, compareWithBaseline, FigureChange, main } from '../../lib/checks';
import { GraphInputs } from '../../lib/checks/graph/load';
import { ServiceTier } from '../../lib/core';
import { activeActiveCfn, activeActiveTf, singleRegionCfn } from './fixtures/topologies';
import { cdkJsonApp } from '../util';

function changes(before: GraphInputs, after: GraphInputs): FigureChange[] {
  return [...compareWithBaseline(checkInputs(before), checkInputs(after), 'baseline.json').changes];
}

describe('compareWithBaseline', () => {
  test.each<[string, GraphInputs, GraphInputs, FigureChange[]]>([
    [
      'a Route 53 check every 30 s instead of 10 s: the region RTO grows',
      activeActiveTf(),
      activeActiveTf({ type: 'HTTPS', request_interval: 30, failure_threshold: 3 }),
      [{ service: 'shop', quantity: 'regionRto', before: '96 s ✓', after: '156 s ✗', worse: true }],
    ],
    [
      'survivors that must scale out: a proven region RTO becomes unproven',
      activeActiveCfn(),
      activeActiveCfn(true),
      [{ service: 'shop', quantity: 'regionRto', before: '96 s ✓', after: '≥ 96 s ?', worse: true }],
    ],
    [
      'the reverse: better, not worse',
      activeActiveCfn(true),
      activeActiveCfn(),
      [{ service: 'shop', quantity: 'regionRto', before: '≥ 96 s ?', after: '96 s ✓', worse: false }],
    ],
    ['nothing changed', activeActiveCfn(), activeActiveCfn(), []],
  ])('GIVEN %s', (_, before, after, expected) => {
    expect(changes(before, after)).toEqual(expected);
  });

  test('GIVEN a service gone and another added THEN the gone one is a regression, the new one is listed', () => {
    const renamed = singleRegionCfn(ServiceTier.TIER_3);
    const comparison = compareWithBaseline(
      checkInputs(activeActiveCfn()),
      { ...checkInputs(renamed), services: [] },
      'b.json',
    );
    expect(comparison).toMatchObject({ removed: ['shop'], added: [], regressed: true });
    const back = compareWithBaseline({ services: [], findings: [] }, checkInputs(renamed), 'b.json');
    expect(back).toMatchObject({ removed: [], added: ['shop'], regressed: false });
  });

  test('GIVEN a tier change and new findings THEN both are listed', () => {
    const comparison = compareWithBaseline(
      checkInputs(singleRegionCfn(ServiceTier.TIER_3)),
      checkInputs(singleRegionCfn(ServiceTier.TIER_1)),
      'b.json',
    );
    expect(comparison.tierChanges).toEqual([{ service: 'shop', before: 'TIER_3', after: 'TIER_1' }]);
    expect(comparison.newFindings.map((f) => f.rule)).toContain('HA-RES1');
  });
});

describe('ha-report --baseline on the examples', () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'ha-baseline-'));
  const synthesized = path.join(work, 'cdk.out');
  const changed = path.join(work, 'changed.out');
  const baseline = path.join(work, 'ha-report.json');

  function report(...argv: string[]): { code: number; stdout: string; stderr: string } {
    let stdout = '';
    let stderr = '';
    const code = main(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), isTty: false });
    return { code, stdout, stderr };
  }

  beforeAll(() => {
    const app = cdkJsonApp({ outdir: synthesized });
    addAllExamples(app, { printReport: false });
    app.synth();
    const saved = report(synthesized, '--json');
    expect(saved).toMatchObject({ code: 0, stderr: '' });
    fs.writeFileSync(baseline, saved.stdout);
    // The same output with the Tier 2 primary's target health checked every 60 s instead of every 30 s (a TIER_2 AZ
    // RTO is its fail-stop figure; TIER_0's and TIER_1's are a gray failure's, which a slower check does not change).
    fs.cpSync(synthesized, changed, { recursive: true });
    const file = path.join(changed, 'Tier2-us-east-1.template.json');
    const template = JSON.parse(fs.readFileSync(file, 'utf8'));
    const groups = Object.values<{ Type: string; Properties: Record<string, unknown> }>(template.Resources).filter(
      (r) => r.Type === 'AWS::ElasticLoadBalancingV2::TargetGroup',
    );
    expect(groups.map((g) => g.Properties.HealthCheckIntervalSeconds)).toEqual([30]);
    groups.forEach((g) => (g.Properties.HealthCheckIntervalSeconds = 60));
    fs.writeFileSync(file, JSON.stringify(template));
  });

  test('GIVEN the same output THEN it exits 0: no figure changed', () => {
    const result = report(synthesized, '--baseline', baseline);
    expect(result.stdout).toContain(`Compared with ${baseline}: no figure changed.\n`);
    expect(result.code).toBe(0);
  });

  test('GIVEN a slower target health check THEN it exits 1 naming the figure that got worse, before and after', () => {
    const result = report(changed, '--baseline', baseline);
    expect(result.stdout).toContain(
      `Compared with ${baseline}: 1 regression(s): a figure got worse or a service is gone.\n` +
        '  worse   catalog AZ RTO: 95 s ✓ → 185 s ✓\n',
    );
    expect(result.code).toBe(1);
  });

  test('GIVEN the change reverted THEN it exits 0: a figure improved, nothing got worse', () => {
    const worse = path.join(work, 'worse.json');
    fs.writeFileSync(worse, report(changed, '--json').stdout);
    const result = report(synthesized, '--baseline', worse);
    expect(result.stdout).toContain(
      `Compared with ${worse}: nothing got worse; some figures improved.\n  better  catalog AZ RTO: 185 s ✓ → 95 s ✓\n`,
    );
    expect(result.code).toBe(0);
  });

  test('GIVEN --markdown THEN the pull-request comment has the before/after table', () => {
    const result = report(changed, '--baseline', baseline, '--markdown');
    expect(result.stdout).toContain(
      '### Compared with the baseline\n\n1 regression(s): a figure got worse or a service is gone.\n\n' +
        '| change | service | figure | before | after |\n|---|---|---|---|---|\n| ⚠️ worse | catalog | AZ RTO | 95 s ✓ | 185 s ✓ |\n',
    );
    expect(result.code).toBe(1);
  });

  test('GIVEN a file that is not a saved report THEN it exits 2 saying what is expected', () => {
    const result = report(synthesized, `--baseline=${path.join(synthesized, 'manifest.json')}`);
    expect(result.stderr).toContain('is not a report saved by ha-report --json');
    expect(result.code).toBe(2);
  });
});
