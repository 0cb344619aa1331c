import type { ServiceReport } from '../../model';
import { Evaluation, HaRule, RuleContext, serviceOutcome } from '../rule';
import { grayAzShortfall, inStacks, Objective, OBJECTIVE_LABELS, stepLines } from './steps';

/** HA-RES1: the computed RTO, RPO and availability do not fall short of the tier. */
export const ObjectivesMet: HaRule = {
  id: 'HA-RES1',
  level: 'error',
  category: 'recovery',
  needsTier: true,
  info: "The resilience report shows no objective of the service's tier as not met (a computed figure beyond the objective, or no bound at all where one is needed).",
  explanation:
    'The other rules check settings one at a time; this one checks their composition: the RTO, RPO and availability the whole topology achieves, against what the tier promises.',
  resourceTypes: ['every resource with an HA record'],
  evaluate(context: RuleContext): Evaluation[] {
    return context.reports().map((report) => {
      // An AZ RTO missed only for gray failures is HA-AZ6's: acknowledging that must not hide another objective.
      const grayOnly = grayAzShortfall(report) !== undefined;
      const missed = (Object.keys(OBJECTIVE_LABELS) as Objective[]).filter(
        (q) => report.status[q] === 'not-met' && !(q === 'azRto' && grayOnly),
      );
      const details = missed.map((q) => {
        const steps = report.derivation
          .filter((s) => s.quantity === q && (s.value === undefined || q === 'availability' || s.value > 0))
          .slice(-2);
        return `${OBJECTIVE_LABELS[q]} ${achievedAgainstTarget(report, q)} (${stepLines(report, steps).join('; ')})`;
      });
      return serviceOutcome(
        report.stack,
        report.service,
        missed.length === 0
          ? undefined
          : `service ${report.service} ${inStacks(report)} does not meet ${report.tier}: ${details.join('; ')}`,
      );
    });
  },
};

/** `99.940005 % against a target of 99.95 %`, `1200 s against 900 s`, `unbounded against 60 s`. */
function achievedAgainstTarget(report: ServiceReport, q: Objective): string {
  const { objectives } = report;
  if (q === 'availability') {
    const percent = (v: number) => `${Number((v * 100).toPrecision(8))} %`;
    return `${report.availability === null ? 'unbounded' : percent(report.availability)} against a target of ${percent(objectives.availabilityTarget)}`;
  }
  const achieved = {
    azRto: report.azRtoSeconds,
    azRpo: report.azRpoSeconds,
    regionRto: report.regionRtoSeconds,
    regionRpo: report.regionRpoSeconds,
  }[q];
  const target = {
    azRto: objectives.azRtoSeconds,
    azRpo: objectives.azRpoSeconds,
    regionRto: objectives.regionRtoSeconds,
    regionRpo: objectives.regionRpoSeconds,
  }[q];
  const atLeast = report.lowerBounds[q];
  const shown = achieved !== null ? `${achieved} s` : atLeast !== null ? `at least ${atLeast} s` : 'unbounded';
  return `${shown} against ${target} s`;
}
