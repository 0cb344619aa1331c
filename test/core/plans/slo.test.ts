import * as fc from 'fast-check';
import {
  alarmPeriodSeconds,
  burnRateAlerts,
  errorBudgetExhaustion,
  planSlo,
  ServiceTier,
  SloIntent,
  SloPlan,
  sloWindowLabel,
} from '../../../lib/core';

const LB: SloIntent = { monitor: 'cloudwatch', loadBalancer: true };

function plan(intent: Partial<SloIntent> = {}, tier = ServiceTier.TIER_1): SloPlan {
  return planSlo(tier, { ...LB, ...intent });
}

function firstProblem(intent: Partial<SloIntent>, tier = ServiceTier.TIER_1) {
  return plan(intent, tier).problems[0];
}

/** The alerts as [severity, burn rate, long period, short period, threshold]. */
function rows(p: SloPlan, sli = 0) {
  return p.slis[sli].alerts.map((a) => [
    a.severity,
    a.burnRate,
    a.long.periodSeconds,
    a.short.periodSeconds,
    a.errorRateThreshold,
  ]);
}

describe('planSlo by table', () => {
  test('TIER_1 over 30 days: the workbook table at 0.0005 of budget, and the 7-day budget alarm', () => {
    const p = plan();
    expect(p.problems).toEqual([]);
    expect(p.warnings).toEqual([]);
    expect(p).toMatchObject({ target: 0.9995, targetPercent: 99.95, windowDays: 30, windowSeconds: 2592000 });
    expect(rows(p)).toEqual([
      ['page', 14.4, 3600, 300, 0.0072],
      ['page', 6, 21600, 1800, 0.003],
      ['ticket', 1, 259200, 21600, 0.0005],
    ]);
    expect(p.slis[0].alerts.map((a) => [a.name, a.long.label, a.short.label, a.long.periodMinutes])).toEqual([
      ['Burn1h', '1h', '5m', 60],
      ['Burn6h', '6h', '30m', 360],
      ['Burn3d', '3d', '6h', 4320],
    ]);
    expect(p.slis[0]).toMatchObject({
      name: 'Availability',
      budgetRatio: '0.0005',
      errorRatio: {
        expression: '(FILL(target5xx, 0) + FILL(elb5xx, 0)) / total',
        inputs: ['target5xx', 'elb5xx', 'total'],
        statistic: 'Sum',
      },
      budgetExhausted: {
        rangeSeconds: 604800,
        periodSeconds: 604800,
        label: '7d',
        errorRateThreshold: 0.00214285714286,
        coversWindow: false,
      },
    });
    expect(p.windowAlarm).toEqual({
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      comparison: 'above',
      missingDataBreaches: false,
    });
    expect(p.budgetAlarm).toEqual({
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      comparison: 'atOrAbove',
      missingDataBreaches: false,
    });
    expect(p.alerts).toEqual(burnRateAlerts(0.9995, 30));
  });

  test('28 days: windows scale by 28/30 and are measured over whole minutes; thresholds stay', () => {
    expect(rows(plan({ windowDays: 28 }))).toEqual([
      ['page', 14.4, 3360, 300, 0.0072],
      ['page', 6, 20160, 1680, 0.003],
      ['ticket', 1, 241920, 20160, 0.0005],
    ]);
  });

  test('a window short enough to scale the short window below a minute measures it over one minute', () => {
    // 1 day: 5 min × 1/30 = 10 s, 30 min × 1/30 = 60 s, 6 h × 1/30 = 12 min.
    const p = plan({ monitor: 'cloud-monitoring', windowDays: 1 });
    expect(p.slis[0].alerts.map((a) => [a.short.seconds, a.short.periodSeconds, a.short.periodMinutes])).toEqual([
      [10, 60, 1],
      [60, 60, 1],
      [720, 720, 12],
    ]);
  });

  test('a fractional window keeps the budget alarm on whole minutes', () => {
    const p = plan({ windowDays: 1.0001 });
    expect(p.slis[0].budgetExhausted).toMatchObject({ rangeSeconds: 86408.64, periodSeconds: 86400, label: '1d' });
  });

  test('the SLIs: good and total requests, a latency SLI at its own target, a synthetic SLI', () => {
    const p = plan({
      loadBalancer: true,
      latencyThreshold: { seconds: 0.25 },
      latencyTarget: 0.99,
      syntheticSuccess: true,
    });
    expect(p.slis.map((s) => [s.name, s.target, s.errorRatio.expression])).toEqual([
      ['Availability', 0.9995, '(FILL(target5xx, 0) + FILL(elb5xx, 0)) / total'],
      ['Latency', 0.99, '1 - fast / 100'],
      ['Synthetic', 0.9995, '1 - success / 100'],
    ]);
    expect(p.slis[1].alerts.map((a) => a.errorRateThreshold)).toEqual([0.144, 0.06, 0.01]);
    expect(p.latency).toEqual({ thresholdSeconds: 0.25, target: 0.99 });
    expect(plan({ loadBalancer: false, goodRequests: true, totalRequests: true }).slis[0].errorRatio).toEqual({
      expression: '(total - good) / total',
      inputs: ['good', 'total'],
      statistic: 'Sum',
    });
    expect(plan({ syntheticSuccess: true }).slis[1].errorRatio.statistic).toBeUndefined();
  });

  test('Cloud Monitoring: probes at the tier interval, with the default path', () => {
    const p = plan({
      monitor: 'cloud-monitoring',
      notificationChannelCount: 1,
      probes: [{ region: 'us-east1' }, { region: 'us-central1', path: '/ready' }],
    });
    expect(p.problems).toEqual([]);
    expect(p.probe).toEqual({
      periodSeconds: 60,
      timeoutSeconds: 10,
      port: 443,
      alignmentPeriodSeconds: 1200,
      failingLocationsAbove: 1,
      durationSeconds: 60,
      paths: ['/health/ready', '/ready'],
    });
    expect(plan({ monitor: 'cloud-monitoring' }, ServiceTier.TIER_2).probe.periodSeconds).toBe(300);
  });

  test('no probes: a warning that an outage without traffic goes unnoticed', () => {
    expect(plan({ monitor: 'cloud-monitoring', probes: [] }).warnings).toEqual([
      { id: 'probes', message: expect.stringContaining('probes is empty') },
    ]);
  });

  test.each<[Partial<SloIntent>, string, string]>([
    [
      { target: 0.999 },
      'target',
      "target must be at least TIER_1's availability target 0.9995 (a looser SLO spends more than the tier's error budget), got: 0.999",
    ],
    [{ target: 1 }, 'target', 'target must be strictly between 0 and 1 (e.g. 0.999), got: 1'],
    [{ target: Number.NaN }, 'target', 'target must be a finite number, got: NaN'],
    [
      { monitor: 'cloud-monitoring', target: 0.99995 },
      'target',
      'target must be at most 0.9999 (the highest goal a Cloud Monitoring SLO takes), got: 0.99995',
    ],
    [{ latencyTarget: 1.2 }, 'latencyTarget', 'latencyTarget must be strictly between 0 and 1 (e.g. 0.999), got: 1.2'],
    [
      { latencyThreshold: { seconds: 0.25 }, latencyTarget: 0.9 },
      'latencyTarget',
      'latencyTarget must leave an error budget the 14.4x burn-rate alert can express (14.4 × (1 − latencyTarget) below 1, so above 0.930556), got: 0.9',
    ],
    [
      { latencyThreshold: { seconds: 0, shown: '0 millis' } },
      'latencyThreshold',
      'latencyThreshold must be greater than 0, got: 0 millis',
    ],
    [
      { latencyThreshold: { seconds: Number.NaN } },
      'latencyThreshold',
      'latencyThreshold must be greater than 0, got: NaN seconds',
    ],
    [
      { loadBalancer: false, goodRequests: true, totalRequests: true, latencyThreshold: {} },
      'latencyThreshold',
      'latencyThreshold needs loadBalancer (the latency SLI reads its TargetResponseTime), got: no loadBalancer',
    ],
    [
      { loadBalancer: false, syntheticSuccess: false },
      'loadBalancer',
      'SloAlarms needs an SLI: pass loadBalancer, goodRequests and totalRequests, or syntheticSuccessPercent, got: none',
    ],
    [
      { loadBalancer: false, propNames: { loadBalancer: 'loadBalancerArnSuffix' } },
      'loadBalancerArnSuffix',
      'SloAlarms needs an SLI: pass loadBalancerArnSuffix, or goodRequests and totalRequests, got: none',
    ],
    [
      { loadBalancer: false, totalRequests: true },
      'totalRequests',
      'goodRequests and totalRequests must be passed together, got: only totalRequests',
    ],
    [
      { goodRequests: true, totalRequests: true },
      'loadBalancer',
      'pass either loadBalancer or goodRequests and totalRequests for the availability SLI, got: both',
    ],
    [
      { windowDays: 90 },
      'windowDays',
      'windowDays must keep every burn-rate window within the 604800 seconds (7 days) a CloudWatch alarm can evaluate, got: 90 (a window of 777600 seconds)',
    ],
    [{ windowDays: 0.05 }, 'windowDays', 'windowDays must be a number of days of at least 1, got: 0.05'],
    [
      { monitor: 'cloud-monitoring', windowDays: 31 },
      'windowDays',
      "windowDays must be an integer from 1 to 30 (Cloud Monitoring's rolling periods), got: 31",
    ],
    [
      { monitor: 'cloud-monitoring', windowDays: 7.5, propNames: { windowDays: 'sloWindowDays' } },
      'sloWindowDays',
      "sloWindowDays must be an integer from 1 to 30 (Cloud Monitoring's rolling periods), got: 7.5",
    ],
    [
      { pageUrls: ['https://ok.example.com', undefined, 'http://pager.example.com'] },
      'pageUrls',
      'pageUrls must be HTTPS endpoints (https://...), got: http://pager.example.com',
    ],
    [
      { incidentResponse: true, responsePlan: true },
      'incidentResponse',
      "pass either incidentResponse or responsePlan for the page alarm's incidents, got: both",
    ],
    [
      { notificationChannelCount: 0 },
      'notificationChannels',
      'notificationChannels must list at least one channel (an alert nobody receives does not page), got: none',
    ],
    [
      { probes: [{ region: 'us-east1' }, { region: 'us-east1' }] },
      'probes',
      'probes must have one probe per region, got: us-east1 more than once',
    ],
    [
      { probes: [{ region: 'us-east1-b', regionIsValid: false }] },
      'probes',
      'probes must name regions such as us-central1, got: us-east1-b',
    ],
    [
      { probes: [{ region: 'us-east1', path: 'healthz' }] },
      'probes',
      'probes[0].path must start with \'/\' and contain no whitespace, got: "healthz"',
    ],
  ])('%#: %j is refused, naming %s', (intent, prop, message) => {
    expect(firstProblem(intent)).toEqual({ prop, message });
  });

  test('a custom tier too loose for the fastest page refuses its default target', () => {
    const tier = ServiceTier.custom({
      name: 'batch',
      strategy: ServiceTier.TIER_3.strategy,
      availabilityTarget: 0.9,
      minAzs: 2,
      minRegions: 1,
      azRtoSeconds: 900,
      azRpoSeconds: 0,
      regionRtoSeconds: 86400,
      regionRpoSeconds: 86400,
    });
    expect(firstProblem({}, tier)).toEqual({
      prop: 'target',
      message:
        'target must leave an error budget the 14.4x burn-rate alert can express (14.4 × (1 − target) below 1, so above 0.930556), got: 0.9',
    });
  });

  test('a custom tier whose probe interval an uptime check cannot run is refused on Cloud Monitoring only', () => {
    const tier = ServiceTier.custom({
      name: 'slow',
      strategy: ServiceTier.TIER_2.strategy,
      availabilityTarget: 0.999,
      minAzs: 2,
      minRegions: 2,
      azRtoSeconds: 900,
      azRpoSeconds: 0,
      regionRtoSeconds: 3600,
      regionRpoSeconds: 900,
      probeIntervalMinutes: 2,
    });
    expect(firstProblem({ monitor: 'cloud-monitoring' }, tier)).toEqual({
      prop: 'tier.probeIntervalMinutes',
      message: 'tier.probeIntervalMinutes must be one of 1, 5, 10, 15 for an uptime check, got: 2',
    });
    expect(plan({}, tier).problems).toEqual([]);
  });

  test('unknown values (tokens) skip their checks', () => {
    expect(plan({ latencyThreshold: {}, pageUrls: [undefined], probes: [{}, {}] }).problems).toEqual([]);
  });

  test.each([
    [3600, '1h'],
    [300, '5m'],
    [259200, '3d'],
    [3360, '56m'],
    [90, '90s'],
  ])('sloWindowLabel(%d) = %s', (seconds, label) => {
    expect(sloWindowLabel(seconds)).toBe(label);
  });
});

describe('planSlo by property', () => {
  const anyTier = fc.constantFrom(...ServiceTier.BUILT_IN);
  const cloudwatch = fc.record({
    tier: anyTier,
    windowDays: fc.oneof(fc.integer({ min: 1, max: 70 }), fc.double({ min: 1, max: 70, noNaN: true })),
    slack: fc.double({ min: 0, max: 1, noNaN: true }),
  });

  test('a valid CloudWatch intent plans whole-minute periods within 7 days, thresholds = burn rate × (1 − target)', () => {
    fc.assert(
      fc.property(cloudwatch, ({ tier, windowDays, slack }) => {
        const target = tier.availabilityTarget + slack * (0.99999 - tier.availabilityTarget);
        const p = planSlo(tier, { ...LB, windowDays, target });
        expect(p.problems).toEqual([]);
        expect(p.slis).toHaveLength(1);
        for (const alert of p.slis[0].alerts) {
          for (const w of [alert.long, alert.short]) {
            expect(w.periodSeconds % 60).toBe(0);
            expect(w.periodSeconds).toBeGreaterThanOrEqual(60);
            expect(w.periodSeconds).toBeLessThanOrEqual(604800);
            expect(w.periodSeconds).toBe(alarmPeriodSeconds(w.seconds));
          }
          expect(alert.errorRateThreshold).toBeLessThan(1);
          expect(alert.errorRateThreshold).toBeCloseTo(alert.burnRate * (1 - target), 10);
        }
        const budget = p.slis[0].budgetExhausted;
        expect(budget.periodSeconds % 60).toBe(0);
        expect(budget.errorRateThreshold).toBe(errorBudgetExhaustion(target, windowDays).errorRateThreshold);
        // Pages come first, fastest first; the ticket last.
        expect(p.slis[0].alerts.map((a) => a.severity)).toEqual(['page', 'page', 'ticket']);
      }),
    );
  });

  test('a window outside what the monitor takes is refused naming windowDays, never thrown', () => {
    const bad = fc.oneof(
      fc.record({
        monitor: fc.constant('cloudwatch' as const),
        windowDays: fc.oneof(
          fc.double({ min: -100, max: 0.999, noNaN: true }),
          fc.double({ min: 70.01, max: 1e6, noNaN: true }),
          fc.constant(Number.NaN),
        ),
      }),
      fc.record({
        monitor: fc.constant('cloud-monitoring' as const),
        windowDays: fc.oneof(
          fc.integer({ min: 31, max: 1000 }),
          fc.integer({ min: -10, max: 0 }),
          fc.double({ min: 1.01, max: 29.99, noNaN: true }).filter((d) => !Number.isInteger(d)),
        ),
      }),
    );
    fc.assert(
      fc.property(anyTier, bad, (tier, intent) => {
        const p = planSlo(tier, { ...intent, loadBalancer: true });
        expect(p.problems.map((x) => x.prop)).toEqual(['windowDays']);
        expect(p.problems[0].message).toContain(`got: ${intent.windowDays}`);
        // The plan still holds the default window's alerts.
        expect(p.windowDays).toBe(30);
      }),
    );
  });

  test('a target looser than the tier is refused naming target', () => {
    fc.assert(
      fc.property(anyTier, fc.double({ min: 0.5, max: 1, noNaN: true, maxExcluded: true }), (tier, target) => {
        fc.pre(target < tier.availabilityTarget);
        expect(planSlo(tier, { ...LB, target }).problems[0]?.prop).toBe('target');
      }),
    );
  });
});
