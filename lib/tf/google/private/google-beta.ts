import { TerraformProvider, TerraformResource, ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';

/*
 * The two google-beta blocks ProjectServices needs, bound by hand: `google_project_service_identity`
 * exists only in the google-beta provider in 6.x, and the prebuilt @cdktf/provider-google-beta
 * package (as large as the google one) would be a second optional peer for one resource of two
 * arguments. Terraform downloads the provider itself at `terraform init`, as it does google.
 */

/** Provider settings copied from the stack's google provider, so both act as the same caller. */
export interface GoogleBetaProviderConfig {
  readonly project?: string;
  readonly credentials?: string;
  readonly accessToken?: string;
  readonly impersonateServiceAccount?: string;
  readonly billingProject?: string;
  readonly userProjectOverride?: boolean;
}

/**
 * The `google-beta` provider, pinned to the google provider's release.
 * @see https://registry.terraform.io/providers/hashicorp/google-beta/6.50.0/docs
 */
export class GoogleBetaProvider extends TerraformProvider {
  constructor(
    scope: Construct,
    id: string,
    private readonly config: GoogleBetaProviderConfig,
    version: string,
  ) {
    super(scope, id, {
      terraformResourceType: 'google-beta',
      terraformGeneratorMetadata: { providerName: 'google-beta', providerVersion: version },
      terraformProviderSource: 'hashicorp/google-beta',
    });
  }

  protected override synthesizeAttributes(): Record<string, unknown> {
    return {
      project: this.config.project,
      credentials: this.config.credentials,
      access_token: this.config.accessToken,
      impersonate_service_account: this.config.impersonateServiceAccount,
      billing_project: this.config.billingProject,
      user_project_override: this.config.userProjectOverride,
    };
  }

  protected override synthesizeHclAttributes(): Record<string, unknown> {
    return Object.fromEntries(
      Object.entries(this.synthesizeAttributes()).map(([name, value]) => [
        name,
        {
          value,
          isBlock: false,
          type: 'simple',
          storageClassType: typeof value === 'boolean' ? 'boolean' : 'string',
        },
      ]),
    );
  }
}

/** What {@link ProjectServiceIdentity} takes. */
export interface ProjectServiceIdentityConfig {
  readonly project: string;
  /** The API whose primary service agent to create (`sqladmin.googleapis.com`). */
  readonly service: string;
  readonly provider: TerraformProvider;
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * `google_project_service_identity`: creates the API's primary service agent (Service Usage
 * `generateServiceIdentity`); destroying it is a no-op, the agent stays.
 * @see https://registry.terraform.io/providers/hashicorp/google-beta/6.50.0/docs/resources/project_service_identity
 */
export class ProjectServiceIdentity extends TerraformResource {
  constructor(
    scope: Construct,
    id: string,
    private readonly config: ProjectServiceIdentityConfig,
  ) {
    super(scope, id, {
      terraformResourceType: 'google_project_service_identity',
      terraformGeneratorMetadata: { providerName: 'google-beta' },
      provider: config.provider,
      dependsOn: config.dependsOn,
    });
  }

  protected override synthesizeAttributes(): Record<string, unknown> {
    return { project: this.config.project, service: this.config.service };
  }

  protected override synthesizeHclAttributes(): Record<string, unknown> {
    return Object.fromEntries(
      Object.entries(this.synthesizeAttributes()).map(([name, value]) => [
        name,
        {
          value,
          isBlock: false,
          type: 'simple',
          storageClassType: 'string',
        },
      ]),
    );
  }
}
