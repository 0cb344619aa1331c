import { createHash } from 'crypto';
import { mkdirSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { dirname, join } from 'path';

/**
 * A directory holding `files` (relative path → content) for a `TerraformAsset`, named by a hash
 * of the content: the asset, and so the plan, changes only when the code does.
 */
export function sourceDirectory(name: string, files: Record<string, string>): string {
  const hash = createHash('sha256')
    .update(JSON.stringify(Object.entries(files).sort()))
    .digest('hex')
    .slice(0, 16);
  const dir = join(tmpdir(), `ha-constructs-${name}-${hash}`);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}
