import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FormatError } from '../../src/errors.js';
import { gcFenceAllows, parseWrite, type WriteRecord } from '../../src/tikv/write-record.js';
import { fromHex, toHex } from './support/mvcc-builder.js';
import { vectorsFrom } from './support/vectors.js';

const writeVectors = vectorsFrom('txn_types/src/write.rs');

// Expected fields written by hand from each vector's `input.write` description.
const EXPECTED: Record<string, Partial<WriteRecord> & { shortValueText?: string }> = {
  'Put start_ts=0 short_value="short_value"': { type: 'put', startTs: 0n, shortValueText: 'short_value' },
  'Delete start_ts=1<<20': { type: 'delete', startTs: 1n << 20n },
  'protected Rollback start_ts=1<<40 (short value "p")': { type: 'rollback', startTs: 1n << 40n, shortValueText: 'p', protectedRollback: true },
  'Rollback start_ts=1<<41': { type: 'rollback', startTs: 1n << 41n, protectedRollback: false },
  'Put start_ts=123 overlapped rollback, no gc_fence': { type: 'put', startTs: 123n, overlappedRollback: true, gcFence: undefined },
  'Put start_ts=123 overlapped rollback gc_fence=1234567': { type: 'put', startTs: 123n, overlappedRollback: true, gcFence: 1234567n },
  'Put start_ts=456 short_value overlapped rollback gc_fence=0': {
    type: 'put',
    startTs: 456n,
    shortValueText: 'short_value',
    overlappedRollback: true,
    gcFence: 0n,
  },
  'Lock start_ts=456 last_change=Exist(345, 11)': { type: 'lock', startTs: 456n, lastChange: { ts: 345n, estimatedVersions: 11n } },
  'Lock start_ts=456 last_change=NotExist (ts 0, versions 1)': { type: 'lock', startTs: 456n, lastChange: { ts: 0n, estimatedVersions: 1n } },
  'Lock start_ts=456 txn_source=1': { type: 'lock', startTs: 456n, txnSource: 1n },
};

describe('write record: vectors', () => {
  it('covers all 10 write.rs vectors', () => assert.equal(writeVectors.length, 10));
  for (const v of writeVectors) {
    const desc = v.input['write'] as string;
    it(`[derived] ${desc}`, () => {
      const exp = EXPECTED[desc];
      assert.ok(exp, `no hand-written expectation for ${desc}`);
      const r = parseWrite(fromHex(v.hex));
      assert.equal(r.type, exp.type);
      assert.equal(r.startTs, exp.startTs);
      if (exp.shortValueText !== undefined) assert.equal(new TextDecoder().decode(r.shortValue), exp.shortValueText);
      else assert.equal(r.shortValue, undefined);
      assert.equal(r.overlappedRollback, exp.overlappedRollback ?? false);
      assert.equal(r.gcFence, exp.gcFence);
      assert.deepEqual(r.lastChange, exp.lastChange);
      assert.equal(r.txnSource, exp.txnSource);
      assert.equal(r.protectedRollback, exp.protectedRollback ?? false);
      assert.equal(r.unknownTagAt, undefined);
    });
  }
});

describe('write record: details', () => {
  it('short value is a zero-copy subarray of the input', () => {
    const buf = fromHex('5000760b73686f72745f76616c7565');
    const r = parseWrite(buf);
    assert.equal(r.shortValue!.buffer, buf.buffer);
    assert.equal(r.shortValue!.byteOffset, 4);
  });
  it("'R' as the first byte is the Rollback type, later it is the overlapped flag", () => {
    assert.equal(parseWrite(fromHex('5205')).type, 'rollback');
    assert.equal(parseWrite(fromHex('5205')).overlappedRollback, false);
    assert.equal(parseWrite(fromHex('520552')).overlappedRollback, true);
  });
  it('an empty short value is present, not absent', () => {
    const r = parseWrite(fromHex('50017600'));
    assert.equal(r.shortValue?.length, 0);
  });
  it('a 255-byte short value', () => {
    const r = parseWrite(Uint8Array.from([0x50, 0x01, 0x76, 0xff, ...new Uint8Array(255).fill(7)]));
    assert.equal(r.shortValue!.length, 255);
  });
  it('stops at the first unknown tag (forward compatibility) and keeps what came before', () => {
    const r = parseWrite(fromHex('507b' + '760161' + '5a' + 'ffff' + '46'));
    assert.equal(toHex(r.shortValue!), '61');
    assert.equal(r.unknownTagAt, 5);
    assert.equal(r.gcFence, undefined); // the 'F' after the unknown tag is not read
  });
  it('gc fence rule (check_gc_fence_as_latest_version)', () => {
    const rec = (g?: bigint) => parseWrite(g === undefined ? fromHex('507b') : Uint8Array.from([0x50, 0x7b, 0x46, ...Buffer.from(g.toString(16).padStart(16, '0'), 'hex')]));
    assert.equal(gcFenceAllows(rec(undefined), 100n), true);
    assert.equal(gcFenceAllows(rec(0n), 100n), true);
    assert.equal(gcFenceAllows(rec(100n), 100n), false);
    assert.equal(gcFenceAllows(rec(101n), 100n), true);
  });
});

const BAD: { name: string; hex: string; code: string }[] = [
  { name: 'empty', hex: '', code: 'truncated' },
  { name: 'unknown type 0x58', hex: '5801', code: 'corruption' },
  { name: "lowercase 'p' type", hex: '7001', code: 'corruption' },
  { name: 'start_ts missing', hex: '50', code: 'truncated' },
  { name: 'start_ts varint unterminated', hex: '5080', code: 'truncated' },
  { name: 'start_ts varint longer than 10 bytes', hex: '50' + 'ff'.repeat(10) + '01', code: 'overflow' },
  { name: 'start_ts does not fit 64 bits', hex: '50' + 'ff'.repeat(9) + '02', code: 'overflow' },
  { name: 'short value length missing', hex: '500176', code: 'truncated' },
  { name: 'short value shorter than its length', hex: '5001760561', code: 'truncated' },
  { name: 'gc_fence shorter than 8 bytes', hex: '507b46000000', code: 'truncated' },
  { name: 'last_change ts truncated', hex: '4c016c0000', code: 'truncated' },
  { name: 'last_change versions missing', hex: '4c016c0000000000000159', code: 'truncated' },
  { name: 'txn_source varint unterminated', hex: '4c015380', code: 'truncated' },
];

describe('write record: malformed inputs must fail', () => {
  for (const b of BAD) {
    it(b.name, () => {
      assert.throws(() => parseWrite(fromHex(b.hex)), (e: unknown) => e instanceof FormatError && e.code === b.code);
    });
  }
  it('names the key when given context', () => {
    assert.throws(
      () => parseWrite(fromHex('50'), 'write CF key 7a00'),
      (e: unknown) => e instanceof FormatError && /7a00/.test(e.message),
    );
  });
});

