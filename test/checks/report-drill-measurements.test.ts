import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { SpannerDatabase } from '@cdktf/provider-google/lib/spanner-database';
import { App as TfApp } from 'cdktf';
import { exampleDomain } from '../../examples';
import { addGcpTier0ActiveActive } from '../../examples/gcp-tier0-active-active';
import { addTfAwsTier1WarmStandby, TfAwsTier1WarmStandbyStack } from '../../examples/tf-aws-tier1-warm-standby';
import { addTier1WarmStandby, Tier1Stacks } from '../../examples/tier1-warm-standby';
import { addTier2PilotLight } from '../../examples/tier2-pilot-light';
import { addTier3BackupRestore, Tier3Stacks } from '../../examples/tier3-backup-restore';
import { recordDrillMeasurement } from '../../lib/aws';
import { checkInputs, checkPath } from '../../lib/checks/check';
import { main } from '../../lib/checks/cli';
import { HaInputError } from '../../lib/checks/graph/errors';
import { DerivationStep, HaReport, ServiceReport } from '../../lib/checks/report';
import { DRILL_MEASUREMENTS_METADATA_KEY, DrillMeasurement, DrillStep, isoDateOf } from '../../lib/core';
import { recordDrillMeasurement as recordOnTerraform } from '../../lib/tf/aws';
import { recordDrillMeasurement as recordOnGoogle } from '../../lib/tf/google';
import { testApp } from '../util';

/** The report's date here: TIER_1's drill interval is 92 days, so a drill of 2026-03-02 counts until 2026-06-02. */
const TODAY = new Date('2026-03-10T09:00:00Z');
const DRILL = 'RegionEvacuationDrill experiment EXP1a2b3c4d5e6f7';
const FRESH = 'on 2026-03-02 (fresh until 2026-06-02)';

/** What the region drill of `measuredOn` measured of `step`. */
function drilled(step: DrillStep, seconds: number, measuredOn = '2026-03-02', drill = DRILL): DrillMeasurement {
  return { step, seconds, measuredOn, drill };
}

/** Synthesizes an app into a temporary cloud assembly and checks it as `ha-report <dir>` does, on `today`. */
function synthesizeAndCheck<T>(
  build: (app: ReturnType<typeof testApp>) => T,
  record: (stacks: T) => void,
  today: Date = TODAY,
): HaReport {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'ha-drill-'));
  try {
    const app = testApp({ outdir });
    record(build(app));
    app.synth();
    return checkPath(outdir, { today });
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

/** The TIER_1 example's report, with what `record` recorded. */
function tier1(record: (stacks: Tier1Stacks) => void, today?: Date): ServiceReport & Pick<HaReport, 'findings'> {
  const report = synthesizeAndCheck((app) => addTier1WarmStandby(app, exampleDomain(app)), record, today);
  return { ...report.services[0], findings: report.findings };
}

const rto = (report: ServiceReport): DerivationStep[] => report.derivation.filter((d) => d.quantity === 'regionRto');
const stepStarting = (report: ServiceReport, text: string) => rto(report).find((d) => d.basis.startsWith(text))!;
const scaleUpStep = (report: ServiceReport) => stepStarting(report, 'scales from 3 to 9');
const decisionStep = (report: ServiceReport) => stepStarting(report, 'a person is paged');
const sumStep = (report: ServiceReport) => rto(report)[rto(report).length - 1];

describe('TIER_1 warm standby example with drill measurements', () => {
  test('GIVEN no measurement THEN the region RTO is unproven: the scale-up unknown, the decision only stated', () => {
    const report = tier1(() => undefined);
    expect(report.status.regionRto).toBe('unproven');
    // detection 36 s + decision 300 s + promotion ? (AWS publishes a typical minute, no bound) + the standby's deep
    // check passing again (30 s) and the TTL (60 s).
    expect(report.lowerBounds.regionRto).toBe(426);
    expect(scaleUpStep(report)).toMatchObject({
      value: undefined,
      basis: expect.stringContaining('measure it with a region evacuation drill'),
    });
    expect(decisionStep(report)).toMatchObject({
      value: 300,
      basis: expect.stringContaining('a stated figure, counted in full and unproven'),
    });
  });

  test('GIVEN the scale-up and the decision measured, fresh THEN the region RTO is proven, and met by the arithmetic', () => {
    const report = tier1(({ standby }) => {
      recordDrillMeasurement(standby.fleet, drilled('scale-up', 420));
      recordDrillMeasurement(standby, drilled('decision', 240));
      recordDrillMeasurement(standby.database, drilled('promotion', 60));
    });
    // detection 36 s + max(TTL 60 s, decision 300 s (stated, longer than measured) + max(promotion 60 s, scale-up 420 s))
    expect(report).toMatchObject({ regionRtoSeconds: 756, status: { regionRto: 'met' } });
    const scaleUp = scaleUpStep(report);
    expect(scaleUp).toMatchObject({ stack: 'Tier1-us-west-2', value: 420 });
    expect(scaleUp.basis).toMatch(
      /\(warm-up alone 300 s\): measured 420 s by RegionEvacuationDrill experiment \S+ on 2026-03-02 /,
    );
    expect(scaleUp.basis.endsWith(FRESH)).toBe(true);
    expect(scaleUp.measurement).toEqual({
      step: 'scale-up',
      seconds: 420,
      measuredOn: '2026-03-02',
      drill: DRILL,
      freshUntil: '2026-06-02',
      status: 'fresh',
      recordedOn: { stack: 'Tier1-us-west-2', resource: scaleUp.resource },
    });
    expect(decisionStep(report)).toMatchObject({
      value: 300,
      measurement: { step: 'decision', status: 'fresh', recordedOn: { stack: 'Tier1-us-west-2' } },
      basis: expect.stringContaining(`; measured 240 s by ${DRILL} ${FRESH}: the stated 300 s counts`),
    });
    expect(sumStep(report)).toMatchObject({
      value: 756,
      basis:
        'detection 36 s + max(TTL 60 s, decision 300 s + max(promotion 60 s + standby rejoins 90 s, scale-up 420 s)): ' +
        'proven by drill measurements until 2026-06-02',
    });
    expect(report.findings.filter((f) => f.rule === 'HA-DRL2')).toEqual([]);
  });

  test('GIVEN a fresh scale-up too slow for the tier THEN the region RTO is proven and not met', () => {
    const report = tier1(({ standby }) => {
      recordDrillMeasurement(standby.fleet, drilled('scale-up', 900));
      recordDrillMeasurement(standby, drilled('decision', 240));
      recordDrillMeasurement(standby.database, drilled('promotion', 60));
    });
    // 36 + 300 + 900 = 1236 s > 900 s.
    expect(report).toMatchObject({ regionRtoSeconds: 1236, status: { regionRto: 'not-met' } });
  });

  test('GIVEN a decision slower than stated THEN the measured decision counts', () => {
    const report = tier1(({ standby }) => {
      recordDrillMeasurement(standby.fleet, drilled('scale-up', 420));
      recordDrillMeasurement(standby, drilled('decision', 480));
      recordDrillMeasurement(standby.database, drilled('promotion', 60));
    });
    expect(decisionStep(report)).toMatchObject({
      value: 480,
      basis: expect.stringContaining('the measured 480 s counts'),
    });
    expect(report).toMatchObject({ regionRtoSeconds: 36 + 480 + 420, status: { regionRto: 'not-met' } });
  });

  test('GIVEN only the scale-up measured THEN the stated decision keeps the region RTO unproven', () => {
    const report = tier1(({ standby }) => recordDrillMeasurement(standby.fleet, drilled('scale-up', 420)));
    expect(scaleUpStep(report).value).toBe(420);
    expect(report).toMatchObject({ regionRtoSeconds: null, lowerBounds: { regionRto: 756 } });
    expect(report.status.regionRto).toBe('unproven');
  });

  test('GIVEN a stale scale-up measurement THEN the step stays unknown with a note, and HA-DRL2 warns on the record', () => {
    const report = tier1(({ standby }) => {
      recordDrillMeasurement(standby.fleet, drilled('scale-up', 420, '2025-11-01'));
      recordDrillMeasurement(standby, drilled('decision', 240));
      recordDrillMeasurement(standby.database, drilled('promotion', 60));
    });
    expect(report.status.regionRto).toBe('unproven');
    const step = scaleUpStep(report);
    expect(step).toMatchObject({ value: undefined, measurement: { status: 'stale', freshUntil: '2026-02-01' } });
    expect(step.basis).toContain(
      `; the measurement of 420 s by ${DRILL} on 2025-11-01 is stale: older than TIER_1's ` +
        'drill interval of 92 days (it counted until 2026-02-01); run the drill again and record it',
    );
    expect(report.findings.filter((f) => f.rule === 'HA-DRL2')).toEqual([
      {
        rule: 'HA-DRL2',
        level: 'warning',
        category: 'recovery',
        stack: 'Tier1-us-west-2',
        resource: step.resource,
        message:
          `the scale-up measurement of 420 s by ${DRILL} on 2025-11-01 is older than TIER_1's drill interval ` +
          '(it counted until 2026-02-01): run the drill again and record its measurement',
      },
    ]);
  });

  test('GIVEN the same measurements on a later date THEN they go stale and the figure is unproven again', () => {
    const report = tier1(({ standby }) => {
      recordDrillMeasurement(standby.fleet, drilled('scale-up', 420));
      recordDrillMeasurement(standby, drilled('decision', 240));
      recordDrillMeasurement(standby.database, drilled('promotion', 60));
    }, new Date('2026-06-03T00:00:00Z'));
    expect(report.status.regionRto).toBe('unproven');
    expect(report.findings.filter((f) => f.rule === 'HA-DRL2').map((f) => f.stack)).toEqual([
      'Tier1-us-west-2',
      'Tier1-us-west-2',
      'Tier1-us-west-2',
    ]);
  });

  test('--explain and --json show the measurement, its date and its drill', () => {
    const measuredOn = isoDateOf(new Date(Date.now() - 7 * 86_400_000));
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'ha-drill-cli-'));
    try {
      const app = testApp({ outdir });
      const { standby } = addTier1WarmStandby(app, exampleDomain(app));
      recordDrillMeasurement(standby.fleet, drilled('scale-up', 420, measuredOn));
      app.synth();
      let explained = '';
      main(['--explain', outdir], {
        stdout: (t) => {
          explained += t;
        },
        stderr: () => undefined,
        isTty: false,
      });
      const line = explained.split('\n').find((l) => l.includes('scales from 3 to 9'));
      expect(line).toMatch(/^ {4}7 min +Tier1-us-west-2\/\S+: scales from 3 to 9: /);
      expect(line).toMatch(
        new RegExp(`: measured 420 s by ${DRILL} on ${measuredOn} \\(fresh until \\d{4}-\\d{2}-\\d{2}\\)$`),
      );
      let json = '';
      main(['--json', outdir], {
        stdout: (t) => {
          json += t;
        },
        stderr: () => undefined,
        isTty: false,
      });
      expect((JSON.parse(json) as HaReport).services[0].derivation).toContainEqual(
        expect.objectContaining({
          value: 420,
          measurement: expect.objectContaining({
            step: 'scale-up',
            seconds: 420,
            measuredOn,
            drill: DRILL,
            status: 'fresh',
          }),
        }),
      );
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });
});

/** Synthesizes a cdktf app as `cdktf synth` does (the `//` blocks are written then) and checks it on TODAY. */
function synthesizeTerraform<T>(build: (app: TfApp) => T, record: (stack: T) => void): ServiceReport {
  process.env.CHECKPOINT_DISABLE = '1';
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'ha-drill-tf-'));
  try {
    const app = new TfApp({ outdir });
    record(build(app));
    app.synth();
    return checkPath(outdir, { today: TODAY }).services[0];
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

describe('TIER_1 warm standby example on Terraform with drill measurements', () => {
  test('GIVEN the scale-up and the decision measured, fresh THEN the region RTO is proven', () => {
    const report = synthesizeTerraform(
      (app) => addTfAwsTier1WarmStandby(app) as TfAwsTier1WarmStandbyStack,
      (stack) => {
        recordOnTerraform(stack.standbyFleet, drilled('scale-up', 420));
        recordOnTerraform(stack, drilled('decision', 240));
        recordOnTerraform(stack.database.node.findChild('Secondary'), drilled('promotion', 60));
      },
    );
    expect(report.status.regionRto).toBe('met');
    expect(
      rto(report)
        .filter((d) => d.measurement)
        .map((d) => [d.measurement!.step, d.value]),
    ).toEqual([
      ['decision', 300],
      ['promotion', 60],
      ['scale-up', 420],
    ]);
  });
});

describe('TIER_2 pilot light example with drill measurements', () => {
  test('GIVEN the new writer, the scale-up from zero and the decision measured THEN the region RTO is proven', () => {
    const report = synthesizeAndCheck(
      (app) => addTier2PilotLight(app, exampleDomain(app)),
      ({ standby }) => {
        recordDrillMeasurement(standby.database, drilled('writer-creation', 600));
        recordDrillMeasurement(standby.fleet, drilled('scale-up', 480));
        recordDrillMeasurement(standby, drilled('decision', 600));
        recordDrillMeasurement(standby.database, drilled('promotion', 60));
      },
    ).services[0];
    expect(stepStarting(report, 'the secondary is headless')).toMatchObject({
      value: 600,
      measurement: { step: 'writer-creation', recordedOn: { stack: 'Tier2-us-west-2' } },
    });
    // detection 96 s + max(TTL 60 s, decision 900 s (stated) + max(writer 600 s + promotion 60 s, scale-up 480 s) + rejoin 150 s)
    expect(report).toMatchObject({ regionRtoSeconds: 96 + 900 + 660 + 150, status: { regionRto: 'met' } });
  });
});

describe("Google Spanner's leader failover with a drill measurement", () => {
  test("GIVEN the leaders' move measured THEN that step is bounded and, each region running the peak, the RTO is met", () => {
    const report = synthesizeTerraform(addGcpTier0ActiveActive, (stack) => {
      const database = stack.node.findAll().find((c) => c instanceof SpannerDatabase)!;
      recordOnGoogle(database, drilled('promotion', 25, '2026-03-02', 'checkout game day 2026-Q1'));
    });
    expect(stepStarting(report, 'Spanner moves the leaders')).toMatchObject({
      value: 25,
      basis: expect.stringContaining(': measured 25 s by checkout game day 2026-Q1 on 2026-03-02'),
    });
    // The fleets need no scale-out: each runs the 4 the whole service needs at peak (their HA records).
    expect(stepStarting(report, 'when a region fails')).toMatchObject({ value: 0 });
    // detection 95 s + max(TTL 25 s, leaders 25 s)
    expect(report).toMatchObject({ regionRtoSeconds: 120, status: { regionRto: 'met' } });
  });
});

describe('TIER_3 backup and restore example with a restore measurement', () => {
  function tier3(record: (stacks: Tier3Stacks) => void): ServiceReport {
    return synthesizeAndCheck((app) => addTier3BackupRestore(app, exampleDomain(app)), record).services[0];
  }

  test('GIVEN a fresh restore measurement THEN the region RTO is the restore time, proven', () => {
    const drill = 'restore test 2026-02-16 of the orders vault';
    const report = tier3(({ primary }) =>
      recordDrillMeasurement(primary, drilled('restore', 5400, '2026-02-16', drill)),
    );
    expect(report).toMatchObject({ regionRtoSeconds: 5400, status: { regionRto: 'met' } });
    expect(rto(report)[0].basis.endsWith(`: measured 5400 s by ${drill} on 2026-02-16 (fresh until 2027-02-17)`)).toBe(
      true,
    );
    expect(
      rto(report)
        .slice(1)
        .every((d) => !d.basis.includes('stays unproven')),
    ).toBe(true);
  });

  test('GIVEN a restore measured more than a year ago THEN it is stale and the region RTO unproven', () => {
    const report = tier3(({ primary }) =>
      recordDrillMeasurement(primary, drilled('restore', 5400, '2025-01-06', 'restore test')),
    );
    expect(report.status.regionRto).toBe('unproven');
    expect(rto(report)[0].basis).toContain(
      "is stale: older than TIER_3's drill interval of 366 days (it counted until 2026-01-07)",
    );
  });
});

describe('malformed records', () => {
  test('GIVEN a hand-written record with an impossible date THEN ha-report refuses the input, naming where and what', () => {
    const record = { 'scale-up': { seconds: 420, measuredOn: '2026-02-30', drill: DRILL } };
    const template = {
      Resources: {
        Fleet: {
          Type: 'AWS::AutoScaling::AutoScalingGroup',
          Properties: { MinSize: '3', MaxSize: '9' },
          Metadata: { [DRILL_MEASUREMENTS_METADATA_KEY]: record },
        },
      },
    };
    expect(() => checkInputs({ cloudFormation: [{ name: 'Standby', template }] })).toThrow(
      new HaInputError(
        'Standby/Fleet: the drill measurements under ha-constructs:drill-measurements are not valid: ' +
          'scale-up: measuredOn must be a UTC date YYYY-MM-DD that exists, got: "2026-02-30"',
      ),
    );
  });
});
