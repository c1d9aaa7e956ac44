/**
 * The SST cursor without the prefetch worker (as the chunk workers run it): data blocks sliced
 * from a read-ahead window and zstd blocks decompressed into the cursor's reused buffers.
 * Ground truth: `sst_dump --command=scan` of files written by real RocksDB 7.8.3
 * (fixtures/rocksdb-sst). Windows of 1-4 KiB so that these small files need many refills,
 * blocks larger than the window, and windows that end mid-block.
 */
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FormatError } from '../../src/errors.js';
import { SstReader, setSstReadAhead } from '../../src/rocksdb/sst-reader.js';
import { setBlockPrefetch } from '../../src/rocksdb/block-prefetch.js';
import { firstMismatch, followSeekPlan, readScanFile, toHex, type ScanEntry, dumpSstFile } from './sst-scan-text.js';

const dir = fileURLToPath(new URL('../../fixtures/rocksdb-sst/', import.meta.url));
const cases = readdirSync(dir)
  .filter((f) => f.endsWith('.sst') && !f.includes('reversecmp'))
  .map((f) => f.slice(0, -4))
  .sort();
const tmp = mkdtempSync(join(tmpdir(), 'sst-readahead-'));
const windows: [number, number][] = [
  [1024, 4096],
  [700, 700], // smaller than most blocks + trailer: every window is exactly one block
  [64 * 1024, 256 * 1024], // the default: a whole fixture file in one read
];
before(() => setBlockPrefetch(false));
after(() => {
  setBlockPrefetch(true);
  setSstReadAhead(64 * 1024, 256 * 1024);
  rmSync(tmp, { recursive: true, force: true });
});

test('without the prefetch worker every fixture scans to exactly the sst_dump entries', () => {
  for (const [min, max] of windows) {
    setSstReadAhead(min, max);
    for (const name of cases) {
      const want = readScanFile(`${dir}${name}.scan.txt.gz`);
      const got = dumpSstFile(`${dir}${name}.sst`);
      const i = firstMismatch(got, want);
      assert.equal(i, -1, `${name} window ${min}/${max} entry ${i}: got ${JSON.stringify(got[i])}, want ${JSON.stringify(want[i])}`);
    }
  }
});

test('values stay intact until the cursor moves across block and window boundaries', () => {
  // Each value is read twice: right after positioning and again just before next(), after the
  // key was read (a decompression into a buffer the current block views would change it).
  setSstReadAhead(1024, 2048);
  for (const name of ['fv3-crc32c-zstd-restart4', 'fv5-crc32c-zstd-partitioned', 'fv2-crc32c-none-binary', 'fv5-xxh3-lz4-binary']) {
    const want = readScanFile(`${dir}${name}.scan.txt.gz`);
    const r = SstReader.open(`${dir}${name}.sst`);
    try {
      const c = r.cursor();
      let i = 0;
      for (c.seekToFirst(); c.valid(); c.next(), i++) {
        const v = c.value();
        assert.equal(toHex(c.userKey()), want[i]!.key, `${name} entry ${i}`);
        assert.equal(toHex(v), want[i]!.value, `${name} entry ${i}`);
      }
      assert.equal(i, want.length);
    } finally {
      r.close();
    }
  }
});

test('seeks back into an earlier window and forward past it land where sst_dump order says', () => {
  setSstReadAhead(1024, 4096);
  for (const name of ['fv5-crc32c-none-datahash', 'fv5-crc32c-zstd-partitioned', 'fv3-crc32c-zstd-restart4']) {
    const want = readScanFile(`${dir}${name}.scan.txt.gz`);
    const r = SstReader.open(`${dir}${name}.sst`);
    try {
      const c = r.cursor();
      const n = want.length;
      const plan: [number, number][] = [
        [0, Math.floor(n * 0.6)],
        [Math.floor(n * 0.1), Math.floor(n * 0.3)],
        [Math.floor(n * 0.25), Math.floor(n * 0.5)],
        [Math.floor(n * 0.8), n],
      ];
      followSeekPlan(c, want, plan, name);
    } finally {
      r.close();
    }
  }
});

for (const name of ['fv5-crc32c-none-datahash', 'fv3-crc32c-zstd-restart4', 'fv5-xxh3-lz4-binary', 'fv5-crc32c-zstd-firstkey']) {
  test(`${name}: a damaged block inside a read-ahead window -> checksum corruption at its offset`, () => {
    setSstReadAhead(4096, 8192);
    const r = SstReader.open(`${dir}${name}.sst`);
    const hs = r.dataBlockHandles();
    r.close();
    assert.ok(hs.length >= 8, `${hs.length} blocks`);
    const want = readScanFile(`${dir}${name}.scan.txt.gz`);
    for (const victim of [hs[3]!, hs[hs.length - 2]!]) {
      const p = join(tmp, `${name}-${victim.offset}.sst`);
      copyFileSync(`${dir}${name}.sst`, p);
      const buf = readFileSync(p);
      buf[victim.offset + Math.floor(victim.size / 2)] ^= 0x10;
      writeFileSync(p, buf);
      const rr = SstReader.open(p);
      const seen: ScanEntry[] = [];
      let err: unknown;
      try {
        const c = rr.cursor();
        for (c.seekToFirst(); c.valid(); c.next()) {
          seen.push({ key: toHex(c.userKey()), seq: c.seq(), type: c.kind(), value: toHex(c.value()) });
        }
      } catch (e) {
        err = e;
      } finally {
        rr.close();
      }
      assert.ok(err instanceof FormatError, String(err));
      assert.equal(err.code, 'corruption');
      assert.equal(err.file, p);
      assert.equal(err.offset, victim.offset);
      assert.match(err.message, /data block checksum mismatch/);
      // Everything delivered before the error came from the intact blocks before it.
      assert.ok(seen.length > 0 && seen.length < want.length);
      assert.equal(firstMismatch(seen, want.slice(0, seen.length)), -1);
    }
  });
}
