/**
 * Property test for LatestScanner's per-entry key handling (src/tikv/mvcc-scan.ts): one forward
 * compare per write-CF entry decides "same key or new key", the range-end check is carried from
 * key to key (endPos), a new key is copied from its first changed byte on, and rawKeyView()
 * re-decodes only the memcomparable groups that changed since its last decode.
 *
 * Keys are random raw keys of 0..30 bytes (up to 4 memcomparable groups, bytes that sit next to
 * group boundaries: 00, 01, 74, fe, ff) mixed with TiDB record keys of adjacent int handles, plus
 * a few write-CF keys whose memcomparable groups are damaged (any one non-zero pad byte, or a
 * marker no encoder writes) but whose length passes the cheap shape check. The expected rows come from
 * a naive oracle over the sorted entries; the raw keys from the generator (the damaged ones must
 * make both rawKey() and rawKeyView() throw a FormatError). Each case runs against a source that
 * clamps cursors at the range end and one that does not (the scanner must stop by itself), with
 * cursors that hand out a fresh key view per call and cursors that reuse it (as MergingCursor
 * does), calling rawKeyView() on a random subset of the rows (a skipped row must not break the
 * next decode).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { FormatError } from '../../src/errors.js';
import { LatestScanner } from '../../src/tikv/mvcc-scan.js';
import { dataKey, encodeWrite, mvccKey } from '../support/tidb-builder/mvcc.js';
import { MemCfSource, cmp } from './support/mem-source.js';

const hexOf = (b: Uint8Array): string => Buffer.from(b).toString('hex');

type VKind = 'put' | 'delete' | 'lock';

interface KeySpec {
  raw: Uint8Array;
  /** Distinct commit ts, with the record kind. */
  versions: { ts: number; kind: VKind; value: Uint8Array }[];
  /** Damage the encoded key: undefined = well-formed. */
  /** `at` picks the damaged pad byte (counted back from the marker, modulo the padding). */
  damage?: { group: number; how: 'pad' | 'marker'; at: number };
}

const byteArb = fc.constantFrom(0x00, 0x01, 0x74, 0xfe, 0xff);
const freeRawArb = fc.array(byteArb, { maxLength: 30 }).map((a) => Uint8Array.from(a));
/** t{table}_r{handle}: 't' + EncodeInt(table) + '_r' + EncodeInt(handle). */
const recordRawArb = fc.tuple(fc.constantFrom(5n, 6n), fc.integer({ min: -3, max: 300 })).map(([t, h]) => {
  const u = (v: bigint): number[] => {
    const x = BigInt.asUintN(64, v) ^ (1n << 63n);
    return Array.from({ length: 8 }, (_, i) => Number((x >> BigInt(56 - 8 * i)) & 0xffn));
  };
  return Uint8Array.from([0x74, ...u(t), 0x5f, 0x72, ...u(BigInt(h))]);
});

const versionsArb = fc
  .uniqueArray(fc.integer({ min: 1, max: 20 }), { minLength: 1, maxLength: 4 })
  .chain((tss) =>
    fc.tuple(...tss.map((ts) => fc.record({ ts: fc.constant(ts), kind: fc.constantFrom<VKind>('put', 'put', 'put', 'delete', 'lock'), value: fc.uint8Array({ maxLength: 6 }) }))),
  );

const keyArb: fc.Arbitrary<KeySpec> = fc.record(
  {
    raw: fc.oneof(freeRawArb, recordRawArb, recordRawArb),
    versions: versionsArb,
    damage: fc.oneof(
      { weight: 12, arbitrary: fc.constant(undefined) },
      { weight: 1, arbitrary: fc.record({ group: fc.nat({ max: 3 }), how: fc.constantFrom<'pad' | 'marker'>('pad', 'marker'), at: fc.nat({ max: 7 }) }) },
    ),
  },
  { requiredKeys: ['raw', 'versions'] },
);

const caseArb = fc.record({
  keys: fc.uniqueArray(keyArb, { maxLength: 40, selector: (k) => hexOf(k.raw) }),
  start: fc.option(fc.oneof(freeRawArb, recordRawArb), { nil: undefined }),
  end: fc.option(fc.oneof(freeRawArb, recordRawArb), { nil: undefined }),
  /** Which rows call rawKeyView() (cycled). */
  viewMask: fc.array(fc.boolean(), { minLength: 1, maxLength: 7 }),
});

/** The encoded user part 'z' + mc(raw), damaged as asked (length unchanged); undefined = no damage possible. */
function userPart(k: KeySpec): { enc: Uint8Array; damaged: boolean } {
  const enc = Uint8Array.from(dataKey(k.raw));
  if (k.damage === undefined) return { enc, damaged: false };
  const groups = (enc.length - 1) / 9;
  const g = k.damage.group % groups;
  const markerAt = 1 + 9 * g + 8;
  if (k.damage.how === 'marker') {
    enc[markerAt] = 0xf0; // pad 15: never written by an encoder
    return { enc, damaged: true };
  }
  const pad = 0xff - enc[markerAt]!;
  if (pad === 0) return { enc, damaged: false }; // a full group has no pad byte to damage
  enc[markerAt - 1 - (k.damage.at % pad)] = 0x01; // a pad byte, which must be 0
  return { enc, damaged: true };
}

interface Row {
  enc: string;
  raw: string; // hex, or 'throws'
  value: string;
}

interface Built {
  entries: { key: Uint8Array; value: Uint8Array }[];
  /** user part hex -> expected raw hex (or 'throws'). */
  rawOf: Map<string, string>;
}

function build(keys: KeySpec[]): Built {
  const entries: Built['entries'] = [];
  const rawOf = new Map<string, string>();
  for (const k of keys) {
    const { enc, damaged } = userPart(k);
    const h = hexOf(enc);
    if (rawOf.has(h)) continue; // a damaged key may collide with another key's encoding
    rawOf.set(h, damaged ? 'throws' : hexOf(k.raw));
    for (const v of k.versions) {
      const full = new Uint8Array(enc.length + 8);
      full.set(enc, 0);
      full.set(mvccKey(new Uint8Array(0), v.ts).subarray(-8), enc.length); // u64BE(NOT ts)
      const type = v.kind === 'put' ? 'Put' : v.kind === 'delete' ? 'Delete' : 'Lock';
      entries.push({ key: full, value: encodeWrite({ type, startTs: v.ts, ...(v.kind === 'put' ? { shortValue: v.value } : {}) }) });
    }
  }
  entries.sort((a, b) => cmp(a.key, b.key));
  return { entries, rawOf };
}

/** Naive: group the sorted entries by user part; a key is in range when its entries are in [encStart, encEnd). */
function oracle(b: Built, encStart: Uint8Array, encEnd: Uint8Array): Row[] {
  const rows: Row[] = [];
  let i = 0;
  while (i < b.entries.length) {
    const user = b.entries[i]!.key.subarray(0, b.entries[i]!.key.length - 8);
    let j = i;
    while (j < b.entries.length && b.entries[j]!.key.length === user.length + 8 && cmp(b.entries[j]!.key.subarray(0, user.length), user) === 0) j++;
    const first = b.entries[i]!.key;
    if (cmp(first, encStart) >= 0 && cmp(first, encEnd) < 0) {
      for (let v = i; v < j; v++) {
        const rec = b.entries[v]!.value;
        if (rec[0] === 0x4c) continue; // Lock: next older version
        if (rec[0] === 0x50) {
          // Put: 50 uvarint(start_ts <= 20: one byte) 76 len value
          rows.push({ enc: hexOf(user), raw: b.rawOf.get(hexOf(user))!, value: hexOf(rec.subarray(4, 4 + rec[3]!)) });
        }
        break;
      }
    }
    i = j;
  }
  return rows;
}

/** The key's hex, or 'throws' when reading it throws a FormatError (anything else fails). */
function hexOrThrows(read: () => Uint8Array): string {
  try {
    return hexOf(read());
  } catch (e) {
    assert.ok(e instanceof FormatError, String(e));
    return 'throws';
  }
}

function scanAll(src: MemCfSource, range: { start: Uint8Array; end: Uint8Array }, mask: boolean[]): Row[] {
  const s = new LatestScanner(src, range);
  const rows: Row[] = [];
  let n = 0;
  while (s.next()) {
    const raw = hexOrThrows(() => s.rawKey());
    if (mask[n % mask.length]!) {
      const view = hexOrThrows(() => s.rawKeyView());
      assert.equal(view, raw, `rawKeyView() of row ${n} (${hexOf(s.encodedKey())})`);
    }
    rows.push({ enc: hexOf(s.encodedKey()), raw, value: hexOf(s.value()) });
    n++;
  }
  assert.equal(s.next(), false);
  return rows;
}

describe('LatestScanner key handling vs a naive oracle', () => {
  it('same rows, raw keys (rawKey and rawKeyView on a subset) and range end, with or without a clamping cursor', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const b = build(c.keys);
        const range = { start: c.start ?? new Uint8Array(0), end: c.end ?? new Uint8Array(0) };
        const encStart = dataKey(range.start);
        const encEnd = range.end.length === 0 ? Uint8Array.of(0x7b) : dataKey(range.end);
        const want = oracle(b, encStart, encEnd);
        for (const clampEnd of [true, false]) {
          for (const reuseKeyView of [false, true]) {
            const src = new MemCfSource({ clampEnd, reuseKeyView });
            for (const e of b.entries) src.put('write', e.key, e.value);
            if (cmp(range.start, range.end) >= 0 && range.end.length > 0) {
              assert.deepEqual(scanAll(src, range, c.viewMask), []);
              continue;
            }
            assert.deepEqual(scanAll(src, range, c.viewMask), want, `clampEnd=${clampEnd} reuseKeyView=${reuseKeyView}`);
          }
        }
      }),
      { numRuns: 400 },
    );
  });

  it('adjacent record keys across a group boundary: rawKeyView re-decodes the changed group only, with the right bytes', () => {
    // handles 255 -> 256 change byte 7 of the handle (group 2) and 65535 -> 65536 byte 6 (still
    // group 2); table 5 -> 6 changes group 0. Expected raw keys built by hand.
    const rec = (t: number, h: number): Uint8Array => {
      const k = new Uint8Array(19);
      k[0] = 0x74;
      new DataView(k.buffer).setBigUint64(1, BigInt(t) ^ (1n << 63n));
      k[9] = 0x5f;
      k[10] = 0x72;
      new DataView(k.buffer).setBigUint64(11, BigInt(h) ^ (1n << 63n));
      return k;
    };
    const keys = [rec(5, 255), rec(5, 256), rec(5, 65535), rec(5, 65536), rec(5, 2 ** 40), rec(6, 1)];
    const src = new MemCfSource({ reuseKeyView: true });
    keys.forEach((k, i) => src.put('write', mvccKey(k, 10 + i), encodeWrite({ type: 'Put', startTs: 9, shortValue: Uint8Array.of(i) })));
    const s = new LatestScanner(src, { start: new Uint8Array(0), end: new Uint8Array(0) });
    const got: string[] = [];
    while (s.next()) got.push(hexOf(s.rawKeyView()));
    assert.deepEqual(got, [
      '7480000000000000055f7280000000000000ff',
      '7480000000000000055f728000000000000100',
      '7480000000000000055f72800000000000ffff',
      '7480000000000000055f728000000000010000',
      '7480000000000000055f728000010000000000',
      '7480000000000000065f728000000000000001',
    ]);
  });
});
