/**
 * The record a region-failover runbook leaves in the synthesized output, so that the report can
 * count what really happens on the day: which step the runbook performs, what starts it, and the
 * time a person takes to decide (counted in full).
 */

/** Metadata key of the record (on the runbook's document resource). */
export const FAILOVER_STEP_METADATA_KEY = 'ha-constructs:failover-step';

/** One region-failover step a runbook performs. */
export interface FailoverStepRecord {
  /** `promotion`: the standby's database becomes the writer; `scale-up`: the standby fleet grows to the primary's capacity. */
  readonly step: 'promotion' | 'scale-up';
  /** An alarm starts the runbook (EventBridge), or a person does. */
  readonly startedBy: 'alarm' | 'operator';
  /** Seconds from the page to the start: 0 when an alarm starts it; the stated decision time of a person. */
  readonly decisionSeconds?: number;
  /** Whether the promotion first adds a writer to a headless secondary (a duration AWS does not publish). */
  readonly createsWriter?: boolean;
  /**
   * The alarm of another vantage point that must be in ALARM before an automatic promotion goes on
   * (it waits up to `waitSeconds` for it, then stops and pages a person).
   */
  readonly witness?: FailoverWitnessRecord;
}

/** The witness of an automatic promotion, as its runbook reads it. */
export interface FailoverWitnessRecord {
  readonly region: string;
  readonly alarmName: string;
  readonly waitSeconds: number;
}

/** A record read back from synthesized output, or undefined when `value` is not one. */
export function parseFailoverStep(value: unknown): FailoverStepRecord | undefined {
  if (typeof value !== 'object' || value === null) {
    return undefined;
  }
  const v = value as Record<string, unknown>;
  if ((v.step !== 'promotion' && v.step !== 'scale-up') || (v.startedBy !== 'alarm' && v.startedBy !== 'operator')) {
    return undefined;
  }
  return {
    step: v.step,
    startedBy: v.startedBy,
    decisionSeconds: typeof v.decisionSeconds === 'number' ? v.decisionSeconds : undefined,
    createsWriter: v.createsWriter === true,
    ...(isWitness(v.witness) ? { witness: v.witness } : {}),
  };
}

function isWitness(value: unknown): value is FailoverWitnessRecord {
  const w = value as Record<string, unknown> | undefined;
  return (
    typeof w === 'object' &&
    w !== null &&
    typeof w.region === 'string' &&
    typeof w.alarmName === 'string' &&
    typeof w.waitSeconds === 'number'
  );
}
