/**
 * Live check of the SST reader (needs g++, Debian's librocksdb-dev and rocksdb-tools 7.8.3):
 * tools/sst-gen is rebuilt, every case regenerated into a temp dir (tools/sst-gen/regen.sh),
 * and SstReader's entries compared with a freshly printed `sst_dump --command=scan
 * --output_hex`, entry by entry; range tombstones with `sst_dump --command=raw`. The fresh
 * files differ from the committed ones in ids/timestamps, never in content, so the committed
 * scan text must equal the fresh one too.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SstReader } from '../../src/rocksdb/sst-reader.js';
import { dumpCursor, firstMismatch, parseScanText, readScanFile, toHex } from '../rocksdb/sst-scan-text.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const out = mkdtempSync(join(tmpdir(), 'sst-gen-live-'));
after(() => rmSync(out, { recursive: true, force: true }));

test('regenerate SSTs with RocksDB and compare SstReader with fresh sst_dump output', () => {
  const r = spawnSync('sh', ['tools/sst-gen/regen.sh', out], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, SST_GEN_BIN: join(out, 'sst-gen') },
  });
  assert.equal(r.status, 0, `regen.sh failed: ${r.stderr}`);
  const cases = readdirSync(out)
    .filter((f) => f.endsWith('.sst'))
    .map((f) => f.slice(0, -4))
    .sort();
  const committed = readdirSync(join(root, 'fixtures/rocksdb-sst'))
    .filter((f) => f.endsWith('.sst'))
    .map((f) => f.slice(0, -4))
    .sort();
  assert.deepEqual(cases, committed);
  for (const name of cases) {
    if (name.endsWith('-reversecmp')) {
      assert.throws(() => SstReader.open(join(out, `${name}.sst`)), /unsupported: SST uses comparator/);
      continue;
    }
    const want = readScanFile(join(out, `${name}.scan.txt.gz`));
    assert.ok(want.length >= 200, name);
    const reader = SstReader.open(join(out, `${name}.sst`));
    try {
      const got = dumpCursor(reader.cursor());
      const i = firstMismatch(got, want);
      assert.equal(i, -1, `${name} entry ${i}: got ${JSON.stringify(got[i])} want ${JSON.stringify(want[i])}`);
      const rd = readFileSync(join(out, `${name}.rangedel.txt`), 'utf8').trim();
      assert.deepEqual(
        reader.rangeTombstones().map((t) => `${toHex(t.start)}: ${toHex(t.end)}`),
        rd === '' ? [] : rd.split('\n'),
        name,
      );
    } finally {
      reader.close();
    }
    // content is deterministic: the committed ground truth equals the fresh one
    const committedScan = readScanFile(join(root, 'fixtures/rocksdb-sst', `${name}.scan.txt.gz`));
    assert.equal(firstMismatch(committedScan, want), -1, `${name}: committed scan differs from a fresh run`);
  }
});

test('every .sst under fixtures/ reads exactly as a live sst_dump prints it', () => {
  const walk = (d: string, out: string[]): string[] => {
    for (const n of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, n.name);
      if (n.isDirectory()) walk(p, out);
      else if (n.name.endsWith('.sst')) out.push(p);
    }
    return out;
  };
  const files = walk(join(root, 'fixtures'), []);
  assert.ok(files.length >= 30);
  let compared = 0;
  for (const f of files) {
    if (f.endsWith('-reversecmp.sst')) continue; // refused on purpose (sst-reader.test.ts)
    const r = spawnSync('sst_dump', [`--file=${f}`, '--command=scan', '--output_hex'], { encoding: 'utf8', maxBuffer: 1 << 28 });
    assert.equal(r.status, 0, `sst_dump ${f}: ${r.stderr}`);
    const want = parseScanText(r.stdout);
    const reader = SstReader.open(f); // no MANIFEST seqno, like sst_dump
    try {
      const got = dumpCursor(reader.cursor());
      const i = firstMismatch(got, want);
      assert.equal(i, -1, `${f} entry ${i}: got ${JSON.stringify(got[i])} want ${JSON.stringify(want[i])}`);
      compared++;
    } finally {
      reader.close();
    }
  }
  assert.equal(compared, files.length - 1);
});
