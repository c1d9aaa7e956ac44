/**
 * Live (needs tools/fixture-writer + Debian's ldb and sst_dump): regenerates the three
 * fixtures/multinode images with the real RocksDB writer; fresh `ldb scan --hex` of every CF,
 * ops.txt and expected.json equal the committed ones, the committed dbs still scan to the
 * committed text, and the writes the scenario puts after a node's last flush (the newest ones)
 * are in none of that node's SSTs (sst_dump) — they live only in its WAL.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ldbScanText, repoRoot } from '../support/fixture-writer.js';
import { CFS, generate } from '../../scripts/make-tidb-fixtures.js';
import { nodeScenario } from '../../scripts/make-multinode-fixtures.js';

function sstKeys(dbDir: string): Set<string> {
  const keys = new Set<string>();
  for (const n of readdirSync(dbDir).filter((f) => f.endsWith('.sst'))) {
    const r = spawnSync('sst_dump', [`--file=${join(dbDir, n)}`, '--command=scan', '--output_hex'], { encoding: 'utf8', maxBuffer: 64 << 20 });
    assert.equal(r.status, 0, r.stderr);
    for (const m of r.stdout.matchAll(/^'([0-9A-F]*)' seq:/gm)) keys.add(m[1]!.toLowerCase());
  }
  return keys;
}

for (const n of [1, 2, 3] as const) {
  test(`regenerate fixtures/multinode/node${n}: same ops, expectations and ldb scans; newest writes WAL-only`, () => {
    const tmp = mkdtempSync(join(tmpdir(), 'multinode-fixture-'));
    try {
      const fresh = join(tmp, `node${n}`);
      const committed = join(repoRoot, 'fixtures', 'multinode', `node${n}`);
      generate({ scenario: nodeScenario(n), fixtureDir: fresh, dbSubdir: 'db', dataDirHint: '.' }, fresh);
      for (const f of ['ops.txt', 'expected.json']) assert.equal(readFileSync(join(fresh, f), 'utf8'), readFileSync(join(committed, f), 'utf8'), f);
      for (const cf of CFS) {
        const want = readFileSync(join(committed, 'expected', `${cf}.scan.txt`), 'utf8');
        assert.equal(readFileSync(join(fresh, 'expected', `${cf}.scan.txt`), 'utf8'), want, `fresh cf ${cf}`);
        assert.equal(ldbScanText(join(committed, 'db'), cf), want, `committed db cf ${cf}`);
      }
      const ops = readFileSync(join(committed, 'ops.txt'), 'utf8').split('\n');
      const lastFlush = ops.map((l) => l.startsWith('flush')).lastIndexOf(true);
      const walOnly = ops.slice(lastFlush + 1).filter((l) => l.startsWith('put write ')).map((l) => l.split(' ')[2]!);
      const inSst = sstKeys(join(committed, 'db'));
      if (n === 3) assert.equal(walOnly.length, 0, 'node3 flushed everything');
      else assert.ok(walOnly.length > 0, 'node has WAL-only writes');
      for (const k of walOnly) assert.ok(!inSst.has(k), `WAL-only write key ${k} found in an SST`);
      const ldbWrite = readFileSync(join(committed, 'expected', 'write.scan.txt'), 'utf8').toLowerCase();
      for (const k of walOnly) assert.ok(ldbWrite.includes(`0x${k} :`), `RocksDB sees the WAL-only write ${k}`);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
}
