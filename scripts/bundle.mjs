#!/usr/bin/env node
// Second step of `npm run build`: bundles tsc's output (dist/) into dist/bundle/, one file per
// thread entry (main, the chunk worker, the checkpoint's LevelDB worker, the block prefetch
// worker, and the early-worker starter bin/tikv-export imports first) plus chunks they share.
// Why: every thread (the main one and each worker) loads ~70-100 modules, and Node 20 has no
// compile cache; with one file per entry a chunk worker starts in 63 instead of 90 ms of wall
// time (33 ms less CPU), and a 100 k-row dump took 0.42 instead of 0.50 s (10 alternating runs).
//
// The entries keep the names the code starts them by (worker-spawn.ts `./worker-thread.js`,
// `./worker-level.js`; block-prefetch.ts `./block-prefetch-worker.js`), relative to the file
// that starts them, which in the bundle is one of dist/bundle/*.js: so every file is written
// flat into dist/bundle/. Packages stay external (node_modules, resolved as before), except
// BUNDLED_PACKAGES.
//
// bin/tikv-export runs dist/bundle/ when it is current, else dist/ (TIKV_EXPORT_BUNDLE=0 forces
// dist/). Without esbuild (a devDependency; tsx brings it too) this step says so and leaves
// dist/ unbundled, which works the same, only starts slower.
import { readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');

/** The bundle's entry files, by the name the code starts them by. */
export const BUNDLE_ENTRIES = {
  main: 'cli/main.js',
  'early-workers': 'export/early-workers.js',
  'worker-thread': 'export/worker-thread.js',
  'worker-level': 'export/worker-level.js',
  'block-prefetch-worker': 'rocksdb/block-prefetch-worker.js',
};

/**
 * Packages bundled in, the rest stay external (resolved in node_modules as before).
 * @bufbuild/protobuf: the raft-state reader uses two names of its `wire` entry, whose index loads
 * ~10 ES modules (15-18 ms in each thread that opens a session: the main one and every chunk
 * worker); bundled, that is a few hundred lines of one chunk. The 1 KiB-row bench's chunk workers
 * started their first chunks 15-27 ms sooner (16 alternating runs, twice).
 */
export const BUNDLED_PACKAGES = ['@bufbuild/protobuf'];
const deps = Object.keys(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).dependencies);
const EXTERNAL = deps.filter((d) => !BUNDLED_PACKAGES.includes(d)).flatMap((d) => [d, `${d}/*`]);

/** Bundles `from` (a tsc output dir) into `to` (emptied first). */
export async function bundle(from = dist, to = join(dist, 'bundle')) {
  const { build } = await import('esbuild');
  rmSync(to, { recursive: true, force: true });
  await build({
    entryPoints: Object.fromEntries(Object.entries(BUNDLE_ENTRIES).map(([name, file]) => [name, join(from, file)])),
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external: EXTERNAL,
    outdir: to,
    chunkNames: 'chunk-[hash]',
    legalComments: 'none',
    logLevel: 'warning',
  });
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    await bundle();
  } catch (e) {
    rmSync(join(dist, 'bundle'), { recursive: true, force: true });
    console.error(`scripts/bundle.mjs: dist/ left unbundled (it runs the same, only starts slower): ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
  }
}
