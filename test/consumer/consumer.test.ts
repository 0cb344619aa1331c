import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  README_CDK_APP_COMMAND,
  ROOT,
  RunResult,
  describeRun,
  readmeBlocks,
  readmeJson,
  run,
  runShell,
  userEnv,
  writeCdkInitApp,
  writeCdktfApp,
} from './scratch';

/**
 * A new user's first hour, offline: the library as `npm pack` ships it, installed from the tarball
 * into an app laid out by `cdk init app --language typescript` and into an empty cdktf app; the
 * README's snippets compiled there under node10 and nodenext resolution through the package's
 * real `exports` and `typesVersions`, synthesized, checked by the packed `ha-report`, and the
 * README's jest test run with the app's jest. The apps' other dependencies link to this
 * repository's node_modules, so nothing is downloaded. HA_CONSUMER_TARBALL=<path to a .tgz>
 * skips `npm pack` and installs that tarball instead; HA_CONSUMER_KEEP=1 keeps the apps (the
 * path is printed) and HA_CONSUMER_TIMINGS=1 prints how long each phase took.
 */
// A test waits for processes started in beforeAll; on a loaded 2-core machine they can take minutes.
jest.setTimeout(300_000);

const WORK = fs.mkdtempSync(path.join(os.tmpdir(), 'ha-consumer-'));
const CDK_APP = path.join(WORK, 'orders');
const TF_APP = path.join(WORK, 'catalog');
const NODE10 = {
  extends: './tsconfig.json',
  compilerOptions: { module: 'commonjs', moduleResolution: 'node', noEmit: true },
};
const NODENEXT = {
  extends: './tsconfig.json',
  compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext', noEmit: true },
};
const CDKTF_JSON = readmeJson('terraformProviders') as { app: string; output: string };

interface Snippets {
  readonly app: string;
  readonly jestTest: string;
  readonly cdktfMain: string;
  readonly cdktfJestTest: string;
  readonly cdkOthers: string[];
  readonly cdktfOthers: string[];
}

/** The README's snippets by role: the CDK app, the jest tests of each engine, the cdktf app, and any others by engine. */
function classify(snippets: string[]): Snippets {
  const isCdktf = (s: string) => /from '(cdktf|@cdktf\/[^']+)'/.test(s);
  const app = snippets.find((s) => s.includes('new App()') && s.includes('new FailoverDns(') && !isCdktf(s));
  const jestTest = snippets.find((s) => /^test\(/m.test(s) && !isCdktf(s));
  const cdktfMain = snippets.find((s) => isCdktf(s) && s.includes('app.synth()'));
  const cdktfJestTest = snippets.find((s) => /^test\(/m.test(s) && isCdktf(s));
  if (!app || !jestTest || !cdktfMain || !cdktfJestTest) {
    throw new Error('README lacks one of: the TIER_1 CDK app, the jest test of each engine, the cdktf app');
  }
  const others = snippets.filter((s) => ![app, jestTest, cdktfMain, cdktfJestTest].includes(s));
  return {
    app,
    jestTest,
    cdktfMain,
    cdktfJestTest,
    cdkOthers: others.filter((s) => !isCdktf(s)),
    cdktfOthers: others.filter(isCdktf),
  };
}

const tsc = (tsconfig: string) => ['node_modules/typescript/bin/tsc', '-p', tsconfig, '--pretty', 'false'];
const writeJson = (file: string, value: unknown) => fs.writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);

let tarball: string;
let installs: { cdk: RunResult; tf: RunResult };
/**
 * Started together once both apps are installed: none needs another's output, and on two cores
 * the five processes (mostly type checks) end sooner together than one after another.
 */
let steps: Record<'cdkSynth' | 'cdkNode10' | 'cdkTest' | 'tfSynth' | 'tfNodeNext' | 'tfTest', Promise<RunResult>>;
/** Wall-clock milliseconds of each phase, printed when HA_CONSUMER_TIMINGS is set. */
const timings: Record<string, number> = {};
const timed = (name: string, result: Promise<RunResult>) =>
  result.then((r) => {
    timings[name] = r.ms;
    return r;
  });

beforeAll(async () => {
  const start = Date.now();
  const snippets = classify(readmeBlocks('ts'));
  if (process.env.HA_CONSUMER_TARBALL) {
    // A tarball packed before, to rerun the apps without building again.
    tarball = path.join(WORK, path.basename(process.env.HA_CONSUMER_TARBALL));
    fs.copyFileSync(process.env.HA_CONSUMER_TARBALL, tarball);
  } else {
    // `npm pack` runs prepack (npm run build: tsc of tsconfig.build.json into dist/), as `npm publish` does.
    const pack = await timed('npm pack', run('npm', ['pack', '--pack-destination', WORK], ROOT));
    if (pack.code !== 0) {
      throw new Error(describeRun('npm pack', pack));
    }
    tarball = path.join(
      WORK,
      fs.readdirSync(WORK).find((f) => f.endsWith('.tgz'))!,
    );
  }

  const cdkContext = writeCdkInitApp(CDK_APP, README_CDK_APP_COMMAND).context;
  fs.writeFileSync(path.join(CDK_APP, 'bin', 'orders.ts'), snippets.app);
  fs.writeFileSync(path.join(CDK_APP, 'test', 'orders.test.ts'), snippets.jestTest);
  snippets.cdkOthers.forEach((s, i) => fs.writeFileSync(path.join(CDK_APP, 'lib', `readme-snippet-${i + 1}.ts`), s));
  writeJson(path.join(CDK_APP, 'tsconfig.node10.json'), NODE10);

  writeCdktfApp(TF_APP);
  fs.writeFileSync(path.join(TF_APP, 'main.ts'), snippets.cdktfMain);
  fs.mkdirSync(path.join(TF_APP, 'test'));
  fs.writeFileSync(path.join(TF_APP, 'test', 'catalog.test.ts'), snippets.cdktfJestTest);
  snippets.cdktfOthers.forEach((s, i) => fs.writeFileSync(path.join(TF_APP, `readme-snippet-${i + 1}.ts`), s));
  writeJson(path.join(TF_APP, 'tsconfig.nodenext.json'), NODENEXT);

  // --ignore-scripts: npm runs the `prepare` script of a linked directory (never of a registry
  // package), and the links point into this repository's node_modules, which must stay as they are.
  // --install-links=false (npm's default) links the file: directories instead of copying them.
  const install = [
    'install',
    '--offline',
    '--no-audit',
    '--no-fund',
    '--ignore-scripts',
    '--install-links=false',
    tarball,
  ];
  const [cdk, tf] = await Promise.all([
    timed('npm install (cdk)', run('npm', install, CDK_APP)),
    timed('npm install (cdktf)', run('npm', install, TF_APP)),
  ]);
  installs = { cdk, tf };
  const started = cdk.code === 0 && tf.code === 0;
  const step = (name: string, result: () => Promise<RunResult>) =>
    started
      ? timed(name, result())
      : Promise.resolve({ code: null, stdout: '', stderr: 'not run: npm install failed', ms: 0 });
  steps = {
    // What `cdk synth` does: run cdk.json's app with the output directory and cdk.json's context.
    cdkSynth: step('cdk app (tsc nodenext, ts-node)', () =>
      runShell(
        README_CDK_APP_COMMAND,
        CDK_APP,
        userEnv({
          CDK_OUTDIR: path.join(CDK_APP, 'cdk.out'),
          CDK_CONTEXT_JSON: JSON.stringify(cdkContext),
        }),
      ),
    ),
    // What `cdktf synth` does: run cdktf.json's app (ts-node type-checks it under the template's node10).
    tfSynth: step('cdktf app (ts-node node10)', () =>
      runShell(
        CDKTF_JSON.app,
        TF_APP,
        userEnv({
          CDKTF_OUTDIR: path.join(TF_APP, CDKTF_JSON.output),
        }),
      ),
    ),
    cdkNode10: step('tsc node10 (cdk)', () => run(process.execPath, tsc('tsconfig.node10.json'), CDK_APP)),
    tfNodeNext: step('tsc nodenext (cdktf)', () => run(process.execPath, tsc('tsconfig.nodenext.json'), TF_APP)),
    // --ci=false: the first run writes the kit's snapshot, as on a developer's machine (CI=true would refuse to).
    cdkTest: step('npm test (cdk)', () => run('npm', ['test', '--', '--ci=false'], CDK_APP)),
    tfTest: step('jest (cdktf)', () => run(process.execPath, ['node_modules/jest/bin/jest.js', '--ci=false'], TF_APP)),
  };
  void Promise.all(Object.values(steps)).then(() => {
    timings.total = Date.now() - start;
  });
}, 300_000);

afterAll(async () => {
  // Let every started process end before the directory goes.
  if (steps) {
    await Promise.all(Object.values(steps));
  }
  if (process.env.HA_CONSUMER_KEEP) {
    process.stderr.write(`consumer apps kept in ${WORK}\n`);
  } else {
    fs.rmSync(WORK, { recursive: true, force: true });
  }
  if (process.env.HA_CONSUMER_TIMINGS) {
    process.stderr.write(`consumer test phases (ms): ${JSON.stringify(timings, null, 2)}\n`);
  }
});

/** Runs `node -e script` in an app, printing one JSON line. */
async function nodeJson(cwd: string, script: string): Promise<Record<string, unknown>> {
  const result = await run(process.execPath, ['-e', script], cwd);
  if (result.code !== 0) {
    throw new Error(describeRun('node -e', result));
  }
  return JSON.parse(result.stdout);
}

function expectOk(name: string, result: RunResult): void {
  if (result.code !== 0) {
    throw new Error(describeRun(name, result));
  }
}

function readJson(...segments: string[]) {
  return JSON.parse(fs.readFileSync(path.join(...segments), 'utf8'));
}

describe('the packed library', () => {
  test('THEN the tarball holds the build, LICENSE, README, RULES and CHANGELOG, and no sources or tests', async () => {
    const list = await run('tar', ['-tzf', tarball], WORK);
    expectOk('tar', list);
    const files = list.stdout
      .trim()
      .split('\n')
      .map((f) => f.replace(/^package\//, ''));
    expect(files).toEqual(
      expect.arrayContaining([
        'dist/index.js',
        'dist/index.d.ts',
        'dist/checks/ha-report.js',
        'dist/tf/aws/index.d.ts',
        'dist/tf/google/index.d.ts',
        'dist/tf/kubernetes/index.d.ts',
      ]),
    );
    expect(files.filter((f) => !/^dist\/.*\.(js|d\.ts)$/.test(f)).sort()).toEqual([
      'CHANGELOG.md',
      'LICENSE',
      'README.md',
      'RULES.md',
      'package.json',
    ]);
    expect(fs.readFileSync(path.join(ROOT, 'LICENSE'), 'utf8')).toContain('Apache License');
  });

  test("THEN the README's install commands name this tarball, and its cdk.json app is the one run here", () => {
    const commands = readmeBlocks('sh').join('\n');
    expect(commands).toContain(`npm install ../ha-constructs/${path.basename(tarball)}`);
    expect(fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8')).toContain(`"app": "${README_CDK_APP_COMMAND}"`);
  });

  test('THEN typesVersions maps every subpath export to the declarations of its exports entry (for node10)', () => {
    const pkg = readJson(CDK_APP, 'node_modules', 'ha-constructs', 'package.json');
    const subpaths = Object.entries(pkg.exports as Record<string, string | { types: string }>).filter(
      ([key, value]) => key !== '.' && typeof value === 'object',
    );
    expect(subpaths.length).toBeGreaterThanOrEqual(5);
    for (const [key, value] of subpaths) {
      expect(pkg.typesVersions['*'][key.slice(2)]).toEqual([(value as { types: string }).types.replace(/^\.\//, '')]);
    }
    expect(pkg.peerDependenciesMeta['aws-cdk-lib']).toEqual({ optional: true });
    expect(pkg.peerDependenciesMeta.constructs).toBeUndefined();
  });
});

describe('GIVEN an app laid out by cdk init app --language typescript', () => {
  test('THEN npm install --offline of the tarball installs it as a package, not a link', () => {
    expectOk('npm install (cdk app)', installs.cdk);
    expect(fs.lstatSync(path.join(CDK_APP, 'node_modules', 'ha-constructs')).isSymbolicLink()).toBe(false);
    expect(readJson(CDK_APP, 'package.json').dependencies['ha-constructs']).toMatch(/^file:.*\.tgz$/);
  });

  test('THEN the root, /aws and /checks load without cdktf (not installed); the root exports HaChecks', async () => {
    const loaded = await nodeJson(
      CDK_APP,
      [
        "const root = require('ha-constructs'); require('ha-constructs/aws'); require('ha-constructs/checks');",
        'const files = Object.keys(require.cache);',
        'let cdktf = true; try { require.resolve("cdktf"); } catch { cdktf = false; }',
        'console.log(JSON.stringify({',
        '  haChecks: typeof root.HaChecks, plugin: new root.HaChecks().name, cdktfInstalled: cdktf,',
        '  cdktfLoaded: files.some((f) => /node_modules[\\\\/](cdktf|@cdktf)[\\\\/]/.test(f)),',
        '}));',
      ].join('\n'),
    );
    expect(loaded).toEqual({ haChecks: 'function', plugin: 'HaChecks', cdktfInstalled: false, cdktfLoaded: false });
  });

  test('THEN the README snippets compile under node10 resolution (moduleResolution: node, typesVersions)', async () => {
    const result = await steps.cdkNode10;
    expectOk('tsc -p tsconfig.node10.json', result);
    expect(result.stdout).toBe('');
  });

  test("THEN cdk.json's app (tsc under the template's nodenext, then ts-node) synthesizes the README app", async () => {
    const result = await steps.cdkSynth;
    expectOk(README_CDK_APP_COMMAND, result);
    const manifest = readJson(CDK_APP, 'cdk.out', 'manifest.json');
    const stacks = Object.entries(manifest.artifacts as Record<string, { type: string }>)
      .filter(([, a]) => a.type === 'aws:cloudformation:stack')
      .map(([id]) => id)
      .sort();
    expect(stacks).toEqual(['Orders-Dns', 'Orders-us-east-1', 'Orders-us-west-2', 'Orders-us-west-2-Keys']);
  });

  test('THEN the packed ha-report shows TIER_1 unproven (gray AZ, region RTO, writes wait on the standby)', async () => {
    expectOk('synth', await steps.cdkSynth);
    const report = (...args: string[]) => run(path.join(CDK_APP, 'node_modules', '.bin', 'ha-report'), args, CDK_APP);
    const [text, json, strict] = await Promise.all([
      report('cdk.out'),
      report('cdk.out', '--json'),
      report('cdk.out', '--fail-on', 'warning'),
    ]);
    expectOk('ha-report cdk.out', text);
    expect(json.code).toBe(0);
    const { services, findings, acknowledged } = JSON.parse(json.stdout);
    expect(services.length).toBeGreaterThan(0);
    for (const service of services) {
      // The standby's scale-up has no published launch time: unproven, not met and not assumed.
      expect(service).toMatchObject({
        service: 'orders',
        tier: 'TIER_1',
        objectivesMet: false,
        // rds.global_db_rpo puts the standby region in series with the writes: availability unproven.
        status: { azRto: 'unproven', azRpo: 'met', regionRpo: 'met', availability: 'unproven', regionRto: 'unproven' },
      });
    }
    expect(acknowledged).toEqual([]);
    const kinds = new Set(findings.map((f: { rule: string; level: string }) => `${f.level} ${f.rule}`));
    expect([...kinds].sort()).toEqual(['warning HA-AUD2', 'warning HA-RES2']);
    expect(text.stdout).toContain('WARNING HA-AUD2');
    expect(text.stdout).toContain('launch time is not published');
    expect(strict.code).toBe(1);
  });

  test("THEN the README's jest test passes with the app's jest.config.js (npm test), writing the kit's snapshot", async () => {
    const result = await steps.cdkTest;
    expectOk('npm test', result);
    expect(result.stderr).toMatch(/Tests:\s+1 passed, 1 total/);
    expect(result.stderr).toMatch(/Snapshots:\s+1 written, 1 total/);
    const snapshot = fs.readFileSync(path.join(CDK_APP, 'test', '__snapshots__', 'orders.test.ts.snap'), 'utf8');
    expect(snapshot).toContain(
      '=== Checkout ===\nevery record: version=2 service=checkout tier=TIER_1 strategy=WARM_STANDBY\n',
    );
    expect(snapshot).toMatch(/\nNetworkVpcPublicSubnet1NATGateway\w+ AWS::EC2::NatGateway\n/);
    expect(snapshot).not.toMatch(/[0-9a-f]{64}|aws:cdk:path/);
  });
});

describe('GIVEN an empty cdktf app with the AWS and Google providers and no aws-cdk-lib', () => {
  test('THEN npm install --offline of the tarball needs no aws-cdk-lib (an optional peer)', () => {
    expectOk('npm install (cdktf app)', installs.tf);
    expect(fs.existsSync(path.join(TF_APP, 'node_modules', 'ha-constructs', 'package.json'))).toBe(true);
    expect(fs.existsSync(path.join(TF_APP, 'node_modules', 'aws-cdk-lib'))).toBe(false);
  });

  test('THEN /core, /tf/aws, /tf/google, /tf/kubernetes, /checks and /testing load, and only the root asks for aws-cdk-lib', async () => {
    const loaded = await nodeJson(
      TF_APP,
      [
        "for (const entry of ['core', 'tf/aws', 'tf/google', 'tf/kubernetes', 'checks', 'testing']) require('ha-constructs/' + entry);",
        "let root = 'loaded';",
        "try { require('ha-constructs'); } catch (e) { root = e.code + ' ' + /'([^']+)'/.exec(e.message)[1]; }",
        'console.log(JSON.stringify({ root }));',
      ].join('\n'),
    );
    expect(loaded).toEqual({ root: 'MODULE_NOT_FOUND aws-cdk-lib' });
  });

  test("THEN the README's cdktf jest test passes with jest added as the README says, writing the kit's snapshot", async () => {
    const result = await steps.tfTest;
    expectOk('jest (cdktf app)', result);
    expect(result.stderr).toMatch(/Tests:\s+1 passed, 1 total/);
    expect(result.stderr).toMatch(/Snapshots:\s+1 written, 1 total/);
    const snapshot = fs.readFileSync(path.join(TF_APP, 'test', '__snapshots__', 'catalog.test.ts.snap'), 'utf8');
    expect(snapshot).toContain(
      '=== catalog ===\nevery record: version=2 service=catalog tier=TIER_1 strategy=WARM_STANDBY\n',
    );
    expect(snapshot).toMatch(/\naws_nat_gateway\.\w+\n {2}ha: role=primary/);
  });

  test('THEN the README cdktf app compiles under nodenext resolution', async () => {
    const result = await steps.tfNodeNext;
    expectOk('tsc -p tsconfig.nodenext.json', result);
    expect(result.stdout).toBe('');
  });

  test("THEN cdktf.json's app (ts-node, node10) synthesizes a stack per provider with its provider", async () => {
    const result = await steps.tfSynth;
    expectOk(CDKTF_JSON.app, result);
    const out = path.join(TF_APP, CDKTF_JSON.output);
    const manifest: { stacks: Record<string, { synthesizedStackPath: string }> } = readJson(out, 'manifest.json');
    const stacks = Object.values(manifest.stacks).map((s) => readJson(out, s.synthesizedStackPath));
    // The Google stack also waits for IAM grants to propagate: hashicorp/time's time_sleep.
    expect(stacks.map((s) => Object.keys(s.provider ?? {})).sort()).toEqual([['aws'], ['google', 'time']]);
    for (const stack of stacks) {
      expect(Object.keys(stack.resource ?? {}).length).toBeGreaterThan(0);
    }
  });

  test("THEN the packed ha-report reads cdktf.out: the README's two warnings and acknowledgement", async () => {
    expectOk('cdktf synth', await steps.tfSynth);
    const report = (...args: string[]) => run(path.join(TF_APP, 'node_modules', '.bin', 'ha-report'), args, TF_APP);
    const [text, json] = await Promise.all([report(CDKTF_JSON.output), report(CDKTF_JSON.output, '--json')]);
    expectOk('ha-report cdktf.out', text);
    const { findings, acknowledged } = JSON.parse(json.stdout);
    expect(findings.map((f: { rule: string; level: string }) => `${f.level} ${f.rule}`)).toEqual([
      'warning HA-RES2',
      'warning HA-RES2',
    ]);
    expect(acknowledged.map((a: { rule: string }) => a.rule)).toEqual(['HA-AUD2']);
    for (const a of acknowledged) {
      expect(text.stdout).toContain(`${a.rule} ${a.stack}/${a.resource}: ${a.message}`);
      expect(text.stdout).toContain(`reason: ${a.reason}`);
    }
    expect(text.stdout).toMatch(/^Acknowledged \(1,/m);
  });

  test('THEN ha-report --help explains the acknowledged list', async () => {
    const help = await run(path.join(TF_APP, 'node_modules', '.bin', 'ha-report'), ['--help'], TF_APP);
    expectOk('ha-report --help', help);
    expect(help.stdout).toContain('acknowledged');
    expect(help.stdout).toContain('acknowledgeHaFinding');
  });
});
