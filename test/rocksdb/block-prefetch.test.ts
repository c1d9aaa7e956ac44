/**
 * The prefetch worker (block-prefetch.ts) on SSTs written by real RocksDB 7.8.3
 * (fixtures/rocksdb-sst): scans with it equal `sst_dump --command=scan` output, errors in damaged
 * copies are exactly those of the in-thread reader, seeks leave the prefetched run correctly,
 * and shared memory is given back when files are closed. Small batches (2 KiB) so that every
 * fixture needs several batches and slots are refilled; no stealing, so the worker does them.
 */
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FormatError } from '../../src/errors.js';
import { SstReader } from '../../src/rocksdb/sst-reader.js';
import { blockPrefetchStats, blockPrefetchWorkerReady, setBlockPrefetch } from '../../src/rocksdb/block-prefetch.js';
import { firstMismatch, followSeekPlan, readScanFile, toHex, type ScanEntry, dumpSstFile } from './sst-scan-text.js';

const dir = fileURLToPath(new URL('../../fixtures/rocksdb-sst/', import.meta.url));
const cases = readdirSync(dir)
  .filter((f) => f.endsWith('.sst') && !f.includes('reversecmp'))
  .map((f) => f.slice(0, -4))
  .sort();
const tmp = mkdtempSync(join(tmpdir(), 'sst-prefetch-'));
before(async () => {
  // Without stealing, the worker does every batch it is given (the scans here are tiny).
  setBlockPrefetch(true, { batchBytes: 2048, steal: false });
  assert.equal(await blockPrefetchWorkerReady(), true);
});
after(() => {
  setBlockPrefetch(true, { batchBytes: 512 * 1024, steal: true });
  rmSync(tmp, { recursive: true, force: true });
});

/** Entries delivered before the error, and the error. */
function scanUntilError(path: string): { seen: ScanEntry[]; error: FormatError | undefined } {
  const r = SstReader.open(path);
  const seen: ScanEntry[] = [];
  try {
    const c = r.cursor();
    for (c.seekToFirst(); c.valid(); c.next()) {
      seen.push({ key: toHex(c.userKey()), seq: c.seq(), type: c.kind(), value: toHex(c.value()) });
    }
    return { seen, error: undefined };
  } catch (e) {
    if (e instanceof FormatError) return { seen, error: e };
    throw e;
  } finally {
    r.close();
  }
}

test('with the prefetch worker every fixture scans to exactly the sst_dump entries', () => {
  const before = blockPrefetchStats();
  for (const name of cases) {
    const want = readScanFile(`${dir}${name}.scan.txt.gz`);
    const got = dumpSstFile(`${dir}${name}.sst`);
    const i = firstMismatch(got, want);
    assert.equal(i, -1, `${name} entry ${i}: got ${JSON.stringify(got[i])}, want ${JSON.stringify(want[i])}`);
  }
  const st = blockPrefetchStats();
  // The worker really delivered blocks (files without a dictionary, after their 3rd block).
  assert.ok(st.workerBlocks - before.workerBlocks > 100, JSON.stringify(st));
  assert.ok(st.cursors - before.cursors >= 10, JSON.stringify(st));
  // Closed files gave their slots back: one cursor's worth, reused by every later file.
  assert.ok(st.slots <= 6, `slots in the pool: ${st.slots}`);
});

for (const name of ['fv5-crc32c-none-datahash', 'fv5-xxh3-lz4-binary', 'fv3-crc32c-zstd-restart4', 'fv3-xxhash-snappy-binary']) {
  test(`${name}: a damaged block fails the same way with and without the worker`, () => {
    const r = SstReader.open(`${dir}${name}.sst`);
    const hs = r.dataBlockHandles();
    r.close();
    assert.ok(hs.length >= 8, `${hs.length} blocks`);
    for (const victim of [hs[4]!, hs[hs.length - 2]!]) {
      const p = join(tmp, `${name}-${victim.offset}.sst`);
      copyFileSync(`${dir}${name}.sst`, p);
      const buf = readFileSync(p);
      buf[victim.offset + Math.floor(victim.size / 2)] ^= 0x10;
      writeFileSync(p, buf);
      const workerBefore = blockPrefetchStats().workerBlocks;
      const withWorker = scanUntilError(p);
      assert.ok(blockPrefetchStats().workerBlocks > workerBefore, 'the worker took part');
      setBlockPrefetch(false);
      const inThread = scanUntilError(p);
      setBlockPrefetch(true);
      assert.ok(inThread.error !== undefined && withWorker.error !== undefined);
      assert.equal(withWorker.error.code, 'corruption');
      assert.equal(withWorker.error.offset, victim.offset);
      assert.equal(withWorker.error.message, inThread.error.message);
      assert.equal(withWorker.error.file, inThread.error.file);
      assert.equal(withWorker.error.expected, inThread.error.expected);
      assert.equal(withWorker.error.found, inThread.error.found);
      assert.deepEqual(withWorker.seen, inThread.seen);
    }
  });
}

test('seeks in the middle of a prefetched run land where sst_dump order says', () => {
  for (const name of ['fv5-crc32c-none-datahash', 'fv5-crc32c-zstd-partitioned', 'fv2-crc32c-none-binary']) {
    const want = readScanFile(`${dir}${name}.scan.txt.gz`);
    const r = SstReader.open(`${dir}${name}.sst`);
    try {
      const c = r.cursor();
      const n = want.length;
      // Scan a stretch (prefetch starts), jump back, forward, and scan on to the end.
      const plan: [number, number][] = [
        [0, Math.floor(n * 0.6)],
        [Math.floor(n * 0.1), Math.floor(n * 0.3)],
        [Math.floor(n * 0.8), n],
      ];
      followSeekPlan(c, want, plan, name);
    } finally {
      r.close();
    }
  }
});

test('with stealing (the default) scans are still exactly the sst_dump entries', () => {
  setBlockPrefetch(true, { steal: true });
  try {
    for (let round = 0; round < 3; round++) {
      for (const name of cases) {
        const want = readScanFile(`${dir}${name}.scan.txt.gz`);
        const got = dumpSstFile(`${dir}${name}.sst`);
        assert.equal(firstMismatch(got, want), -1, name);
      }
    }
  } finally {
    setBlockPrefetch(true, { steal: false });
  }
});

test('forward seeks (same block, later block of the batch) keep one prefetch run and land right', () => {
  for (const name of ['fv5-crc32c-none-datahash', 'fv3-crc32c-zstd-restart4', 'fv5-xxh3-lz4-binary']) {
    const want = readScanFile(`${dir}${name}.scan.txt.gz`);
    const firstOf = new Map<string, number>();
    want.forEach((e, i) => {
      if (!firstOf.has(e.key)) firstOf.set(e.key, i);
    });
    const keys = [...firstOf.keys()];
    const r = SstReader.open(`${dir}${name}.sst`);
    try {
      const c = r.cursor();
      c.seekToFirst();
      for (let i = 0; i < 40; i++) c.next(); // a few blocks: prefetching has started
      const runsBefore = blockPrefetchStats().cursors;
      for (let j = 40; j < keys.length; j += 3) {
        c.seek(Buffer.from(keys[j]!, 'hex'));
        const e = want[firstOf.get(keys[j]!)!]!;
        assert.ok(c.valid());
        assert.equal(toHex(c.userKey()), e.key, `${name} key ${j}`);
        assert.equal(c.seq(), e.seq);
        assert.equal(toHex(c.value()), e.value);
      }
      assert.ok(blockPrefetchStats().cursors - runsBefore <= 1, `prefetch restarted ${blockPrefetchStats().cursors - runsBefore} times`);
    } finally {
      r.close();
    }
  }
});
