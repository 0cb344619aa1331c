// CDK for Terraform constructs on @cdktf/provider-aws (optional peer dependency).
export * from './audit-trail';
export * from './canary';
export * from './global-database';
export * from './dns';
export * from './drill';
export * from './fleet';
export * from './fleet-protection';
export * from './ha-props';
export * from './network';
export * from './secret';
export * from './slo';
export * from './global-table';
export * from './runbooks';
export { AttachHaMetadataOptions, attachHaMetadata } from './private/metadata';
export { AddHaChecksOptions, HA_ACKNOWLEDGED_KEY, TfAcknowledgedFinding, TfHaChecks, TfHaChecksResult, acknowledgeHaFinding, addHaChecks } from '../ha-checks';
export { recordDrillMeasurement } from '../drill-measurement';
