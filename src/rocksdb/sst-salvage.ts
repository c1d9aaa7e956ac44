/**
 * Salvage reading of one block-based SST: every data block that still verifies, and an exact
 * account of what does not (issue #8).
 *
 * Two modes:
 *  - 'index': footer, metaindex, properties and index are readable (SstReader opens). Every
 *    data block the index lists is read, checksum-verified, decompressed and parsed; one that
 *    fails is skipped and recorded as lost.
 *  - 'sequential': the footer or the index is unreadable. Data blocks start at offset 0 and are
 *    contiguous (facebook/rocksdb:table/block_based/block_based_table_builder.cc `WriteBlock`:
 *    block bytes, then the 5-byte trailer = compression type + fixed32 checksum of block bytes
 *    and type byte). A block boundary is found by trying every block length from the current
 *    offset and accepting the first whose trailer verifies (masked crc32c, computed
 *    incrementally so one offset costs O(max block size)). Bytes where no block verifies are
 *    skipped one at a time until one does again. The walk stops at the first verified block
 *    that is not a data block (filter/index/meta blocks follow the data), at the data end when
 *    the footer/properties give it, or at the end of the file.
 *
 * A block is accepted as a data block only when every entry has an internal key (>= 8 bytes,
 * a known value type) and keys ascend in internal-key order (within the block and from the
 * previous good block). Nothing that did not verify is ever returned.
 *
 * Lost key ranges come from the neighbouring good blocks (the last key before the damage, the
 * first key after it), or from the file's bounds in the MANIFEST when the damage is at an end.
 * The user keys at both ends are included (versions of one user key can span blocks).
 */
import { FormatError, corruption } from '../errors.js';
import { BLOCK_TRAILER_SIZE, BlockIter } from './block.js';
import { decodeBlockHandle, type BlockHandle } from './block-handle.js';
import { ChecksumType, checksumModifierForContext, maskCrc, verifyBlockChecksum } from './checksum.js';
import { CompressionDict, decompressBlock } from './compression.js';
import { FileReader } from './file-reader.js';
import { TRAILER_SIZE, compareBytes, compareInternalKeys, trailerSeq } from './internal-key.js';
import { BLOCK_BASED_MAGIC, MAX_FOOTER_SIZE, parseFooter, type Footer } from './sst-footer.js';
import { parseProperties, type TableProperties } from './sst-properties.js';
import { parseRangeDelBlock } from './sst-range-del.js';
import { IndexCursor } from './sst-index.js';
import { SstReader } from './sst-reader.js';
import { ValueType, type InternalCursor, type RangeTombstone } from './types.js';

export interface SstSalvageOptions {
  /** Size the MANIFEST recorded (a shorter file is noted as truncated). */
  expectedSize?: number;
  /** MANIFEST largest seqno (ingested files with global_seqno 0). */
  fallbackGlobalSeqno?: number;
  /** MANIFEST bounds of the file (user keys), used when damage reaches the file's ends. */
  smallestKey?: Uint8Array;
  largestKey?: Uint8Array;
  /** Upper bound for one block's stored size in sequential discovery (default 4 MiB). */
  maxBlockSize?: number;
}

/** A data block that verified: its location and first/last internal keys (owned copies). */
export interface GoodBlock {
  offset: number;
  size: number;
  first: Uint8Array;
  last: Uint8Array;
  entries: number;
}

/** Damaged bytes of one file and the user keys that may have been in them. */
export interface LostSpan {
  /** File offset where the damage starts (a data block's offset in index mode). */
  offset: number;
  /** File offset where readable data resumes (exclusive end of the damage). */
  end: number;
  /** Number of data blocks lost, when the index says (index mode). */
  blocks: number | undefined;
  reason: string;
  /** Inclusive user-key bounds; undefined = unbounded on that side. */
  smallest: Uint8Array | undefined;
  largest: Uint8Array | undefined;
}

const VALID_TYPES = new Set<number>([
  ValueType.Deletion,
  ValueType.Value,
  ValueType.Merge,
  ValueType.SingleDeletion,
  ValueType.BlobIndex,
  ValueType.DeletionWithTimestamp,
  ValueType.WideColumnEntity,
  ValueType.ValuePreferredSeqno,
]);

const MAX_SEQ_SCAN_STEPS = 150_000_000;

/** crc32c table (Castagnoli, reflected 0x82f63b78) for the incremental boundary search. */
const CRC_TABLE = (() => {
  const t = new Int32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
    t[i] = c;
  }
  return t;
})();

/**
 * Offsets e in [start, limit - 5] (ascending) such that bytes [start, e) + type byte at e
 * carry a valid crc32c trailer at e+1..e+4. Calls `accept(e)` for each; stops when it
 * returns true. Returns the number of bytes stepped (for the work budget).
 */
export function findCrcTrailers(
  buf: Uint8Array,
  start: number,
  limit: number,
  fileOffset: number,
  baseContextChecksum: number,
  accept: (end: number) => boolean,
): number {
  let s = ~0;
  let steps = 0;
  for (let e = start; e + BLOCK_TRAILER_SIZE <= limit; e++) {
    steps++;
    const t = buf[e]!;
    if (t <= 7) {
      const withType = ~(CRC_TABLE[(s ^ t) & 0xff]! ^ (s >>> 8)) >>> 0;
      const stored = (buf[e + 1]! | (buf[e + 2]! << 8) | (buf[e + 3]! << 16) | (buf[e + 4]! << 24)) >>> 0;
      const expected = (maskCrc(withType) + checksumModifierForContext(baseContextChecksum, fileOffset + start)) >>> 0;
      if (stored === expected && accept(e)) return steps;
    }
    s = CRC_TABLE[(s ^ t) & 0xff]! ^ (s >>> 8);
  }
  return steps;
}

interface BlockParams {
  checksumType: number;
  formatVersion: number;
  baseContextChecksum: number;
  dict: CompressionDict | undefined;
}

/** Parse a decompressed block as a data block; null (with a reason) if it is not one. */
function scanDataBlock(
  data: Uint8Array,
  file: string,
  offset: number,
  prevLast: Uint8Array | undefined,
  firstBlockSize?: number,
): { first: Uint8Array; last: Uint8Array; entries: number } | string {
  let it: BlockIter;
  try {
    it = new BlockIter(data, { file, offset, what: 'data block' });
  } catch (e) {
    if (e instanceof FormatError) return e.message;
    throw e;
  }
  let first: Uint8Array | undefined;
  let prev: Uint8Array | undefined = prevLast;
  let n = 0;
  try {
    for (it.seekToFirst(); it.valid(); it.next()) {
      const k = it.key();
      if (k.length < TRAILER_SIZE) return 'key shorter than an internal key';
      if (!VALID_TYPES.has(k[k.length - TRAILER_SIZE]!)) return `unknown value type 0x${k[k.length - TRAILER_SIZE]!.toString(16)}`;
      if (prev !== undefined && compareInternalKeys(prev, k) >= 0) return 'keys not in ascending internal-key order';
      if (n === 0) {
        first = k.slice();
        // An index block's first value is the handle of the first data block (offset 0).
        const v = it.value();
        if (firstBlockSize !== undefined && v.length >= 2 && v[0] === 0) {
          try {
            const h = decodeBlockHandle(v, 0);
            if (h.handle.offset === 0 && h.handle.size === firstBlockSize) return 'looks like an index block';
          } catch {
            // not a handle
          }
        }
      }
      prev = k.slice();
      n++;
    }
  } catch (e) {
    if (e instanceof FormatError) return e.message;
    throw e;
  }
  if (first === undefined || prev === undefined) return 'block holds no entries';
  return { first, last: prev, entries: n };
}

function userKeyOf(ikey: Uint8Array): Uint8Array {
  return ikey.subarray(0, ikey.length - TRAILER_SIZE);
}

export class SalvagedSst {
  readonly path: string;
  readonly size: number;
  mode: 'index' | 'sequential' = 'index';
  footer: Footer | undefined;
  properties: TableProperties | undefined;
  readonly blocks: GoodBlock[] = [];
  readonly lost: LostSpan[] = [];
  tombstones: RangeTombstone[] = [];
  /** Set when range deletions may exist but could not be read (the whole file is uncertain). */
  tombstonesLost: string | undefined;
  /** Why the file was not readable the normal way (the first error met). */
  openError: FormatError | undefined;
  globalSeqno: number | undefined;
  readonly notes: string[] = [];
  private fileHandle: FileReader | undefined;
  private params: BlockParams;
  private readonly opts: SstSalvageOptions;
  private metaHandles: Map<string, BlockHandle> | undefined;

  private constructor(file: FileReader, opts: SstSalvageOptions) {
    this.fileHandle = file;
    this.path = file.path;
    this.size = file.size;
    this.opts = opts;
    this.params = { checksumType: ChecksumType.Crc32c, formatVersion: 5, baseContextChecksum: 0, dict: undefined };
  }

  /** Read everything that verifies. Throws only for I/O errors (e.g. ENOENT). */
  static analyze(path: string, opts: SstSalvageOptions = {}): SalvagedSst {
    const f = FileReader.open(path);
    const s = new SalvagedSst(f, opts);
    try {
      s.run();
    } finally {
      s.close(); // reopened on demand by cursors
    }
    return s;
  }

  /** Entries read from good blocks. */
  get entriesRead(): number {
    return this.blocks.reduce((a, b) => a + b.entries, 0);
  }

  /** Point entries the properties promise (num.entries minus range deletions), if readable. */
  get entriesExpected(): number | undefined {
    const p = this.properties;
    return p === undefined ? undefined : p.numEntries - p.numRangeDeletions;
  }

  get dataBlocksExpected(): number | undefined {
    return this.properties?.numDataBlocks;
  }

  /** Exactly known number of lost entries (properties readable), else undefined. */
  get entriesLost(): number | undefined {
    const e = this.entriesExpected;
    return e === undefined ? undefined : Math.max(0, e - this.entriesRead);
  }

  private run(): void {
    let reader: SstReader | undefined;
    try {
      reader = SstReader.open(this.path, {
        ...(this.opts.fallbackGlobalSeqno === undefined ? {} : { fallbackGlobalSeqno: this.opts.fallbackGlobalSeqno }),
        ...(this.opts.expectedSize === undefined ? {} : { expectedSize: this.opts.expectedSize }),
      });
    } catch (e) {
      if (!(e instanceof FormatError)) throw e;
      this.openError = e;
    }
    if (reader !== undefined) {
      try {
        this.footer = reader.footer;
        this.properties = reader.properties;
        this.globalSeqno = reader.globalSeqno;
        this.params = {
          checksumType: reader.checksumType,
          formatVersion: reader.formatVersion,
          baseContextChecksum: reader.footer.baseContextChecksum,
          dict: reader.compressionDict,
        };
        let handles: BlockHandle[] | undefined;
        try {
          handles = reader.dataBlockHandles();
        } catch (e) {
          if (!(e instanceof FormatError)) throw e;
          this.openError = e;
        }
        try {
          this.tombstones = reader.rangeTombstones();
        } catch (e) {
          if (!(e instanceof FormatError)) throw e;
          this.tombstonesLost = e.message;
        }
        if (handles !== undefined) {
          this.indexMode(reader, handles);
          return;
        }
      } finally {
        reader.close();
      }
    }
    this.mode = 'sequential';
    this.sequentialMode();
  }

  private indexMode(reader: { readDataBlock(h: BlockHandle): Uint8Array }, handles: BlockHandle[]): void {
    let pending: { offset: number; end: number; blocks: number; reason: string } | undefined;
    let prevLast: Uint8Array | undefined;
    for (const h of handles) {
      let r: ReturnType<typeof scanDataBlock>;
      try {
        r = scanDataBlock(reader.readDataBlock(h), this.path, h.offset, prevLast);
      } catch (e) {
        if (!(e instanceof FormatError)) throw e;
        r = e.message;
      }
      if (typeof r === 'string') {
        if (pending === undefined) pending = { offset: h.offset, end: h.offset + h.size + BLOCK_TRAILER_SIZE, blocks: 0, reason: r };
        pending.blocks++;
        pending.end = h.offset + h.size + BLOCK_TRAILER_SIZE;
        continue;
      }
      if (pending !== undefined) {
        this.addLost(pending.offset, pending.end, pending.blocks, pending.reason, prevLast, r.first);
        pending = undefined;
      }
      this.blocks.push({ offset: h.offset, size: h.size, first: r.first, last: r.last, entries: r.entries });
      prevLast = r.last;
    }
    if (pending !== undefined) this.addLost(pending.offset, pending.end, pending.blocks, pending.reason, prevLast, undefined);
  }

  private addLost(
    offset: number,
    end: number,
    blocks: number | undefined,
    reason: string,
    before: Uint8Array | undefined,
    after: Uint8Array | undefined,
  ): void {
    this.lost.push({
      offset,
      end,
      blocks,
      reason,
      smallest: before !== undefined ? userKeyOf(before).slice() : this.opts.smallestKey,
      largest: after !== undefined ? userKeyOf(after).slice() : this.opts.largestKey,
    });
  }

  /** Best-effort parameters from a footer/metaindex/properties that still read. */
  private probeMeta(): { dataEnd: number; metaOffsets: number[] } {
    let dataEnd = this.size;
    const metaOffsets: number[] = [];
    const tailLen = Math.min(MAX_FOOTER_SIZE, this.size);
    if (tailLen <= 0) return { dataEnd: 0, metaOffsets };
    const tail = this.file.read(this.size - tailLen, tailLen, 'footer');
    try {
      this.footer = parseFooter(tail, this.size, this.path);
    } catch (e) {
      if (!(e instanceof FormatError)) throw e;
      this.notes.push(`footer unreadable: ${e.message}`);
      // A damaged magic number: read the rest of the footer as if the magic were intact. Its
      // handles are trusted only through the checksums of the blocks they point to.
      const fixed = Uint8Array.from(tail);
      for (let i = 0; i < 8 && tailLen >= 8; i++) fixed[tailLen - 8 + i] = Number((BLOCK_BASED_MAGIC >> BigInt(8 * i)) & 0xffn);
      try {
        this.footer = parseFooter(fixed, this.size, this.path);
        this.notes.push('footer read with its magic number repaired');
      } catch (e2) {
        if (!(e2 instanceof FormatError)) throw e2;
        return { dataEnd, metaOffsets };
      }
    }
    const ft = this.footer;
    dataEnd = ft.footerOffset;
    this.params = { ...this.params, checksumType: ft.checksumType, formatVersion: ft.formatVersion, baseContextChecksum: ft.baseContextChecksum };
    const sane = (h: BlockHandle): boolean => h.offset + h.size + BLOCK_TRAILER_SIZE <= ft.footerOffset;
    if (ft.indexHandle !== undefined && sane(ft.indexHandle)) metaOffsets.push(ft.indexHandle.offset);
    if (sane(ft.metaindexHandle)) metaOffsets.push(ft.metaindexHandle.offset);
    try {
      const meta = this.readVerified(ft.metaindexHandle, 'metaindex block');
      const it = new BlockIter(meta, { file: this.path, offset: ft.metaindexHandle.offset, what: 'metaindex block' });
      const dec = new TextDecoder();
      const handles = new Map<string, BlockHandle>();
      for (it.seekToFirst(); it.valid(); it.next()) handles.set(dec.decode(it.key()), decodeBlockHandle(it.value(), 0).handle);
      for (const h of handles.values()) if (sane(h)) metaOffsets.push(h.offset);
      this.metaHandles = handles;
      const ph = handles.get('rocksdb.properties');
      if (ph !== undefined) {
        try {
          const pb = this.readVerified(ph, 'properties block');
          this.properties = parseProperties(pb, { file: this.path, offset: ph.offset, what: 'properties block' });
          if (this.properties.dataSize > 0) metaOffsets.push(this.properties.dataSize);
        } catch (e) {
          if (!(e instanceof FormatError)) throw e;
          this.notes.push(`properties unreadable: ${e.message}`);
        }
      }
      const dh = handles.get('rocksdb.compression_dict');
      if (dh !== undefined) {
        try {
          this.params.dict = new CompressionDict(this.readVerified(dh, 'compression dictionary block').slice());
        } catch (e) {
          if (!(e instanceof FormatError)) throw e;
          this.notes.push(`compression dictionary unreadable: ${e.message}`);
        }
      }
      const rh = handles.get('rocksdb.range_del');
      if (rh !== undefined) {
        try {
          this.tombstones = parseRangeDelBlock(this.readVerified(rh, 'range-del block'), { file: this.path, offset: rh.offset, what: 'range-del block' });
        } catch (e) {
          if (!(e instanceof FormatError)) throw e;
          this.tombstonesLost = e.message;
        }
      }
    } catch (e) {
      if (!(e instanceof FormatError)) throw e;
      this.notes.push(`metaindex unreadable: ${e.message}`);
    }
    if (metaOffsets.length > 0) dataEnd = Math.min(dataEnd, ...metaOffsets);
    return { dataEnd, metaOffsets };
  }

  private readVerified(h: BlockHandle, what: string, dict?: CompressionDict): Uint8Array {
    const raw = this.file.read(h.offset, h.size + BLOCK_TRAILER_SIZE, what);
    const n = h.size;
    const stored = (raw[n + 1]! | (raw[n + 2]! << 8) | (raw[n + 3]! << 16) | (raw[n + 4]! << 24)) >>> 0;
    verifyBlockChecksum(this.params.checksumType, raw.subarray(0, n + 1), stored, {
      file: this.path,
      offset: h.offset,
      baseContextChecksum: this.params.baseContextChecksum,
      what,
    });
    const out = decompressBlock(raw[n]!, raw.subarray(0, n), this.params.formatVersion, { file: this.path, offset: h.offset, what, dict });
    return Buffer.isBuffer(out) ? new Uint8Array(out.buffer, out.byteOffset, out.length) : out;
  }

  private sequentialMode(): void {
    const { dataEnd } = this.probeMeta();
    if (this.properties === undefined) {
      // Range deletions live in a meta block we cannot locate: whether the file had any is unknown.
      this.tombstonesLost ??= 'properties and range-del block unreadable: whether this file deletes key ranges is unknown';
    } else if (this.properties.numRangeDeletions > 0 && this.tombstones.length === 0) {
      this.tombstonesLost ??= `${this.properties.numRangeDeletions} range deletion(s) not readable`;
    }
    if (this.properties !== undefined && this.properties.externalSstFileVersion >= 2) {
      this.globalSeqno = this.properties.globalSeqno !== 0 ? this.properties.globalSeqno : this.opts.fallbackGlobalSeqno;
    }
    const limit = Math.min(dataEnd, this.size);
    const hints = this.indexHints(limit);
    if (hints !== undefined && hints.length > 0) {
      // The index block (verified or not) still lists the data blocks: use its handles as hints,
      // every block verified by its own checksum; sequential discovery covers what follows.
      this.indexMode({ readDataBlock: (h) => this.readVerified(h, 'data block', this.params.dict) }, hints);
      // Where a hint did not lead to a verified block (the hint itself may be damaged), and after
      // the last hint, discover blocks sequentially between the verified ones.
      this.lost.splice(0);
      const expected = this.properties?.numDataBlocks;
      const gaps: { s: number; e: number; after: Uint8Array | undefined; before: Uint8Array | undefined }[] = [];
      let prevEnd = 0;
      let prevLast: Uint8Array | undefined;
      for (const b of this.blocks) {
        if (b.offset > prevEnd) gaps.push({ s: prevEnd, e: b.offset, after: prevLast, before: b.first });
        prevEnd = b.offset + b.size + BLOCK_TRAILER_SIZE;
        prevLast = b.last;
      }
      if (prevEnd < limit && !(expected !== undefined && this.blocks.length >= expected)) gaps.push({ s: prevEnd, e: limit, after: prevLast, before: undefined });
      for (const g of gaps) this.discover(g.s, g.e, g.after, g.before, true);
      this.blocks.sort((a, b) => a.offset - b.offset);
      this.lost.sort((a, b) => a.offset - b.offset);
      return;
    }
    this.discover(0, limit, undefined);
  }

  /**
   * Data-block handles from the index block even when it does not verify (its bytes are only
   * hints: each block they point to must verify). Undefined when no index can be located.
   */
  private indexHints(limit: number): BlockHandle[] | undefined {
    const ft = this.footer;
    if (ft === undefined) return undefined;
    const ih = ft.indexHandle ?? this.metaHandles?.get('rocksdb.index');
    if (ih === undefined || ih.offset + ih.size + BLOCK_TRAILER_SIZE > ft.footerOffset) return undefined;
    let block: Uint8Array;
    try {
      block = this.readVerified(ih, 'index block');
    } catch (e) {
      if (!(e instanceof FormatError)) throw e;
      const raw = this.file.read(ih.offset, ih.size + BLOCK_TRAILER_SIZE, 'index block');
      try {
        const out = decompressBlock(raw[ih.size]!, raw.subarray(0, ih.size), this.params.formatVersion, { file: this.path, offset: ih.offset, what: 'index block' });
        block = Buffer.isBuffer(out) ? new Uint8Array(out.buffer, out.byteOffset, out.length) : out;
      } catch (e2) {
        if (!(e2 instanceof FormatError)) throw e2;
        this.notes.push(`index block does not verify and does not decompress (${e2.message}): no hints`);
        return undefined;
      }
      this.notes.push(`index block does not verify (${e.message}); its handles are used as hints only`);
    }
    const p = this.properties;
    const settings = {
      indexType: p?.indexType ?? 0,
      keyIsUserKey: p?.indexKeyIsUserKey ?? ft.formatVersion >= 3,
      valueDeltaEncoded: p?.indexValueIsDeltaEncoded ?? ft.formatVersion >= 4,
    };
    const out: BlockHandle[] = [];
    try {
      const ic = new IndexCursor(block, { file: this.path, offset: ih.offset, what: 'index block' }, settings, (h, what) => this.readVerified(h, what));
      let next = 0;
      for (ic.seekToFirst(); ic.valid(); ic.next()) {
        const h = { offset: ic.handleOffset(), size: ic.handleSize() };
        // Plausible only: in file order, inside the data region.
        if (h.offset < next || h.offset + h.size + BLOCK_TRAILER_SIZE > limit) break;
        out.push(h);
        next = h.offset + h.size + BLOCK_TRAILER_SIZE;
      }
    } catch (e) {
      if (!(e instanceof FormatError)) throw e;
    }
    return out;
  }

  /** Sequential block discovery over [start, limit) (crc32c files only). */
  private discover(start: number, limit: number, after: Uint8Array | undefined, before?: Uint8Array, gap = false): void {
    if (this.params.checksumType !== ChecksumType.Crc32c) {
      this.addLost(start, limit, undefined, `sequential block discovery needs crc32c checksums (file uses type ${this.params.checksumType})`, after, before);
      return;
    }
    const maxBlock = this.opts.maxBlockSize ?? 4 << 20;
    let pos = start;
    let lostStart = -1;
    let lostReason = '';
    let prevLast: Uint8Array | undefined = after;
    let budget = MAX_SEQ_SCAN_STEPS;
    let stop = false;
    let largest = 0;
    // The region is read once (salvage of a damaged file only); buf[i - start] = file byte i.
    const buf = this.file.read(start, limit - start, 'data region');
    while (!stop && pos + BLOCK_TRAILER_SIZE <= limit && budget > 0) {
      // No block starts with two zero bytes (an uncompressed block's first entry has
      // shared = 0 and a non-zero key length; compressed blocks start with a non-zero length).
      if (buf[pos - start] === 0 && buf[pos - start + 1] === 0) {
        if (lostStart < 0) {
          lostStart = pos;
          lostReason = `zeroed bytes where a data block should start (offset ${pos})`;
        }
        pos++;
        continue;
      }
      const scan = largest > 0 ? Math.min(maxBlock, Math.max(4 * largest, 16384)) : Math.min(maxBlock, 262144);
      const winEnd = Math.min(limit, pos + scan + BLOCK_TRAILER_SIZE);
      let found: { size: number; first: Uint8Array; last: Uint8Array; entries: number } | undefined;
      let nonData: string | undefined;
      let undecodable: { end: number; reason: string } | undefined;
      const at = pos;
      budget -= findCrcTrailers(buf, at - start, winEnd - start, start, this.params.baseContextChecksum, (le) => {
        const e = le + start;
        let data: Uint8Array;
        try {
          const out = decompressBlock(buf[le]!, buf.subarray(at - start, le), this.params.formatVersion, {
            file: this.path, offset: at, what: 'data block', dict: this.params.dict });
          data = Buffer.isBuffer(out) ? new Uint8Array(out.buffer, out.byteOffset, out.length) : out;
        } catch (err) {
          if (!(err instanceof FormatError)) throw err;
          // The trailer verified, so this is a real block boundary: a block that does not
          // decompress (e.g. its dictionary is unreadable) is lost as a whole.
          undecodable = { end: e, reason: err.message };
          return true;
        }
        const b0 = this.blocks[0];
        const r = scanDataBlock(data, this.path, at, prevLast, b0 !== undefined && b0.offset === 0 ? b0.size : undefined);
        if (typeof r === 'string') {
          nonData = r;
          return true;
        }
        found = { size: e - at, ...r };
        return true;
      });
      if (found !== undefined) {
        if (lostStart >= 0) {
          this.addLost(lostStart, pos, undefined, lostReason, prevLast, found.first);
          lostStart = -1;
        }
        this.blocks.push({ offset: pos, size: found.size, first: found.first, last: found.last, entries: found.entries });
        prevLast = found.last;
        largest = Math.max(largest, found.size);
        pos += found.size + BLOCK_TRAILER_SIZE;
        continue;
      }
      if (undecodable !== undefined) {
        if (lostStart < 0) {
          lostStart = pos;
          lostReason = undecodable.reason;
        }
        largest = Math.max(largest, undecodable.end - pos);
        pos = undecodable.end + BLOCK_TRAILER_SIZE;
        continue;
      }
      if (nonData !== undefined) {
        // A verified block that is not a data block: the data region (only data blocks) ends here.
        this.notes.push(`data region ends at ${pos}: verified block is not a data block (${nonData})`);
        if (lostStart >= 0) {
          this.addLost(lostStart, pos, undefined, lostReason, prevLast, undefined);
          lostStart = -1;
        }
        stop = true;
        break;
      }
      if (lostStart < 0) {
        lostStart = pos;
        lostReason = `no verifiable data block at offset ${pos}${this.openError !== undefined ? ` (${this.openError.message})` : ''}`;
      }
      pos++;
    }
    if (lostStart >= 0) this.addLost(lostStart, limit, undefined, lostReason, prevLast, before);
    else if (!gap && !stop && this.footer === undefined && budget > 0) {
      // No footer and the walk did not reach the meta blocks: whatever followed the last good
      // block (the file was cut, or its end is damaged) is unknown.
      this.addLost(pos, this.size, undefined, `end of the data region not found (${this.openError?.message ?? 'no footer'})`, prevLast, undefined);
    }
    if (budget <= 0) this.notes.push('sequential discovery stopped: work budget exhausted');
    if (!stop && lostStart < 0 && pos < limit && pos + BLOCK_TRAILER_SIZE > limit) {
      this.addLost(pos, limit, undefined, gap ? 'bytes between verified blocks' : 'file ends inside a block', prevLast, before);
    }
    const exp = this.properties?.numDataBlocks;
    if (!gap && start === 0 && exp !== undefined && exp > 0 && this.blocks.length < exp && this.lost.length === 0) {
      // Data region cut short (e.g. a truncated file whose tail held data blocks).
      this.addLost(pos, this.size, exp - this.blocks.length, 'data blocks missing at the end of the data region', prevLast, undefined);
    }
  }

  cursor(): InternalCursor {
    return new SalvageCursor(this);
  }

  /** Read one good block again (verified and decompressed again). */
  loadBlock(b: GoodBlock): Uint8Array {
    return this.readVerified({ offset: b.offset, size: b.size }, 'data block', this.params.dict);
  }

  private get file(): FileReader {
    this.fileHandle ??= FileReader.open(this.path);
    return this.fileHandle;
  }

  /** Release the file descriptor (a later cursor reopens the file). */
  close(): void {
    this.fileHandle?.close();
    this.fileHandle = undefined;
  }
}

/** InternalCursor over the good blocks of a salvaged table, in file (= key) order. */
export class SalvageCursor implements InternalCursor {
  private i = 0;
  private it: BlockIter | undefined;
  constructor(private readonly t: SalvagedSst) {}

  private load(i: number): void {
    this.i = i;
    const b = this.t.blocks[i];
    if (b === undefined) {
      this.it = undefined;
      return;
    }
    this.it = new BlockIter(this.t.loadBlock(b), { file: this.t.path, offset: b.offset, what: 'data block' });
  }

  private settle(): void {
    while (this.it !== undefined && !this.it.valid()) {
      this.load(this.i + 1);
      this.it?.seekToFirst();
    }
  }

  seekToFirst(): void {
    this.load(0);
    this.it?.seekToFirst();
    this.settle();
  }

  seek(target: Uint8Array): void {
    const bs = this.t.blocks;
    let lo = 0;
    let hi = bs.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareBytes(userKeyOf(bs[mid]!.last), target) < 0) lo = mid + 1;
      else hi = mid;
    }
    this.load(lo);
    this.it?.seek(target, true);
    this.settle();
  }

  valid(): boolean {
    return this.it !== undefined && this.it.valid();
  }

  next(): void {
    if (this.it === undefined) return;
    this.it.next();
    this.settle();
  }

  userKey(): Uint8Array {
    const it = this.it!;
    return it.keyBuf.subarray(0, it.keyLen - TRAILER_SIZE);
  }

  seq(): number {
    if (this.t.globalSeqno !== undefined) return this.t.globalSeqno;
    const it = this.it!;
    return trailerSeq(it.keyBuf, it.keyLen);
  }

  kind(): number {
    const it = this.it!;
    return it.keyBuf[it.keyLen - TRAILER_SIZE]!;
  }

  value(): Uint8Array {
    return this.it!.value();
  }
  valueArray(): Uint8Array {
    return this.it!.data;
  }
  valueOffset(): number {
    return this.it!.valueStart;
  }
  valueEndOffset(): number {
    return this.it!.valueEnd;
  }
}

/** For messages: corruption helper re-exported so callers need not import errors.ts. */
export const salvageCorruption = corruption;
