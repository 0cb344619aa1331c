import * as fs from 'fs';
import * as path from 'path';
import type { CloudFormationStackInput } from './graph/cloudformation';
import type { GraphInputs } from './graph/inputs';
import type { TerraformStackInput } from './graph/terraform';
import type { TerraformDocument } from './graph/terraform-model';
import { isTerraformShowJson } from './graph/terraform-plan';
import { isObject } from './graph/values';
import { KeyLines } from './key-lines';

/*
 * Where a finding's resource is declared in the files the inputs were read from, so that a report
 * read by a code-review tool (SARIF) can point at the line: the stack's template, or the module's
 * file that declares a Terraform resource, and the line of its logical id or name.
 */

/** Where a stack's resource is declared. */
export interface SourceLocation {
  /** The file, as the inputs name it: relative to the current directory, or absolute. */
  readonly file: string;
  /**
   * The 1-based line of its logical id (CloudFormation), its name under its type (Terraform JSON)
   * or its address (a plan); absent when not found.
   */
  readonly line?: number;
}

/** Where to look for the resources of one stack. */
type StackFiles =
  | { readonly kind: 'cloudformation'; readonly file: string }
  | { readonly kind: 'plan'; readonly file: string }
  | TerraformFiles;

/** A Terraform configuration's root files, and each local module's files by its address (`module.app.module.db`). */
interface TerraformFiles {
  readonly kind: 'terraform';
  readonly files: readonly string[];
  readonly modules: ReadonlyMap<string, readonly string[]>;
}

/** Finds where the resources of the stacks of some inputs are declared, reading each file again once, when asked. */
export class SourceLocator {
  /** A locator for the stacks `inputs` hold that were read from files (in-memory templates have no location). */
  public static of(inputs: GraphInputs): SourceLocator {
    const stacks = new Map<string, StackFiles>();
    for (const input of inputs.cloudFormation ?? []) {
      if (input.file !== undefined) {
        const root = { directory: path.dirname(input.file), readNested: input.readNested };
        addCloudFormation(stacks, input.name, input.file, input.template, root);
      }
    }
    for (const input of inputs.terraform ?? []) {
      const files = terraformFiles(input);
      if (files !== undefined) {
        stacks.set(input.name, files);
      }
    }
    return new SourceLocator(stacks);
  }

  private readonly lines = new Map<string, KeyLines | undefined>();

  private constructor(private readonly stacks: ReadonlyMap<string, StackFiles>) {}

  /**
   * Where `resource` of `stack` is declared: its file and line; the file alone when the line cannot be
   * found or the finding is about a whole service (`service:<name>`); undefined for a stack of no file.
   */
  public locate(stack: string, resource: string): SourceLocation | undefined {
    const files = this.stacks.get(stack);
    if (files === undefined) {
      return undefined;
    }
    if (resource.startsWith('service:')) {
      return { file: files.kind === 'terraform' ? files.files[0] : files.file };
    }
    if (files.kind === 'cloudformation') {
      return this.find(files.file, (lines) => lines.line(['Resources', resource]));
    }
    if (files.kind === 'plan') {
      return this.find(files.file, (lines) => lines.lineOfValue('address', resource));
    }
    return this.findTerraform(files, resource);
  }

  /** A Terraform resource in the files of its module (the root's when the module was not read). */
  private findTerraform(files: TerraformFiles, address: string): SourceLocation {
    const declared = terraformAddress(address);
    if (declared === undefined) {
      return { file: files.files[0] };
    }
    const candidates = files.modules.get(declared.module) ?? files.files;
    for (const file of candidates) {
      const found = this.find(file, (lines) => lines.line(declared.keys));
      if (found.line !== undefined) {
        return found;
      }
    }
    return { file: candidates[0] };
  }

  /** `file`, and the line `line` finds in it when the file can still be read. */
  private find(file: string, line: (lines: KeyLines) => number | undefined): SourceLocation {
    if (!this.lines.has(file)) {
      this.lines.set(
        file,
        readOrUndefined(() => KeyLines.of(fs.readFileSync(file, 'utf8'))),
      );
    }
    const lines = this.lines.get(file);
    const found = lines === undefined ? undefined : line(lines);
    return found === undefined ? { file } : { file, line: found };
  }
}

/** The directory of a root template, where its nested stacks' files are, and what reads them. */
interface RootTemplate {
  readonly directory: string;
  readonly readNested?: CloudFormationStackInput['readNested'];
}

/** A template and, recursively, the nested stacks it creates (`aws:asset:path`), as the reader follows them. */
function addCloudFormation(
  stacks: Map<string, StackFiles>,
  name: string,
  file: string,
  template: unknown,
  root: RootTemplate,
): void {
  stacks.set(name, { kind: 'cloudformation', file });
  const resources = isObject(template) && isObject(template.Resources) ? template.Resources : {};
  for (const [logicalId, resource] of Object.entries(resources)) {
    const nested =
      isObject(resource) && resource.Type === 'AWS::CloudFormation::Stack' && isObject(resource.Metadata)
        ? resource.Metadata['aws:asset:path']
        : undefined;
    const readNested = root.readNested;
    if (typeof nested === 'string' && readNested !== undefined) {
      const nestedTemplate = readOrUndefined(() => readNested(nested));
      addCloudFormation(stacks, `${name}/${logicalId}`, path.join(root.directory, nested), nestedTemplate, root);
    }
  }
}

/** The files of a Terraform stack: a plan's one file, or a configuration's root files and each module's. */
function terraformFiles(input: TerraformStackInput): StackFiles | undefined {
  if (input.file === undefined) {
    return undefined;
  }
  if (isTerraformShowJson(input.json)) {
    return { kind: 'plan', file: input.file };
  }
  const filesOf = (documents: readonly TerraformDocument[]) => documents.flatMap((d) => d.file ?? []);
  const modules = (input.modules ?? [])
    .map((m) => [m.address, filesOf(m.documents)] as const)
    .filter(([, files]) => files.length > 0);
  return { kind: 'terraform', files: [input.file, ...filesOf(input.otherFiles ?? [])], modules: new Map(modules) };
}

/** Module calls at the start of an address, each with an optional instance key: `module.app[0].module.db.`. */
const MODULE_PREFIX = /^((?:module\.[^.[]+(?:\[[^\]]*\])?\.)*)(.+)$/;

/**
 * The module (`module.app.module.db`, instance keys removed; `''` for the root) and the key path
 * (`resource`/`data`, type, name) that declare a Terraform address in Terraform JSON.
 */
function terraformAddress(address: string): { module: string; keys: readonly string[] } | undefined {
  const [, prefix, local] = MODULE_PREFIX.exec(address) ?? [];
  const parts = (local ?? '').replace(/\[[^\]]*\]$/, '').split('.');
  const [block, type, name] = parts[0] === 'data' ? parts : ['resource', ...parts];
  if (parts.length !== (block === 'data' ? 3 : 2) || !type || !name) {
    return undefined;
  }
  return { module: (prefix ?? '').replace(/\[[^\]]*\]/g, '').replace(/\.$/, ''), keys: [block, type, name] };
}

/** What `read` returns, or undefined when it throws: a location is best effort, never a reason to fail the report. */
function readOrUndefined<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}
