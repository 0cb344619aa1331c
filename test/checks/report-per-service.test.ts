import { checkInputs } from '../../lib/checks/check';
import { main } from '../../lib/checks/cli';
import { formatExplanation, formatMarkdown, formatText } from '../../lib/checks/format';
import { ObjectivesProven } from '../../lib/checks/rules';
import { ServiceTier } from '../../lib/core';
import { cfn, merge } from './fixtures/builders';
import { activeActiveCfn, singleRegionCfn, TIER_0_MANUAL_AZ } from './fixtures/topologies';
import { warmStandby } from './fixtures/warm-standby';

/** The warm standby, with a stack that holds only a key of the service, read first. */
function withKeysStack() {
  const keys = cfn(
    {
      Key: {
        Type: 'AWS::KMS::Key',
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
        Properties: { EnableKeyRotation: true },
      },
    },
    { tier: ServiceTier.TIER_1, name: 'Keys', region: 'us-east-1' },
  );
  return merge(keys, warmStandby());
}

/** The table's row of a service, as printed without colours. */
function rowOf(text: string, service: string): string {
  const rows = text.split('\n').filter((line) => new RegExp(`^\\S+ +${service} +TIER_`).test(line));
  expect(rows).toHaveLength(1);
  return rows[0];
}

describe('one row per service, across its stacks', () => {
  test('GIVEN a service with a stack holding only a key THEN its row is the service: figures over all stacks, the main stack first, the others listed', () => {
    const report = checkInputs(withKeysStack());
    expect(report.services).toHaveLength(1);
    expect(report.services[0]).toMatchObject({
      stack: 'Primary',
      stacks: ['Primary', 'Keys', 'Standby'],
      region: 'us-east-1',
      // The target health check's 65 s, and a gray failure behind the primary's load balancer nothing detects.
      azRtoSeconds: null,
      lowerBounds: { azRto: 65 },
      azRpoSeconds: 0,
    });
    expect(rowOf(formatText(report, false), 'shop')).toMatch(
      /^Primary +shop +TIER_1 +WARM_STANDBY +Keys, Standby +≥ 65 s \? /,
    );
  });

  test('GIVEN the same service THEN perStack keeps each stack on its own, and the rules judge the service once, on its main stack', () => {
    const report = checkInputs(withKeysStack());
    expect(report.perStack!.map((s) => [s.stack, s.azRtoSeconds])).toEqual([
      ['Keys', 0],
      // The standby's load balancer serves after a region failover only: fail-stop alone.
      ['Primary', null],
      ['Standby', 65],
    ]);
    expect(report.perStack!.every((s) => s.stacks.join() === 'Primary,Keys,Standby')).toBe(true);
    const findings = checkInputs(withKeysStack(), { rules: [ObjectivesProven] }).findings;
    expect(findings.map((f) => f.stack)).toEqual(['Primary']);
    expect(findings[0].message).toMatch(/^service shop across Primary, Keys, Standby cannot be shown to meet TIER_1/);
  });

  test('GIVEN a service in one stack THEN "other stacks" is empty (—)', () => {
    expect(rowOf(formatText(checkInputs(singleRegionCfn(ServiceTier.TIER_2)), false), 'shop')).toMatch(
      /^App +shop +TIER_2 +\S+ +— +0 s ✓/,
    );
  });
});

describe('unproven figures and the verdict', () => {
  test('GIVEN a region RTO with an unknown step THEN the row shows the known lower bound with ? and says unproven, not no', () => {
    const report = checkInputs(warmStandby());
    expect(report.services[0]).toMatchObject({
      regionRtoSeconds: null,
      lowerBounds: { regionRto: 336, azRto: 65, regionRpo: null },
      objectivesMet: false,
      overall: 'unproven',
    });
    const row = rowOf(formatText(report, false), 'shop');
    expect(row).toContain(' ≥ 336 s ? ');
    expect(row).not.toContain('—');
    expect(row).toMatch(/ unproven$/);
    expect(formatMarkdown(report)).toContain(
      '| Primary | shop | TIER_1 | WARM_STANDBY | Standby | ≥ 65 s ? | 0 s ✓ | ≥ 336 s ? | unknown ? | 99.970003% ✓ | unproven |',
    );
  });

  test('GIVEN a figure with nothing known (a restore time) THEN it shows unknown ?', () => {
    const row = rowOf(formatText(checkInputs(singleRegionCfn(ServiceTier.TIER_3)), false), 'shop');
    expect(row).toMatch(/ unknown \? /);
    expect(row).toMatch(/ unproven$/);
  });

  test.each([
    ['an objective not met', 'not-met', 'no', singleRegionCfn(ServiceTier.TIER_0)],
    // TIER_0's AZ RTO cannot be shown met for a gray failure (the zonal shift has no published time): the same
    // topology at a tier that is not statically stable.
    ['every objective met', 'met', 'yes', activeActiveCfn(false, TIER_0_MANUAL_AZ)],
  ])('GIVEN %s THEN the verdict is %s (%s)', (_, overall, text, inputs) => {
    const report = checkInputs(inputs);
    expect(report.services[0].overall).toBe(overall);
    expect(rowOf(formatText(report, false), 'shop')).toMatch(new RegExp(` ${text}$`));
  });

  test('GIVEN a region RTO not met because nothing starts the failover THEN no lower bound is shown: it is unbounded', () => {
    const report = checkInputs(warmStandby({ runbooks: 'none' }));
    expect(report.services[0].lowerBounds.regionRto).toBeNull();
    expect(rowOf(formatText(report, false), 'shop')).toMatch(/ — ✗ /);
  });
});

describe('ha-report --explain', () => {
  function explain(): string {
    let out = '';
    const io = {
      stdout: (t: string) => {
        out += t;
      },
      stderr: () => undefined,
      isTty: false,
    };
    main(['--explain', 'test/checks/fixtures/assembly'], io);
    return out;
  }

  test('GIVEN the warm standby THEN every step of every figure is listed by service and figure, with value or unknown, basis and published figures', () => {
    const text = formatExplanation(checkInputs(warmStandby()), false).split('\n');
    expect(text[2]).toBe('shop: TIER_1 WARM_STANDBY, stacks Primary (main), Standby');
    const from = (heading: string) => text.slice(text.findIndex((l) => l.startsWith(`  ${heading}:`)));
    expect(from('AZ RTO')[0]).toBe('  AZ RTO: ≥ 65 s ?  (objective ≤ 2 min)');
    const rto = from('region RTO');
    expect(rto[0]).toBe('  region RTO: ≥ 336 s ?  (objective ≤ 15 min)');
    expect(rto.slice(1, 6)).toEqual([
      expect.stringMatching(
        /^ {4}36 s {5}Primary\/Check: health check every 10 s, 3 failures, .* \[published: ROUTE53_HTTP_CHECK_TIMEOUT_SECONDS, ROUTE53_ALIAS_ELB_TTL_SECONDS\]$/,
      ),
      expect.stringMatching(/^ {4}5 min {4}Standby\/Promote: a person is paged, decides to fail over/),
      expect.stringMatching(
        /^ {4}unknown {2}Primary\/Database: Aurora Global Database failover .* \[published: AURORA_GLOBAL_MANAGED_FAILOVER_SECONDS\]$/,
      ),
      expect.stringMatching(/^ {4}unknown {2}Standby\/Fleet: scales from 3 to 6: launch time is not published/),
      expect.stringMatching(/^ {4}336 s {4}Primary\/service:shop: detection 36 s \+ max\(TTL 60 s, decision 300 s/),
    ]);
    expect(from('availability')[1]).toMatch(
      /^ {4}99\.99% +Primary\/Lb: us-east-1: in series \[published: ELASTIC_LOAD_BALANCING\]$/,
    );
  });

  test('WHEN the CLI runs with --explain THEN the explanation follows the table, before the findings', () => {
    const out = explain();
    const table = out.indexOf('stack ');
    const explanation = out.indexOf('How each figure is derived');
    const findings = out.indexOf('ERROR   HA-');
    expect(table).toBeGreaterThanOrEqual(0);
    expect(explanation).toBeGreaterThan(table);
    expect(findings).toBeGreaterThan(explanation);
    expect(out).toContain('shop: TIER_3 BACKUP_RESTORE, stacks Shop-Primary (main), ProdShop');
    expect(out).toContain('    no step: nothing in the templates contributes to it');
  });
});
