import { Evaluation, HaRule, RuleContext, serviceOutcome } from '../rule';
import { inStacks, Objective, OBJECTIVE_LABELS, stepLines } from './steps';

/** HA-RES2: every objective of the tier can be shown from the templates. */
export const ObjectivesProven: HaRule = {
  id: 'HA-RES2',
  level: 'warning',
  category: 'recovery',
  needsTier: true,
  info: 'The resilience report can bound every objective of the tier from the templates and published figures (none is "unproven").',
  explanation:
    'An objective that cannot be computed is one nobody can say is met: a missing health check, a replication without a published bound, a standby without a declared warm-up. The report names what it could not see.',
  resourceTypes: ['every resource with an HA record'],
  evaluate(context: RuleContext): Evaluation[] {
    return context.reports().map((report) => {
      const unproven = (Object.keys(OBJECTIVE_LABELS) as Objective[]).filter((q) => report.status[q] === 'unproven');
      const details = unproven.map((q) => {
        const unknown = report.derivation.filter((s) => s.quantity === q && s.value === undefined);
        return `${OBJECTIVE_LABELS[q]} (${stepLines(report, unknown).join('; ') || 'no bound found'})`;
      });
      return serviceOutcome(
        report.stack,
        report.service,
        unproven.length === 0
          ? undefined
          : `service ${report.service} ${inStacks(report)} cannot be shown to meet ${report.tier}: ${details.join('; ')}`,
      );
    });
  },
};
