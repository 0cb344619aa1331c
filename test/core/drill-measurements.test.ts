import {
  DRILL_MEASUREMENTS_METADATA_KEY,
  DRILL_STEPS,
  DrillMeasurement,
  drillMeasurementAge,
  drillMeasurementEntry,
  drillMeasurementProblems,
  DrStrategy,
  HaValidationError,
  measuredResourceOf,
  parseDrillMeasurements,
  ServiceTier,
  validateDrillMeasurement,
} from '../../lib/core';

const TODAY = new Date('2026-03-10T12:00:00Z');
const VALID: DrillMeasurement = {
  step: 'scale-up',
  seconds: 420,
  measuredOn: '2026-03-02',
  drill: 'RegionEvacuationDrill experiment EXP1',
};

describe('drill measurements', () => {
  test('the key and the steps are those the report counts', () => {
    expect(DRILL_MEASUREMENTS_METADATA_KEY).toBe('ha-constructs:drill-measurements');
    expect(DRILL_STEPS).toEqual([
      'decision',
      'promotion',
      'writer-creation',
      'scale-up',
      'restore',
      'zone-evacuation',
      'database-failover',
    ]);
  });

  test('GIVEN a valid measurement THEN it has no problem and is written without its step, keys in a fixed order', () => {
    expect(drillMeasurementProblems(VALID, TODAY)).toEqual([]);
    expect(validateDrillMeasurement(VALID, TODAY)).toBe(VALID);
    expect(
      Object.keys(drillMeasurementEntry({ drill: 'd', measuredOn: '2026-01-01', seconds: 1, step: 'restore' })),
    ).toEqual(['seconds', 'measuredOn', 'drill']);
  });

  test('GIVEN a step no resource of the engine concerns THEN the problem says where it goes instead', () => {
    // CloudFormation has no type a zone evacuation is recorded on: it is measured on Google fleets.
    expect(measuredResourceOf([], 'zone-evacuation', [], 'App/Stack/Fleet')).toEqual({
      problem:
        'scope cannot hold a zone-evacuation measurement on this engine: it goes on ' +
        'google_compute_region_instance_group_manager, got: App/Stack/Fleet',
    });
  });

  test('a measurement dated today (UTC) is not in the future', () => {
    expect(drillMeasurementProblems({ ...VALID, measuredOn: '2026-03-10' }, TODAY)).toEqual([]);
  });

  // prop, value, what the message says is allowed
  test.each<[keyof DrillMeasurement, unknown, string]>([
    [
      'step',
      'failback',
      'step must be one of decision, promotion, writer-creation, scale-up, restore, zone-evacuation, database-failover, got: "failback"',
    ],
    [
      'step',
      undefined,
      'step must be one of decision, promotion, writer-creation, scale-up, restore, zone-evacuation, database-failover, got: undefined',
    ],
    ['seconds', 0, "seconds must be a finite number of seconds above 0 (the worst of the drill's runs), got: 0"],
    ['seconds', -5, "seconds must be a finite number of seconds above 0 (the worst of the drill's runs), got: -5"],
    ['seconds', NaN, "seconds must be a finite number of seconds above 0 (the worst of the drill's runs), got: NaN"],
    [
      'seconds',
      Infinity,
      "seconds must be a finite number of seconds above 0 (the worst of the drill's runs), got: Infinity",
    ],
    [
      'seconds',
      '420',
      'seconds must be a finite number of seconds above 0 (the worst of the drill\'s runs), got: "420"',
    ],
    ['measuredOn', '2026-02-30', 'measuredOn must be a UTC date YYYY-MM-DD that exists, got: "2026-02-30"'],
    ['measuredOn', '2026-3-2', 'measuredOn must be a UTC date YYYY-MM-DD that exists, got: "2026-3-2"'],
    [
      'measuredOn',
      '2026-03-02T10:00:00Z',
      'measuredOn must be a UTC date YYYY-MM-DD that exists, got: "2026-03-02T10:00:00Z"',
    ],
    ['measuredOn', '2026-03-11', 'measuredOn must be a date not after today (2026-03-10 UTC), got: "2026-03-11"'],
    [
      'drill',
      '  ',
      'drill must be a non-empty text naming the drill and its run (e.g. a FIS experiment id), got: "  "',
    ],
  ])('GIVEN %s %p THEN the problem names it, the value and what is allowed', (prop, value, message) => {
    const measurement = { ...VALID, [prop]: value };
    expect(drillMeasurementProblems(measurement, TODAY)).toEqual([{ prop, message }]);
    let error: unknown;
    try {
      validateDrillMeasurement(measurement as DrillMeasurement, TODAY);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(HaValidationError);
    expect(error).toMatchObject({ message, prop });
  });

  test('GIVEN several props wrong THEN each is named once', () => {
    expect(drillMeasurementProblems({ step: 'x', seconds: -1 }, TODAY).map((p) => p.prop)).toEqual([
      'step',
      'seconds',
      'measuredOn',
      'drill',
    ]);
  });

  describe('parseDrillMeasurements', () => {
    test('reads the records written under the key, in the order of a failover', () => {
      expect(
        parseDrillMeasurements({
          'scale-up': drillMeasurementEntry(VALID),
          decision: { seconds: 240, measuredOn: '2026-03-02', drill: 'game day 2026-Q1' },
        }),
      ).toEqual({
        measurements: [{ step: 'decision', seconds: 240, measuredOn: '2026-03-02', drill: 'game day 2026-Q1' }, VALID],
        rejected: [],
      });
    });

    test('rejects what is not a map of records, and each malformed record with its problem', () => {
      expect(parseDrillMeasurements([VALID]).rejected).toEqual([
        expect.stringContaining('a map of step to { seconds, measuredOn, drill } is expected'),
      ]);
      expect(parseDrillMeasurements('420').measurements).toEqual([]);
      expect(
        parseDrillMeasurements({
          'scale-up': { seconds: 420, measuredOn: '2026-03-02', drill: 'd' },
          failback: { seconds: 60, measuredOn: '2026-03-02', drill: 'd' },
          promotion: { seconds: 0, measuredOn: 'last week', drill: 'd' },
        }),
      ).toEqual({
        measurements: [{ step: 'scale-up', seconds: 420, measuredOn: '2026-03-02', drill: 'd' }],
        rejected: [
          expect.stringMatching(
            /^promotion: seconds must be .*; measuredOn must be a UTC date YYYY-MM-DD that exists, got: "last week"/,
          ),
          expect.stringMatching(/^failback: step must be one of/),
        ],
      });
    });

    test('leaves a date after today to the reader, which knows its own date', () => {
      expect(
        parseDrillMeasurements({ restore: { seconds: 3600, measuredOn: '2999-01-01', drill: 'd' } }).rejected,
      ).toEqual([]);
    });
  });

  describe('drillMeasurementAge', () => {
    test.each([
      // measuredOn, interval, freshUntil, stale, future
      ['2026-03-02', 92, '2026-06-02', false, false],
      ['2025-12-08', 92, '2026-03-10', false, false],
      ['2025-12-07', 92, '2026-03-09', true, false],
      ['2026-03-11', 92, '2026-06-11', false, true],
      ['2025-03-10', 366, '2026-03-11', false, false],
    ])('measured on %s, interval %d days: fresh until %s', (measuredOn, interval, freshUntil, stale, future) => {
      expect(drillMeasurementAge({ ...VALID, measuredOn }, interval, TODAY)).toEqual({ freshUntil, stale, future });
    });
  });

  describe('the tier decides staleness', () => {
    test.each([
      [ServiceTier.TIER_0, 92],
      [ServiceTier.TIER_1, 92],
      [ServiceTier.TIER_2, 92],
      [ServiceTier.TIER_3, 366],
    ])(
      '%#: drillIntervalDays defaults to a quarter with a second region, a year for backup and restore',
      (tier, days) => {
        expect(tier.drillIntervalDays).toBe(days);
      },
    );

    test('a custom tier may set its own, a whole number of days', () => {
      const props = {
        name: 'payments',
        strategy: DrStrategy.WARM_STANDBY,
        availabilityTarget: 0.9995,
        minAzs: 3,
        minRegions: 2,
        azRtoSeconds: 60,
        azRpoSeconds: 0,
        regionRtoSeconds: 600,
        regionRpoSeconds: 30,
      };
      expect(ServiceTier.custom({ ...props, drillIntervalDays: 30 }).drillIntervalDays).toBe(30);
      expect(ServiceTier.custom(props).drillIntervalDays).toBe(92);
      const allowed = 'drillIntervalDays must be an integer of at least 1, got:';
      expect(() => ServiceTier.custom({ ...props, drillIntervalDays: 0 })).toThrow(`${allowed} 0`);
      expect(() => ServiceTier.custom({ ...props, drillIntervalDays: 1.5 })).toThrow(`${allowed} 1.5`);
    });
  });
});
