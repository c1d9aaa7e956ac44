/**
 * Block contents of the block-based table: data, index, metaindex, properties and range-del
 * blocks (facebook/rocksdb:table/block_based/block_builder.cc, block.cc, data_block_footer.cc,
 * data_block_hash_index.cc; table/format.cc `IndexValue`).
 *
 *   entry*                         see below
 *   [hash index]                   only when bit 31 of the packed footer is set:
 *                                  uint8 buckets[num_buckets], fixed16 num_buckets
 *   fixed32 restart[num_restarts]  offsets of entries stored with shared = 0
 *   fixed32 packed footer          bits 0..27 num_restarts, bit 31 data-block hash index,
 *                                  bit 29 "uniform keys" (search hint), bit 28 separated
 *                                  keys/values (not supported), bit 30 unknown
 *
 * Entry (data/meta blocks, and index blocks without delta-encoded values):
 *   varint32 shared, varint32 non_shared, varint32 value_length, key delta[non_shared], value
 * Entry of an index block with `rocksdb.index.value.is.delta.encoded` = 1 (format_version >= 4):
 *   varint32 shared, varint32 non_shared, key delta, IndexValue
 * key = first `shared` bytes of the previous key ++ key delta.
 *
 * IndexValue: when shared == 0 (always at a restart point) a full BlockHandle
 *   (varint64 offset, varint64 size); when shared != 0 and values are delta encoded a
 *   varsigned64 size delta: size = prev size + delta, offset = prev offset + prev size + 5.
 *   Index type 3 (kBinarySearchWithFirstKey) appends a length-prefixed first internal key.
 *   (block.cc IndexBlockIter::DecodeCurrentValue: "Delta encoding is used if `shared` != 0".)
 */
import { FormatError, corruption, unsupported } from '../errors.js';
import { compareBytesRange, TRAILER_SIZE } from './internal-key.js';
import { newNumRead, readVarint32Into, readVarint64Into, readVarsigned64Into, type NumRead } from './varint.js';

/** Size of the block trailer (compression type + fixed32 checksum). */
export const BLOCK_TRAILER_SIZE = 5;

const HASH_INDEX_BIT = 0x80000000;
const UNKNOWN_BIT_30 = 0x40000000;
const UNIFORM_KEYS_BIT = 0x20000000;
const SEPARATED_KV_BIT = 0x10000000;
const NUM_RESTARTS_MASK = 0x0fffffff;

export interface BlockLocation {
  file?: string;
  /** File offset of the block (its stored bytes; decompressed contents have no file offsets). */
  offset: number;
  /** "data block", "index block", "metaindex block", ... */
  what: string;
}

export interface BlockOptions {
  /** Index block: values are block handles (IndexValue). */
  index?: boolean;
  /** Index block with `rocksdb.index.value.is.delta.encoded` = 1. */
  valueDeltaEncoded?: boolean;
  /** Index type 3: each IndexValue carries a length-prefixed first internal key. */
  indexHasFirstKey?: boolean;
  /** A key buffer to reuse (e.g. the previous block's), so a cursor allocates none per block. */
  keyBuf?: Uint8Array;
  /**
   * Data block of internal keys read through the user key + trailer accessors: an entry's 8-byte
   * trailer is not copied into keyBuf when its key delta holds it whole (trailerInBuf false; it
   * is at data[trailerOff, trailerOff + 8)). key() still gives the whole internal key.
   */
  trailerInData?: boolean;
}

/** Layout of a block's tail: where entries end and where the restart array is. */
export interface BlockTail {
  numRestarts: number;
  /** Offset of restart[0]; entries occupy [0, restartsOffset). */
  restartsOffset: number;
  hasHashIndex: boolean;
}

/** Parse the packed footer, hash-index tail and restart array bounds of a block. */
export function parseBlockTail(data: Uint8Array, loc: BlockLocation): BlockTail {
  const len = data.length;
  if (len < 4) {
    throw corruption(`${loc.what} too short for its footer`, { file: loc.file, offset: loc.offset, found: `${len} bytes` });
  }
  const packed = (data[len - 4]! | (data[len - 3]! << 8) | (data[len - 2]! << 16) | (data[len - 1]! << 24)) >>> 0;
  if ((packed & SEPARATED_KV_BIT) !== 0) {
    throw unsupported(`${loc.what} stores keys and values separately (packed footer bit 28)`, {
      file: loc.file,
      offset: loc.offset,
      found: `packed footer 0x${packed.toString(16)}`,
    });
  }
  if ((packed & UNKNOWN_BIT_30) !== 0) {
    throw corruption(`${loc.what} packed footer has unknown bit 30 set`, {
      file: loc.file,
      offset: loc.offset,
      found: `packed footer 0x${packed.toString(16)}`,
    });
  }
  void UNIFORM_KEYS_BIT; // a search hint only; decoding is unaffected
  const numRestarts = packed & NUM_RESTARTS_MASK;
  const hasHashIndex = (packed & HASH_INDEX_BIT) !== 0;
  let end = len - 4;
  if (hasHashIndex) {
    if (end < 2) throw corruption(`${loc.what} too short for its hash index`, { file: loc.file, offset: loc.offset });
    const numBuckets = data[end - 2]! | (data[end - 1]! << 8);
    if (numBuckets === 0 || numBuckets + 2 > end) {
      throw corruption(`${loc.what} hash index bucket count out of range`, {
        file: loc.file,
        offset: loc.offset,
        found: `${numBuckets} buckets in ${len} bytes`,
      });
    }
    end -= 2 + numBuckets;
  }
  if (numRestarts === 0 || numRestarts * 4 > end) {
    throw corruption(`${loc.what} restart count out of range`, {
      file: loc.file,
      offset: loc.offset,
      expected: `1..${Math.floor(end / 4)} restarts`,
      found: `${numRestarts}`,
    });
  }
  return { numRestarts, restartsOffset: end - numRestarts * 4, hasHashIndex };
}

/** An entry's header, as readEntryHeader leaves it. */
interface EntryHeader {
  shared: number;
  nonShared: number;
  /** 0 when values are delta-encoded (their length is not stored). */
  valueLen: number;
  /** Offset of the entry's first non-shared key byte. */
  next: number;
}

const newEntryHeader = (): EntryHeader => ({ shared: 0, nonShared: 0, valueLen: 0, next: 0 });

/**
 * Reads the header of the entry at `p`: the key bytes it shares with the previous key, its own
 * key bytes and, unless values are delta-encoded, its value's length (three varint32s). A bad
 * varint throws the varint reader's error, without a file: callers report it with
 * malformedEntry. No bounds are checked against the restart array here.
 */
function readEntryHeader(d: Uint8Array, p: number, delta: boolean, r: NumRead, h: EntryHeader): void {
  readVarint32Into(d, p, r);
  h.shared = r.value;
  readVarint32Into(d, r.next, r);
  h.nonShared = r.value;
  h.next = r.next;
  h.valueLen = 0;
  if (!delta) {
    readVarint32Into(d, h.next, r);
    h.valueLen = r.value;
    h.next = r.next;
  }
}

/**
 * A varint reader's error inside the entry at block byte `at` (a FormatError without a file), as
 * the block's corruption; any other error as it is (corruption found by the caller already
 * names the block).
 */
function malformedEntry(e: unknown, loc: BlockLocation, at: number, blockLength: number): unknown {
  if (!(e instanceof FormatError) || e.file !== undefined) return e;
  return entryCorruption(loc, blockLength, `malformed entry (${e.code}: ${e.message})`, at);
}

/** Corruption in the entry at block byte `at` of a block `blockLength` bytes long. */
function entryCorruption(loc: BlockLocation, blockLength: number, message: string, at: number, expected?: string, found?: string): FormatError {
  return corruption(`${loc.what}: ${message}`, { file: loc.file, offset: loc.offset, context: `entry at block byte ${at} of ${blockLength}`, expected, found });
}

/**
 * Appends the handle of every entry of an index block (or index partition) to `offsets` and
 * `sizes`, in order, without assembling keys: what chunk planning needs from a whole index
 * (export/chunks.ts; the benchmark's 0.55 GB of SSTs have 36,000 data blocks, and walking them
 * with a BlockIter was most of the planning time on the main thread, before any worker could
 * start). Entries are checked as BlockIter.next() checks them, with the same messages.
 */
export function appendIndexHandles(data: Uint8Array, loc: BlockLocation, opts: BlockOptions, offsets: number[], sizes: number[]): void {
  const limit = parseBlockTail(data, loc).restartsOffset;
  const delta = opts.valueDeltaEncoded === true;
  const firstKey = opts.indexHasFirstKey === true;
  const corrupt = (message: string, at: number, expected?: string, found?: string): FormatError => entryCorruption(loc, data.length, message, at, expected, found);
  const entries = delta ? data.subarray(0, limit) : data;
  const r = newNumRead();
  const h = newEntryHeader();
  let p = 0;
  let keyLen = 0;
  let offset = 0;
  let size = 0;
  while (p < limit) {
    const p0 = p;
    try {
      readEntryHeader(data, p, delta, r, h);
    } catch (e) {
      throw malformedEntry(e, loc, p0, data.length);
    }
    const { shared, nonShared, valueLen } = h;
    p = h.next;
    if (p > limit) throw corrupt('entry header runs into the restart array', p0);
    if (shared > keyLen) throw corrupt('entry shares more bytes than the previous key has', p0, `<= ${keyLen}`, `${shared}`);
    p += nonShared;
    if (p > limit) throw corrupt('entry key runs into the restart array', p0);
    keyLen = shared + nonShared;
    const end = delta ? limit : p + valueLen;
    if (end > limit) throw corrupt('index value runs into the restart array', p0);
    const view = delta ? entries : end === data.length ? data : data.subarray(0, end);
    const vstart = p;
    try {
      if (delta && shared !== 0) {
        readVarsigned64Into(view, p, r);
        const s = size + r.value;
        if (s < 0) throw corrupt('delta-encoded block size is negative', p0);
        offset = offset + size + BLOCK_TRAILER_SIZE;
        size = s;
      } else {
        readVarint64Into(view, p, r);
        offset = r.value;
        readVarint64Into(view, r.next, r);
        size = r.value;
      }
      p = r.next;
      if (firstKey) {
        readVarint32Into(view, p, r);
        p = r.next + r.value;
      }
    } catch (e) {
      throw malformedEntry(e, loc, p0, data.length);
    }
    if (firstKey && p > end) throw corrupt('index first key runs past the value', p0);
    if (!delta && p !== end) throw corrupt('index value has trailing bytes', p0, `${valueLen} bytes`, `${p - vstart} used`);
    offsets.push(offset);
    sizes.push(size);
  }
}

/**
 * Iterator over one decompressed block. Owns a growing key buffer that is reused from entry
 * to entry; `key()` views it and is valid until the iterator moves. Values are views into the
 * block. Nothing is allocated per entry unless the key outgrows the buffer.
 */
export class BlockIter {
  readonly data: Uint8Array;
  readonly numRestarts: number;
  readonly restartsOffset: number;
  readonly hasHashIndex: boolean;
  private readonly loc: BlockLocation;
  /** data's buffer and offset, for value() views. */
  private readonly dataBuffer: ArrayBufferLike;
  private readonly dataByteOffset: number;
  /** DataViews over data and keyBuf, for the key copy in parseNext. */
  private readonly dataView: DataView;
  private keyBufView: DataView;
  private readonly isIndex: boolean;
  private readonly deltaValues: boolean;
  private readonly hasFirstKey: boolean;
  private readonly trailerInData: boolean;

  /** Key bytes live in keyBuf[0, keyLen). */
  keyBuf: Uint8Array;
  keyLen = 0;
  /**
   * Bytes of keyBuf kept from the previous entry (the entry's `shared`): key()[0, shared) equals the
   * previous key's first `shared` bytes. 0 at the first entry of a block; after seek() relative to
   * an entry the scan stepped over, not to the previous position.
   */
  shared = 0;
  /** keyLen of the previous entry (0 at the first entry of a block). */
  prevKeyLen = 0;
  /**
   * Whether keyBuf[keyLen - 8, keyLen) holds the current key's trailer; else (trailerInData
   * blocks only) it is data[trailerOff, trailerOff + 8).
   */
  trailerInBuf = true;
  trailerOff = 0;
  /** Value bytes of the current entry live in data[valueStart, valueEnd). */
  valueStart = 0;
  valueEnd = 0;
  /** Index blocks only: the decoded block handle (and first key range for index type 3). */
  handleOffset = 0;
  handleSize = 0;
  firstKeyStart = 0;
  firstKeyEnd = 0;

  private cur = 0; // offset of the current entry
  private nextOff = 0; // offset of the entry after it
  private isValid = false;
  private readonly r = newNumRead();
  private readonly header = newEntryHeader();
  private keyView: Uint8Array | undefined;
  private keyViewBuf: Uint8Array | undefined;

  constructor(data: Uint8Array, loc: BlockLocation, opts: BlockOptions = {}) {
    this.data = data;
    this.dataBuffer = data.buffer;
    this.dataByteOffset = data.byteOffset;
    this.loc = loc;
    this.isIndex = opts.index === true;
    this.deltaValues = this.isIndex && opts.valueDeltaEncoded === true;
    this.hasFirstKey = this.isIndex && opts.indexHasFirstKey === true;
    this.trailerInData = opts.trailerInData === true && !this.isIndex;
    this.keyBuf = opts.keyBuf ?? new Uint8Array(256);
    const kb = this.keyBuf;
    this.keyBufView = new DataView(kb.buffer, kb.byteOffset, kb.byteLength);
    this.dataView = new DataView(data.buffer, data.byteOffset, data.byteLength);
    const tail = parseBlockTail(data, loc);
    this.numRestarts = tail.numRestarts;
    this.restartsOffset = tail.restartsOffset;
    this.hasHashIndex = tail.hasHashIndex;
  }

  valid(): boolean {
    return this.isValid;
  }

  /** The current key (a view of the reused key buffer). */
  key(): Uint8Array {
    this.trailerToBuf();
    const v = this.keyView;
    if (v !== undefined && this.keyViewBuf === this.keyBuf && v.length === this.keyLen) return v;
    const nv = this.keyBuf.subarray(0, this.keyLen);
    this.keyView = nv;
    this.keyViewBuf = this.keyBuf;
    return nv;
  }

  /** Put the current key's trailer into keyBuf (where key() and the next entry's shared prefix need it). */
  private trailerToBuf(): void {
    if (this.trailerInBuf) return;
    const kb = this.keyBuf;
    const d = this.data;
    const e = this.keyLen - TRAILER_SIZE;
    const t = this.trailerOff;
    for (let i = 0; i < TRAILER_SIZE; i++) kb[e + i] = d[t + i]!;
    this.trailerInBuf = true;
  }

  value(): Uint8Array {
    // The constructor, not data.subarray(): subarray looks up the species constructor on every
    // call; measured 30 ns vs 55-70 ns per view (one per value() in a scan).
    return new Uint8Array(this.dataBuffer, this.dataByteOffset + this.valueStart, this.valueEnd - this.valueStart);
  }

  /** Offset (inside the block) of the current entry, for error messages. */
  entryOffset(): number {
    return this.cur;
  }

  seekToFirst(): void {
    this.keyLen = 0;
    this.trailerInBuf = true;
    this.nextOff = 0;
    this.parseNext();
  }

  next(): void {
    if (!this.isValid) return;
    this.parseNext();
  }

  /**
   * Position at the first entry whose key (user-key part if `keysAreInternal`) is >= target.
   * Binary search over restart points, then a linear scan.
   */
  seek(target: Uint8Array, keysAreInternal: boolean): void {
    let lo = 0;
    let hi = this.numRestarts - 1;
    // Find the last restart point whose key is < target (or 0).
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.compareRestartKey(mid, target, keysAreInternal) < 0) lo = mid;
      else hi = mid - 1;
    }
    this.keyLen = 0;
    this.trailerInBuf = true;
    this.nextOff = this.restartPoint(lo);
    this.parseNext();
    while (this.isValid) {
      const kl = keysAreInternal ? this.keyLen - TRAILER_SIZE : this.keyLen;
      if (compareBytesRange(this.keyBuf, 0, kl, target, 0, target.length) >= 0) return;
      this.parseNext();
    }
  }

  private restartPoint(i: number): number {
    const p = this.restartsOffset + 4 * i;
    const d = this.data;
    const off = (d[p]! | (d[p + 1]! << 8) | (d[p + 2]! << 16) | (d[p + 3]! << 24)) >>> 0;
    if (off >= this.restartsOffset) {
      throw this.corrupt(`restart point ${i} out of range`, p, `< ${this.restartsOffset}`, `${off}`);
    }
    return off;
  }

  private compareRestartKey(i: number, target: Uint8Array, keysAreInternal: boolean): number {
    const off = this.restartPoint(i);
    const d = this.data;
    const h = this.header;
    try {
      readEntryHeader(d, off, this.deltaValues, this.r, h);
    } catch (e) {
      throw malformedEntry(e, this.loc, off, d.length);
    }
    const { shared, nonShared } = h;
    const p = h.next;
    if (shared !== 0) throw this.corrupt(`restart point ${i} has a shared key prefix`, off, 'shared 0', `${shared}`);
    if (p + nonShared > this.restartsOffset) throw this.corrupt('key runs past the entries', off);
    let kl = nonShared;
    if (keysAreInternal) {
      if (kl < TRAILER_SIZE) throw this.corrupt('internal key shorter than 8 bytes', off);
      kl -= TRAILER_SIZE;
    }
    return compareBytesRange(d, p, p + kl, target, 0, target.length);
  }

  private parseNext(): void {
    const d = this.data;
    const limit = this.restartsOffset;
    const p0 = this.nextOff;
    if (p0 >= limit) {
      this.isValid = false;
      this.cur = limit;
      return;
    }
    this.cur = p0;
    let p = p0;
    let shared = 0;
    let nonShared = 0;
    let valueLen = 0;
    // Fast path: three varints of one or two bytes each (p + 6 <= limit keeps every read in
    // bounds); anything longer goes through the checked decoder below.
    let fast = false;
    if (!this.deltaValues && p + 6 <= limit) {
      let x = d[p]!;
      let q = p + 1;
      if (x >= 0x80) x = (x & 0x7f) | (d[q++]! << 7);
      let y = d[q++]!;
      if (y >= 0x80) y = (y & 0x7f) | (d[q++]! << 7);
      let z = d[q++]!;
      if (z >= 0x80) z = (z & 0x7f) | (d[q++]! << 7);
      // A second byte >= 0x80 means a longer varint: x, y or z would be >= 2^14.
      if (x < 0x4000 && y < 0x4000 && z < 0x4000) {
        shared = x;
        nonShared = y;
        valueLen = z;
        p = q;
        fast = true;
      }
    }
    if (fast) {
      // decoded above
    } else {
      const h = this.header;
      try {
        readEntryHeader(d, p, this.deltaValues, this.r, h);
      } catch (e) {
        throw malformedEntry(e, this.loc, p0, d.length);
      }
      shared = h.shared;
      nonShared = h.nonShared;
      valueLen = h.valueLen;
      p = h.next;
      if (p > limit) throw this.corrupt('entry header runs into the restart array', p0);
    }
    if (shared > this.keyLen) {
      throw this.corrupt('entry shares more bytes than the previous key has', p0, `<= ${this.keyLen}`, `${shared}`);
    }
    const keyEnd = p + nonShared;
    if (keyEnd > limit) throw this.corrupt('entry key runs into the restart array', p0);
    const newLen = shared + nonShared;
    // The previous key's trailer is part of the shared prefix: it must be in keyBuf.
    if (shared > this.keyLen - TRAILER_SIZE) this.trailerToBuf();
    // trailerInData: a trailer wholly in the delta stays in the block (8 bytes not copied)
    let copy = nonShared;
    if (this.trailerInData && nonShared >= TRAILER_SIZE) {
      copy = nonShared - TRAILER_SIZE;
      this.trailerOff = keyEnd - TRAILER_SIZE;
      this.trailerInBuf = false;
    } else {
      this.trailerInBuf = true;
    }
    if (newLen > this.keyBuf.length) {
      const nb = new Uint8Array(Math.max(newLen, this.keyBuf.length * 2));
      nb.set(this.keyBuf.subarray(0, shared));
      this.keyBuf = nb;
      this.keyBufView = new DataView(nb.buffer, nb.byteOffset, nb.byteLength);
    }
    const kb = this.keyBuf;
    // Four bytes per step through DataViews (a byte loop was 2/3 of parseNext's samples in an
    // engine scan profile; keys' non-shared parts are ~20 bytes in TiKV's write CF).
    // Little-endian on both sides: the same bytes, without two byte swaps per word (~10% of a
    // block scan).
    const kv = this.keyBufView;
    const dv = this.dataView;
    let i = 0;
    for (; i + 4 <= copy; i += 4) kv.setUint32(shared + i, dv.getUint32(p + i, true), true);
    if (i < copy) {
      // the last 1-3 bytes: one more word ending at the copy's end (it rewrites bytes just
      // copied with the same values), a byte loop only for copies under 4 bytes
      if (copy >= 4) kv.setUint32(shared + copy - 4, dv.getUint32(p + copy - 4, true), true);
      else for (; i < copy; i++) kb[shared + i] = d[p + i]!;
    }
    this.prevKeyLen = this.keyLen;
    this.keyLen = newLen;
    this.shared = shared;
    p = keyEnd;
    if (this.isIndex) {
      this.decodeIndexValue(p, valueLen, shared !== 0, p0);
    } else {
      const ve = p + valueLen;
      if (ve > limit) throw this.corrupt('entry value runs into the restart array', p0, `${valueLen} bytes`, `${limit - p}`);
      this.valueStart = p;
      this.valueEnd = ve;
      this.nextOff = ve;
    }
    this.isValid = true;
  }

  private decodeIndexValue(p: number, valueLen: number, isShared: boolean, p0: number): void {
    const d = this.data;
    const limit = this.restartsOffset;
    const end = this.deltaValues ? limit : p + valueLen;
    if (end > limit) throw this.corrupt('index value runs into the restart array', p0);
    // Decode against a view bounded by `end` so a bad varint cannot read past the value.
    const view = end === d.length ? d : d.subarray(0, end);
    const vstart = p;
    const r = this.r;
    try {
      if (this.deltaValues && isShared) {
        readVarsigned64Into(view, p, r);
        const size = this.handleSize + r.value;
        if (size < 0) throw this.corrupt('delta-encoded block size is negative', p0);
        this.handleOffset = this.handleOffset + this.handleSize + BLOCK_TRAILER_SIZE;
        this.handleSize = size;
        p = r.next;
      } else {
        readVarint64Into(view, p, r);
        this.handleOffset = r.value;
        readVarint64Into(view, r.next, r);
        this.handleSize = r.value;
        p = r.next;
      }
      if (this.hasFirstKey) {
        readVarint32Into(view, p, r);
        this.firstKeyStart = r.next;
        this.firstKeyEnd = r.next + r.value;
        if (this.firstKeyEnd > end) throw this.corrupt('index first key runs past the value', p0);
        p = this.firstKeyEnd;
      }
    } catch (e) {
      throw malformedEntry(e, this.loc, p0, d.length);
    }
    if (!this.deltaValues && p !== end) {
      throw this.corrupt('index value has trailing bytes', p0, `${valueLen} bytes`, `${p - (end - valueLen)} used`);
    }
    // Value bytes are [vstart, p); the next entry starts right after them.
    this.valueStart = vstart;
    this.valueEnd = p;
    this.nextOff = p;
  }

  private corrupt(message: string, at: number, expected?: string, found?: string): FormatError {
    return entryCorruption(this.loc, this.data.length, message, at, expected, found);
  }

}
