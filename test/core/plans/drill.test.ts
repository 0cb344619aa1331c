import * as fc from 'fast-check';
import {
  AzEvacuationDrillIntent,
  CLOUDWATCH_LOG_RETENTION_DAYS,
  FIS_MAX_ACTION_MINUTES,
  planAzEvacuationDrill,
  planRegionEvacuationDrill,
  RegionEvacuationDrillIntent,
  ServiceTier,
} from '../../../lib/core';

const { TIER_0, TIER_1, TIER_2, TIER_3 } = ServiceTier;
const ZONES = ['us-east-1a', 'us-east-1b', 'us-east-1c'];
const AZ: AzEvacuationDrillIntent = {
  availabilityZone: 'us-east-1a',
  region: 'us-east-1',
  vpcZones: ZONES,
  subnets: { prop: 'vpc', count: 3 },
  stopCondition: true,
};

describe('planAzEvacuationDrill', () => {
  test('GIVEN TIER_1 defaults THEN the worked example of its doc', () => {
    expect(planAzEvacuationDrill(TIER_1, AZ)).toEqual({
      durationMinutes: 10,
      duration: 'PT10M',
      targets: {
        selectionMode: 'ALL',
        instanceFilters: [
          { path: 'Placement.AvailabilityZone', values: ['us-east-1a'] },
          { path: 'State.Name', values: ['running'] },
        ],
      },
      blockLaunchesPercent: 100,
      completeIfInstancesTerminated: true,
      stopCondition: { source: 'aws:cloudwatch:alarm' },
      experimentOptions: { accountTargeting: 'single-account', emptyTargetResolutionMode: 'fail' },
      logSchemaVersion: 2,
      logRetentionDays: 365,
      problems: [],
      warnings: [],
    });
    expect(planAzEvacuationDrill(TIER_3, AZ).durationMinutes).toBe(30);
    expect(planAzEvacuationDrill(TIER_0, AZ).durationMinutes).toBe(10);
  });

  test('GIVEN a duration under the AZ RTO THEN it is kept, with a warning naming both', () => {
    const plan = planAzEvacuationDrill(TIER_3, { ...AZ, durationMinutes: 5 });
    expect(plan.duration).toBe('PT5M');
    expect(plan.warnings).toEqual([
      {
        id: 'durationMinutes',
        message:
          'durationMinutes is 5 but TIER_3 allows 15 min to recover: the fault ends before the drill can show ' +
          'recovery within the objective',
      },
    ]);
    expect(planAzEvacuationDrill(TIER_3, { ...AZ, durationMinutes: 15 }).warnings).toEqual([]);
  });

  test.each<[Partial<AzEvacuationDrillIntent>, string, string]>([
    [
      { availabilityZone: 'eu-west-1a' },
      'availabilityZone',
      "availabilityZone must be in the stack's region us-east-1, got: eu-west-1a",
    ],
    [
      { availabilityZone: 'us-east-1d' },
      'availabilityZone',
      "availabilityZone must be one of the VPC's zones (us-east-1a, us-east-1b, us-east-1c), got: us-east-1d",
    ],
    [
      { durationMinutes: 0 },
      'durationMinutes',
      'durationMinutes must be an integer from 1 to 720 (the durations FIS actions accept), got: 0',
    ],
    [
      { durationMinutes: 2.5 },
      'durationMinutes',
      'durationMinutes must be an integer from 1 to 720 (the durations FIS actions accept), got: 2.5',
    ],
    [
      { subnets: { prop: 'subnetIds', count: 0 } },
      'subnetIds',
      'subnetIds must hold subnets in us-east-1a to disrupt, got: none',
    ],
    [
      { stopCondition: false },
      'stopConditionAlarm',
      'stopConditionAlarm must name the alarm that stops the experiment (a drill that hurts users more than the ' +
        'tier allows must end at once), got: none',
    ],
    [
      { logRetentionDays: 45 },
      'logRetentionDays',
      `logRetentionDays must be one of ${CLOUDWATCH_LOG_RETENTION_DAYS.join(', ')}, got: 45`,
    ],
  ])('%j: a problem naming the prop and the value', (override, prop, message) => {
    expect(planAzEvacuationDrill(TIER_1, { ...AZ, ...override }).problems).toEqual([{ prop, message }]);
  });

  test('GIVEN values unknown at synthesis THEN the checks that need them are skipped', () => {
    const plan = planAzEvacuationDrill(TIER_1, { stopCondition: true, availabilityZone: 'eu-west-1a' });
    expect(plan.problems).toEqual([]);
    expect(planAzEvacuationDrill(TIER_1, { stopCondition: true }).targets.instanceFilters).toEqual([
      { path: 'State.Name', values: ['running'] },
    ]);
  });

  test('PROPERTY: the default holds the fault twice the AZ RTO, 10 to 720 minutes; a valid duration is kept', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ServiceTier.BUILT_IN),
        fc.option(fc.integer({ min: 1, max: FIS_MAX_ACTION_MINUTES }), { nil: undefined }),
        (tier, durationMinutes) => {
          const plan = planAzEvacuationDrill(tier, { ...AZ, durationMinutes });
          expect(plan.problems).toEqual([]);
          expect(plan.duration).toBe(`PT${plan.durationMinutes}M`);
          if (durationMinutes !== undefined) {
            expect(plan.durationMinutes).toBe(durationMinutes);
            expect(plan.warnings.length).toBe(durationMinutes * 60 < tier.azRtoSeconds ? 1 : 0);
          } else {
            expect(plan.durationMinutes).toBeGreaterThanOrEqual(10);
            expect(plan.durationMinutes).toBeLessThanOrEqual(FIS_MAX_ACTION_MINUTES);
            expect(plan.durationMinutes * 60 >= Math.min(2 * tier.azRtoSeconds, FIS_MAX_ACTION_MINUTES * 60)).toBe(
              true,
            );
            expect(plan.warnings).toEqual([]);
          }
        },
      ),
    );
  });
});

describe('planRegionEvacuationDrill', () => {
  const REGION: RegionEvacuationDrillIntent = { stopCondition: true, stopConditionWindowSeconds: 900 };

  test('GIVEN TIER_1 THEN the worked example: 30 minutes, a stop condition of at least the region RTO', () => {
    const plan = planRegionEvacuationDrill(TIER_1, REGION);
    expect(plan).toMatchObject({
      durationMinutes: 30,
      duration: 'PT30M',
      targets: { selectionMode: 'ALL', instanceFilters: [{ path: 'State.Name', values: ['running'] }] },
      stopCondition: { source: 'aws:cloudwatch:alarm', minWindowSeconds: 900 },
      problems: [],
      warnings: [],
    });
    expect(planRegionEvacuationDrill(TIER_2, { ...REGION, stopConditionWindowSeconds: 3600 }).durationMinutes).toBe(
      120,
    );
  });

  test.each<[ServiceTier, Partial<RegionEvacuationDrillIntent>, string, string]>([
    [
      TIER_3,
      { stopConditionWindowSeconds: undefined },
      'tier',
      'tier must keep a standby region to rehearse evacuating one, got: TIER_3 (BACKUP_RESTORE)',
    ],
    [
      TIER_1,
      { stopConditionWindowSeconds: 120 },
      'stopConditionAlarm',
      "stopConditionAlarm must fire only once users have failed for longer than TIER_1's region RTO of 900 s " +
        '(the drill cuts the region on purpose and the failover takes up to that long), got: an alarm over 120 s ' +
        '(period × datapoints to alarm)',
    ],
    [
      TIER_1,
      { durationMinutes: 721 },
      'durationMinutes',
      'durationMinutes must be an integer from 1 to 720 (the durations FIS actions accept), got: 721',
    ],
  ])('%s %j: a problem naming the prop and the value', (tier, override, prop, message) => {
    expect(planRegionEvacuationDrill(tier, { ...REGION, ...override }).problems).toEqual([{ prop, message }]);
  });

  test('GIVEN a stop condition of unknown window THEN nothing is refused; a short duration warns', () => {
    const plan = planRegionEvacuationDrill(TIER_1, { stopCondition: true, durationMinutes: 10 });
    expect(plan.problems).toEqual([]);
    expect(plan.warnings.map((w) => w.id)).toEqual(['durationMinutes']);
  });
});

describe('a drill schedule', () => {
  // TIER_1 drills every 92 days (see lib/core/tier.ts): the schedule must keep its measurements fresh.
  test.each`
    schedule                       | problem                                                    | warning
    ${'rate(7 days)'}              | ${undefined}                                               | ${undefined}
    ${'rate(1 day)'}               | ${undefined}                                               | ${undefined}
    ${'rate(1 days)'}              | ${'singular units for 1 and plural otherwise'}             | ${undefined}
    ${'rate(0 hours)'}             | ${'a rate takes a positive value'}                         | ${undefined}
    ${'rate(120 days)'}            | ${undefined}                                               | ${'runs up to 120 days apart, longer than TIER_1'}
    ${'cron(0 10 ? * TUE#2 *)'}    | ${undefined}                                               | ${undefined}
    ${'cron(0 9 15 1,4,7,10 ? *)'} | ${undefined}                                               | ${undefined}
    ${'cron(0 9 15 1,7 ? *)'}      | ${undefined}                                               | ${'runs up to 184 days apart'}
    ${'cron(0 9 L 3 ? *)'}         | ${undefined}                                               | ${'runs up to 365 days apart'}
    ${'cron(0 10 * * TUE *)'}      | ${'exactly one of day-of-month and day-of-week must be ?'} | ${undefined}
    ${'cron(0 10 ? * TUE)'}        | ${'a cron expression has six fields'}                      | ${undefined}
    ${'cron(0 10 ? * 3 2027)'}     | ${undefined}                                               | ${undefined}
    ${'at(2027-01-05T10:00:00)'}   | ${undefined}                                               | ${'runs once, longer than'}
    ${'every tuesday'}             | ${'an expression is rate(...), cron(...) or at('}          | ${undefined}
  `('GIVEN $schedule on TIER_1 THEN problem $problem, warning $warning', ({ schedule, problem, warning }) => {
    for (const plan of [
      planAzEvacuationDrill(TIER_1, { ...AZ, schedule }),
      planRegionEvacuationDrill(TIER_1, { stopCondition: true, schedule }),
    ]) {
      const scheduleProblems = plan.problems.filter((p) => p.prop === 'schedule').map((p) => p.message);
      const scheduleWarnings = plan.warnings.filter((w) => w.id === 'schedule').map((w) => w.message);
      expect(scheduleProblems).toEqual(problem === undefined ? [] : [expect.stringContaining(problem)]);
      expect(scheduleWarnings).toEqual(warning === undefined ? [] : [expect.stringContaining(warning)]);
    }
  });

  test('GIVEN the second Tuesday of each month THEN its runs are at most 35 days apart, within TIER_0', () => {
    const plan = planAzEvacuationDrill(TIER_0, { ...AZ, schedule: 'cron(0 10 ? * TUE#2 *)' });
    expect(TIER_0.drillIntervalDays).toBeGreaterThanOrEqual(35);
    expect(plan.warnings).toEqual([]);
    const tooRare = planAzEvacuationDrill(TIER_0, { ...AZ, schedule: `rate(${TIER_0.drillIntervalDays + 1} days)` });
    expect(tooRare.warnings.map((w) => w.id)).toEqual(['schedule']);
  });
});
