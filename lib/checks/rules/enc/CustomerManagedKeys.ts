import { GraphResource } from '../../graph/model';
import { isSameRegionReadReplica } from '../../graph/replicas';
import { block, blocks, bool, isSet, JsonObject, shown, str } from '../../graph/values';
import { inWords } from '../support';
import { Evaluation, HaRule, outcome, RuleContext } from '../rule';

const TYPES = [
  'AWS::S3::Bucket',
  'AWS::RDS::DBCluster',
  'AWS::RDS::DBInstance',
  'AWS::DynamoDB::Table',
  'AWS::DynamoDB::GlobalTable',
  'AWS::Logs::LogGroup',
  'AWS::SNS::Topic',
  'AWS::SQS::Queue',
  'AWS::EFS::FileSystem',
  'AWS::SecretsManager::Secret',
  'aws_s3_bucket',
  'aws_rds_cluster',
  'aws_db_instance',
  'aws_dynamodb_table',
  'aws_cloudwatch_log_group',
  'aws_sns_topic',
  'aws_sqs_queue',
  'aws_efs_file_system',
  'aws_secretsmanager_secret',
  'google_sql_database_instance',
  'google_spanner_database',
  'google_storage_bucket',
];

/** HA-ENC1: data at rest is encrypted with a customer-managed key. */
export const CustomerManagedKeys: HaRule = {
  id: 'HA-ENC1',
  level: 'error',
  category: 'security-hygiene',
  info: 'Buckets, databases, tables, log groups, topics, queues, file systems and secrets are encrypted with a customer-managed KMS key (CMEK on Google), and so is every replica of a DynamoDB global table or a Secrets Manager secret, with a key of its own region; AWS managed keys (alias/aws/...) do not count; buckets that receive load-balancer or S3 server access logs are exempt (those only support S3-managed keys).',
  explanation:
    'A key you own can be rotated, audited, replicated to the standby region and revoked; an AWS-owned key can do none of that, and a replica encrypted with a key the standby region cannot use is not a usable replica.',
  resourceTypes: TYPES,
  evaluate(context: RuleContext): Evaluation[] {
    return context.graph.ofType(...TYPES).flatMap((r) => {
      // An Aurora member is encrypted by its cluster; a same-region read replica with its source's key.
      if (
        (r.type === 'AWS::RDS::DBInstance' && isSet(r.properties.DBClusterIdentifier)) ||
        isSameRegionReadReplica(context.graph, r)
      ) {
        return [];
      }
      // Load-balancer access logs and S3 server access logs can only be delivered to buckets
      // encrypted with S3-managed keys.
      // https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html
      // https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html
      if (receivesServiceDeliveredLogs(context, r)) {
        return [];
      }
      const problems = [
        ...(hasCustomerKey(context, r) ? [] : [`${r.address} is not encrypted with a customer-managed key: ${fix(r)}`]),
        ...replicaProblems(context, r),
      ];
      return [outcome(r, problems.length === 0 ? undefined : problems.join('; '))];
    });
  },
};

function receivesServiceDeliveredLogs(context: RuleContext, bucket: GraphResource): boolean {
  return context.graph.referrersOf(bucket).some((r) => {
    const logs = {
      'AWS::ElasticLoadBalancingV2::LoadBalancer': r.properties.LoadBalancerAttributes,
      aws_lb: r.properties.access_logs,
      aws_alb: r.properties.access_logs,
      'AWS::S3::Bucket': r.properties.LoggingConfiguration,
      aws_s3_bucket_logging: r.properties.target_bucket,
    }[r.type];
    return logs !== undefined && JSON.stringify(logs).includes(bucket.address);
  });
}

function hasCustomerKey(context: RuleContext, r: GraphResource): boolean {
  const p = r.properties;
  switch (r.type) {
    case 'AWS::S3::Bucket': {
      const rules = blocks(block(p.BucketEncryption)?.ServerSideEncryptionConfiguration);
      return rules.some((rule) => {
        const d = block(rule.ServerSideEncryptionByDefault);
        return str(d?.SSEAlgorithm)?.startsWith('aws:kms') === true && customerKey(context, r, d?.KMSMasterKeyID);
      });
    }
    case 'aws_s3_bucket': {
      const separate = context.graph
        .referrersOf(r, 'aws_s3_bucket_server_side_encryption_configuration')
        .flatMap((c) => blocks(c.properties.rule));
      const inline = blocks(block(p.server_side_encryption_configuration)?.rule);
      return [...separate, ...inline].some((rule) => {
        const d = block(rule.apply_server_side_encryption_by_default);
        return str(d?.sse_algorithm)?.startsWith('aws:kms') === true && customerKey(context, r, d?.kms_master_key_id);
      });
    }
    case 'AWS::RDS::DBCluster':
    case 'AWS::RDS::DBInstance':
      return bool(p.StorageEncrypted) === true && customerKey(context, r, p.KmsKeyId);
    case 'aws_rds_cluster':
    case 'aws_db_instance':
      return bool(p.storage_encrypted) === true && customerKey(context, r, p.kms_key_id);
    case 'AWS::DynamoDB::Table':
    case 'AWS::DynamoDB::GlobalTable': {
      const sse = block(p.SSESpecification);
      if (bool(sse?.SSEEnabled) !== true || str(sse?.SSEType) !== 'KMS') {
        return false;
      }
      // A global table names its keys per replica (replicaProblems checks them).
      return r.type === 'AWS::DynamoDB::GlobalTable' || customerKey(context, r, sse?.KMSMasterKeyId);
    }
    case 'aws_dynamodb_table': {
      const sse = block(p.server_side_encryption);
      return bool(sse?.enabled) === true && customerKey(context, r, sse?.kms_key_arn);
    }
    case 'AWS::Logs::LogGroup':
    case 'AWS::EFS::FileSystem':
    case 'AWS::SecretsManager::Secret':
      return customerKey(context, r, p.KmsKeyId) && (r.type !== 'AWS::EFS::FileSystem' || bool(p.Encrypted) === true);
    case 'AWS::SNS::Topic':
    case 'AWS::SQS::Queue':
      return customerKey(context, r, p.KmsMasterKeyId);
    case 'aws_cloudwatch_log_group':
    case 'aws_efs_file_system':
    case 'aws_secretsmanager_secret':
      return customerKey(context, r, p.kms_key_id);
    case 'aws_sns_topic':
    case 'aws_sqs_queue':
      return customerKey(context, r, p.kms_master_key_id);
    case 'google_sql_database_instance':
      return isSet(p.encryption_key_name);
    case 'google_spanner_database': {
      // Multi-region CMEK names one key per region of the configuration.
      const config = block(p.encryption_config);
      const names = config?.kms_key_names;
      return isSet(config?.kms_key_name) || (Array.isArray(names) ? names.length > 0 : isSet(names));
    }
    default:
      return isSet(block(p.encryption)?.default_kms_key_name);
  }
}

/** Where each kind of replica names its region and its key. */
const REPLICAS: Record<
  string,
  { list: string; region: string; key: (replica: JsonObject) => unknown; argument: string }
> = {
  'AWS::DynamoDB::GlobalTable': {
    list: 'Replicas',
    region: 'Region',
    key: (x) => block(x.SSESpecification)?.KMSMasterKeyId,
    argument: 'SSESpecification.KMSMasterKeyId',
  },
  'AWS::SecretsManager::Secret': {
    list: 'ReplicaRegions',
    region: 'Region',
    key: (x) => x.KmsKeyId,
    argument: 'KmsKeyId',
  },
  aws_dynamodb_table: { list: 'replica', region: 'region_name', key: (x) => x.kms_key_arn, argument: 'kms_key_arn' },
  aws_secretsmanager_secret: { list: 'replica', region: 'region', key: (x) => x.kms_key_id, argument: 'kms_key_id' },
};

/**
 * Replicas of a global table or a secret without a customer-managed key: a replica that names no
 * key is encrypted with the AWS managed key of its region (aws/dynamodb, aws/secretsmanager),
 * which cannot be shared, audited or revoked like a key you own.
 */
function replicaProblems(context: RuleContext, r: GraphResource): string[] {
  const kind = REPLICAS[r.type];
  if (!kind) {
    return [];
  }
  const problems = blocks(r.properties[kind.list]).flatMap((replica) => {
    const region = str(replica[kind.region]);
    const named = region ?? 'a region the template does not name';
    const key = kind.key(replica);
    if (!isSet(key)) {
      return [`${named} (no ${kind.argument}: the AWS managed key is used)`];
    }
    if (!customerKey(context, r, key)) {
      return [`${named} (${typeof key === 'string' ? JSON.stringify(key) : shown(key)} is an AWS managed key)`];
    }
    // A KMS key is only usable in its own region: the replica of a multi-region key is a key of its own.
    const text = JSON.stringify(key);
    const elsewhere = context.graph
      .referencedBy(r, 'AWS::KMS::Key', 'AWS::KMS::ReplicaKey', 'aws_kms_key', 'aws_kms_replica_key')
      .find((k) => mentions(text, k) && k.region !== undefined && region !== undefined && k.region !== region);
    return elsewhere ? [`${named} (its key ${elsewhere.address} is in ${elsewhere.region})`] : [];
  });
  if (problems.length === 0) {
    return [];
  }
  const fixed =
    r.engine === 'cloudformation'
      ? `set each replica's ${kind.argument} to a customer-managed key in its region`
      : `set each replica's ${kind.argument} to an aws_kms_key or aws_kms_replica_key you manage in its region`;
  return [`${r.address} has replicas without a customer-managed key in ${problems.join(', ')}: ${fixed}`];
}

/**
 * Whether a key argument names a customer-managed key: it is set and is not an AWS managed key
 * (`alias/aws/...`, written out, inside an ARN, or behind a Terraform data source that looks it up).
 */
function customerKey(context: RuleContext, r: GraphResource, value: unknown): boolean {
  if (!isSet(value)) {
    return false;
  }
  const text = JSON.stringify(value);
  if (text.includes('alias/aws/')) {
    return false;
  }
  const lookups = context.graph
    .referencedBy(r, 'aws_kms_alias', 'aws_kms_key')
    .filter((d) => d.isData && mentions(text, d));
  return !lookups.some((d) => JSON.stringify(d.properties).includes('alias/aws/'));
}

/** Whether a property (as JSON text) refers to a resource: `{"Ref":"Key"}`, `"${aws_kms_key.k.arn}"`. */
function mentions(text: string, target: GraphResource): boolean {
  return target.engine === 'cloudformation'
    ? text.includes(JSON.stringify(target.address))
    : text.includes(`${target.address}.`);
}

function fix(r: GraphResource): string {
  if (r.type.startsWith('google')) {
    return 'set a Cloud KMS key (CMEK)';
  }
  return inWords(r, {
    cdk: 'pass a customer-managed KMS key (encryptionKey)',
    cloudFormation:
      'set its KMS key property (KmsKeyId, KMSMasterKeyID or KmsMasterKeyId) to an AWS::KMS::Key of this template',
    terraform: 'set the KMS key argument to an aws_kms_key you manage',
  });
}
