/**
 * The Google Cloud APIs and service agents this library's Google constructs use: the one table
 * `ProjectServices` enables from, and the tests check the synthesized stacks against.
 */

/** A Google Cloud API (a Service Usage service name). */
export type GoogleApi =
  | 'artifactregistry.googleapis.com'
  | 'backupdr.googleapis.com'
  | 'certificatemanager.googleapis.com'
  | 'cloudkms.googleapis.com'
  | 'cloudresourcemanager.googleapis.com'
  | 'compute.googleapis.com'
  | 'container.googleapis.com'
  | 'cloudscheduler.googleapis.com'
  | 'dns.googleapis.com'
  | 'eventarc.googleapis.com'
  | 'iam.googleapis.com'
  | 'logging.googleapis.com'
  | 'monitoring.googleapis.com'
  | 'pubsub.googleapis.com'
  | 'run.googleapis.com'
  | 'secretmanager.googleapis.com'
  | 'servicenetworking.googleapis.com'
  | 'spanner.googleapis.com'
  | 'sqladmin.googleapis.com'
  | 'storage.googleapis.com'
  | 'workflows.googleapis.com';

/**
 * The API that serves each Terraform resource type (and data source type) the constructs create,
 * from the provider documentation's page of the type. A type missing here fails the construct that
 * creates it (`ProjectServices.use`), so a new service is never used without being enabled.
 * @see https://registry.terraform.io/providers/hashicorp/google/6.50.0/docs
 */
export const GOOGLE_API_OF_TYPE: Readonly<Record<string, GoogleApi>> = {
  // https://cloud.google.com/artifact-registry/docs/reference/rest
  google_artifact_registry_repository_iam_member: 'artifactregistry.googleapis.com',
  // https://cloud.google.com/backup-disaster-recovery/docs/reference/rest
  google_backup_dr_backup_plan: 'backupdr.googleapis.com',
  google_backup_dr_backup_plan_association: 'backupdr.googleapis.com',
  google_backup_dr_backup_vault: 'backupdr.googleapis.com',
  // https://cloud.google.com/certificate-manager/docs/reference/certificate-manager/rest
  google_certificate_manager_certificate: 'certificatemanager.googleapis.com',
  google_certificate_manager_certificate_map: 'certificatemanager.googleapis.com',
  google_certificate_manager_certificate_map_entry: 'certificatemanager.googleapis.com',
  google_certificate_manager_dns_authorization: 'certificatemanager.googleapis.com',
  // https://cloud.google.com/compute/docs/reference/rest/v1
  google_compute_address: 'compute.googleapis.com',
  google_compute_backend_service: 'compute.googleapis.com',
  google_compute_firewall: 'compute.googleapis.com',
  google_compute_forwarding_rule: 'compute.googleapis.com',
  google_compute_global_address: 'compute.googleapis.com',
  google_compute_global_forwarding_rule: 'compute.googleapis.com',
  google_compute_health_check: 'compute.googleapis.com',
  google_compute_instance_group_named_port: 'compute.googleapis.com',
  google_compute_instance_template: 'compute.googleapis.com',
  google_compute_managed_ssl_certificate: 'compute.googleapis.com',
  google_compute_network: 'compute.googleapis.com',
  google_compute_region_autoscaler: 'compute.googleapis.com',
  google_compute_region_backend_service: 'compute.googleapis.com',
  google_compute_region_health_check: 'compute.googleapis.com',
  google_compute_region_instance_group_manager: 'compute.googleapis.com',
  google_compute_region_network_endpoint_group: 'compute.googleapis.com',
  google_compute_region_ssl_policy: 'compute.googleapis.com',
  google_compute_region_target_https_proxy: 'compute.googleapis.com',
  google_compute_region_url_map: 'compute.googleapis.com',
  google_compute_resource_policy: 'compute.googleapis.com',
  google_compute_router: 'compute.googleapis.com',
  google_compute_router_nat: 'compute.googleapis.com',
  google_compute_security_policy: 'compute.googleapis.com',
  google_compute_ssl_policy: 'compute.googleapis.com',
  google_compute_subnetwork: 'compute.googleapis.com',
  google_compute_target_http_proxy: 'compute.googleapis.com',
  google_compute_target_https_proxy: 'compute.googleapis.com',
  google_compute_url_map: 'compute.googleapis.com',
  // https://cloud.google.com/kubernetes-engine/docs/reference/rest
  google_container_cluster: 'container.googleapis.com',
  google_container_node_pool: 'container.googleapis.com',
  // https://cloud.google.com/run/docs/reference/rest
  google_cloud_run_v2_service: 'run.googleapis.com',
  google_cloud_run_v2_service_iam_member: 'run.googleapis.com',
  // https://cloud.google.com/scheduler/docs/reference/rest
  google_cloud_scheduler_job: 'cloudscheduler.googleapis.com',
  // https://cloud.google.com/dns/docs/reference/rest/v1
  google_dns_record_set: 'dns.googleapis.com',
  // https://cloud.google.com/eventarc/docs/reference/rest
  google_eventarc_trigger: 'eventarc.googleapis.com',
  // https://cloud.google.com/kms/docs/reference/rest
  google_kms_crypto_key: 'cloudkms.googleapis.com',
  google_kms_crypto_key_iam_member: 'cloudkms.googleapis.com',
  google_kms_key_ring: 'cloudkms.googleapis.com',
  // https://cloud.google.com/logging/docs/reference/v2/rest
  google_logging_project_bucket_config: 'logging.googleapis.com',
  google_logging_project_cmek_settings: 'logging.googleapis.com',
  google_logging_metric: 'logging.googleapis.com',
  google_logging_project_sink: 'logging.googleapis.com',
  // https://cloud.google.com/monitoring/api/ref_v3/rest
  google_monitoring_alert_policy: 'monitoring.googleapis.com',
  google_monitoring_custom_service: 'monitoring.googleapis.com',
  google_monitoring_dashboard: 'monitoring.googleapis.com',
  google_monitoring_notification_channel: 'monitoring.googleapis.com',
  google_monitoring_slo: 'monitoring.googleapis.com',
  google_monitoring_uptime_check_config: 'monitoring.googleapis.com',
  // A project's IAM policy is read and written through Resource Manager (projects.setIamPolicy).
  // https://cloud.google.com/resource-manager/reference/rest/v3/projects/setIamPolicy
  google_project: 'cloudresourcemanager.googleapis.com',
  google_project_iam_audit_config: 'cloudresourcemanager.googleapis.com',
  google_project_iam_member: 'cloudresourcemanager.googleapis.com',
  // https://cloud.google.com/iam/docs/reference/rest/v1/projects.roles
  google_project_iam_custom_role: 'iam.googleapis.com',
  // https://cloud.google.com/pubsub/docs/reference/rest
  google_pubsub_topic: 'pubsub.googleapis.com',
  google_pubsub_subscription: 'pubsub.googleapis.com',
  google_pubsub_subscription_iam_member: 'pubsub.googleapis.com',
  google_pubsub_topic_iam_member: 'pubsub.googleapis.com',
  // https://cloud.google.com/secret-manager/docs/reference/rest
  google_secret_manager_secret: 'secretmanager.googleapis.com',
  google_secret_manager_secret_iam_member: 'secretmanager.googleapis.com',
  google_secret_manager_secret_version: 'secretmanager.googleapis.com',
  // https://cloud.google.com/iam/docs/reference/rest/v1/projects.serviceAccounts
  google_service_account: 'iam.googleapis.com',
  google_service_account_iam_member: 'iam.googleapis.com',
  // Private services access: https://cloud.google.com/vpc/docs/configure-private-services-access
  google_service_networking_connection: 'servicenetworking.googleapis.com',
  // https://cloud.google.com/spanner/docs/reference/rest
  google_spanner_backup_schedule: 'spanner.googleapis.com',
  google_spanner_database: 'spanner.googleapis.com',
  google_spanner_database_iam_member: 'spanner.googleapis.com',
  google_spanner_instance: 'spanner.googleapis.com',
  // https://cloud.google.com/sql/docs/postgres/admin-api
  google_sql_database_instance: 'sqladmin.googleapis.com',
  google_sql_user: 'sqladmin.googleapis.com',
  // https://cloud.google.com/storage/docs/json_api
  google_storage_bucket: 'storage.googleapis.com',
  google_storage_bucket_iam_member: 'storage.googleapis.com',
  google_storage_project_service_account: 'storage.googleapis.com',
  // https://cloud.google.com/workflows/docs/reference/rest
  google_workflows_workflow: 'workflows.googleapis.com',
};

/** How a service agent comes into existence. */
export enum ServiceAgentCreation {
  /** Google creates it when the API is enabled: depending on the enabled API is enough. */
  API_ENABLEMENT = 'API_ENABLEMENT',
  /**
   * Google creates it on first use only: it is created ahead of the grants with
   * `google_project_service_identity` (Service Usage `generateServiceIdentity`, google-beta provider).
   */
  SERVICE_IDENTITY = 'SERVICE_IDENTITY',
  /** Reading `google_storage_project_service_account` creates Cloud Storage's agent (GA provider). */
  STORAGE_DATA_SOURCE = 'STORAGE_DATA_SOURCE',
  /**
   * Reading the project's CMEK settings (`google_logging_project_cmek_settings`, Logging's
   * `getCmekSettings`) creates Cloud Logging's agent and returns its email (GA provider).
   * @see https://cloud.google.com/logging/docs/routing/managed-encryption-storage#before-you-begin
   */
  LOGGING_SETTINGS_DATA_SOURCE = 'LOGGING_SETTINGS_DATA_SOURCE',
}

/** A Google-managed service agent the constructs grant a key (or a topic) to. */
export interface GoogleServiceAgent {
  /** The API the agent belongs to. */
  readonly api: GoogleApi;
  /** Domain of its email, `service-PROJECT_NUMBER@<domain>`. */
  readonly domain: string;
  readonly creation: ServiceAgentCreation;
  /**
   * The role Google grants the agent on the project when it creates the agent itself. An agent
   * created on request gets no role, so it is granted here.
   * @see https://cloud.google.com/iam/docs/create-service-agents
   */
  readonly role?: string;
  /** Documentation of the agent and how the service uses it. */
  readonly source: string;
}

/**
 * The service agents the constructs grant keys and topics to.
 * @see https://cloud.google.com/iam/docs/service-agents
 */
export const GOOGLE_SERVICE_AGENTS = {
  /** Encrypts the fleets' boot disks (`RegionalFleet`). */
  COMPUTE: {
    api: 'compute.googleapis.com',
    domain: 'compute-system.iam.gserviceaccount.com',
    creation: ServiceAgentCreation.API_ENABLEMENT,
    source: 'https://cloud.google.com/compute/docs/access/service-accounts#compute_engine_service_agent',
  },
  /** Encrypts the clusters' Kubernetes secrets in etcd (`HaGkeCluster`). */
  KUBERNETES_ENGINE: {
    api: 'container.googleapis.com',
    domain: 'container-engine-robot.iam.gserviceaccount.com',
    creation: ServiceAgentCreation.API_ENABLEMENT,
    source: 'https://cloud.google.com/kubernetes-engine/docs/how-to/encrypting-secrets#grant_permission_to_use_the_key',
  },
  /** Decrypts the services' container images and data with their key (`HaCloudRunService`). */
  CLOUD_RUN: {
    api: 'run.googleapis.com',
    domain: 'serverless-robot-prod.iam.gserviceaccount.com',
    creation: ServiceAgentCreation.API_ENABLEMENT,
    source: 'https://cloud.google.com/run/docs/securing/using-cmek#grant-permission',
  },
  /** Encrypts the instances' disks and backups (`HaCloudSql`). */
  CLOUD_SQL: {
    api: 'sqladmin.googleapis.com',
    domain: 'gcp-sa-cloud-sql.iam.gserviceaccount.com',
    creation: ServiceAgentCreation.SERVICE_IDENTITY,
    role: 'roles/cloudsql.serviceAgent',
    source: 'https://cloud.google.com/sql/docs/postgres/configure-cmek#service-account',
  },
  /** Encrypts the secrets' replicas and publishes rotation events (`EncryptedSecret`). */
  SECRET_MANAGER: {
    api: 'secretmanager.googleapis.com',
    domain: 'gcp-sa-secretmanager.iam.gserviceaccount.com',
    creation: ServiceAgentCreation.SERVICE_IDENTITY,
    source: 'https://cloud.google.com/secret-manager/docs/cmek',
  },
  /** Encrypts the databases and their backups with a key per region (`HaSpanner`). */
  SPANNER: {
    api: 'spanner.googleapis.com',
    domain: 'gcp-sa-spanner.iam.gserviceaccount.com',
    creation: ServiceAgentCreation.SERVICE_IDENTITY,
    role: 'roles/spanner.serviceAgent',
    source: 'https://cloud.google.com/spanner/docs/use-cmek',
  },
  /** Encrypts the rotation topic's messages (`EncryptedSecret`). */
  PUBSUB: {
    api: 'pubsub.googleapis.com',
    domain: 'gcp-sa-pubsub.iam.gserviceaccount.com',
    creation: ServiceAgentCreation.SERVICE_IDENTITY,
    role: 'roles/pubsub.serviceAgent',
    source: 'https://cloud.google.com/pubsub/docs/encryption#using-cmek',
  },
  /** Encrypts the audit log bucket (`AuditTrail`). */
  CLOUD_LOGGING: {
    api: 'logging.googleapis.com',
    domain: 'gcp-sa-logging.iam.gserviceaccount.com',
    creation: ServiceAgentCreation.LOGGING_SETTINGS_DATA_SOURCE,
    source: 'https://cloud.google.com/logging/docs/routing/managed-encryption-storage',
  },
  /** Publishes alert notifications to a Pub/Sub channel's topic (`PagingChannels`). */
  MONITORING_NOTIFICATION: {
    api: 'monitoring.googleapis.com',
    domain: 'gcp-sa-monitoring-notification.iam.gserviceaccount.com',
    creation: ServiceAgentCreation.SERVICE_IDENTITY,
    source: 'https://cloud.google.com/monitoring/support/notification-options#pubsub',
  },
  /** Encrypts the runbooks' and drills' definitions and executions (`FailoverWorkflows`, `ZoneEvacuationDrill`). */
  WORKFLOWS: {
    api: 'workflows.googleapis.com',
    domain: 'gcp-sa-workflows.iam.gserviceaccount.com',
    creation: ServiceAgentCreation.SERVICE_IDENTITY,
    source: 'https://cloud.google.com/workflows/docs/use-cmek',
  },
  /** Encrypts the buckets' objects (`ReplicatedBucket`). */
  CLOUD_STORAGE: {
    api: 'storage.googleapis.com',
    domain: 'gs-project-accounts.iam.gserviceaccount.com',
    creation: ServiceAgentCreation.STORAGE_DATA_SOURCE,
    source: 'https://cloud.google.com/storage/docs/getting-service-agent',
  },
} as const satisfies Record<string, GoogleServiceAgent>;

/** The API of a Terraform type, or undefined for a type the table does not know. */
export function googleApiOfType(terraformType: string): GoogleApi | undefined {
  const known = Object.prototype.hasOwnProperty.call(GOOGLE_API_OF_TYPE, terraformType);
  return known ? GOOGLE_API_OF_TYPE[terraformType] : undefined;
}

/**
 * Whether a Terraform type grants a role (`google_*_iam_member`, `_iam_binding`, `_iam_policy`): a
 * grant is eventually consistent, so what uses it waits for it to propagate (`ProjectServices`).
 * @see https://cloud.google.com/iam/docs/access-change-propagation
 */
export function isIamGrantType(terraformType: string): boolean {
  return /^google_\w+_iam_(member|binding|policy)$/.test(terraformType);
}
