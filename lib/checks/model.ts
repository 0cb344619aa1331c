import type { DrStrategy, TierObjectives } from '../core';

/*
 * What the checks produce: findings and service reports. Types (and one accessor), importing nothing of the
 * checks, so that the rules (which read reports and return findings), the report (which computes
 * them) and the CLI and plugin (which print them) share them without importing one another.
 */

/** How serious a finding is: errors fail synthesis and the CLI; warnings only with `--fail-on warning`. */
export type FindingLevel = 'error' | 'warning';

/**
 * What a rule protects: `availability` (serving through a zone's or an instance's failure),
 * `recovery` (getting service and data back after a region's loss or a bad write), `security-hygiene`
 * (keys, TLS, least privilege, audit) and `operations` (alarms, probes, logs).
 */
export type RuleCategory = 'availability' | 'recovery' | 'security-hygiene' | 'operations';

/** A rule broken by one resource (or, for rules about what is missing, by one service in one stack). */
export interface Finding {
  /** Rule id, `HA-<AREA><n>`. */
  readonly rule: string;
  readonly level: FindingLevel;
  readonly category: RuleCategory;
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
  /** The drill measurement the step read (`recordDrillMeasurement`): counted while fresh, named when stale. */
  readonly measurement?: StepMeasurement;
  /**
   * The AZ failure an `azRto` step counts: `gray` when the zone fails requests while its targets pass
   * health checks (detection, zonal shift, DNS); absent for an AZ lost outright.
   */
  readonly failure?: 'gray';
}

/** A drill's measurement of a failover step, as a derivation step uses it. */
export interface StepMeasurement {
  /** The step measured (`decision`, `promotion`, `writer-creation`, `scale-up`, `restore`). */
  readonly step: string;
  readonly seconds: number;
  /** The UTC date of the drill. */
  readonly measuredOn: string;
  /** The drill and run that measured it. */
  readonly drill: string;
  /** The last date it counts: the drill's date plus the tier's drill interval. */
  readonly freshUntil: string;
  /** `fresh` (counted), `stale` (older than the tier's drill interval) or `future` (dated after the report's date). */
  readonly status: 'fresh' | 'stale' | 'future';
  /** Where it is recorded: a resource of a stack, or the stack itself (no resource). */
  readonly recordedOn: { readonly stack: string; readonly resource?: string };
}

/** The four figures measured in seconds. */
export type SecondsQuantity = Exclude<Quantity, 'availability'>;

/**
 * The resilience report of one service: across all its stacks (`HaReport.services`, one per
 * service), or of the service in one of its stacks (`HaReport.perStack`, one per service and stack,
 * whose AZ figures are those of that stack alone).
 */
export interface ServiceReport {
  /**
   * In `services`, the service's main stack: the first that serves requests in the primary role,
   * else the first holding a primary record, else the first. In `perStack`, the stack reported on.
   */
  readonly stack: string;
  /** Every stack the service has resources in, the main stack first. */
  readonly stacks: readonly string[];
  readonly service: string;
  readonly tier: string;
  readonly strategy: DrStrategy;
  /** Region of `stack`. */
  readonly region?: string;
  /** Regions of every stack of the service. */
  readonly regions: readonly string[];
  /** Worst-case seconds to recover from the loss of one zone (of any stack in `services`, of `stack` in `perStack`); null when unbounded or unproven. */
  readonly azRtoSeconds: number | null;
  readonly azRpoSeconds: number | null;
  /** Worst-case seconds to recover the service from the loss of a region; null when unbounded or unproven. */
  readonly regionRtoSeconds: number | null;
  readonly regionRpoSeconds: number | null;
  /** Estimated availability from published SLAs (a floor the providers commit to, not a measurement). */
  readonly availability: number | null;
  /**
   * What the known steps of each seconds figure already add up to: the figure is at least this.
   * Equal to the figure when it is proven; for an unproven one, the part that is known (the report
   * prints `≥ 396 s ?`); null when nothing is known or nothing bounds it (`unbounded`).
   */
  readonly lowerBounds: Readonly<Record<SecondsQuantity, number | null>>;
  readonly objectives: TierObjectives;
  readonly status: Readonly<Record<Quantity, ObjectiveStatus>>;
  /** Whether every objective is shown to be met. */
  readonly objectivesMet: boolean;
  /** All objectives together: `not-met` when one is not met, else `unproven` when one is unproven, else `met`. */
  readonly overall: ObjectiveStatus;
  readonly derivation: readonly DerivationStep[];
  /** What the estimate assumes and what it could not see. */
  readonly notes: readonly string[];
}

/**
 * Part of an input that was not read, so nothing in it was checked: a module whose source is not
 * beside the file, a file of no known format in a directory of templates.
 */
export interface UnreadInput {
  /** The stack (or directory) it belongs to. */
  readonly stack: string;
  /** What was not read: `module.db (terraform-aws-modules/rds/aws)`, a file name. */
  readonly what: string;
  /** Why, and what to pass instead so that it is read. */
  readonly why: string;
}

/** A rule that could not decide on a resource because a value it reads is unknown to the template. */
export interface UncheckedValue {
  readonly rule: string;
  readonly stack: string;
  readonly resource: string;
  /** The value that is unknown, and how to make it known (a parameter value, a configuration instead of a plan). */
  readonly why: string;
}

/** The report and the findings, as `ha-report --json` prints them. */
export interface HaReport {
  /** One report per service, across all its stacks. */
  readonly services: readonly ServiceReport[];
  /** One report per service and stack: the AZ figures of each stack on its own (what HA-RES1 and HA-RES2 judge). */
  readonly perStack?: readonly ServiceReport[];
  /** Findings not acknowledged: what the exit code and a policy validation act on. */
  readonly findings: readonly Finding[];
  /** Findings the synthesized output acknowledges (`HA_ACKNOWLEDGED_KEY`), with the reason given. */
  readonly acknowledged?: readonly AcknowledgedFinding[];
  /** What the inputs hold that was not read (and so not checked), with the reason. */
  readonly unread?: readonly UnreadInput[];
  /** What a rule could not decide because a value is unknown: neither a finding nor a pass. */
  readonly unchecked?: readonly UncheckedValue[];
  /** When no resource declares a tier: the rules that judge only a tier's resources, which therefore did not run. */
  readonly rulesNeedingTier?: readonly string[];
}

/** A service's reported figure: seconds (RTO, RPO) or the availability ratio; null when unbounded or unproven. */
export function reportedFigure(s: ServiceReport, quantity: Quantity): number | null {
  return {
    azRto: s.azRtoSeconds,
    azRpo: s.azRpoSeconds,
    regionRto: s.regionRtoSeconds,
    regionRpo: s.regionRpoSeconds,
    availability: s.availability,
  }[quantity];
}
