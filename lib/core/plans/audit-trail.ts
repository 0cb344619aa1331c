import { PlanProblem, PlanWarning } from '../errors';
import { CLOUDWATCH_LOG_RETENTION_DAYS } from '../figures';
import { ServiceTier } from '../tier';

/**
 * The plan of the account's audit record: what the CDK `AuditTrail` and its Terraform twin render
 * (a multi-region CloudTrail trail, its Object Lock bucket and the bucket's lifecycle).
 */

/** How long audit records must be kept, and what happens after. */
export interface AuditCompliance {
  /**
   * Days every log file is locked in S3 Object Lock compliance mode: nobody, the root user
   * included, can delete or overwrite it before then.
   */
  readonly retentionDays: number;
  /**
   * Whether log files expire once their retention has passed.
   * @default false (kept until you delete them)
   */
  readonly expireAfterRetention?: boolean;
}

/** An audit trail as its props describe it; `undefined` where the user gave nothing or a token. */
export interface AuditTrailIntent {
  /** @default - retention of tier.logRetentionDays, no expiry */
  readonly compliance?: Partial<AuditCompliance>;
  /** @default 30 */
  readonly infrequentAccessAfterDays?: number;
  /** @default 90 */
  readonly glacierAfterDays?: number;
  /** @default - tier.logRetentionDays */
  readonly logRetentionDays?: number;
  /** Data events recorded, by resource ARN (references allowed: the plan only arranges them). */
  readonly dataEvents?: AuditDataEvents;
}

/** The resources whose data events a trail records, by ARN. */
export interface AuditDataEvents {
  /** Bucket ARNs: every object operation in them. */
  readonly bucketArns?: readonly string[];
  /** Function ARNs: every invocation. */
  readonly functionArns?: readonly string[];
  /** Table ARNs: every item operation. */
  readonly tableArns?: readonly string[];
}

/** One CloudTrail advanced event selector, in the engines' common terms. */
export interface AuditEventSelector {
  readonly name: string;
  readonly fieldSelectors: { readonly field: string; readonly equals?: string[]; readonly startsWith?: string[] }[];
}

/** What the engines render. */
export interface AuditTrailPlan {
  /** Every region's management events, global services included, with digest files that prove no edit. */
  readonly trail: { readonly multiRegion: true; readonly globalServiceEvents: true; readonly fileValidation: true };
  /** Object Lock compliance-mode retention of every log file. */
  readonly objectLockDays: number;
  readonly infrequentAccessAfterDays: number;
  readonly glacierAfterDays: number;
  /** Days after which log files expire; undefined keeps them. */
  readonly expireAfterDays?: number;
  /** Overwritten versions are kept as long as the files: the lock applies to every version. */
  readonly noncurrentVersionDays: number;
  /** Days the CloudWatch Logs copy is kept. */
  readonly logRetentionDays: number;
  /**
   * Advanced event selectors: management events, then a data selector per kind of resource asked
   * for; empty when no data events are (the trail then keeps its default, management events only).
   */
  readonly eventSelectors: AuditEventSelector[];
  readonly problems: PlanProblem[];
  readonly warnings: PlanWarning[];
}

/** S3 moves objects to Standard-IA no sooner than 30 days after creation, and keeps them there 30 days. */
export const S3_STANDARD_IA_MIN_DAYS = 30;
const DEFAULT_GLACIER_AFTER_DAYS = 90;

/**
 * Plans an audit trail.
 *
 * Log files are locked for `retentionDays` (Object Lock, compliance mode), move to Standard-IA after
 * `infrequentAccessAfterDays` (≥ 30) and to Glacier after `glacierAfterDays` (≥ 30 days later), and
 * expire after `retentionDays` only when `expireAfterRetention` is set (then later than the Glacier move).
 *
 * Example: TIER_1 (logs kept 365 days), defaults: locked 365 days, Standard-IA after 30, Glacier
 * after 90, never expired; the CloudWatch Logs copy kept 365 days.
 */
export function planAuditTrail(tier: ServiceTier, intent: AuditTrailIntent): AuditTrailPlan {
  const problems: PlanProblem[] = [];
  const fail = (prop: string, message: string) => problems.push({ prop, message });
  const retentionDays = intent.compliance?.retentionDays ?? tier.logRetentionDays;
  if (!Number.isInteger(retentionDays) || retentionDays < 1) {
    fail(
      'compliance.retentionDays',
      `compliance.retentionDays must be a whole number of days of at least 1, got: ${retentionDays}`,
    );
  }
  const iaDays = intent.infrequentAccessAfterDays ?? S3_STANDARD_IA_MIN_DAYS;
  if (!Number.isInteger(iaDays) || iaDays < S3_STANDARD_IA_MIN_DAYS) {
    fail(
      'infrequentAccessAfterDays',
      `infrequentAccessAfterDays must be a whole number of at least ${S3_STANDARD_IA_MIN_DAYS} ` +
        `(S3's minimum age for Standard-IA), got: ${iaDays}`,
    );
  }
  const glacierDays = intent.glacierAfterDays ?? DEFAULT_GLACIER_AFTER_DAYS;
  if (!Number.isInteger(glacierDays) || glacierDays < iaDays + S3_STANDARD_IA_MIN_DAYS) {
    fail(
      'glacierAfterDays',
      `glacierAfterDays must be a whole number at least ${S3_STANDARD_IA_MIN_DAYS} days after ` +
        `infrequentAccessAfterDays (${iaDays}), got: ${glacierDays}`,
    );
  }
  const expireAfterDays = intent.compliance?.expireAfterRetention ? retentionDays : undefined;
  if (expireAfterDays !== undefined && expireAfterDays <= glacierDays) {
    fail(
      'compliance.retentionDays',
      `compliance.retentionDays must be longer than glacierAfterDays (${glacierDays}) when expireAfterRetention ` +
        `is set, got: ${expireAfterDays}`,
    );
  }
  const logRetentionDays = intent.logRetentionDays ?? tier.logRetentionDays;
  if (!CLOUDWATCH_LOG_RETENTION_DAYS.includes(logRetentionDays)) {
    fail(
      'logRetentionDays',
      `logRetentionDays must be one of ${CLOUDWATCH_LOG_RETENTION_DAYS.join(', ')}, got: ${logRetentionDays}`,
    );
  }
  return {
    trail: { multiRegion: true, globalServiceEvents: true, fileValidation: true },
    objectLockDays: retentionDays,
    infrequentAccessAfterDays: iaDays,
    glacierAfterDays: glacierDays,
    expireAfterDays,
    noncurrentVersionDays: retentionDays,
    logRetentionDays,
    eventSelectors: eventSelectors(intent.dataEvents),
    problems,
    warnings: [],
  };
}

/** Advanced selectors replace basic ones (a trail takes one kind), so management events are selected too. */
function eventSelectors(data: AuditDataEvents | undefined): AuditEventSelector[] {
  const category = { field: 'eventCategory', equals: ['Data'] };
  const selectors: AuditEventSelector[] = [];
  const add = (name: string, type: string, arns: readonly string[] | undefined, match: 'equals' | 'startsWith') => {
    if (arns && arns.length > 0) {
      const fieldSelectors = [category, { field: 'resources.type', equals: [type] }];
      selectors.push({ name, fieldSelectors: [...fieldSelectors, { field: 'resources.ARN', [match]: [...arns] }] });
    }
  };
  // An object's ARN is its bucket's followed by `/key`: a prefix match covers every object in the bucket.
  add(
    'S3 object operations',
    'AWS::S3::Object',
    data?.bucketArns?.map((arn) => `${arn}/`),
    'startsWith',
  );
  add('Lambda invocations', 'AWS::Lambda::Function', data?.functionArns, 'equals');
  add('DynamoDB item operations', 'AWS::DynamoDB::Table', data?.tableArns, 'equals');
  return selectors.length === 0
    ? []
    : [
        { name: 'Management events', fieldSelectors: [{ field: 'eventCategory', equals: ['Management'] }] },
        ...selectors,
      ];
}
