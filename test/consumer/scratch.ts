import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

/** This repository: its node_modules stand in for the registry, so nothing is downloaded. */
export const ROOT = path.join(__dirname, '..', '..');
const NODE_MODULES = path.join(ROOT, 'node_modules');

/** The `cdk init app --language typescript` template of the aws-cdk CLI this repository pins. */
export const CDK_TEMPLATE = path.join(NODE_MODULES, 'aws-cdk', 'lib', 'init-templates', 'app', 'typescript');

/**
 * cdk.json's `app` for TypeScript 5.9, as the README gives it: tsc type-checks (what `cdk init`'s
 * `npx tsc && npx tsx ...` does), then ts-node runs the app without checking again.
 */
export const README_CDK_APP_COMMAND = 'npx tsc && npx ts-node --transpile-only bin/orders.ts';

/** What a child process did. */
export interface RunResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

/**
 * The environment of a user's shell: without the outer `npm test`'s npm_* settings (a nested npm
 * would take them as its own config), ts-node settings meant for this repository, Jest's worker
 * id, or this repository's node_modules/.bin.
 */
export function userEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^(npm_|TS_NODE_)/i.test(key) && key !== 'JEST_WORKER_ID' && key !== 'INIT_CWD') {
      env[key] = value;
    }
  }
  env.PATH = (process.env.PATH ?? '')
    .split(path.delimiter)
    .filter((dir) => !dir.startsWith(ROOT))
    .join(path.delimiter);
  // No update check (npm's or cdktf's): CI may have no network beyond the registry during npm ci.
  return { ...env, CHECKPOINT_DISABLE: '1', npm_config_update_notifier: 'false', NO_COLOR: '1', ...extra };
}

/** Runs a command to its end; never rejects, so that a test can show the output of a failure. */
export function run(
  command: string,
  args: readonly string[],
  cwd: string,
  env: NodeJS.ProcessEnv = userEnv(),
): Promise<RunResult> {
  const start = Date.now();
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', (e) => resolve({ code: null, stdout, stderr: `${stderr}${e.message}`, ms: Date.now() - start }));
    child.on('close', (code) => resolve({ code, stdout, stderr, ms: Date.now() - start }));
  });
}

/** Runs a command line through the shell, as the CDK and cdktf CLIs run the `app` of cdk.json and cdktf.json. */
export function runShell(commandLine: string, cwd: string, env?: NodeJS.ProcessEnv): Promise<RunResult> {
  return run('sh', ['-c', commandLine], cwd, env);
}

/** A failed run's output, for the message of a failing expectation. */
export function describeRun(name: string, result: RunResult): string {
  return (
    `${name} exited ${result.code} after ${result.ms} ms\n` +
    `--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`
  );
}

/** The README's fenced blocks of one language, in order. */
export function readmeBlocks(language: 'ts' | 'json' | 'sh'): string[] {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  return [...readme.matchAll(new RegExp(`^\`\`\`${language}\n([\\s\\S]*?)^\`\`\`$`, 'gm'))].map((m) => m[1]);
}

/** The README's ```json block that holds `key`, parsed. */
export function readmeJson(key: string): Record<string, unknown> {
  const block = readmeBlocks('json').find((b) => b.includes(`"${key}"`));
  if (block === undefined) {
    throw new Error(`README has no json block with "${key}"`);
  }
  return JSON.parse(block);
}

/**
 * A dependency spec that installs offline: a link to this repository's copy of the package.
 * npm links `file:` directories (install-links is false by default) and fetches nothing.
 */
function localSpec(name: string): string {
  const dir = path.join(NODE_MODULES, name);
  if (!fs.existsSync(path.join(dir, 'package.json'))) {
    throw new Error(`${name} is not in ${NODE_MODULES}: run npm ci`);
  }
  return `file:${dir}`;
}

function localSpecs(names: string[]): Record<string, string> {
  return Object.fromEntries(names.map((n) => [n, localSpec(n)]));
}

/** Placeholders `cdk init` fills in for an app named `orders`. */
function fillCdkPlaceholders(text: string): string {
  return text
    .replace(/%name\.PascalCased%/g, 'Orders')
    .replace(/%stackname%/g, 'OrdersStack')
    .replace(/%name%/g, 'orders')
    .replace(/%pm-cmd%/g, 'npm run');
}

/**
 * Writes the app `cdk init app --language typescript --generate-only` writes for `orders`: the
 * template's files with `.template` dropped from their names and the placeholders filled, and
 * cdk.json's `context` set to the CLI's recommended feature flags. The dependencies point at this
 * repository's copies; tsx (not installed here) gives way to ts-node, as the README says for
 * TypeScript 5.9. Returns cdk.json.
 */
export function writeCdkInitApp(dir: string, appCommand: string): { app: string; context: Record<string, unknown> } {
  copyTemplate(CDK_TEMPLATE, dir);
  const pkgFile = path.join(dir, 'package.json');
  const pkg = JSON.parse(fs.readFileSync(pkgFile, 'utf8'));
  for (const field of ['dependencies', 'devDependencies']) {
    const deps: Record<string, string> = {};
    for (const name of Object.keys(pkg[field] ?? {})) {
      if (name !== 'tsx') {
        deps[name] = localSpec(name);
      }
    }
    pkg[field] = deps;
  }
  pkg.devDependencies['ts-node'] = localSpec('ts-node');
  // The README's "Organisation guardrails" snippet runs the Control Tower controls with it.
  pkg.devDependencies['@cdklabs/cdk-validator-cfnguard'] = localSpec('@cdklabs/cdk-validator-cfnguard');
  fs.writeFileSync(pkgFile, `${JSON.stringify(pkg, null, 2)}\n`);

  const flags = path.join(path.dirname(path.dirname(CDK_TEMPLATE)), '.recommended-feature-flags.json');
  const cdkJsonFile = path.join(dir, 'cdk.json');
  const cdkJson = JSON.parse(fs.readFileSync(cdkJsonFile, 'utf8'));
  cdkJson.app = appCommand;
  cdkJson.context = JSON.parse(fs.readFileSync(flags, 'utf8'));
  fs.writeFileSync(cdkJsonFile, `${JSON.stringify(cdkJson, null, 2)}\n`);
  return cdkJson;
}

function copyTemplate(from: string, to: string): void {
  fs.mkdirSync(to, { recursive: true });
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    const name = fillCdkPlaceholders(entry.name.replace(/^\.template\./, '.').replace(/\.template\./, '.'));
    if (entry.isDirectory()) {
      copyTemplate(path.join(from, entry.name), path.join(to, name));
    } else {
      fs.writeFileSync(path.join(to, name), fillCdkPlaceholders(fs.readFileSync(path.join(from, entry.name), 'utf8')));
    }
  }
}

/**
 * Writes an empty cdktf app as the README's "Start from an empty cdktf app" does: its cdktf.json
 * and tsconfig.json, and a package.json with `cdktf`, `constructs`, both prebuilt providers,
 * TypeScript 5.9 and ts-node from this repository, and no aws-cdk-lib; with jest as "Test with
 * jest" adds it.
 */
export function writeCdktfApp(dir: string): void {
  fs.mkdirSync(dir, { recursive: true });
  const pkg = {
    name: 'catalog',
    version: '1.0.0',
    private: true,
    dependencies: localSpecs([
      'cdktf',
      'constructs',
      '@cdktf/provider-aws',
      '@cdktf/provider-google',
      '@cdktf/provider-kubernetes',
    ]),
    devDependencies: localSpecs([
      '@types/node',
      'typescript',
      'ts-node',
      'jest',
      '@swc/core',
      '@swc/jest',
      '@types/jest',
    ]),
  };
  fs.writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
  fs.writeFileSync(path.join(dir, 'cdktf.json'), `${JSON.stringify(readmeJson('terraformProviders'), null, 2)}\n`);
  fs.writeFileSync(path.join(dir, 'tsconfig.json'), `${JSON.stringify(readmeJson('compilerOptions'), null, 2)}\n`);
  // The README's "Test with jest": the cdk init app's jest.config.js without the aws-cdk-lib setup file.
  const jestConfig = fs
    .readFileSync(path.join(CDK_TEMPLATE, 'jest.config.js'), 'utf8')
    .replace(/\n\s*setupFilesAfterEnv: \[[^\]]*\],?/, '');
  fs.writeFileSync(path.join(dir, 'jest.config.js'), jestConfig);
}
