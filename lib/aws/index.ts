export * from './ha-props';
export * from './metadata';
export * from './network';
export * from './fleet';
export { DeploymentFreeze } from './fleet-deployment';
export * from './global-table';
export * from './bucket';
export * from './file-system';
export * from './backup';
