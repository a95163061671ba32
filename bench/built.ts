/**
 * The built package (dist/), as users install it, rebuilt first when any source is newer.
 * Benches of code whose cost is its footprint (the interceptors) measure this rather than
 * the sources under tsx, whose transform adds helpers and allocations of its own.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function newestSource(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestSource(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/** Import `dist/<path>`, running the build first when it is missing or older than src/. */
export async function builtModule(path: string): Promise<unknown> {
  const file = join(root, 'dist', path);
  if (!existsSync(file) || statSync(file).mtimeMs < newestSource(join(root, 'src'))) {
    console.log('dist/ is missing or older than src/: building it (npm run build)');
    const r = spawnSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
    if (r.status !== 0) throw new Error('the build failed: run `npm run build` to see why');
  }
  return import(pathToFileURL(file).href);
}
