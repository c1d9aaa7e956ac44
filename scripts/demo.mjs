#!/usr/bin/env node
// npm run demo: runs tikv-export on the bundled sample cluster (fixtures/sample/node1, a TiKV data
// dir written by real RocksDB): lists its databases and tables, then dumps every user database
// into ./demo-out. A previous demo-out is replaced only if it is a finished tikv-export dump.
import { existsSync, readFileSync, rmSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = join(root, 'bin', 'tikv-export');
const dataDir = join(root, 'fixtures', 'sample', 'node1');
const out = join(process.cwd(), 'demo-out');

if (existsSync(out)) {
  const meta = join(out, 'metadata');
  const ours = existsSync(meta) && readFileSync(meta, 'utf8').includes('tikv-export');
  if (!ours && readdirSync(out).length > 0) {
    console.error(`demo: ${out} exists and is not a previous demo dump; move it away first`);
    process.exit(1);
  }
  rmSync(out, { recursive: true, force: true });
}

function run(args) {
  console.log(`\n$ tikv-export ${args.join(' ')}`);
  const r = spawnSync(process.execPath, [bin, ...args], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

run(['dbs', '--data-dir', dataDir]);
run(['tables', '--data-dir', dataDir, '--db', 'shop']);
run(['dump', '--data-dir', dataDir, '--all', '--out', out, '--log-level', 'warn']);
console.log(`\ndemo: wrote ${readdirSync(out).length} files to ${out}:`);
for (const f of readdirSync(out).sort()) console.log(`  ${f}`);
