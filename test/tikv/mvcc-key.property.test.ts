/**
 * Property test (issue #3): MVCC key timestamps (src/tikv/mvcc-key.ts). appendTs / splitTs /
 * decodeTs round-trip over the full u64 range; the bytes equal the builder's
 * 'z' + mc(raw) + u64BE(NOT ts) (test/support/tidb-builder/mvcc.ts); and the order RocksDB keeps
 * them in is the one the MVCC reader relies on: for one raw key a newer ts sorts first, and for
 * different raw keys the raw order wins whatever the timestamps.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { appendTs, decodeDataKey, decodeTs, encodeDataKey, splitTs } from '../../src/tikv/mvcc-key.js';
import { mvccKey } from '../support/tidb-builder/mvcc.js';

const U64_MAX = (1n << 64n) - 1n;
const u64 = fc.oneof(
  fc.constantFrom(0n, 1n, 255n, 256n, (1n << 32n) - 1n, 1n << 32n, (1n << 63n) - 1n, 1n << 63n, U64_MAX - 1n, U64_MAX),
  fc.bigInt({ min: 0n, max: U64_MAX }),
);
/** Raw keys over a tiny alphabet so prefixes, 8-byte group edges and 0x00/0xff bytes are common. */
const rawKey = fc.oneof(
  fc.uint8Array({ maxLength: 20 }).map((a) => a.map((b) => [0x00, 0x01, 0x74, 0xfe, 0xff][b % 5]!)),
  fc.uint8Array({ maxLength: 30 }),
);

function cmp(a: Uint8Array, b: Uint8Array): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}
const hexOf = (b: Uint8Array): string => Buffer.from(b).toString('hex');

describe('mvcc key ts suffix', () => {
  it('splitTs(appendTs(k, ts)) = (k, ts); decodeTs reads it back; bytes = builder mvccKey', () => {
    fc.assert(
      fc.property(rawKey, u64, (raw, ts) => {
        const user = encodeDataKey(raw);
        const k = appendTs(user, ts);
        assert.equal(k.length, user.length + 8);
        const s = splitTs(k);
        assert.equal(hexOf(s.userKey), hexOf(user));
        assert.equal(s.ts, ts);
        assert.equal(decodeTs(k, user.length), ts);
        assert.equal(hexOf(k), hexOf(mvccKey(raw, ts)));
        assert.equal(hexOf(decodeDataKey(k)), hexOf(raw));
        // and decoding the builder's key gives the same
        assert.equal(splitTs(mvccKey(raw, ts)).ts, ts);
      }),
      { numRuns: 300 },
    );
  });

  it('appendTs works on any prefix, splitTs rejects keys shorter than 8 bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 16 }), u64, (key, ts) => {
        const s = splitTs(appendTs(key, ts));
        assert.equal(hexOf(s.userKey), hexOf(key));
        assert.equal(s.ts, ts);
        if (key.length < 8) assert.throws(() => splitTs(key));
      }),
      { numRuns: 200 },
    );
  });

  it('same raw key: newer ts sorts first (bytewise)', () => {
    fc.assert(
      fc.property(rawKey, u64, u64, (raw, t1, t2) => {
        const user = encodeDataKey(raw);
        const a = appendTs(user, t1);
        const b = appendTs(user, t2);
        const c = cmp(a, b);
        if (t1 === t2) assert.equal(c, 0);
        else assert.equal(Math.sign(c), t1 > t2 ? -1 : 1, `ts ${t1} vs ${t2}`);
      }),
      { numRuns: 300 },
    );
  });

  it('different raw keys: the raw order is kept whatever the timestamps', () => {
    fc.assert(
      fc.property(rawKey, rawKey, u64, u64, (r1, r2, t1, t2) => {
        const rc = Math.sign(cmp(r1, r2));
        fc.pre(rc !== 0);
        const a = appendTs(encodeDataKey(r1), t1);
        const b = appendTs(encodeDataKey(r2), t2);
        assert.equal(Math.sign(cmp(a, b)), rc, `${hexOf(r1)}@${t1} vs ${hexOf(r2)}@${t2}`);
      }),
      { numRuns: 400 },
    );
  });

  it('prefix-related raw keys (k vs k + suffix) keep their order under any ts', () => {
    fc.assert(
      fc.property(rawKey, fc.uint8Array({ minLength: 1, maxLength: 10 }), u64, u64, (k, suffix, t1, t2) => {
        const longer = Uint8Array.from([...k, ...suffix]);
        const a = appendTs(encodeDataKey(k), t1);
        const b = appendTs(encodeDataKey(longer), t2);
        assert.ok(cmp(a, b) < 0, `${hexOf(k)}@${t1} must sort before ${hexOf(longer)}@${t2}`);
      }),
      { numRuns: 300 },
    );
  });
});
