import { HaValidationError } from '../../../core/errors';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { TerraformStack, Token } from 'cdktf';
import { IConstruct } from 'constructs';

/**
 * The region resources are created in: the given provider's `region`, else the stack's alias-less
 * AWS provider's; undefined when neither is known at synthesis (a token, or no region set), in
 * which case the placement checks that need it are skipped.
 */
export function regionOf(scope: IConstruct, provider?: AwsProvider): string | undefined {
  const chosen =
    provider ??
    TerraformStack.of(scope)
      .node.findAll()
      .find((c): c is AwsProvider => c instanceof AwsProvider && c.alias === undefined);
  const region = chosen?.region;
  return region === undefined || Token.isUnresolved(region) ? undefined : region;
}

/** The region of a provider that must name one (replica and secondary providers). */
export function requireRegion(prop: string, provider: AwsProvider): string | undefined {
  const region = provider.region;
  if (region === undefined) {
    throw new HaValidationError(
      `${prop} must set a region, got: a provider without one (alias ${provider.alias ?? 'none'})`,
    );
  }
  return Token.isUnresolved(region) ? undefined : region;
}

/** Keeps the literal values of a list (tokens are checked by Terraform at plan time instead). */
export function literals(values: readonly string[]): string[] {
  return values.filter((v) => !Token.isUnresolved(v));
}

/**
 * The alias of a replica provider: the name its construct ids are built from, so that adding,
 * removing or reordering replica providers never moves another replica's key to a new address.
 */
export function replicaAlias(provider: AwsProvider): string {
  const alias = provider.alias;
  if (alias === undefined || Token.isUnresolved(alias)) {
    throw new HaValidationError(
      `replicaProviders must each have a literal alias (it names the replica's resources), got: a provider without one (region ${provider.region ?? 'unset'})`,
    );
  }
  return alias;
}
