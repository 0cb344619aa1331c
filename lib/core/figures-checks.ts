/**
 * Published defaults the HA checks need in order to read a template that leaves a setting out:
 * what the service (or the Terraform provider) uses when the property is absent. Kept apart from
 * `figures.ts` (failover and SLA figures) because these describe APIs, not failure behaviour.
 */

/**
 * ELBv2 target group health-check defaults for instance and IP targets: interval 30 s, timeout 5 s
 * (HTTP/HTTPS; 10 s for TCP on a Network Load Balancer), unhealthy threshold 2.
 * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/application/target-group-health-checks.html
 * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/network/target-group-health-checks.html
 */
export const ELB_TARGET_HEALTH_DEFAULTS = {
  intervalSeconds: 30,
  httpTimeoutSeconds: 5,
  tcpTimeoutSeconds: 10,
  unhealthyThresholdCount: 2,
} as const;

/**
 * Terraform AWS provider default of `aws_lb_target_group.health_check.unhealthy_threshold` (3; the
 * interval and the HTTP timeout default as in the API).
 * @see https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/lb_target_group#health_check
 */
export const TERRAFORM_TARGET_GROUP_UNHEALTHY_THRESHOLD_DEFAULT = 3;

/**
 * Google Cloud health-check defaults: check interval 5 s, timeout 5 s, unhealthy threshold 2.
 * @see https://cloud.google.com/load-balancing/docs/health-check-concepts#default_health_check_settings
 */
export const GCE_HEALTH_CHECK_DEFAULTS = {
  intervalSeconds: 5,
  timeoutSeconds: 5,
  unhealthyThreshold: 2,
} as const;

/**
 * Route 53 health-check `RequestInterval` when the template leaves it out (standard, 30 s).
 * @see https://docs.aws.amazon.com/Route53/latest/APIReference/API_HealthCheckConfig.html
 */
export const ROUTE53_REQUEST_INTERVAL_DEFAULT_SECONDS = 30;

/**
 * Automated-backup retention of an RDS DB instance or Aurora cluster when `BackupRetentionPeriod`
 * is not set through the API or CloudFormation: 1 day.
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-rds-dbcluster.html
 */
export const RDS_BACKUP_RETENTION_DEFAULT_DAYS = 1;

/**
 * What ha-report holds a resource of no declared tier to, the least any production HA design
 * needs: compute, load balancers and databases in at least 2 zones (the Reliability Pillar's
 * REL10-BP01, "deploy the workload to multiple locations"), at least 2 instances or tasks behind a
 * load balancer (one is a single point of failure), and automated backups kept at least 7 days
 * (the default minimum of Security Hub control RDS.11).
 * @see https://docs.aws.amazon.com/wellarchitected/latest/reliability-pillar/rel_fault_isolation_multiaz_region_system.html
 * @see https://docs.aws.amazon.com/securityhub/latest/userguide/rds-controls.html#rds-11
 */
export const PRODUCTION_BASELINE = {
  minAzs: 2,
  minInstancesBehindLoadBalancer: 2,
  backupRetentionDays: 7,
} as const;
