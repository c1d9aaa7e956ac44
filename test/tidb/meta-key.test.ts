// Meta keys: ground truth = pingcap/tidb's TestDecodeAutoIDMeta literal and the hash/string key
// vectors of fixtures/vectors/vectors.json, plus hand-built keys written byte by byte from
// pkg/structure/type.go.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  decodeMetaKey,
  encodeHashDataKey,
  encodeHashMetaKey,
  encodeStringKey,
  hashDataPrefix,
  hashRange,
} from '../../src/tidb/meta-key.js';
import { FormatError } from '../../src/errors.js';

interface Vector {
  locator?: string;
  description: string;
  input: Record<string, unknown>;
  hex: string;
}
const vectors = JSON.parse(readFileSync(new URL('../../fixtures/vectors/vectors.json', import.meta.url), 'utf8')) as Vector[];
const fromHex = (h: string): Uint8Array => new Uint8Array(Buffer.from(h, 'hex'));
const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const text = (b: Uint8Array): string => Buffer.from(b).toString('latin1');

function vector(pred: (v: Vector) => boolean): Vector {
  const v = vectors.find(pred);
  assert.ok(v, 'vector present');
  return v;
}

test('TestDecodeAutoIDMeta: hash DB:56 field TID:108 (upstream literal)', () => {
  const v = vector((x) => x.locator === 'TestDecodeAutoIDMeta');
  assert.equal(v.hex, '6d44423a3536000000fc00000000000000685449443a31303800fe');
  assert.equal(toHex(encodeHashDataKey('DB:56', 'TID:108')), v.hex);
  const k = decodeMetaKey(fromHex(v.hex));
  assert.equal(k.kind, 'hash');
  assert.ok(k.kind === 'hash');
  assert.equal(text(k.key), 'DB:56');
  assert.equal(text(k.field), 'TID:108');
});

test('hash-data vectors DBs/DB:2 and DB:2/Table:100 encode and decode', () => {
  for (const [hk, field] of [
    ['DBs', 'DB:2'],
    ['DB:2', 'Table:100'],
  ] as const) {
    const v = vector((x) => x.input['hash_key'] === hk && x.input['field'] === field);
    assert.equal(toHex(encodeHashDataKey(hk, field)), v.hex, `${hk}/${field}`);
    const k = decodeMetaKey(fromHex(v.hex));
    assert.ok(k.kind === 'hash');
    assert.equal(text(k.key), hk);
    assert.equal(text(k.field), field);
  }
});

test('string key SchemaVersionKey vector', () => {
  const v = vector((x) => x.input['key'] === 'SchemaVersionKey');
  assert.equal(toHex(encodeStringKey('SchemaVersionKey')), v.hex);
  const k = decodeMetaKey(fromHex(v.hex));
  assert.deepEqual({ kind: k.kind, key: text(k.key) }, { kind: 'string', key: 'SchemaVersionKey' });
});

test('hash meta H and list keys decode to their kinds (hand-written bytes)', () => {
  // 'm' + mc("DBs") + u64BE('H')
  const hm = fromHex('6d' + '4442730000000000fa' + '0000000000000048');
  assert.deepEqual(encodeHashMetaKey('DBs'), hm);
  assert.equal(decodeMetaKey(hm).kind, 'hash-meta');
  // 'm' + mc("DDLJobList") + u64BE('L')
  const lm = fromHex('6d' + '44444c4a6f624c69ff' + '7374000000000000f9' + '000000000000004c');
  const k = decodeMetaKey(lm);
  assert.deepEqual({ kind: k.kind, key: text(k.key) }, { kind: 'list-meta', key: 'DDLJobList' });
  // list data index 3: EncodeInt(3) = 80 00 00 00 00 00 00 03
  const ld = fromHex('6d' + '44444c4a6f624c69ff' + '7374000000000000f9' + '000000000000006c' + '8000000000000003');
  const l = decodeMetaKey(ld);
  assert.ok(l.kind === 'list');
  assert.equal(l.index, 3n);
});

test('hashRange(DB:1) excludes the fields of DB:10, DB:11, DB:100 and includes its own', () => {
  const r = hashRange('DB:1');
  assert.equal(toHex(r.start), '6d' + '44423a3100000000fb' + '0000000000000068');
  assert.equal(toHex(r.end), '6d' + '44423a3100000000fb' + '0000000000000069');
  const inRange = (k: Uint8Array): boolean => Buffer.compare(k, r.start) >= 0 && Buffer.compare(k, r.end) < 0;
  assert.ok(inRange(encodeHashDataKey('DB:1', 'Table:5')));
  assert.ok(inRange(encodeHashDataKey('DB:1', '')));
  assert.ok(inRange(encodeHashDataKey('DB:1', 'zzzzzzzzzzzzzzzzzzzzzzzz')));
  for (const other of ['DB:10', 'DB:11', 'DB:100', 'DB:1000000', 'DB:2']) {
    assert.ok(!inRange(encodeHashDataKey(other, 'Table:5')), other);
  }
  assert.ok(!inRange(encodeHashMetaKey('DB:1')));
  assert.ok(!inRange(encodeStringKey('DB:1')));
  assert.deepEqual(hashDataPrefix('DB:1'), r.start);
});

test('strict decode rejects malformed keys', () => {
  const good = encodeHashDataKey('DB:2', 'Table:100');
  const bad: [string, Uint8Array][] = [
    ['not m', Uint8Array.of(0x74, ...good.subarray(1))],
    ['trailing byte', Uint8Array.of(...good, 0)],
    ['truncated field', good.subarray(0, good.length - 1)],
    ['truncated type word', good.subarray(0, 14)],
    ['unknown type', (() => { const b = encodeStringKey('x').slice(); b[b.length - 1] = 0x7a; return b; })()],
    ['non-zero type word', (() => { const b = encodeStringKey('x').slice(); b[b.length - 2] = 1; return b; })()],
    ['string key with a field', Uint8Array.of(...encodeStringKey('x'), 0x41, 0, 0, 0, 0, 0, 0, 0, 0xf8)],
    ['bad key padding', fromHex('6d' + '4442730000000001fa' + '0000000000000073')],
    ['empty', new Uint8Array(0)],
  ];
  for (const [name, k] of bad) {
    assert.throws(() => decodeMetaKey(k), FormatError, name);
  }
});

test('property: hash keys round-trip and hashRange(DB:a) never holds a field of DB:b', async () => {
  const fc = (await import('fast-check')).default;
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 40 }), fc.uint8Array({ maxLength: 40 }), (key, field) => {
      const k = decodeMetaKey(encodeHashDataKey(key, field));
      return k.kind === 'hash' && Buffer.from(k.key).equals(Buffer.from(key)) && Buffer.from(k.field).equals(Buffer.from(field));
    }),
    { numRuns: 300 },
  );
  fc.assert(
    fc.property(fc.nat(1_000_000), fc.nat(1_000_000), fc.string({ maxLength: 20 }), (a, b, field) => {
      const r = hashRange(`DB:${a}`);
      const k = encodeHashDataKey(`DB:${b}`, field);
      const inside = Buffer.compare(k, r.start) >= 0 && Buffer.compare(k, r.end) < 0;
      return inside === (a === b);
    }),
    { numRuns: 500 },
  );
});
