import type { DrStrategy, TierObjectives } from '../core';

/*
 * What the checks produce: findings and service reports. Types only, importing nothing of the
 * checks, so that the rules (which read reports and return findings), the report (which computes
 * them) and the CLI and plugin (which print them) share them without importing one another.
 */

/** How serious a finding is: errors fail synthesis and the CLI; warnings only with `--fail-on warning`. */
export type FindingLevel = 'error' | 'warning';

/** A rule broken by one resource (or, for rules about what is missing, by one service in one stack). */
export interface Finding {
  /** Rule id, `HA-<AREA><n>`. */
  readonly rule: string;
  readonly level: FindingLevel;
  readonly stack: string;
  /** CloudFormation logical id, Terraform address, or `service:<name>` for something missing from a service. */
  readonly resource: string;
  /** What is wrong and what to change. */
  readonly message: string;
}

/** A finding accepted by the design, and why. */
export interface AcknowledgedFinding extends Finding {
  readonly reason: string;
}

/** Whether the synthesized topology meets an objective. */
export type ObjectiveStatus = 'met' | 'not-met' | 'unproven';

/** The figure a derivation step contributes to. */
export type Quantity = 'azRto' | 'azRpo' | 'regionRto' | 'regionRpo' | 'availability';

/** One step of the derivation of a reported figure: which resource, what value, from which published figures. */
export interface DerivationStep {
  readonly quantity: Quantity;
  readonly stack: string;
  readonly resource: string;
  /** Seconds (RTO, RPO) or a ratio (availability); absent when the template cannot bound it. */
  readonly value?: number;
  readonly basis: string;
  /** Names of the constants in lib/core/figures.ts (or PUBLISHED_SLAS keys) the value comes from. */
  readonly figures: readonly string[];
}

/** The resilience report of one service in one stack. */
export interface ServiceReport {
  readonly stack: string;
  readonly service: string;
  readonly tier: string;
  readonly strategy: DrStrategy;
  readonly region?: string;
  /** Regions of every stack of the service. */
  readonly regions: readonly string[];
  /** Worst-case seconds to recover from the loss of one zone of this stack; null when unbounded or unproven. */
  readonly azRtoSeconds: number | null;
  readonly azRpoSeconds: number | null;
  /** Worst-case seconds to recover the service from the loss of a region; null when unbounded or unproven. */
  readonly regionRtoSeconds: number | null;
  readonly regionRpoSeconds: number | null;
  /** Estimated availability from published SLAs (a floor the providers commit to, not a measurement). */
  readonly availability: number | null;
  readonly objectives: TierObjectives;
  readonly status: Readonly<Record<Quantity, ObjectiveStatus>>;
  /** Whether every objective is shown to be met. */
  readonly objectivesMet: boolean;
  readonly derivation: readonly DerivationStep[];
  /** What the estimate assumes and what it could not see. */
  readonly notes: readonly string[];
}

/** The report and the findings, as `ha-report --json` prints them. */
export interface HaReport {
  readonly services: readonly ServiceReport[];
  /** Findings not acknowledged: what the exit code and a policy validation act on. */
  readonly findings: readonly Finding[];
  /** Findings the synthesized output acknowledges (`HA_ACKNOWLEDGED_KEY`), with the reason given. */
  readonly acknowledged?: readonly AcknowledgedFinding[];
}
