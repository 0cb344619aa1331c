import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

/**
 * The import graph of lib/checks, read with the TypeScript API (imports and re-exports, type-only
 * ones included): the rules read the graph and the shared model, never the report that runs them,
 * and no module reaches itself through its imports.
 */
const ROOT = path.join(__dirname, '..', '..', 'lib', 'checks');

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory()
      ? sources(full)
      : entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')
        ? [full]
        : [];
  });
}

/** `report`, `rules/dr/CrossRegionReplica`: a file's path under lib/checks, without `.ts`. */
function id(file: string): string {
  return path.relative(ROOT, file).replace(/\\/g, '/').replace(/\.ts$/, '');
}

function resolve(from: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) {
    return undefined;
  }
  const base = path.resolve(path.dirname(from), specifier);
  const file = [`${base}.ts`, path.join(base, 'index.ts')].find((candidate) => fs.existsSync(candidate));
  return file && file.startsWith(ROOT + path.sep) ? id(file) : undefined;
}

const IMPORTS = new Map<string, string[]>(
  sources(ROOT).map((file) => {
    const info = ts.preProcessFile(fs.readFileSync(file, 'utf8'), true, false);
    const targets = info.importedFiles
      .map((f) => resolve(file, f.fileName))
      .filter((t): t is string => t !== undefined);
    return [id(file), [...new Set(targets)]];
  }),
);

const isRule = (module: string) => module.startsWith('rules/');
const isReport = (module: string) => module === 'report' || module.startsWith('report/');

describe('imports of lib/checks', () => {
  test('THEN the walk sees the modules it is about', () => {
    expect([...IMPORTS.keys()]).toEqual(
      expect.arrayContaining([
        'report',
        'recovery',
        'plugin',
        'model',
        'rules/rule',
        'rules/support',
        'report/region-rto',
        'graph/stores',
      ]),
    );
  });

  test('THEN no rule imports the report, recovery, the plugin or the modules that run the rules', () => {
    const forbidden = (target: string) =>
      isReport(target) || ['recovery', 'plugin', 'check', 'cli', 'format', 'index'].includes(target);
    const offending = [...IMPORTS]
      .filter(([module]) => isRule(module))
      .flatMap(([module, targets]) => targets.filter(forbidden).map((t) => `${module} -> ${t}`));
    expect(offending).toEqual([]);
  });

  test('THEN the report and recovery import nothing from rules/', () => {
    const offending = [...IMPORTS]
      .filter(([module]) => isReport(module) || module === 'recovery')
      .flatMap(([module, targets]) => targets.filter(isRule).map((t) => `${module} -> ${t}`));
    expect(offending).toEqual([]);
  });

  test('THEN the shared model imports nothing of the checks', () => {
    expect(IMPORTS.get('model')).toEqual([]);
  });

  test('THEN no module of lib/checks imports itself through others (no import circle)', () => {
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const visit = (module: string, trail: string[]) => {
      if (state.get(module) === 'done') {
        return;
      }
      if (state.get(module) === 'open') {
        cycles.push([...trail.slice(trail.indexOf(module)), module].join(' -> '));
        return;
      }
      state.set(module, 'open');
      for (const target of IMPORTS.get(module) ?? []) {
        visit(target, [...trail, module]);
      }
      state.set(module, 'done');
    };
    for (const module of [...IMPORTS.keys()].sort()) {
      visit(module, []);
    }
    expect(cycles).toEqual([]);
  });
});
