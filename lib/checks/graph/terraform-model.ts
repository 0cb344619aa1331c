import { JsonObject } from './values';

/*
 * What a Terraform input declares, before it becomes graph resources: the shape both readers
 * (Terraform JSON, `terraform show -json` output) produce.
 */

/** What one Terraform input declares, before it becomes graph resources. */
export interface DeclaredStack {
  /** Region of the default provider configuration (AWS, else Google). */
  readonly region?: string;
  /** Findings accepted for the whole stack (cdktf's top-level `//` block). */
  readonly acknowledged?: Record<string, string>;
  readonly resources: readonly DeclaredResource[];
}

/** A managed resource or data source as a Terraform input declares it. */
export interface DeclaredResource {
  /** Address in its stack, module path included: `aws_db_instance.main`, `module.db.aws_db_instance.main`. */
  readonly address: string;
  readonly type: string;
  /** Its arguments (Terraform JSON, cdktf's metadata under `//`) or its values (a plan or a state). */
  readonly body: JsonObject;
  readonly isData: boolean;
  readonly region?: string;
  /** Addresses of the resources of the same stack it refers to. */
  readonly references: readonly string[];
  /**
   * Whether its `lifecycle` block is known: a plan or a state records none.
   * @default true
   */
  readonly lifecycleKnown?: boolean;
}

/** One Terraform JSON file: its parsed content and where it was read from. */
export interface TerraformDocument {
  readonly json: unknown;
  readonly file?: string;
}

/** A module a Terraform JSON configuration calls, read from its local source. */
export interface TerraformModuleInput {
  /** Its address in the stack: `module.db`, `module.app.module.db`. */
  readonly address: string;
  /** Its `.tf.json` files, read together as Terraform reads a module's directory. */
  readonly documents: readonly TerraformDocument[];
}
