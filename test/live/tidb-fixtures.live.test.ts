/**
 * Live (needs tools/fixture-writer + Debian's ldb): regenerates every TiDB scenario into a temp
 * dir with the real RocksDB writer and checks that fresh `ldb scan --hex` output of every CF equals
 * the committed fixtures/.../expected/<cf>.scan.txt, and that ops.txt / expected.json are
 * byte-identical (logical reproducibility; SST bytes themselves carry session ids and times).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ldbScanText, repoRoot } from '../support/fixture-writer.js';
import { allScenarios } from '../support/tidb-builder/scenarios/index.js';
import { CFS, generate } from '../../scripts/make-tidb-fixtures.js';

for (const target of allScenarios) {
  test(`regenerate ${target.fixtureDir}: ldb scans equal the committed ones`, () => {
    const tmp = mkdtempSync(join(tmpdir(), 'tidb-fixture-'));
    try {
      const fresh = join(tmp, 'fx');
      generate(target, fresh);
      const committed = join(repoRoot, target.fixtureDir);
      for (const f of ['ops.txt', 'expected.json']) {
        assert.equal(readFileSync(join(fresh, f), 'utf8'), readFileSync(join(committed, f), 'utf8'), `${target.fixtureDir}/${f}`);
      }
      for (const cf of CFS) {
        const a = readFileSync(join(fresh, 'expected', `${cf}.scan.txt`), 'utf8');
        const b = readFileSync(join(committed, 'expected', `${cf}.scan.txt`), 'utf8');
        assert.equal(a, b, `${target.fixtureDir} cf ${cf}`);
      }
      checkLayout(join(fresh, target.dbSubdir), readFileSync(join(fresh, 'ops.txt'), 'utf8'));
      // The committed RocksDB directory itself still scans to the committed text
      // (ldbScanText copies the directory first, so the committed files are never touched).
      for (const cf of CFS) {
        const b = readFileSync(join(committed, 'expected', `${cf}.scan.txt`), 'utf8');
        assert.equal(ldbScanText(join(committed, target.dbSubdir), cf), b, `committed db ${target.fixtureDir} cf ${cf}`);
      }
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
}

function sstDump(file: string, args: string[]): string {
  const r = spawnSync('sst_dump', [`--file=${file}`, ...args], { encoding: 'utf8', maxBuffer: 256 << 20 });
  assert.equal(r.status, 0, `sst_dump ${file}: ${r.stderr}`);
  return r.stdout;
}

/**
 * The claims the fixtures make about their physical layout, checked with sst_dump:
 * write-CF SSTs exist uncompressed (L0), LZ4 (L2-L4) and ZSTD (L6); the write-CF entries put after
 * the last flush are in no SST at all (they live only in the WAL).
 */
function checkLayout(dbDir: string, ops: string): void {
  const ssts = readdirSync(dbDir).filter((n) => n.endsWith('.sst'));
  assert.ok(readdirSync(dbDir).some((n) => n.endsWith('.log')), 'a WAL file exists');
  const writeAlgos = new Set<string>();
  const sstKeys = new Set<string>();
  for (const n of ssts) {
    const props = sstDump(join(dbDir, n), ['--show_properties']);
    const cf = /column family name: (\S+)/.exec(props)?.[1];
    const algo = /SST file compression algo: (\S+)/.exec(props)?.[1];
    if (cf === 'write' && algo !== undefined) writeAlgos.add(algo);
    for (const m of sstDump(join(dbDir, n), ['--command=scan', '--output_hex']).matchAll(/^'([0-9A-F]*)' seq:/gm)) sstKeys.add(m[1]!.toLowerCase());
  }
  assert.ok(sstKeys.size > 10, 'sst_dump scans returned keys');
  assert.deepEqual([...writeAlgos].sort(), ['LZ4', 'NoCompression', 'ZSTD']);
  const lines = ops.split('\n');
  const lastFlush = lines.map((l) => l.startsWith('flush')).lastIndexOf(true);
  const walOnly = lines.slice(lastFlush + 1).filter((l) => l.startsWith('put write ')).map((l) => l.split(' ')[2]!);
  assert.ok(walOnly.length > 0, 'some writes are WAL-only');
  for (const k of walOnly) assert.ok(!sstKeys.has(k), `WAL-only write key ${k} found in an SST`);
}
