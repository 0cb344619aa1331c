import * as fs from 'fs';
import { parseCloudFormationYaml } from './cloudformation-yaml';
import { HaInputError } from './errors';

/*
 * Reading input files, every failure reported as input that cannot be checked ({@link HaInputError},
 * exit 2) with the file named, never as a crash.
 */

/** Runs a file-system call on `target`; a failure (permissions, not a directory) is input that cannot be read. */
export function readable<T>(target: string, call: () => T): T {
  try {
    return call();
  } catch (e) {
    throw new HaInputError(`cannot read ${target}: ${(e as Error).message}`);
  }
}

/** The parsed content of a JSON file. */
export function readJson(file: string): unknown {
  const text = readable(file, () => fs.readFileSync(file, 'utf8'));
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new HaInputError(`${file} is not valid JSON: ${(e as Error).message}`);
  }
}

/** Whether `target` exists and is a directory. */
export function isDirectory(target: string): boolean {
  return fs.existsSync(target) && readable(target, () => fs.statSync(target)).isDirectory();
}

/**
 * The parsed content of a template file, by its extension: `.yaml`/`.yml` as CloudFormation YAML
 * (short-form intrinsics included), `.template` as JSON when it starts with `{`, else as YAML,
 * anything else as JSON.
 */
export function readTemplate(file: string): unknown {
  if (/\.ya?ml$/i.test(file)) {
    return parseCloudFormationYaml(
      readable(file, () => fs.readFileSync(file, 'utf8')),
      file,
    );
  }
  if (/\.template$/i.test(file)) {
    const text = readable(file, () => fs.readFileSync(file, 'utf8'));
    return text.trimStart().startsWith('{') ? readJson(file) : parseCloudFormationYaml(text, file);
  }
  return readJson(file);
}
