import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'fs';
import { homedir, tmpdir } from 'os';
import { join, resolve } from 'path';
import { tfExamplesApp } from '../../../../bin/tf-app';

/** Every file below `dir`. */
function filesBelow(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    return statSync(path).isDirectory() ? filesBelow(path) : [path];
  });
}

/**
 * What `npx cdktf synth` writes is the same on every machine: no path of the machine that
 * synthesized (the checkout, the output directory, the home or temporary directory) in any file.
 */
describe('the cdktf app of the examples (bin/tf-app.ts)', () => {
  const outdir = mkdtempSync(join(tmpdir(), 'cdktf-paths-'));
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  test('THEN no synthesized file holds an absolute path of this machine', () => {
    tfExamplesApp({ outdir }).synth();
    const machinePaths = [
      ...new Set([resolve(__dirname, '../../../..'), process.cwd(), outdir, homedir(), tmpdir()]),
    ].filter((p) => p.length > 1);
    const files = filesBelow(outdir);
    expect(files.filter((f) => f.endsWith('cdk.tf.json'))).toHaveLength(5);
    // A container's mount path (a pod's writable /tmp) is the container's, not this machine's.
    const text = (file: string) => readFileSync(file, 'utf8').replace(/"mount_path":\s*"[^"]*"/g, '');
    const leaks = files.flatMap((file) =>
      machinePaths.filter((p) => text(file).includes(p)).map((p) => `${file.slice(outdir.length)}: ${p}`),
    );
    expect(leaks).toEqual([]);
  });
});
