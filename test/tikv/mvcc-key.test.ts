import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FormatError } from '../../src/errors.js';
import {
  DATA_MAX_KEY,
  STORE_IDENT_KEY,
  appendTs,
  applyStateKey,
  checkDataKeyWithTs,
  classifyRawKey,
  dataKey,
  decodeDataKey,
  decodeTs,
  encodeDataKey,
  encodeRawRange,
  parseRegionLocalKey,
  prefixEnd,
  raftStateKey,
  regionStateKey,
  splitTs,
} from '../../src/tikv/mvcc-key.js';
import { compareBytes, encodeBytes } from '../../src/tikv/memcomparable.js';
import { fromHex, te, toHex } from './support/mvcc-builder.js';
import { VECTORS, tag } from './support/vectors.js';

const find = (pred: (d: string) => boolean) => {
  const v = VECTORS.find((x) => pred(x.description));
  assert.ok(v);
  return v;
};

describe('MVCC key vectors', () => {
  const v20 = find((d) => d.startsWith('Key::from_encoded(b"abc").append_ts(100)'));
  it(`${tag(v20)}append_ts(100) on encoded "abc" (types.rs test_append_ts)`, () => {
    assert.equal(toHex(appendTs(te('abc'), 100n)), v20.hex);
    const s = splitTs(fromHex(v20.hex));
    assert.equal(toHex(s.userKey), '616263');
    assert.equal(s.ts, 100n);
  });
  const v21 = find((d) => d.startsWith('Key::from_raw(b"z").append_ts(1000)'));
  it(`${tag(v21)}Key::from_raw("z").append_ts(1000) (types.rs test_append_ts)`, () => {
    assert.equal(toHex(appendTs(encodeBytes(te('z')), 1000n)), v21.hex);
    assert.equal(decodeTs(fromHex(v21.hex), 9), 1000n);
  });
  const v23 = find((d) => d.startsWith('same TSO as an MVCC key suffix'));
  it(`${tag(v23)}TSO 411225436913926252 as a key suffix`, () => {
    assert.equal(toHex(appendTs(new Uint8Array(0), 411225436913926252n)), v23.hex);
    assert.equal(decodeTs(fromHex(v23.hex), 0), 411225436913926252n);
  });
  const v29 = find((d) => d.startsWith('on-disk write-CF key for TiDB record key t{1}_r{1}'));
  it(`${tag(v29)}on-disk write-CF key of t{1}_r{1}`, () => {
    const raw = fromHex(v29.input['raw_key_hex'] as string);
    assert.equal(toHex(appendTs(encodeDataKey(raw), 411225436913926252n)), v29.hex);
    const key = fromHex(v29.hex);
    assert.equal(checkDataKeyWithTs(key), key.length - 8);
    assert.equal(toHex(decodeDataKey(splitTs(key).userKey)), toHex(raw));
    assert.equal(splitTs(key).ts, 411225436913926252n);
  });
  const v30 = find((d) => d.startsWith('on-disk lock-CF key'));
  it(`${tag(v30)}on-disk lock-CF key of t{1}_r{1}`, () => {
    assert.equal(toHex(encodeDataKey(fromHex(v30.input['raw_key_hex'] as string))), v30.hex);
  });
  const v119 = find((d) => d.startsWith('STORE_IDENT_KEY'));
  it(`${tag(v119)}STORE_IDENT_KEY`, () => assert.equal(toHex(STORE_IDENT_KEY), v119.hex));
  const v120 = find((d) => d.startsWith('region_state_key(1)'));
  it(`${tag(v120)}region_state_key(1)`, () => {
    assert.equal(toHex(regionStateKey(1n)), v120.hex);
    assert.deepEqual(parseRegionLocalKey(fromHex(v120.hex)), { kind: 'meta', regionId: 1n, suffix: 1 });
  });
  const v121 = find((d) => d.startsWith('apply_state_key(1)'));
  it(`${tag(v121)}apply_state_key(1)`, () => {
    assert.equal(toHex(applyStateKey(1n)), v121.hex);
    assert.deepEqual(parseRegionLocalKey(fromHex(v121.hex)), { kind: 'raft', regionId: 1n, suffix: 3 });
  });
  const v122 = find((d) => d.startsWith('enc_start_key for region start_key [0x01]'));
  it(`${tag(v122)}data key of region start key [01] is 7a01; DATA_MAX_KEY is 7b`, () => {
    assert.equal(toHex(dataKey(fromHex(v122.input['start_key_hex'] as string))), v122.hex);
    assert.equal(toHex(DATA_MAX_KEY), '7b');
  });
});

describe('local keys', () => {
  it('raft state key and a large region id (hand-computed)', () => {
    assert.equal(toHex(raftStateKey(0x0102030405060708n)), '0102010203040506070802');
    assert.equal(toHex(regionStateKey(0xffffffffffffffffn)), '0103ffffffffffffffff01');
  });
  it('RECOVER_STATE_KEY (01 03, 2 bytes) is not a region key', () => {
    assert.equal(parseRegionLocalKey(fromHex('0103')), undefined);
    assert.equal(parseRegionLocalKey(fromHex('01010000000000000001')), undefined);
  });
});

describe('ts suffix', () => {
  it('newer ts sorts first', () => {
    const k = encodeDataKey(te('k'));
    assert.ok(compareBytes(appendTs(k, 200n), appendTs(k, 100n)) < 0);
    assert.equal(toHex(appendTs(new Uint8Array(0), 0n)), 'ffffffffffffffff');
    assert.equal(toHex(appendTs(new Uint8Array(0), 0xffffffffffffffffn)), '0000000000000000');
  });
  it('a key shorter than 8 bytes cannot be split', () => {
    assert.throws(() => splitTs(fromHex('7a0102')), (e: unknown) => e instanceof FormatError && e.code === 'truncated');
  });
  it('checkDataKeyWithTs rejects keys that are not z + 9k bytes + ts', () => {
    for (const h of ['', '7a', '7a0000000000000000f7', '7b' + '00'.repeat(17), '7a' + '00'.repeat(18)]) {
      assert.throws(() => checkDataKeyWithTs(fromHex(h)), (e: unknown) => e instanceof FormatError && e.code === 'corruption', h);
    }
  });
  it('decodeDataKey reports a bad marker as corruption with the key', () => {
    assert.throws(
      () => decodeDataKey(fromHex('7a0000000000000000f6')),
      (e: unknown) => e instanceof FormatError && e.code === 'corruption' && e.offset === 9 && /7a00/.test(e.message),
    );
  });
});

describe('raw range -> encoded range', () => {
  it('encodes both bounds as z + mc (hand-computed)', () => {
    const r = encodeRawRange({ start: te('t'), end: te('u') });
    assert.equal(toHex(r.start), '7a' + '74' + '00000000000000' + 'f8');
    assert.equal(toHex(r.end), '7a' + '75' + '00000000000000' + 'f8');
  });
  it('empty end means +inf (DATA_MAX_KEY)', () => {
    assert.equal(toHex(encodeRawRange({ start: new Uint8Array(0), end: new Uint8Array(0) }).end), '7b');
  });
  it('a longer key with the prefix is inside the range even though it does not byte-prefix-match mc(prefix)', () => {
    const prefix = te('t\x80');
    const r = encodeRawRange({ start: prefix, end: prefixEnd(prefix) });
    const longer = appendTs(encodeDataKey(te('t\x80\x00\x00\x00\x00\x00\x00\x01')), 5n);
    const mcPrefix = encodeDataKey(prefix);
    assert.notEqual(toHex(longer.subarray(0, mcPrefix.length)), toHex(mcPrefix)); // prefix match would miss it
    assert.ok(compareBytes(longer, r.start) >= 0 && compareBytes(longer, r.end) < 0);
    // and a key just past the prefix is outside
    const past = appendTs(encodeDataKey(te('t\x81')), 5n);
    assert.ok(compareBytes(past, r.end) >= 0);
  });
  it('prefixEnd increments the last non-ff byte', () => {
    assert.equal(toHex(prefixEnd(fromHex('74ff'))), '75');
    assert.equal(toHex(prefixEnd(fromHex('7400'))), '7401');
    assert.equal(toHex(prefixEnd(fromHex('ffff'))), '');
  });
});

describe('API v2 keyspace prefixes are recognized, not parsed as TiDB keys', () => {
  it('t/m keys are TiDB (API v1 or v2 without keyspace)', () => {
    assert.equal(classifyRawKey(fromHex('7480000000000000015f728000000000000001')).mode, 'tidb');
    assert.equal(classifyRawKey(te('mDBs')).mode, 'tidb');
  });
  it("'x' + 3-byte keyspace id", () => {
    const c = classifyRawKey(fromHex('780000027480000000000000015f72'));
    assert.equal(c.mode, 'txn-keyspace');
    assert.equal(c.keyspaceId, 2);
    assert.equal(toHex(c.rest), '7480000000000000015f72');
  });
  it("'r' + 3-byte keyspace id (RawKV)", () => {
    const c = classifyRawKey(fromHex('72010203616263'));
    assert.equal(c.mode, 'raw-keyspace');
    assert.equal(c.keyspaceId, 0x010203);
  });
  it('anything else (V1 raw keys, V3 prefixes, short x keys) is unknown', () => {
    for (const h of ['', '00', '7801', '0300000001000002', '61626364']) assert.equal(classifyRawKey(fromHex(h)).mode, 'unknown', h);
  });
});
