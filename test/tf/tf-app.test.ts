import { execFileSync } from 'child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

/**
 * The cdktf app (bin/tf-app.ts, what `npx cdktf synth` runs) synthesizes every example stack
 * offline into its output directory.
 */
describe('bin/tf-app.ts', () => {
  const outdir = mkdtempSync(join(tmpdir(), 'cdktf-out-'));
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  test('THEN every stack of the manifest is written as Terraform JSON, the AWS tier-1 example among them', () => {
    execFileSync(process.execPath, [require.resolve('ts-node/dist/bin'), '--prefer-ts-exts', 'bin/tf-app.ts'], {
      cwd: join(__dirname, '..', '..'),
      env: { ...process.env, CDKTF_OUTDIR: outdir, CHECKPOINT_DISABLE: '1' },
      stdio: 'pipe',
    });
    const manifest = JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8'));
    const stacks = Object.values(manifest.stacks) as { name: string; synthesizedStackPath: string }[];
    expect(stacks.map((s) => s.name)).toContain('tf-aws-tier1-warm-standby');
    for (const stack of stacks) {
      const file = join(outdir, stack.synthesizedStackPath);
      expect(existsSync(file)).toBe(true);
      expect(Object.keys(JSON.parse(readFileSync(file, 'utf8')).resource ?? {}).length).toBeGreaterThan(0);
    }
  });
});
