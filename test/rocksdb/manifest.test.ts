/**
 * MANIFEST replay checked against `ldb manifest_dump --hex --verbose` (RocksDB 7.8.3) of the
 * committed fixtures: the final per-CF state (log number, live files per level with size,
 * seq range and key range) and the global counters.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCurrent, parseManifest, readManifestOfDb, type ManifestState } from '../../src/rocksdb/manifest.js';
import { FormatError } from '../../src/errors.js';
import { crc32c, maskCrc } from '../../src/rocksdb/checksum.js';
import { encodeVarint } from '../../src/rocksdb/varint.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const cases: string[] = [
  ...[
    'tikv-levels',
    'wal-only',
    'ingested',
    'first-key-hash',
    'fv2-snappy-binary',
    'large-values',
    'partitioned-index',
  ].map((c) => join(root, 'fixtures/rocksdb', c)),
  ...readdirSync(join(root, 'fixtures/rocksdb-log')).map((c) => join(root, 'fixtures/rocksdb-log', c)),
].filter((d) => existsSync(join(d, 'expected/manifest.txt')));

interface DumpCf {
  id: number;
  name: string;
  logNumber: number;
  files: string[]; // "level:number:size[sseq..lseq][skey..lkey]" sorted
}

/** Parse the final-state section that manifest_dump prints after the edits. */
function parseDump(text: string): { cfs: DumpCf[]; lastSequence: number; minLogToKeep: number; maxCf: number; nextFileEdit: number } {
  const lines = text.split('\n');
  const cfs: DumpCf[] = [];
  let cur: DumpCf | null = null;
  let level = -1;
  let lastSequence = -1;
  let minLogToKeep = -1;
  let maxCf = -1;
  let nextFileEdit = -1;
  for (const line of lines) {
    let m = /^ {2}NextFileNumber: (\d+)$/.exec(line);
    if (m) nextFileEdit = Number(m[1]);
    m = /^-+ Column family "(.*)" {2}\(ID (\d+)\) -+$/.exec(line);
    if (m) {
      cur = { id: Number(m[2]), name: m[1]!, logNumber: -1, files: [] };
      cfs.push(cur);
      continue;
    }
    m = /^log number: (\d+)$/.exec(line);
    if (m && cur) cur.logNumber = Number(m[1]);
    m = /^--- level (\d+) ---/.exec(line);
    if (m) level = Number(m[1]);
    m = /^ (\d+):(\d+)\[(\d+) \.\. (\d+)\]\['([0-9A-F]*)' seq:\d+, type:\d+ \.\. '([0-9A-F]*)' seq:\d+, type:\d+\]$/.exec(line);
    if (m && cur) {
      cur.files.push(`${level}:${m[1]}:${m[2]}[${m[3]}..${m[4]}][${m[5]!.toLowerCase()}..${m[6]!.toLowerCase()}]`);
    }
    m = /^next_file_number (\d+) last_sequence (\d+) +prev_log_number \d+ max_column_family (\d+) min_log_number_to_keep (\d+)$/.exec(line);
    if (m) {
      lastSequence = Number(m[2]);
      maxCf = Number(m[3]);
      minLogToKeep = Number(m[4]);
    }
  }
  for (const c of cfs) c.files.sort();
  return { cfs, lastSequence, minLogToKeep, maxCf, nextFileEdit };
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

function ours(st: ManifestState): DumpCf[] {
  return [...st.cfs.values()]
    .filter((c) => !c.dropped)
    .map((c) => ({
      id: c.id,
      name: c.name,
      logNumber: c.logNumber,
      files: [...c.files.values()]
        .map((f) => `${f.level}:${f.fileNumber}:${f.size}[${f.smallestSeq}..${f.largestSeq}][${hex(f.smallestKey)}..${hex(f.largestKey)}]`)
        .sort(),
    }))
    .sort((a, b) => a.id - b.id);
}

test('fixtures exist', () => {
  assert.ok(cases.length >= 2, `found ${cases.length} fixture MANIFEST dumps`);
});

for (const dir of cases) {
  test(`MANIFEST of ${dir.replace(root, '')} matches ldb manifest_dump`, () => {
    const dump = parseDump(readFileSync(join(dir, 'expected/manifest.txt'), 'utf8'));
    assert.ok(dump.cfs.length > 0, 'dump has column families');
    const { state } = readManifestOfDb(join(dir, 'db'));
    assert.deepEqual(ours(state), dump.cfs.sort((a, b) => a.id - b.id));
    assert.equal(state.lastSequence, dump.lastSequence);
    assert.equal(state.minLogNumberToKeep, dump.minLogToKeep);
    assert.equal(state.maxColumnFamily, dump.maxCf);
    assert.equal(state.nextFileNumber, dump.nextFileEdit);
  });
}

test('tikv-levels: files on several levels including L0 and L6 (ground truth spot check)', () => {
  const { state } = readManifestOfDb(join(root, 'fixtures/rocksdb/tikv-levels/db'));
  const write = [...state.cfs.values()].find((c) => c.name === 'write')!;
  const levels = new Set([...write.files.values()].map((f) => f.level));
  // From the dump: write CF has files on L0, L1, L3, L4 and L6.
  assert.deepEqual([...levels].sort(), [0, 1, 3, 4, 6]);
  // raft CF file 47 is bounded by a range tombstone: largest key type 0xF (seq kMaxSequenceNumber in the dump).
  const raft = [...state.cfs.values()].find((c) => c.name === 'raft')!;
  assert.equal(raft.files.get(47)!.largestType, 0xf);
});

test('CURRENT must be "MANIFEST-N\\n"', () => {
  assert.equal(parseCurrent(Buffer.from('MANIFEST-000005\n')), 'MANIFEST-000005');
  assert.throws(() => parseCurrent(Buffer.from('MANIFEST-000005')), (e: unknown) => e instanceof FormatError && e.code === 'corruption');
  assert.throws(() => parseCurrent(Buffer.from('garbage\n')), FormatError);
});

test('MANIFEST cut mid-record is a typed truncated error with the record offset', () => {
  const dir = join(root, 'fixtures/rocksdb/tikv-levels/db');
  const buf = readFileSync(join(dir, 'MANIFEST-000005'));
  // Walk physical records by hand (7-byte header, length at bytes 4..5; no record crosses a
  // block here since the file is small) to find the start of the last one.
  assert.ok(buf.length < 32768);
  let p = 0;
  let last = 0;
  while (p + 7 <= buf.length) {
    last = p;
    p += 7 + (buf[p + 4]! | (buf[p + 5]! << 8));
  }
  assert.equal(p, buf.length, 'records tile the file');
  for (const cut of [last + 3, last + 7, Math.min(last + 10, buf.length - 1), buf.length - 1]) {
    assert.throws(
      () => parseManifest(buf.subarray(0, cut), 'M'),
      (e: unknown) => e instanceof FormatError && e.code === 'truncated' && e.offset === last && e.file === 'M',
      `cut at ${cut}`,
    );
  }
  // Cut exactly at a record boundary: a shorter but valid MANIFEST.
  const st = parseManifest(buf.subarray(0, last), 'M');
  assert.ok(st.edits > 0);
});

test('MANIFEST with a flipped byte in an early record is corruption, not a torn tail', () => {
  const buf = Buffer.from(readFileSync(join(root, 'fixtures/rocksdb/tikv-levels/db/MANIFEST-000005')));
  buf[10] = buf[10]! ^ 0x55;
  assert.throws(
    () => parseManifest(buf, 'M'),
    (e: unknown) => e instanceof FormatError && e.code === 'corruption' && e.offset === 0,
  );
});

// ---- atomic groups, on a MANIFEST assembled by hand (log records per db/log_format.h, edits per
// db/version_edit.h; RocksDB applies a group only once all its edits are read) ----

const vi = (n: number): number[] => [...encodeVarint(n)];
const lpb = (b: number[]): number[] => [...vi(b.length), ...b];
const ik = (k: string, seq: number): number[] => lpb([...Buffer.from(k), 1, seq, 0, 0, 0, 0, 0, 0]);
const addFile = (num: number): number[] => [...vi(103), ...vi(0), ...vi(num), ...vi(100), ...ik('a', 1), ...ik('b', 2), ...vi(1), ...vi(2), ...vi(1)];
const group = (remaining: number): number[] => [...vi(300), ...vi(remaining)];
function logFile(edits: number[][]): Buffer {
  return Buffer.concat(
    edits.map((e) => {
      const body = Buffer.from(e);
      const h = Buffer.alloc(7);
      h.writeUInt16LE(body.length, 4);
      h[6] = 1;
      h.writeUInt32LE(maskCrc(crc32c(Buffer.concat([h.subarray(6), body]))), 0);
      return Buffer.concat([h, body]);
    }),
  );
}
const first = [...vi(1), ...lpb([...Buffer.from('leveldb.BytewiseComparator')]), ...addFile(5)];

test('atomic group: applied when complete; an incomplete group at the end is dropped with a note', () => {
  const st = parseManifest(logFile([first, [...group(1), ...addFile(6)], [...group(0), ...addFile(7)], [...group(1), ...addFile(8)]]));
  assert.deepEqual([...st.cfs.get(0)!.files.keys()].sort(), [5, 6, 7]);
  assert.equal(st.notes.length, 1);
  assert.match(st.notes[0]!, /incomplete atomic group/);
});

test('atomic group interrupted by an ordinary edit is corruption', () => {
  assert.throws(
    () => parseManifest(logFile([first, [...group(1), ...addFile(6)], addFile(7)]), 'M'),
    (e: unknown) => e instanceof FormatError && e.code === 'corruption' && e.file === 'M',
  );
});

test('atomic-flush (real RocksDB MANIFEST): atomic groups, a dropped CF, WAL addition/deletion records', () => {
  const dir = join(root, 'fixtures/rocksdb-log/atomic-flush');
  const dump = readFileSync(join(dir, 'expected/manifest.txt'), 'utf8');
  // The ground truth really contains what this test is about.
  assert.match(dump, /AtomicGroup: 3 entries remains/);
  assert.match(dump, /ColumnFamilyDrop/);
  assert.match(dump, /WalAddition: log_number: 4 synced_size_in_bytes: 2380/);
  assert.match(dump, /WalDeletion: log_number: 14/);
  const { state } = readManifestOfDb(join(dir, 'db'));
  const tmp = [...state.cfs.values()].find((c) => c.name === 'tmp')!;
  assert.equal(tmp.dropped, true);
  assert.equal(state.notes.length, 0);
});
