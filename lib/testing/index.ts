// The testing kit: helpers for users' own tests of stacks built with ha-constructs. It needs neither
// jest nor aws-cdk-lib at run time; cdktf is loaded only when a cdktf app or stack is given.
export * from './matchers';
export * from './snapshot';
export * from './synthesized';
