// CDK for Terraform constructs on @cdktf/provider-kubernetes (optional peer dependency): any cluster.
export * from './node-port-service';
export * from './service-account';
export * from './storage-class';
export * from './workload';
