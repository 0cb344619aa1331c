// CDK for Terraform constructs on @cdktf/provider-google (optional peer dependency).
export {};
