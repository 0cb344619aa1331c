/**
 * Jest matchers over the resilience report of an app: `expect.extend(haMatchers)` once (in a test
 * file or a `setupFilesAfterEnv` file), then
 *
 * ```ts
 * expect(app).toMeetTier();
 * expect(app).toHaveNoHaFindings({ level: 'warning' });
 * expect(app).toHaveRegionRtoAtMost(600, { service: 'checkout' });
 * ```
 *
 * The received value is anything {@link SynthesizedInput} accepts (a CDK app or stack, a cdktf app
 * or stack, a synthesized directory) or a report already computed (`checkPath(...)`). A service's
 * figures span its stacks: give the app, or every stack of the service, not one of them. Plain
 * functions returning `{ pass, message }`: nothing here needs jest at run time.
 */
import { checkInputs } from '../checks/check';
import { explainFigure, FIGURE_LABELS, formatAvailability, formatSeconds } from '../checks/format';
import { FindingLevel, HaReport, Quantity, reportedFigure, ServiceReport } from '../checks/model';
import { HaValidationError } from '../core/errors';
import { graphInputsOf, SynthesizedInput } from './synthesized';

/** Options of the HA matchers. */
export interface HaMatcherOptions {
  /**
   * The service to judge.
   * @default - every service in the input
   */
  readonly service?: string;
}

/** Options of `toHaveNoHaFindings`. */
export interface HaFindingsOptions {
  /**
   * The level that fails: `error` fails on errors only, `warning` on warnings too (as `--fail-on`).
   * @default 'error'
   */
  readonly level?: FindingLevel;
}

/** What a jest matcher returns. */
export interface HaMatcherResult {
  readonly pass: boolean;
  readonly message: () => string;
}

/** Each figure matcher: the figure it reads and whether the bound is a maximum (RTO, RPO) or a minimum. */
const FIGURE_MATCHERS = {
  toHaveAzRtoAtMost: { quantity: 'azRto', bound: 'at most' },
  toHaveAzRpoAtMost: { quantity: 'azRpo', bound: 'at most' },
  toHaveRegionRtoAtMost: { quantity: 'regionRto', bound: 'at most' },
  toHaveRegionRpoAtMost: { quantity: 'regionRpo', bound: 'at most' },
  toHaveAvailabilityAtLeast: { quantity: 'availability', bound: 'at least' },
} as const satisfies Record<string, { quantity: Quantity; bound: 'at most' | 'at least' }>;

type FigureMatcher = (received: unknown, limit: number, options?: HaMatcherOptions) => HaMatcherResult;

/** The matchers, for `expect.extend(haMatchers)`. */
export const haMatchers: {
  toMeetTier(received: unknown, options?: HaMatcherOptions): HaMatcherResult;
  toHaveNoHaFindings(received: unknown, options?: HaFindingsOptions): HaMatcherResult;
} & Record<keyof typeof FIGURE_MATCHERS, FigureMatcher> = {
  toMeetTier,
  toHaveNoHaFindings,
  ...(Object.fromEntries(
    Object.entries(FIGURE_MATCHERS).map(([name, { quantity, bound }]) => [
      name,
      (received: unknown, limit: number, options?: HaMatcherOptions) =>
        figureMatcher(name, quantity, bound, received, limit, options),
    ]),
  ) as Record<keyof typeof FIGURE_MATCHERS, FigureMatcher>),
};

// Reports by what they were computed from: several matchers on one app synthesize and check it once.
const reports = new WeakMap<object, HaReport>();

/** The report of `received`: a report as given, else the checks run on what it synthesizes. */
export function reportOf(received: unknown): HaReport {
  if (isReport(received)) {
    return received;
  }
  if (typeof received !== 'object' || received === null) {
    return checkInputs(graphInputsOf(received as SynthesizedInput));
  }
  let report = reports.get(received);
  if (!report) {
    report = checkInputs(graphInputsOf(received as SynthesizedInput));
    reports.set(received, report);
  }
  return report;
}

function isReport(value: unknown): value is HaReport {
  return (
    typeof value === 'object' &&
    value !== null &&
    Array.isArray((value as HaReport).services) &&
    Array.isArray((value as HaReport).findings)
  );
}

function toMeetTier(received: unknown, options: HaMatcherOptions = {}): HaMatcherResult {
  const services = servicesOf(reportOf(received), options, 'toMeetTier');
  if (typeof services === 'string') {
    return { pass: false, message: () => services };
  }
  const failing = services.filter((s) => s.overall !== 'met');
  if (failing.length === 0) {
    return {
      pass: true,
      message: () =>
        `expected a service not to meet its tier, but every one does:\n${services.map(heading).join('\n')}`,
    };
  }
  const explained = failing.map((s) =>
    [
      `${heading(s)}: objectives met: ${s.overall === 'not-met' ? 'no' : 'unproven'}`,
      ...QUANTITIES.filter((q) => s.status[q] !== 'met').flatMap((q) => explainFigure(s, q).map((line) => `  ${line}`)),
    ].join('\n'),
  );
  return {
    pass: false,
    message: () =>
      `expected every service to meet its tier; ${failing.length} of ${services.length} do not:\n${explained.join('\n')}`,
  };
}

function toHaveNoHaFindings(received: unknown, options: HaFindingsOptions = {}): HaMatcherResult {
  const level = options.level ?? 'error';
  if (level !== 'error' && level !== 'warning') {
    throw new HaValidationError(
      `toHaveNoHaFindings: level must be 'error' or 'warning', got ${JSON.stringify(level)}`,
      { prop: 'level' },
    );
  }
  const report = reportOf(received);
  const failing = report.findings.filter((f) => f.level === 'error' || level === 'warning');
  const acknowledged = report.acknowledged?.length ? ` (${report.acknowledged.length} acknowledged, not counted)` : '';
  if (failing.length === 0) {
    return {
      pass: true,
      message: () => `expected HA findings at level ${level} or worse, but there are none${acknowledged}`,
    };
  }
  const lines = failing.map((f) => `  ${f.level} ${f.rule} ${f.stack}/${f.resource}: ${f.message}`);
  return {
    pass: false,
    message: () =>
      `expected no HA findings at level ${level} or worse, got ${failing.length}${acknowledged}:\n${lines.join('\n')}`,
  };
}

function figureMatcher(
  name: string,
  quantity: Quantity,
  bound: 'at most' | 'at least',
  received: unknown,
  limit: number,
  options: HaMatcherOptions = {},
): HaMatcherResult {
  const isRatio = quantity === 'availability';
  if (typeof limit !== 'number' || !Number.isFinite(limit) || limit < 0 || (isRatio && (limit <= 0 || limit > 1))) {
    const allowed = isRatio ? 'a ratio in (0, 1], e.g. 0.9995' : 'seconds, a finite number of at least 0';
    throw new HaValidationError(`${name}: expected ${allowed}, got ${JSON.stringify(limit)}`, { prop: 'limit' });
  }
  const services = servicesOf(reportOf(received), options, name);
  if (typeof services === 'string') {
    return { pass: false, message: () => services };
  }
  const label = FIGURE_LABELS[quantity];
  const wanted = `${label} ${bound} ${isRatio ? formatAvailability(limit) : formatSeconds(limit)}`;
  const holds = (s: ServiceReport) => {
    const value = reportedFigure(s, quantity);
    return value !== null && (bound === 'at most' ? value <= limit : value >= limit);
  };
  const failing = services.filter((s) => !holds(s));
  const explain = (s: ServiceReport) =>
    [heading(s), ...explainFigure(s, quantity).map((line) => `  ${line}`)].join('\n');
  if (failing.length === 0) {
    return {
      pass: true,
      message: () =>
        `expected a service's ${label} not to be ${wanted.slice(label.length + 1)}, but:\n${services.map(explain).join('\n')}`,
    };
  }
  // An unproven figure fails: the templates do not show it holds (its derivation names what would measure it).
  return {
    pass: false,
    message: () =>
      `expected ${wanted} for every service; for ${failing.length} of ${services.length} it does not hold or cannot be shown:\n${failing.map(explain).join('\n')}`,
  };
}

const QUANTITIES: readonly Quantity[] = ['azRto', 'azRpo', 'regionRto', 'regionRpo', 'availability'];

/** The services a matcher judges, or why there is none to judge. */
function servicesOf(report: HaReport, options: HaMatcherOptions, matcher: string): readonly ServiceReport[] | string {
  if (report.services.length === 0) {
    return `${matcher}: no service in the input carries an HA record (ha-constructs metadata, or ha:service and ha:tier tags), so there is no tier to judge`;
  }
  if (options.service === undefined) {
    return report.services;
  }
  const found = report.services.filter((s) => s.service === options.service);
  return found.length > 0
    ? found
    : `${matcher}: no service ${options.service} in the input; it has ${report.services.map((s) => s.service).join(', ')}`;
}

function heading(s: ServiceReport): string {
  return `${s.service} (${s.tier}, ${s.strategy}; stacks ${s.stacks.join(', ')})`;
}

declare global {
  // The matchers' types for jest's global `expect` (@types/jest); harmless where jest is not used.
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace jest {
    interface Matchers<R> {
      /** Every service (or `options.service`) meets every objective of its tier: proven met, not unproven. */
      toMeetTier(options?: HaMatcherOptions): R;
      /** No unacknowledged HA finding at `options.level` (default `error`) or worse. */
      toHaveNoHaFindings(options?: HaFindingsOptions): R;
      /** The AZ RTO of every service (or `options.service`) is proven at most `seconds`. */
      toHaveAzRtoAtMost(seconds: number, options?: HaMatcherOptions): R;
      /** The AZ RPO of every service (or `options.service`) is proven at most `seconds`. */
      toHaveAzRpoAtMost(seconds: number, options?: HaMatcherOptions): R;
      /** The region RTO of every service (or `options.service`) is proven at most `seconds`. */
      toHaveRegionRtoAtMost(seconds: number, options?: HaMatcherOptions): R;
      /** The region RPO of every service (or `options.service`) is proven at most `seconds`. */
      toHaveRegionRpoAtMost(seconds: number, options?: HaMatcherOptions): R;
      /** The estimated availability of every service (or `options.service`) is at least `target` (a ratio). */
      toHaveAvailabilityAtLeast(target: number, options?: HaMatcherOptions): R;
    }
  }
}
