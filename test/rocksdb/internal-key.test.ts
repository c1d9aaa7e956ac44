import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FormatError } from '../../src/errors.js';
import {
  parseInternalKey,
  makeInternalKey,
  compareInternalKeys,
  compareBytes,
} from '../../src/rocksdb/internal-key.js';

test('trailer layout by hand: (seq << 8) | type, fixed64 LE', () => {
  // seq 0x0102, type 1 -> trailer 0x010201 -> bytes 01 02 01 00 00 00 00 00
  const ik = Uint8Array.of(0x61, 0x01, 0x02, 0x01, 0, 0, 0, 0, 0);
  const p = parseInternalKey(ik);
  assert.deepEqual([...p.userKey], [0x61]);
  assert.equal(p.seq, 0x0102);
  assert.equal(p.type, 1);
  assert.deepEqual(makeInternalKey(Uint8Array.of(0x61), 0x0102, 1), ik);
  // large seq: 2^53-1
  const big = makeInternalKey(new Uint8Array(0), Number.MAX_SAFE_INTEGER, 0x11);
  assert.deepEqual([...big], [0x11, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x1f]);
  assert.equal(parseInternalKey(big).seq, Number.MAX_SAFE_INTEGER);
  // kMaxSequenceNumber (2^56-1) -> overflow
  const max = Uint8Array.of(0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff);
  assert.throws(() => parseInternalKey(max), (e: unknown) => e instanceof FormatError && e.code === 'overflow');
  assert.throws(() => parseInternalKey(Uint8Array.of(1, 2, 3)), (e: unknown) => e instanceof FormatError && e.code === 'corruption');
});

test('internal key order: user key asc, seq desc, type desc', () => {
  const a1 = makeInternalKey(Uint8Array.of(0x61), 5, 1);
  const a2 = makeInternalKey(Uint8Array.of(0x61), 7, 1);
  const a2del = makeInternalKey(Uint8Array.of(0x61), 7, 0);
  const ab = makeInternalKey(Uint8Array.of(0x61, 0x62), 1, 1);
  const sorted = [a2, a2del, a1, ab];
  const shuffled = [ab, a1, a2del, a2];
  shuffled.sort(compareInternalKeys);
  assert.deepEqual(shuffled, sorted);
  // seq differs only in a high byte
  const hi = makeInternalKey(Uint8Array.of(0x61), 0x1_0000_0000, 1);
  assert.ok(compareInternalKeys(hi, a2) < 0);
  assert.ok(compareBytes(Uint8Array.of(1), Uint8Array.of(1, 0)) < 0);
  assert.ok(compareBytes(Uint8Array.of(2), Uint8Array.of(1, 0xff)) > 0);
});
