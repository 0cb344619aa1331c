import { SRE_WORKBOOK_SLO_WINDOW_DAYS } from '../../lib/core';
import {
  alarmPeriodSeconds,
  CLOUDWATCH_ALARM_MAX_RANGE_SECONDS,
  errorBudgetExhaustion,
} from '../../lib/core/error-budget-policy';

describe('errorBudgetExhaustion', () => {
  test.each<[number, number, number, number, boolean]>([
    // target, window days, range seconds, error-rate threshold, covers the window
    [0.999, 30, 604800, 0.00428571428571, false],
    [0.9995, 30, 604800, 0.00214285714286, false],
    [0.999, 7, 604800, 0.001, true],
    [0.99, 1, 86400, 0.01, true],
    [0.999, 28, 604800, 0.004, false],
  ])(
    'target %p over %p days: range %p s, threshold %p',
    (target, windowDays, rangeSeconds, threshold, coversWindow) => {
      expect(errorBudgetExhaustion(target, windowDays)).toEqual({
        rangeSeconds,
        errorRateThreshold: threshold,
        coversWindow,
      });
    },
  );

  test("the default window is the workbook's and the default range CloudWatch's longest", () => {
    expect(errorBudgetExhaustion(0.999)).toEqual(
      errorBudgetExhaustion(0.999, SRE_WORKBOOK_SLO_WINDOW_DAYS, CLOUDWATCH_ALARM_MAX_RANGE_SECONDS),
    );
  });

  test("errors of the range alone at the threshold spend exactly the window's budget", () => {
    const { rangeSeconds, errorRateThreshold } = errorBudgetExhaustion(0.9995, 30);
    expect(errorRateThreshold * rangeSeconds).toBeCloseTo((1 - 0.9995) * 30 * 86400, 6);
  });

  test.each<[number, number, number, string]>([
    [1, 30, 604800, 'target must be strictly between 0 and 1 (e.g. 0.999), got: 1'],
    [0.999, 0, 604800, 'windowDays must be a positive number, got: 0'],
    [0.999, 30, -1, 'maxRangeSeconds must be a positive number, got: -1'],
  ])('bad input %#', (target, windowDays, maxRange, message) => {
    expect(() => errorBudgetExhaustion(target, windowDays, maxRange)).toThrow(new RangeError(message));
  });
});

describe('alarmPeriodSeconds', () => {
  test.each([
    [300, 300],
    [280, 300],
    [3360, 3360],
    [29, 60],
    [1, 60],
    [89, 60],
    [90, 120],
    [259200, 259200],
  ])('%p s is measured over %p s', (window, period) => {
    expect(alarmPeriodSeconds(window)).toBe(period);
  });

  test('refuses a window that is not positive', () => {
    expect(() => alarmPeriodSeconds(0)).toThrow(new RangeError('windowSeconds must be a positive number, got: 0'));
  });
});
