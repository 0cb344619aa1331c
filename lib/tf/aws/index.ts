// CDK for Terraform constructs on @cdktf/provider-aws (optional peer dependency).
export * from './audit-trail';
export * from './canary';
export * from './global-database';
export * from './dns';
export * from './drill';
export { DrillImpairedAlarm, GrayFailureDrillProps, GrayFailureVerdict } from './gray-failure-drill';
export * from './eks-cluster';
export * from './fleet';
export * from './function';
export * from './fleet-protection';
export * from './image-repository';
export * from './service';
export * from './ha-props';
export * from './network';
export * from './secret';
export * from './slo';
export * from './global-table';
export * from './runbooks';
export { AttachHaMetadataOptions, attachHaMetadata } from './private/metadata';
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

// Shared with the Google engine: a Terraform stack's state backend and the Terraform version it needs.
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
