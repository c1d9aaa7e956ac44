/**
 * Property test (issue #3): parseWrite (src/tikv/write-record.ts) decodes whatever the fixture
 * builder's write-record encoder (test/support/tidb-builder/mvcc.ts, written from the spec, not
 * from src/) produces, over random type, full-u64 start_ts, 0..255-byte short values and every
 * optional field, with and without a trailing unknown tag (which must be tolerated). The
 * allocation-free WriteView must agree with it.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parseWrite, WriteView, type WriteType } from '../../src/tikv/write-record.js';
import { concat } from '../support/tidb-builder/codec.js';
import { encodeWrite, type WriteRecord as BuilderWrite, type WriteType as BuilderType } from '../support/tidb-builder/mvcc.js';

const U64_MAX = (1n << 64n) - 1n;
const KNOWN_TAGS = new Set([0x76, 0x52, 0x46, 0x6c, 0x53]);
const TYPE_NAME: Record<BuilderType, WriteType> = { Put: 'put', Delete: 'delete', Lock: 'lock', Rollback: 'rollback' };

/** Full u64 range with the edges (0, 1, 2^63, 2^64-1, varint byte boundaries) weighted in. */
const u64 = (): fc.Arbitrary<bigint> =>
  fc.oneof(
    { weight: 1, arbitrary: fc.constantFrom(0n, 1n, 127n, 128n, 16383n, 16384n, (1n << 32n) - 1n, 1n << 32n, (1n << 63n) - 1n, 1n << 63n, U64_MAX - 1n, U64_MAX) },
    { weight: 3, arbitrary: fc.bigInt({ min: 0n, max: U64_MAX }) },
    { weight: 1, arbitrary: fc.bigInt({ min: 0n, max: 1n << 20n }) },
  );

const writeArb: fc.Arbitrary<BuilderWrite> = fc.record(
  {
    type: fc.constantFrom<BuilderType>('Put', 'Delete', 'Lock', 'Rollback'),
    startTs: u64(),
    shortValue: fc.oneof(fc.uint8Array({ minLength: 0, maxLength: 255 }), fc.constant(Uint8Array.of(0x70))),
    overlappedRollback: fc.boolean(),
    gcFence: u64(),
    lastChange: fc.record({ ts: u64(), versions: u64() }),
    txnSource: u64(),
  },
  { requiredKeys: ['type', 'startTs'] },
);

/** A trailing unknown tag byte plus arbitrary junk after it. */
const unknownTail = fc.option(
  fc.tuple(
    fc.integer({ min: 0, max: 255 }).filter((b) => !KNOWN_TAGS.has(b)),
    fc.uint8Array({ maxLength: 20 }),
  ),
  { nil: undefined },
);

function sameBytes(a: Uint8Array | undefined, b: Uint8Array | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return Buffer.from(a).equals(Buffer.from(b));
}

describe('write record: parseWrite(builder encodeWrite(x)) = x', () => {
  it('round-trips every field, tolerating a trailing unknown tag', () => {
    fc.assert(
      fc.property(writeArb, unknownTail, (w, tail) => {
        const body = encodeWrite(w);
        const buf = tail === undefined ? body : concat(body, Uint8Array.of(tail[0]), tail[1]);
        const r = parseWrite(buf);
        assert.equal(r.type, TYPE_NAME[w.type]);
        assert.equal(r.startTs, BigInt(w.startTs));
        assert.ok(sameBytes(r.shortValue, w.shortValue), 'short value');
        assert.equal(r.overlappedRollback, w.overlappedRollback === true);
        assert.equal(r.gcFence, w.gcFence === undefined ? undefined : BigInt(w.gcFence));
        assert.deepEqual(
          r.lastChange,
          w.lastChange === undefined ? undefined : { ts: BigInt(w.lastChange.ts), estimatedVersions: BigInt(w.lastChange.versions) },
        );
        assert.equal(r.txnSource, w.txnSource === undefined ? undefined : BigInt(w.txnSource));
        const prot = w.type === 'Rollback' && w.shortValue !== undefined && w.shortValue.length === 1 && w.shortValue[0] === 0x70;
        assert.equal(r.protectedRollback, prot);
        assert.equal(r.unknownTagAt, tail === undefined ? undefined : body.length);

        // WriteView (the scan hot path) reads the same record identically.
        const v = new WriteView();
        assert.equal(v.read(buf), true);
        assert.equal(v.type, buf[0]);
        assert.equal(v.startTs(), BigInt(w.startTs));
        if (w.shortValue === undefined) assert.equal(v.shortAt, -1);
        else assert.ok(sameBytes(buf.subarray(v.shortAt, v.shortAt + v.shortLen), w.shortValue), 'WriteView short value');
        if (w.gcFence === undefined) assert.equal(v.fenceAt, -1);
        else assert.equal(Buffer.from(buf.subarray(v.fenceAt, v.fenceAt + 8)).readBigUInt64BE(0), BigInt(w.gcFence));
      }),
      { numRuns: 400 },
    );
  });

  it('any strict prefix that cuts a field short is rejected, never misread', () => {
    fc.assert(
      fc.property(writeArb, fc.nat(), (w, cutSeed) => {
        const buf = encodeWrite(w);
        const cut = cutSeed % buf.length; // 0..len-1
        const prefix = buf.subarray(0, cut);
        let r;
        try {
          r = parseWrite(prefix);
        } catch {
          return; // rejected: fine
        }
        // Accepted: then it must be a faithful reading of the fields fully present in the prefix.
        assert.equal(r.type, TYPE_NAME[w.type]);
        assert.equal(r.startTs, BigInt(w.startTs));
        if (r.shortValue !== undefined) assert.ok(sameBytes(r.shortValue, w.shortValue));
        if (r.gcFence !== undefined) assert.equal(r.gcFence, BigInt(w.gcFence!));
        if (r.txnSource !== undefined) {
          // a uvarint cut short at a byte < 0x80 would be a different number: only full encodings may parse
          assert.equal(r.txnSource, BigInt(w.txnSource!));
        }
      }),
      { numRuns: 300 },
    );
  });
});
