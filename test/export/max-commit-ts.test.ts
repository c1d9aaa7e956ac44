// MaxCommitTs (row-csv.ts): the highest commit_ts of a chunk, kept as two 32-bit halves from the
// scans' 8-byte big-endian commitTsBytes(); checked against a bigint maximum on random
// timestamps, including ones equal in the high half and at the u64 extremes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MaxCommitTs } from '../../src/export/row-csv.js';
import type { RowScan } from '../../src/export/source.js';

function scanOf(ts: bigint, bytes: boolean): RowScan {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, ts);
  const s: RowScan = { next: () => false, rawKey: () => new Uint8Array(0), value: () => new Uint8Array(0), commitTs: () => ts, counters: () => ({ deleted: 0, valuesMissing: 0 }) };
  return bytes ? { ...s, commitTsBytes: () => b } : s;
}

test('MaxCommitTs equals the bigint maximum', () => {
  let seed = 7;
  const rnd = (): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed;
  };
  for (let round = 0; round < 200; round++) {
    const m = new MaxCommitTs();
    let want = 0n;
    const base = (BigInt(rnd()) << 32n) | BigInt(rnd());
    for (let i = 0; i < 50; i++) {
      // rounds of three kinds: one high half (TSOs of one moment), random, and the extremes
      const kind = round % 3;
      const pick = rnd() % 10;
      const ts =
        kind === 0 || pick < 3
          ? (base & 0xffffffff00000000n) | BigInt(rnd())
          : kind === 2 && pick === 3
            ? 0xffffffffffffffffn
            : kind === 2 && pick === 4
              ? 0n
              : (BigInt(rnd()) << 32n) | BigInt(rnd());
      m.note(scanOf(ts, round % 7 !== 0));
      if (ts > want) want = ts;
    }
    assert.equal(m.value(), want, `round ${round}`);
  }
  assert.equal(new MaxCommitTs().value(), 0n);
});
