/**
 * Log format reader. Ground truth: WAL files written by RocksDB 7.8.3 and the record offsets and
 * sizes `ldb dump_wal --header` printed for them ("Physical Offset", "ByteSize"); plus records
 * assembled by hand from db/log_format.h for the record types real files here do not contain.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { readLogRecords, LOG_BLOCK_SIZE } from '../../src/rocksdb/log-reader.js';
import { crc32c, maskCrc } from '../../src/rocksdb/checksum.js';
import { FormatError } from '../../src/errors.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const fragDir = join(root, 'fixtures/rocksdb-log/wal-fragmented');
const fragWal = readFileSync(join(fragDir, 'db/000004.log'));

/** "Sequence,Count,ByteSize,Physical Offset,..." lines of ldb dump_wal. */
function dumpWalHeaders(text: string): { seq: number; count: number; size: number; offset: number }[] {
  return text
    .split('\n')
    .slice(1)
    .filter((l) => l.trim() !== '')
    .map((l) => {
      const [seq, count, size, offset] = l.split(',').map(Number);
      return { seq: seq!, count: count!, size: size!, offset: offset! };
    });
}
const fragDump = dumpWalHeaders(readFileSync(join(fragDir, 'expected/000004.dump_wal.txt'), 'utf8'));

test('records of a WAL with block-spanning records match ldb dump_wal offsets and sizes', () => {
  assert.equal(fragDump.length, 4);
  const r = readLogRecords(fragWal, { file: 'w', logNumber: 4 });
  assert.equal(r.tornTail, null);
  assert.equal(r.staleTail, null);
  assert.deepEqual(
    r.records.map((x) => [x.offset, x.data.length]),
    fragDump.map((d) => [d.offset, d.size]),
  );
  // Records 2 and 3 cross a 32 KiB boundary, so they were written as first/(middle)/last.
  const crossing = fragDump.filter((d) => Math.floor(d.offset / LOG_BLOCK_SIZE) !== Math.floor((d.offset + d.size) / LOG_BLOCK_SIZE));
  assert.ok(crossing.length >= 2);
  // The reassembled batch starts with its sequence number (fixed64) as dump_wal printed it.
  r.records.forEach((rec, i) => assert.equal(Buffer.from(rec.data).readUInt32LE(0), fragDump[i]!.seq));
});

test('a WAL cut inside its last record: earlier records kept, torn tail at that record', () => {
  const last = fragDump[3]!.offset;
  for (const cut of [last + 1, last + 6, last + 7, last + 12]) {
    const r = readLogRecords(fragWal.subarray(0, cut), { file: 'w', logNumber: 4 });
    assert.equal(r.records.length, 3, `cut ${cut}`);
    assert.equal(r.tornTail?.offset, last, `cut ${cut}`);
  }
});

test('a WAL cut inside a fragmented record reports the offset of its first fragment', () => {
  const rec3 = fragDump[2]!.offset; // spans blocks 1 and 2
  for (const cut of [2 * LOG_BLOCK_SIZE, 2 * LOG_BLOCK_SIZE + 3, 2 * LOG_BLOCK_SIZE + 100, rec3 + 50]) {
    const r = readLogRecords(fragWal.subarray(0, cut), { file: 'w', logNumber: 4 });
    assert.equal(r.records.length, 2, `cut ${cut}`);
    assert.equal(r.tornTail?.offset, rec3, `cut ${cut}`);
  }
});

test('a WAL cut exactly at a record boundary is clean', () => {
  const r = readLogRecords(fragWal.subarray(0, fragDump[1]!.offset + 0), {});
  assert.equal(r.records.length, 1);
  assert.equal(r.tornTail, null);
});

test('zeros after the last record (preallocated space) are a clean end', () => {
  const padded = Buffer.concat([fragWal, Buffer.alloc(5000)]);
  const r = readLogRecords(padded, { logNumber: 4 });
  assert.equal(r.records.length, 4);
  assert.equal(r.tornTail, null);
});

test('a damaged last record followed only by zeros is a torn tail, not corruption', () => {
  const buf = Buffer.concat([fragWal, Buffer.alloc(100)]);
  const last = fragDump[3]!.offset;
  buf[last + 7 + 5] = buf[last + 7 + 5]! ^ 0xff;
  const r = readLogRecords(buf, { file: 'w' });
  assert.equal(r.records.length, 3);
  assert.equal(r.tornTail?.offset, last);
});

test('damage in the middle of a WAL is a corruption error with file and offset', () => {
  const buf = Buffer.from(fragWal);
  const second = fragDump[1]!.offset;
  buf[second + 7 + 100] = buf[second + 7 + 100]! ^ 0x01;
  assert.throws(
    () => readLogRecords(buf, { file: 'the.log' }),
    (e: unknown) => e instanceof FormatError && e.code === 'corruption' && e.file === 'the.log' && e.offset === second,
  );
});

// ---- hand-assembled records (db/log_format.h) ----

function physical(type: number, payload: Uint8Array, logNumber?: number): Buffer {
  const recyclable = logNumber !== undefined;
  const h = Buffer.alloc(recyclable ? 11 : 7);
  h.writeUInt16LE(payload.length, 4);
  h[6] = type;
  if (recyclable) h.writeUInt32LE(logNumber, 7);
  const crc = maskCrc(crc32c(Buffer.concat([h.subarray(6), payload])));
  h.writeUInt32LE(crc, 0);
  return Buffer.concat([h, payload]);
}
const p = (s: string): Buffer => Buffer.from(s);

test('recyclable records: own log number read, another number ends the log as stale', () => {
  const buf = Buffer.concat([
    physical(5, p('one'), 9),
    physical(6, p('tw'), 9),
    physical(8, p('o'), 9),
    physical(5, p('old'), 3), // left from the file's previous life as log 3
    physical(5, p('older'), 3),
  ]);
  const r = readLogRecords(buf, { logNumber: 9 });
  assert.deepEqual(r.records.map((x) => Buffer.from(x.data).toString()), ['one', 'two']);
  assert.equal(r.tornTail, null);
  assert.equal(r.staleTail?.offset, 11 + 3 + 11 + 2 + 11 + 1);
});

test('block trailer shorter than a header is skipped', () => {
  const first = physical(1, Buffer.alloc(LOG_BLOCK_SIZE - 8 - 7 - 3, 0x61)); // leaves 3 bytes
  const buf = Buffer.concat([physical(1, p('x')), first, Buffer.alloc(3), physical(1, p('next'))]);
  assert.equal(buf.length, LOG_BLOCK_SIZE + 11);
  const r = readLogRecords(buf);
  assert.deepEqual(r.records.map((x) => x.data.length), [1, LOG_BLOCK_SIZE - 18, 4]);
  assert.equal(r.records[2]!.offset, LOG_BLOCK_SIZE);
});

test('zero-type zero-length record skips the rest of its block', () => {
  const buf = Buffer.concat([physical(1, p('a')), Buffer.alloc(LOG_BLOCK_SIZE - 8), physical(1, p('b'))]);
  const r = readLogRecords(buf);
  assert.deepEqual(r.records.map((x) => Buffer.from(x.data).toString()), ['a', 'b']);
});

test('type 9 (WAL compression) is unsupported; types with bit 7 are ignored; 10 is metadata', () => {
  assert.throws(
    () => readLogRecords(Buffer.concat([physical(9, Buffer.from([7])), physical(1, p('a'))]), { file: 'c.log' }),
    (e: unknown) => e instanceof FormatError && e.code === 'unsupported' && e.file === 'c.log' && e.offset === 0,
  );
  const r = readLogRecords(Buffer.concat([physical(130, p('pred')), physical(10, p('ts')), physical(1, p('a'))]));
  assert.deepEqual(r.records.map((x) => Buffer.from(x.data).toString()), ['a']);
});

test('an unknown type without bit 7 is corruption', () => {
  assert.throws(
    () => readLogRecords(Buffer.concat([physical(1, p('a')), physical(20, p('?')), physical(1, p('b'))]), { file: 'u.log' }),
    (e: unknown) => e instanceof FormatError && e.code === 'corruption' && e.offset === 8,
  );
});

test('middle or last fragment without a first is corruption', () => {
  assert.throws(() => readLogRecords(Buffer.concat([physical(3, p('m')), physical(1, p('a'))])), FormatError);
  assert.throws(() => readLogRecords(Buffer.concat([physical(4, p('l')), physical(1, p('a'))])), FormatError);
});

test('first fragment without its last at the end of the file is a torn tail', () => {
  const r = readLogRecords(Buffer.concat([physical(1, p('a')), physical(2, p('part')), physical(3, p('more'))]));
  assert.equal(r.records.length, 1);
  assert.equal(r.tornTail?.offset, 8);
});
