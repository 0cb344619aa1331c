import { Annotations, TerraformResourceLifecycle } from 'cdktf';
import { IConstruct } from 'constructs';

/** Lifecycle of a resource that holds state: Terraform refuses to plan its destruction. */
export const PREVENT_DESTROY: TerraformResourceLifecycle = { preventDestroy: true };

/**
 * The lifecycle for a stateful resource given the construct's `preventDestroy` prop: kept by
 * default; loosened only when the prop says so, and then with a warning on the construct.
 */
export function statefulLifecycle(scope: IConstruct, component: string, preventDestroy: boolean | undefined): TerraformResourceLifecycle {
  if (preventDestroy === false) {
    Annotations.of(scope).addWarning(`[ha-constructs:${component}.preventDestroy] preventDestroy is false: \`terraform destroy\` and replacements will delete the data of ${scope.node.path}`);
    return { preventDestroy: false };
  }
  return PREVENT_DESTROY;
}

/** Warning with a stable id, in the form the AWS engine's `addWarningV2` ids take. */
export function warn(scope: IConstruct, id: string, message: string): void {
  Annotations.of(scope).addWarning(`[ha-constructs:${id}] ${message}`);
}
