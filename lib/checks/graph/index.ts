export * from './cloudformation';
export * from './errors';
export * from './graph';
export * from './load';
export * from './metadata';
export * from './model';
export * from './terraform';
export * from './values';
