// CDK for Terraform constructs on @cdktf/provider-kubernetes (optional peer dependency): any cluster.
export * from './workload';
