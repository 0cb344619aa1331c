import { TerraformResourceLifecycle } from 'cdktf';
import { IConstruct } from 'constructs';
import { warn } from '../../diagnostics';

/** Lifecycle of a resource that holds state: Terraform refuses to plan its destruction. */
export const PREVENT_DESTROY: TerraformResourceLifecycle = { preventDestroy: true };

/**
 * The lifecycle for a stateful resource given the construct's `preventDestroy` prop: kept by
 * default; loosened only when the prop says so, and then with a warning on the construct.
 */
export function statefulLifecycle(
  scope: IConstruct,
  component: string,
  preventDestroy: boolean | undefined,
): TerraformResourceLifecycle {
  if (preventDestroy === false) {
    warn(
      scope,
      `${component}.preventDestroy`,
      `preventDestroy is false: \`terraform destroy\` and replacements will delete the data of ${scope.node.path}`,
    );
    return { preventDestroy: false };
  }
  return PREVENT_DESTROY;
}

export { warn };
