// The testing kit: helpers for users' own tests of stacks built with ha-constructs. Pure
// TypeScript over synthesized JSON, so it needs neither jest nor aws-cdk-lib nor cdktf.
export * from './snapshot';
