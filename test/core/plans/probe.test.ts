import * as fc from 'fast-check';
import { planProbe, ProbeBlueprint, ProbeIntent, ServiceTier } from '../../../lib/core';

const TIER_1 = ServiceTier.TIER_1;

describe('planProbe', () => {
  test('GIVEN TIER_1 defaults THEN the worked example of its doc', () => {
    const plan = planProbe(TIER_1, { url: 'https://orders.example.com/health/ready' });
    expect(plan).toMatchObject({
      blueprint: ProbeBlueprint.HEARTBEAT,
      method: 'GET',
      intervalMinutes: 1,
      runSeconds: 60,
      requestTimeoutMs: 50_000,
      alarm: { periodSeconds: 60, threshold: 100, periods: 2, treatMissingData: 'breaching' },
      artifacts: {
        retentionDays: 365,
        runRetentionDays: 365,
        infrequentAccessAfterDays: 30,
        glacierAfterDays: 90,
        noncurrentVersionDays: 1,
      },
      problems: [],
    });
    expect(plan.script).toContain("synthetics.executeStep('heartbeat'");
    expect(planProbe(TIER_1, { blueprint: ProbeBlueprint.API }).script).toContain('process.env.PROBE_METHOD');
  });

  test.each<[ProbeIntent, string, string]>([
    [
      { url: 'http://orders.example.com' },
      'url',
      'url must be an https:// URL (the probe must cross TLS as users do), got: http://orders.example.com',
    ],
    [{ intervalMinutes: 61 }, 'intervalMinutes', 'intervalMinutes must be an integer from 1 to 60, got: 61'],
    [{ intervalMinutes: 1.5 }, 'intervalMinutes', 'intervalMinutes must be an integer from 1 to 60, got: 1.5'],
    [
      { successPercentThreshold: 101 },
      'successPercentThreshold',
      'successPercentThreshold must be above 0 and at most 100, got: 101',
    ],
    [{ alarmPeriods: 0 }, 'alarmPeriods', 'alarmPeriods must be an integer of at least 1, got: 0'],
    [
      { artifactRetentionDays: 0.5 },
      'artifactRetentionDays',
      'artifactRetentionDays must be an integer of at least 1, got: 0.5',
    ],
    [{ method: 'HEAD' }, 'method', 'method applies to the API blueprint only, got: HEAD with HEARTBEAT'],
    [
      { blueprint: ProbeBlueprint.API, method: 'post' },
      'method',
      'method must be a read (GET, HEAD or OPTIONS): the probe repeats forever, got: post',
    ],
  ])('GIVEN %j THEN one problem names %s and the value', (intent, prop, message) => {
    expect(planProbe(TIER_1, intent).problems).toEqual([{ prop, message }]);
  });

  test('PROPERTY: a run ends before the next starts, the request times out inside the run, and runs are kept what Synthetics allows', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60 }), fc.integer({ min: 1, max: 3650 }), (intervalMinutes, days) => {
        const plan = planProbe(TIER_1, { intervalMinutes, artifactRetentionDays: days });
        expect(plan.problems).toEqual([]);
        expect(plan.runSeconds).toBeLessThanOrEqual(intervalMinutes * 60);
        expect(plan.requestTimeoutMs).toBeLessThan(plan.runSeconds * 1000);
        expect(plan.requestTimeoutMs).toBeGreaterThan(0);
        expect(plan.alarm.periodSeconds).toBe(intervalMinutes * 60);
        expect(plan.artifacts.runRetentionDays).toBe(Math.min(days, 455));
        // A transition comes before the expiry, and Glacier after Standard-IA.
        for (const after of [plan.artifacts.infrequentAccessAfterDays, plan.artifacts.glacierAfterDays]) {
          expect(after === undefined || after < days).toBe(true);
        }
      }),
    );
  });
});
