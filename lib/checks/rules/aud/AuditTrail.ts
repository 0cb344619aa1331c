import { GraphResource } from '../../graph/model';
import { block, bool, str } from '../../graph/values';
import { Evaluation, HaRule, outcome, RuleContext } from '../rule';

const TYPES = ['AWS::CloudTrail::Trail', 'aws_cloudtrail'];
const BUCKET_TYPES = ['AWS::S3::Bucket', 'aws_s3_bucket'];

/** HA-AUD1: audit trails cover every region, validate their files, and land in a locked bucket. */
export const AuditTrail: HaRule = {
  id: 'HA-AUD1',
  level: 'error',
  category: 'security-hygiene',
  info: 'CloudTrail trails are multi-region, enable log file validation, and write to a bucket with S3 Object Lock.',
  explanation:
    'After an incident the trail is the record of who changed what; validation proves it was not edited and Object Lock that it was not deleted, even by the account that wrote it.',
  resourceTypes: [...TYPES, ...BUCKET_TYPES, 'aws_s3_bucket_object_lock_configuration'],
  evaluate(context: RuleContext): Evaluation[] {
    return context.graph.ofType(...TYPES).map((trail) => {
      const p = trail.properties;
      const problems: string[] = [];
      if (bool(p.EnableLogFileValidation ?? p.enable_log_file_validation) !== true) {
        problems.push('enable log file validation');
      }
      if (bool(p.IsMultiRegionTrail ?? p.is_multi_region_trail) !== true) {
        problems.push('make it multi-region');
      }
      const buckets = context.graph.referencedBy(trail, ...BUCKET_TYPES);
      if (buckets.length === 0) {
        problems.push('write to a bucket defined in these templates so Object Lock can be verified');
      } else if (!buckets.every((b) => objectLocked(context, b))) {
        problems.push(`enable S3 Object Lock with a default retention on ${buckets.map((b) => b.address).join(', ')}`);
      }
      return outcome(trail, problems.length === 0 ? undefined : `${trail.address}: ${problems.join('; ')}`);
    });
  },
};

function objectLocked(context: RuleContext, bucket: GraphResource): boolean {
  const p = bucket.properties;
  if (bucket.engine === 'cloudformation') {
    return (
      bool(p.ObjectLockEnabled) === true &&
      block(block(p.ObjectLockConfiguration)?.Rule)?.DefaultRetention !== undefined
    );
  }
  const configs = context.graph.referrersOf(bucket, 'aws_s3_bucket_object_lock_configuration');
  return (
    bool(p.object_lock_enabled) === true &&
    configs.some(
      (c) =>
        block(block(c.properties.rule)?.default_retention) !== undefined ||
        (str(c.properties.object_lock_enabled) === 'Enabled' && block(c.properties.rule) !== undefined),
    )
  );
}
