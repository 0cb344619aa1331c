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

/** What a gray failure of one AZ costs a service whose AZ RTO is met for an AZ lost outright. */
export interface GrayAzShortfall {
  /** Seconds a gray failure takes at least (the known steps: detection and DNS). */
  readonly atLeastSeconds: number;
  /** The AZ RTO objective. */
  readonly objectiveSeconds: number;
  /** The summary steps of the gray path, one per load balancer. */
  readonly steps: readonly DerivationStep[];
}

/**
 * The AZ RTO shortfall that comes from gray failures alone: the AZ RTO is not met, every step of an
 * AZ lost outright meets the objective, and a gray path's known part exceeds it. Undefined otherwise
 * (HA-RES1 then judges the AZ RTO as any other objective).
 */
export function grayAzShortfall(report: ServiceReport): GrayAzShortfall | undefined {
  if (report.status.azRto !== 'not-met') {
    return undefined;
  }
  const objectiveSeconds = report.objectives.azRtoSeconds;
  const azSteps = report.derivation.filter((s) => s.quantity === 'azRto');
  const failStopMet = azSteps
    .filter((s) => s.failure !== 'gray')
    .every((s) => s.value !== undefined && s.value <= objectiveSeconds);
  const over = azSteps.filter((s) => s.failure === 'gray' && s.value !== undefined && s.value > objectiveSeconds);
  if (!failStopMet || over.length === 0) {
    return undefined;
  }
  const atLeastSeconds = Math.max(...over.map((s) => s.value!));
  return { atLeastSeconds, objectiveSeconds, steps: over.filter((s) => s.value === atLeastSeconds) };
}
