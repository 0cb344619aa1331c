import { DrStrategy, primaryFleetCapacity, staticallyStableCapacity, standbyFleetCapacity } from '../../lib/core';

describe('staticallyStableCapacity', () => {
  test.each([
    // required, azs, perAz, total, afterAzLoss
    [6, 3, 3, 9, 6],
    [4, 2, 4, 8, 4],
    [1, 3, 1, 3, 2],
    [10, 3, 5, 15, 10],
    [7, 3, 4, 12, 8],
    [9, 4, 3, 12, 9],
  ])('%d required over %d AZs: %d per AZ, %d in all, %d after losing one', (required, azs, perAz, total, after) => {
    expect(staticallyStableCapacity(required, azs)).toEqual({ perAz, total, afterAzLoss: after });
  });

  test('losing any one AZ always leaves the required capacity', () => {
    for (let azs = 2; azs <= 6; azs++) {
      for (let required = 1; required <= 50; required++) {
        const { perAz, total } = staticallyStableCapacity(required, azs);
        expect(total - perAz).toBeGreaterThanOrEqual(required);
        // and it is the smallest such per-AZ count
        expect((perAz - 1) * (azs - 1)).toBeLessThan(required);
      }
    }
  });

  test.each([
    [6, 1, 'azCount must be an integer of at least 2 (static stability needs a surviving AZ), got: 1'],
    [6, 2.5, 'azCount must be an integer of at least 2 (static stability needs a surviving AZ), got: 2.5'],
    [0, 3, 'required must be an integer of at least 1, got: 0'],
    [1.5, 3, 'required must be an integer of at least 1, got: 1.5'],
  ])('rejects required=%d, azCount=%d', (required, azs, message) => {
    expect(() => staticallyStableCapacity(required, azs)).toThrow(new RangeError(message));
  });
});

describe('fleet capacity per role', () => {
  test.each([
    // required, max, azs, statically stable → min/desired, perAz
    [6, 20, 3, true, 9, 3],
    [6, 20, 3, false, 6, 2],
    [1, 10, 3, false, 3, 1],
    [4, 10, 2, true, 8, 4],
  ])(
    'primary: %d required, max %d, %d AZs, stable=%s → %d (%d per AZ)',
    (required, max, azs, stable, desired, perAz) => {
      expect(primaryFleetCapacity(required, max, azs, stable)).toEqual({ min: desired, desired, max, perAz });
    },
  );

  const primary = primaryFleetCapacity(6, 20, 3, true);
  test.each([
    [DrStrategy.ACTIVE_ACTIVE, undefined, 9],
    [DrStrategy.WARM_STANDBY, undefined, 3],
    [DrStrategy.WARM_STANDBY, 6, 6],
    [DrStrategy.PILOT_LIGHT, undefined, 0],
    [DrStrategy.BACKUP_RESTORE, undefined, 0],
  ])('standby of %s (standbyCapacity %s) runs %d and keeps the primary maximum', (strategy, standby, desired) => {
    expect(standbyFleetCapacity(primary, strategy, 3, standby)).toEqual({
      min: desired,
      desired,
      max: 20,
      perAz: Math.ceil(desired / 3),
    });
  });
});
