import { composeKOfN, composeParallel, composeSerial, downtimeMinutes } from '../../lib/core';

describe('availability algebra', () => {
  test.each([
    [[0.99, 0.99], 0.9801],
    [[0.9999, 0.9999, 0.9995], 0.999300109995],
    [[1, 0.5], 0.5],
    [[0.999], 0.999],
  ])('composeSerial(%j) = %d', (list, expected) => {
    expect(composeSerial(list)).toBe(expected);
  });

  test.each([
    [[0.99, 0.99], 0.9999],
    [[0.9, 0.9, 0.9], 0.999],
    [[0.9999, 0.9999], 0.99999999],
    [[0, 0.5], 0.5],
  ])('composeParallel(%j) = %d', (list, expected) => {
    expect(composeParallel(list)).toBe(expected);
  });

  test.each([
    [2, 3, 0.99, 0.999702],
    [1, 3, 0.9, 0.999],
    [3, 3, 0.9, 0.729],
    [1, 1, 0.95, 0.95],
    [3, 5, 0.9, 0.99144],
  ])('composeKOfN(%d, %d, %d) = %d', (k, n, a, expected) => {
    expect(composeKOfN(k, n, a)).toBe(expected);
  });

  test('1-of-n equals parallel and n-of-n equals serial', () => {
    expect(composeKOfN(1, 2, 0.99)).toBe(composeParallel([0.99, 0.99]));
    expect(composeKOfN(2, 2, 0.99)).toBe(composeSerial([0.99, 0.99]));
  });

  test.each([
    [() => composeSerial([]), 'availabilities must list at least one value, got: []'],
    [() => composeParallel([]), 'availabilities must list at least one value, got: []'],
    [() => composeSerial([0.9, 1.2]), 'availabilities[1] must be between 0 and 1 inclusive, got: 1.2'],
    [() => composeParallel([-0.1]), 'availabilities[0] must be between 0 and 1 inclusive, got: -0.1'],
    [() => composeKOfN(4, 3, 0.9), 'k must not exceed n (3), got: 4'],
    [() => composeKOfN(0, 3, 0.9), 'k must be an integer of at least 1, got: 0'],
    [() => composeKOfN(1, 0, 0.9), 'n must be an integer of at least 1, got: 0'],
    [() => composeKOfN(2, 3, 2), 'availability must be between 0 and 1 inclusive, got: 2'],
    [() => downtimeMinutes(0.999, 0), 'windowDays must be a positive number, got: 0'],
  ])('%#: rejects bad input', (call, message) => {
    expect(call).toThrow(new RangeError(message));
  });

  test.each([
    [0.999, 30, 43.2],
    [0.9999, 30, 4.32],
    [0.995, 365, 2628],
  ])('downtimeMinutes(%d, %d) = %d', (a, days, minutes) => {
    expect(downtimeMinutes(a, days)).toBe(minutes);
  });
});
