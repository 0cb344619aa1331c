// CDK for Terraform constructs on @cdktf/provider-aws (optional peer dependency).
export {};
