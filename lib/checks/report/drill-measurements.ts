import { DrillStep, drillMeasurementAge, isoDateOf, ServiceTier } from '../../core';
import { ResourceGraph } from '../graph/graph';
import { GraphResource } from '../graph/model';
import type { StepMeasurement } from '../model';
import { ServiceStack } from '../services';

/** What judging a service's drill measurements needs: where they are, the tier's interval and the report's date. */
export interface DrillRecords {
  readonly graph: ResourceGraph;
  readonly stacks: readonly ServiceStack[];
  readonly tier: ServiceTier;
  readonly today: Date;
}

/** A measurement a step found, judged on the report's date. */
export interface FoundMeasurement {
  /** What the derivation step carries (and `--json` prints). */
  readonly measurement: StepMeasurement;
  /** Fresh and not dated after the report's date: its seconds count. */
  readonly counts: boolean;
  /** How the step's basis names it. */
  readonly text: string;
}

/**
 * The measurement of `step` recorded on `holders` (the resources the step concerns), and on the
 * service's stacks when `serviceWide`: among the fresh ones the longest (the worst a drill saw),
 * else the latest, to say it is stale. Undefined when no drill recorded the step.
 */
export function measurementOf(
  records: DrillRecords,
  step: DrillStep,
  holders: readonly GraphResource[],
  serviceWide = false,
): FoundMeasurement | undefined {
  const names = new Set(records.stacks.map((s) => s.stack));
  const onResources = [...new Set(holders)].flatMap((r) =>
    (r.drillMeasurements ?? []).map((measurement) => ({
      measurement,
      recordedOn: { stack: r.stack, resource: r.address },
    })),
  );
  const onStacks = (serviceWide ? records.graph.stacks.filter((s) => names.has(s.name)) : []).flatMap((s) =>
    (s.drillMeasurements ?? []).map((measurement) => ({ measurement, recordedOn: { stack: s.name } })),
  );
  const recorded = [...onResources, ...onStacks].filter((r) => r.measurement.step === step);
  if (recorded.length === 0) {
    return undefined;
  }
  const judged = recorded.map(({ measurement, recordedOn }) => {
    const age = drillMeasurementAge(measurement, records.tier.drillIntervalDays, records.today);
    const status: StepMeasurement['status'] = age.future ? 'future' : age.stale ? 'stale' : 'fresh';
    return { ...measurement, freshUntil: age.freshUntil, status, recordedOn };
  });
  const fresh = judged.filter((m) => m.status === 'fresh');
  const chosen =
    fresh.length > 0
      ? fresh.reduce((worst, m) => (m.seconds > worst.seconds ? m : worst))
      : judged.reduce((latest, m) => (m.measuredOn > latest.measuredOn ? m : latest));
  return { measurement: chosen, counts: chosen.status === 'fresh', text: describeMeasurement(chosen, records) };
}

/** The basis of a step that reads a measurement: how long, by which drill, when, and until when it counts. */
function describeMeasurement(m: StepMeasurement, records: DrillRecords): string {
  const what = `${m.seconds} s by ${m.drill} on ${m.measuredOn}`;
  switch (m.status) {
    case 'fresh':
      return `measured ${what} (fresh until ${m.freshUntil})`;
    case 'stale':
      return (
        `the measurement of ${what} is stale: older than ${records.tier.name}'s drill interval of ` +
        `${records.tier.drillIntervalDays} days (it counted until ${m.freshUntil}); ` +
        'run the drill again and record it'
      );
    case 'future':
      return `the measurement of ${what} is dated after the report's date (${isoDateOf(records.today)}): not counted`;
  }
}
