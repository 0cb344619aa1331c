/**
 * Snapshots a reviewer can read: a synthesized CloudFormation template or Terraform JSON document
 * turned into what a pull request's reviewer should look at, for `expect(...).toMatchSnapshot()`.
 *
 * - {@link normaliseTemplate}: the whole template, with what changes on every aws-cdk-lib or cdktf
 *   release (asset hashes, construct paths, bootstrap and version metadata) replaced or removed,
 *   and keys sorted;
 * - {@link haView} and {@link haSnapshot}: per resource, its type, its HA record and only the
 *   properties the HA rules read ({@link HA_PROPERTIES}): a tenth of the template, every line of
 *   which is about availability.
 *
 * Pure TypeScript over JSON: no jest, no aws-cdk-lib; given an app or a stack, see {@link SynthesizedInput}.
 */
import { HA_METADATA_KEY } from '../core/metadata';
import { isTemplate, SynthesizedInput, synthesizedStacks } from './synthesized';

/** What an asset hash (a 64-digit hex sha256, with its `.zip` or `.json` kept) is replaced with. */
export const ASSET_HASH = 'ASSET_HASH';

/** A JSON value as the functions here read it. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `value` with every asset hash replaced by {@link ASSET_HASH} (`…/<hash>.zip` becomes `…/ASSET_HASH.zip`). */
export function replaceAssetHashes<T>(value: T): T {
  return JSON.parse(JSON.stringify(value).replace(/[0-9a-f]{64}(\.zip|\.json)?/g, `${ASSET_HASH}$1`)) as T;
}

/** `value` with the keys of every object in it sorted (arrays keep their order: it is meaningful). */
export function sortKeys<T>(value: T): T {
  const sorted = (v: unknown): unknown => {
    if (Array.isArray(v)) {
      return v.map(sorted);
    }
    if (isObject(v)) {
      return Object.fromEntries(
        Object.keys(v)
          .sort()
          .map((key) => [key, sorted(v[key])]),
      );
    }
    return v;
  };
  return sorted(value) as T;
}

/** Whether a document is Terraform JSON (cdktf's `cdk.tf.json`, `Testing.synth` or `stack.toTerraform()`). */
export function isTerraform(template: unknown): boolean {
  return (
    isObject(template) &&
    !('Resources' in template) &&
    ('resource' in template || 'terraform' in template || 'provider' in template)
  );
}

/** Resource `Metadata` keys aws-cdk-lib writes about itself: the construct path and asset locations. */
const CDK_METADATA_KEY = /^aws:(cdk|asset):/;

/**
 * The template with what says nothing about the resources this library writes removed or replaced:
 *
 * - asset hashes: {@link ASSET_HASH} (they change with every aws-cdk-lib release and every byte of a bundled asset);
 * - CloudFormation: the `CDKMetadata` resource and its `CDKMetadataAvailable` condition (the CDK
 *   version and the constructs used), the `BootstrapVersion` parameter and `CheckBootstrapVersion`
 *   rule, each resource's `aws:cdk:path` and `aws:asset:*` metadata (and `Metadata` left empty);
 * - Terraform: cdktf's `metadata` in the document's `//` block (its version, backend, overrides)
 *   and in each resource's `//` block (construct path and unique id);
 * - keys sorted, so that a reordering in aws-cdk-lib or cdktf is no diff.
 *
 * HA records (`ha-constructs`), acknowledgements and everything else stay.
 */
export function normaliseTemplate<T>(template: T): T {
  const copy = replaceAssetHashes(template) as unknown;
  if (!isObject(copy)) {
    return copy as T;
  }
  if (isTerraform(copy)) {
    stripTerraform(copy);
  } else {
    stripCloudFormation(copy);
  }
  return sortKeys(copy) as T;
}

function stripCloudFormation(template: JsonObject): void {
  const resources = isObject(template.Resources) ? template.Resources : {};
  delete resources.CDKMetadata;
  for (const resource of Object.values(resources)) {
    if (isObject(resource) && isObject(resource.Metadata)) {
      for (const key of Object.keys(resource.Metadata).filter((k) => CDK_METADATA_KEY.test(k))) {
        delete resource.Metadata[key];
      }
      if (Object.keys(resource.Metadata).length === 0) {
        delete resource.Metadata;
      }
    }
  }
  removeEntry(template, 'Conditions', 'CDKMetadataAvailable');
  removeEntry(template, 'Parameters', 'BootstrapVersion');
  removeEntry(template, 'Rules', 'CheckBootstrapVersion');
}

function stripTerraform(document: JsonObject): void {
  removeEntry(document, '//', 'metadata');
  for (const byName of Object.values(isObject(document.resource) ? document.resource : {})) {
    for (const resource of Object.values(isObject(byName) ? byName : {})) {
      if (isObject(resource)) {
        removeEntry(resource, '//', 'metadata');
      }
    }
  }
}

/** Deletes `parent[section][key]`, and the section when that leaves it empty. */
function removeEntry(parent: JsonObject, section: string, key: string): void {
  const value = parent[section];
  if (isObject(value)) {
    delete value[key];
    if (Object.keys(value).length === 0) {
      delete parent[section];
    }
  }
}

/**
 * The properties of each resource type that the HA rules and the report read (lib/checks, the rule
 * named in each group's comment), as paths: `A.B` takes `B` of the object `A`, or of each element
 * when `A` is a list; a path to an object takes all of it. A type not in the table shows its type
 * and HA record only. Resource attributes are shown for every type: CloudFormation's
 * `DeletionPolicy`, `UpdateReplacePolicy`, `UpdatePolicy` and `CreationPolicy`, Terraform's
 * `provider` (the region it is created in) and `lifecycle`.
 *
 * Kept small on purpose: a property earns its place when a rule reads it, so that every line of an
 * HA snapshot is one a reviewer of availability should read.
 */
export const HA_PROPERTIES: Readonly<Record<string, readonly string[]>> = {
  // Fleets: capacity (HA-CAP1, HA-SCL1), zones (HA-AZ1), autohealing (HA-LB2), warm-up (region RTO).
  'AWS::AutoScaling::AutoScalingGroup': [
    'MinSize',
    'DesiredCapacity',
    'MaxSize',
    'AvailabilityZones',
    'VPCZoneIdentifier',
    'HealthCheckType',
    'HealthCheckGracePeriod',
    'DefaultInstanceWarmup',
    'TargetGroupARNs',
    'LoadBalancerNames',
  ],
  aws_autoscaling_group: [
    'min_size',
    'desired_capacity',
    'max_size',
    'availability_zones',
    'vpc_zone_identifier',
    'health_check_type',
    'health_check_grace_period',
    'default_instance_warmup',
    'target_group_arns',
    'load_balancers',
  ],
  'AWS::ECS::Service': [
    'DesiredCount',
    'NetworkConfiguration.AwsvpcConfiguration.Subnets',
    'AvailabilityZoneRebalancing',
  ],
  aws_ecs_service: ['desired_count', 'network_configuration.subnets', 'availability_zone_rebalancing'],
  'AWS::ApplicationAutoScaling::ScalableTarget': ['MinCapacity', 'MaxCapacity'],
  aws_appautoscaling_target: ['min_capacity', 'max_capacity'],
  google_compute_region_instance_group_manager: [
    'target_size',
    'distribution_policy_zones',
    'distribution_policy_target_shape',
    'auto_healing_policies',
  ],
  google_compute_instance_group_manager: ['target_size', 'zone', 'auto_healing_policies'],
  google_compute_region_autoscaler: ['autoscaling_policy.min_replicas', 'autoscaling_policy.max_replicas'],
  google_compute_autoscaler: ['autoscaling_policy.min_replicas', 'autoscaling_policy.max_replicas'],
  google_container_cluster: ['location', 'node_locations'],
  google_container_node_pool: ['location', 'node_locations', 'node_count', 'autoscaling'],
  // Placement (HA-AZ3), subnets and NAT per zone (HA-AZ1, HA-AZ2, HA-NET1).
  'AWS::EC2::PlacementGroup': ['Strategy'],
  aws_placement_group: ['strategy'],
  google_compute_resource_policy: ['group_placement_policy'],
  'AWS::EC2::Subnet': ['AvailabilityZone', 'AvailabilityZoneId'],
  aws_subnet: ['availability_zone', 'availability_zone_id'],
  'AWS::EC2::NatGateway': ['SubnetId'],
  aws_nat_gateway: ['subnet_id'],
  'AWS::EC2::Route': ['RouteTableId', 'NatGatewayId'],
  aws_route: ['route_table_id', 'nat_gateway_id'],
  aws_route_table: ['route.nat_gateway_id'],
  'AWS::EC2::SubnetRouteTableAssociation': ['SubnetId', 'RouteTableId'],
  aws_route_table_association: ['subnet_id', 'route_table_id'],
  'AWS::RDS::DBSubnetGroup': ['SubnetIds'],
  aws_db_subnet_group: ['subnet_ids'],
  // Load balancers: zones (HA-AZ2), cross-zone (HA-LB3), target health (HA-LB1, HA-LB4), TLS (HA-TLS2), WAF (HA-WAF1).
  'AWS::ElasticLoadBalancingV2::LoadBalancer': [
    'Type',
    'Scheme',
    'Subnets',
    'SubnetMappings',
    'LoadBalancerAttributes',
  ],
  aws_lb: [
    'load_balancer_type',
    'internal',
    'subnets',
    'subnet_mapping',
    'enable_cross_zone_load_balancing',
    'enable_zonal_shift',
    'enable_deletion_protection',
    'access_logs',
  ],
  'AWS::ElasticLoadBalancingV2::TargetGroup': [
    'Protocol',
    'TargetType',
    'HealthCheckEnabled',
    'HealthCheckPath',
    'HealthCheckIntervalSeconds',
    'HealthCheckTimeoutSeconds',
    'UnhealthyThresholdCount',
    'TargetGroupAttributes',
  ],
  aws_lb_target_group: ['protocol', 'target_type', 'health_check', 'load_balancing_cross_zone_enabled'],
  'AWS::ElasticLoadBalancingV2::Listener': [
    'Protocol',
    'DefaultActions.Type',
    'DefaultActions.RedirectConfig.Protocol',
  ],
  aws_lb_listener: ['protocol', 'default_action.type', 'default_action.redirect.protocol'],
  google_compute_backend_service: ['load_balancing_scheme', 'health_checks', 'backend.group', 'security_policy'],
  google_compute_region_backend_service: ['load_balancing_scheme', 'health_checks', 'backend.group'],
  google_compute_health_check: [
    'check_interval_sec',
    'timeout_sec',
    'unhealthy_threshold',
    'http_health_check.request_path',
    'https_health_check.request_path',
  ],
  google_compute_url_map: ['default_url_redirect.https_redirect'],
  'AWS::WAFv2::WebACL': ['Scope', 'Rules.Statement.RateBasedStatement.Limit'],
  aws_wafv2_web_acl: ['scope', 'rule.statement.rate_based_statement.limit'],
  'AWS::WAFv2::WebACLAssociation': ['ResourceArn', 'WebACLArn'],
  aws_wafv2_web_acl_association: ['resource_arn', 'web_acl_arn'],
  google_compute_security_policy: [
    'rule.rate_limit_options.rate_limit_threshold',
    'rule.rate_limit_options.exceed_action',
  ],
  'AWS::ApiGateway::Stage': ['MethodSettings.ThrottlingRateLimit'],
  'AWS::ApiGatewayV2::Stage': ['DefaultRouteSettings.ThrottlingRateLimit'],
  aws_apigatewayv2_stage: ['default_route_settings.throttling_rate_limit'],
  'AWS::ARCZonalShift::ZonalAutoshiftConfiguration': ['ResourceIdentifier', 'ZonalAutoshiftStatus'],
  // Databases: zones (HA-DB1), replication (HA-DR1, HA-DR2), backups (HA-BAK2), deletion protection
  // (HA-DEL2), keys (HA-ENC1), TLS (HA-TLS1).
  'AWS::RDS::GlobalCluster': [
    'GlobalClusterIdentifier',
    'SourceDBClusterIdentifier',
    'Engine',
    'StorageEncrypted',
    'DeletionProtection',
  ],
  aws_rds_global_cluster: [
    'global_cluster_identifier',
    'source_db_cluster_identifier',
    'engine',
    'storage_encrypted',
    'deletion_protection',
  ],
  'AWS::RDS::DBCluster': [
    'DBClusterIdentifier',
    'GlobalClusterIdentifier',
    'ReplicationSourceIdentifier',
    'Engine',
    'EngineMode',
    'BackupRetentionPeriod',
    'DeletionProtection',
    'StorageEncrypted',
    'KmsKeyId',
    'DBClusterParameterGroupName',
  ],
  aws_rds_cluster: [
    'cluster_identifier',
    'global_cluster_identifier',
    'replication_source_identifier',
    'engine',
    'engine_mode',
    'backup_retention_period',
    'deletion_protection',
    'storage_encrypted',
    'kms_key_id',
    'db_cluster_parameter_group_name',
    'skip_final_snapshot',
  ],
  'AWS::RDS::DBInstance': [
    'DBClusterIdentifier',
    'AvailabilityZone',
    'MultiAZ',
    'SourceDBInstanceIdentifier',
    'BackupRetentionPeriod',
    'DeletionProtection',
    'StorageEncrypted',
    'KmsKeyId',
  ],
  aws_rds_cluster_instance: ['cluster_identifier', 'availability_zone'],
  aws_db_instance: [
    'multi_az',
    'availability_zone',
    'replicate_source_db',
    'backup_retention_period',
    'deletion_protection',
    'storage_encrypted',
    'kms_key_id',
    'skip_final_snapshot',
  ],
  'AWS::RDS::DBClusterParameterGroup': ['Parameters'],
  aws_rds_cluster_parameter_group: ['parameter'],
  google_sql_database_instance: [
    'region',
    'master_instance_name',
    'deletion_protection',
    'encryption_key_name',
    'settings.availability_type',
    'settings.location_preference',
    'settings.deletion_protection_enabled',
    'settings.backup_configuration',
    'settings.ip_configuration.ssl_mode',
  ],
  'AWS::DynamoDB::Table': ['PointInTimeRecoverySpecification', 'DeletionProtectionEnabled', 'SSESpecification'],
  'AWS::DynamoDB::GlobalTable': [
    'MultiRegionConsistency',
    'SSESpecification',
    'Replicas.Region',
    'Replicas.PointInTimeRecoverySpecification',
    'Replicas.DeletionProtectionEnabled',
    'Replicas.SSESpecification',
  ],
  aws_dynamodb_table: ['point_in_time_recovery', 'deletion_protection_enabled', 'server_side_encryption', 'replica'],
  'AWS::ElastiCache::ReplicationGroup': [
    'MultiAZEnabled',
    'AutomaticFailoverEnabled',
    'NumCacheClusters',
    'ReplicasPerNodeGroup',
    'SnapshotRetentionLimit',
    'KmsKeyId',
    'GlobalReplicationGroupId',
  ],
  aws_elasticache_replication_group: [
    'multi_az_enabled',
    'automatic_failover_enabled',
    'num_cache_clusters',
    'replicas_per_node_group',
    'snapshot_retention_limit',
    'kms_key_id',
    'global_replication_group_id',
  ],
  // Object and file storage: replication (HA-DR1), keys (HA-ENC1), object lock (HA-AUD1), retention.
  'AWS::S3::Bucket': [
    'BucketName',
    'VersioningConfiguration',
    'ReplicationConfiguration.Rules',
    'BucketEncryption',
    'ObjectLockEnabled',
    'ObjectLockConfiguration',
    'LifecycleConfiguration.Rules.ExpirationInDays',
    'LifecycleConfiguration.Rules.NoncurrentVersionExpiration',
  ],
  aws_s3_bucket: ['bucket', 'force_destroy', 'object_lock_enabled'],
  aws_s3_bucket_versioning: ['versioning_configuration'],
  aws_s3_bucket_replication_configuration: ['rule'],
  aws_s3_bucket_server_side_encryption_configuration: ['rule'],
  aws_s3_bucket_object_lock_configuration: ['object_lock_enabled', 'rule'],
  aws_s3_bucket_lifecycle_configuration: ['rule.expiration', 'rule.noncurrent_version_expiration'],
  google_storage_bucket: [
    'location',
    'custom_placement_config',
    'rpo',
    'force_destroy',
    'versioning',
    'retention_policy',
    'soft_delete_policy',
    'encryption',
  ],
  'AWS::EFS::FileSystem': ['AvailabilityZoneName', 'Encrypted', 'KmsKeyId', 'ReplicationConfiguration', 'BackupPolicy'],
  aws_efs_file_system: ['availability_zone_name', 'encrypted', 'kms_key_id'],
  aws_efs_replication_configuration: ['destination'],
  // Keys, secrets and logs: rotation (HA-KMS1, HA-SEC2), replicas (HA-SEC1), retention (HA-LOG1), keys (HA-ENC1).
  'AWS::KMS::Key': ['KeySpec', 'EnableKeyRotation', 'MultiRegion', 'PendingWindowInDays'],
  aws_kms_key: ['customer_master_key_spec', 'enable_key_rotation', 'multi_region', 'deletion_window_in_days'],
  'AWS::KMS::ReplicaKey': ['PrimaryKeyArn', 'PendingWindowInDays'],
  aws_kms_replica_key: ['primary_key_arn', 'deletion_window_in_days'],
  google_kms_key_ring: ['location'],
  google_kms_crypto_key: ['purpose', 'rotation_period', 'destroy_scheduled_duration'],
  'AWS::SecretsManager::Secret': ['KmsKeyId', 'ReplicaRegions'],
  aws_secretsmanager_secret: ['kms_key_id', 'replica', 'recovery_window_in_days'],
  google_secret_manager_secret: ['replication', 'rotation.rotation_period'],
  'AWS::SecretsManager::RotationSchedule': ['SecretId', 'RotationRules'],
  aws_secretsmanager_secret_rotation: ['secret_id', 'rotation_rules'],
  'AWS::Logs::LogGroup': ['RetentionInDays', 'KmsKeyId', 'DeletionProtectionEnabled'],
  aws_cloudwatch_log_group: ['retention_in_days', 'kms_key_id', 'deletion_protection_enabled'],
  google_logging_project_bucket_config: ['location', 'retention_days', 'locked'],
  'AWS::SNS::Topic': ['KmsMasterKeyId'],
  aws_sns_topic: ['kms_master_key_id'],
  'AWS::SQS::Queue': ['KmsMasterKeyId', 'MessageRetentionPeriod'],
  aws_sqs_queue: ['kms_master_key_id', 'message_retention_seconds'],
  google_pubsub_topic: ['kms_key_name', 'message_retention_duration'],
  // Backups (HA-BAK1, HA-BAK2, HA-BAK3, HA-DR4).
  'AWS::Backup::BackupPlan': [
    'BackupPlan.BackupPlanRule.ScheduleExpression',
    'BackupPlan.BackupPlanRule.EnableContinuousBackup',
    'BackupPlan.BackupPlanRule.Lifecycle',
    'BackupPlan.BackupPlanRule.CopyActions',
  ],
  aws_backup_plan: ['rule.schedule', 'rule.enable_continuous_backup', 'rule.lifecycle', 'rule.copy_action'],
  'AWS::Backup::BackupVault': ['BackupVaultName', 'EncryptionKeyArn', 'LockConfiguration'],
  aws_backup_vault: ['name', 'kms_key_arn', 'force_destroy'],
  'AWS::Backup::BackupSelection': [
    'BackupSelection.Resources',
    'BackupSelection.ListOfTags',
    'BackupSelection.Conditions',
  ],
  aws_backup_selection: ['resources', 'selection_tag', 'condition'],
  'AWS::Backup::RestoreTestingPlan': ['ScheduleExpression'],
  aws_backup_restore_testing_plan: ['schedule_expression'],
  // DNS: routing and health checks (HA-DNS1, HA-DNS2, HA-DNS3).
  'AWS::Route53::RecordSet': [
    'Name',
    'Type',
    'TTL',
    'SetIdentifier',
    'Failover',
    'Region',
    'Weight',
    'GeoLocation',
    'HealthCheckId',
    'AliasTarget.EvaluateTargetHealth',
  ],
  'AWS::Route53::RecordSetGroup': [
    'RecordSets.Name',
    'RecordSets.Type',
    'RecordSets.TTL',
    'RecordSets.SetIdentifier',
    'RecordSets.Failover',
    'RecordSets.Region',
    'RecordSets.Weight',
    'RecordSets.HealthCheckId',
    'RecordSets.AliasTarget.EvaluateTargetHealth',
  ],
  aws_route53_record: [
    'name',
    'type',
    'ttl',
    'set_identifier',
    'failover_routing_policy',
    'latency_routing_policy',
    'weighted_routing_policy',
    'health_check_id',
    'alias.evaluate_target_health',
  ],
  google_dns_record_set: ['name', 'type', 'ttl', 'routing_policy'],
  'AWS::Route53::HealthCheck': ['HealthCheckConfig'],
  aws_route53_health_check: [
    'type',
    'fqdn',
    'resource_path',
    'request_interval',
    'failure_threshold',
    'regions',
    'child_healthchecks',
    'child_health_threshold',
    'cloudwatch_alarm_name',
    'insufficient_data_health_status',
  ],
  // Alarms and probes: thresholds, periods and who is told (HA-OBS1, HA-OBS2, HA-OBS3, HA-DR3).
  'AWS::CloudWatch::Alarm': [
    'MetricName',
    'Metrics.Expression',
    'ComparisonOperator',
    'Threshold',
    'Period',
    'Metrics.MetricStat.Period',
    'EvaluationPeriods',
    'DatapointsToAlarm',
    'TreatMissingData',
    'ActionsEnabled',
    'AlarmActions',
  ],
  aws_cloudwatch_metric_alarm: [
    'metric_name',
    'metric_query.expression',
    'comparison_operator',
    'threshold',
    'period',
    'metric_query.metric.period',
    'evaluation_periods',
    'datapoints_to_alarm',
    'treat_missing_data',
    'actions_enabled',
    'alarm_actions',
  ],
  'AWS::CloudWatch::CompositeAlarm': ['AlarmRule', 'ActionsEnabled', 'AlarmActions'],
  aws_cloudwatch_composite_alarm: ['alarm_rule', 'actions_enabled', 'alarm_actions'],
  google_monitoring_alert_policy: [
    'enabled',
    'notification_channels',
    'conditions.condition_threshold.comparison',
    'conditions.condition_threshold.threshold_value',
    'conditions.condition_threshold.duration',
    'conditions.condition_prometheus_query_language.duration',
  ],
  google_monitoring_slo: ['goal', 'rolling_period_days', 'calendar_period'],
  'AWS::Synthetics::Canary': ['Schedule.Expression'],
  aws_synthetics_canary: ['schedule.expression'],
  google_monitoring_uptime_check_config: ['period', 'timeout', 'http_check.path', 'selected_regions'],
  // Drills (HA-DRL1) and the audit trail (HA-AUD1, HA-AUD2).
  'AWS::FIS::ExperimentTemplate': ['StopConditions'],
  aws_fis_experiment_template: ['stop_condition'],
  'AWS::CloudTrail::Trail': ['IsMultiRegionTrail', 'EnableLogFileValidation', 'S3BucketName', 'KMSKeyId'],
  aws_cloudtrail: ['is_multi_region_trail', 'enable_log_file_validation', 's3_bucket_name', 'kms_key_id'],
  // The objectives Resilience Hub assesses the deployed app against.
  'AWS::ResilienceHub::ResiliencyPolicy': ['Tier', 'Policy'],
};

/** CloudFormation resource attributes shown for every type. */
const CFN_ATTRIBUTES = ['DeletionPolicy', 'UpdateReplacePolicy', 'UpdatePolicy', 'CreationPolicy'];
/** Terraform meta-arguments shown for every type. */
const TF_META_ARGUMENTS = ['provider', 'lifecycle'];
/** Provider arguments that say where resources are created. */
const PROVIDER_PLACEMENT = ['alias', 'region', 'project', 'zone'];

/** One resource as {@link haView} shows it. */
export interface HaViewResource {
  readonly type: string;
  /** The HA record (`Metadata["ha-constructs"]`, or the Terraform `//` block's), when it has one. */
  readonly ha?: Json;
  /** Other `ha-constructs:*` entries of the resource (acknowledged findings, failover steps), by key. */
  readonly haEntries?: Readonly<Record<string, Json>>;
  /** CloudFormation resource attributes, Terraform `provider` and `lifecycle`. */
  readonly attributes?: Readonly<Record<string, Json>>;
  /** The resource's properties listed in {@link HA_PROPERTIES} for its type, as they are set. */
  readonly properties?: Readonly<Record<string, Json>>;
}

/** What a reviewer of availability reads in a template: see {@link haView}. */
export interface HaView {
  /** `ha-constructs:*` entries of the template's `Metadata` (CloudFormation) or top-level `//` block (Terraform). */
  readonly haEntries?: Readonly<Record<string, Json>>;
  /** Terraform: each provider configuration (`aws`, `aws.standby`) with where it creates resources. */
  readonly providers?: Readonly<Record<string, Json>>;
  /** By logical id (CloudFormation) or address `type.name` (Terraform), sorted. */
  readonly resources: Readonly<Record<string, HaViewResource>>;
}

/**
 * The HA view of a template (CloudFormation or Terraform JSON, normalised first): per resource its
 * type, HA record, the `ha-constructs:*` entries beside it, its deletion and update policies, and
 * only the properties {@link HA_PROPERTIES} lists for its type. Terraform data sources, variables
 * and outputs are left out; so are CloudFormation parameters, conditions and outputs.
 *
 * Terraform's HA record is in each resource's `//` block, which `Testing.synth` drops: pass
 * `stack.toTerraform()` (or the synthesized `cdk.tf.json`) to see it.
 */
export function haView(template: unknown): HaView {
  const normalised = normaliseTemplate(template);
  if (!isObject(normalised)) {
    return { resources: {} };
  }
  return isTerraform(normalised) ? terraformView(normalised) : cloudFormationView(normalised);
}

function cloudFormationView(template: JsonObject): HaView {
  const resources: Record<string, HaViewResource> = {};
  for (const [id, resource] of Object.entries(isObject(template.Resources) ? template.Resources : {})) {
    if (isObject(resource)) {
      const type = typeof resource.Type === 'string' ? resource.Type : 'Unknown';
      resources[id] = viewResource(type, resource.Metadata, pick(resource, CFN_ATTRIBUTES), resource.Properties);
    }
  }
  return withoutUndefined({ haEntries: haEntriesOf(template.Metadata, false), resources });
}

function terraformView(document: JsonObject): HaView {
  const resources: Record<string, HaViewResource> = {};
  for (const [type, byName] of Object.entries(isObject(document.resource) ? document.resource : {})) {
    for (const [name, resource] of Object.entries(isObject(byName) ? byName : {})) {
      if (isObject(resource)) {
        resources[`${type}.${name}`] = viewResource(type, resource['//'], pick(resource, TF_META_ARGUMENTS), resource);
      }
    }
  }
  const providers: Record<string, Json> = {};
  for (const [name, configs] of Object.entries(isObject(document.provider) ? document.provider : {})) {
    for (const config of Array.isArray(configs) ? configs : [configs]) {
      if (isObject(config)) {
        const alias = typeof config.alias === 'string' ? `${name}.${config.alias}` : name;
        providers[alias] =
          pick(
            config,
            PROVIDER_PLACEMENT.filter((key) => key !== 'alias'),
          ) ?? {};
      }
    }
  }
  return withoutUndefined({
    haEntries: haEntriesOf(document['//'], false),
    providers: Object.keys(providers).length > 0 ? sortKeys(providers) : undefined,
    resources,
  });
}

function viewResource(
  type: string,
  metadata: Json | undefined,
  attributes: Record<string, Json> | undefined,
  properties: Json | undefined,
): HaViewResource {
  const paths = HA_PROPERTIES[type] ?? [];
  const selected =
    isObject(properties) && paths.length > 0
      ? select(
          properties,
          paths.map((p) => p.split('.')),
        )
      : undefined;
  return withoutUndefined({
    type,
    ha: isObject(metadata) ? metadata[HA_METADATA_KEY] : undefined,
    haEntries: haEntriesOf(metadata, true),
    attributes,
    properties: isObject(selected) && Object.keys(selected).length > 0 ? selected : undefined,
  });
}

/** The `ha-constructs:*` entries of a metadata object (and the record itself unless `exceptRecord`). */
function haEntriesOf(metadata: Json | undefined, exceptRecord: boolean): Record<string, Json> | undefined {
  if (!isObject(metadata)) {
    return undefined;
  }
  const entries = Object.entries(metadata).filter(([key]) =>
    key === HA_METADATA_KEY ? !exceptRecord : key.startsWith(`${HA_METADATA_KEY}:`),
  );
  return entries.length > 0 ? Object.fromEntries(entries) : undefined;
}

/** The entries of `object` under `keys` that are set, or undefined when none is. */
function pick(object: JsonObject, keys: readonly string[]): Record<string, Json> | undefined {
  const entries = keys.filter((key) => object[key] !== undefined).map((key) => [key, object[key]] as const);
  return entries.length > 0 ? Object.fromEntries(entries) : undefined;
}

/**
 * What `paths` select of `value`: of an object, each first segment's value with the rest of its
 * paths selected; of a list, each element's selection (elements with nothing selected left out).
 */
function select(value: Json, paths: readonly (readonly string[])[]): Json | undefined {
  if (paths.some((path) => path.length === 0)) {
    return value;
  }
  if (Array.isArray(value)) {
    const elements = value.map((element) => select(element, paths));
    return elements.some((element) => element !== undefined) ? elements.map((element) => element ?? {}) : undefined;
  }
  if (!isObject(value)) {
    return undefined;
  }
  const byKey = new Map<string, string[][]>();
  for (const [head, ...rest] of paths) {
    byKey.set(head, [...(byKey.get(head) ?? []), rest]);
  }
  const result: JsonObject = {};
  for (const [key, rests] of byKey) {
    if (value[key] !== undefined) {
      const selected = select(value[key], rests);
      if (selected !== undefined) {
        result[key] = selected;
      }
    }
  }
  return Object.keys(result).length > 0 ? result : undefined;
}

function withoutUndefined<T extends object>(object: T): T {
  return Object.fromEntries(Object.entries(object).filter(([, v]) => v !== undefined)) as T;
}

/**
 * {@link haView} as text, one line per fact, for a snapshot a reviewer reads top to bottom:
 *
 * ```text
 * DatabaseCluster5B53A178 AWS::RDS::DBCluster
 *   ha: service=orders tier=TIER_1 strategy=WARM_STANDBY role=primary failureDomain=region component=ReplicatedDatabase
 *   DeletionPolicy: "Snapshot"
 *   BackupRetentionPeriod: 35
 *   KmsKeyId: !GetAtt DatabaseKey.Arn
 * ```
 *
 * Resources are sorted by type, then id. Nested objects are flattened to paths (`A.B`, `A[0].B`,
 * and `A[k]` for a CloudFormation list of `{ Key: k, Value }`);
 * `Ref` and `Fn::GetAtt` print as `!Ref X` and `!GetAtt X.Y`, other values as compact JSON. When
 * every record of the template names the same service, tier and strategy (and version, and a custom
 * tier's objectives), they are printed once, in the first line, and left out of each resource's `ha:` line.
 */
export function formatHaView(view: HaView): string {
  const lines: string[] = [];
  const records = Object.values(view.resources)
    .map((r) => r.ha)
    .filter(isObject);
  const shared = ['version', 'service', 'tier', 'strategy', 'objectives'].filter(
    (key) =>
      records.length > 0 &&
      records.every(
        (record) => record[key] !== undefined && JSON.stringify(record[key]) === JSON.stringify(records[0][key]),
      ),
  );
  if (shared.length > 0) {
    lines.push(`every record: ${shared.map((key) => `${key}=${scalar(records[0][key])}`).join(' ')}`);
  }
  for (const [key, value] of Object.entries(view.haEntries ?? {})) {
    lines.push(...flatten(key, value));
  }
  for (const [name, value] of Object.entries(view.providers ?? {})) {
    lines.push(`provider ${name}: ${render(value)}`);
  }
  const byType = Object.entries(view.resources).sort(
    ([a, ra], [b, rb]) => ra.type.localeCompare(rb.type) || a.localeCompare(b),
  );
  for (const [id, resource] of byType) {
    // A Terraform address names its type already.
    lines.push(id.startsWith(`${resource.type}.`) ? id : `${id} ${resource.type}`);
    if (isObject(resource.ha)) {
      const record = resource.ha;
      const fields = recordKeys(record)
        .filter((key) => !shared.includes(key))
        .map((key) => `${key}=${scalar(record[key])}`);
      lines.push(`  ha: ${fields.join(' ')}`);
    } else if (resource.ha !== undefined) {
      lines.push(`  ha: ${render(resource.ha)}`);
    }
    for (const [key, value] of [
      ...Object.entries(resource.haEntries ?? {}),
      ...Object.entries(resource.attributes ?? {}),
      ...Object.entries(resource.properties ?? {}),
    ]) {
      lines.push(...flatten(key, value).map((line) => `  ${line}`));
    }
  }
  return `${lines.join('\n')}\n`;
}

/**
 * The HA snapshot of a template ({@link formatHaView} of {@link haView}), or of every stack of an app,
 * a stack or a synthesized directory (each under a `=== <stack> ===` line):
 *
 * ```ts
 * expect(haSnapshot(app)).toMatchSnapshot();
 * ```
 *
 * It changes when the topology does (a zone, a capacity, a replica, a record, a deletion policy),
 * never with an aws-cdk-lib, cdktf or ha-constructs upgrade that leaves the topology as it was.
 */
export function haSnapshot(input: SynthesizedInput | unknown): string {
  if (isTemplate(input)) {
    return formatHaView(haView(input));
  }
  return synthesizedStacks(input as SynthesizedInput)
    .map((s) => `=== ${s.name} ===\n${formatHaView(haView(s.template))}`)
    .join('\n');
}

/**
 * Every stack of an app, a stack or a synthesized directory, whole but normalised
 * ({@link normaliseTemplate}), by stack name; a template given as such comes back normalised.
 * For a snapshot of everything the templates hold, stable across aws-cdk-lib and cdktf releases.
 */
export function templateSnapshot(input: SynthesizedInput | unknown): unknown {
  if (isTemplate(input)) {
    return normaliseTemplate(input);
  }
  return Object.fromEntries(
    synthesizedStacks(input as SynthesizedInput).map((s) => [s.name, normaliseTemplate(s.template)]),
  );
}

/** The order an HA record's fields are printed in: who, then where, then what; others after them, sorted. */
const RECORD_ORDER = ['version', 'service', 'tier', 'strategy', 'role', 'failureDomain', 'component'];

function recordKeys(record: JsonObject): string[] {
  const rank = (key: string) => (RECORD_ORDER.includes(key) ? RECORD_ORDER.indexOf(key) : RECORD_ORDER.length);
  return Object.keys(record).sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

/** `path: value` lines: objects (not intrinsic functions) and lists of objects flattened to paths. */
function flatten(path: string, value: Json): string[] {
  if (isObject(value) && !isIntrinsic(value) && Object.keys(value).length > 0) {
    return Object.entries(value).flatMap(([key, v]) => flatten(`${path}.${key}`, v));
  }
  if (Array.isArray(value) && value.length > 0 && value.every(isKeyValue)) {
    // CloudFormation's attribute lists (`[{ Key, Value }]`) read as the map they are.
    return value.flatMap((v) => flatten(`${path}[${(v as JsonObject).Key as string}]`, (v as JsonObject).Value));
  }
  if (Array.isArray(value) && value.some((v) => isObject(v) && !isIntrinsic(v))) {
    // An element with nothing selected is an empty object: it keeps the others' indexes and prints nothing.
    return value.flatMap((v, i) => (isObject(v) && Object.keys(v).length === 0 ? [] : flatten(`${path}[${i}]`, v)));
  }
  return [`${path}: ${render(value)}`];
}

function isKeyValue(value: Json): boolean {
  return (
    isObject(value) && Object.keys(value).length === 2 && typeof value.Key === 'string' && value.Value !== undefined
  );
}

/** A value on one line: `!Ref X`, `!GetAtt X.Y`, else compact JSON with spaces after commas. */
function render(value: Json): string {
  if (isObject(value)) {
    if (typeof value.Ref === 'string' && Object.keys(value).length === 1) {
      return `!Ref ${value.Ref}`;
    }
    const getAtt = value['Fn::GetAtt'];
    if (Array.isArray(getAtt) && Object.keys(value).length === 1 && getAtt.every((part) => typeof part === 'string')) {
      return `!GetAtt ${getAtt.join('.')}`;
    }
    const [fn] = Object.keys(value);
    if (isIntrinsic(value) && fn !== 'Ref' && fn !== 'Condition') {
      return `!${fn.slice('Fn::'.length)} ${render(value[fn])}`;
    }
    return `{${Object.entries(value)
      .map(([k, v]) => `${JSON.stringify(k)}: ${render(v)}`)
      .join(', ')}}`;
  }
  if (Array.isArray(value)) {
    return `[${value.map(render).join(', ')}]`;
  }
  return JSON.stringify(value);
}

/** A record field: a plain word as is, anything else as {@link render} prints it. */
function scalar(value: Json): string {
  return typeof value === 'string' && /^[\w.:/-]+$/.test(value) ? value : render(value);
}

/** Whether an object is a CloudFormation intrinsic function (`Ref`, `Fn::*`, `Condition`). */
function isIntrinsic(value: JsonObject): boolean {
  const keys = Object.keys(value);
  return keys.length === 1 && (keys[0] === 'Ref' || keys[0] === 'Condition' || keys[0].startsWith('Fn::'));
}
