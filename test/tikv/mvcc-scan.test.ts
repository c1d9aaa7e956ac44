// MVCC semantics of LatestScanner, each scenario built by hand the way TiKV's percolator
// commit leaves the CFs (support/mvcc-builder.ts, checked against the spec vectors), with the
// expected rows written by hand from the rules in tikv-tidb-encoding.md §2.2 / point_getter.rs.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FormatError } from '../../src/errors.js';
import { ValueType } from '../../src/rocksdb/types.js';
import { LatestScanner, scanLocks, type CfSource } from '../../src/tikv/mvcc-scan.js';
import type { RawRange } from '../../src/tikv/mvcc-key.js';
import { MvccBuilder, encodeLock, encodeWrite, lockKey, te, toHex, tsKey, u64be, zigzag, uvarint } from './support/mvcc-builder.js';

/** TiDB record key t{table}_r{handle}: 't' + EncodeInt(table) + '_r' + EncodeInt(handle). */
function rk(handle: bigint, table = 1n): Uint8Array {
  const enc = (v: bigint) => u64be(BigInt.asUintN(64, v) ^ (1n << 63n));
  return Uint8Array.from([0x74, ...enc(table), 0x5f, 0x72, ...enc(handle)]);
}
const tableRange = (table = 1n) => ({
  start: Uint8Array.from([...rk(0n, table).subarray(0, 11)]),
  end: Uint8Array.from([...rk(0n, table).subarray(0, 10), 0x73]), // '_s'
});

interface Row {
  key: string;
  value: string;
  commitTs: bigint;
  startTs: bigint;
}

function scan(src: CfSource, readTs?: bigint, range: RawRange = tableRange()): { rows: Row[]; s: LatestScanner } {
  const s = new LatestScanner(src, range, readTs === undefined ? {} : { readTs });
  const rows: Row[] = [];
  while (s.next()) {
    // the allocation-free accessors must agree with the owned/bigint ones on every row
    assert.equal(toHex(s.rawKeyView()), toHex(s.rawKey()));
    assert.equal(toHex(s.commitTsBytes()), toHex(Uint8Array.from(u64be(s.commitTs()))));
    assert.equal(toHex(s.valueBuffer().subarray(s.valueStart(), s.valueEnd())), toHex(s.value()));
    rows.push({ key: toHex(s.rawKey()), value: new TextDecoder().decode(s.value()), commitTs: s.commitTs(), startTs: s.startTs() });
  }
  return { rows, s };
}

const K = rk(1n);
const long = (c: string, n = 300) => c.repeat(n);

describe('LatestScanner: MVCC semantics', () => {
  it('update: the newest commit wins', () => {
    const b = new MvccBuilder().put(K, te('v1'), 10n, 11n).put(K, te('v2'), 20n, 21n);
    const { rows, s } = scan(b.src);
    assert.deepEqual(rows, [{ key: toHex(K), value: 'v2', commitTs: 21n, startTs: 20n }]);
    assert.equal(s.stats.rows, 1);
    assert.equal(s.stats.versionsSeen, 2);
  });

  it('delete hides the key', () => {
    const b = new MvccBuilder().put(K, te('v1'), 10n, 11n).del(K, 20n, 21n);
    const { rows, s } = scan(b.src);
    assert.deepEqual(rows, []);
    assert.equal(s.stats.deletedRows, 1);
    assert.equal(s.stats.rows, 0);
  });

  it('re-insert after delete shows the new value', () => {
    const b = new MvccBuilder().put(K, te('v1'), 10n, 11n).del(K, 20n, 21n).put(K, te('v3'), 30n, 31n);
    assert.deepEqual(scan(b.src).rows.map((r) => r.value), ['v3']);
  });

  it('Lock and Rollback records are skipped; the older Put shows', () => {
    const b = new MvccBuilder().put(K, te('v1'), 10n, 11n).lockWrite(K, 20n, 21n).rollback(K, 30n).lockWrite(K, 40n, 41n);
    const { rows, s } = scan(b.src);
    assert.deepEqual(rows.map((r) => [r.value, r.commitTs]), [['v1', 11n]]);
    assert.equal(s.stats.lockRecordsSkipped, 2);
    assert.equal(s.stats.rollbacksSkipped, 1);
  });

  it('Lock/Rollback on top of a Delete: still absent', () => {
    const b = new MvccBuilder().put(K, te('v1'), 10n, 11n).del(K, 20n, 21n).lockWrite(K, 30n, 31n).rollback(K, 40n);
    assert.deepEqual(scan(b.src).rows, []);
  });

  it('a key with only Lock/Rollback records is absent', () => {
    const b = new MvccBuilder().lockWrite(K, 30n, 31n).rollback(K, 40n);
    assert.deepEqual(scan(b.src).rows, []);
  });

  it('protected rollback (short value "p") is skipped, not taken as the value "p"', () => {
    const b = new MvccBuilder().put(K, te('v1'), 10n, 11n).rollback(K, 40n, true);
    const { rows, s } = scan(b.src);
    assert.deepEqual(rows.map((r) => r.value), ['v1']);
    assert.equal(s.stats.rollbacksSkipped, 1);
  });

  it('a Put carrying the overlapped-rollback flag is still the value', () => {
    const b = new MvccBuilder().put(K, te('v1'), 10n, 11n).put(K, te('v2'), 20n, 21n, { overlappedRollback: true });
    assert.deepEqual(scan(b.src).rows.map((r) => r.value), ['v2']);
  });

  it('pessimistic ordering: commit_ts order decides, not start_ts (prior tool bug)', () => {
    // txn A: start 10, commit 50; txn B: start 20, commit 30. A committed last -> A wins, even
    // though B's default-CF entry (start 20) is the newest one in the default CF.
    const b = new MvccBuilder().put(K, te(long('A')), 10n, 50n).put(K, te(long('B')), 20n, 30n);
    const { rows } = scan(b.src);
    assert.deepEqual(rows.map((r) => [r.value, r.commitTs, r.startTs]), [[long('A'), 50n, 10n]]);
    // same with short values
    const c = new MvccBuilder().put(K, te('A'), 10n, 50n).put(K, te('B'), 20n, 30n);
    assert.deepEqual(scan(c.src).rows.map((r) => r.value), ['A']);
  });

  it('a newer short value beats an older default-CF value (prior tool bug)', () => {
    const b = new MvccBuilder().put(K, te(long('L')), 10n, 11n).put(K, te('S'), 20n, 21n);
    assert.deepEqual(scan(b.src).rows.map((r) => r.value), ['S']);
  });

  it('values moving between short and long across versions', () => {
    const a = rk(1n);
    const c = rk(2n);
    const b = new MvccBuilder()
      .put(a, te('a-short-1'), 10n, 11n)
      .put(a, te(long('a')), 20n, 21n) // a: short -> long
      .put(c, te(long('c')), 10n, 11n)
      .put(c, te('c-short-2'), 20n, 21n) // c: long -> short
      .put(c, te(long('d')), 30n, 31n); // c: -> long again
    assert.deepEqual(scan(b.src).rows.map((r) => r.value), [long('a'), long('d')]);
    assert.deepEqual(scan(b.src, 25n).rows.map((r) => r.value), [long('a'), 'c-short-2']);
    assert.deepEqual(scan(b.src, 15n).rows.map((r) => r.value), ['a-short-1', long('c')]);
  });

  it('handle 0, negative handles and the extreme handles are all emitted, in order (prior sentinel bug)', () => {
    const handles = [-(1n << 63n), -5n, -1n, 0n, 1n, (1n << 63n) - 1n];
    const b = new MvccBuilder();
    for (const h of handles) {
      // handle 0 only as short values, others mixed short/long
      if (h === 0n) b.put(rk(h), te('zero-old'), 5n, 6n).put(rk(h), te('zero'), 7n, 8n);
      else if (h < 0n) b.put(rk(h), te(long(`n${h}`, 100)), 10n, 11n);
      else b.put(rk(h), te(`p${h}`), 10n, 11n);
    }
    // neighbours outside the range: table 0 and table 2 rows, and a t1 index key
    b.put(rk(0n, 0n), te('t0'), 1n, 2n).put(rk(0n, 2n), te('t2'), 1n, 2n);
    b.put(Uint8Array.from([...rk(0n).subarray(0, 10), 0x69, 1, 2]), te('index'), 1n, 2n);
    const { rows } = scan(b.src);
    assert.deepEqual(
      rows.map((r) => r.key),
      handles.map((h) => toHex(rk(h))),
    );
    assert.deepEqual(rows.map((r) => r.value), [long('n-9223372036854775808', 100), long('n-5', 100), long('n-1', 100), 'zero', 'p1', 'p9223372036854775807']);
  });

  it('gc_fence: a newest visible record with a non-zero fence <= readTs hides the key', () => {
    const b = new MvccBuilder().put(K, te('v1'), 10n, 11n).put(K, te('v2'), 20n, 21n, { gcFence: 30n });
    const all = scan(b.src);
    assert.deepEqual(all.rows, []);
    assert.equal(all.s.stats.gcFenced, 1);
    // fence 30 > readTs 25: the record is still valid at 25
    assert.deepEqual(scan(b.src, 25n).rows.map((r) => r.value), ['v2']);
    // fence exactly at readTs hides it
    assert.deepEqual(scan(b.src, 30n).rows, []);
  });

  it('gc_fence = 0 does not hide', () => {
    const b = new MvccBuilder().put(K, te('v1'), 10n, 11n, { gcFence: 0n, overlappedRollback: true });
    assert.deepEqual(scan(b.src).rows.map((r) => r.value), ['v1']);
  });

  it('gc_fence is checked on every visited record, also a skipped Lock (point_getter.rs)', () => {
    const b = new MvccBuilder().put(K, te('v1'), 10n, 11n).lockWrite(K, 20n, 21n, { gcFence: 25n });
    assert.deepEqual(scan(b.src).rows, []);
    assert.deepEqual(scan(b.src, 24n).rows.map((r) => r.value), ['v1']);
  });

  it('--as-of readTs picks the older version; versions newer than readTs are invisible', () => {
    const b = new MvccBuilder().put(K, te('v1'), 10n, 11n).put(K, te('v2'), 20n, 21n).del(K, 30n, 31n);
    assert.deepEqual(scan(b.src, 15n).rows.map((r) => [r.value, r.commitTs]), [['v1', 11n]]);
    assert.deepEqual(scan(b.src, 21n).rows.map((r) => r.value), ['v2']); // commit_ts == readTs is visible
    assert.deepEqual(scan(b.src, 20n).rows.map((r) => r.value), ['v1']);
    assert.deepEqual(scan(b.src, 10n).rows, []);
    const { s } = scan(b.src, 15n);
    assert.equal(s.stats.newerThanReadTs, 2);
  });

  it('a Put whose default value is missing is reported and not emitted; the scan goes on', () => {
    const b = new MvccBuilder()
      .rawWrite(rk(1n), 11n, encodeWrite('put', 10n)) // no short value, no default entry
      .put(rk(2n), te(long('x')), 10n, 11n);
    const { rows, s } = scan(b.src);
    assert.deepEqual(rows.map((r) => r.key), [toHex(rk(2n))]);
    assert.equal(s.stats.missingDefault, 1);
    assert.equal(s.stats.missingDefaultSamples.length, 1);
    assert.equal(s.stats.missingDefaultSamples[0]!.rawKeyHex, toHex(rk(1n)));
    assert.equal(s.stats.missingDefaultSamples[0]!.startTs, 10n);
    assert.equal(s.stats.missingDefaultSamples[0]!.commitTs, 11n);
  });

  it('a default value at another start_ts is not used for a Put (no invented values)', () => {
    const b = new MvccBuilder().rawWrite(K, 21n, encodeWrite('put', 20n)).rawDefault(K, 10n, te(long('old')));
    const { rows, s } = scan(b.src);
    assert.deepEqual(rows, []);
    assert.equal(s.stats.missingDefault, 1);
  });

  it('a default-CF key that is a proper prefix of the lookup target, or the target plus a byte, is not its value', () => {
    // 'z' + mc(K) + the first 4 bytes of NOT start_ts sorts just before the target; target + 00
    // just after: neither is the target (a length-blind compare would take them).
    const target = tsKey(K, 20n);
    const b = new MvccBuilder().rawWrite(K, 21n, encodeWrite('put', 20n));
    b.src.put('default', target.subarray(0, target.length - 4), te('prefix'));
    b.src.put('default', Uint8Array.from([...target, 0]), te('longer'));
    const { rows, s } = scan(b.src);
    assert.deepEqual(rows, []);
    assert.equal(s.stats.missingDefault, 1);
  });

  it("default CF after a found value: an entry sharing the old target's key and the new start_ts is not the new value", () => {
    // default CF: K1@10 (K1's value), K1@5 (orphan: no write record), K2@5 (K2's value). After K1@10
    // the cursor steps to K1@5: its key shares all of K1 and most of the ts with K1@10, and equals
    // the new target K2@5 from the handle's last byte on; it must still compare below K2@5.
    for (const keySharing of [false, true]) {
      const k1 = rk(1n);
      const k2 = rk(2n);
      const b = new MvccBuilder({ keySharing })
        .put(k1, te(long('a')), 10n, 11n)
        .rawDefault(k1, 5n, te(long('orphan')))
        .put(k2, te(long('b')), 5n, 12n);
      const { rows, s } = scan(b.src);
      assert.deepEqual(
        rows.map((r) => [r.key, r.value]),
        [
          [toHex(k1), long('a')],
          [toHex(k2), long('b')],
        ],
        `keySharing ${keySharing}`,
      );
      assert.equal(s.stats.missingDefault, 0);
      assert.equal(b.src.counter('default').seeks, 1); // forward steps only
    }
  });

  it('default CF: lookups after a missing value, a blob index and a seek still find each value', () => {
    for (const keySharing of [false, true]) {
      const b = new MvccBuilder({ keySharing });
      for (let h = 0n; h < 40n; h++) {
        if (h === 3n) b.rawWrite(rk(h), 11n, encodeWrite('put', 10n)); // missing default value
        else if (h === 7n) {
          b.rawWrite(rk(h), 11n, encodeWrite('put', 10n));
          b.src.put('default', tsKey(rk(h), 10n), te('blob'), ValueType.BlobIndex);
        } else if (h === 20n) {
          // a gap of orphans the cursor seeks over
          for (let t = 1n; t <= 12n; t++) b.rawDefault(rk(h), 100n - t, te(long('o')));
          b.put(rk(h), te(long(`v${h}`)), 50n, 51n);
        } else b.put(rk(h), te(long(`v${h}`)), 10n + (h % 3n), 20n);
      }
      const { rows, s } = scan(b.src);
      const want = [...Array(40).keys()].filter((h) => h !== 3 && h !== 7).map((h) => [toHex(rk(BigInt(h))), long(`v${h}`)]);
      assert.deepEqual(rows.map((r) => [r.key, r.value]), want, `keySharing ${keySharing}`);
      assert.equal(s.stats.missingDefault, 1);
      assert.equal(s.stats.blobIndex, 1);
    }
  });

  it('missing-value samples are capped at 10 (bounded memory)', () => {
    const b = new MvccBuilder();
    for (let h = 0n; h < 50n; h++) b.rawWrite(rk(h), 11n, encodeWrite('put', 10n));
    const { s } = scan(b.src);
    assert.equal(s.stats.missingDefault, 50);
    assert.equal(s.stats.missingDefaultSamples.length, 10);
  });

  it('a Titan blob index in the default CF is counted and not emitted', () => {
    const b = new MvccBuilder()
      .rawWrite(rk(1n), 11n, encodeWrite('put', 10n))
      .rawDefault(rk(1n), 10n, Uint8Array.of(0x01, 0x01, 0x02, 0x03), ValueType.BlobIndex)
      .put(rk(2n), te('ok'), 10n, 11n);
    const { rows, s } = scan(b.src);
    assert.deepEqual(rows.map((r) => r.value), ['ok']);
    assert.equal(s.stats.blobIndex, 1);
    assert.equal(s.stats.blobIndexSamples[0]!.rawKeyHex, toHex(rk(1n)));
    assert.equal(s.stats.missingDefault, 0);
  });

  it('an uncommitted prewrite with a large value in the default CF is never emitted (prior tool bug)', () => {
    const b = new MvccBuilder()
      .put(rk(1n), te('committed'), 10n, 11n)
      .prewrite(rk(1n), te(long('U')), 50n) // newer, uncommitted, big value in default CF
      .prewrite(rk(2n), te(long('V')), 50n) // only uncommitted data
      .prewrite(rk(3n), te('short-uncommitted'), 50n);
    const { rows } = scan(b.src);
    assert.deepEqual(rows.map((r) => [r.key, r.value]), [[toHex(rk(1n)), 'committed']]);
  });
});

describe('LatestScanner: ranges, ownership, access pattern', () => {
  it('start is inclusive, end exclusive', () => {
    const b = new MvccBuilder();
    for (let h = 1n; h <= 5n; h++) b.put(rk(h), te(`v${h}`), 10n, 11n);
    const { rows } = scan(b.src, undefined, { start: rk(2n), end: rk(4n) });
    assert.deepEqual(rows.map((r) => r.value), ['v2', 'v3']);
  });

  it('an empty or inverted range yields nothing and opens no cursor', () => {
    const b = new MvccBuilder().put(K, te('v'), 1n, 2n);
    assert.deepEqual(scan(b.src, undefined, { start: rk(3n), end: rk(3n) }).rows, []);
    assert.deepEqual(scan(b.src, undefined, { start: rk(4n), end: rk(3n) }).rows, []);
    assert.equal(b.src.counter('write').cursors, 0);
  });

  it('empty raw bounds cover every data key, and never local keys', () => {
    const b = new MvccBuilder().put(te('a'), te('1'), 1n, 2n).put(te('zz'), te('2'), 1n, 2n);
    b.src.put('write', Uint8Array.of(0x01, 0x01), te('not mvcc')); // local key in the write CF: outside 'z'
    b.src.put('write', Uint8Array.of(0x7b, 0x00), te('past z')); // past DATA_MAX_KEY
    const { rows } = scan(b.src, undefined, { start: new Uint8Array(0), end: new Uint8Array(0) });
    assert.deepEqual(rows.map((r) => r.value), ['1', '2']);
  });

  it('rawKey() is an owned copy that survives next(); value() is valid until next()', () => {
    const b = new MvccBuilder().put(rk(1n), te('one'), 1n, 2n).put(rk(2n), te(long('t')), 1n, 2n);
    const s = new LatestScanner(b.src, tableRange());
    assert.ok(s.next());
    const k1 = s.rawKey();
    const v1 = s.value().slice();
    assert.ok(s.next());
    assert.equal(toHex(k1), toHex(rk(1n)));
    assert.equal(new TextDecoder().decode(v1), 'one');
    assert.equal(new TextDecoder().decode(s.value()), long('t'));
    assert.equal(s.next(), false);
    assert.equal(s.next(), false);
  });

  it('default CF is merge-joined: one ascending cursor, no per-row point lookups', () => {
    const b = new MvccBuilder();
    const n = 300n;
    for (let h = 0n; h < n; h++) {
      // three big versions per row: two older default entries sit between the lookup targets
      b.put(rk(h), te(long(`a${h}`, 100)), 10n, 11n).put(rk(h), te(long(`b${h}`, 100)), 20n, 21n).put(rk(h), te(long(`c${h}`, 100)), 30n, 31n);
    }
    const { rows } = scan(b.src);
    assert.equal(rows.length, Number(n));
    assert.equal(rows[7]!.value, long('c7', 100));
    const d = b.src.counter('default');
    assert.equal(d.cursors, 1);
    assert.equal(d.seeks, 1);
    assert.ok(d.nexts <= 3 * Number(n), `nexts ${d.nexts}`);
  });

  it('large gaps in the default CF are skipped with a forward seek, not a scan', () => {
    const b = new MvccBuilder();
    b.put(rk(1n), te(long('a')), 10n, 11n);
    for (let h = 2n; h < 200n; h++) b.rawDefault(rk(h), 5n, te('orphan')); // default entries nothing points at
    b.put(rk(500n), te(long('b')), 10n, 11n);
    const { rows } = scan(b.src);
    assert.deepEqual(rows.map((r) => r.value), [long('a'), long('b')]);
    const d = b.src.counter('default');
    assert.equal(d.seeks, 2);
    assert.ok(d.nexts <= 8, `nexts ${d.nexts}`);
  });

  it('a corrupt write record (well-formed key) skips that key only: counted with a sample, scan continues', () => {
    const b = new MvccBuilder()
      .put(rk(1n), te('a'), 1n, 2n)
      .put(rk(2n), te('old'), 3n, 4n) // an older, valid version of the bad key: never emitted
      .rawWrite(rk(2n), 11n, Uint8Array.of(0x58, 0x01)) // type 'X': unknown write type
      .put(rk(3n), te('c'), 5n, 6n);
    for (let h = 4n; h < 30n; h++) b.rawWrite(rk(h), 20n + h, Uint8Array.of(0x50)); // Put without start_ts: truncated
    b.put(rk(40n), te('z'), 7n, 8n);
    const { rows, s } = scan(b.src);
    assert.deepEqual(rows.map((r) => [r.key, r.value]), [[toHex(rk(1n)), 'a'], [toHex(rk(3n)), 'c'], [toHex(rk(40n)), 'z']]);
    assert.equal(s.stats.corruptWrites, 27);
    assert.equal(s.stats.corruptWriteSamples.length, 10);
    const first = s.stats.corruptWriteSamples[0]!;
    assert.equal(first.rawKeyHex, toHex(rk(2n)));
    assert.equal(first.valueHex, '5801');
    assert.equal(first.commitTs, 11n);
    assert.equal(first.writeKeyHex.slice(0, 2), '7a');
    assert.equal(first.writeKeyHex.slice(-16), toHex(Uint8Array.from(u64be(~11n & 0xffffffffffffffffn))));
    assert.match(first.error, /^corruption: /);
    assert.equal(s.stats.corruptWriteSamples[1]!.rawKeyHex, toHex(rk(4n)));
    assert.equal(s.stats.corruptWriteSamples[1]!.valueHex, '50');
    assert.equal(s.stats.rows, 3);
  });

  it('a corrupt newer version hides the key even when an older one would be visible at --as-of', () => {
    const b = new MvccBuilder().put(K, te('v1'), 10n, 11n).rawWrite(K, 21n, Uint8Array.of(0x44, 0xff));
    const all = scan(b.src);
    assert.deepEqual(all.rows, []);
    assert.equal(all.s.stats.corruptWrites, 1);
    assert.equal(all.s.stats.deletedRows, 0);
    // at a read ts before the bad record, it is not read at all: the old value is the truth then
    const { rows, s } = scan(b.src, 15n);
    assert.deepEqual(rows.map((r) => r.value), ['v1']);
    assert.equal(s.stats.corruptWrites, 0);
  });

  it('a write-CF key that is not z + memcomparable groups + ts is corruption', () => {
    const b = new MvccBuilder();
    b.src.put('write', Uint8Array.from([0x7a, 0x74, 0x80, 1, 2, 3]), encodeWrite('put', 1n, { shortValue: te('x') }));
    assert.throws(() => scan(b.src, undefined, { start: te('t'), end: te('u') }), (e: unknown) => e instanceof FormatError && e.code === 'corruption');
  });
});

describe('scanLocks', () => {
  it('reports every lock in the range with samples; values are never exported', () => {
    const b = new MvccBuilder().put(rk(1n), te('v'), 1n, 2n);
    for (let h = 0n; h < 25n; h++) b.prewrite(rk(h), te(`u${h}`), 100n + h, rk(0n));
    b.src.put('lock', lockKey(rk(30n)), encodeLock('pessimistic', rk(30n), 200n, 20000n, { forUpdateTs: 201n }));
    b.src.put('lock', lockKey(rk(0n, 2n)), encodeLock('put', rk(0n, 2n), 1n, 1n)); // other table
    const r = scanLocks(b.src, tableRange());
    assert.equal(r.count, 26);
    assert.deepEqual(r.byType, { put: 25, delete: 0, lock: 0, pessimistic: 1, shared: 0 });
    assert.equal(r.samples.length, 20);
    assert.deepEqual(
      [toHex(r.samples[3]!.key), toHex(r.samples[3]!.primary), r.samples[3]!.startTs, r.samples[3]!.type, r.samples[3]!.ttl],
      [toHex(rk(3n)), toHex(rk(0n)), 103n, 'put', 3000n],
    );
    // and the scanner ignores them: only the committed row
    assert.deepEqual(scan(b.src).rows.map((x) => x.value), ['v']);
  });

  it('a shared-lock container counts once and reports its holders', () => {
    const b = new MvccBuilder();
    const l1 = encodeLock('lock', te('p1'), 100n, 10n);
    const l2 = encodeLock('lock', te('p2'), 90n, 30n);
    b.src.put('lock', lockKey(rk(1n)), Uint8Array.from([0x48, 0x68, ...uvarint(2n), ...zigzag(BigInt(l1.length)), ...l1, ...zigzag(BigInt(l2.length)), ...l2]));
    const r = scanLocks(b.src, tableRange());
    assert.equal(r.count, 1);
    assert.equal(r.byType.shared, 1);
    assert.deepEqual([r.samples[0]!.type, r.samples[0]!.startTs, r.samples[0]!.ttl, r.samples[0]!.sharedCount], ['shared', 90n, 30n, 2]);
  });

  it('status of each lock from its primary: committed / rolled-back / pending / async-commit (hand-built histories)', () => {
    const P = rk(100n, 5n); // primaries live in another table: the lookup is not limited to the scanned range
    const b = new MvccBuilder();
    // txn A (start 50): primary committed at 55, secondary rk(1) still locked
    b.put(P, te('pa'), 50n, 55n);
    b.prewrite(rk(1n), te('sa'), 50n, P);
    // txn B (start 60): primary rolled back, secondary rk(2) still locked
    b.rollback(rk(101n, 5n), 60n);
    b.prewrite(rk(2n), te('sb'), 60n, rk(101n, 5n));
    // txn C (start 70): primary still locked, no write record: pending (rk(3) is the primary itself)
    b.prewrite(rk(3n), te('sc'), 70n, rk(3n));
    // txn D (start 80): async commit ('a' field), primary has no record yet -> async-commit
    b.src.put('lock', lockKey(rk(4n)), encodeLock('put', rk(102n, 5n), 80n, 3000n, { shortValue: te('sd'), secondaries: [rk(4n)] }));
    // txn E (start 90): async commit whose primary committed at 95 -> committed
    b.put(rk(103n, 5n), te('pe'), 90n, 95n);
    b.src.put('lock', lockKey(rk(5n)), encodeLock('put', rk(103n, 5n), 90n, 3000n, { shortValue: te('se'), secondaries: [rk(5n)] }));
    // txn F (start 40): a Delete committed on the primary at 45; newer commits of other txns on top
    b.del(rk(104n, 5n), 40n, 45n).put(rk(104n, 5n), te('newer'), 47n, 48n);
    b.prewrite(rk(6n), te('sf'), 40n, rk(104n, 5n));
    // txn G (start 30): another txn committed on the primary exactly at 30 with an overlapped rollback -> rolled back
    b.rawWrite(rk(105n, 5n), 30n, encodeWrite('put', 20n, { shortValue: te('x'), overlappedRollback: true }));
    b.prewrite(rk(7n), te('sg'), 30n, rk(105n, 5n));
    // txn H (start 20): the primary's only commit is of another txn (start 21): pending
    b.put(rk(106n, 5n), te('other'), 21n, 22n);
    b.prewrite(rk(8n), te('sh'), 20n, rk(106n, 5n));
    const r = scanLocks(b.src, tableRange());
    const got = r.samples.map((x) => [toHex(x.key), x.status, x.commitTs, x.asyncCommit]);
    assert.deepEqual(got, [
      [toHex(rk(1n)), 'committed', 55n, false],
      [toHex(rk(2n)), 'rolled-back', undefined, false],
      [toHex(rk(3n)), 'pending', undefined, false],
      [toHex(rk(4n)), 'async-commit', undefined, true],
      [toHex(rk(5n)), 'committed', 95n, true],
      [toHex(rk(6n)), 'committed', 45n, false],
      [toHex(rk(7n)), 'rolled-back', undefined, false],
      [toHex(rk(8n)), 'pending', undefined, false],
    ]);
    assert.deepEqual(r.byStatus, { committed: 3, 'rolled-back': 2, pending: 2, 'async-commit': 1 });
    // committed-but-locked values are never exported: table 1 has no committed row at all
    assert.deepEqual(scan(b.src).rows, []);
  });

  it('no lock CF entries -> count 0', () => {
    assert.equal(scanLocks(new MvccBuilder().put(K, te('v'), 1n, 2n).src, tableRange()).count, 0);
  });
});

describe('LatestScanner: many versions', () => {
  it('older versions of a decided key are skipped with a seek, and the next key is still read', () => {
    const b = new MvccBuilder();
    for (let t = 1n; t <= 200n; t++) b.put(rk(1n), te(`v${t}`), 10n * t, 10n * t + 1n);
    b.put(rk(2n), te('next'), 5n, 6n);
    // a version at ts 0 (the last possible one) must not leak into the next row either
    b.rawWrite(rk(1n), 0n, encodeWrite('put', 0n, { shortValue: te('ts0') }));
    const { rows } = scan(b.src);
    assert.deepEqual(rows.map((r) => r.value), ['v200', 'next']);
    const w = b.src.counter('write');
    assert.ok(w.nexts < 30, `write nexts ${w.nexts}`);
    assert.equal(w.seeks, 2);
  });
  it('with many versions and readTs in the middle, the right one is chosen', () => {
    const b = new MvccBuilder();
    for (let t = 1n; t <= 200n; t++) b.put(rk(1n), te(`v${t}`), 10n * t, 10n * t + 1n);
    assert.deepEqual(scan(b.src, 1000n).rows.map((r) => r.value), ['v99']);
  });
});
