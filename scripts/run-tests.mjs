#!/usr/bin/env node
// Runs the test suite with node's built-in test runner (TypeScript through tsx).
//   node scripts/run-tests.mjs            unit suite: test/**/*.test.ts except test/live/
//   node scripts/run-tests.mjs --live     live suites only: test/live/**/*.test.ts
//   node scripts/run-tests.mjs FILE...    just these files
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const live = args.includes('--live');
const explicit = args.filter((a) => !a.startsWith('--'));

function walk(dir, out) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

let files = explicit.length > 0 ? explicit : walk(join(root, 'test'), []);
if (explicit.length === 0) {
  files = files.filter((f) => relative(root, f).startsWith(join('test', 'live')) === live);
}
files.sort();
if (files.length === 0) {
  console.error('run-tests: no test files found');
  process.exit(1);
}
const r = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=2', ...files],
  { stdio: 'inherit', cwd: root },
);
process.exit(r.status ?? 1);
