/**
 * The real Session: one read-only RocksDb over TiKV's db/ directory, the TiDB catalog read
 * with MVCC rules, the store's identity and regions, and DumpSource built from LatestScanner +
 * RowDecoder.
 *
 * Region filter (tikv-tidb-encoding.md §10, §12 "leftover data outside live regions must be
 * filtered"): rows are read only inside regions whose RegionLocalState is Normal or Merging and
 * that have a non-witness peer on this store. Leftovers of removed peers are ignored. When the
 * raft CF holds no region at all (e.g. a bare KV copy), the whole range is read and a
 * 'no-regions' warning says so.
 */
import { collationUnknownWarning, decoderOptions } from './collation.js';
import { detectNewCollation, type CollationSetting } from '../tidb/collation-setting.js';
import { statSync } from 'node:fs';
import { FormatError, UserError } from '../errors.js';
import { RocksDb } from '../rocksdb/db.js';
import { SstReader } from '../rocksdb/sst-reader.js';
import { approxRowsFromFiles, type ApproxRows } from './approx-rows.js';
import type { LiveFile, Warning } from '../rocksdb/types.js';
import { Catalog, type TableEntry } from '../tidb/catalog.js';
import { createDatabaseSql, tableSchemaFileSql } from '../tidb/create-table.js';
import { recordRange } from '../tidb/record-key.js';
import { RowDecoder } from '../tidb/row-decoder.js';
import type { DbInfo, TableInfo } from '../tidb/table-info.js';
import { compareBytes } from '../tikv/memcomparable.js';
import { encodeRawRange, type RawRange } from '../tikv/mvcc-key.js';
import { CF_WRITE, CF_DEFAULT, LatestScanner, scanLocks, type LockReport } from '../tikv/mvcc-scan.js';
import { readRegions, readStoreIdent, type RegionInfo, type StoreIdent } from '../tikv/raft-state.js';
import type { InspectReport, RawEntry, RegionSummary, Session, SessionOptions } from './session-types.js';
import type { DumpSource, RowScan, ScanCounters, TableDecoder } from './source.js';
import { ScanTally } from './scan-tally.js';
import { rangeOverlaps, type FileLoss, type LostRange } from '../rocksdb/loss-report.js';
import { SalvageTracker } from './salvage-report.js';
import { planBoundaries } from './chunks.js';

const hexOf = (u: Uint8Array): string => Buffer.from(u.buffer, u.byteOffset, u.length).toString('hex');

/** Live = Normal/Merging with a non-witness peer on this store. */
export function isLiveRegion(r: RegionInfo, storeId: bigint | undefined): boolean {
  if (r.state !== 'Normal' && r.state !== 'Merging') return false;
  if (storeId === undefined) return true;
  return r.peers.some((p) => p.storeId === storeId && !p.isWitness);
}

/** Sorted, merged raw ranges (empty end = +inf) of the given regions. */
export function liveRanges(regions: readonly RegionInfo[]): RawRange[] {
  const rs = regions
    .filter((r) => r.startKey !== undefined && r.endKey !== undefined)
    .map((r) => ({ start: r.startKey!, end: r.endKey! }))
    .sort((a, b) => compareBytes(a.start, b.start));
  const out: RawRange[] = [];
  for (const r of rs) {
    const last = out[out.length - 1];
    if (last !== undefined && (last.end.length === 0 || compareBytes(r.start, last.end) <= 0)) {
      if (last.end.length !== 0 && (r.end.length === 0 || compareBytes(r.end, last.end) > 0)) last.end = r.end;
      continue;
    }
    out.push({ start: r.start, end: r.end });
  }
  return out;
}

/** [a,b) ∩ each live range, in key order; empty ends mean +inf. */
export function intersectRanges(range: RawRange, live: readonly RawRange[] | undefined): RawRange[] {
  if (live === undefined) return [range];
  const out: RawRange[] = [];
  for (const l of live) {
    const start = compareBytes(range.start, l.start) >= 0 ? range.start : l.start;
    let end: Uint8Array;
    if (range.end.length === 0) end = l.end;
    else if (l.end.length === 0) end = range.end;
    else end = compareBytes(range.end, l.end) <= 0 ? range.end : l.end;
    if (end.length === 0 || compareBytes(start, end) < 0) out.push({ start, end });
  }
  return out;
}

function overlaps(f: LiveFile, enc: { start: Uint8Array; end: Uint8Array }): boolean {
  return compareBytes(f.largestKey, enc.start) >= 0 && compareBytes(f.smallestKey, enc.end) < 0;
}

class ChainedScan implements RowScan {
  private cur: LatestScanner | undefined;
  private i = 0;
  private readonly tally = new ScanTally();
  /** Files (write + default CF) of this scan, by largest key, for the bytes-read estimate. */
  private fileIdx = 0;
  /** Bytes of the files passed when bytesPassed was last asked (or all, once the scan ended). */
  private passed = 0;

  constructor(
    private readonly db: RocksDb,
    private readonly ranges: RawRange[],
    private readonly readTs: bigint | undefined,
    private readonly files: LiveFile[],
    private readonly onBlob: (n: number, sampleKey: string | undefined) => void,
    /** --salvage: false = withhold the row (uncertain; see salvage-report.ts). */
    private readonly filter?: (encodedKey: Uint8Array, rawKey: () => Uint8Array) => boolean,
  ) {}

  /**
   * Bytes of the files (write + default CF) wholly before the current row: the bytes-read
   * estimate for progress, worked out when asked (a few times a second at most) rather than in
   * next(). Checking every 256 rows there was a branch taken only when a scan passed a file,
   * first taken after TurboFan had compiled next() into the chunk loop, which it deoptimized.
   */
  get bytesPassed(): number {
    const cur = this.cur;
    if (cur === undefined) return this.passed;
    const k = cur.encodedKey(); // the current row's key (empty before the first)
    while (this.fileIdx < this.files.length && compareBytes(this.files[this.fileIdx]!.largestKey, k) < 0) {
      this.passed += this.files[this.fileIdx]!.size;
      this.fileIdx++;
    }
    return this.passed;
  }

  next(): boolean {
    for (;;) {
      if (this.cur === undefined) {
        const r = this.ranges[this.i++];
        if (r === undefined) {
          this.passed = this.files.reduce((a, f) => a + f.size, 0);
          return false;
        }
        this.cur = new LatestScanner(this.db, r, this.readTs === undefined ? {} : { readTs: this.readTs });
      }
      if (this.cur.next()) {
        if (this.filter !== undefined && !this.passes(this.filter, this.cur)) continue;
        return true;
      }
      const st = this.cur.stats;
      this.tally.add(st);
      if (st.blobIndex > 0) this.onBlob(st.blobIndex, st.blobIndexSamples[0]?.rawKeyHex);
      this.cur = undefined;
    }
  }
  /** Releases the current range's open files (a scan left before its end); next() is false after. */
  close(): void {
    this.cur?.close();
    this.cur = undefined;
    this.i = this.ranges.length;
  }
  /**
   * The --salvage filter on the current row. Apart from next(): a closure in next() made V8
   * allocate its context (40 bytes) on every call, filter or not.
   */
  private passes(filter: (encodedKey: Uint8Array, rawKey: () => Uint8Array) => boolean, cur: LatestScanner): boolean {
    return filter(cur.encodedKey(), () => cur.rawKey());
  }
  rawKey(): Uint8Array {
    return this.cur!.rawKey();
  }
  rawKeyView(): Uint8Array {
    return this.cur!.rawKeyView();
  }
  commitTsBytes(): Uint8Array {
    return this.cur!.commitTsBytes();
  }
  value(): Uint8Array {
    return this.cur!.value();
  }
  valueBuffer(): Uint8Array {
    return this.cur!.valueBuffer();
  }
  valueStart(): number {
    return this.cur!.valueStart();
  }
  valueEnd(): number {
    return this.cur!.valueEnd();
  }
  commitTs(): bigint {
    return this.cur!.commitTs();
  }
  counters(): ScanCounters {
    return this.tally.counters(this.cur?.stats);
  }
}

/** The file's size as stat sees it now (MANIFEST sizes do not change when a file does). */
function sizeOnDisk(path: string, fallback: number): number {
  try {
    return statSync(path).size;
  } catch {
    return fallback;
  }
}

export function openSession(dbDir: string, opts: SessionOptions): Session {
  const warnings: Warning[] = [];
  const warn = (w: Warning): void => {
    warnings.push(w);
    opts.onWarning?.(w);
  };
  const db = RocksDb.open(dbDir, { onWarning: warn, ...(opts.salvage === undefined ? {} : { salvage: true }) });
  try {
    const s = new RealSession(db, dbDir, opts.readTs, warn, warnings, opts.newCollation, opts.catalog !== false);
    if (opts.salvage !== undefined) s.salvageTracker = new SalvageTracker(opts.salvage.olderVersions, warnings);
    return s;
  } catch (e) {
    db.close();
    throw e;
  }
}

class RealSession implements Session {
  readonly schemaVersion: string | undefined;
  private readonly catalog: Catalog;
  private readonly ident: StoreIdent | undefined;
  private readonly regions: RegionInfo[];
  /** undefined = no region information: read everything. */
  private readonly live: RawRange[] | undefined;
  private readonly tableById = new Map<number, TableEntry>();
  /** --salvage bookkeeping (set by openSession). */
  salvageTracker: SalvageTracker | undefined;

  constructor(
    private readonly db: RocksDb,
    readonly dbDir: string,
    readonly readTs: bigint | undefined,
    private readonly warn: (w: Warning) => void,
    private readonly warnings: Warning[],
    newCollation: boolean | undefined,
    withCatalog: boolean,
  ) {
    for (const cf of [CF_DEFAULT, CF_WRITE, 'lock']) {
      if (!db.hasColumnFamily(cf)) {
        throw new UserError(`${dbDir} is a RocksDB without TiKV's "${cf}" column family (found: ${db.columnFamilies().map((c) => c.name).join(', ')}); is this TiKV's kv db?`);
      }
    }
    this.ident = readStoreIdent(db);
    if (this.ident === undefined) warn({ code: 'no-store-ident', message: 'no StoreIdent (key 0x0101 in the default CF): store and cluster id unknown' });
    this.regions = db.hasColumnFamily('raft') ? readRegions(db) : [];
    const liveRegions = this.regions.filter((r) => isLiveRegion(r, this.ident?.storeId));
    const undecodable = liveRegions.filter((r) => r.startKey === undefined || r.endKey === undefined);
    if (this.regions.length === 0) {
      this.live = undefined;
      warn({ code: 'no-regions', message: 'no RegionLocalState in the raft CF: reading every key, including any leftovers of removed peers' });
    } else if (undecodable.length > 0) {
      // never drop a live region's rows because its bounds are not plain memcomparable keys
      this.live = undefined;
      warn({
        code: 'region-bounds',
        message: `region(s) ${undecodable.map((r) => r.regionId).join(', ')} have bounds that are not memcomparable keys: region filtering disabled, every key is read`,
      });
    } else {
      this.live = liveRanges(liveRegions);
      const dead = this.regions.length - liveRegions.length;
      if (dead > 0) warn({ code: 'regions-skipped', message: `${dead} region(s) not live on this store (tombstone/applying/other store): their key ranges are not read` });
    }
    if (!withCatalog) {
      this.catalog = Catalog.empty();
      this.schemaVersion = undefined;
      this.collation = newCollation !== undefined ? { newCollation, source: 'set by --new-collation' } : { newCollation: undefined, source: 'not read: a session without the schema' };
      return;
    }
    this.catalog = Catalog.load(db, { ...(readTs === undefined ? {} : { readTs }), ...(db.salvageMode ? { schemaFallback: true } : {}) });
    this.schemaVersion = this.catalog.schemaVersion === null ? undefined : String(this.catalog.schemaVersion);
    for (const p of this.catalog.problems) warn({ code: `catalog-${p.kind}`, message: p.message });
    if (this.catalog.metaLocks > 0) warn({ code: 'meta-locks', message: `${this.catalog.metaLocks} uncommitted lock(s) on schema keys (a DDL in flight at shutdown)` });
    for (const d of this.catalog.databases()) for (const t of this.catalog.tables(d.id)) this.tableById.set(t.id, t);
    this.collation =
      newCollation !== undefined
        ? { newCollation, source: 'set by --new-collation' }
        : detectNewCollation(db, this.catalog, readTs === undefined ? {} : { readTs });
    if (this.collation.newCollation === undefined) warn(collationUnknownWarning(this.collation.source));
  }

  /** TiDB's new collation framework on/off, and where that came from. */
  readonly collation: CollationSetting;

  storeIdent(): { clusterId: string; storeId: string; apiVersion?: number } | undefined {
    return this.ident === undefined ? undefined : { clusterId: this.ident.clusterId.toString(), storeId: this.ident.storeId.toString(), apiVersion: this.ident.apiVersion };
  }

  databases(): DbInfo[] {
    return this.catalog.databases().map((d) => d.info);
  }

  tables(dbId: number): TableInfo[] {
    return this.catalog.tables(dbId).map((t) => t.info);
  }

  private ranges(physicalId: number): RawRange[] {
    return intersectRanges(recordRange(physicalId), this.live);
  }

  hasData(physicalId: number): boolean {
    for (const r of this.ranges(physicalId)) {
      const enc = encodeRawRange(r);
      const c = this.db.cursor(CF_WRITE, enc);
      c.seek(enc.start);
      if (c.valid() && compareBytes(c.userKey(), enc.end) < 0) return true;
    }
    return false;
  }

  approxRows(physicalId: number): ApproxRows | undefined {
    const entriesOf = (f: LiveFile): number | undefined => {
      try {
        const r = SstReader.open(f.path);
        try {
          return r.properties.numEntries - r.properties.numDeletions;
        } finally {
          r.close();
        }
      } catch (e) {
        if (e instanceof FormatError) return undefined;
        throw e;
      }
    };
    return approxRowsFromFiles(this.db.liveFiles(CF_WRITE), this.ranges(physicalId).map(encodeRawRange), entriesOf);
  }

  private filesFor(physicalId: number): LiveFile[] {
    const out: LiveFile[] = [];
    for (const r of this.ranges(physicalId)) {
      const enc = encodeRawRange(r);
      for (const cf of [CF_WRITE, CF_DEFAULT]) for (const f of this.db.liveFiles(cf)) if (overlaps(f, enc)) out.push(f);
    }
    return out.sort((a, b) => compareBytes(a.largestKey, b.largestKey));
  }

  /** --salvage: the lost ranges of this table's files (write/default/lock CFs) and its row filter. */
  private salvageFilter(pid: number): ((k: Uint8Array, raw: () => Uint8Array) => boolean) | undefined {
    const t = this.salvageTracker;
    if (t === undefined) return undefined;
    const ranges: LostRange[] = [];
    const files: FileLoss[] = [];
    for (const r of this.ranges(pid)) {
      const enc = encodeRawRange(r);
      for (const cf of [CF_WRITE, CF_DEFAULT, 'lock']) {
        for (const fl of this.db.salvageLosses(cf, enc)) {
          files.push(fl);
          for (const lr of fl.ranges) if (rangeOverlaps(lr, enc.start, enc.end)) ranges.push(lr);
        }
      }
    }
    return t.startTable(pid, ranges, files);
  }

  dumpSource(timeZone: string): DumpSource {
    let finishedBytes = 0;
    let current: ChainedScan | undefined;
    const blobWarned = { n: 0 };
    const tracker = this.salvageTracker;
    // One lock-CF scan per physical table: the count and the details (with each lock's status
    // resolved from its primary) both come from it.
    let lastLocks: { pid: number; reports: LockReport[] } | undefined;
    const locksOf = (pid: number): LockReport[] => {
      if (lastLocks?.pid !== pid) lastLocks = { pid, reports: this.ranges(pid).map((r) => scanLocks(this.db, r)) };
      return lastLocks.reports;
    };
    return {
      ...(tracker === undefined ? {} : { salvage: { tracker, files: () => this.db.losses() } }),
      scanRows: (pid, within) => {
        if (current !== undefined) finishedBytes += current.bytesPassed;
        current = new ChainedScan(this.db, within === undefined ? this.ranges(pid) : this.ranges(pid).flatMap((r) => intersectRanges(r, [within])), this.readTs, this.filesFor(pid), (n, key) => {
          blobWarned.n += n;
          this.warn({ code: 'titan-blob', message: `${n} row value(s) of table ${pid} are Titan blob indexes (not readable by tikv-export), e.g. key ${key ?? '?'}; counted as values missing` });
        }, this.salvageFilter(pid));
        return current;
      },
      pendingLocks: (pid) => locksOf(pid).reduce((a, r) => a + r.count, 0),
      lockDetails: (pid) =>
        locksOf(pid).flatMap((r) =>
          r.samples.map((l) => ({
            key: Buffer.from(l.key).toString('hex'),
            primary: Buffer.from(l.primary).toString('hex'),
            startTs: l.startTs.toString(),
            type: l.type,
            status: l.status,
            ...(l.commitTs === undefined ? {} : { commitTs: l.commitTs.toString() }),
          })),
        ),
      decoder: (table: TableInfo, collation?: CollationSetting): TableDecoder => new RowDecoder(table, decoderOptions(timeZone, collation ?? this.collation)),
      tableSchemaFile: (table: TableInfo, db: DbInfo) => {
        const entry = this.tableById.get(table.id);
        const next = entry === undefined ? undefined : this.catalog.nextAutoIncrement(entry);
        return tableSchemaFileSql(table, { dbName: db.db_name.L, ...(next === undefined ? {} : { autoIncrement: next }) });
      },
      databaseSchemaFile: (db: DbInfo) => createDatabaseSql(db),
      bytesRead: () => finishedBytes + (current?.bytesPassed ?? 0),
      // write + default CF blocks: rows over 255 bytes keep their values in the default CF, and
      // counting only the write CF gave a table of such rows one chunk (one thread)
      chunkBoundaries: (pid, targetBytes) => planBoundaries([...this.db.liveFiles(CF_WRITE), ...this.db.liveFiles(CF_DEFAULT)], recordRange(pid), targetBytes).boundaries,
      sourceFiles: () => [
        ...this.db.columnFamilies().flatMap((cf) => this.db.liveFiles(cf.name).map((f) => ({ name: `${cf.name}/${f.path.slice(f.path.lastIndexOf('/') + 1)}`, size: sizeOnDisk(f.path, f.size) }))),
        ...this.db.walFiles().map((w) => ({ name: `wal/${w.path.slice(w.path.lastIndexOf('/') + 1)}`, size: sizeOnDisk(w.path, w.size) })),
      ],
      estimateBytes: (pid) => this.filesFor(pid).reduce((a, f) => a + f.size, 0),
    };
  }

  inspect(titanDir: string | undefined, dataDir: string | undefined): InspectReport {
    const mi = this.db.manifestInfo();
    const formatVersions = new Set<number>();
    const compressions = new Set<string>();
    const unusual: string[] = [];
    const columnFamilies = this.db.columnFamilies().map((cf) => {
      const files = this.db.liveFiles(cf.name);
      const byLevel = new Map<number, { files: number; bytes: number }>();
      for (const f of files) {
        const e = byLevel.get(f.level) ?? { files: 0, bytes: 0 };
        e.files++;
        e.bytes += f.size;
        byLevel.set(f.level, e);
        try {
          const r = SstReader.open(f.path);
          try {
            formatVersions.add(r.formatVersion);
            if (r.properties.compressionName !== '') compressions.add(r.properties.compressionName);
          } finally {
            r.close();
          }
        } catch (e) {
          if (!(e instanceof FormatError)) throw e;
          unusual.push(`SST ${f.path} does not open: ${e.message}`);
        }
      }
      return {
        name: cf.name,
        files: files.length,
        bytes: files.reduce((a, f) => a + f.size, 0),
        levels: [...byLevel.entries()].sort((a, b) => a[0] - b[0]).map(([level, v]) => ({ level, ...v })),
      };
    });
    const wal = this.db.walFiles();
    const regions: RegionSummary[] = this.regions.map((r) => ({
      id: r.regionId.toString(),
      state: r.state,
      start: r.startKey === undefined ? `(encoded) ${hexOf(r.startKeyEncoded)}` : hexOf(r.startKey),
      end: r.endKey === undefined ? `(encoded) ${hexOf(r.endKeyEncoded)}` : hexOf(r.endKey),
      live: isLiveRegion(r, this.ident?.storeId),
      peers: r.peers.length,
    }));
    const locks = scanLocks(this.db, { start: new Uint8Array(0), end: new Uint8Array(0) });
    if (mi.fallback) unusual.push(`MANIFEST not used (${mi.fallbackReason ?? 'unreadable'}): live files inferred from SST properties`);
    if (titanDir !== undefined) unusual.push(`Titan directory ${titanDir} present: values stored in blob files cannot be read`);
    if (locks.count > 0) unusual.push(`${locks.count} pending lock(s): uncommitted transactions (their data is not exported)`);
    if (this.ident !== undefined && this.ident.apiVersion === 2) unusual.push('API V2 (keyspaces): TiDB keys carry a keyspace prefix');
    for (const r of regions) if (r.state !== 'Normal') unusual.push(`region ${r.id} is ${r.state}`);
    if (this.catalog.metaLocks > 0) unusual.push(`${this.catalog.metaLocks} lock(s) on schema keys (DDL in flight)`);
    return {
      dbDir: this.dbDir,
      dataDir,
      clusterId: this.ident?.clusterId.toString(),
      storeId: this.ident?.storeId.toString(),
      apiVersion: this.ident?.apiVersion,
      manifest: mi.manifest,
      manifestFallback: mi.fallback,
      lastSequence: mi.lastSequence,
      columnFamilies,
      formatVersions: [...formatVersions].sort((a, b) => a - b),
      compressions: [...compressions].sort(),
      walFiles: wal.length,
      walBytes: wal.reduce((a, w) => a + w.size, 0),
      titanDir: titanDir !== undefined,
      regions,
      pendingLocks: locks.count,
      schemaVersion: this.schemaVersion,
      warnings: this.warnings.slice(),
      unusual,
    };
  }

  *rawScan(cf: string, start: Uint8Array | undefined, end: Uint8Array | undefined, limit: number): Iterable<RawEntry> {
    if (!this.db.hasColumnFamily(cf)) {
      throw new UserError(`unknown column family "${cf}"; this db has: ${this.db.columnFamilies().map((c) => c.name).join(', ')}`);
    }
    const range = { ...(start === undefined ? {} : { start }), ...(end === undefined ? {} : { end }) };
    const c = this.db.cursor(cf, range);
    if (start === undefined) c.seekToFirst();
    else c.seek(start);
    let n = 0;
    for (; c.valid(); c.next()) {
      if (end !== undefined && compareBytes(c.userKey(), end) >= 0) break;
      if (limit > 0 && n >= limit) break;
      n++;
      yield { key: c.userKey().slice(), value: c.value().slice() };
    }
  }

  close(): void {
    this.db.close();
  }
}
