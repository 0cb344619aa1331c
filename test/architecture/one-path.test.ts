import * as fs from 'fs';
import * as path from 'path';
import { HaValidationError } from '../../lib/core';
import { requireInteger } from '../../lib/core/numbers';

/**
 * The planner issue's drifts that are conventions, kept by scanning the engines' sources
 * (docs/ARCHITECTURE.md, "Errors and warnings"): one error class (core's `HaValidationError`, which
 * the CDK engine's `validationError` marks), one warning path (`ha-constructs:<Construct>.<id>`:
 * `addWarningV2` on CDK, `warn`/`emitWarnings` of `lib/tf/diagnostics.ts` on cdktf) and one integer
 * check (core's `requireInteger`: the engines once wrote their own `requireCount` three times).
 */

const ROOT = path.join(__dirname, '..', '..');

/** Every TypeScript source of a directory of lib/, as `[path relative to the root, text]`. */
function sources(dir: string): [string, string][] {
  const found: [string, string][] = [];
  const walk = (relative: string) => {
    for (const entry of fs.readdirSync(path.join(ROOT, relative), { withFileTypes: true })) {
      const child = path.posix.join(relative, entry.name);
      if (entry.isDirectory()) {
        walk(child);
      } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) {
        found.push([child, fs.readFileSync(path.join(ROOT, child), 'utf8')]);
      }
    }
  };
  walk(dir);
  return found;
}

/** `file:line: text` of every line of `files` matching `pattern`. */
function linesMatching(files: [string, string][], pattern: RegExp): string[] {
  return files.flatMap(([file, text]) =>
    text
      .split('\n')
      .map((line, i) => [line, i] as const)
      .filter(([line]) => pattern.test(line))
      .map(([line, i]) => `${file}:${i + 1}: ${line.trim()}`),
  );
}

const AWS = sources('lib/aws');
const TF = sources('lib/tf');

/** Source that runs elsewhere (a Lambda handler held in a string), not in the engine. */
// Lambda handler code shipped as text: its errors fail an invocation, not a synthesis.
const HANDLER_SOURCES = new Set([
  'lib/tf/aws/private/rotation.ts',
  'lib/aws/private/jwt-verifier.ts',
  'lib/aws/private/jwks-copy-refresher.ts',
]);

test('one error class: no engine throws a plain Error, RangeError or TypeError for bad input', () => {
  const engines = [...AWS, ...TF].filter(([file]) => !HANDLER_SOURCES.has(file));
  expect(linesMatching(engines, /throw new (Error|RangeError|TypeError)\(/)).toEqual([]);
  // The CDK engine builds aws-cdk-lib's ValidationError in one place, where it is marked as core's.
  const cdkErrors = linesMatching(AWS, /new (Unscoped)?ValidationError\(/);
  expect(cdkErrors.map((line) => line.split(':')[0])).toEqual(['lib/aws/private/errors.ts']);
});

test('one warning path: CDK warnings are addWarningV2 under ha-constructs ids, cdktf ones go through warn', () => {
  expect(linesMatching(AWS, /\.addWarning\(/)).toEqual([]);
  const v2 = AWS.flatMap(([file, text]) =>
    [...text.matchAll(/addWarningV2\(\s*([`'"])([^`'"]*)/g)].map((m) => `${file}: ${m[2]}`),
  );
  expect(v2.length).toBeGreaterThan(5);
  expect(v2.filter((id) => !/: ha-constructs:/.test(id))).toEqual([]);
  // cdktf: only the diagnostics module annotates (and the checks, which report findings, not construct warnings).
  const annotating = linesMatching(TF, /Annotations\.of\(/).map((line) => line.split(':')[0]);
  expect([...new Set(annotating)].sort()).toEqual(['lib/tf/diagnostics.ts', 'lib/tf/ha-checks.ts']);
});

test("one integer check: no engine defines its own, they call core's requireInteger", () => {
  expect(linesMatching([...AWS, ...TF], /function require(Count|Integer)\b/)).toEqual([]);
});

test('the one integer check names the prop and the range, as the Google engine wrote it, and carries the prop', () => {
  expect(() => requireInteger('port', 70000, 1, 65535)).toThrow('port must be an integer from 1 to 65535, got: 70000');
  expect(() => requireInteger('days', 0, 1)).toThrow('days must be an integer of at least 1, got: 0');
  let error: unknown;
  try {
    requireInteger('wafSensitivity', 5, 1, 4);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(HaValidationError);
  expect(error).toMatchObject({ prop: 'wafSensitivity' });
  expect(() => requireInteger('wafSensitivity', 4, 1, 4)).not.toThrow();
});
