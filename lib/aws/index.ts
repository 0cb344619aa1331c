export * from './ha-props';
export * from './metadata';
export * from './network';
export * from './fleet';
export { DeploymentFreeze } from './fleet-deployment';
