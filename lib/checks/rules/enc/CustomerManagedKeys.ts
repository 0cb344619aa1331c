import { GraphResource } from '../../graph/model';
import { block, blocks, bool, isSet, str } from '../../graph/values';
import { Evaluation, HaRule, outcome, RuleContext } from '../rule';

const TYPES = [
  'AWS::S3::Bucket', 'AWS::RDS::DBCluster', 'AWS::RDS::DBInstance', 'AWS::DynamoDB::Table', 'AWS::DynamoDB::GlobalTable', 'AWS::Logs::LogGroup',
  'AWS::SNS::Topic', 'AWS::SQS::Queue', 'AWS::EFS::FileSystem', 'AWS::SecretsManager::Secret',
  'aws_s3_bucket', 'aws_rds_cluster', 'aws_db_instance', 'aws_dynamodb_table', 'aws_cloudwatch_log_group', 'aws_sns_topic', 'aws_sqs_queue',
  'aws_efs_file_system', 'aws_secretsmanager_secret', 'google_sql_database_instance', 'google_storage_bucket',
];

/** HA-ENC1: data at rest is encrypted with a customer-managed key. */
export const CustomerManagedKeys: HaRule = {
  id: 'HA-ENC1',
  level: 'error',
  info: 'Buckets, databases, tables, log groups, topics, queues, file systems and secrets are encrypted with a customer-managed KMS key (CMEK on Google); buckets that receive load-balancer or S3 server access logs are exempt (those only support S3-managed keys).',
  explanation: 'A key you own can be rotated, audited, replicated to the standby region and revoked; an AWS-owned key can do none of that, and a replica encrypted with a key the standby region cannot use is not a usable replica.',
  resourceTypes: TYPES,
  evaluate(context: RuleContext): Evaluation[] {
    return context.graph.ofType(...TYPES).flatMap((r) => {
      if (r.type === 'AWS::RDS::DBInstance' && isSet(r.properties.DBClusterIdentifier)) {
        return [];
      }
      // Load-balancer access logs and S3 server access logs can only be delivered to buckets
      // encrypted with S3-managed keys.
      // https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html
      // https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html
      if (receivesServiceDeliveredLogs(context, r)) {
        return [];
      }
      return [outcome(r, hasCustomerKey(context, r) ? undefined : `${r.address} is not encrypted with a customer-managed key: ${fix(r)}`)];
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
        return str(d?.SSEAlgorithm)?.startsWith('aws:kms') === true && isSet(d?.KMSMasterKeyID);
      });
    }
    case 'aws_s3_bucket': {
      const separate = context.graph.referrersOf(r, 'aws_s3_bucket_server_side_encryption_configuration').flatMap((c) => blocks(c.properties.rule));
      const inline = blocks(block(p.server_side_encryption_configuration)?.rule);
      return [...separate, ...inline].some((rule) => {
        const d = block(rule.apply_server_side_encryption_by_default);
        return str(d?.sse_algorithm)?.startsWith('aws:kms') === true && isSet(d?.kms_master_key_id);
      });
    }
    case 'AWS::RDS::DBCluster':
    case 'AWS::RDS::DBInstance':
      return bool(p.StorageEncrypted) === true && isSet(p.KmsKeyId);
    case 'aws_rds_cluster':
    case 'aws_db_instance':
      return bool(p.storage_encrypted) === true && isSet(p.kms_key_id);
    case 'AWS::DynamoDB::Table':
    case 'AWS::DynamoDB::GlobalTable': {
      const sse = block(p.SSESpecification);
      if (bool(sse?.SSEEnabled) !== true || str(sse?.SSEType) !== 'KMS') {
        return false;
      }
      return r.type === 'AWS::DynamoDB::Table' ? isSet(sse?.KMSMasterKeyId)
        : blocks(p.Replicas).every((replica) => isSet(block(replica.SSESpecification)?.KMSMasterKeyId));
    }
    case 'aws_dynamodb_table': {
      const sse = block(p.server_side_encryption);
      return bool(sse?.enabled) === true && isSet(sse?.kms_key_arn);
    }
    case 'AWS::Logs::LogGroup':
    case 'AWS::EFS::FileSystem':
    case 'AWS::SecretsManager::Secret':
      return isSet(p.KmsKeyId) && (r.type !== 'AWS::EFS::FileSystem' || bool(p.Encrypted) === true);
    case 'AWS::SNS::Topic':
    case 'AWS::SQS::Queue':
      return isSet(p.KmsMasterKeyId) && !String(p.KmsMasterKeyId).startsWith('alias/aws/');
    case 'aws_cloudwatch_log_group':
    case 'aws_efs_file_system':
    case 'aws_secretsmanager_secret':
      return isSet(p.kms_key_id);
    case 'aws_sns_topic':
    case 'aws_sqs_queue':
      return isSet(p.kms_master_key_id) && !String(p.kms_master_key_id).startsWith('alias/aws/');
    case 'google_sql_database_instance':
      return isSet(p.encryption_key_name);
    default:
      return isSet(block(p.encryption)?.default_kms_key_name);
  }
}

function fix(r: GraphResource): string {
  if (r.type.startsWith('google')) {
    return 'set a Cloud KMS key (CMEK)';
  }
  return r.engine === 'cloudformation' ? 'pass a customer-managed KMS key (encryptionKey)' : 'set the KMS key argument to an aws_kms_key you manage';
}
