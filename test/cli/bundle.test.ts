/**
 * scripts/bundle.mjs (the second step of `npm run build`): dist/bundle/ is what bin/tikv-export
 * runs, so its entries must be the files the code starts threads from (worker-spawn.ts
 * `./worker-thread.js` and `./worker-level.js`, block-prefetch.ts `./block-prefetch-worker.js`,
 * bin's `early-workers.js` and `main.js`), and a dump through it, chunk workers and the
 * checkpoint's worker included, must write what the sources write. The other tests run the
 * sources (TIKV_EXPORT_FROM_SOURCE=1), so this is the one that runs the bundle.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { assertSameDump } from '../support/same-dump.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const FIXTURE = join(root, 'fixtures', 'tidb', 'chunks', 'data');
const tmp = mkdtempSync(join(tmpdir(), 'tikv-export-bundle-'));
// inside dist/ (not /tmp): the tool's version comes from the package.json found above its files
const out = join(root, 'dist', `bundle-test-${process.pid}`);

interface BundleScript {
  BUNDLE_ENTRIES: Record<string, string>;
  BUNDLED_PACKAGES: string[];
  bundle(from: string, to: string): Promise<void>;
}

let entries: Record<string, string> = {};
let bundledPackages: string[] = [];

before(async () => {
  if (!existsSync(join(root, 'dist', 'cli', 'main.js'))) {
    const r = spawnSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(root, 'tsconfig.build.json')], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stdout + r.stderr);
  }
  const script = (await import(pathToFileURL(join(root, 'scripts', 'bundle.mjs')).href)) as BundleScript;
  entries = script.BUNDLE_ENTRIES;
  bundledPackages = script.BUNDLED_PACKAGES;
  await script.bundle(join(root, 'dist'), out);
});
after(() => {
  rmSync(out, { recursive: true, force: true });
  rmSync(tmp, { recursive: true, force: true });
});

test('the bundle has one file per thread entry, under the names the code starts them by', () => {
  const files = readdirSync(out);
  for (const name of ['main', 'early-workers', 'worker-thread', 'worker-level', 'block-prefetch-worker']) {
    assert.ok(name in entries, `${name} is an entry`);
    assert.ok(files.includes(`${name}.js`), `${name}.js in ${files.join(', ')}`);
  }
  // every other file is a chunk the entries share; no file is left in a subdirectory
  for (const f of files) assert.match(f, /^([a-z-]+|chunk-[A-Z0-9]+)\.js$/);
});

test('packages in BUNDLED_PACKAGES are inside the bundle, the others are imported from node_modules', () => {
  const imported = new Set<string>();
  for (const f of readdirSync(out)) {
    for (const m of readFileSync(join(out, f), 'utf8').matchAll(/(?:from|import)\s*\(?\s*"((?:@[^/"]+\/)?[^./"][^/"]*)[^"]*"/g)) imported.add(m[1]!);
  }
  assert.deepEqual(bundledPackages, ['@bufbuild/protobuf']);
  for (const p of bundledPackages) assert.ok(!imported.has(p), `${p} is bundled, not imported`);
  for (const p of ['pino', 'classic-level']) assert.ok(imported.has(p), `${p} stays external (imported: ${[...imported].join(', ')})`);
});

/** Runs `dump` the way bin/tikv-export runs the bundle in `dir`: early workers first, then the CLI. */
function runThroughBundle(dir: string, dest: string, extra: string[]): { status: number | null; stderr: string } {
  const runner = join(tmp, `run-${basename(dir)}.mjs`);
  writeFileSync(
    runner,
    `const early = await import(${JSON.stringify(pathToFileURL(join(dir, 'early-workers.js')).href)});\n` +
      `early.startBlankWorkers(early.earlyWorkerCount(process.argv.slice(3)));\n` +
      `const { main } = await import(${JSON.stringify(pathToFileURL(join(dir, 'main.js')).href)});\n` +
      `process.exitCode = await main(process.argv.slice(2));\n`,
  );
  // a minute at most: a worker that cannot start must fail the dump at once, not after 300 s
  return spawnSync(process.execPath, [runner, 'dump', '--data-dir', FIXTURE, '--all', '--out', dest, '--log-level', 'warn', '--chunk-bytes', '1500', '--filesize', '4KiB', ...extra], { encoding: 'utf8', timeout: 60_000 });
}

function dumpThroughBundle(dest: string, extra: string[]): void {
  const r = runThroughBundle(out, dest, extra);
  assert.equal(r.status, 0, r.stderr);
}

function dumpFromSource(dest: string, extra: string[]): void {
  const r = spawnSync(process.execPath, [join(root, 'bin', 'tikv-export'), 'dump', '--data-dir', FIXTURE, '--all', '--out', dest, '--log-level', 'warn', '--chunk-bytes', '1500', '--filesize', '4KiB', ...extra], {
    encoding: 'utf8',
    env: { ...process.env, TIKV_EXPORT_FROM_SOURCE: '1' },
  });
  assert.equal(r.status, 0, r.stderr);
}

for (const threads of ['1', '2']) {
  test(`a dump through the bundle with --threads ${threads} writes what the sources write`, () => {
    const a = join(tmp, `bundle-${threads}`);
    const b = join(tmp, `source-${threads}`);
    dumpThroughBundle(a, ['--threads', threads]);
    dumpFromSource(b, ['--threads', threads]);
    assert.ok(readdirSync(a).some((f) => f.endsWith('.csv')), 'some CSV written');
    assertSameDump(a, b);
  });
}

for (const [entry, extra] of [['worker-level', ['--threads', '1']], ['worker-thread', ['--threads', '2', '--no-checkpoint']]] as const) {
  test(`a bundle whose ${entry}.js does not load fails the dump at once, saying why`, () => {
    // a broken install: the thread's entry file is missing (or, alike, a native module it loads)
    const broken = join(root, 'dist', `bundle-test-broken-${entry}-${process.pid}`);
    cpSync(out, broken, { recursive: true });
    try {
      rmSync(join(broken, `${entry}.js`));
      const started = Date.now();
      const r = runThroughBundle(broken, join(tmp, `broken-${entry}`), [...extra]);
      assert.notEqual(r.status, 0, 'the dump fails');
      assert.notEqual(r.status, null, `ended by the 60 s timeout after ${Date.now() - started} ms`);
      assert.match(r.stderr, /worker failed to start/);
      assert.match(r.stderr, new RegExp(`${entry}\\.js`));
      assert.doesNotMatch(r.stderr, /^\s+at /m, 'one line, no stack trace');
    } finally {
      rmSync(broken, { recursive: true, force: true });
    }
  });
}
