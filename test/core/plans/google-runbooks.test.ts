import * as fc from 'fast-check';
import { DrStrategy, ServiceTier } from '../../../lib/core';
import {
  FailoverAlertConditionIntent,
  FailoverAlertIntent,
  FailoverWorkflowsIntent,
  failbackWorkflowPlan,
  failoverAlertEvidence,
  failoverWorkflowsProblems,
  failoverWorkflowsWarnings,
  promotionWorkflowPlan,
  scaleUpWorkflowPlan,
} from '../../../lib/core/plans/google-runbooks';

const INTENT: FailoverWorkflowsIntent = {
  tier: ServiceTier.TIER_2,
  drReplica: true,
  standbyAutoscaler: true,
  primaryMinInstances: 2,
  standbyMinInstances: 0,
  region: 'europe-west4',
  primaryRegion: 'europe-west1',
  drReplicaRegion: 'europe-west4',
  standbyRegion: 'europe-west4',
  trigger: { alarm: false, decisionSeconds: 900 },
};

describe('failoverWorkflowsProblems', () => {
  test('a pilot light with a person who decides in 15 minutes has none', () => {
    expect(failoverWorkflowsProblems(INTENT)).toEqual([]);
  });

  test.each<[Partial<FailoverWorkflowsIntent>, string, string]>([
    [
      { drReplica: false, standbyAutoscaler: false },
      'drReplica',
      'drReplica or standbyFleet must be given: a runbook with nothing to fail over, got: neither',
    ],
    [
      { tier: ServiceTier.TIER_3 },
      'tier',
      'tier must keep a standby region to fail over to, got: TIER_3 (BACKUP_RESTORE)',
    ],
    [
      { trigger: undefined },
      'trigger',
      'trigger must say what starts the promotion and scale-up workflows (FailoverTrigger.alert or ' +
        'FailoverTrigger.operator): a runbook nobody starts recovers nothing, got: none',
    ],
    [
      { tier: ServiceTier.TIER_0 },
      'trigger',
      'trigger must be an alert for TIER_0: ACTIVE_ACTIVE fails over with no human step, got: an operator',
    ],
    [
      { trigger: { alarm: false, decisionSeconds: 0 } },
      'trigger',
      'trigger decisionSeconds must be longer than 0, got: 0',
    ],
    [
      { primaryMinInstances: 1.5 },
      'primaryMinInstances',
      'primaryMinInstances must be a whole number of instances, got: 1.5',
    ],
    [{ standbyMinInstances: 3 }, 'standbyFleet', 'standbyFleet must run fewer instances than the primary, got: 3 > 2'],
    [
      { primaryMinInstances: 0 },
      'primaryFleet',
      'primaryFleet must keep at least one instance for the standby to scale to, got: 0',
    ],
    [
      { region: 'europe-west1' },
      'region',
      'region must be the standby region: a runbook in the primary region europe-west1 is lost with it, got: europe-west1',
    ],
    [
      { standbyRegion: 'europe-west2' },
      'standbyFleet',
      "standbyFleet must be in the workflows' region europe-west4, the standby region, got: europe-west2",
    ],
  ])('%j is a problem of %s', (change, prop, message) => {
    expect(failoverWorkflowsProblems({ ...INTENT, ...change })).toEqual([{ prop, message }]);
  });

  test('what is unknown at synthesis is not judged', () => {
    const unknown = { region: undefined, primaryMinInstances: undefined, standbyMinInstances: undefined };
    expect(failoverWorkflowsProblems({ ...INTENT, ...unknown })).toEqual([]);
  });
});

/** Every step of a definition, switch branches included, as `[id, body]`. */
function stepsOf(definition: Record<string, unknown>): [string, Record<string, unknown>][] {
  const walk = (steps: Record<string, Record<string, unknown>>[]): [string, Record<string, unknown>][] =>
    steps.flatMap((s) => {
      const [[id, body]] = Object.entries(s);
      const branches = (body.switch as { steps?: Record<string, Record<string, unknown>>[] }[] | undefined) ?? [];
      return [[id, body] as [string, Record<string, unknown>], ...walk(branches.flatMap((b) => b.steps ?? []))];
    });
  return walk((definition.main as { steps: Record<string, Record<string, unknown>>[] }).steps);
}

describe('the workflow plans', () => {
  const tier = ServiceTier.TIER_2;
  const trigger = { alarm: true };

  test('promotion: refuses a run without a mode, fails over or switches over, and waits up to the region RTO', () => {
    const plan = promotionWorkflowPlan({ service: 'catalog', tier, region: 'europe-west4', trigger });
    const steps = new Map(stepsOf(plan.definition));
    expect([...steps.keys()]).toEqual(
      expect.arrayContaining(['checkMode', 'readReplica', 'alreadyWriter', 'replicaFailover', 'switchover', 'confirm']),
    );
    expect(steps.get('replicaFailover')).toEqual({
      call: 'googleapis.sqladmin.v1.instances.promoteReplica',
      args: { project: '${project}', instance: '${replica}', failover: true, connector_params: { timeout: 3600 } },
    });
    // An alert's Pub/Sub notification fails over only when an incident opens.
    expect(JSON.stringify(steps.get('onlyOpened'))).toContain('map.get(incident, \\"state\\") != \\"open\\"');
    expect(plan.failover).toEqual({ step: 'promotion', startedBy: 'alarm', decisionSeconds: 0 });
  });

  test('scale-up: raises the minimum once, then waits for the group until the region RTO has passed', () => {
    const plan = scaleUpWorkflowPlan({ service: 'catalog', tier: ServiceTier.TIER_1, region: 'europe-west4' });
    const steps = new Map(stepsOf(plan.definition));
    expect(JSON.stringify(steps.get('setMinimum'))).toContain('scaler.autoscalingPolicy.minNumReplicas != target');
    expect(JSON.stringify(steps.get('stableYet'))).toContain(`waited >= ${ServiceTier.TIER_1.regionRtoSeconds}`);
    // No trigger given: a person, whose time is unknown.
    expect(plan.failover).toEqual({ step: 'scale-up', startedBy: 'operator', decisionSeconds: undefined });
  });

  test('failback: only after Cloud SQL has made the old primary a DR replica again, then back to the standby size', () => {
    const plan = failbackWorkflowPlan({
      service: 'catalog',
      tier,
      region: 'europe-west4',
      drReplica: true,
      standbyAutoscaler: true,
    });
    const ids = stepsOf(plan.definition).map(([id]) => id);
    expect(ids.indexOf('primaryIsDrReplica')).toBeLessThan(ids.indexOf('switchBack'));
    expect(ids.indexOf('switchBack')).toBeLessThan(ids.indexOf('patchAutoscaler'));
    expect(Object.keys(plan.env)).toContain('HA_STANDBY_MIN_INSTANCES');
    expect(plan.failover).toBeUndefined();
  });

  test('every tier with a standby region gets a definition whose timeouts are its region RTO', () => {
    for (const t of ServiceTier.BUILT_IN.filter((x) => x.strategy !== DrStrategy.BACKUP_RESTORE)) {
      const text = JSON.stringify(promotionWorkflowPlan({ service: 's', tier: t, region: 'r' }).definition);
      expect(text).toContain(`"timeout":${t.regionRtoSeconds}`);
    }
  });
});

describe('failoverAlertEvidence', () => {
  const UPTIME = 'metric.type="monitoring.googleapis.com/uptime_check/check_passed" AND resource.type="uptime_url"';
  const counting = (change: Partial<FailoverAlertConditionIntent> = {}): FailoverAlertConditionIntent => ({
    kind: 'threshold',
    filter: UPTIME,
    comparison: 'COMPARISON_GT',
    thresholdValue: 1,
    crossSeriesReducer: 'REDUCE_COUNT_FALSE',
    groupByFields: ['resource.label.*'],
    ...change,
  });
  const latency: FailoverAlertConditionIntent = {
    kind: 'threshold',
    filter: 'metric.type="loadbalancing.googleapis.com/https/total_latencies"',
    comparison: 'COMPARISON_GT',
    thresholdValue: 2000,
  };
  const evidence = (conditions: FailoverAlertConditionIntent[], combiner?: string) =>
    failoverAlertEvidence({ name: 'primary down', combiner, conditions });

  test('GIVEN the worked example of its doc THEN 2 of 6 corroborate, 1 does not, 4 of 3 never opens', () => {
    expect(evidence([counting({ checkerRegions: [] })])).toEqual({
      corroborated: true,
      why: 'opens when uptime checks fail from at least 2 checker locations of 6',
    });
    expect(evidence([counting({ thresholdValue: 0 })]).corroborated).toBe(false);
    expect(
      evidence([counting({ thresholdValue: 3, checkerRegions: ['EUROPE', 'SOUTH_AMERICA', 'ASIA_PACIFIC'] })]),
    ).toEqual({
      corroborated: false,
      why:
        'needs 4 failing locations of the 3 checkers its uptime check runs from: it never opens, and nothing ' +
        'starts the runbooks',
    });
  });

  test.each<[string, FailoverAlertConditionIntent[], string | undefined, boolean | undefined]>([
    ['OR of two corroborated conditions', [counting(), counting({ thresholdValue: 2 })], 'OR', true],
    ['OR with a one-region condition: it opens alone', [counting(), latency], 'OR', false],
    ['no combiner (OR) with a one-region condition', [latency, counting()], undefined, false],
    ['AND with a one-region condition: the uptime count must agree', [latency, counting()], 'AND', true],
    ['AND_WITH_MATCHING_RESOURCE of one-region conditions', [latency, latency], 'AND_WITH_MATCHING_RESOURCE', false],
    ['AND of an unread and a one-region condition', [{ kind: 'query' }, latency], 'AND', undefined],
    ['OR of an unread and a corroborated condition', [{ kind: 'query' }, counting()], 'OR', undefined],
    ['GE 2', [counting({ comparison: 'COMPARISON_GE', thresholdValue: 2 })], 'OR', true],
    ['GE 1.5 (2 locations)', [counting({ comparison: 'COMPARISON_GE', thresholdValue: 1.5 })], 'OR', true],
    ['GT 0.5 (1 location)', [counting({ thresholdValue: 0.5 })], 'OR', false],
    ['LT: compares the count the other way', [counting({ comparison: 'COMPARISON_LT' })], 'OR', undefined],
    ['REDUCE_NONE', [counting({ crossSeriesReducer: 'REDUCE_NONE' })], 'OR', false],
    [
      'grouped by metric.label.checker_location',
      [counting({ groupByFields: ['metric.label.checker_location'] })],
      'OR',
      false,
    ],
    ['a filter from a variable', [counting({ filter: undefined })], 'OR', undefined],
    ['an unknown checker region', [counting({ checkerRegions: ['MARS'] })], 'OR', true],
    [
      'an SLO burn rate',
      [{ kind: 'threshold', filter: 'select_slo_burn_rate("projects/p/slos/s", "60m")' }],
      'OR',
      false,
    ],
    ['no condition', [], 'OR', undefined],
  ])('%s', (_, conditions, combiner, corroborated) => {
    expect(evidence(conditions, combiner).corroborated).toBe(corroborated);
  });
});

describe('failoverWorkflowsWarnings', () => {
  const ALERT: FailoverWorkflowsIntent = {
    ...INTENT,
    trigger: { alarm: true, decisionSeconds: undefined },
    topic: 'projects/shop/topics/primary-down',
  };
  const corroborated: FailoverAlertIntent = {
    name: 'primary down',
    conditions: [
      {
        kind: 'threshold',
        filter: 'metric.type="monitoring.googleapis.com/uptime_check/check_passed"',
        comparison: 'COMPARISON_GT',
        thresholdValue: 1,
        crossSeriesReducer: 'REDUCE_COUNT_FALSE',
      },
    ],
  };

  test('GIVEN a person decides, or an alert only scales the standby THEN none: no write at stake', () => {
    expect(failoverWorkflowsWarnings(INTENT)).toEqual([]);
    expect(failoverWorkflowsWarnings({ ...ALERT, drReplica: false })).toEqual([]);
  });

  test('GIVEN a corroborated alert THEN none', () => {
    expect(failoverWorkflowsWarnings({ ...ALERT, alerts: [corroborated] })).toEqual([]);
  });

  test.each<[string, FailoverAlertIntent[] | undefined, RegExp]>([
    [
      'no policy given',
      undefined,
      /^trigger is an alert on projects\/shop\/topics\/primary-down whose policies the construct cannot see/,
    ],
    [
      'a second policy on one region',
      [corroborated, { name: 'errors', conditions: [{ kind: 'threshold', filter: 'metric.type="x/errors"' }] }],
      /^trigger alert errors watches x\/errors: one signal from one place.*: one vantage point promotes the DR/,
    ],
    [
      'a policy it cannot read',
      [{ name: 'mql', conditions: [{ kind: 'query' }] }],
      /^trigger alert mql has a query condition .*: whether more than one vantage point must agree/,
    ],
  ])('GIVEN %s THEN it warns under the trigger id', (_, alerts, message) => {
    expect(failoverWorkflowsWarnings({ ...ALERT, alerts })).toEqual([
      { id: 'trigger', message: expect.stringMatching(message) },
    ]);
  });
});

describe('failoverAlertEvidence, by property', () => {
  // The proofs' seed and run count (test/proofs/harness.ts), without loading the whole checker.
  const fcParams = () => ({
    seed: Number(process.env.FC_SEED ?? 20261127),
    numRuns: Number(process.env.FC_RUNS ?? 200),
  });
  const REGIONS = ['USA', 'USA_OREGON', 'USA_IOWA', 'USA_VIRGINIA', 'EUROPE', 'SOUTH_AMERICA', 'ASIA_PACIFIC'];
  const checkerRegions = fc.subarray(REGIONS);
  const condition: fc.Arbitrary<FailoverAlertConditionIntent> = fc.oneof(
    fc.record({
      kind: fc.constant('threshold' as const),
      filter: fc.constantFrom(
        'metric.type="monitoring.googleapis.com/uptime_check/check_passed"',
        'metric.type="loadbalancing.googleapis.com/https/request_count"',
      ),
      comparison: fc.constantFrom('COMPARISON_GT', 'COMPARISON_GE', 'COMPARISON_LT'),
      thresholdValue: fc.double({ min: -2, max: 10, noNaN: true }),
      crossSeriesReducer: fc.constantFrom('REDUCE_COUNT_FALSE', 'REDUCE_NONE', 'REDUCE_MEAN'),
      checkerRegions,
    }),
    fc.constant<FailoverAlertConditionIntent>({ kind: 'query' }),
  );

  test('GIVEN one count of failing locations THEN corroborated exactly when 2 to the checkers must fail', () => {
    fc.assert(
      fc.property(fc.double({ min: -2, max: 10, noNaN: true }), checkerRegions, (threshold, regions) => {
        const evidence = failoverAlertEvidence({
          name: 'down',
          conditions: [
            {
              kind: 'threshold',
              filter: 'metric.type="monitoring.googleapis.com/uptime_check/check_passed"',
              comparison: 'COMPARISON_GT',
              thresholdValue: threshold,
              crossSeriesReducer: 'REDUCE_COUNT_FALSE',
              checkerRegions: regions,
            },
          ],
        });
        const failing = Math.floor(threshold) + 1;
        const usa = regions.includes('USA') ? ['USA_OREGON', 'USA_IOWA', 'USA_VIRGINIA'] : [];
        const checkers = regions.length === 0 ? 6 : new Set([...regions.filter((r) => r !== 'USA'), ...usa]).size;
        expect(evidence.corroborated).toBe(failing >= 2 && failing <= checkers);
      }),
      fcParams(),
    );
  });

  test('GIVEN an OR policy THEN no added condition makes it corroborated; GIVEN AND THEN none takes it away', () => {
    fc.assert(
      fc.property(fc.array(condition, { minLength: 1, maxLength: 4 }), condition, (conditions, added) => {
        const before = (combiner: string) => failoverAlertEvidence({ name: 'x', combiner, conditions }).corroborated;
        const after = (combiner: string) =>
          failoverAlertEvidence({ name: 'x', combiner, conditions: [...conditions, added] }).corroborated;
        if (before('OR') !== true) {
          expect(after('OR')).not.toBe(true);
        }
        if (before('AND') === true) {
          expect(after('AND')).toBe(true);
        }
      }),
      fcParams(),
    );
  });
});
