export * from './ha-props';
export * from './metadata';
export * from './network';
