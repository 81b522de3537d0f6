// Bundles TypeScript entry points into one JavaScript file each, so that a long-running process starts from
// compiled code: without the TypeScript loader's thread and modules, an idle server holds about 55 MB less.
// `npm run build:server` builds the service (dist/server/haoka.mjs, what `npm start` runs); the benchmarks build
// their own processes the same way.
import { cpSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));

/**
 * Each entry, `{ name: 'path/to/entry.ts' }`, becomes `outdir/name.mjs`. `outdir` must sit two levels below the
 * project root, as the sources do (`src/<area>/`): paths that modules find next to themselves (`../../dist/web`,
 * the assistant's data sets) then resolve the same from a bundle.
 */
export async function bundle(entries: Record<string, string>, outdir: string): Promise<string> {
  const out = resolve(root, outdir);
  await build({
    entryPoints: Object.fromEntries(Object.entries(entries).map(([name, path]) => [name, resolve(root, path)])),
    outdir: out,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: 'linked',
    logLevel: 'warning',
  });
  cpSync(join(root, 'src/assistant/data'), join(out, 'data'), { recursive: true });
  return out;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await bundle({ haoka: 'src/cli/index.ts' }, 'dist/server');
}
