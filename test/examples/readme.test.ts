import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

const ROOT = path.join(__dirname, '..', '..');

/** The README's ```ts blocks, in order. */
function readmeSnippets(): string[] {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  return [...readme.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((m) => m[1]);
}

/**
 * Type-checks each snippet as a module of its own, as a user's file would be, with `ha-constructs`
 * and `ha-constructs/*` resolved to this repository's `lib/` (what the package's `exports` map to).
 */
function compileErrors(snippets: string[]): string[] {
  const config = ts.readConfigFile(path.join(ROOT, 'tsconfig.json'), ts.sys.readFile);
  const { options } = ts.parseJsonConfigFileContent(config.config, ts.sys, ROOT);
  const compilerOptions: ts.CompilerOptions = {
    ...options,
    noEmit: true,
    baseUrl: ROOT,
    paths: { 'ha-constructs': ['lib'], 'ha-constructs/*': ['lib/*'] },
  };
  const files = new Map(snippets.map((source, i) => [path.join(ROOT, `readme-snippet-${i + 1}.ts`), source]));
  const host = ts.createCompilerHost(compilerOptions);
  const readFile = host.readFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  const getSourceFile = host.getSourceFile.bind(host);
  host.readFile = (name) => files.get(name) ?? readFile(name);
  host.fileExists = (name) => files.has(name) || fileExists(name);
  host.getSourceFile = (name, language, onError) => {
    const source = files.get(name);
    return source !== undefined ? ts.createSourceFile(name, source, language) : getSourceFile(name, language, onError);
  };
  const program = ts.createProgram([...files.keys()], compilerOptions, host);
  // Diagnostics of the snippets only: lib/ is type-checked by `tsc --noEmit`, and checking it again here would double the time.
  const diagnostics = [...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics()];
  for (const name of files.keys()) {
    const file = program.getSourceFile(name);
    diagnostics.push(...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file));
  }
  return diagnostics.map((d) => {
    const where =
      d.file && d.start !== undefined
        ? `${path.basename(d.file.fileName)}:${d.file.getLineAndCharacterOfPosition(d.start).line + 1} `
        : '';
    return `${where}${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
  });
}

describe('README', () => {
  test('has a complete tier-1 app among its TypeScript snippets', () => {
    const snippets = readmeSnippets();
    expect(snippets.length).toBeGreaterThanOrEqual(2);
    const app = snippets.find(
      (s) => s.includes('new App()') && s.includes('ServiceTier.TIER_1') && s.includes('GlobalDatabaseSecondary'),
    );
    expect(app).toBeDefined();
  });

  test('TypeScript snippets compile against the library', () => {
    expect(compileErrors(readmeSnippets())).toEqual([]);
  });

  test('keeps the quick-start commands', () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    for (const command of ['npm ci && npx cdk synth', 'npm ci && npm test', 'CHECKPOINT_DISABLE=1 npx cdktf synth']) {
      expect(readme).toContain(command);
    }
  });
});
