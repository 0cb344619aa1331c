import { PlanProblem, HaValidationError } from './errors';

/**
 * What a drill measured, recorded by the service's owner in the stack, so that the resilience
 * report can count a failover step whose duration no provider publishes (a person's decision, a
 * new Aurora writer, a Cloud SQL promotion, a standby fleet's scale-up, a restore). A measurement
 * counts while it is fresh, for the tier's `drillIntervalDays` after the drill; an older one is
 * stale and the step is unknown again. It never lowers a published figure.
 */

/**
 * Metadata key of the records, as `{ "<step>": { seconds, measuredOn, drill } }`: in a CloudFormation
 * resource's `Metadata` (the template's for the stack) and a Terraform resource's `//` block (the
 * stack's top-level `//` for the stack). One record per step and resource: a new drill replaces it.
 */
export const DRILL_MEASUREMENTS_METADATA_KEY = 'ha-constructs:drill-measurements';

/**
 * A failover step a drill can measure:
 * - `decision`: from the page to the runbooks' start, when a person decides;
 * - `promotion`: the standby's database becomes the writer;
 * - `writer-creation`: a writer instance is added to a headless secondary, before its promotion;
 * - `scale-up`: from the runbook's start to the standby fleet serving at the primary's capacity
 *   (instances launched, warmed up and healthy behind the load balancer);
 * - `restore`: a backup-and-restore service serves again from restored data;
 * - `zone-evacuation`: a zone's loss, from the fault until the load balancer sends nothing to the
 *   zone and every instance of the other zones is healthy (the AZ RTO of a fleet);
 * - `database-failover`: a database's writer moving to its standby zone, from the fault (a forced
 *   failover: `gcloud sql instances failover`, `aws rds failover-db-cluster`) until it takes writes
 *   again (the AZ RTO of a store whose provider publishes no failover time).
 */
export type DrillStep =
  'decision' | 'promotion' | 'writer-creation' | 'scale-up' | 'restore' | 'zone-evacuation' | 'database-failover';

/** Every step a drill can measure: a region failover's in order, then a zone's. */
export const DRILL_STEPS: readonly DrillStep[] = [
  'decision',
  'promotion',
  'writer-creation',
  'scale-up',
  'restore',
  'zone-evacuation',
  'database-failover',
];

/** One measurement of a step by a drill. */
export interface DrillMeasurement {
  /** The step measured. */
  readonly step: DrillStep;
  /** Seconds the step took: the worst of the drill's runs. */
  readonly seconds: number;
  /** The UTC date of the drill, `YYYY-MM-DD`. */
  readonly measuredOn: string;
  /** The drill and the run that measured it, e.g. `RegionEvacuationDrill experiment EXP1a2b3c4d5e6f7`. */
  readonly drill: string;
}

/** Where a step's record may be written. */
export interface DrillMeasurementTarget {
  /** On the stack itself: a step of the whole service. */
  readonly stack: boolean;
  /** On resources of these types, every engine's, the most specific first (a fleet's group before a runbook). */
  readonly resourceTypes: readonly string[];
}

// A Google runbook is a Cloud Workflows workflow.
const RUNBOOKS = ['AWS::SSM::Document', 'aws_ssm_document', 'google_workflows_workflow'];
const AURORA_CLUSTERS = ['AWS::RDS::DBCluster', 'aws_rds_cluster'];

/**
 * Where each step's record is written: on the stack (a service-wide step) and on resources of these
 * types, every engine's (the standby fleet's group, the secondary cluster, the runbook's document).
 */
export const DRILL_MEASUREMENT_TARGETS: Readonly<Record<DrillStep, DrillMeasurementTarget>> = {
  decision: { stack: true, resourceTypes: [...RUNBOOKS] },
  promotion: {
    stack: false,
    // A Spanner database's record times its leaders' move to the other read-write region.
    resourceTypes: [...AURORA_CLUSTERS, 'google_sql_database_instance', 'google_spanner_database', ...RUNBOOKS],
  },
  'writer-creation': { stack: false, resourceTypes: [...AURORA_CLUSTERS, ...RUNBOOKS] },
  // A Google fleet's measurement goes on its instance group (the report reads it beside the autoscaler).
  'scale-up': {
    stack: false,
    resourceTypes: [
      'AWS::AutoScaling::AutoScalingGroup',
      'aws_autoscaling_group',
      'google_compute_region_instance_group_manager',
      // An ECS service's task count; a function Lambda scales on demand.
      'AWS::ECS::Service',
      'aws_ecs_service',
      'AWS::Lambda::Function',
      'aws_lambda_function',
      // A standby Cloud Run service scales on demand too.
      'google_cloud_run_v2_service',
      ...RUNBOOKS,
    ],
  },
  restore: { stack: true, resourceTypes: ['AWS::Backup::BackupPlan', 'aws_backup_plan'] },
  // The fleet whose zone the drill took out (ZoneEvacuationDrill's execution result, `recoverySeconds`).
  'zone-evacuation': { stack: false, resourceTypes: ['google_compute_region_instance_group_manager'] },
  // The database itself, whichever engine wrote it.
  'database-failover': {
    stack: false,
    resourceTypes: ['google_sql_database_instance', ...AURORA_CLUSTERS, 'AWS::RDS::DBInstance', 'aws_db_instance'],
  },
};

/** One row of the validation table: the prop, what is allowed, and whether the value is. */
interface Allowed {
  readonly prop: keyof DrillMeasurement;
  readonly allowed: (today: string) => string;
  readonly holds: (m: Record<string, unknown>, today: string) => boolean;
  /** Judged against today's date, which only the caller knows (a reader of old output judges it itself). */
  readonly dated?: boolean;
}

const ALLOWED: readonly Allowed[] = [
  {
    prop: 'step',
    allowed: () => `one of ${DRILL_STEPS.join(', ')}`,
    holds: (m) => DRILL_STEPS.includes(m.step as DrillStep),
  },
  {
    prop: 'seconds',
    allowed: () => "a finite number of seconds above 0 (the worst of the drill's runs)",
    holds: (m) => typeof m.seconds === 'number' && Number.isFinite(m.seconds) && m.seconds > 0,
  },
  { prop: 'measuredOn', allowed: () => 'a UTC date YYYY-MM-DD that exists', holds: (m) => isIsoDate(m.measuredOn) },
  {
    prop: 'measuredOn',
    allowed: (today) => `a date not after today (${today} UTC)`,
    dated: true,
    holds: (m, today) => (m.measuredOn as string) <= today,
  },
  {
    prop: 'drill',
    allowed: () => 'a non-empty text naming the drill and its run (e.g. a FIS experiment id)',
    holds: (m) => typeof m.drill === 'string' && m.drill.trim() !== '',
  },
];

/**
 * What is wrong with a measurement, by the table above: one problem per prop, naming the value
 * received and what is allowed; empty when valid.
 */
export function drillMeasurementProblems(measurement: unknown, today: Date = new Date()): PlanProblem[] {
  return problemsOf(measurement, isoDateOf(today));
}

/** The table's problems; rows that need today's date are skipped without one. */
function problemsOf(measurement: unknown, today: string | undefined): PlanProblem[] {
  const m = (typeof measurement === 'object' && measurement !== null ? measurement : {}) as Record<string, unknown>;
  const problems: PlanProblem[] = [];
  for (const row of ALLOWED) {
    const judged = today !== undefined || !row.dated;
    if (!judged || problems.some((p) => p.prop === row.prop) || row.holds(m, today ?? '')) {
      continue;
    }
    const message = `${row.prop} must be ${row.allowed(today ?? '')}, got: ${shown(m[row.prop])}`;
    problems.push({ prop: row.prop, message });
  }
  return problems;
}

/** The measurement, or the library's error naming its first problem. */
export function validateDrillMeasurement(measurement: DrillMeasurement, today: Date = new Date()): DrillMeasurement {
  const [problem] = drillMeasurementProblems(measurement, today);
  if (problem) {
    throw new HaValidationError(problem.message, { prop: problem.prop });
  }
  return measurement;
}

/** A measurement as written under {@link DRILL_MEASUREMENTS_METADATA_KEY}, beside its step (keys in a fixed order). */
export function drillMeasurementEntry(measurement: DrillMeasurement): Omit<DrillMeasurement, 'step'> {
  return { seconds: measurement.seconds, measuredOn: measurement.measuredOn, drill: measurement.drill };
}

/** A resource an engine offers as the place of a measurement: its type (CloudFormation's or Terraform's) and path. */
export interface MeasurableResource<T> {
  readonly resource: T;
  readonly type: string;
  readonly path: string;
}

/**
 * Of the resources below a scope whose types the step concerns, the one a measurement goes on: of
 * the first of `types` (in order of preference: a fleet's group before the runbook documents the
 * fleet also holds) found there, the only one. A problem (none, or two: which one was measured?)
 * names the scope and what it holds.
 */
export function measuredResourceOf<T>(
  below: readonly MeasurableResource<T>[],
  step: DrillStep,
  types: readonly string[],
  scopePath: string,
): { readonly resource: T } | { readonly problem: string } {
  if (types.length === 0) {
    // The step concerns resources of another engine only (a zone evacuation is measured on Google fleets).
    const where = DRILL_MEASUREMENT_TARGETS[step].resourceTypes.join(', ');
    return {
      problem: `scope cannot hold a ${step} measurement on this engine: it goes on ${where}, got: ${scopePath}`,
    };
  }
  const type = types.find((t) => below.some((r) => r.type === t));
  const found = below.filter((r) => r.type === type);
  if (found.length === 1) {
    return { resource: found[0].resource };
  }
  const got = found.length === 0 ? 'none' : found.map((r) => r.path).join(', ');
  return {
    problem: `scope must hold exactly one resource a ${step} measurement concerns (${types.join(', ')}), got: ${got} in ${scopePath}`,
  };
}

/** The records read back from synthesized output. */
export interface ParsedDrillMeasurements {
  /** Each well-formed record, in the order of {@link DRILL_STEPS}. */
  readonly measurements: readonly DrillMeasurement[];
  /** What is wrong with each other record: the step, then the problem. */
  readonly rejected: readonly string[];
}

/**
 * Reads the value under {@link DRILL_MEASUREMENTS_METADATA_KEY}; a record with an unknown step, a
 * non-positive or non-finite duration, an impossible date or no drill is rejected (a date after the
 * reader's today is left to it: it knows its own date).
 */
export function parseDrillMeasurements(value: unknown): ParsedDrillMeasurements {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    const expected = `a map of step to { seconds, measuredOn, drill } is expected, got: ${JSON.stringify(value)}`;
    return { measurements: [], rejected: [expected] };
  }
  const measurements: DrillMeasurement[] = [];
  const rejected: string[] = [];
  const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => order(a) - order(b));
  for (const [step, entry] of entries) {
    const record = { ...(typeof entry === 'object' && entry !== null ? entry : {}), step } as Record<string, unknown>;
    // Whether the date is in the future is the reader's to judge: it knows its own date.
    const problems = problemsOf(record, undefined);
    if (problems.length > 0) {
      rejected.push(`${step}: ${problems.map((p) => p.message).join('; ')}`);
    } else {
      const { seconds, measuredOn, drill } = record as unknown as DrillMeasurement;
      measurements.push({ step: step as DrillStep, seconds, measuredOn, drill });
    }
  }
  return { measurements, rejected };
}

/** How old a measurement is against a tier's drill interval. */
export interface DrillMeasurementAge {
  /** The last UTC date it counts: the drill's date plus the interval. */
  readonly freshUntil: string;
  /** Older than the interval: it no longer counts. */
  readonly stale: boolean;
  /** Dated after `today`: not counted either (a typo, or a clock that is wrong). */
  readonly future: boolean;
}

/** The age of a measurement on `today`, against a drill interval of `intervalDays`. */
export function drillMeasurementAge(
  measurement: DrillMeasurement,
  intervalDays: number,
  today: Date = new Date(),
): DrillMeasurementAge {
  const day = isoDateOf(today);
  const freshUntil = isoDateOf(new Date(Date.parse(`${measurement.measuredOn}T00:00:00Z`) + intervalDays * 86_400_000));
  return { freshUntil, stale: day > freshUntil, future: measurement.measuredOn > day };
}

/** The UTC date of `date`, `YYYY-MM-DD`. */
export function isoDateOf(date: Date): string {
  return date.toISOString().slice(0, 10);
}

function isIsoDate(value: unknown): boolean {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    return false;
  }
  const parsed = new Date(`${value}T00:00:00Z`);
  // Date.parse rolls 2026-02-30 over to March: a date that exists reads back the same.
  return !Number.isNaN(parsed.getTime()) && isoDateOf(parsed) === value;
}

function shown(value: unknown): string {
  const json = typeof value === 'string' || (typeof value === 'object' && value !== null);
  return json ? JSON.stringify(value) : String(value);
}

function order(step: string): number {
  const index = DRILL_STEPS.indexOf(step as DrillStep);
  return index < 0 ? DRILL_STEPS.length : index;
}
