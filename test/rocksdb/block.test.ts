/** Block parsing on blocks written by hand from rocksdb-format.md §4.4 / §4.7. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { FormatError } from '../../src/errors.js';
import { appendIndexHandles, BlockIter, parseBlockTail, type BlockOptions } from '../../src/rocksdb/block.js';

const loc = { file: 'x.sst', offset: 4096, what: 'data block' };
const a = (s: string): number[] => [...Buffer.from(s, 'latin1')];
const u32 = (v: number): number[] => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];
const blk = (...parts: number[][]): Uint8Array => Uint8Array.from(parts.flat());
const str = (b: Uint8Array): string => Buffer.from(b).toString('latin1');

function entries(it: BlockIter): string[] {
  const out: string[] = [];
  for (it.seekToFirst(); it.valid(); it.next()) out.push(`${str(it.key())}=${str(it.value())}`);
  return out;
}
function err(fn: () => unknown): FormatError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof FormatError, String(e));
    return e;
  }
  assert.fail('expected a FormatError');
}

// "apple"=1, "apricot"=22 (shares "ap"), restart; "banana"=333
const sample = blk(
  [0, 5, 1], a('apple'), a('1'), // offset 0
  [2, 5, 2], a('ricot'), a('22'), // offset 9
  [0, 6, 3], a('banana'), a('333'), // offset 19
  u32(0), u32(19), u32(2),
);

test('entries with shared prefixes and two restarts', () => {
  const it = new BlockIter(sample, loc);
  assert.equal(it.numRestarts, 2);
  assert.equal(it.restartsOffset, 31);
  assert.deepEqual(entries(it), ['apple=1', 'apricot=22', 'banana=333']);
});

test('seek: binary search over restarts then linear scan', () => {
  const it = new BlockIter(sample, loc);
  const at = (t: string): string => {
    it.seek(Uint8Array.from(a(t)), false);
    return it.valid() ? str(it.key()) : '<end>';
  };
  assert.equal(at(''), 'apple');
  assert.equal(at('apple'), 'apple');
  assert.equal(at('apple\0'), 'apricot');
  assert.equal(at('apricot'), 'apricot');
  assert.equal(at('b'), 'banana');
  assert.equal(at('banana'), 'banana');
  assert.equal(at('bananas'), '<end>');
  assert.equal(at('z'), '<end>');
});

test('seek with internal keys compares the user-key part only', () => {
  const t1 = [0x01, 9, 0, 0, 0, 0, 0, 0]; // seq 9, put
  const t2 = [0x01, 5, 0, 0, 0, 0, 0, 0]; // seq 5, put
  const b = blk([0, 9, 1], a('k'), t1, a('x'), [1, 8, 1], t2, a('y'), [0, 10, 1], a('kk'), t1, a('z'), u32(0), u32(25), u32(2));
  const it = new BlockIter(b, loc);
  it.seek(Uint8Array.from(a('k')), true);
  assert.equal(str(it.value()), 'x'); // newest version of "k" first
  it.next();
  assert.equal(str(it.value()), 'y');
  it.seek(Uint8Array.from(a('k\0')), true);
  assert.equal(str(it.value()), 'z');
});

test('data-block hash index (bit 31) is skipped', () => {
  // buckets (3 bytes), fixed16 num_buckets = 3, then the packed footer with bit 31
  const b = blk([0, 1, 1], a('a'), a('1'), u32(0), [7, 0xff, 0xff], [3, 0], u32(0x80000001));
  const it = new BlockIter(b, loc);
  assert.equal(it.hasHashIndex, true);
  assert.equal(it.restartsOffset, 5);
  assert.deepEqual(entries(it), ['a=1']);
  const badBuckets = blk([0, 1, 1], a('a'), a('1'), u32(0), [9, 0], u32(0x80000001));
  assert.equal(err(() => new BlockIter(badBuckets, loc)).code, 'corruption');
});

test('packed footer: bit 28 unsupported, bit 30 corruption, bit 29 (uniform keys hint) accepted', () => {
  const body = [[0, 1, 1], a('a'), a('1'), u32(0)];
  assert.equal(err(() => new BlockIter(blk(...body, u32(0x10000001)), loc)).code, 'unsupported');
  assert.equal(err(() => new BlockIter(blk(...body, u32(0x40000001)), loc)).code, 'corruption');
  assert.deepEqual(entries(new BlockIter(blk(...body, u32(0x20000001)), loc)), ['a=1']);
});

test('malformed restarts -> corruption with file and block offset', () => {
  const zero = err(() => new BlockIter(blk([0, 1, 1], a('a'), a('1'), u32(0)), loc));
  assert.equal(zero.code, 'corruption');
  assert.equal(zero.file, 'x.sst');
  assert.equal(zero.offset, 4096);
  assert.equal(err(() => new BlockIter(blk(u32(0), u32(1000)), loc)).code, 'corruption'); // too many
  assert.equal(err(() => new BlockIter(blk([1, 2]), loc)).code, 'corruption'); // < 4 bytes
  // restart offset beyond the entries: detected when seeking
  const b = blk([0, 1, 1], a('a'), a('1'), u32(0), u32(200), u32(2));
  const it = new BlockIter(b, loc);
  assert.equal(err(() => it.seek(Uint8Array.from(a('z')), false)).code, 'corruption');
  // restart point whose entry has shared != 0
  const b2 = blk([0, 1, 1], a('a'), a('1'), [1, 1, 1], a('b'), a('2'), u32(0), u32(3), u32(2));
  assert.equal(err(() => new BlockIter(b2, loc).seek(Uint8Array.from(a('b')), false)).code, 'corruption');
});

test('malformed entries -> corruption, never garbage', () => {
  // shared larger than the previous key
  assert.equal(err(() => entries(new BlockIter(blk([0, 1, 1], a('a'), a('1'), [3, 1, 1], a('b'), a('2'), u32(0), u32(1)), loc))).code, 'corruption');
  // value runs into the restart array
  assert.equal(err(() => entries(new BlockIter(blk([0, 1, 9], a('a'), a('1'), u32(0), u32(1)), loc))).code, 'corruption');
  // key runs into the restart array
  assert.equal(err(() => entries(new BlockIter(blk([0, 40, 1], a('a'), a('1'), u32(0), u32(1)), loc))).code, 'corruption');
  // unterminated varint in the header
  assert.equal(err(() => entries(new BlockIter(blk([0x80, 0x80, 0x80], u32(0), u32(1)), loc))).code, 'corruption');
});

test('index block, delta-encoded values (format_version >= 4): shared != 0 -> size delta', () => {
  // k1: full handle (offset 0, size 100); k2 shares 1 byte: varsigned delta +10 (zigzag 20)
  // -> offset 0+100+5 = 105, size 110; k3 shares 1: delta -30 (zigzag 59) -> 220, 80.
  const b = blk([0, 2], a('k1'), [0, 100], [1, 1], a('2'), [20], [1, 1], a('3'), [59], u32(0), u32(1));
  const it = new BlockIter(b, { ...loc, what: 'index block' }, { index: true, valueDeltaEncoded: true });
  const got: [string, number, number][] = [];
  for (it.seekToFirst(); it.valid(); it.next()) got.push([str(it.key()), it.handleOffset, it.handleSize]);
  assert.deepEqual(got, [
    ['k1', 0, 100],
    ['k2', 105, 110],
    ['k3', 220, 80],
  ]);
  // seeking to k3's restart-less position decodes deltas from the restart point
  it.seek(Uint8Array.from(a('k3')), false);
  assert.deepEqual([it.handleOffset, it.handleSize], [220, 80]);
});

test('index block without delta encoding (format_version < 4) and with first keys (type 3)', () => {
  // value_length present; handle (300 = ac 02, 7)
  const b = blk([0, 1, 3], a('m'), [0xac, 0x02, 7], u32(0), u32(1));
  const it = new BlockIter(b, loc, { index: true });
  it.seekToFirst();
  assert.deepEqual([it.handleOffset, it.handleSize], [300, 7]);
  // trailing bytes inside value_length -> corruption
  const bad = blk([0, 1, 4], a('m'), [0xac, 0x02, 7, 0], u32(0), u32(1));
  assert.equal(err(() => new BlockIter(bad, loc, { index: true }).seekToFirst()).code, 'corruption');
  // first key: handle then length-prefixed first internal key
  const fk = blk([0, 1], a('m'), [0, 50, 3], a('abc'), u32(0), u32(1));
  const it2 = new BlockIter(fk, loc, { index: true, valueDeltaEncoded: true, indexHasFirstKey: true });
  it2.seekToFirst();
  assert.deepEqual([it2.handleOffset, it2.handleSize], [0, 50]);
  assert.equal(str(fk.subarray(it2.firstKeyStart, it2.firstKeyEnd)), 'abc');
  it2.next();
  assert.equal(it2.valid(), false);
});

test('parseBlockTail reports the restart array bounds', () => {
  assert.deepEqual(parseBlockTail(sample, loc), { numRestarts: 2, restartsOffset: 31, hasHashIndex: false });
});

test('arbitrary bytes: a FormatError or entries inside the block, never another exception or a hang', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 80 }), fc.boolean(), fc.boolean(), (bytes, index, delta) => {
      try {
        const it = new BlockIter(bytes, loc, { index, valueDeltaEncoded: delta });
        let n = 0;
        for (it.seekToFirst(); it.valid(); it.next()) {
          assert.ok(it.valueStart <= it.valueEnd && it.valueEnd <= it.restartsOffset);
          assert.ok(++n <= bytes.length);
        }
        it.seek(Uint8Array.of(0x61), false);
      } catch (e) {
        if (!(e instanceof FormatError)) throw e;
      }
    }),
    { numRuns: 2000 },
  );
  // single-byte mutations of a valid block
  for (let i = 0; i < sample.length; i++) {
    for (const x of [0x01, 0x80, 0xff]) {
      const m = Uint8Array.from(sample);
      m[i] = m[i]! ^ x;
      try {
        const it = new BlockIter(m, loc);
        for (it.seekToFirst(); it.valid(); it.next()) assert.ok(it.valueEnd <= it.restartsOffset);
        it.seek(Uint8Array.from(a('b')), false);
      } catch (e) {
        assert.ok(e instanceof FormatError, String(e));
      }
    }
  }
});

// Entry headers with one-, two- and three-byte varints (LEB128 written by hand): the two-byte
// case takes the parser's fast path, three bytes the checked decoder, in one block.
test('entry headers with 1-, 2- and 3-byte varints (fast and checked paths)', () => {
  const v200 = 'v'.repeat(200); // 200 = 0xc8 0x01
  const v20000 = 'w'.repeat(20000); // 20000 = 0xa0 0x9c 0x01
  const k130 = 'k'.repeat(130); // 130 = 0x82 0x01
  const b = blk(
    [0, 3, 0xc8, 0x01], a('aaa'), a(v200), // offset 0: value length 2 bytes
    [3, 0x82, 0x01, 1], a(k130), a('x'), // shared 3, key delta 130 (2 bytes)
    [0, 1, 0xa0, 0x9c, 0x01], a('b'), a(v20000), // value length 3 bytes
    [1, 1, 0, ], a('c'), // shared 1 ("b"), empty value, last entry before restarts
    u32(0), u32(1),
  );
  const it = new BlockIter(b, loc);
  it.seekToFirst();
  assert.equal(str(it.key()), 'aaa');
  assert.equal(str(it.value()), v200);
  it.next();
  assert.equal(str(it.key()), 'aaa' + k130);
  assert.equal(str(it.value()), 'x');
  it.next();
  assert.equal(str(it.key()), 'b');
  assert.equal(str(it.value()), v20000);
  it.next();
  assert.equal(str(it.key()), 'bc');
  assert.equal(it.value().length, 0);
  it.next();
  assert.equal(it.valid(), false);
});

test('a two-byte value length that runs past the entries is corruption, not a short read', () => {
  const b = blk([0, 1, 0xc8, 0x01], a('a'), a('v'.repeat(10)), u32(0), u32(1));
  const e = err(() => new BlockIter(b, loc).seekToFirst());
  assert.equal(e.code, 'corruption');
});

/** varint32 bytes. */
function varint(v: number): number[] {
  const out: number[] = [];
  while (v >= 0x80) {
    out.push((v & 0x7f) | 0x80);
    v >>>= 7;
  }
  out.push(v);
  return out;
}

/**
 * A data block of the given (sorted) keys, shared prefixes as BlockBuilder writes them (longest) or
 * any shorter one (`shorter` picks), a restart every `interval` entries.
 */
function buildBlock(keys: Uint8Array[], interval: number, shorter: (max: number) => number): Uint8Array {
  const parts: number[] = [];
  const restarts: number[] = [];
  let prev: Uint8Array = new Uint8Array(0);
  keys.forEach((k, i) => {
    let max = 0;
    while (max < k.length && max < prev.length && k[max] === prev[max]) max++;
    let shared = i % interval === 0 ? 0 : shorter(max);
    if (i % interval === 0) restarts.push(parts.length);
    if (shared > max) shared = max;
    const value = [i & 0xff, 0x76];
    parts.push(...varint(shared), ...varint(k.length - shared), ...varint(value.length), ...k.subarray(shared), ...value);
    prev = k;
  });
  for (const r of restarts) parts.push(...u32(r));
  parts.push(...u32(restarts.length));
  return Uint8Array.from(parts);
}

test('trailerInData: user keys, trailers, key() and seek equal the plain iterator (trailers shared or not)', () => {
  // internal keys: user keys of 0..5 bytes over a 2-letter alphabet (prefixes of each other,
  // several versions of one user key whose trailers share bytes)
  const userKey = fc.uint8Array({ minLength: 0, maxLength: 5, min: 0x61, max: 0x62 });
  const trailer = fc.uint8Array({ minLength: 8, maxLength: 8, max: 3 });
  fc.assert(
    fc.property(fc.array(fc.tuple(userKey, trailer), { minLength: 1, maxLength: 40 }), fc.integer({ min: 1, max: 5 }), fc.boolean(), fc.nat(), (raw, interval, longest, seed) => {
      const cmp = (x: Uint8Array, y: Uint8Array): number => Buffer.compare(Buffer.from(x), Buffer.from(y));
      const keys = raw
        .map(([u, t]) => Uint8Array.from([...u, ...t]))
        .sort((x, y) => cmp(x.subarray(0, x.length - 8), y.subarray(0, y.length - 8)) || cmp(x, y))
        .filter((k, i, all) => i === 0 || cmp(k, all[i - 1]!) !== 0);
      let s = seed;
      const block = buildBlock(keys, interval, (max) => (longest ? max : (s = (s * 1103515245 + 12345) >>> 0) % (max + 1)));
      const plain = new BlockIter(block, loc);
      const lean = new BlockIter(block, loc, { trailerInData: true });
      const trailerOf = (it: BlockIter): string =>
        it.trailerInBuf ? str(it.keyBuf.subarray(it.keyLen - 8, it.keyLen)) : str(it.data.subarray(it.trailerOff, it.trailerOff + 8));
      let n = 0;
      for (plain.seekToFirst(), lean.seekToFirst(); plain.valid(); plain.next(), lean.next(), n++) {
        assert.ok(lean.valid());
        assert.equal(str(lean.keyBuf.subarray(0, lean.keyLen - 8)), str(plain.key().subarray(0, plain.keyLen - 8)));
        assert.equal(trailerOf(lean), str(plain.key().subarray(plain.keyLen - 8)));
        assert.equal(str(lean.value()), str(plain.value()));
        if (n % 3 === 1) assert.equal(str(lean.key()), str(plain.key())); // key() puts the trailer into keyBuf
      }
      assert.equal(lean.valid(), false);
      assert.equal(n, keys.length);
      // seek (user-key part): same position
      for (const k of keys) {
        const target = k.subarray(0, k.length - 8);
        plain.seek(target, true);
        lean.seek(target, true);
        assert.equal(str(lean.key()), str(plain.key()));
        lean.next();
        plain.next();
        assert.equal(lean.valid(), plain.valid());
        if (plain.valid()) assert.equal(trailerOf(lean), str(plain.key().subarray(plain.keyLen - 8)));
      }
    }),
    { numRuns: 400 },
  );
});

/** BlockIter's walk of an index block: its handles, or the message it stops with. */
function iterHandles(b: Uint8Array, opts: BlockOptions): string {
  try {
    const out: string[] = [];
    const it = new BlockIter(b, loc, opts);
    for (it.seekToFirst(); it.valid(); it.next()) out.push(`${it.handleOffset}+${it.handleSize}`);
    return out.join(' ');
  } catch (e) {
    if (!(e instanceof FormatError)) throw e;
    return `error: ${e.message}`;
  }
}

function keylessHandles(b: Uint8Array, opts: BlockOptions): string {
  try {
    const offsets: number[] = [];
    const sizes: number[] = [];
    appendIndexHandles(b, loc, opts, offsets, sizes);
    return offsets.map((o, i) => `${o}+${sizes[i]}`).join(' ');
  } catch (e) {
    if (!(e instanceof FormatError)) throw e;
    return `error: ${e.message}`;
  }
}

test('appendIndexHandles lists the handles BlockIter decodes, and fails where it fails with the same message', () => {
  const delta = { index: true, valueDeltaEncoded: true };
  const plain = { index: true };
  const firstKey = { index: true, valueDeltaEncoded: true, indexHasFirstKey: true };
  const cases: [Uint8Array, BlockOptions, string][] = [
    // the blocks of the tests above, with the handles worked out there by hand
    [blk([0, 2], a('k1'), [0, 100], [1, 1], a('2'), [20], [1, 1], a('3'), [59], u32(0), u32(1)), delta, '0+100 105+110 220+80'],
    [blk([0, 1, 3], a('m'), [0xac, 0x02, 7], u32(0), u32(1)), plain, '300+7'],
    [blk([0, 1], a('m'), [0, 50, 3], a('abc'), u32(0), u32(1)), firstKey, '0+50'],
  ];
  for (const [b, opts, want] of cases) {
    assert.equal(keylessHandles(b, opts), want);
    assert.equal(iterHandles(b, opts), want);
    // every single-byte mutation: the same handles or the same error
    for (let i = 0; i < b.length; i++) {
      for (const x of [0x01, 0x02, 0x40, 0x80, 0xff]) {
        const m = Uint8Array.from(b);
        m[i] = m[i]! ^ x;
        assert.equal(keylessHandles(m, opts), iterHandles(m, opts), `byte ${i} ^ 0x${x.toString(16)}`);
      }
    }
  }
  assert.match(keylessHandles(blk([0, 2], a('k1'), [0, 100], [3, 1], a('2'), [20], u32(0), u32(1)), delta), /shares more bytes than the previous key has/);
  // a first key one byte longer than what is left
  const long = blk([0, 1], a('m'), [0, 50, 4], a('abc'), u32(0), u32(1));
  assert.match(keylessHandles(long, firstKey), /index first key runs past the value/);
  assert.equal(keylessHandles(long, firstKey), iterHandles(long, firstKey));
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 80 }), fc.boolean(), fc.boolean(), (bytes, isDelta, hasFirstKey) => {
      const opts = { index: true, valueDeltaEncoded: isDelta, indexHasFirstKey: hasFirstKey };
      assert.equal(keylessHandles(bytes, opts), iterHandles(bytes, opts));
    }),
    { numRuns: 3000 },
  );
});
