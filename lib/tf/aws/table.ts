/**
 * The Terraform `GlobalTable` moved to `global-table.ts`, the CDK engine's file name.
 * @deprecated import from `lib/tf/aws/global-table` (or the package's `tf/aws` entry point)
 */
export * from './global-table';
