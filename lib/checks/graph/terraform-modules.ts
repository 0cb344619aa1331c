import * as fs from 'fs';
import * as path from 'path';
import type { UnreadInput } from '../model';
import { isDirectory, readable, readJson } from './files';
import { labelledBlocks } from './terraform-json';
import { TerraformDocument, TerraformModuleInput } from './terraform-model';
import { isObject } from './values';

/*
 * The modules a Terraform JSON configuration calls. A local source (`./modules/db`, Terraform's
 * rule: it starts with ./ or ../) is read from the directory beside the file; any other source
 * (the registry, git, a URL) is not fetched, and is listed as not read so the report says so.
 */

/** Modules read, and those that could not be, with the reason. */
export interface CalledModules {
  readonly modules: TerraformModuleInput[];
  readonly unread: UnreadInput[];
}

const LOCAL_SOURCE = /^\.\.?[\\/]/;
/** `namespace/name/provider`, optionally after a registry's host name (not GitHub's or Bitbucket's shorthand). */
const REGISTRY_SOURCE = /^(?!github\.com\/|bitbucket\.org\/)(?:[\w-]+(?:\.[\w-]+)+\/)?[\w-]+\/[\w-]+\/[\w-]+$/;
const MAX_DEPTH = 20;

/** What to pass instead for a module ha-report cannot read from Terraform JSON. */
const PASS_A_PLAN = "pass terraform show -json of a plan instead, which holds every module's resources";

/**
 * Follows the `module` blocks of a module's `documents` (the root module's, in `directory`),
 * recursively: their `.tf.json` files by module address (`module.db`, `module.app.module.db`).
 */
export function readCalledModules(
  documents: readonly TerraformDocument[],
  directory: string,
  stack: string,
): CalledModules {
  const called: CalledModules = { modules: [], unread: [] };
  follow(documents, path.resolve(directory), '', stack, [path.resolve(directory)], called);
  return called;
}

/** Follows the module blocks of the module at `caller` (its `documents`, in `directory`, below those of `chain`). */
function follow(
  documents: readonly TerraformDocument[],
  directory: string,
  caller: string,
  stack: string,
  chain: string[],
  into: CalledModules,
): void {
  for (const { json } of documents) {
    for (const {
      labels: [name],
      body,
    } of labelledBlocks(isObject(json) ? json.module : undefined, 1)) {
      const address = `${caller === '' ? '' : `${caller}.`}module.${name}`;
      const source = typeof body.source === 'string' ? body.source : undefined;
      const version = typeof body.version === 'string' ? ` ${body.version}` : '';
      const what = `${address} (${source ?? 'no source'}${version})`;
      const unread = (why: string) => into.unread.push({ stack, what, why });
      if (source === undefined) {
        unread('the module block names no source');
        continue;
      }
      if (!LOCAL_SOURCE.test(source)) {
        unread(`a ${REGISTRY_SOURCE.test(source) ? 'registry' : 'remote'} module is not fetched: ${PASS_A_PLAN}`);
        continue;
      }
      const moduleDirectory = path.resolve(directory, source);
      if (!isDirectory(moduleDirectory)) {
        unread(`there is no directory ${source} beside the module that calls it: ${PASS_A_PLAN}`);
        continue;
      }
      if (chain.includes(moduleDirectory) || chain.length > MAX_DEPTH) {
        unread('the module calls itself, which Terraform refuses');
        continue;
      }
      const names = readable(moduleDirectory, () => fs.readdirSync(moduleDirectory)).sort();
      const hcl = names.filter((n) => n.endsWith('.tf'));
      if (hcl.length > 0) {
        unread(
          `${hcl.join(', ')} in ${source} ${hcl.length === 1 ? 'is' : 'are'} HCL, which ha-report does not read: ` +
            `convert ${hcl.length === 1 ? 'it' : 'them'} to .tf.json, or ${PASS_A_PLAN}`,
        );
      }
      const moduleDocuments = names
        .filter((n) => n.endsWith('.tf.json'))
        .map((n) => ({ json: readJson(path.join(moduleDirectory, n)), file: path.join(moduleDirectory, n) }));
      if (moduleDocuments.length === 0) {
        if (hcl.length === 0) {
          unread(`${source} holds no .tf.json file`);
        }
        continue;
      }
      into.modules.push({ address, documents: moduleDocuments });
      follow(moduleDocuments, moduleDirectory, address, stack, [...chain, moduleDirectory], into);
    }
  }
}
