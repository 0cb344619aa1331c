/**
 * Published service figures that the failover, RPO and availability models use.
 *
 * Every value cites the public page it comes from. When AWS or Google change a figure, change it
 * here and nowhere else: constructs, checks and the report all read it from this file.
 */

// ---------------------------------------------------------------------------------------------
// Route 53
// ---------------------------------------------------------------------------------------------

/**
 * Request intervals a Route 53 health check accepts (standard 30 s, fast 10 s).
 * @see https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/health-checks-creating-values.html
 */
export const ROUTE53_HEALTH_CHECK_INTERVALS_SECONDS: readonly number[] = [10, 30];

/**
 * Failure threshold range of a Route 53 health check, and its console default.
 * @see https://docs.aws.amazon.com/Route53/latest/APIReference/API_HealthCheckConfig.html
 */
export const ROUTE53_FAILURE_THRESHOLD_MIN = 1;
export const ROUTE53_FAILURE_THRESHOLD_MAX = 10;
export const ROUTE53_FAILURE_THRESHOLD_DEFAULT = 3;

/**
 * Worst-case time one HTTP(S) health check request takes before it counts as failed: the checker
 * must establish the TCP connection within 4 s and receive a 2xx/3xx status within 2 s after that.
 * @see https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/dns-failover-determining-health-of-endpoints.html
 */
export const ROUTE53_HTTP_CHECK_TIMEOUT_SECONDS = 6;

/**
 * TTL of an alias record: Route 53 uses the target's TTL, 60 s for Elastic Load Balancing.
 * @see https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/resource-record-sets-choosing-alias-non-alias.html
 */
export const ROUTE53_ALIAS_ELB_TTL_SECONDS = 60;

/**
 * Recommended maximum TTL for records that take part in failover (60 s or less).
 * @see https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/dns-failover-complex-configs.html
 */
export const ROUTE53_FAILOVER_TTL_MAX_SECONDS = 60;

/**
 * Largest TTL a record may have (the API's range is 0 to 2147483647 seconds).
 * @see https://docs.aws.amazon.com/Route53/latest/APIReference/API_ResourceRecordSet.html (TTL)
 */
export const ROUTE53_TTL_MAX_SECONDS = 2147483647;

/**
 * Largest weight of a weighted record (0 to 255; 0 takes the record out of rotation).
 * @see https://docs.aws.amazon.com/Route53/latest/APIReference/API_ResourceRecordSet.html (Weight)
 */
export const ROUTE53_WEIGHT_MAX = 255;

/**
 * Granularity of the health-check metrics Route 53 publishes (`HealthCheckStatus` at one-minute
 * intervals): an alarm cannot judge a shorter period.
 * @see https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/monitoring-health-checks.html
 */
export const ROUTE53_HEALTH_CHECK_METRIC_PERIOD_SECONDS = 60;

/**
 * The region of ARC's recovery-control configuration API (clusters, control panels, routing
 * controls, safety rules): "you must specify the US West (Oregon) Region" when creating them.
 * @see https://docs.aws.amazon.com/r53recovery/latest/dg/introduction-regions-routing.html
 */
export const ARC_CONTROL_PLANE_REGION = 'us-west-2';

/**
 * Longest name of an ARC cluster, control panel, routing control or safety rule.
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-route53recoverycontrol-routingcontrol.html
 */
export const ARC_NAME_MAX_LENGTH = 64;

// ---------------------------------------------------------------------------------------------
// Elastic Load Balancing
// ---------------------------------------------------------------------------------------------

/**
 * ALB target group health check limits: interval 5–300 s, timeout 2–120 s, thresholds 2–10.
 * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/application/target-group-health-checks.html
 */
export const ALB_HEALTH_CHECK_INTERVAL_MIN_SECONDS = 5;
export const ALB_HEALTH_CHECK_TIMEOUT_MIN_SECONDS = 2;
export const ALB_HEALTH_CHECK_THRESHOLD_MIN = 2;
export const ALB_HEALTH_CHECK_THRESHOLD_MAX = 10;

// ---------------------------------------------------------------------------------------------
// Databases
// ---------------------------------------------------------------------------------------------

/**
 * Aurora promotes a reader in another AZ when the writer fails, typically within 30 s.
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Concepts.AuroraHighAvailability.html
 */
export const AURORA_FAILOVER_SECONDS = 30;

/**
 * Aurora Global Database replicates with typical lag under 1 s (typical, not a bound: nothing caps
 * it); a managed cross-region failover (or switchover) completes in about a minute.
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-global-database.html
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-global-database-disaster-recovery.html
 */
export const AURORA_GLOBAL_REPLICATION_LAG_SECONDS = 1;
export const AURORA_GLOBAL_MANAGED_FAILOVER_SECONDS = 60;

/**
 * Managed RPO of an Aurora PostgreSQL global database: with the primary's cluster parameter
 * `rds.global_db_rpo` set, Aurora blocks commits on the primary while no secondary's RPO lag is
 * below it, so an unplanned failover loses at most that many seconds of commits. Whole seconds from
 * 20 to 2,147,483,647; Aurora PostgreSQL only (Aurora MySQL has no such parameter).
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-global-database-disaster-recovery.html
 *   ("Managing RPOs for Aurora PostgreSQL–based global databases")
 */
export const AURORA_GLOBAL_DB_RPO_PARAMETER = 'rds.global_db_rpo';
export const AURORA_GLOBAL_DB_RPO_MIN_SECONDS = 20;
export const AURORA_GLOBAL_DB_RPO_MAX_SECONDS = 2_147_483_647;

/**
 * RDS Multi-AZ DB instance failover takes 60–120 s; a Multi-AZ DB cluster fails over in under 35 s.
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Concepts.MultiAZSingleStandby.html
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/multi-az-db-clusters-concepts.html
 */
export const RDS_MULTI_AZ_INSTANCE_FAILOVER_SECONDS = 120;
export const RDS_MULTI_AZ_CLUSTER_FAILOVER_SECONDS = 35;

/**
 * Aurora limits: a cluster has a writer and at most 15 readers; in a global database the primary's
 * readers and the secondary clusters share those 15 (one reader fewer per secondary region), and
 * each secondary cluster has at most 16 readers; automated backups are kept 1 to 35 days; a cluster
 * identifier has 1 to 63 characters.
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Aurora.Replication.html
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-global-database-attaching.html
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-global-database.html
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Aurora.Managing.Backups.html
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBCluster.html (DBClusterIdentifier)
 */
export const AURORA_MAX_READERS = 15;
export const AURORA_GLOBAL_SECONDARY_MAX_READERS = 16;
export const AURORA_MAX_BACKUP_RETENTION_DAYS = 35;
export const AURORA_CLUSTER_IDENTIFIER_MAX_LENGTH = 63;

/**
 * RDS and Aurora send their metrics to CloudWatch every minute: an alarm cannot judge a shorter period.
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/monitoring-cloudwatch.html
 */
export const RDS_METRIC_PERIOD_SECONDS = 60;

/**
 * DynamoDB global tables (eventual consistency, MREC) typically replicate within a second, with no
 * SLA on that latency (a typical figure, not a bound); multi-region strong consistency (MRSC)
 * acknowledges a write only after it is durable in a second region: RPO 0.
 * @see https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/V2globaltables_HowItWorks.html
 * @see https://docs.aws.amazon.com/prescriptive-guidance/latest/dynamodb-global-tables/overview.html ("no SLA")
 */
export const DYNAMODB_GLOBAL_REPLICATION_LAG_SECONDS = 1;
export const DYNAMODB_MRSC_RPO_SECONDS = 0;

/**
 * S3 Replication Time Control replicates 99.99% of objects within 15 minutes.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-time-control.html
 */
export const S3_RTC_REPLICATION_SECONDS = 900;

/**
 * CloudWatch Synthetics keeps a canary's successful and failed run records at most 455 days.
 * @see https://docs.aws.amazon.com/AmazonSynthetics/latest/APIReference/API_CreateCanary.html
 */
export const SYNTHETICS_MAX_RETENTION_DAYS = 455;

/**
 * Point-in-time restore granularity of continuous backups (RDS/Aurora: latest restorable time is
 * typically within the last 5 minutes).
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_PIT.html
 */
export const PITR_RPO_SECONDS = 300;

/**
 * Cloud SQL HA: a failover starts once the primary has been unresponsive for about 60 s; how long the
 * standby then takes to serve is not published, so this starts the zone's recovery and bounds nothing.
 * @see https://cloud.google.com/sql/docs/postgres/high-availability
 */
export const CLOUD_SQL_HA_FAILOVER_SECONDS = 60;

/**
 * Cloud SQL: days of write-ahead log kept for point-in-time recovery, per edition; the smallest
 * disk (10 GB); its metrics (`database/replication/replica_lag`) are sampled every 60 s.
 * @see https://cloud.google.com/sql/docs/postgres/backup-recovery/pitr#log-retention
 * @see https://cloud.google.com/sql/docs/postgres/instance-settings (storage capacity)
 * @see https://cloud.google.com/monitoring/api/metrics_gcp_c#gcp-cloudsql
 */
export const CLOUD_SQL_PITR_MAX_DAYS = { ENTERPRISE_PLUS: 35, ENTERPRISE: 7 } as const;
export const CLOUD_SQL_MIN_DISK_SIZE_GB = 10;
export const CLOUD_SQL_METRIC_SAMPLE_SECONDS = 60;

/**
 * Regions a global table with multi-region strong consistency (MRSC) may span: its replicas and
 * witness all lie in one of these region sets.
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-dynamodb-globaltable-globaltablewitness.html
 * @see https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/V2globaltables_HowItWorks.html
 */
export const DYNAMODB_MRSC_REGION_SETS: Readonly<Record<string, readonly string[]>> = {
  US: ['us-east-1', 'us-east-2', 'us-west-2'],
  EU: ['eu-west-1', 'eu-west-2', 'eu-west-3', 'eu-central-1'],
  AP: ['ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3'],
};

/**
 * Cloud Storage turbo replication: dual-region objects replicated within 15 minutes (RPO).
 * @see https://cloud.google.com/storage/docs/availability-durability#turbo-replication
 */
export const GCS_TURBO_REPLICATION_SECONDS = 900;

/**
 * Spanner multi-region (and dual-region) configurations commit a write once a majority of the voting
 * replicas, which lie in more than one region, have it: the loss of a region loses no committed write.
 * When the default leader region is lost, leaders move to the other read-write region on their own;
 * Google publishes no duration for that move.
 * @see https://cloud.google.com/spanner/docs/replication
 * @see https://cloud.google.com/spanner/docs/region-types
 */
export const SPANNER_MULTI_REGION_RPO_SECONDS = 0;

/**
 * Spanner's recommended maximum high-priority CPU: 65% for a regional instance, 45% per region for
 * a dual-region or multi-region one, so that the replicas left after losing a zone (or a region)
 * still carry the traffic.
 * @see https://cloud.google.com/spanner/docs/cpu-utilization#recommended-max
 */
export const SPANNER_MAX_HIGH_PRIORITY_CPU_PERCENT = { REGIONAL: 65, MULTI_REGION: 45 } as const;

/**
 * Spanner's CPU metrics (`instance/cpu/utilization_by_priority`) are sampled every 60 s: an alert
 * cannot judge a shorter period.
 * @see https://cloud.google.com/monitoring/api/metrics_gcp_p_z#gcp-spanner
 */
export const SPANNER_METRIC_SAMPLE_SECONDS = 60;

/**
 * Spanner point-in-time recovery: a database keeps old versions of its data for its
 * `version_retention_period`, from 1 hour to 7 days.
 * @see https://cloud.google.com/spanner/docs/pitr
 */
export const SPANNER_VERSION_RETENTION_MAX_SECONDS = 7 * 86400;

/**
 * Spanner backup schedules: full backups at most every 12 hours (12 h, a day, a week or a month),
 * each kept up to 366 days.
 * @see https://cloud.google.com/spanner/docs/backup/create-manage-backup-schedules
 */
export const SPANNER_BACKUP_MIN_INTERVAL_HOURS = 12;
export const SPANNER_BACKUP_RETENTION_MAX_DAYS = 366;

// ---------------------------------------------------------------------------------------------
// Google Cloud IAM
// ---------------------------------------------------------------------------------------------

/**
 * How long a change to an allow policy (a role granted) takes to reach everywhere it is checked:
 * typically 2 minutes, potentially 7 minutes or longer. Until then the grantee may be refused.
 * @see https://cloud.google.com/iam/docs/access-change-propagation
 */
export const GOOGLE_IAM_PROPAGATION_SECONDS = { TYPICAL: 120, POTENTIAL: 420 } as const;

// ---------------------------------------------------------------------------------------------
// Google Kubernetes Engine and Cloud Run
// ---------------------------------------------------------------------------------------------

/**
 * A GKE maintenance window: only contiguous stretches of at least 4 hours count, and the policy
 * must leave at least 48 hours of maintenance availability in a rolling 32 days (the stricter of
 * the periods Google's pages state).
 * @see https://cloud.google.com/kubernetes-engine/docs/how-to/maintenance-window
 */
export const GKE_MAINTENANCE_WINDOW_MIN_HOURS = 4;
export const GKE_MAINTENANCE_MIN_HOURS = 48;
export const GKE_MAINTENANCE_ROLLING_DAYS = 32;

/**
 * Longest maintenance exclusion of scope "no upgrades" (every automatic upgrade held off).
 * @see https://cloud.google.com/kubernetes-engine/docs/concepts/maintenance-windows-and-exclusions#scope_of_maintenance_to_exclude
 */
export const GKE_NO_UPGRADES_EXCLUSION_MAX_DAYS = 30;

/**
 * Cloud Run service health: a region's service is healthy, and receives traffic from a global
 * external Application Load Balancer through its serverless NEG, while at least 60% of its
 * instances pass their readiness probes; it needs at least one minimum instance per region, and a
 * second region to fail over to. Google publishes no time for the failover itself.
 * @see https://cloud.google.com/run/docs/configuring/configure-service-health
 */
export const CLOUD_RUN_SERVICE_HEALTH_READY_PERCENT = 60;
export const CLOUD_RUN_SERVICE_HEALTH_MIN_INSTANCES = 1;

// ---------------------------------------------------------------------------------------------
// Google Cloud load balancing and Cloud DNS
// ---------------------------------------------------------------------------------------------

/**
 * A health check that Cloud DNS routing policies of a public zone use probes from exactly 3 source
 * regions (`source_regions`), at an interval of at least 30 s.
 * @see https://cloud.google.com/compute/docs/reference/rest/v1/healthChecks (sourceRegions)
 * @see https://cloud.google.com/dns/docs/zones/manage-routing-policies
 */
export const CLOUD_DNS_HEALTH_CHECK_SOURCE_REGIONS = 3;
export const CLOUD_DNS_HEALTH_CHECK_MIN_INTERVAL_SECONDS = 30;

/**
 * A regional external Application Load Balancer's proxies take their addresses from a proxy-only
 * subnet of the region: a range of /26 or larger.
 * @see https://cloud.google.com/load-balancing/docs/proxy-only-subnets
 */
export const PROXY_ONLY_SUBNET_MAX_PREFIX_LENGTH = 26;

// ---------------------------------------------------------------------------------------------
// Lambda
// ---------------------------------------------------------------------------------------------

/**
 * Lambda's concurrency scaling rate: at most 1,000 new execution environments every 10 s per
 * function. A cap on how fast a function scales on demand, not a time within which it does.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/scaling-behavior.html
 */
export const LAMBDA_CONCURRENCY_SCALING_RATE = { environments: 1000, perSeconds: 10 } as const;

// ---------------------------------------------------------------------------------------------
// CloudWatch Logs
// ---------------------------------------------------------------------------------------------

/**
 * Retention periods (days) a CloudWatch Logs log group accepts.
 * @see https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutRetentionPolicy.html
 */
export const CLOUDWATCH_LOG_RETENTION_DAYS: readonly number[] = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];

// ---------------------------------------------------------------------------------------------
// Service level agreements (monthly uptime commitments)
// ---------------------------------------------------------------------------------------------

/**
 * Published monthly uptime commitments the availability estimate composes.
 * An SLA is a floor the provider pays credits below, not a measurement: the report says so.
 */
export const PUBLISHED_SLAS = {
  /**
   * The AWS Compute SLA's Region-Level commitment, which covers EC2, ECS and Fargate: instances or
   * tasks deployed across two or more AZs.
   * @see https://aws.amazon.com/compute/sla/
   */
  EC2_MULTI_AZ: 0.9999,
  /** @see https://aws.amazon.com/compute/sla/ (its Instance-Level commitment: a single instance or task) */
  EC2_SINGLE_INSTANCE: 0.995,
  /** @see https://aws.amazon.com/elasticloadbalancing/sla/ */
  ELASTIC_LOAD_BALANCING: 0.9999,
  /**
   * API Gateway's commitment for each region: the share of requests to an API that do not fail with an
   * API Gateway internal error, averaged over 5-minute intervals.
   * @see https://aws.amazon.com/api-gateway/sla/
   */
  API_GATEWAY: 0.9995,
  /**
   * Lambda's commitment for each region: the share of requests (invocations) that do not fail with a
   * 500 or 503, averaged over 5-minute intervals.
   * @see https://aws.amazon.com/lambda/sla/
   */
  LAMBDA: 0.9995,
  /** @see https://aws.amazon.com/rds/aurora/sla/ (Multi-AZ DB cluster) */
  AURORA_MULTI_AZ: 0.9999,
  /** @see https://aws.amazon.com/rds/sla/ (Multi-AZ instance) */
  RDS_MULTI_AZ: 0.9995,
  /** @see https://aws.amazon.com/rds/sla/ (Single-AZ instance) */
  RDS_SINGLE_AZ: 0.995,
  /** @see https://aws.amazon.com/dynamodb/sla/ (global tables) */
  DYNAMODB_GLOBAL_TABLES: 0.99999,
  /** @see https://aws.amazon.com/dynamodb/sla/ (standard tables) */
  DYNAMODB_STANDARD: 0.9999,
  /** @see https://aws.amazon.com/s3/sla/ (S3 Standard) */
  S3_STANDARD: 0.999,
  /** @see https://aws.amazon.com/route53/sla/ */
  ROUTE53: 1.0,
  /** @see https://aws.amazon.com/secrets-manager/sla/ */
  SECRETS_MANAGER: 0.9999,
  /**
   * The AWS Messaging SLA's commitment for Amazon SQS (and SNS), in each region: a queue is one region's,
   * so a worker that drains it is in series with it.
   * @see https://aws.amazon.com/messaging/sla/
   */
  SQS: 0.999,
  /** @see https://aws.amazon.com/efs/sla/ (Regional file systems) */
  EFS_REGIONAL: 0.9999,
  /**
   * The Kubernetes endpoint (API server) of an EKS cluster, per cluster. It covers the control
   * plane only: nodes are EC2 instances, and Fargate pods, under the Compute SLA.
   * @see https://aws.amazon.com/eks/sla/
   */
  EKS_CONTROL_PLANE: 0.9995,
  /** @see https://cloud.google.com/compute/sla (instances in multiple zones) */
  COMPUTE_ENGINE_MULTI_ZONE: 0.9999,
  /** @see https://cloud.google.com/compute/sla (a single instance) */
  COMPUTE_ENGINE_SINGLE_INSTANCE: 0.999,
  /** @see https://cloud.google.com/load-balancing/sla */
  CLOUD_LOAD_BALANCING: 0.9999,
  /** @see https://cloud.google.com/sql/sla (Enterprise Plus edition, HA) */
  CLOUD_SQL_ENTERPRISE_PLUS_HA: 0.9999,
  /** @see https://cloud.google.com/sql/sla (Enterprise edition, HA) */
  CLOUD_SQL_ENTERPRISE_HA: 0.9995,
  /** @see https://cloud.google.com/storage/sla (dual-region, Standard class) */
  GCS_DUAL_REGION: 0.9995,
  /** @see https://cloud.google.com/secret-manager/sla */
  SECRET_MANAGER: 0.9995,
  /** @see https://cloud.google.com/spanner/sla (multi-regional instance) */
  SPANNER_MULTI_REGION: 0.99999,
  /** @see https://cloud.google.com/spanner/sla (regional instance) */
  SPANNER_REGIONAL: 0.9999,
  /** @see https://cloud.google.com/dns/sla */
  CLOUD_DNS: 1.0,
  /**
   * The Kubernetes API of a regional GKE Standard cluster (control plane replicated over the region's
   * zones); nodes are Compute Engine instances under the Compute Engine SLA.
   * @see https://cloud.google.com/kubernetes-engine/sla (Regional Cluster (control plane))
   */
  GKE_REGIONAL_CONTROL_PLANE: 0.9995,
  /** @see https://cloud.google.com/kubernetes-engine/sla (Zonal Cluster (control plane)) */
  GKE_ZONAL_CONTROL_PLANE: 0.995,
  /**
   * A Cloud Run service, per project and region (Downtime: more than 1% of valid requests fail with 5xx).
   * @see https://cloud.google.com/run/sla
   */
  CLOUD_RUN: 0.9995,
} as const;

/** Name of a published SLA in {@link PUBLISHED_SLAS}. */
export type PublishedSla = keyof typeof PUBLISHED_SLAS;

// ---------------------------------------------------------------------------------------------
// Site Reliability Workbook: alerting on SLOs
// ---------------------------------------------------------------------------------------------

/**
 * The workbook's recommended multiwindow, multi-burn-rate alerts for a 30-day SLO: the share of the
 * error budget each alert spends in its long window, the window lengths, and where it goes.
 * burn rate = budget share × SLO window / long window (2% in 1 h → 14.4; 5% in 6 h → 6; 10% in 3 d → 1).
 * @see https://sre.google/workbook/alerting-on-slos/ (table 5-8, "Recommended parameters")
 */
export const SRE_WORKBOOK_BURN_RATE_ROWS: readonly {
  readonly severity: 'page' | 'ticket';
  readonly budgetShare: number;
  readonly longWindowSeconds: number;
  readonly shortWindowSeconds: number;
}[] = [
  { severity: 'page', budgetShare: 0.02, longWindowSeconds: 3600, shortWindowSeconds: 300 },
  { severity: 'page', budgetShare: 0.05, longWindowSeconds: 6 * 3600, shortWindowSeconds: 1800 },
  { severity: 'ticket', budgetShare: 0.1, longWindowSeconds: 3 * 86400, shortWindowSeconds: 6 * 3600 },
];

/** The SLO window the workbook's table is written for. */
export const SRE_WORKBOOK_SLO_WINDOW_DAYS = 30;

/**
 * A Cloud Monitoring SLO: its goal is at most 0.9999, and its rolling period whole days, at most 30.
 * @see https://cloud.google.com/monitoring/api/ref_v3/rest/v3/services.serviceLevelObjectives
 */
export const CLOUD_MONITORING_SLO_MAX_GOAL = 0.9999;
export const CLOUD_MONITORING_SLO_MAX_ROLLING_DAYS = 30;

/**
 * Periods (minutes) a Cloud Monitoring uptime check may run at.
 * @see https://cloud.google.com/monitoring/api/ref_v3/rest/v3/projects.uptimeCheckConfigs#UptimeCheckConfig
 */
export const UPTIME_CHECK_PERIODS_MINUTES: readonly number[] = [1, 5, 10, 15];

/**
 * Checkers of each Cloud Monitoring uptime-check region: `USA` has three (`USA_OREGON`, `USA_IOWA`,
 * `USA_VIRGINIA`, one each), `EUROPE`, `SOUTH_AMERICA` and `ASIA_PACIFIC` one each; a check that
 * selects no region runs from all six, and one that selects regions must select at least three
 * checkers. Each checker writes its own `check_passed` series (label `checker_location`).
 * @see https://cloud.google.com/monitoring/uptime-checks/introduction
 */
export const UPTIME_CHECKERS_BY_REGION: Readonly<Record<string, number>> = {
  USA: 3,
  USA_OREGON: 1,
  USA_IOWA: 1,
  USA_VIRGINIA: 1,
  EUROPE: 1,
  SOUTH_AMERICA: 1,
  ASIA_PACIFIC: 1,
};
/** Checkers a check that selects no region runs from. */
export const UPTIME_CHECKERS_ALL = 6;

/**
 * How often an uptime check with no `period` runs: every 60 seconds.
 * @see https://cloud.google.com/monitoring/api/ref_v3/rest/v3/projects.uptimeCheckConfigs#UptimeCheckConfig
 */
export const UPTIME_CHECK_DEFAULT_PERIOD_SECONDS = 60;

// ---------------------------------------------------------------------------------------------
// Service limits the constructs validate against
// ---------------------------------------------------------------------------------------------

/**
 * Running instances a spread placement group allows per AZ, and partitions a partition placement
 * group may have per AZ.
 * @see https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/placement-strategies.html#placement-groups-spread
 * @see https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/placement-strategies.html#placement-groups-partition
 */
export const SPREAD_PLACEMENT_MAX_PER_AZ = 7;
export const PARTITION_PLACEMENT_MAX_PARTITIONS = 7;

/**
 * The lowest limit a WAF rate-based rule accepts (requests per evaluation window per IP), and the
 * default evaluation window (300 s) that `rateLimitPerIp` is expressed in.
 * @see https://docs.aws.amazon.com/waf/latest/developerguide/waf-rule-statement-type-rate-based-high-level-settings.html
 */
export const WAF_RATE_LIMIT_MIN = 10;
export const WAF_RATE_WINDOW_SECONDS = 300;

/**
 * The highest limit a WAF rate-based rule accepts (requests per evaluation window per aggregation
 * instance): the Terraform AWS provider validates `rate_based_statement.limit` as 10 to 2,000,000,000.
 * @see https://github.com/hashicorp/terraform-provider-aws/blob/main/internal/service/wafv2/schemas.go (rateBasedStatementSchema)
 */
export const WAF_RATE_LIMIT_MAX = 2_000_000_000;

/**
 * EFS replication is designed for a recovery point objective of 15 minutes for most file systems.
 * @see https://docs.aws.amazon.com/efs/latest/ug/efs-replication.html
 */
export const EFS_REPLICATION_RPO_SECONDS = 900;

/**
 * Longest point-in-time recovery period of DynamoDB, in days.
 * @see https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/PointInTimeRecovery_Howitworks.html
 */
export const DYNAMODB_PITR_MAX_DAYS = 35;

/**
 * AWS Backup: longest retention of a continuous backup (point-in-time recovery), shortest grace
 * period of a compliance-mode vault lock, longest window a restore test picks its recovery point from.
 * @see https://docs.aws.amazon.com/aws-backup/latest/devguide/point-in-time-recovery.html
 * @see https://docs.aws.amazon.com/aws-backup/latest/devguide/vault-lock.html
 * @see https://docs.aws.amazon.com/aws-backup/latest/devguide/restore-testing.html
 */
export const CONTINUOUS_BACKUP_MAX_DAYS = 35;
export const VAULT_LOCK_MIN_CHANGEABLE_DAYS = 3;
export const RESTORE_TEST_MAX_WINDOW_DAYS = 365;

/**
 * The longest scheduling buffer predictive scaling accepts (`SchedulingBufferTime`): an hour.
 * @see https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_PredictiveScalingConfiguration.html
 */
export const PREDICTIVE_SCALING_MAX_BUFFER_SECONDS = 3600;

/**
 * The shortest scaling schedule a Compute Engine autoscaler accepts (`durationSec`): 300 seconds.
 * @see https://cloud.google.com/compute/docs/reference/rest/v1/autoscalers
 */
export const GOOGLE_SCALING_SCHEDULE_MIN_SECONDS = 300;

/**
 * Secrets Manager rotation: a schedule from every 4 hours (`rate(4 hours)`, the shortest
 * `ScheduleExpression`) to every 1000 days (`AutomaticallyAfterDays` at most 1000); a deleted
 * secret stays recoverable for 7 to 30 days (`RecoveryWindowInDays`); a generated value
 * (`GetRandomPassword`, `GenerateSecretString`) holds 1 to 4096 characters.
 * @see https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotate-secrets_schedule.html
 * @see https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_RotationRulesType.html
 * @see https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_DeleteSecret.html
 * @see https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_GetRandomPassword.html
 */
export const SECRETS_MANAGER_ROTATION_MIN_SECONDS = 4 * 3600;
export const SECRETS_MANAGER_ROTATION_MAX_SECONDS = 1000 * 86400;
export const SECRETS_MANAGER_RECOVERY_WINDOW_MAX_DAYS = 30;
export const SECRETS_MANAGER_GENERATED_LENGTH_MAX = 4096;

/**
 * Google Secret Manager rotation notifications: a `rotation_period` from 3600 s (1 hour) to
 * 3153600000 s (100 years).
 * @see https://cloud.google.com/secret-manager/docs/reference/rest/v1/projects.secrets#rotation
 */
export const SECRET_MANAGER_ROTATION_MIN_SECONDS = 3600;
export const SECRET_MANAGER_ROTATION_MAX_SECONDS = 3_153_600_000;

// ---------------------------------------------------------------------------------------------
// AWS Resilience Hub
// ---------------------------------------------------------------------------------------------

/**
 * Smallest RTO or RPO, in whole seconds, that a Resilience Hub resiliency policy can be assessed
 * against: the policy takes integer seconds and accepts 0, but an assessment estimates near zero
 * and then marks a policy of 0 breached whatever the resources are.
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-resiliencehub-resiliencypolicy.html
 * @see https://docs.aws.amazon.com/resilience-hub/latest/APIReference/API_FailurePolicy.html
 */
export const RESILIENCE_HUB_MIN_OBJECTIVE_SECONDS = 1;

// ---------------------------------------------------------------------------------------------
// Google Cloud operations: audit logs, Backup and DR
// ---------------------------------------------------------------------------------------------

/**
 * A Cloud Logging bucket keeps its entries from 1 to 3650 days (`retention_days`); a locked
 * bucket's retention can no longer change, and it can be deleted only once empty.
 * @see https://cloud.google.com/logging/docs/buckets#custom-retention
 * @see https://cloud.google.com/logging/docs/reference/v2/rest/v2/projects.locations.buckets
 */
export const CLOUD_LOGGING_RETENTION_MIN_DAYS = 1;
export const CLOUD_LOGGING_RETENTION_MAX_DAYS = 3650;

/**
 * The `_Required` log bucket keeps Admin Activity, System Event and Access Transparency audit logs
 * for 400 days, in every project, and cannot be changed or turned off: the record that exists even
 * where nothing else routes audit logs. Data Access logs are not in it.
 * @see https://cloud.google.com/logging/docs/routing/overview#required-bucket
 */
export const CLOUD_LOGGING_REQUIRED_BUCKET_RETENTION_DAYS = 400;

/**
 * Backup and DR backup plans: how often an HOURLY rule may run, by resource type (every 1 to 23
 * hours for Compute Engine instances and disks, 6 to 23 for Cloud SQL), and the backup window a rule
 * runs in: whole hours from 0 to 24, at least 6 hours long.
 * @see https://cloud.google.com/backup-disaster-recovery/docs/cloud-console/backup-plan
 */
export const BACKUP_DR_HOURLY_FREQUENCY: Readonly<Record<string, { readonly min: number; readonly max: number }>> = {
  'compute.googleapis.com/Instance': { min: 1, max: 23 },
  'compute.googleapis.com/Disk': { min: 1, max: 23 },
  'sqladmin.googleapis.com/Instance': { min: 6, max: 23 },
};

/**
 * The longest EventBridge keeps retrying a target, and the most retries it makes.
 * @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_RetryPolicy.html
 */
export const EVENTBRIDGE_MAX_EVENT_AGE_SECONDS = 86_400;
export const EVENTBRIDGE_MAX_RETRY_ATTEMPTS = 185;

/**
 * The longest SQS keeps a message.
 * @see https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/quotas-messages.html
 */
export const SQS_MAX_RETENTION_SECONDS = 1_209_600;
