import type { DerivationStep, ServiceReport } from '../../model';

/** The objectives of a service report, as the findings name them. */
export const OBJECTIVE_LABELS = {
  azRto: 'AZ RTO',
  azRpo: 'AZ RPO',
  regionRto: 'region RTO',
  regionRpo: 'region RPO',
  availability: 'availability',
} as const;

export type Objective = keyof typeof OBJECTIVE_LABELS;

/** `in Shop` for a service of one stack, `across Shop-us-east-1, Shop-us-west-2` for one of several. */
export function inStacks(report: ServiceReport): string {
  return report.stacks.length > 1 ? `across ${report.stacks.join(', ')}` : `in ${report.stack}`;
}

/**
 * Derivation steps as `resource: basis`, each once; the resource is prefixed with its stack when the
 * service spans several, since the same construct in two regions' stacks has the same logical id.
 */
export function stepLines(report: ServiceReport, steps: readonly DerivationStep[]): string[] {
  const where = (s: DerivationStep) => (report.stacks.length > 1 ? `${s.stack}/${s.resource}` : s.resource);
  return [...new Set(steps.map((s) => `${where(s)}: ${s.basis}`))];
}
