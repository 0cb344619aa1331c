import { burnRateAlerts, errorBudgetMinutes, fastestPageAlert } from '../../lib/core';

describe('error budget', () => {
  test.each([
    [0.999, 30, 43.2],
    [0.9999, 30, 4.32],
    [0.9995, 30, 21.6],
    [0.995, 30, 216],
    [0.999, 28, 40.32],
    [0.99, 7, 100.8],
  ])('errorBudgetMinutes(%d, %d) = %d', (target, days, minutes) => {
    expect(errorBudgetMinutes(target, days)).toBe(minutes);
  });

  test('defaults to a 30-day window', () => {
    expect(errorBudgetMinutes(0.999)).toBe(43.2);
  });

  test.each([
    [() => errorBudgetMinutes(1), 'target must be strictly between 0 and 1 (e.g. 0.999), got: 1'],
    [() => errorBudgetMinutes(0.999, -1), 'windowDays must be a positive number, got: -1'],
    [() => burnRateAlerts(0), 'target must be strictly between 0 and 1 (e.g. 0.999), got: 0'],
    [() => burnRateAlerts(0.999, 0), 'windowDays must be a positive number, got: 0'],
  ])('%#: rejects bad input', (call, message) => {
    expect(call).toThrow(new RangeError(message));
  });
});

describe('burnRateAlerts', () => {
  test('the SRE workbook table for a 99.9% SLO over 30 days', () => {
    expect(burnRateAlerts(0.999)).toEqual([
      {
        severity: 'page',
        burnRate: 14.4,
        longWindowSeconds: 3600,
        shortWindowSeconds: 300,
        errorRateThreshold: 0.0144,
      },
      { severity: 'page', burnRate: 6, longWindowSeconds: 21600, shortWindowSeconds: 1800, errorRateThreshold: 0.006 },
      {
        severity: 'ticket',
        burnRate: 1,
        longWindowSeconds: 259200,
        shortWindowSeconds: 21600,
        errorRateThreshold: 0.001,
      },
    ]);
  });

  test.each([
    [0.9999, [0.00144, 0.0006, 0.0001]],
    [0.9995, [0.0072, 0.003, 0.0005]],
    [0.995, [0.072, 0.03, 0.005]],
  ])('thresholds are burnRate × (1 − %d)', (target, thresholds) => {
    expect(burnRateAlerts(target).map((a) => a.errorRateThreshold)).toEqual(thresholds);
  });

  test('another window keeps the budget shares: windows scale, burn rates stay', () => {
    const alerts = burnRateAlerts(0.999, 28);
    expect(alerts.map((a) => a.burnRate)).toEqual([14.4, 6, 1]);
    expect(alerts.map((a) => [a.longWindowSeconds, a.shortWindowSeconds])).toEqual([
      [3360, 280],
      [20160, 1680],
      [241920, 20160],
    ]);
    // budget share = burnRate × long window / SLO window: 2%, 5%, 10% as in the 30-day table
    expect(alerts.map((a) => Number(((a.burnRate * a.longWindowSeconds) / (28 * 86400)).toFixed(6)))).toEqual([
      0.02, 0.05, 0.1,
    ]);
  });
});

describe('fastestPageAlert', () => {
  test.each([
    [
      0.999,
      30,
      {
        severity: 'page',
        burnRate: 14.4,
        longWindowSeconds: 3600,
        shortWindowSeconds: 300,
        errorRateThreshold: 0.0144,
      },
    ],
    [
      0.9999,
      30,
      {
        severity: 'page',
        burnRate: 14.4,
        longWindowSeconds: 3600,
        shortWindowSeconds: 300,
        errorRateThreshold: 0.00144,
      },
    ],
    [
      0.9995,
      30,
      {
        severity: 'page',
        burnRate: 14.4,
        longWindowSeconds: 3600,
        shortWindowSeconds: 300,
        errorRateThreshold: 0.0072,
      },
    ],
    [
      0.999,
      28,
      {
        severity: 'page',
        burnRate: 14.4,
        longWindowSeconds: 3360,
        shortWindowSeconds: 280,
        errorRateThreshold: 0.0144,
      },
    ],
    [
      0.99,
      7,
      { severity: 'page', burnRate: 14.4, longWindowSeconds: 840, shortWindowSeconds: 70, errorRateThreshold: 0.144 },
    ],
  ])('fastestPageAlert(%d, %d) is the highest-burn page row', (target, days, expected) => {
    expect(fastestPageAlert(target, days)).toEqual(expected);
  });

  test('THEN it is the page alert with the highest burn rate and the shortest windows of all pages', () => {
    const pages = burnRateAlerts(0.999).filter((a) => a.severity === 'page');
    const fastest = fastestPageAlert(0.999);
    for (const page of pages) {
      expect(fastest.burnRate).toBeGreaterThanOrEqual(page.burnRate);
      expect(fastest.shortWindowSeconds).toBeLessThanOrEqual(page.shortWindowSeconds);
      expect(fastest.longWindowSeconds).toBeLessThanOrEqual(page.longWindowSeconds);
    }
  });

  test('defaults to a 30-day window', () => {
    expect(fastestPageAlert(0.999)).toEqual(fastestPageAlert(0.999, 30));
  });

  test.each([
    [() => fastestPageAlert(1.5), 'target must be strictly between 0 and 1 (e.g. 0.999), got: 1.5'],
    [() => fastestPageAlert(0.999, Number.NaN), 'windowDays must be a positive number, got: NaN'],
  ])('%#: rejects bad input as burnRateAlerts does', (call, message) => {
    expect(call).toThrow(new RangeError(message));
  });
});
