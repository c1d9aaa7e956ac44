/**
 * Chunk planner (src/export/chunks.ts) on fixtures/tidb/chunks (written by RocksDB 7.8.3 with
 * 256-byte blocks). Ground truth from outside our code:
 *  - every boundary is the raw key of a real write-CF key RocksDB itself printed
 *    (expected/write.scan.txt, `ldb scan --hex`), i.e. a data-block first key, never a point
 *    between two versions of a row;
 *  - reading the table chunk by chunk gives exactly the rows of the hand-written expected.json,
 *    in order, each once.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { chunkEstimates, chunkSpecs, planBoundaries, plannedChunkBytes, segmentRange, splitRange, thin } from '../../src/export/chunks.js';
import { openSession } from '../../src/export/session.js';
import { RocksDb } from '../../src/rocksdb/db.js';
import { compareBytes } from '../../src/tikv/memcomparable.js';
import { encodeDataKey } from '../../src/tikv/mvcc-key.js';
import { recordRange } from '../../src/tidb/record-key.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const FIX = join(root, 'fixtures', 'tidb', 'chunks');
const DB = join(FIX, 'data', 'db');
const hex = (u: Uint8Array): string => Buffer.from(u).toString('hex').toUpperCase();

const ldbWriteKeys: string[] = readFileSync(join(FIX, 'expected', 'write.scan.txt'), 'utf8')
  .split('\n')
  .filter((l) => l.startsWith('0x'))
  .map((l) => l.slice(2, l.indexOf(' ')));

interface Expected {
  databases: { name: string; tables?: { name: string; id: number; physicalIds: number[]; rows: unknown[][]; columns: unknown[] }[] }[];
}
const expected = JSON.parse(readFileSync(join(FIX, 'expected.json'), 'utf8')) as Expected;
const bigTables = expected.databases.find((d) => d.name === 'big')!.tables!;

test('boundaries: sorted, inside the record range, each the raw key of a write-CF key ldb printed', () => {
  const db = RocksDb.open(DB);
  try {
    let total = 0;
    for (const t of bigTables) {
      for (const pid of t.physicalIds) {
        const range = recordRange(pid);
        const plan = planBoundaries(db.liveFiles('write'), range, 2000);
        total += plan.boundaries.length;
        for (let i = 0; i < plan.boundaries.length; i++) {
          const b = plan.boundaries[i]!;
          assert.ok(compareBytes(b, range.start) > 0 && compareBytes(b, range.end) < 0, 'inside the range');
          if (i > 0) assert.ok(compareBytes(plan.boundaries[i - 1]!, b) < 0, 'strictly ascending');
          const enc = hex(encodeDataKey(b));
          // a real key: 'z' + mc(raw) followed by an 8-byte ts in ldb's output
          assert.ok(ldbWriteKeys.some((k) => k.startsWith(enc) && k.length === enc.length + 16), `boundary ${enc} is a key RocksDB printed`);
        }
        // deterministic
        assert.deepEqual(planBoundaries(db.liveFiles('write'), range, 2000).boundaries.map(hex), plan.boundaries.map(hex));
        // bigger chunks -> fewer boundaries; no target -> none
        assert.ok(planBoundaries(db.liveFiles('write'), range, 8000).boundaries.length <= plan.boundaries.length);
        assert.equal(planBoundaries(db.liveFiles('write'), range, 0).boundaries.length, 0);
      }
    }
    assert.ok(total > 30, `many boundaries over the fixture (${total})`);
  } finally {
    db.close();
  }
});

const ldbDefaultKeys: string[] = readFileSync(join(FIX, 'expected', 'default.scan.txt'), 'utf8')
  .split('\n')
  .filter((l) => l.startsWith('0x'))
  .map((l) => l.slice(2, l.indexOf(' ')));

test('default-CF blocks count too: a table of long rows (values in the default CF) gets boundaries from them', () => {
  const db = RocksDb.open(DB);
  try {
    const notes = bigTables.find((t) => t.name === 'notes')!;
    const range = recordRange(notes.physicalIds[0]!);
    const writeOnly = planBoundaries(db.liveFiles('write'), range, 2000);
    const defaultOnly = planBoundaries(db.liveFiles('default'), range, 2000);
    const both = planBoundaries([...db.liveFiles('write'), ...db.liveFiles('default')], range, 2000);
    assert.ok(defaultOnly.boundaries.length > 0, 'the default CF alone gives boundaries');
    for (const b of defaultOnly.boundaries) {
      const enc = hex(encodeDataKey(b));
      assert.ok(ldbDefaultKeys.some((k) => k.startsWith(enc) && k.length === enc.length + 16), `boundary ${enc} is a default-CF key RocksDB printed`);
    }
    assert.equal(both.bytes, writeOnly.bytes + defaultOnly.bytes, 'bytes of both CFs are counted');
    assert.ok(both.boundaries.length > writeOnly.boundaries.length, `more chunks with the default CF (${both.boundaries.length} vs ${writeOnly.boundaries.length})`);
    for (let i = 1; i < both.boundaries.length; i++) assert.ok(compareBytes(both.boundaries[i - 1]!, both.boundaries[i]!) < 0, 'strictly ascending');
    // the dump source plans with both CFs
    const s = openSession(DB, {});
    try {
      assert.deepEqual(s.dumpSource('UTC').chunkBoundaries!(notes.physicalIds[0]!, 2000).map(hex), both.boundaries.map(hex));
    } finally {
      s.close();
    }
  } finally {
    db.close();
  }
});

test('chunk by chunk, every expected row comes out once, in order (partitions: one chunk may span them)', () => {
  const s = openSession(DB, {});
  try {
    const src = s.dumpSource('UTC');
    for (const t of bigTables) {
      const parts = t.physicalIds.map((pid) => ({ physicalId: pid, ranges: splitRange(recordRange(pid), src.chunkBoundaries!(pid, 2000)) }));
      const specs = chunkSpecs(parts);
      if (t.rows.length > 300) assert.ok(specs.length > 3, `${t.name}: several chunks (${specs.length})`);
      specs.forEach((c, i) => assert.equal(c.index, i));
      let n = 0;
      for (const c of specs) {
        for (const g of c.segments) {
          const scan = src.scanRows(g.physicalId, segmentRange(g));
          while (scan.next()) n++;
        }
      }
      assert.equal(n, t.rows.length, `big.${t.name}`);
    }
  } finally {
    s.close();
  }
});

test('splitRange and thin', () => {
  const k = (s: string): Uint8Array => Buffer.from(s);
  const r = splitRange({ start: k('a'), end: k('z') }, [k('f'), k('m')]);
  assert.deepEqual(r.map((x) => [Buffer.from(x.start).toString(), Buffer.from(x.end).toString()]), [['a', 'f'], ['f', 'm'], ['m', 'z']]);
  const keys = ['b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'].map(k);
  assert.deepEqual(thin(keys, 3).map((x) => Buffer.from(x).toString()), ['d', 'f', 'h']);
  assert.equal(thin(keys, 0).length, 0);
  assert.equal(thin(keys, 20).length, 8);
  // a partitioned table without boundaries: one chunk over both partitions
  const specs = chunkSpecs([
    { physicalId: 1, ranges: [{ start: k('a'), end: k('b') }] },
    { physicalId: 2, ranges: [{ start: k('c'), end: k('d') }, { start: k('d'), end: k('e') }] },
  ]);
  assert.deepEqual(specs.map((c) => c.segments.map((g) => g.physicalId)), [[1, 2], [2]]);
});

test('files wholly inside the range skip the binary search: same plan as with every file searched', () => {
  const db = RocksDb.open(DB);
  try {
    const files = [...db.liveFiles('write'), ...db.liveFiles('default')];
    // bounds that say nothing (smallest <= and largest >= any key): every file is binary-searched
    const unknown = files.map((f) => ({ ...f, smallestKey: new Uint8Array(0), largestKey: new Uint8Array(64).fill(0xff) }));
    let compared = 0;
    for (const t of expected.databases.flatMap((d) => d.tables ?? [])) {
      for (const pid of t.physicalIds) {
        for (const target of [300, 2000, 8000]) {
          const fast = planBoundaries(files, recordRange(pid), target);
          const searched = planBoundaries(unknown, recordRange(pid), target);
          assert.equal(fast.bytes, searched.bytes, `bytes of table ${t.name} (${pid}) at ${target}`);
          assert.deepEqual(fast.boundaries.map(hex), searched.boundaries.map(hex), `boundaries of table ${t.name} (${pid}) at ${target}`);
          compared += fast.boundaries.length;
        }
      }
    }
    assert.ok(compared > 30, `many boundaries compared (${compared})`);
  } finally {
    db.close();
  }
});

test('chunkBytes: one estimate per chunk, adding up to the bytes; each close to the chunk it estimates', () => {
  const db = RocksDb.open(DB);
  try {
    const files = [...db.liveFiles('write'), ...db.liveFiles('default')];
    for (const t of bigTables) {
      for (const pid of t.physicalIds) {
        for (const target of [300, 2000, 8000, 0]) {
          const plan = planBoundaries(files, recordRange(pid), target);
          assert.equal(plan.chunkBytes.length, plan.boundaries.length + 1);
          assert.equal(plan.chunkBytes.reduce((a, b) => a + b, 0), plan.bytes, `estimates of ${t.name} at ${target} add up`);
          assert.equal(plannedChunkBytes(plan.boundaries), plan.chunkBytes, 'found again from the boundaries array');
          if (target === 2000 && plan.boundaries.length >= 2) {
            // chunks of about 2000 bytes of blocks: no estimate wildly off (each chunk starts at a
            // candidate; the runs of blocks between candidates are about the target)
            for (const e of plan.chunkBytes) assert.ok(e <= 4 * 2000 + 4096, `estimate ${e} of ${t.name}`);
          }
        }
      }
    }
    assert.equal(plannedChunkBytes([]), undefined, 'an array planBoundaries did not make has none');
  } finally {
    db.close();
  }
});

test('chunkEstimates groups like chunkSpecs: a partition\'s first range joins the chunk before it', () => {
  const r = (a: number, b: number): { start: Uint8Array; end: Uint8Array } => ({ start: Uint8Array.of(a), end: Uint8Array.of(b) });
  const parts = [
    { physicalId: 1, ranges: [r(0, 1), r(1, 2)], bytes: [10, 20] },
    { physicalId: 2, ranges: [r(0, 1), r(1, 2), r(2, 3)], bytes: [5, 6, 7] },
    { physicalId: 3, ranges: [r(0, 1)], bytes: [100] },
  ];
  assert.equal(chunkSpecs(parts).length, 4);
  assert.deepEqual(chunkEstimates(parts), [10, 25, 6, 107]);
  assert.deepEqual(chunkEstimates([parts[0]!, { ...parts[1]!, bytes: undefined }]), [10, undefined, undefined, undefined]);
});
