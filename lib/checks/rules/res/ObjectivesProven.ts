import { Evaluation, HaRule, RuleContext, serviceOutcome } from '../rule';

const LABELS = {
  azRto: 'AZ RTO',
  azRpo: 'AZ RPO',
  regionRto: 'region RTO',
  regionRpo: 'region RPO',
  availability: 'availability',
} as const;

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
      const unproven = (Object.keys(LABELS) as (keyof typeof LABELS)[]).filter((q) => report.status[q] === 'unproven');
      const details = unproven.map((q) => {
        const unknown = report.derivation.filter((s) => s.quantity === q && s.value === undefined);
        return `${LABELS[q]} (${unknown.map((s) => `${s.resource}: ${s.basis}`).join('; ') || 'no bound found'})`;
      });
      return serviceOutcome(
        report.stack,
        report.service,
        unproven.length === 0
          ? undefined
          : `service ${report.service} in ${report.stack} cannot be shown to meet ${report.tier}: ${details.join('; ')}`,
      );
    });
  },
};
