/**
 * Latest-committed-version scan over TiKV's MVCC column families.
 * Reference behaviour: tikv/tikv:src/storage/mvcc/reader/point_getter.rs (`load_data`,
 * `load_data_from_default_cf`) and src/storage/mvcc/reader/scanner/forward.rs (latest policy);
 * record formats in write-record.ts / lock-record.ts; key layout in mvcc-key.ts.
 *
 * For each user key in the range, in ascending raw-key order, the write CF holds its versions
 * newest commit_ts first ('z' + mc(raw) + u64BE(NOT commit_ts)). We walk them:
 *   - commit_ts > readTs                     -> not visible yet, skip
 *   - gc_fence != 0 and <= readTs            -> the key is absent (check_gc_fence_as_latest_version;
 *                                               checked on every visited record, like TiKV)
 *   - Lock / Rollback                        -> skip to the next older version
 *   - Delete                                 -> absent
 *   - Put with a short value                 -> that value
 *   - Put without                            -> default CF at 'z' + mc(raw) + u64BE(NOT start_ts)
 * The write-CF commit order decides, never start_ts order (pessimistic transactions commit out
 * of start_ts order) and never "a default-CF value beats a short value".
 *
 * The default CF is read by a merge-join: a second ascending cursor that only moves forward
 * (a few next() calls, else seek) because the lookup targets are strictly increasing. A Put whose
 * default value is missing is counted (stats.missingDefault) and not emitted; a Titan blob index
 * there is counted (stats.blobIndex) and not emitted. A write record that does not parse under a
 * well-formed key (the RocksDB block verified, so the damage is confined to that value) is counted
 * (stats.corruptWrites, with samples) and the whole key is skipped: it is not emitted, and never
 * replaced by an older version (that could be a value the key no longer had). The lock CF is never consulted for values:
 * locks are uncommitted (see scanLocks for the report).
 */
import { FormatError, hex } from '../errors.js';
import { sharesKeys, type KeySharing } from '../rocksdb/merging-cursor.js';
import { ValueType, type KeyRange, type KvCursor } from '../rocksdb/types.js';
import { parseLock, type LockRecord, type LockType } from './lock-record.js';
import * as mc from './memcomparable.js';
import * as mk from './mvcc-key.js';
import type { RawRange } from './mvcc-key.js';
import { U64_MAX, readU64BE } from './number-codec.js';
import { WriteView, parseWrite, type WriteRecord } from './write-record.js';

// Local copies: reading an imported binding goes through a module-namespace getter under the
// loader we run with (tsx), which showed up as ~10% of a scan profile.
const compareBytes = mc.compareBytes;
const decodeBytes = mc.decodeBytes;
const TS_LEN = mk.TS_LEN;
const checkDataKeyWithTs = mk.checkDataKeyWithTs;
const decodeDataKey = mk.decodeDataKey;
const decodeTs = mk.decodeTs;
const encodeRawRange = mk.encodeRawRange;
const BLOB_INDEX: number = ValueType.BlobIndex;

/** Anything that can give a KvCursor per column family (RocksDb satisfies it). */
export interface CfSource {
  cursor(cf: string, range?: KeyRange): KvCursor;
}

/** A cursor with close() (RocksDb's DbCursor). */
function closable(c: KvCursor): c is KvCursor & { close(): void } {
  return typeof (c as { close?: unknown }).close === 'function';
}

export const CF_DEFAULT = 'default';
export const CF_WRITE = 'write';
export const CF_LOCK = 'lock';
export const CF_RAFT = 'raft';

/** How many sample keys the stats keep per kind of problem. */
export const SAMPLE_LIMIT = 10;

export interface MissingValueSample {
  /** Raw (TiDB) key, hex. */
  rawKeyHex: string;
  /** The default-CF key that was looked up ('z' + mc + NOT start_ts), hex. */
  defaultKeyHex: string;
  startTs: bigint;
  commitTs: bigint;
}

export interface CorruptWriteSample {
  /** Raw (TiDB) key, hex. */
  rawKeyHex: string;
  /** The write-CF key ('z' + mc(raw) + NOT commit_ts), hex. */
  writeKeyHex: string;
  /** The write-CF value that does not parse, hex. */
  valueHex: string;
  commitTs: bigint;
  /** What parseWrite says is wrong. */
  error: string;
}

export interface MvccStats {
  /** Rows emitted. */
  rows: number;
  /** Keys whose latest visible version is a Delete. */
  deletedRows: number;
  /** Write-CF entries stepped over (older versions of a decided key may be skipped by a seek). */
  versionsSeen: number;
  /** Versions with commit_ts > readTs. */
  newerThanReadTs: number;
  lockRecordsSkipped: number;
  rollbacksSkipped: number;
  /** Keys hidden by a gc_fence. */
  gcFenced: number;
  /** Put records whose default-CF value does not exist: not emitted. */
  missingDefault: number;
  missingDefaultSamples: MissingValueSample[];
  /** Put records whose default-CF entry is a Titan blob index: not emitted (Titan unsupported). */
  blobIndex: number;
  blobIndexSamples: MissingValueSample[];
  /** Keys skipped because a write record to be read for them does not parse: not emitted. */
  corruptWrites: number;
  corruptWriteSamples: CorruptWriteSample[];
}

export function emptyStats(): MvccStats {
  return {
    rows: 0,
    deletedRows: 0,
    versionsSeen: 0,
    newerThanReadTs: 0,
    lockRecordsSkipped: 0,
    rollbacksSkipped: 0,
    gcFenced: 0,
    missingDefault: 0,
    missingDefaultSamples: [],
    blobIndex: 0,
    blobIndexSamples: [],
    corruptWrites: 0,
    corruptWriteSamples: [],
  };
}

/**
 * After this many next() calls without reaching the target, the default cursor seeks; likewise
 * the write cursor seeks past the older versions of a decided key (hot rows without GC can have
 * thousands).
 */
const NEXT_BEFORE_SEEK = 8;

const WRITE_PUT = 0x50;
const WRITE_DELETE = 0x44;
const WRITE_LOCK = 0x4c;

/** WriteView.read refused the record: parseWrite's message says what is wrong. */
function writeRecordError(val: Uint8Array, key: Uint8Array): string {
  try {
    parseWrite(val, `write CF key ${hex(key, 1 << 16)}`);
  } catch (e) {
    if (e instanceof FormatError) return e.message;
    throw e;
  }
  throw new Error(`internal: WriteView refused a write record parseWrite accepts (key ${hex(key)})`);
}

const EMPTY_DV = new DataView(new ArrayBuffer(0));
/** The low `n` bytes of a u32 (n = 0..4): where a group's padding must be zero. */
const PAD_MASK = [0, 0xff, 0xffff, 0xffffff, 0xffffffff];

export class LatestScanner {
  readonly stats: MvccStats = emptyStats();
  private readonly source: CfSource;
  private readonly range: { start: Uint8Array; end: Uint8Array };
  private readonly readTs: bigint;
  private write: KvCursor | undefined;
  /** The write cursor, when it tells how much of each key it kept from the previous one. */
  private wShares: KeySharing | null = null;
  /** The write cursor has valueArray() + valueOffset() + valueEndOffset(). */
  private wRanged = false;
  private deflt: KvCursor | undefined;
  private done = false;

  /**
   * 'z' + mc(raw) of the current key (owned, reused buffer, also read as big-endian words through
   * keyDv). Per write-CF entry one forward word compare against the cursor's key finds the first
   * differing byte p; that one number answers "same key?", drives the range-end check (endPos)
   * and limits the copy of a new key (and its raw decode) to the bytes from p on.
   */
  private keyBuf = new Uint8Array(64);
  private keyDv = new DataView(this.keyBuf.buffer);
  private keyLen = 0;
  private hasKey = false;
  /** The write cursor's key view (cursors reuse theirs while the length stays) and its DataView. */
  private cKey: Uint8Array | undefined;
  private cKeyDv: DataView = EMPTY_DV;
  /** -1 = unknown; else keyBuf[0, endPos) == end[0, endPos) and keyBuf[endPos] < end[endPos]. */
  private endPos = -1;
  /** The current key is decided (emitted, deleted, fenced, corrupt): its older versions are stepped over. */
  private decided = false;
  private afterDecision = 0;
  /** Lookup target for the default CF (owned, reused buffer). */
  private targetBuf = new Uint8Array(72);
  private targetDv = new DataView(this.targetBuf.buffer);
  private targetView: Uint8Array = new Uint8Array(0);
  private targetViewOf: Uint8Array | undefined;
  /**
   * targetBuf holds the last target's key part keyBuf[0, tgtLen) (-1 = none); keyBuf[0, tgtSame)
   * has not changed since (a lower bound: setKey lowers it to where it starts copying).
   */
  private tgtLen = -1;
  private tgtSame = 0;
  /** The default cursor is on an entry equal to the last target (it was found there). */
  private dAtTarget = false;
  /** The default cursor, when it tells how much of each key it kept from the previous one. */
  private dShares: KeySharing | null = null;
  /** The default cursor's key view and its DataView (see cKey). */
  private dKey: Uint8Array | undefined;
  private dKeyDv: DataView = EMPTY_DV;
  /**
   * The current row's value is valBuf[valStart, valEnd) (valBuf undefined = no current row);
   * value() makes the view on demand: a subarray per row was ~29% of next()'s self time in a
   * micro-benchmark, and valueBuffer()/valueStart()/valueEnd() let a caller read it without one.
   */
  private valBuf: Uint8Array | undefined;
  private valStart = 0;
  private valEnd = 0;
  private curValue: Uint8Array | undefined;
  /** commit_ts of the current row, u64BE (owned, reused buffer); its bigint on demand. */
  private readonly commitBuf = new Uint8Array(TS_LEN);
  private readonly commitDv = new DataView(this.commitBuf.buffer);
  private curCommitTs: bigint | undefined;
  private startHi = 0;
  private startLo = 0;
  /** startHi/startLo not yet decoded from the emitted short-value Put's record (wv, see startTs()). */
  private startPending = false;
  private curStartTs: bigint | undefined;
  /** The emitted row's key still has older versions to step over (done at the next next()). */
  private pendingRest = false;
  private readonly wv = new WriteView();
  /** readTs = u64::MAX: every commit is visible and any non-zero gc_fence hides the key. */
  private readonly readAll: boolean;
  /** rawKeyView() buffer; rawLen = -1 until decoded for the current row. */
  private rawBuf = new Uint8Array(64);
  private rawDv = new DataView(this.rawBuf.buffer);
  private rawLen = -1;
  private rawView: Uint8Array = new Uint8Array(0);
  private rawViewOf: Uint8Array | undefined;
  /**
   * Incremental raw decode: keyBuf[0, rawFrom) is unchanged since the last successful decode,
   * which had rawGroups groups (0 = none) and rawLast bytes. Groups wholly inside that prefix are
   * already in rawBuf: a record key of an int-handle table re-decodes one group per row.
   */
  private rawFrom = 0;
  private rawGroups = 0;
  private rawLast = 0;

  constructor(source: CfSource, rawRange: RawRange, opts: { readTs?: bigint } = {}) {
    this.source = source;
    this.range = encodeRawRange(rawRange);
    this.readTs = opts.readTs ?? U64_MAX;
    this.readAll = this.readTs === U64_MAX;
  }

  /**
   * Stops the scan here and releases the SST files its cursors hold open (their close(), where
   * the source's cursors have one): a scan left before its end would keep them, and their
   * buffers, until the db closes. A scan run to its end has released them. next() is false after.
   */
  close(): void {
    this.done = true;
    for (const c of [this.write, this.deflt]) if (c !== undefined && closable(c)) c.close();
  }

  /** Advance to the next visible row. */
  next(): boolean {
    this.valBuf = undefined;
    this.curValue = undefined;
    this.curCommitTs = undefined;
    this.curStartTs = undefined;
    this.rawLen = -1;
    if (this.done) return false;
    let w = this.write;
    if (w === undefined) {
      if (compareBytes(this.range.start, this.range.end) >= 0) {
        this.done = true;
        return false;
      }
      w = this.source.cursor(CF_WRITE, { start: this.range.start, end: this.range.end });
      this.write = w;
      this.wShares = sharesKeys(w) ? w : null;
      this.wRanged = w.valueArray !== undefined && w.valueOffset !== undefined && w.valueEndOffset !== undefined;
      w.seek(this.range.start);
    } else if (this.pendingRest) {
      // the previous row's key: step over its older versions now (its value was a view into
      // the write cursor's current entry, valid until this call)
      this.pendingRest = false;
      w.next();
    }
    const wv = this.wv;
    const stats = this.stats;
    const readAll = this.readAll;
    for (;;) {
      if (!w.valid()) {
        this.done = true;
        return false;
      }
      const k = w.userKey();
      const n = this.keyLen;
      const p = this.firstDiff(k);
      if (!this.hasKey || p < n || k.length !== n + TS_LEN) {
        // a new user key (versions of one key are adjacent, newest first)
        if (!this.beforeEnd(k, p)) {
          this.done = true;
          return false;
        }
        // checkDataKeyWithTs's test inline (the call was not inlined); it throws the error
        const ul = k.length - TS_LEN;
        this.setKey(k, k[0] === 0x7a && ul >= 10 && (ul - 1) % 9 === 0 ? ul : checkDataKeyWithTs(k), p);
        this.decided = false;
        this.afterDecision = 0;
      } else if (this.decided) {
        // an older version of a decided key
        if (++this.afterDecision > NEXT_BEFORE_SEEK) {
          this.seekPastCurrentKey(w);
          continue;
        }
        stats.versionsSeen++;
        w.next();
        continue;
      }
      const userLen = this.keyLen;
      stats.versionsSeen++;
      // With no --as-of every commit_ts is visible: no timestamp is decoded at all.
      if (!readAll && decodeTs(k, userLen) > this.readTs) {
        stats.newerThanReadTs++;
      } else {
        // the record as array + range when the cursor offers it (no view per entry)
        let val: Uint8Array;
        let vs = 0;
        let ve: number;
        if (this.wRanged) {
          val = w.valueArray!();
          vs = w.valueOffset!();
          ve = w.valueEndOffset!();
        } else {
          val = w.value();
          ve = val.length;
        }
        const ok = wv.read(val, vs, ve);
        const type = wv.type;
        if (!ok) {
          // well-formed key, unparseable record: skip the whole key (no older version)
          this.corruptWrite(k, userLen, val.subarray(vs, ve));
          this.decided = true;
        } else if (wv.fenceAt >= 0 && !this.fenceAllows(val, wv.fenceAt)) {
          stats.gcFenced++;
          this.decided = true;
        } else if (type === WRITE_PUT) {
          this.decided = true;
          this.setCommitTs(k, userLen);
          this.curStartTs = undefined; // its bigint is derived from startHi/startLo
          let emitted: boolean;
          if (wv.shortAt >= 0) {
            // start_ts only on demand (startTs()): wv keeps this record until the next next()
            this.startPending = true;
            // a view into the write cursor's entry: the cursor stays here until next()
            this.valBuf = val;
            this.valStart = wv.shortAt;
            this.valEnd = wv.shortAt + wv.shortLen;
            emitted = true;
          } else {
            wv.decodeStart();
            this.startHi = wv.startHi;
            this.startLo = wv.startLo;
            this.startPending = false;
            emitted = this.loadDefault();
          }
          if (emitted) {
            this.pendingRest = true;
            stats.rows++;
            return true;
          }
        } else if (type === WRITE_DELETE) {
          stats.deletedRows++;
          this.decided = true;
        } else if (type === WRITE_LOCK) {
          stats.lockRecordsSkipped++;
        } else {
          stats.rollbacksSkipped++;
        }
      }
      w.next();
    }
  }

  /**
   * Index of the first byte where the cursor key `k` differs from keyBuf[0, keyLen), or the
   * shorter length when one is a prefix of the other. Compares big-endian words, from the
   * cursor's keyShared() on when it has one: keyBuf is the user part of the key of the entry the
   * cursor was on before (every entry passes through next(); after a seek keyShared() is 0).
   * The same loop as merging-cursor.ts commonPrefix, written out here on purpose: one shared
   * exported function (with compareTarget's twin, compareWords) measured +1.1-1.4% instructions
   * for a whole single-thread dump (callgrind, 100 k sysbench rows, two runs each).
   */
  private firstDiff(k: Uint8Array): number {
    if (k !== this.cKey) {
      this.cKey = k;
      this.cKeyDv = new DataView(k.buffer, k.byteOffset, k.byteLength);
    }
    const a = this.cKeyDv;
    const b = this.keyDv;
    const n = k.length < this.keyLen ? k.length : this.keyLen;
    const ks = this.wShares;
    let i = 0;
    if (ks !== null) {
      // from the word holding the first byte that may differ: no byte loop when n % 4 == 0
      i = ks.keyShared() & ~3;
      if (i > n) i = n;
    }
    for (; i + 4 <= n; i += 4) {
      const x = a.getUint32(i) ^ b.getUint32(i);
      if (x !== 0) return i + (Math.clz32(x) >>> 3);
    }
    if (i < n) {
      // the last 1-3 bytes: the word ending at n (its bytes before i are equal), bytes under 4
      if (n >= 4) {
        const x = a.getUint32(n - 4) ^ b.getUint32(n - 4);
        return x === 0 ? n : n - 4 + (Math.clz32(x) >>> 3);
      }
      const kb = this.keyBuf;
      for (; i < n; i++) if (k[i] !== kb[i]) return i;
    }
    return n;
  }

  /**
   * compareBytes(k, range.end) < 0 for a new key `k` that first differs from keyBuf at `p`, in
   * O(1) when endPos is known: below p, k equals keyBuf, so a key that still equals keyBuf at
   * endPos is below the end; else compared from min(p, endPos) on, where k equals the end.
   */
  private beforeEnd(k: Uint8Array, p: number): boolean {
    const e = this.range.end;
    const ep = this.endPos;
    let i = 0;
    if (this.hasKey && ep >= 0) {
      if (p > ep && ep < k.length - TS_LEN) return true;
      if (p < ep) i = p;
      else i = ep;
    }
    const m = k.length < e.length ? k.length : e.length;
    for (; i < m; i++) {
      const d = k[i]! - e[i]!;
      if (d !== 0) {
        if (d > 0) return false;
        this.endPos = i < k.length - TS_LEN ? i : -1;
        return true;
      }
    }
    this.endPos = -1;
    return k.length < e.length;
  }

  /** The raw TiDB key of the current row (mc-decoded, an owned copy). */
  rawKey(): Uint8Array {
    return decodeDataKey(this.keyBuf.subarray(0, this.keyLen));
  }

  /**
   * The raw TiDB key of the current row decoded into a reused buffer: a view valid until
   * next(). Same bytes and same errors as rawKey(), without an allocation per row.
   */
  rawKeyView(): Uint8Array {
    if (this.rawLen < 0) {
      const n = this.decodeRaw();
      if (n < 0) return decodeDataKey(this.keyBuf.subarray(0, this.keyLen)); // throws the error
      this.rawLen = n;
      // keys of one table have one length: the view is reused while it still fits
      // (a stored identity, not rawView.buffer: that getter was ~6% of a scan micro-benchmark)
      if (this.rawView.length !== n || this.rawViewOf !== this.rawBuf) {
        this.rawView = this.rawBuf.subarray(0, n);
        this.rawViewOf = this.rawBuf;
      }
    }
    return this.rawView;
  }

  /**
   * Decode 'z' + mc(raw) (keyBuf[0, keyLen)) into rawBuf; returns the raw length, or -1 when the
   * key is not well-formed (decodeDataKey names why). Resumes at the first group that changed
   * since the last successful decode: the groups before it are the same bytes, already checked
   * and copied (and when the last decode's final group is among them, so is the result).
   */
  private decodeRaw(): number {
    const key = this.keyBuf;
    const len = this.keyLen;
    let g = 0;
    if (this.rawGroups > 0) {
      const same = this.rawFrom < len ? this.rawFrom : len;
      const whole = same <= 1 ? 0 : ((same - 1) / 9) | 0; // groups wholly in the unchanged prefix
      if (whole >= this.rawGroups) {
        this.rawFrom = len;
        return this.rawLast;
      }
      g = whole;
    }
    this.rawGroups = 0;
    this.rawFrom = 0;
    if (len === 0 || key[0] !== 0x7a) return -1;
    let pos = 1 + 9 * g;
    let o = 8 * g;
    const kd = this.keyDv;
    const od = this.rawDv;
    for (;;) {
      if (pos + 9 > len) return -1;
      const pad = 0xff - key[pos + 8]!;
      if (pad > 8) return -1;
      // the group's 8 bytes as two big-endian words: its last `pad` bytes must be 0
      const hi = kd.getUint32(pos + 4);
      if (pad <= 4 ? (hi & PAD_MASK[pad]!) !== 0 : hi !== 0 || (kd.getUint32(pos) & PAD_MASK[pad - 4]!) !== 0) return -1;
      // all 8 bytes copied (little-endian words: no byte swaps); rawBuf has room for them, and
      // the result's length counts only the real ones
      od.setUint32(o, kd.getUint32(pos, true), true);
      od.setUint32(o + 4, kd.getUint32(pos + 4, true), true);
      o += 8 - pad;
      pos += 9;
      g++;
      if (pad !== 0) {
        this.rawGroups = g;
        this.rawLast = o;
        this.rawFrom = len;
        return o;
      }
    }
  }

  /** 'z' + mc(raw) of the current row (a view, valid until next()). */
  encodedKey(): Uint8Array {
    return this.keyBuf.subarray(0, this.keyLen);
  }

  /** The value of the current row. A view valid until next(); copy it to keep it. */
  value(): Uint8Array {
    const v = this.curValue;
    if (v !== undefined) return v;
    const b = this.valBuf;
    if (b === undefined) throw new Error('LatestScanner.value() called without a current row');
    return (this.curValue = this.valStart === 0 && this.valEnd === b.length ? b : b.subarray(this.valStart, this.valEnd));
  }

  /**
   * The buffer holding the current row's value: value() is valueBuffer()[valueStart(), valueEnd())
   * (same validity: until next()), read without making that view.
   */
  valueBuffer(): Uint8Array {
    const b = this.valBuf;
    if (b === undefined) throw new Error('LatestScanner.valueBuffer() called without a current row');
    return b;
  }

  valueStart(): number {
    return this.valStart;
  }

  valueEnd(): number {
    return this.valEnd;
  }

  commitTs(): bigint {
    if (this.curCommitTs === undefined) this.curCommitTs = readU64BE(this.commitBuf, 0).value;
    return this.curCommitTs;
  }

  /**
   * The current row's commit_ts as 8 big-endian bytes (a reused buffer, valid until next()):
   * compare these bytewise to order commit timestamps without a bigint per row.
   */
  commitTsBytes(): Uint8Array {
    return this.commitBuf;
  }

  startTs(): bigint {
    if (this.startPending) {
      // the emitted row's write record is still the one wv read last (see next())
      this.startPending = false;
      this.wv.decodeStart();
      this.startHi = this.wv.startHi;
      this.startLo = this.wv.startLo;
    }
    if (this.curStartTs === undefined) this.curStartTs = (BigInt(this.startHi) << 32n) | BigInt(this.startLo);
    return this.curStartTs;
  }

  /** commitBuf = NOT the key's ts suffix; k is the key firstDiff last saw (cKeyDv views it). */
  private setCommitTs(k: Uint8Array, userLen: number): void {
    // two words instead of eight bytes: the byte loop was ~9% of next() in a micro-benchmark
    const a = k === this.cKey ? this.cKeyDv : new DataView(k.buffer, k.byteOffset, k.byteLength);
    const d = this.commitDv;
    d.setUint32(0, ~a.getUint32(userLen)); // the key holds NOT commit_ts
    d.setUint32(4, ~a.getUint32(userLen + 4));
    this.curCommitTs = undefined; // its bigint is derived from commitBuf
  }

  /** TiKV check_gc_fence_as_latest_version for a fence at `at` in the record. */
  private fenceAllows(val: Uint8Array, at: number): boolean {
    let zero = true;
    for (let i = 0; i < 8; i++) if (val[at + i] !== 0) zero = false;
    if (zero) return true;
    if (this.readAll) return false; // any non-zero fence is <= u64::MAX
    return !(readU64BE(val, at).value <= this.readTs);
  }

  private corruptWrite(k: Uint8Array, userLen: number, val: Uint8Array): void {
    const st = this.stats;
    st.corruptWrites++;
    const error = writeRecordError(val, k); // also before the sample limit: a parseWrite mismatch is a bug
    if (st.corruptWriteSamples.length >= SAMPLE_LIMIT) return;
    let rawKeyHex: string;
    try {
      rawKeyHex = hex(decodeBytes(k, 1).value, 1 << 16);
    } catch {
      rawKeyHex = '(undecodable)';
    }
    const commitTs = ~readU64BE(k, userLen).value & U64_MAX;
    st.corruptWriteSamples.push({ rawKeyHex, writeKeyHex: hex(k, 1 << 16), valueHex: hex(val, 1 << 16), commitTs, error });
  }

  /** Skip the remaining (older) versions of the current key with one seek. */
  private seekPastCurrentKey(w: KvCursor): void {
    const n = this.keyLen;
    const target = new Uint8Array(n + TS_LEN);
    target.set(this.keyBuf.subarray(0, n), 0);
    target.fill(0xff, n); // NOT(ts 0): the oldest possible version of this key
    w.seek(target);
    if (w.valid() && this.isCurrentKey(w.userKey())) w.next();
  }

  /** Make `k`'s user part (userLen bytes) the current key; keyBuf already holds k[0, p). */
  private setKey(k: Uint8Array, userLen: number, p: number): void {
    if (this.keyBuf.length < userLen + 4) {
      this.keyBuf = new Uint8Array(userLen * 2 + 4);
      this.keyDv = new DataView(this.keyBuf.buffer);
      // room for 8 bytes per group ('z' + 9 per group): decodeRaw writes whole groups
      this.rawBuf = new Uint8Array(userLen * 2);
      this.rawDv = new DataView(this.rawBuf.buffer);
      this.rawGroups = 0; // rawBuf is new
      p = 0;
    } else if (!this.hasKey) {
      p = 0;
    }
    // Four bytes per step from the word holding byte p (k[0, p) equals keyBuf there), little-endian
    // on both sides: k has its 8-byte ts after userLen and keyBuf >= 4 spare bytes, so the last
    // word stays inside both (the byte loop was ~200 instructions per sysbench row, callgrind).
    const bd = this.keyDv;
    const kd = k === this.cKey ? this.cKeyDv : new DataView(k.buffer, k.byteOffset, k.byteLength);
    for (let i = p & ~3; i < userLen; i += 4) bd.setUint32(i, kd.getUint32(i, true), true);
    if (p < this.rawFrom) this.rawFrom = p;
    if (p < this.tgtSame) this.tgtSame = p;
    this.keyLen = userLen;
    this.hasKey = true;
    this.rawLen = -1; // rawKeyView() is derived from keyBuf
  }

  private isCurrentKey(k: Uint8Array): boolean {
    const n = this.keyLen;
    if (k.length !== n + TS_LEN) return false;
    const b = this.keyBuf;
    for (let i = n - 1; i >= 0; i--) if (k[i] !== b[i]) return false;
    return true;
  }

  /**
   * Merge-join step on the default CF; true when the value was found and set.
   *
   * The new target is built over the last one from where they first differ (q): keyBuf[0, q)
   * is already there. When the key part differs inside both keys and is larger at q, the new
   * target is above the last one, so a default cursor still on the last target is below it
   * without a comparison; after its one next() its key shares keyShared() bytes with the last
   * target, and the new target q bytes: the comparison starts at the smaller.
   */
  private loadDefault(): boolean {
    const n = this.keyLen;
    const tl = n + TS_LEN;
    let t = this.targetBuf;
    let oldN = this.tgtLen;
    if (t.length < tl + 4) {
      t = this.targetBuf = new Uint8Array(tl * 2 + 4);
      this.targetDv = new DataView(t.buffer);
      oldN = -1;
    }
    const td = this.targetDv;
    const kd = this.keyDv;
    // q: first byte where keyBuf[0, n) and the last target's key part differ (or the shorter length)
    let q = 0;
    let above = false;
    if (oldN >= 0) {
      const m = n < oldN ? n : oldN;
      q = this.tgtSame < m ? this.tgtSame : m;
      for (;;) {
        if (q + 4 <= m) {
          const x = kd.getUint32(q) ^ td.getUint32(q);
          if (x === 0) {
            q += 4;
            continue;
          }
          q += Math.clz32(x) >>> 3;
        } else {
          const kb = this.keyBuf;
          while (q < m && kb[q] === t[q]) q++;
        }
        break;
      }
      above = q < m && this.keyBuf[q]! > t[q]!;
    }
    // key + NOT start_ts (big-endian), as words: keyBuf has >= 4 spare bytes, the ts overwrites
    // the copy's tail; words copied little-endian on both sides (the same bytes, no byte swaps)
    for (let i = q & ~3; i < n; i += 4) td.setUint32(i, kd.getUint32(i, true), true);
    td.setUint32(n, ~this.startHi);
    td.setUint32(n + 4, ~this.startLo);
    this.tgtLen = n;
    this.tgtSame = n;
    // one view per key length (a subarray per row showed in the long-row profile)
    if (this.targetView.length !== tl || this.targetViewOf !== t) {
      this.targetView = t.subarray(0, tl);
      this.targetViewOf = t;
    }
    const target = this.targetView;

    // one key comparison per cursor position (c: default key vs target; 1 = past the end)
    let d = this.deflt;
    let c: number;
    if (d === undefined) {
      d = this.source.cursor(CF_DEFAULT, { start: this.range.start, end: this.range.end });
      this.deflt = d;
      this.dShares = sharesKeys(d) ? d : null;
      d.seek(target);
      c = d.valid() ? this.compareTarget(d.userKey(), tl, 0) : 1;
    } else {
      let steps = 0;
      if (this.dAtTarget && above) {
        // on the last target, which is below this one: one step, then compare from where
        // the cursor's key and this target can first differ
        d.next();
        if (d.valid()) {
          const ds = this.dShares;
          const ks = ds === null ? 0 : ds.keyShared();
          c = this.compareTarget(d.userKey(), tl, ks < q ? ks : q);
        } else {
          c = 1;
        }
        steps = 1;
      } else {
        c = d.valid() ? this.compareTarget(d.userKey(), tl, 0) : 1;
      }
      if (c < 0) {
        while (c < 0 && steps < NEXT_BEFORE_SEEK) {
          d.next();
          steps++;
          c = d.valid() ? this.compareTarget(d.userKey(), tl, 0) : 1;
        }
        if (c < 0) {
          d.seek(target);
          c = d.valid() ? this.compareTarget(d.userKey(), tl, 0) : 1;
        }
      }
    }
    this.dAtTarget = c === 0;
    if (c === 0) {
      if (d.kind() === BLOB_INDEX) {
        this.stats.blobIndex++;
        this.sample(this.stats.blobIndexSamples, target, this.startTs(), this.commitTs());
        return false;
      }
      if (d.valueArray !== undefined) {
        this.valBuf = d.valueArray();
        this.valStart = d.valueOffset!();
        this.valEnd = d.valueEndOffset!();
      } else {
        const v = d.value();
        this.valBuf = v;
        this.valStart = 0;
        this.valEnd = v.length;
      }
      return true;
    }
    this.stats.missingDefault++;
    this.sample(this.stats.missingDefaultSamples, target, this.startTs(), this.commitTs());
    return false;
  }

  /**
   * compareBytes(k, targetBuf[0, tl)) by sign, in big-endian words (the byte loop was ~45% of
   * loadDefault in the long-row profile: the found key is equal over its whole length), given
   * that k[0, from) equals targetBuf[0, from). The loop of merging-cursor.ts compareWords,
   * written out here for the reason given at firstDiff.
   */
  private compareTarget(k: Uint8Array, tl: number, from: number): number {
    if (k !== this.dKey) {
      this.dKey = k;
      this.dKeyDv = new DataView(k.buffer, k.byteOffset, k.byteLength);
    }
    const a = this.dKeyDv;
    const b = this.targetDv;
    const n = k.length < tl ? k.length : tl;
    let i = (from < n ? from : n) & ~3;
    for (; i + 4 <= n; i += 4) {
      const x = a.getUint32(i);
      const y = b.getUint32(i);
      if (x !== y) return x < y ? -1 : 1;
    }
    if (i < n) {
      // the last 1-3 bytes: the word ending at n (its bytes before i are equal), bytes under 4
      if (n >= 4) {
        const x = a.getUint32(n - 4);
        const y = b.getUint32(n - 4);
        if (x !== y) return x < y ? -1 : 1;
      } else {
        const t = this.targetBuf;
        for (; i < n; i++) {
          const d = k[i]! - t[i]!;
          if (d !== 0) return d;
        }
      }
    }
    return k.length - tl;
  }

  private sample(list: MissingValueSample[], target: Uint8Array, startTs: bigint, commitTs: bigint): void {
    if (list.length >= SAMPLE_LIMIT) return;
    let rawKeyHex: string;
    try {
      rawKeyHex = hex(decodeBytes(target, 1).value, 1 << 16);
    } catch {
      rawKeyHex = '(undecodable)';
    }
    list.push({ rawKeyHex, defaultKeyHex: hex(target, 1 << 16), startTs, commitTs });
  }
}

/**
 * What became of a lock's transaction, from the primary key's write-CF records (tikv-tidb-encoding.md
 * §2.4): a Put/Delete/Lock write with this start_ts = committed at its commit_ts (the lock is a
 * secondary not yet resolved: the committed value is NOT exported, the row's exported value may
 * be older); a Rollback with this start_ts (or an overlapped rollback at commit_ts = start_ts) =
 * rolled back; nothing = pending, or async-commit when the lock uses async commit (its outcome
 * depends on every secondary; unknown here).
 */
export type LockStatus = 'committed' | 'rolled-back' | 'pending' | 'async-commit';

export interface LockSample {
  /** Raw (TiDB) key. */
  key: Uint8Array;
  primary: Uint8Array;
  startTs: bigint;
  type: LockType;
  ttl: bigint;
  /** For a shared-lock container: how many transactions hold it. */
  sharedCount?: number;
  status: LockStatus;
  /** commit_ts of the primary's commit record, when status is committed. */
  commitTs?: bigint;
  /** Async-commit lock ('a' field present). */
  asyncCommit: boolean;
}

export interface LockReport {
  /** Lock-CF entries in the range (a shared-lock container counts once). */
  count: number;
  byType: Record<LockType, number>;
  /** Every lock by its transaction's status (a shared container: its most telling inner lock). */
  byStatus: Record<LockStatus, number>;
  /** First 20 locks in key order. */
  samples: LockSample[];
}

export const LOCK_SAMPLE_LIMIT = 20;

/** Status of the transaction (primary, startTs) from the primary's write-CF versions. */
class LockResolver {
  private w: KvCursor | undefined;
  constructor(private readonly source: CfSource) {}

  resolve(primaryRaw: Uint8Array, startTs: bigint, asyncCommit: boolean): { status: LockStatus; commitTs?: bigint } {
    const zk = mk.encodeDataKey(primaryRaw);
    this.w ??= this.source.cursor(CF_WRITE, { start: mk.DATA_MIN_KEY, end: mk.DATA_MAX_KEY });
    const w = this.w;
    // versions newest commit first; a commit of this transaction has commit_ts >= start_ts
    for (w.seek(zk); w.valid(); w.next()) {
      const k = w.userKey();
      if (k.length !== zk.length + TS_LEN || compareBytes(k.subarray(0, zk.length), zk) !== 0) break;
      const commitTs = decodeTs(k, zk.length);
      if (commitTs < startTs) break;
      let rec: WriteRecord;
      try {
        rec = parseWrite(w.value());
      } catch (e) {
        if (e instanceof FormatError) continue; // an unreadable version says nothing about this transaction
        throw e;
      }
      if (rec.startTs === startTs) {
        return rec.type === 'rollback' ? { status: 'rolled-back' } : { status: 'committed', commitTs };
      }
      if (commitTs === startTs && rec.overlappedRollback) return { status: 'rolled-back' };
    }
    return { status: asyncCommit ? 'async-commit' : 'pending' };
  }
}

const STATUS_RANK: Record<LockStatus, number> = { committed: 3, 'async-commit': 2, pending: 1, 'rolled-back': 0 };

/**
 * Every lock in the lock CF within the raw range, each with its transaction's status (LockStatus,
 * looked up on the primary key's write-CF records). Lock values are never exported, this only
 * reports them.
 */
export function scanLocks(source: CfSource, rawRange: RawRange): LockReport {
  const range = encodeRawRange(rawRange);
  const report: LockReport = {
    count: 0,
    byType: { put: 0, delete: 0, lock: 0, pessimistic: 0, shared: 0 },
    byStatus: { committed: 0, 'rolled-back': 0, pending: 0, 'async-commit': 0 },
    samples: [],
  };
  const resolver = new LockResolver(source);
  if (compareBytes(range.start, range.end) >= 0) return report;
  const c = source.cursor(CF_LOCK, { start: range.start, end: range.end });
  for (c.seek(range.start); c.valid(); c.next()) {
    const k = c.userKey();
    if (compareBytes(k, range.end) >= 0) break;
    const rec = parseLock(c.value(), `lock CF key ${hex(k)}`);
    report.count++;
    report.byType[rec.type]++;
    const inners: LockRecord[] = rec.type === 'shared' ? rec.locks : [rec];
    let best: { status: LockStatus; commitTs?: bigint } = { status: 'pending' };
    let bestRank = -1;
    let asyncCommit = false;
    for (const l of inners) {
      const r = resolver.resolve(l.primary, l.startTs, l.useAsyncCommit);
      if (l.useAsyncCommit) asyncCommit = true;
      if (STATUS_RANK[r.status] > bestRank) {
        best = r;
        bestRank = STATUS_RANK[r.status];
      }
    }
    report.byStatus[best.status]++;
    if (report.samples.length < LOCK_SAMPLE_LIMIT) {
      const key = decodeDataKey(k);
      const status = { status: best.status, ...(best.commitTs === undefined ? {} : { commitTs: best.commitTs }), asyncCommit };
      if (rec.type === 'shared') {
        const inner: LockRecord | undefined = rec.locks[0];
        let minTs = inner?.startTs ?? 0n;
        let maxTtl = 0n;
        for (const l of rec.locks) {
          if (l.startTs < minTs) minTs = l.startTs;
          if (l.ttl > maxTtl) maxTtl = l.ttl;
        }
        report.samples.push({
          key,
          primary: Uint8Array.from(inner?.primary ?? new Uint8Array(0)),
          startTs: minTs,
          type: 'shared',
          ttl: maxTtl,
          sharedCount: rec.locks.length,
          ...status,
        });
      } else {
        report.samples.push({ key, primary: Uint8Array.from(rec.primary), startTs: rec.startTs, type: rec.type, ttl: rec.ttl, ...status });
      }
    }
  }
  return report;
}
