import { ITerraformDependable, TerraformProvider, TerraformResource } from 'cdktf';
import { Construct } from 'constructs';

/*
 * The two hashicorp/time blocks ProjectServices needs, bound by hand: no prebuilt cdktf binding of
 * the time provider is a dependency of this library, and a wait takes two arguments. Terraform
 * downloads the provider itself at `terraform init`.
 */

/**
 * Release of hashicorp/time the stacks pin (`required_providers`).
 * @see https://registry.terraform.io/providers/hashicorp/time/0.13.1/docs
 */
export const TIME_PROVIDER_VERSION = '0.13.1';

/** The `time` provider (no settings). */
export class TimeProvider extends TerraformProvider {
  constructor(scope: Construct, id: string) {
    super(scope, id, {
      terraformResourceType: 'time',
      terraformGeneratorMetadata: { providerName: 'time', providerVersion: TIME_PROVIDER_VERSION },
      terraformProviderSource: 'hashicorp/time',
    });
  }

  protected override synthesizeAttributes(): Record<string, unknown> {
    return {};
  }

  protected override synthesizeHclAttributes(): Record<string, unknown> {
    return {};
  }
}

/** What {@link TimeSleep} takes. */
export interface TimeSleepConfig {
  /** Seconds to wait after its dependencies are created. */
  readonly createSeconds: number;
  /** Values that, when one changes, replace the wait and so run it again. */
  readonly triggers: Record<string, string>;
  readonly provider: TerraformProvider;
  readonly dependsOn: ITerraformDependable[];
}

/**
 * `time_sleep`: waits `create_duration` once created, and again whenever a trigger changes.
 * @see https://registry.terraform.io/providers/hashicorp/time/0.13.1/docs/resources/sleep
 */
export class TimeSleep extends TerraformResource {
  constructor(
    scope: Construct,
    id: string,
    private readonly config: TimeSleepConfig,
  ) {
    super(scope, id, {
      terraformResourceType: 'time_sleep',
      terraformGeneratorMetadata: { providerName: 'time' },
      provider: config.provider,
      dependsOn: config.dependsOn,
    });
  }

  protected override synthesizeAttributes(): Record<string, unknown> {
    return { create_duration: `${this.config.createSeconds}s`, triggers: this.config.triggers };
  }

  protected override synthesizeHclAttributes(): Record<string, unknown> {
    return {
      create_duration: {
        value: `${this.config.createSeconds}s`,
        isBlock: false,
        type: 'simple',
        storageClassType: 'string',
      },
      triggers: { value: this.config.triggers, isBlock: false, type: 'map', storageClassType: 'stringMap' },
    };
  }
}
