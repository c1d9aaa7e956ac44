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
 * there is counted (stats.blobIndex) and not emitted. The lock CF is never consulted for values:
 * locks are uncommitted (see scanLocks for the report).
 */
import { hex } from '../errors.js';
import { ValueType, type KeyRange, type KvCursor } from '../rocksdb/types.js';
import { parseLock, type LockRecord, type LockType } from './lock-record.js';
import { compareBytes, decodeBytes } from './memcomparable.js';
import { TS_LEN, checkDataKeyWithTs, decodeDataKey, decodeTs, encodeRawRange, type RawRange } from './mvcc-key.js';
import { U64_MAX, writeU64BE } from './number-codec.js';
import { gcFenceAllows, parseWrite } from './write-record.js';

/** Anything that can give a KvCursor per column family (RocksDb satisfies it). */
export interface CfSource {
  cursor(cf: string, range?: KeyRange): KvCursor;
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
  };
}

/**
 * After this many next() calls without reaching the target, the default cursor seeks; likewise
 * the write cursor seeks past the older versions of a decided key (hot rows without GC can have
 * thousands).
 */
const NEXT_BEFORE_SEEK = 8;

export class LatestScanner {
  readonly stats: MvccStats = emptyStats();
  private readonly source: CfSource;
  private readonly range: { start: Uint8Array; end: Uint8Array };
  private readonly readTs: bigint;
  private write: KvCursor | undefined;
  private deflt: KvCursor | undefined;
  private done = false;

  /** 'z' + mc(raw) of the current key (owned, reused buffer). */
  private keyBuf = new Uint8Array(64);
  private keyLen = 0;
  /** Lookup target for the default CF (owned, reused buffer). */
  private targetBuf = new Uint8Array(72);
  private curValue: Uint8Array | undefined;
  private curCommitTs = 0n;
  private curStartTs = 0n;

  constructor(source: CfSource, rawRange: RawRange, opts: { readTs?: bigint } = {}) {
    this.source = source;
    this.range = encodeRawRange(rawRange);
    this.readTs = opts.readTs ?? U64_MAX;
  }

  /** Advance to the next visible row. */
  next(): boolean {
    this.curValue = undefined;
    if (this.done) return false;
    let w = this.write;
    if (w === undefined) {
      if (compareBytes(this.range.start, this.range.end) >= 0) {
        this.done = true;
        return false;
      }
      w = this.source.cursor(CF_WRITE, { start: this.range.start, end: this.range.end });
      this.write = w;
      w.seek(this.range.start);
    }
    while (true) {
      if (!w.valid()) {
        this.done = true;
        return false;
      }
      const first = w.userKey();
      if (compareBytes(first, this.range.end) >= 0) {
        this.done = true;
        return false;
      }
      const userLen = checkDataKeyWithTs(first);
      this.setKey(first, userLen);
      let decided = false;
      let emitted = false;
      let afterDecision = 0;
      while (w.valid()) {
        const k = w.userKey();
        if (!this.isCurrentKey(k)) break;
        if (decided && ++afterDecision > NEXT_BEFORE_SEEK) {
          this.seekPastCurrentKey(w);
          break;
        }
        this.stats.versionsSeen++;
        if (!decided) {
          const commitTs = decodeTs(k, userLen);
          if (commitTs > this.readTs) {
            this.stats.newerThanReadTs++;
          } else {
            const rec = parseWrite(w.value(), `write CF key ${hex(k)}`);
            if (!gcFenceAllows(rec, this.readTs)) {
              this.stats.gcFenced++;
              decided = true;
            } else if (rec.type === 'put') {
              decided = true;
              this.curCommitTs = commitTs;
              this.curStartTs = rec.startTs;
              if (rec.shortValue !== undefined) {
                this.curValue = rec.shortValue.slice(); // the write cursor moves on below
                emitted = true;
              } else {
                emitted = this.loadDefault(rec.startTs, commitTs);
              }
            } else if (rec.type === 'delete') {
              this.stats.deletedRows++;
              decided = true;
            } else if (rec.type === 'lock') {
              this.stats.lockRecordsSkipped++;
            } else {
              this.stats.rollbacksSkipped++;
            }
          }
        }
        w.next();
      }
      if (emitted) {
        this.stats.rows++;
        return true;
      }
    }
  }

  /** The raw TiDB key of the current row (mc-decoded, an owned copy). */
  rawKey(): Uint8Array {
    return decodeDataKey(this.keyBuf.subarray(0, this.keyLen));
  }

  /** 'z' + mc(raw) of the current row (a view, valid until next()). */
  encodedKey(): Uint8Array {
    return this.keyBuf.subarray(0, this.keyLen);
  }

  /** The value of the current row. A view valid until next(); copy it to keep it. */
  value(): Uint8Array {
    if (this.curValue === undefined) throw new Error('LatestScanner.value() called without a current row');
    return this.curValue;
  }

  commitTs(): bigint {
    return this.curCommitTs;
  }

  startTs(): bigint {
    return this.curStartTs;
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

  private setKey(k: Uint8Array, userLen: number): void {
    if (this.keyBuf.length < userLen) this.keyBuf = new Uint8Array(userLen * 2);
    this.keyBuf.set(k.subarray(0, userLen), 0);
    this.keyLen = userLen;
  }

  private isCurrentKey(k: Uint8Array): boolean {
    const n = this.keyLen;
    if (k.length !== n + TS_LEN) return false;
    const b = this.keyBuf;
    for (let i = n - 1; i >= 0; i--) if (k[i] !== b[i]) return false;
    return true;
  }

  /** Merge-join step on the default CF; true when the value was found and set. */
  private loadDefault(startTs: bigint, commitTs: bigint): boolean {
    const n = this.keyLen;
    if (this.targetBuf.length < n + TS_LEN) this.targetBuf = new Uint8Array((n + TS_LEN) * 2);
    this.targetBuf.set(this.keyBuf.subarray(0, n), 0);
    writeU64BE(this.targetBuf, n, U64_MAX ^ startTs);
    const target = this.targetBuf.subarray(0, n + TS_LEN);

    let d = this.deflt;
    if (d === undefined) {
      d = this.source.cursor(CF_DEFAULT, { start: this.range.start, end: this.range.end });
      this.deflt = d;
      d.seek(target);
    } else if (d.valid() && compareBytes(d.userKey(), target) < 0) {
      let steps = 0;
      while (d.valid() && compareBytes(d.userKey(), target) < 0 && steps < NEXT_BEFORE_SEEK) {
        d.next();
        steps++;
      }
      if (d.valid() && compareBytes(d.userKey(), target) < 0) d.seek(target);
    }
    if (d.valid() && compareBytes(d.userKey(), target) === 0) {
      if (d.kind() === ValueType.BlobIndex) {
        this.stats.blobIndex++;
        this.sample(this.stats.blobIndexSamples, target, startTs, commitTs);
        return false;
      }
      this.curValue = d.value();
      return true;
    }
    this.stats.missingDefault++;
    this.sample(this.stats.missingDefaultSamples, target, startTs, commitTs);
    return false;
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

export interface LockSample {
  /** Raw (TiDB) key. */
  key: Uint8Array;
  primary: Uint8Array;
  startTs: bigint;
  type: LockType;
  ttl: bigint;
  /** For a shared-lock container: how many transactions hold it. */
  sharedCount?: number;
}

export interface LockReport {
  /** Lock-CF entries in the range (a shared-lock container counts once). */
  count: number;
  byType: Record<LockType, number>;
  /** First 20 locks in key order. */
  samples: LockSample[];
}

export const LOCK_SAMPLE_LIMIT = 20;

/**
 * Every lock in the lock CF within the raw range. Locks belong to uncommitted (or not yet
 * resolved) transactions; their data is never exported, this only reports them.
 */
export function scanLocks(source: CfSource, rawRange: RawRange): LockReport {
  const range = encodeRawRange(rawRange);
  const report: LockReport = {
    count: 0,
    byType: { put: 0, delete: 0, lock: 0, pessimistic: 0, shared: 0 },
    samples: [],
  };
  if (compareBytes(range.start, range.end) >= 0) return report;
  const c = source.cursor(CF_LOCK, { start: range.start, end: range.end });
  for (c.seek(range.start); c.valid(); c.next()) {
    const k = c.userKey();
    if (compareBytes(k, range.end) >= 0) break;
    const rec = parseLock(c.value(), `lock CF key ${hex(k)}`);
    report.count++;
    report.byType[rec.type]++;
    if (report.samples.length < LOCK_SAMPLE_LIMIT) {
      const key = decodeDataKey(k);
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
        });
      } else {
        report.samples.push({ key, primary: Uint8Array.from(rec.primary), startTs: rec.startTs, type: rec.type, ttl: rec.ttl });
      }
    }
  }
  return report;
}
