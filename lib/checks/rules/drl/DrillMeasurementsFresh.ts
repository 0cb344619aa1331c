import type { StepMeasurement } from '../../model';
import { Evaluation, HaRule, RuleContext } from '../rule';

/**
 * HA-DRL2: a drill measurement the report reads is fresh. A stale one no longer counts, so the step
 * it measured is unknown again and the region RTO unproven: this says why, on the record to renew.
 */
export const DrillMeasurementsFresh: HaRule = {
  id: 'HA-DRL2',
  level: 'warning',
  category: 'recovery',
  needsTier: true,
  info:
    "Every drill measurement a failover step reads (recordDrillMeasurement) is no older than the tier's drill " +
    'interval and not dated after today.',
  explanation:
    'A failover step no provider publishes (a decision, a new writer, a scale-up, a restore) is bounded ' +
    "only by a drill; a measurement older than the tier's drill interval describes a topology, a team and quotas " +
    'that may have changed since, so it no longer counts and the figure it proved is unproven until the drill ' +
    'runs again.',
  resourceTypes: ['every resource or stack with ha-constructs:drill-measurements'],
  evaluate(context: RuleContext): Evaluation[] {
    const seen = new Map<string, Evaluation>();
    for (const report of context.reports()) {
      // Each service's report repeats its region RTO in every stack: one outcome per record.
      for (const m of report.derivation.flatMap((step) => (step.measurement ? [step.measurement] : []))) {
        const where = { stack: m.recordedOn.stack, resource: m.recordedOn.resource ?? `service:${report.service}` };
        const key = `${where.stack}\u0000${where.resource}\u0000${m.step}`;
        if (!seen.has(key)) {
          seen.set(
            key,
            m.status === 'fresh'
              ? { ...where, compliant: true }
              : { ...where, compliant: false, message: problem(m, report.tier) },
          );
        }
      }
    }
    return [...seen.values()];
  },
};

function problem(m: StepMeasurement, tier: string): string {
  const what = `the ${m.step} measurement of ${m.seconds} s by ${m.drill} on ${m.measuredOn}`;
  return m.status === 'stale'
    ? `${what} is older than ${tier}'s drill interval (it counted until ${m.freshUntil}): ` +
        'run the drill again and record its measurement'
    : `${what} is dated after today: correct its date (the UTC date of the drill)`;
}
