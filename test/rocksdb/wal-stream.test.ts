/**
 * WAL replay reads a WAL in 32 KiB log blocks with positioned reads, never whole (wal.ts,
 * log-reader.ts streamLogRecords). Ground truth: fixtures written by real RocksDB
 * (wal-fragmented: records spanning blocks, with ldb scan output; wal-only) — the streamed replay
 * must equal the whole-buffer replay entry by entry, the ldb scan of every CF, and the same
 * torn-tail / corruption outcomes on cut and damaged copies, while no read exceeds one block.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { replayWals, type WalReplayResult } from '../../src/rocksdb/wal.js';
import { LOG_BLOCK_SIZE, type LogSource } from '../../src/rocksdb/log-reader.js';
import { ValueType, type Warning } from '../../src/rocksdb/types.js';
import { FormatError } from '../../src/errors.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const frag = join(root, 'fixtures/rocksdb-log/wal-fragmented/db/000004.log');
const walOnly = join(root, 'fixtures/rocksdb/wal-only/db/000004.log');
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** A LogSource over a buffer that refuses reads larger than one log block and counts bytes. */
function limited(buf: Uint8Array, stats: { reads: number; bytes: number; max: number }): LogSource & { close(): void } {
  return {
    size: buf.length,
    read(o: number, n: number): Uint8Array {
      if (n > LOG_BLOCK_SIZE) throw new Error(`read of ${n} bytes at ${o}: more than one log block`);
      stats.reads++;
      stats.bytes += n;
      stats.max = Math.max(stats.max, n);
      return Uint8Array.from(buf.subarray(o, o + n)); // a fresh copy, like a positioned read
    },
    close() {},
  };
}

function entries(r: WalReplayResult): string[] {
  const out: string[] = [];
  for (const [cf, mt] of [...r.memtables].sort((a, b) => a[0] - b[0])) {
    const c = mt.cursor();
    for (c.seekToFirst(); c.valid(); c.next()) out.push(`${cf} ${hex(c.userKey())} ${c.seq()} ${c.kind()} ${hex(c.value())}`);
  }
  return out;
}

/** Newest visible value per key of one CF, as `ldb scan --hex` prints it. */
function scanText(r: WalReplayResult, cf: number): string {
  const mt = r.memtables.get(cf);
  if (mt === undefined) return '';
  const c = mt.cursor();
  const lines: string[] = [];
  let last: string | undefined;
  for (c.seekToFirst(); c.valid(); c.next()) {
    const k = hex(c.userKey());
    if (k === last) continue;
    last = k;
    if (c.kind() === ValueType.Value) lines.push(`0x${k.toUpperCase()} : 0x${hex(c.value()).toUpperCase()}`);
  }
  return lines.map((l) => `${l}\n`).join('');
}

const cfs = new Map([[0, 0], [1, 0], [2, 0], [3, 0]]);

for (const path of [frag, walOnly]) {
  test(`${path.split('/').slice(-3).join('/')}: streamed in blocks = whole-buffer replay`, () => {
    const buf = readFileSync(path);
    const stats = { reads: 0, bytes: 0, max: 0 };
    const streamed = replayWals([{ fileNumber: 4, path }], { cfLogNumbers: cfs, openLog: () => limited(buf, stats) });
    const whole = replayWals([{ fileNumber: 4, path }], { cfLogNumbers: cfs, readFile: () => buf });
    const viaFile = replayWals([{ fileNumber: 4, path }], { cfLogNumbers: cfs }); // FileReader
    assert.ok(streamed.applied > 0);
    assert.deepEqual(entries(streamed), entries(whole));
    assert.deepEqual(entries(viaFile), entries(whole));
    assert.equal(streamed.lastSequence, whole.lastSequence);
    assert.equal(stats.bytes, buf.length, 'each byte read once');
    assert.equal(stats.reads, Math.ceil(buf.length / LOG_BLOCK_SIZE));
  });
}

test('wal-fragmented streamed: every CF equals the ldb scan written by real RocksDB', () => {
  const buf = readFileSync(frag);
  const stats = { reads: 0, bytes: 0, max: 0 };
  const r = replayWals([{ fileNumber: 4, path: frag }], { cfLogNumbers: cfs, openLog: () => limited(buf, stats) });
  const exp = join(root, 'fixtures/rocksdb-log/wal-fragmented/expected');
  assert.ok(buf.length > 2 * LOG_BLOCK_SIZE);
  assert.equal(scanText(r, 0), readFileSync(join(exp, 'default.scan.txt'), 'utf8'));
  assert.equal(scanText(r, 1), readFileSync(join(exp, 'write.scan.txt'), 'utf8'));
});

test('streamed torn tail and mid-file damage: same outcome as the whole-buffer reader', () => {
  const buf = readFileSync(frag);
  for (const cut of [LOG_BLOCK_SIZE + 100, 2 * LOG_BLOCK_SIZE + 5, buf.length - 3]) {
    const part = buf.subarray(0, cut);
    const wa: Warning[] = [];
    const wb: Warning[] = [];
    const s = replayWals([{ fileNumber: 4, path: 'x.log' }], { cfLogNumbers: cfs, openLog: () => limited(part, { reads: 0, bytes: 0, max: 0 }), onWarning: (w) => wa.push(w) });
    const w = replayWals([{ fileNumber: 4, path: 'x.log' }], { cfLogNumbers: cfs, readFile: () => part, onWarning: (x) => wb.push(x) });
    assert.deepEqual(entries(s), entries(w), `cut ${cut}`);
    assert.deepEqual(wa, wb, `cut ${cut}`);
    assert.deepEqual(wa.map((x) => x.code), ['wal-torn-tail'], `cut ${cut}`);
  }
  const bad = Uint8Array.from(buf);
  bad[20] = bad[20]! ^ 0xff; // inside the first record: non-zero data follows -> corruption
  const err = (f: () => unknown): FormatError => {
    try {
      f();
    } catch (e) {
      if (e instanceof FormatError) return e;
      throw e;
    }
    throw new Error('no error');
  };
  const a = err(() => replayWals([{ fileNumber: 4, path: 'x.log' }], { cfLogNumbers: cfs, openLog: () => limited(bad, { reads: 0, bytes: 0, max: 0 }) }));
  const b = err(() => replayWals([{ fileNumber: 4, path: 'x.log' }], { cfLogNumbers: cfs, readFile: () => bad }));
  assert.equal(a.message, b.message);
  assert.equal(a.code, 'corruption');
  // salvage: stop there, same warning
  const wa: Warning[] = [];
  const wb: Warning[] = [];
  replayWals([{ fileNumber: 4, path: 'x.log' }], { cfLogNumbers: cfs, walCorruption: 'stop', openLog: () => limited(bad, { reads: 0, bytes: 0, max: 0 }), onWarning: (w) => wa.push(w) });
  replayWals([{ fileNumber: 4, path: 'x.log' }], { cfLogNumbers: cfs, walCorruption: 'stop', readFile: () => bad, onWarning: (w) => wb.push(w) });
  assert.deepEqual(wa, wb);
  assert.deepEqual(wa.map((x) => x.code), ['wal-corruption']);
});
