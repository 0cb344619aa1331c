import { cronMaxGapDays, ServiceTier } from '../../../lib/core';
import {
  planRegionSwitchoverDrill,
  RegionSwitchoverDrillIntent,
} from '../../../lib/core/plans/region-switchover-drill';

const INTENT: RegionSwitchoverDrillIntent = {
  promotion: true,
  scaleUp: true,
  region: 'europe-west4',
  runbooksRegion: 'europe-west4',
  primaryRegion: 'europe-west1',
  given: { primaryFleet: true, standbyFleet: true, primaryCluster: false, standbyCluster: false },
  primaryMinInstances: 3,
};
/** The same on GKE: same-size clusters, a promotion runbook only. */
const ON_GKE: RegionSwitchoverDrillIntent = {
  ...INTENT,
  scaleUp: false,
  given: { primaryFleet: false, standbyFleet: false, primaryCluster: true, standbyCluster: true },
  primaryMinInstances: undefined,
  clusters: { primaryNodes: 9, primaryPods: 9, standbyNodes: 9, standbyPods: 9 },
};
const NO_BACKENDS = { primaryFleet: false, standbyFleet: false, primaryCluster: false, standbyCluster: false };
type Steps = Record<string, Record<string, unknown>>[];

/** Each subworkflow's steps, try, except, switch and for blocks included, as `[id, body]` in order. */
function stepsBySubworkflow(definition: Record<string, unknown>): Map<string, [string, Record<string, unknown>][]> {
  const result = new Map<string, [string, Record<string, unknown>][]>();
  for (const [name, workflow] of Object.entries(definition) as [string, { steps: Steps }][]) {
    const found: [string, Record<string, unknown>][] = [];
    const walk = (steps: Steps) => {
      for (const s of steps) {
        const [[id, body]] = Object.entries(s);
        found.push([id, body]);
        walk([
          ...((body.switch as { steps?: Steps }[]) ?? []).flatMap((b) => b.steps ?? []),
          ...(((body.try as { steps?: Steps }) ?? {}).steps ?? []),
          ...(((body.except as { steps?: Steps }) ?? {}).steps ?? []),
          ...(((body.for as { steps?: Steps }) ?? {}).steps ?? []),
        ]);
      }
    };
    walk(workflow.steps);
    result.set(name, found);
  }
  return result;
}

describe('planRegionSwitchoverDrill', () => {
  test('TIER_2: an hour served from the standby (the fast page’s long window), each wait bounded by the region RTO', () => {
    const plan = planRegionSwitchoverDrill(ServiceTier.TIER_2, { ...INTENT, schedule: '0 9 15 1,4,7,10 *' });
    expect(plan).toMatchObject({
      holdMinutes: 60,
      stepTimeoutSeconds: 3600,
      pollSeconds: 15,
      scheduleGapDays: 92,
      measuredSteps: ['promotion', 'scale-up'],
      problems: [],
      warnings: [],
    });
  });

  // intent change, prop, what the message says
  test.each<[string, Partial<RegionSwitchoverDrillIntent>, string, string]>([
    ['no runbook to time', { promotion: false, scaleUp: false }, 'runbooks', 'got: a failback only'],
    ['in the primary region', { region: 'europe-west1' }, 'region', 'is lost with it, got: europe-west1'],
    [
      'away from its runbooks',
      { region: 'europe-west3' },
      'region',
      "the runbooks' region europe-west4, got: europe-west3",
    ],
    [
      'timing another standby',
      { standbyRegion: 'europe-west3' },
      'standbyFleet',
      "must serve in the runbooks' region europe-west4, got: one in europe-west3",
    ],
    ['with no backends', { given: NO_BACKENDS }, 'primaryFleet', 'or primaryCluster and standbyCluster, must be given'],
    [
      'with half a pair',
      { given: { ...NO_BACKENDS, primaryFleet: true } },
      'standbyFleet',
      'standbyFleet must be given with primaryFleet, got: none',
    ],
    [
      'with a fleet and a cluster',
      { given: { ...NO_BACKENDS, primaryFleet: true, standbyCluster: true } },
      'standbyCluster',
      'must not be given with primaryFleet or standbyFleet',
    ],
    ['held for no time', { holdMinutes: 0 }, 'holdMinutes', 'from 1 to 720, got: 0'],
    ['held for a fraction', { holdMinutes: 2.5 }, 'holdMinutes', 'got: 2.5'],
    ['with a schedule of six fields', { schedule: '0 0 9 15 1 *' }, 'schedule', 'five fields'],
    ['with a schedule that is no cron', { schedule: '0 9 32 * *' }, 'schedule', 'got: 0 9 32 * *'],
  ])('GIVEN a drill %s THEN one problem names the prop and what is allowed', (_, change, prop, message) => {
    const { problems } = planRegionSwitchoverDrill(ServiceTier.TIER_2, { ...INTENT, ...change });
    expect(problems).toEqual([{ prop, message: expect.stringContaining(message) }]);
  });

  test('on GKE: the promotion alone is timed, and the standby must show min(nodes, pods) of the primary healthy', () => {
    const plan = planRegionSwitchoverDrill(ServiceTier.TIER_1, ON_GKE);
    expect(plan).toMatchObject({
      measuredSteps: ['promotion'],
      servingMinimum: 9,
      stepTimeoutSeconds: 900,
      problems: [],
    });
    // Fewer pods than nodes: only as many nodes as pods can pass a Local node port's health check.
    const fewerPods = { ...ON_GKE.clusters, primaryPods: 6, standbyPods: 6 };
    expect(planRegionSwitchoverDrill(ServiceTier.TIER_1, { ...ON_GKE, clusters: fewerPods }).servingMinimum).toBe(6);
    expect(planRegionSwitchoverDrill(ServiceTier.TIER_2, INTENT).servingMinimum).toBe(3);
  });

  // intent change, prop, what the message says
  test.each<[string, Partial<RegionSwitchoverDrillIntent>, string, string]>([
    [
      'with fewer standby nodes',
      { clusters: { ...ON_GKE.clusters, standbyNodes: 3 } },
      'standbyCluster',
      "got: 3 nodes and 9 pods for the primary's 9 and 9",
    ],
    [
      'with fewer standby pods',
      { clusters: { ...ON_GKE.clusters, standbyPods: 3 } },
      'standbyCluster',
      'no runbook resizes a node pool',
    ],
    ['with a fleet scale-up runbook', { scaleUp: true }, 'runbooks', 'got: a scale-up workflow'],
    [
      'timing a standby cluster elsewhere',
      { standbyRegion: 'europe-west3' },
      'standbyCluster',
      "standbyCluster must serve in the runbooks' region europe-west4",
    ],
  ])('GIVEN a GKE drill %s THEN one problem names the prop and what is allowed', (_, change, prop, message) => {
    const { problems } = planRegionSwitchoverDrill(ServiceTier.TIER_1, { ...ON_GKE, ...change });
    expect(problems).toEqual([{ prop, message: expect.stringContaining(message) }]);
  });

  test('GIVEN a tier with one region THEN the drill is refused: there is nothing to fail over to', () => {
    const { problems } = planRegionSwitchoverDrill(ServiceTier.TIER_3, INTENT);
    expect(problems.map((p) => p.prop)).toEqual(['tier']);
  });

  test('GIVEN a schedule sparser than the drill interval THEN a warning says its measurements go stale between runs', () => {
    const { warnings, problems } = planRegionSwitchoverDrill(ServiceTier.TIER_2, {
      ...INTENT,
      schedule: '0 9 1 1,7 *',
    });
    expect(problems).toEqual([]);
    expect(warnings).toEqual([
      {
        id: 'schedule',
        message: expect.stringContaining("runs up to 184 days apart, longer than TIER_2's drill interval of 92 days"),
      },
    ]);
  });

  describe('the definition', () => {
    const steps = stepsBySubworkflow(planRegionSwitchoverDrill(ServiceTier.TIER_2, INTENT).definition);
    const main = steps.get('main')!;
    const index = (id: string) => main.findIndex(([s]) => s === id);

    test('every jump and every subworkflow call lands, and no subworkflow names a step twice', () => {
      for (const [name, list] of steps) {
        const ids = list.map(([id]) => id);
        expect([name, ids.filter((id, i) => ids.indexOf(id) !== i)]).toEqual([name, []]);
        const jumps = JSON.stringify(list).match(/"next":"(\w+)"/g) ?? [];
        for (const jump of jumps.map((j) => j.slice(8, -1))) {
          expect([name, ids.includes(jump)]).toEqual([name, true]);
        }
      }
      const calls = [...JSON.stringify([...steps.values()]).matchAll(/"call":"(\w+)"/g)].map((m) => m[1]);
      const subworkflows = calls.filter((c) => !c.includes('.'));
      expect(subworkflows.filter((c) => !steps.has(c))).toEqual([]);
      expect(new Set(subworkflows)).toEqual(new Set(['stopRequested', 'waitHealthy', 'waitServing', 'setCapacity']));
    });

    test('the freeze check comes before anything is touched; promotion, scale-up, drain and failback in that order', () => {
      const order = [
        'notInFreeze',
        'promote',
        'scaleUp',
        'standbyHealthy',
        'drainPrimary',
        'standbyServes',
        'undrain',
        'failBack',
      ];
      const at = order.map(index);
      expect(at.every((i) => i >= 0)).toBe(true);
      expect([...at].sort((a, b) => a - b)).toEqual(at);
      expect(main.find(([id]) => id === 'promote')![1]).toMatchObject({
        call: 'googleapis.workflowexecutions.v1.projects.locations.workflows.executions.run',
        args: { argument: { mode: 'switchover' } },
      });
    });

    test('the drain and its undoing name every primary group: each gets back the scaler the drain found', () => {
      const drain = main.find(([id]) => id === 'drainPrimary')![1];
      expect(drain).toMatchObject({ args: { groups: '${primaryGroups}', scaler: 0, previous: null } });
      expect(main.find(([id]) => id === 'undrain')![1]).toMatchObject({
        args: { groups: '${primaryGroups}', scaler: null, previous: '${originalScalers}' },
      });
      const setCapacity = JSON.stringify(steps.get('setCapacity'));
      expect(setCapacity).toContain('{\\"capacityScaler\\": map.get(previous, k)}');
      expect(setCapacity).toContain('k in groupKeys and previous == null');
      // A group the backend service does not send to fails the drill before anything is patched.
      const ids = steps.get('setCapacity')!.map(([id]) => id);
      expect(ids.indexOf('found')).toBeLessThan(ids.indexOf('patchService'));
      expect(JSON.stringify(steps.get('waitHealthy'))).toContain('"in":"${groups}"');
    });

    test('a failure restores the primary’s capacity before the failback runbook, then fails the run', () => {
      const drill = main.find(([id]) => id === 'drill')![1] as { except: { steps: Steps } };
      const rollback = stepsBySubworkflow({ r: { steps: drill.except.steps } })
        .get('r')!
        .map(([id]) => id);
      expect(rollback.indexOf('undrainOnFailure')).toBeLessThan(rollback.indexOf('failBackOnFailure'));
      expect(rollback[rollback.length - 1]).toBe('reraise');
    });

    test('the result lists each measurement as recordDrillMeasurement takes it, the decision only with the page’s time', () => {
      const done = main.find(([id]) => id === 'listMeasurements')![1] as { assign: [{ measurements: unknown[] }] };
      expect(done.assign[0].measurements).toEqual([
        {
          step: 'promotion',
          seconds: '${promotionSeconds}',
          measuredOn: '${text.substring(time.format(started), 0, 10)}',
          drill: '${drill}',
        },
        expect.objectContaining({ step: 'scale-up', seconds: '${scaleUpSeconds}' }),
      ]);
      expect(JSON.stringify(main.find(([id]) => id === 'decisionTimed'))).toContain('"step":"decision"');
    });
  });
});

describe('cronMaxGapDays', () => {
  test.each<[string, number | undefined]>([
    ['0 10 * * *', 1],
    ['0 10 * * TUE', 7],
    ['0 10 * * 1-5', 3],
    ['0 9 1 * *', 31],
    ['0 9 15 1,4,7,10 *', 92],
    ['0 9 1 JAN,JUL *', 184],
    ['0 9 1 */3 *', 92],
    // Both day fields restricted: either matches (the 1st, or any Sunday).
    ['0 9 1 * 0', 7],
    ['0 9 1 * 7', 7],
    ['0 0 29 2 *', 1461],
    ['0 0 30 2 *', Infinity],
    ['0 9 32 * *', undefined],
    ['0 9 1 *', undefined],
    ['@monthly', undefined],
  ])('%s runs at most %s days apart', (schedule, days) => {
    expect(cronMaxGapDays(schedule)).toBe(days);
  });
});
