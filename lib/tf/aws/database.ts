/**
 * The Terraform GlobalDatabase moved to `./global-database` (the name of its CDK twin's file); this
 * module keeps deep imports of `lib/tf/aws/database` working.
 * @deprecated import from `lib/tf/aws` or `lib/tf/aws/global-database`
 */
export * from './global-database';
