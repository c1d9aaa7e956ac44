/**
 * WAL replay rules (rocksdb-format.md §7): per-CF log numbers, dropped/unknown CFs, sequence
 * numbers. Ground truth: the wal-only fixture's WAL and ldb dump_wal's listing of it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { replayWals } from '../../src/rocksdb/wal.js';
import type { Warning } from '../../src/rocksdb/types.js';
import { FormatError } from '../../src/errors.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const walPath = join(root, 'fixtures/rocksdb/wal-only/db/000004.log');
const dump = readFileSync(join(root, 'fixtures/rocksdb-log/dump_wal/wal-only.000004.log.txt'), 'utf8');

/** Count ops per CF id in dump_wal text: PUT(1), DELETE_RANGE(0), ... */
function opsPerCf(): Map<number, number> {
  const m = new Map<number, number>();
  for (const x of dump.matchAll(/\b(?:PUT|DELETE|SINGLE_DELETE|DELETE_RANGE)\((\d+)\)/g)) {
    const id = Number(x[1]);
    m.set(id, (m.get(id) ?? 0) + 1);
  }
  return m;
}
const lastSeqInDump = Math.max(...dump.split('\n').slice(1).filter(Boolean).map((l) => {
  const [seq, count] = l.split(',').map(Number);
  return seq! + count! - 1;
}));

test('all CFs at log number 0: every entry applied, last sequence as dump_wal shows', () => {
  const per = opsPerCf();
  const total = [...per.values()].reduce((a, b) => a + b, 0);
  const r = replayWals([{ fileNumber: 4, path: walPath }], { cfLogNumbers: new Map([[0, 0], [1, 0], [2, 0]]) });
  assert.equal(r.applied, total);
  assert.equal(r.skipped, 0);
  assert.equal(r.lastSequence, lastSeqInDump);
  for (const [id, n] of per) {
    const mt = r.memtables.get(id)!;
    assert.equal(mt.size + mt.rangeTombstones().length, n, `cf ${id}`);
  }
});

test('a CF whose log number is above the WAL gets nothing from it', () => {
  const per = opsPerCf();
  const r = replayWals([{ fileNumber: 4, path: walPath }], { cfLogNumbers: new Map([[0, 0], [1, 5], [2, 4]]) });
  assert.equal(r.memtables.get(1), undefined);
  assert.equal(r.skipped, per.get(1));
  assert.ok(r.memtables.get(2)!.size > 0);
});

test('entries of a CF id not among the live CFs are skipped with one warning', () => {
  const warnings: Warning[] = [];
  const r = replayWals([{ fileNumber: 4, path: walPath }], {
    cfLogNumbers: new Map([[0, 0], [1, 0]]),
    onWarning: (w) => warnings.push(w),
  });
  assert.equal(r.memtables.get(2), undefined);
  assert.equal(r.skipped, opsPerCf().get(2));
  assert.deepEqual(warnings.map((w) => w.code), ['wal-unknown-cf']);
});

test('WALs older than every CF log number are not even read', () => {
  const r = replayWals([{ fileNumber: 4, path: '/nonexistent/000004.log' }], { cfLogNumbers: new Map([[0, 9]]) });
  assert.equal(r.applied, 0);
});

test('a batch with two-phase-commit markers is refused as unsupported (uncommitted data must not show)', async () => {
  const { crc32c, maskCrc } = await import('../../src/rocksdb/checksum.js');
  const h12 = Buffer.alloc(12);
  h12.writeUInt32LE(7, 0);
  h12.writeUInt32LE(1, 8);
  // begin prepare, put "k"="v", end prepare "x"
  const body = Buffer.concat([h12, Buffer.from([0x09, 0x01, 1, 0x6b, 1, 0x76, 0x0a, 1, 0x78])]);
  const h = Buffer.alloc(7);
  h.writeUInt16LE(body.length, 4);
  h[6] = 1;
  h.writeUInt32LE(maskCrc(crc32c(Buffer.concat([h.subarray(6), body]))), 0);
  const file = Buffer.concat([h, body]);
  assert.throws(
    () => replayWals([{ fileNumber: 9, path: '9.log' }], { cfLogNumbers: new Map([[0, 0]]), readFile: () => file }),
    (e: unknown) => e instanceof FormatError && e.code === 'unsupported' && e.file === '9.log' && e.offset === 0,
  );
});

test('entries of a dropped CF are skipped without a warning', () => {
  const warnings: Warning[] = [];
  const r = replayWals([{ fileNumber: 4, path: walPath }], {
    cfLogNumbers: new Map([[0, 0], [1, 0]]),
    droppedCfs: new Set([2]),
    onWarning: (w) => warnings.push(w),
  });
  assert.equal(r.skipped, opsPerCf().get(2));
  assert.deepEqual(warnings, []);
});
