export * from './core';
export * from './aws';
// The CDK validation plugin, for `Validations.of(app).addPlugins(new HaChecks())` with one import.
// plugin.ts needs aws-cdk-lib only as types and imports nothing of cdktf, so the root stays cdktf-free.
export { ConstructAcknowledgedFinding, HaChecks, HaChecksProps, HaChecksResult } from './checks/plugin';
