// CDK for Terraform constructs on @cdktf/provider-google (optional peer dependency).
export * from './apis';
export * from './audit-trail';
export * from './backup';
export * from './bucket';
export * from './cloud-run';
export * from './dashboard';
export * from './database';
export * from './fleet';
export * from './frontend';
export * from './gke-cluster';
export * from './ha-props';
export * from './metadata';
export * from './network';
export * from './paging';
export * from './project-services';
export * from './region-switchover-drill';
export * from './regional-entry';
export * from './runbooks';
export * from './secret';
export * from './slo';
export * from './spanner';
export * from './zone-drill';
export {
  configureStateBackend,
  GcsStateBackend,
  S3StateBackend,
  STATE_BACKEND_CONTEXT,
  StateBackendOptions,
  stateBackendFromContext,
} from '../state-backend';
export {
  MinimumTerraformVersion,
  minimumTerraformVersion,
  requireTerraformVersion,
  TERRAFORM_BASELINE_VERSION,
  TERRAFORM_FEATURES,
  TerraformDocument,
  TerraformFeature,
} from '../terraform-version';
export {
  AddHaChecksOptions,
  HA_ACKNOWLEDGED_KEY,
  TfAcknowledgedFinding,
  TfHaChecks,
  TfHaChecksResult,
  acknowledgeHaFinding,
  addHaChecks,
} from '../ha-checks';
export { recordDrillMeasurement } from '../drill-measurement';
