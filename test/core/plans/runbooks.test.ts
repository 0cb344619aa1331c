import * as fc from 'fast-check';
import {
  FAILOVER_WITNESS_MAX_WAIT_SECONDS,
  FAILOVER_WITNESS_POLL_SECONDS,
  failoverWitnessDefaultWaitSeconds,
  failoverWitnessWaitFloorSeconds,
  FailoverWitnessIntent,
  PromotionRunbookInputs,
  promotionRunbookPlan,
  regionFailoverRunbooksProblems,
  RegionFailoverRunbooksIntent,
  regionFailoverRunbooksWarnings,
  serviceScaleUpRunbookPlan,
  ServiceTier,
} from '../../../lib/core';

const BASE: PromotionRunbookInputs = {
  service: 'catalog',
  region: 'us-west-2',
  tier: ServiceTier.TIER_2,
  globalClusterIdentifier: 'catalog',
  secondaryClusterArn: 'arn:aws:rds:us-west-2:111111111111:cluster:catalog-us-west-2',
  secondaryClusterIdentifier: 'catalog-us-west-2',
  trigger: { alarm: false, decisionSeconds: 900 },
};
const WRITER = {
  instanceClass: 'db.r6g.large',
  parameterGroupName: 'default.aurora-postgresql16',
  availabilityZone: 'us-west-2a',
};
const READER = {
  instanceClass: 'db.r6g.large',
  parameterGroupName: 'default.aurora-postgresql16',
  availabilityZone: 'us-west-2b',
};

type Step = { name: string; action: string; isEnd?: boolean; nextStep?: string; inputs: Record<string, unknown> };
const steps = (inputs: Partial<PromotionRunbookInputs>) =>
  promotionRunbookPlan({ ...BASE, ...inputs }).mainSteps as Step[];

describe('promotionRunbookPlan by table', () => {
  test.each<[string, Partial<PromotionRunbookInputs>, string[]]>([
    ['a secondary with instances', {}, ['ChooseMode', 'Switchover', 'Failover', 'WaitForPromotion']],
    [
      'a headless secondary',
      { headlessWriter: WRITER },
      [
        'FindWriter',
        'CreateWriterOnce',
        'CreateWriter',
        'WaitForWriter',
        'ChooseMode',
        'Switchover',
        'Failover',
        'WaitForPromotion',
      ],
    ],
    [
      'a headless secondary and a reader once promoted',
      { headlessWriter: WRITER, promotedReader: READER },
      [
        'FindWriter',
        'CreateWriterOnce',
        'CreateWriter',
        'WaitForWriter',
        'ChooseMode',
        'Switchover',
        'Failover',
        'WaitForPromotion',
        'AddReader',
      ],
    ],
    ['a failback', { failback: true }, ['CheckSecondary', 'ChooseMode', 'Switchover', 'Failover', 'WaitForPromotion']],
  ])('%s: %j', (_, inputs, names) => {
    expect(steps(inputs).map((s) => s.name)).toEqual(names);
  });

  test('the writer is created in its zone; the reader in its own, after the promotion, and nothing waits for it', () => {
    const plan = promotionRunbookPlan({ ...BASE, headlessWriter: WRITER, promotedReader: READER });
    const byName = Object.fromEntries((plan.mainSteps as Step[]).map((s) => [s.name, s]));
    expect(byName.CreateWriter.inputs).toMatchObject({
      AvailabilityZone: '{{ WriterAvailabilityZone }}',
      PubliclyAccessible: false,
    });
    expect(plan.parameters.WriterAvailabilityZone.default).toBe('us-west-2a');
    expect(plan.parameters.ReaderAvailabilityZone.default).toBe('us-west-2b');
    expect(plan.parameters.ReaderInstanceIdentifier.default).toBe('catalog-us-west-2-reader');
    expect(
      (plan.mainSteps as Step[]).filter((s) => s.action === 'aws:waitForAwsResourceProperty').map((s) => s.name),
    ).toEqual(['WaitForWriter', 'WaitForPromotion']);
    // Only the writer is on the region RTO's path, and the record says so.
    expect(plan.failover).toEqual({
      step: 'promotion',
      startedBy: 'operator',
      decisionSeconds: 900,
      createsWriter: true,
    });
    // Without a zone named, Aurora chooses the writer's.
    const anywhere = promotionRunbookPlan({ ...BASE, headlessWriter: { ...WRITER, availabilityZone: undefined } });
    expect(anywhere.parameters.WriterAvailabilityZone).toBeUndefined();
    expect((anywhere.mainSteps as Step[])[2].inputs.AvailabilityZone).toBeUndefined();
  });
});

describe('promotionRunbookPlan by property', () => {
  const inputs = fc.record({
    writer: fc.boolean(),
    reader: fc.boolean(),
    failback: fc.boolean(),
    tier: fc.constantFrom(...ServiceTier.BUILT_IN),
  });

  test('every combination ends once, after the promotion is confirmed; only a writer is waited for before it', () => {
    fc.assert(
      fc.property(inputs, (i) => {
        const all = steps({
          tier: i.tier,
          headlessWriter: i.writer ? WRITER : undefined,
          promotedReader: i.reader ? READER : undefined,
          failback: i.failback,
        });
        const names = all.map((s) => s.name);
        const wait = names.indexOf('WaitForPromotion');
        expect(all.filter((s) => s.isEnd).map((s) => s.name)).toEqual([names[names.length - 1]]);
        expect(names.slice(wait + 1)).toEqual(i.reader ? ['AddReader'] : []);
        expect(names.indexOf('CheckSecondary')).toBe(i.failback ? 0 : -1);
        expect(names.includes('CreateWriter')).toBe(i.writer);
        // Both promotion calls lead to the wait, whichever mode is chosen.
        expect(all.filter((s) => s.name === 'Switchover' || s.name === 'Failover').map((s) => s.nextStep)).toEqual([
          'WaitForPromotion',
          'WaitForPromotion',
        ]);
      }),
    );
  });
});

describe('regionFailoverRunbooksProblems: the instances the runbook creates', () => {
  const BASE_INTENT: RegionFailoverRunbooksIntent = {
    tier: ServiceTier.TIER_2,
    globalClusterIdentifier: true,
    secondaryClusterArn: true,
    standbyAutoScalingGroupName: false,
    trigger: { alarm: false, decisionSeconds: 900 },
    triggerHint: 'a trigger',
    region: 'us-west-2',
  };
  const problems = (intent: Partial<RegionFailoverRunbooksIntent>) =>
    regionFailoverRunbooksProblems({ ...BASE_INTENT, ...intent }).map((p) => `${p.prop}: ${p.message}`);

  test.each<[Partial<RegionFailoverRunbooksIntent>, string[]]>([
    [
      {
        headlessSecondaryWriterClass: 'db.r6g.large',
        headlessSecondaryWriterAvailabilityZone: 'us-west-2a',
        promotedReader: { availabilityZone: 'us-west-2b', hasClass: true },
      },
      [],
    ],
    [
      { promotedReader: { availabilityZone: 'us-west-2b', hasClass: false } },
      [
        'promotedReaderClass: promotedReaderClass must be given with ' +
          'promotedReaderAvailabilityZone when the secondary is not headless (there is no headlessSecondaryWriterClass to take it from), got: none',
      ],
    ],
    [
      { promotedReader: { availabilityZone: 'us-west-2b', instanceClass: 'large', hasClass: true } },
      ['promotedReaderClass: promotedReaderClass must be an RDS instance class (db.r6g.large), got: large'],
    ],
    [
      {
        headlessSecondaryWriterAvailabilityZone: 'us-west-2a',
        promotedReader: { availabilityZone: 'us-west-2a', hasClass: true },
      },
      [
        'promotedReaderAvailabilityZone: promotedReaderAvailabilityZone must differ from headlessSecondaryWriterAvailabilityZone: ' +
          "the reader keeps the database serving when the writer's zone fails, got: us-west-2a for both",
      ],
    ],
    [
      { headlessSecondaryWriterAvailabilityZone: 'us-east-1a' },
      [
        "headlessSecondaryWriterAvailabilityZone: headlessSecondaryWriterAvailabilityZone must be a zone of the secondary's region us-west-2, got: us-east-1a",
      ],
    ],
    // A region unknown at synthesis (a token) skips the zone's region check.
    [{ region: undefined, promotedReader: { availabilityZone: 'us-east-1b', hasClass: true } }, []],
  ])('%#: %j', (intent, expected) => {
    expect(problems(intent)).toEqual(expected);
  });
});

describe('serviceScaleUpRunbookPlan', () => {
  const plan = (tier: ServiceTier) =>
    serviceScaleUpRunbookPlan({
      service: 'orders',
      region: 'us-west-2',
      tier,
      clusterName: 'orders',
      serviceName: 'orders-app',
      primaryTaskCount: { min: 9, desired: 9, max: 18 },
      trigger: { alarm: true },
    });

  test.each(ServiceTier.BUILT_IN.map((tier) => [tier.name, tier] as const))(
    '%s: bounds before the count, then a wait no longer than the region RTO; an alarm starts it at once',
    (_name, tier) => {
      const p = plan(tier);
      const steps = p.mainSteps as Step[];
      expect(steps.map((s) => s.name)).toEqual(['RaiseScalingBounds', 'ScaleToPrimaryCount', 'WaitForTasks']);
      expect(steps[2]).toMatchObject({ timeoutSeconds: tier.regionRtoSeconds, isEnd: true });
      expect(p.failover).toEqual({ step: 'scale-up', startedBy: 'alarm', decisionSeconds: 0 });
      expect(p.parameters.DesiredCount.default).toBe(9);
    },
  );

  test.each<[Partial<RegionFailoverRunbooksIntent>, string[]]>([
    [{ standbyService: true }, ['standbyService']],
    [{ standbyService: true, primaryTaskCount: { min: 1.5, desired: 2, max: 4 } }, ['primaryTaskCount.min']],
    [{ standbyService: true, primaryTaskCount: { min: 2, desired: 6, max: 4 } }, ['primaryTaskCount']],
    [
      { standbyService: true, primaryTaskCount: { min: 2, desired: 2, max: 4 }, trigger: undefined },
      ['failoverTrigger'],
    ],
  ])('problems of %j name %j', (intent, props) => {
    const problems = regionFailoverRunbooksProblems({
      tier: ServiceTier.TIER_1,
      globalClusterIdentifier: false,
      secondaryClusterArn: false,
      standbyAutoScalingGroupName: false,
      trigger: { alarm: true },
      triggerHint: 'a trigger',
      ...intent,
    });
    expect(problems.map((p) => p.prop)).toEqual(props);
  });
});

describe('the witness of an automatic promotion', () => {
  const INTENT: RegionFailoverRunbooksIntent = {
    tier: ServiceTier.TIER_1,
    globalClusterIdentifier: true,
    secondaryClusterArn: true,
    region: 'us-west-2',
    standbyAutoScalingGroupName: false,
    triggerHint: 'a trigger',
  };
  const alarm = (witness?: FailoverWitnessIntent) => ({
    ...INTENT,
    trigger: { alarm: true, witness },
  });
  /** A witness in us-east-2 whose alarm fires after `periods` failed runs of `period` seconds. */
  const chained = (period: number, periods: number, waitSeconds?: number) =>
    alarm({ region: 'us-east-2', alarmPeriodSeconds: period, alarmEvaluationPeriods: periods, waitSeconds });

  test.each<[string, RegionFailoverRunbooksIntent, string[], string[]]>([
    ['a person decides', { ...INTENT, trigger: { alarm: false, decisionSeconds: 300 } }, [], []],
    ['an alarm with no witness', alarm(), [], ['failoverTrigger']],
    ['an alarm and a witness in us-east-2', alarm({ region: 'us-east-2', waitSeconds: 120 }), [], []],
    ['a witness whose region is unknown at synthesis', alarm({ waitSeconds: 120 }), [], []],
    [
      'a witness in the runbooks’ region',
      alarm({ region: 'us-west-2', waitSeconds: 120 }),
      ['failoverTrigger.witness.region'],
      [],
    ],
    ['a wait under one read', alarm({ region: 'us-east-2', waitSeconds: 5 }), ['failoverTrigger.witness.wait'], []],
    [
      'a wait past nine minutes (one script step)',
      alarm({ region: 'us-east-2', waitSeconds: 541 }),
      ['failoverTrigger.witness.wait'],
      [],
    ],
    ['a wait of nine minutes', alarm({ region: 'us-east-2', waitSeconds: 540 }), [], []],
    ['a one-minute chain of 5 and a wait of 360 s', chained(60, 5, 360), [], []],
    ['a one-minute chain of 5 and no wait given', chained(60, 5), [], []],
    ['a one-minute chain of 5 and a wait of 120 s', chained(60, 5, 120), ['failoverTrigger.witness.wait'], []],
    ['a one-minute chain of 5 and a wait of 359 s', chained(60, 5, 359), ['failoverTrigger.witness.wait'], []],
    ['a chain longer than one script step', chained(60, 9), ['failoverTrigger.witness.alarmEvaluationPeriods'], []],
    ['a chain of no periods', chained(60, 0), ['failoverTrigger.witness.alarmEvaluationPeriods'], []],
    ['a period of part seconds', chained(0.5, 5), ['failoverTrigger.witness.alarmPeriod'], []],
    ['a wait of part seconds', alarm({ region: 'us-east-2', waitSeconds: 90.5 }), ['failoverTrigger.witness.wait'], []],
    [
      'an alarm that only scales up (no promotion, nothing lost)',
      {
        ...alarm(),
        globalClusterIdentifier: false,
        secondaryClusterArn: false,
        standbyAutoScalingGroupName: true,
        primaryCapacity: { min: 3, desired: 3, max: 6 },
      },
      [],
      [],
    ],
  ])('%s', (_, intent, problems, warnings) => {
    expect(regionFailoverRunbooksProblems(intent).map((p) => p.prop)).toEqual(problems);
    expect(regionFailoverRunbooksWarnings(intent).map((w) => w.id)).toEqual(warnings);
  });

  test.each<[string, FailoverWitnessIntent, number]>([
    ['a one-minute chain of 5 periods', { alarmPeriodSeconds: 60, alarmEvaluationPeriods: 5 }, 360],
    ['a ten-second chain of 3 periods', { alarmPeriodSeconds: 10, alarmEvaluationPeriods: 3 }, 40],
    ['a chain not given', {}, FAILOVER_WITNESS_MAX_WAIT_SECONDS],
    ['a period alone', { alarmPeriodSeconds: 60 }, FAILOVER_WITNESS_MAX_WAIT_SECONDS],
  ])('with %s the wait defaults to period × (evaluation periods + 1), else the longest', (_, witness, wait) => {
    expect(failoverWitnessDefaultWaitSeconds(witness)).toBe(wait);
  });

  test('a default wait covers every chain the planner accepts, and the planner accepts it', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 300 }), fc.integer({ min: 1, max: 20 }), (period, periods) => {
        const intent = chained(period, periods);
        const refused = regionFailoverRunbooksProblems(intent).length > 0;
        const floor = failoverWitnessWaitFloorSeconds(period, periods);
        expect(refused).toBe(floor > FAILOVER_WITNESS_MAX_WAIT_SECONDS);
        if (!refused) {
          const wait = failoverWitnessDefaultWaitSeconds(intent.trigger.witness!);
          expect(wait).toBe(Math.max(floor, FAILOVER_WITNESS_POLL_SECONDS));
          expect(regionFailoverRunbooksProblems(chained(period, periods, wait))).toEqual([]);
          // One second less misses a chain restarted as the trigger fired (or falls under one read).
          expect(regionFailoverRunbooksProblems(chained(period, periods, wait - 1)).map((p) => p.prop)).toEqual([
            'failoverTrigger.witness.wait',
          ]);
        }
      }),
    );
  });

  test('a wait shorter than the chain is refused naming the prop, the value and the chain', () => {
    expect(regionFailoverRunbooksProblems(chained(60, 5, 120))).toEqual([
      {
        prop: 'failoverTrigger.witness.wait',
        message:
          'failoverTrigger witness.wait must cover a witness alarm that restarted its chain as the trigger fired, ' +
          'alarmPeriod × (alarmEvaluationPeriods + 1) = 60 s × (5 + 1) = 360 s (shorter, the promotion stops and ' +
          'pages a person when one witness run is missed), got: 120 seconds',
      },
    ]);
  });

  test('the promotion reads the witness before any other step, and only then, and records it', () => {
    const witness = {
      region: 'us-east-2',
      alarmName: 'catalog-lost',
      waitSeconds: 120,
      pageTopicArn: 'arn:topic',
      triggerAlarmName: 'catalog-lost-seen-from-us-west-2',
    };
    const plan = promotionRunbookPlan({ ...BASE, headlessWriter: WRITER, witness, trigger: { alarm: true } });
    expect((plan.mainSteps as Step[]).map((s) => s.name).slice(0, 2)).toEqual(['WaitForWitness', 'FindWriter']);
    expect(plan.failover).toMatchObject({ startedBy: 'alarm', witness: { region: 'us-east-2', waitSeconds: 120 } });
    expect(plan.failover).not.toHaveProperty('witness.pageTopicArn');
    expect(steps({}).map((s) => s.name)).not.toContain('WaitForWitness');
  });
});
