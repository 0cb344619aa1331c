#!/usr/bin/env node
/**
 * Synthesis benchmark: the same service topology built with this library (bench/library.ts) and
 * written directly with aws-cdk-lib (bench/handwritten.ts), synthesized alternately in one
 * process, several runs each; medians. Also: growth from 10 to 50 services, peak memory per
 * service (child processes), the share of the HA checks and report in synthesis, the cost of
 * loading `ha-constructs/aws`, and the Terraform examples' synthesis.
 *
 *   npm run bench [-- --runs 5] [-- --json bench-results/bench.json]
 *   (npx ts-node bench/run.ts --runs 5 --json bench-results/bench.json)
 */
import { execFileSync } from 'child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { dirname, join, resolve } from 'path';
import { setFlagsFromString } from 'v8';
import { runInNewContext } from 'vm';
import { App, Stack } from 'aws-cdk-lib';
import { App as TfApp, TerraformStack } from 'cdktf';
import * as cdkJson from '../cdk.json';
import { checkInputs } from '../lib/checks/check';
import { formatText } from '../lib/checks/format';
import { addGcpTier0ActiveActive } from '../examples/gcp-tier0-active-active';
import { addGcpTier2PilotLight } from '../examples/gcp-tier2-pilot-light';
import { addTfAwsTier1WarmStandby } from '../examples/tf-aws-tier1-warm-standby';
import { addHandwrittenService } from './handwritten';
import { addLibraryService } from './library';

const ROOT = resolve(__dirname, '..');
const CONTEXT = cdkJson.context;
process.env.CHECKPOINT_DISABLE ??= '1';

type Topology = 'library' | 'handwritten';
const ADD: Record<Topology, (app: App, index: number) => Stack> = {
  library: addLibraryService,
  handwritten: addHandwrittenService,
};

/** A collection between runs, so one run's garbage is not charged to the next. */
const gc: () => void = (() => {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
})();

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function ms(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/**
 * One synthesis. CPU time (user + system of this process) is the figure the ratios use: the
 * machines this runs on are shared, and wall time there measures the neighbours as much as the
 * code (a 50-service synthesis took 9.6 to 22.8 s of wall time in three consecutive runs on a
 * loaded two-core machine, and 10 services 1.1 to 2.8 s). Wall time is reported beside it.
 */
interface SynthRun {
  readonly synthMs: number;
  readonly synthWallMs: number;
  readonly checksMs: number;
  readonly resources: number;
}

function cpuMs(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
}

/**
 * Builds and synthesizes `services` services of one topology into a fresh cloud assembly on
 * disk (as `cdk synth` does, built-in CloudFormation validation off as in CI unit tests), then
 * runs the HA checks and formats the report over the templates.
 */
function synthCdk(topology: Topology, services: number): SynthRun {
  const outdir = mkdtempSync(join(tmpdir(), 'bench-cdk-'));
  try {
    gc();
    const start = process.hrtime.bigint();
    const cpu = process.cpuUsage();
    const app = new App({ outdir, context: CONTEXT, builtinCloudFormationValidation: false });
    for (let i = 0; i < services; i++) {
      ADD[topology](app, i);
    }
    const assembly = app.synth();
    const synthMs = cpuMs(cpu);
    const synthWallMs = ms(start);
    const checksCpu = process.cpuUsage();
    const report = checkInputs({
      cloudFormation: assembly.stacks.map((s) => ({
        name: s.stackName,
        template: s.template,
        region: s.environment.region,
      })),
    });
    formatText(report, false);
    const checksMs = cpuMs(checksCpu);
    const resources = assembly.stacks.reduce(
      (n, s) => n + Object.keys((s.template as { Resources: object }).Resources).length,
      0,
    );
    return { synthMs, synthWallMs, checksMs, resources };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

const TF_EXAMPLES: Record<string, (app: TfApp) => TerraformStack> = {
  'gcp-tier0-active-active': addGcpTier0ActiveActive,
  'gcp-tier2-pilot-light': addGcpTier2PilotLight,
  'tf-aws-tier1-warm-standby': addTfAwsTier1WarmStandby,
};

function synthTf(add: (app: TfApp) => TerraformStack): SynthRun {
  const outdir = mkdtempSync(join(tmpdir(), 'bench-cdktf-'));
  try {
    gc();
    const start = process.hrtime.bigint();
    const cpu = process.cpuUsage();
    const app = new TfApp({ outdir });
    const stack = add(app);
    app.synth();
    const synthMs = cpuMs(cpu);
    const synthWallMs = ms(start);
    const json = JSON.parse(readFileSync(join(outdir, 'stacks', stack.node.id, 'cdk.tf.json'), 'utf8')) as {
      resource?: Record<string, object>;
    };
    const checksCpu = process.cpuUsage();
    formatText(checkInputs({ terraform: [{ name: stack.node.id, json }] }), false);
    const checksMs = cpuMs(checksCpu);
    const resources = Object.values(json.resource ?? {}).reduce((n, byName) => n + Object.keys(byName).length, 0);
    return { synthMs, synthWallMs, checksMs, resources };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/** Runs this file in a child process that synthesizes once and prints its peak resident memory. */
function childPeakMemoryMb(topology: Topology, services: number): number {
  const out = execFileSync(
    process.execPath,
    ['-r', require.resolve('ts-node/register'), __filename, '--child', topology, String(services)],
    {
      cwd: ROOT,
      env: { ...process.env, TS_NODE_PROJECT: join(ROOT, 'tsconfig.json') },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    },
  );
  return JSON.parse(out.trim().split('\n').pop()!).maxRssMb;
}

/**
 * Compiles lib/ as `npm run build` does, into a temporary directory, and loads `aws` from it in a
 * fresh node: the time `require('ha-constructs/aws')` costs a user, and whether it loads cdktf.
 */
function measureAwsImport(runs: number): {
  awsImportMs: number;
  awsImportLoadsCdktf: boolean;
  awsImportModules: number;
} {
  const dir = mkdtempSync(join(tmpdir(), 'bench-dist-'));
  try {
    execFileSync(
      process.execPath,
      [require.resolve('typescript/bin/tsc'), '-p', join(ROOT, 'tsconfig.build.json'), '--outDir', join(dir, 'dist')],
      {
        cwd: ROOT,
        stdio: 'ignore',
      },
    );
  } catch {
    // tsc exits non-zero on type errors elsewhere but still emits; a missing dist/aws is checked below.
  }
  try {
    if (!existsSync(join(dir, 'dist', 'aws', 'index.js'))) {
      throw new Error(`tsc did not emit dist/aws/index.js into ${dir}`);
    }
    symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
    const script = [
      'const start = process.hrtime.bigint();',
      `require(${JSON.stringify(join(dir, 'dist', 'aws'))});`,
      'const ms = Number(process.hrtime.bigint() - start) / 1e6;',
      'const files = Object.keys(require.cache);',
      'console.log(JSON.stringify({ ms, modules: files.length, cdktf: files.some((f) => /node_modules[\\\\/](cdktf|@cdktf)[\\\\/]/.test(f)) }));',
    ].join('\n');
    const results = Array.from(
      { length: runs },
      () =>
        JSON.parse(execFileSync(process.execPath, ['-e', script], { cwd: dir, encoding: 'utf8' })) as {
          ms: number;
          modules: number;
          cdktf: boolean;
        },
    );
    return {
      awsImportMs: median(results.map((r) => r.ms)),
      awsImportLoadsCdktf: results.some((r) => r.cdktf),
      awsImportModules: results[0].modules,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function round(value: number, digits = 0): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

function main(): void {
  const runs = Number(arg('--runs') ?? 5);
  const small = 10;
  const large = 50;
  const log = (line: string) => process.stderr.write(`${line}\n`);

  log(`warming up (one synthesis of each topology, ${small} services)`);
  synthCdk('library', small);
  synthCdk('handwritten', small);

  const library: SynthRun[] = [];
  const handwritten: SynthRun[] = [];
  for (let run = 0; run < runs; run++) {
    // Alternating, and swapping which goes first, so drift in machine load hits both alike.
    const order: Topology[] = run % 2 === 0 ? ['library', 'handwritten'] : ['handwritten', 'library'];
    for (const topology of order) {
      const result = synthCdk(topology, small);
      (topology === 'library' ? library : handwritten).push(result);
      log(
        `run ${run + 1}/${runs} ${topology} ${small} services: ${result.synthMs.toFixed(0)} ms synth CPU (${result.synthWallMs.toFixed(0)} ms wall), ${result.checksMs.toFixed(0)} ms checks`,
      );
    }
  }
  const largeRuns: SynthRun[] = [];
  const largeHandRuns: SynthRun[] = [];
  const largeCount = Math.max(3, Math.ceil(runs / 2));
  for (let run = 0; run < largeCount; run++) {
    const order: Topology[] = run % 2 === 0 ? ['library', 'handwritten'] : ['handwritten', 'library'];
    for (const topology of order) {
      const result = synthCdk(topology, large);
      (topology === 'library' ? largeRuns : largeHandRuns).push(result);
      log(
        `run ${run + 1}/${largeCount} ${topology} ${large} services: ${result.synthMs.toFixed(0)} ms synth CPU (${result.synthWallMs.toFixed(0)} ms wall), ${result.checksMs.toFixed(0)} ms checks`,
      );
    }
  }

  log('peak memory (child processes)');
  const memSmall = median([childPeakMemoryMb('library', small), childPeakMemoryMb('library', small)]);
  const memLarge = median([childPeakMemoryMb('library', large), childPeakMemoryMb('library', large)]);
  const memHandSmall = median([childPeakMemoryMb('handwritten', small), childPeakMemoryMb('handwritten', small)]);

  log('terraform examples');
  const tf: Record<
    string,
    {
      synthMs: number;
      synthWallMs: number;
      checksMs: number;
      resources: number;
      msPerResource: number;
      checkShare: number;
    }
  > = {};
  for (const [name, add] of Object.entries(TF_EXAMPLES)) {
    synthTf(add);
    const results = Array.from({ length: runs }, () => synthTf(add));
    const synthMs = median(results.map((r) => r.synthMs));
    const checksMs = median(results.map((r) => r.checksMs));
    tf[name] = {
      synthMs: round(synthMs),
      synthWallMs: round(median(results.map((r) => r.synthWallMs))),
      checksMs: round(checksMs, 1),
      resources: results[0].resources,
      msPerResource: round(synthMs / results[0].resources, 2),
      checkShare: round(checksMs / synthMs, 3),
    };
  }

  log('import cost of ha-constructs/aws (compiled, child processes)');
  const awsImport = measureAwsImport(runs);

  const libMs = median(library.map((r) => r.synthMs));
  const handMs = median(handwritten.map((r) => r.synthMs));
  const largeMs = median(largeRuns.map((r) => r.synthMs));
  const largeHandMs = median(largeHandRuns.map((r) => r.synthMs));
  const checksMs = median(library.map((r) => r.checksMs));
  const largeChecksMs = median(largeRuns.map((r) => r.checksMs));
  const figures = {
    date: new Date().toISOString(),
    node: process.version,
    runs,
    services: { small, large },
    resources: {
      library: library[0].resources,
      handwritten: handwritten[0].resources,
      libraryLarge: largeRuns[0].resources,
    },
    timing: 'CPU time (user + system) of the synthesizing process; *WallMs fields are wall-clock medians',
    librarySynthMs: round(libMs),
    handwrittenSynthMs: round(handMs),
    librarySynthWallMs: round(median(library.map((r) => r.synthWallMs))),
    handwrittenSynthWallMs: round(median(handwritten.map((r) => r.synthWallMs))),
    overheadRatio: round(libMs / handMs, 3),
    overheadRatioPerResource: round(libMs / library[0].resources / (handMs / handwritten[0].resources), 3),
    librarySynthMsLarge: round(largeMs),
    handwrittenSynthMsLarge: round(largeHandMs),
    librarySynthWallMsLarge: round(median(largeRuns.map((r) => r.synthWallMs))),
    growthRatio: round(largeMs / libMs, 2),
    handwrittenGrowthRatio: round(largeHandMs / handMs, 2),
    overheadRatioLarge: round(largeMs / largeHandMs, 3),
    peakMemoryMb: {
      library: { [small]: round(memSmall), [large]: round(memLarge) },
      handwritten: { [small]: round(memHandSmall) },
    },
    peakMemoryMbPerService: round(memLarge / large, 1),
    marginalMemoryMbPerService: round((memLarge - memSmall) / (large - small), 1),
    checksMs: round(checksMs, 1),
    checkShare: round(checksMs / libMs, 3),
    checkShareLarge: round(largeChecksMs / largeMs, 3),
    ...awsImport,
    awsImportMs: round(awsImport.awsImportMs),
    terraform: tf,
    targets: { overheadRatio: 1.1, growthRatio: 5.5, checkShare: 0.1, awsImportLoadsCdktf: false },
  };

  const rows: [string, string, string][] = [
    [
      'synth CPU, library, 10 services',
      `${figures.librarySynthMs} ms`,
      `${figures.resources.library} resources; wall ${figures.librarySynthWallMs} ms`,
    ],
    [
      'synth CPU, hand-written, 10 services',
      `${figures.handwrittenSynthMs} ms`,
      `${figures.resources.handwritten} resources; wall ${figures.handwrittenSynthWallMs} ms`,
    ],
    [
      'overheadRatio (library / hand-written)',
      String(figures.overheadRatio),
      `target ≤ 1.10; per resource ${figures.overheadRatioPerResource}; at 50 services ${figures.overheadRatioLarge}`,
    ],
    [
      'synth CPU, library, 50 services',
      `${figures.librarySynthMsLarge} ms`,
      `${figures.resources.libraryLarge} resources; wall ${figures.librarySynthWallMsLarge} ms`,
    ],
    [
      'growthRatio (50 / 10 services)',
      String(figures.growthRatio),
      `linear is 5; target ≤ 5.5; hand-written ${figures.handwrittenGrowthRatio}`,
    ],
    [
      'peak memory, library 10 / 50 services',
      `${figures.peakMemoryMb.library[small]} / ${figures.peakMemoryMb.library[large]} MB`,
      `hand-written 10: ${figures.peakMemoryMb.handwritten[small]} MB`,
    ],
    [
      'peak memory per service (50)',
      `${figures.peakMemoryMbPerService} MB`,
      `marginal ${figures.marginalMemoryMbPerService} MB per added service`,
    ],
    [
      'HA checks + report, 10 services',
      `${figures.checksMs} ms`,
      `checkShare ${figures.checkShare} (target ≤ 0.10); 50 services ${figures.checkShareLarge}`,
    ],
    [
      'require(ha-constructs/aws)',
      `${figures.awsImportMs} ms`,
      `${figures.awsImportModules} modules, loads cdktf: ${figures.awsImportLoadsCdktf}`,
    ],
    ...Object.entries(tf).map(
      ([name, t]) =>
        [
          `cdktf synth CPU ${name}`,
          `${t.synthMs} ms`,
          `${t.resources} resources, ${t.msPerResource} ms each, wall ${t.synthWallMs} ms, checkShare ${t.checkShare}`,
        ] as [string, string, string],
    ),
  ];
  const width = Math.max(...rows.map((r) => r[0].length));
  const valueWidth = Math.max(...rows.map((r) => r[1].length));
  console.log(
    rows.map(([name, value, note]) => `${name.padEnd(width)}  ${value.padStart(valueWidth)}  ${note}`).join('\n'),
  );

  const json = arg('--json');
  if (json) {
    mkdirSync(dirname(resolve(json)), { recursive: true });
    writeFileSync(json, `${JSON.stringify(figures, null, 2)}\n`);
    log(`wrote ${json}`);
  }
}

if (process.argv[2] === '--child') {
  synthCdk(process.argv[3] as Topology, Number(process.argv[4]));
  console.log(JSON.stringify({ maxRssMb: process.resourceUsage().maxRSS / 1024 }));
} else {
  main();
}
