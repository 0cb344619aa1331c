// CDK for Terraform constructs on @cdktf/provider-google (optional peer dependency).
export * from './bucket';
export * from './database';
export * from './fleet';
export * from './frontend';
export * from './ha-props';
export * from './metadata';
export * from './network';
export * from './secret';
export * from './slo';
export { AddHaChecksOptions, HA_ACKNOWLEDGED_KEY, TfAcknowledgedFinding, TfHaChecks, TfHaChecksResult, acknowledgeHaFinding, addHaChecks } from '../ha-checks';
