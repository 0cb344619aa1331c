import { PlanProblem, PlanWarning } from '../errors';
import { SYNTHETICS_MAX_RETENTION_DAYS } from '../figures';
import { ServiceTier } from '../tier';
import { API_PROBE_SCRIPT, HEARTBEAT_PROBE_SCRIPT } from './probe-scripts';

/**
 * The plan of a synthetic probe: what the CDK `SyntheticCanary` and its Terraform twin render (a
 * CloudWatch Synthetics canary, its artifacts bucket and its success alarm).
 */

/** What the runs of a synthetic probe (`SyntheticCanary`) do. */
export class ProbeBlueprint {
  /**
   * Loads the URL in a headless browser, as a user's first page view would (DNS, TLS, the
   * balancer, the page), and fails on a status outside 2xx; keeps a screenshot of each run.
   */
  public static readonly HEARTBEAT = new ProbeBlueprint('HEARTBEAT');
  /** Sends one HTTPS request (`method`) and fails on a status outside 2xx: an API probe, no browser. */
  public static readonly API = new ProbeBlueprint('API');

  private constructor(public readonly name: string) {}
}

/** A probe as its props describe it; `undefined` where the user gave nothing (or a value unknown at synthesis). */
export interface ProbeIntent {
  /** The URL probed; undefined when unknown at synthesis. */
  readonly url?: string;
  /** @default ProbeBlueprint.HEARTBEAT */
  readonly blueprint?: ProbeBlueprint;
  /** The API blueprint's HTTP method as the user wrote it. @default 'GET' */
  readonly method?: string;
  /** @default - tier.probeIntervalMinutes */
  readonly intervalMinutes?: number;
  /** @default 100 */
  readonly successPercentThreshold?: number;
  /** @default 2 */
  readonly alarmPeriods?: number;
  /** @default - tier.logRetentionDays */
  readonly artifactRetentionDays?: number;
}

/** The success alarm, as data: `SuccessPercent` of the canary, averaged per run interval. */
export interface ProbeAlarmPlan {
  readonly namespace: 'CloudWatchSynthetics';
  readonly metricName: 'SuccessPercent';
  readonly statistic: 'Average';
  readonly periodSeconds: number;
  /** A period fails below this percentage of successful runs. */
  readonly threshold: number;
  readonly comparison: 'LessThanThreshold';
  /** Consecutive failed periods before it fires (evaluation periods and datapoints alike). */
  readonly periods: number;
  /** A probe that stops reporting cannot reach the service, or is broken: both need a look. */
  readonly treatMissingData: 'breaching';
}

/** Where and how long run artifacts are kept. */
export interface ProbeArtifactsPlan {
  /** Days objects stay in the artifacts bucket. */
  readonly retentionDays: number;
  /** Days Synthetics keeps its run records (at most its limit). */
  readonly runRetentionDays: number;
  /** Standard-IA after this many days, when artifacts are kept long enough to pay for it. */
  readonly infrequentAccessAfterDays?: number;
  /** Glacier after this many days, when artifacts are kept at least twice that. */
  readonly glacierAfterDays?: number;
  /** Overwritten or deleted artifacts are kept a day: nothing edits them. */
  readonly noncurrentVersionDays: number;
}

/** What the engines render. */
export interface ProbePlan {
  readonly blueprint: ProbeBlueprint;
  /** The API blueprint's method, upper case. */
  readonly method: string;
  readonly intervalMinutes: number;
  /** Longest a run may take: the interval, capped at a minute so runs never overlap or queue. */
  readonly runSeconds: number;
  /** The page load or request timeout inside a run: ten seconds under the run's, to report its own failure. */
  readonly requestTimeoutMs: number;
  /** The script each run executes (the Synthetics Node.js runtime's `index.handler`). */
  readonly script: string;
  readonly alarm: ProbeAlarmPlan;
  readonly artifacts: ProbeArtifactsPlan;
  readonly problems: PlanProblem[];
  readonly warnings: PlanWarning[];
}

/** Methods a probe may repeat forever: reads. */
const READ_METHODS = ['GET', 'HEAD', 'OPTIONS'];
/** S3 moves objects to Standard-IA after 30 days at the earliest. */
const INFREQUENT_ACCESS_AFTER_DAYS = 30;
/** Artifacts move to Glacier after 90 days when they are kept at least twice that long. */
const GLACIER_AFTER_DAYS = 90;

/**
 * Plans a synthetic probe.
 *
 * Run time `runSeconds = min(60, intervalMinutes × 60)`; request timeout `(runSeconds − 10) × 1000` ms;
 * alarm: `SuccessPercent` (Average) per `intervalMinutes × 60` s below `threshold` in `periods`
 * consecutive periods, missing data breaching; detection of a dead endpoint takes
 * `periods × intervalMinutes` minutes. Artifacts expire after `artifactRetentionDays`, Standard-IA
 * after 30 days when kept more than 60, Glacier after 90 when kept at least 180.
 *
 * Example: TIER_1 (probe every minute, logs kept 365 days), defaults: runs of 60 s with a 50 000 ms
 * request timeout; the alarm fires after 2 failed 60 s periods (2 minutes); artifacts kept 365 days,
 * Standard-IA after 30, Glacier after 90.
 */
export function planProbe(tier: ServiceTier, intent: ProbeIntent): ProbePlan {
  const problems: PlanProblem[] = [];
  const fail = (prop: string, message: string) => problems.push({ prop, message });
  if (intent.url !== undefined && !/^https:\/\/[^/\s]+/.test(intent.url)) {
    fail('url', `url must be an https:// URL (the probe must cross TLS as users do), got: ${intent.url}`);
  }
  const intervalMinutes = intent.intervalMinutes ?? tier.probeIntervalMinutes;
  if (!Number.isInteger(intervalMinutes) || intervalMinutes < 1 || intervalMinutes > 60) {
    const from = intent.intervalMinutes === undefined ? ` (${tier.name}'s probeIntervalMinutes)` : '';
    fail('intervalMinutes', `intervalMinutes must be an integer from 1 to 60, got: ${intervalMinutes}${from}`);
  }
  const threshold = intent.successPercentThreshold ?? 100;
  if (!(threshold > 0 && threshold <= 100)) {
    fail('successPercentThreshold', `successPercentThreshold must be above 0 and at most 100, got: ${threshold}`);
  }
  const periods = intent.alarmPeriods ?? 2;
  if (!Number.isInteger(periods) || periods < 1) {
    fail('alarmPeriods', `alarmPeriods must be an integer of at least 1, got: ${periods}`);
  }
  const retentionDays = intent.artifactRetentionDays ?? tier.logRetentionDays;
  if (!Number.isInteger(retentionDays) || retentionDays < 1) {
    fail('artifactRetentionDays', `artifactRetentionDays must be an integer of at least 1, got: ${retentionDays}`);
  }
  const blueprint = intent.blueprint ?? ProbeBlueprint.HEARTBEAT;
  const method = (intent.method ?? 'GET').toUpperCase();
  if (intent.method !== undefined && blueprint !== ProbeBlueprint.API) {
    fail('method', `method applies to the API blueprint only, got: ${intent.method} with ${blueprint.name}`);
  } else if (!READ_METHODS.includes(method)) {
    fail('method', `method must be a read (GET, HEAD or OPTIONS): the probe repeats forever, got: ${intent.method}`);
  }
  const runSeconds = Math.min(60, intervalMinutes * 60);
  return {
    blueprint,
    method,
    intervalMinutes,
    runSeconds,
    requestTimeoutMs: (runSeconds - 10) * 1000,
    script: blueprint === ProbeBlueprint.API ? API_PROBE_SCRIPT : HEARTBEAT_PROBE_SCRIPT,
    alarm: {
      namespace: 'CloudWatchSynthetics',
      metricName: 'SuccessPercent',
      statistic: 'Average',
      periodSeconds: intervalMinutes * 60,
      threshold,
      comparison: 'LessThanThreshold',
      periods,
      treatMissingData: 'breaching',
    },
    artifacts: {
      retentionDays,
      runRetentionDays: Math.min(retentionDays, SYNTHETICS_MAX_RETENTION_DAYS),
      infrequentAccessAfterDays:
        retentionDays > 2 * INFREQUENT_ACCESS_AFTER_DAYS ? INFREQUENT_ACCESS_AFTER_DAYS : undefined,
      glacierAfterDays: retentionDays >= 2 * GLACIER_AFTER_DAYS ? GLACIER_AFTER_DAYS : undefined,
      noncurrentVersionDays: 1,
    },
    problems,
    warnings: [],
  };
}
