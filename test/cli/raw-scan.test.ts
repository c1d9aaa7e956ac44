// raw-scan prints exactly what `ldb --db=... --column_family=CF scan --hex` printed for the
// committed fixtures (expected/<cf>.scan.txt, RocksDB 7.8.3's own output), so the two diff clean.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from './support.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

for (const fx of ['fixtures/sample/node1', 'fixtures/tidb/mvcc']) {
  const dir = join(root, fx);
  const exp = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as { dataDir: string };
  for (const cf of ['default', 'write', 'lock', 'raft']) {
    const ldb = join(dir, 'expected', `${cf}.scan.txt`);
    test(`raw-scan ${fx} --cf ${cf} equals ldb scan --hex`, { skip: existsSync(ldb) ? false : 'no ldb capture' }, async () => {
      const want = readFileSync(ldb, 'utf8');
      const r = await run(['raw-scan', '-d', join(dir, exp.dataDir), '--cf', cf, '--log-level', 'silent']);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, want);
    });
  }
}

test('raw-scan --start/--end/--limit select the same lines as ldb --from/--to/--max_keys would', async () => {
  const dir = join(root, 'fixtures/sample/node1');
  const lines = readFileSync(join(dir, 'expected', 'write.scan.txt'), 'utf8').trimEnd().split('\n');
  assert.ok(lines.length > 10);
  const key = (l: string): string => l.slice(2, l.indexOf(' : '));
  const start = key(lines[3]!);
  const end = key(lines[9]!);
  const r = await run(['raw-scan', '-d', dir, '--cf', 'write', '--start', `0x${start}`, '--end', end, '--log-level', 'silent']);
  assert.equal(r.stdout, `${lines.slice(3, 9).join('\n')}\n`);
  const l = await run(['raw-scan', '-d', dir, '--cf', 'write', '--start', start, '--limit', '2', '--log-level', 'silent']);
  assert.equal(l.stdout, `${lines.slice(3, 5).join('\n')}\n`);
  const u = await run(['raw-scan', '-d', dir, '--cf', 'nope', '--log-level', 'silent']);
  assert.equal(u.code, 1);
  assert.match(u.stderr, /^tikv-export: error: unknown column family "nope"; this db has: .*write/);
});
