// WriteView (the scan hot path's allocation-free reader) must agree with parseWrite field by
// field on every write.rs vector, and accept exactly the inputs parseWrite accepts on random
// and mutated bytes (false <=> parseWrite throws).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseWrite, WriteView } from '../../src/tikv/write-record.js';
import { fromHex } from './support/mvcc-builder.js';
import { vectorsFrom } from './support/vectors.js';
import { rng } from '../support/rng.js';

const TYPE_BYTE = { put: 0x50, delete: 0x44, lock: 0x4c, rollback: 0x52 } as const;

function agree(buf: Uint8Array): void {
  const v = new WriteView();
  let rec;
  try {
    rec = parseWrite(buf);
  } catch {
    rec = undefined;
  }
  const ok = v.read(buf);
  assert.equal(ok, rec !== undefined, `read() = ${ok} but parseWrite ${rec === undefined ? 'throws' : 'accepts'} on ${Buffer.from(buf).toString('hex')}`);
  agreeInside(buf, ok, v);
  if (rec === undefined) return;
  assert.equal(v.type, TYPE_BYTE[rec.type]);
  assert.equal(v.startTs(), rec.startTs);
  if (rec.shortValue === undefined) assert.equal(v.shortAt, -1);
  else {
    assert.equal(v.shortAt, rec.shortValue.byteOffset - buf.byteOffset);
    assert.equal(v.shortLen, rec.shortValue.length);
  }
  if (rec.gcFence === undefined) assert.equal(v.fenceAt, -1);
  else assert.equal(Buffer.from(buf.subarray(v.fenceAt, v.fenceAt + 8)).readBigUInt64BE(), rec.gcFence);
}

/**
 * read(big, start, end) with the record inside a larger array: the same answer and fields
 * (offsets shifted), and nothing read past `end` (the bytes after it would complete a cut
 * varint or short value, and turn a refused record into an accepted one).
 */
function agreeInside(buf: Uint8Array, ok: boolean, v: WriteView): void {
  const pre = 3;
  const big = new Uint8Array(pre + buf.length + 300).fill(0x01);
  big.set(buf, pre);
  const w = new WriteView();
  assert.equal(w.read(big, pre, pre + buf.length), ok, `inside a larger array: ${Buffer.from(buf).toString('hex')}`);
  if (!ok) return;
  assert.equal(w.type, v.type);
  assert.equal(w.startTs(), v.startTs());
  assert.equal(w.shortAt, v.shortAt < 0 ? -1 : v.shortAt + pre);
  assert.equal(w.shortLen, v.shortLen);
  assert.equal(w.fenceAt, v.fenceAt < 0 ? -1 : v.fenceAt + pre);
}

describe('WriteView vs parseWrite', () => {
  const vectors = vectorsFrom('txn_types/src/write.rs').map((v) => fromHex(v.hex));
  it('agrees on every write.rs vector and on each of their prefixes', () => {
    assert.equal(vectors.length, 10);
    for (const b of vectors) for (let n = 0; n <= b.length; n++) agree(b.subarray(0, n));
  });
  it('start_ts at every bit width, incl. 2^64-1 and an over-long 10-byte varint', () => {
    for (let bits = 0; bits <= 64; bits++) {
      const ts = bits === 0 ? 0n : (1n << BigInt(bits)) - 1n;
      const bytes: number[] = [0x50];
      let x = ts;
      do {
        let b = Number(x & 0x7fn);
        x >>= 7n;
        if (x !== 0n) b |= 0x80;
        bytes.push(b);
      } while (x !== 0n);
      agree(Uint8Array.from(bytes));
      const v = new WriteView();
      assert.ok(v.read(Uint8Array.from(bytes)));
      assert.equal(v.startTs(), ts);
    }
    agree(Uint8Array.from([0x50, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02])); // > 64 bits
    agree(Uint8Array.from([0x50, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00])); // 11 bytes
  });
  it('one reused view: start_ts (decoded on demand) is the last accepted record\'s, also after a refused one', () => {
    const v = new WriteView();
    const r = rng(11);
    let last: bigint | undefined;
    for (let n = 0; n < 5000; n++) {
      const b = vectors[n % vectors.length]!.slice();
      if (n % 3 === 0) b[Math.floor(r() * b.length)] = Math.floor(r() * 256);
      let rec;
      try {
        rec = parseWrite(b);
      } catch {
        rec = undefined;
      }
      assert.equal(v.read(b), rec !== undefined);
      if (rec !== undefined) last = rec.startTs;
      if (last !== undefined) assert.equal(v.startTs(), last);
    }
  });
  it('agrees on 200k random and mutated records', () => {
    const r = rng(7);
    const tags = [0x76, 0x52, 0x46, 0x6c, 0x53, 0x00, 0x99];
    for (let n = 0; n < 200_000; n++) {
      let buf: Uint8Array;
      if (n % 2 === 0 && vectors.length > 0) {
        buf = vectors[n % vectors.length]!.slice();
        const flips = 1 + Math.floor(r() * 3);
        for (let i = 0; i < flips && buf.length > 0; i++) buf[Math.floor(r() * buf.length)] = Math.floor(r() * 256);
      } else {
        const parts: number[] = [[0x50, 0x44, 0x4c, 0x52, 0x41][Math.floor(r() * 5)]!];
        const vlen = Math.floor(r() * 11);
        for (let i = 0; i < vlen; i++) parts.push(Math.floor(r() * 256));
        const ntags = Math.floor(r() * 4);
        for (let t = 0; t < ntags; t++) {
          parts.push(tags[Math.floor(r() * tags.length)]!);
          const len = Math.floor(r() * 12);
          for (let i = 0; i < len; i++) parts.push(r() < 0.3 ? Math.floor(r() * 256) : Math.floor(r() * 8));
        }
        buf = Uint8Array.from(parts);
      }
      agree(buf);
    }
  });
});
