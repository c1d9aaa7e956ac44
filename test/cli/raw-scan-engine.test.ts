// `tikv-export raw-scan` over plain RocksDB directories (no TiKV region state, no TiDB catalog):
// byte-identical to what `ldb --column_family=CF scan --hex` printed for them (the committed
// ground truth in fixtures/rocksdb/<case>/expected/<cf>.scan.txt, captured from RocksDB 7.8.3).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from './support.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const base = join(root, 'fixtures', 'rocksdb');

for (const name of readdirSync(base).sort()) {
  const expectedDir = join(base, name, 'expected');
  const cfs = readdirSync(expectedDir).filter((f) => f.endsWith('.scan.txt')).map((f) => f.slice(0, -'.scan.txt'.length));
  for (const cf of cfs) {
    test(`raw-scan fixtures/rocksdb/${name} --cf ${cf} equals ldb scan --hex`, async () => {
      const r = await run(['raw-scan', '-d', join(base, name, 'db'), '--cf', cf, '--log-level', 'silent']);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, readFileSync(join(expectedDir, `${cf}.scan.txt`), 'utf8'));
    });
  }
}

test('raw-scan refuses an empty or inverted range instead of printing nothing', async () => {
  const r = await run(['raw-scan', '-d', join(base, 'wal-only', 'db'), '--cf', 'write', '--start', '0x7a75', '--end', '0x7a74', '--log-level', 'silent']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /--end must be greater than --start/);
});
