import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App as TfApp, TerraformStack } from 'cdktf';
import { addAllExamples } from '../../examples';
import { addGcpTier0ActiveActive } from '../../examples/gcp-tier0-active-active';
import { addGcpTier0CloudRun } from '../../examples/gcp-tier0-cloud-run';
import { addGcpTier1Gke } from '../../examples/gcp-tier1-gke';
import { addGcpTier2PilotLight } from '../../examples/gcp-tier2-pilot-light';
import { addTfAwsTier1WarmStandby } from '../../examples/tf-aws-tier1-warm-standby';
import { cdkJsonApp } from '../util';

/**
 * The Terraform examples, as bin/tf-app.ts adds them to its app. `tfExampleFunctionsOfBin` reads
 * that file, so a test fails when an example is added there and not here.
 */
export const TF_EXAMPLES: Record<string, (app: TfApp) => TerraformStack> = {
  addGcpTier0ActiveActive,
  addGcpTier0CloudRun,
  addGcpTier1Gke,
  addGcpTier2PilotLight,
  addTfAwsTier1WarmStandby,
};

/** The names of the functions bin/tf-app.ts calls with its app. */
export function tfExampleFunctionsOfBin(): string[] {
  const source = readFileSync(join(__dirname, '..', '..', 'bin', 'tf-app.ts'), 'utf8');
  return [...source.matchAll(/\b(add\w+)\(app\)/g)].map((m) => m[1]).sort();
}

/** Synthesized output, file by file, exactly as written to disk: stack name → JSON text. */
export type SynthesizedFiles = Record<string, string>;

/**
 * Synthesizes every AWS example (`addAllExamples`, what `npx cdk synth` runs) into a fresh
 * directory and returns each stack's template file as written. The built-in CloudFormation
 * validation is off: the examples test runs it, and these proofs are about the bytes. The HA
 * checks still run, without writing their report to stderr: test/examples checks what it says.
 */
export function synthAwsExamples(): SynthesizedFiles {
  const outdir = mkdtempSync(join(tmpdir(), 'proofs-cdk-'));
  try {
    const app = cdkJsonApp({ outdir });
    addAllExamples(app, { printReport: false });
    const assembly = app.synth();
    return Object.fromEntries(
      assembly.stacks
        .map((stack) => [stack.stackName, readFileSync(join(outdir, stack.templateFile), 'utf8')] as const)
        .sort(([a], [b]) => a.localeCompare(b)),
    );
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/**
 * Synthesizes every Terraform example into a fresh directory and returns each stack's
 * `cdk.tf.json` as written.
 */
export function synthTfExamples(): SynthesizedFiles {
  process.env.CHECKPOINT_DISABLE ??= '1';
  const outdir = mkdtempSync(join(tmpdir(), 'proofs-cdktf-'));
  try {
    const app = new TfApp({ outdir });
    for (const add of Object.values(TF_EXAMPLES)) {
      add(app);
    }
    app.synth();
    const stacksDir = join(outdir, 'stacks');
    return Object.fromEntries(
      readdirSync(stacksDir)
        .sort()
        .map((name) => [name, readFileSync(join(stacksDir, name, 'cdk.tf.json'), 'utf8')] as const),
    );
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
