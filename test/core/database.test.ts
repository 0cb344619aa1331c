import {
  auroraPostgresMaxConnections,
  connectionAlarmThreshold,
  instanceClassMemoryGiB,
} from '../../lib/core/database';

describe('instanceClassMemoryGiB', () => {
  test.each<[string, number | undefined]>([
    ['r6g.large', 16],
    ['db.r6g.large', 16],
    ['r6g.xlarge', 32],
    ['r7g.2xlarge', 64],
    ['r6i.16xlarge', 512],
    ['r5.24xlarge', 768],
    ['x2g.large', 32],
    ['x2g.16xlarge', 1024],
    ['t4g.medium', 4],
    ['t3.large', 8],
    ['t4g.small', undefined],
    ['m6g.large', undefined],
    ['serverless', undefined],
  ])('%s → %s GiB', (instanceClass, expected) => {
    expect(instanceClassMemoryGiB(instanceClass)).toBe(expected);
  });
});

describe('auroraPostgresMaxConnections', () => {
  test.each<[number, number]>([
    [15.25, 1600], // the documentation's worked example (db.r4.large)
    [16, 1679],
    [32, 3357],
    [4, 420], // db.t3.medium and db.t4g.medium
    [64, 5000],
    [768, 5000],
  ])('%s GiB → %s connections', (memoryGiB, expected) => {
    expect(auroraPostgresMaxConnections(memoryGiB)).toBe(expected);
  });

  test.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY])('%s GiB is a RangeError', (memoryGiB) => {
    expect(() => auroraPostgresMaxConnections(memoryGiB)).toThrow(
      new RangeError(`memoryGiB must be a positive number, got: ${memoryGiB}`),
    );
  });
});

describe('connectionAlarmThreshold', () => {
  test.each<[number, number]>([
    [1678, 1342],
    [5000, 4000],
    [1, 0],
    [10, 8],
  ])('%s → %s', (max, expected) => {
    expect(connectionAlarmThreshold(max)).toBe(expected);
  });

  test.each([0, 1.5, -3])('%s is a RangeError', (max) => {
    expect(() => connectionAlarmThreshold(max)).toThrow(
      new RangeError(`maxConnections must be a positive integer, got: ${max}`),
    );
  });
});
