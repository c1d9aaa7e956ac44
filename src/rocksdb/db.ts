/**
 * RocksDb: a strictly read-only view of a RocksDB directory (TiKV's `data-dir/db`).
 *
 * Open sequence (facebook/rocksdb:db/db_impl/db_impl_open.cc, db/version_set.cc `Recover`):
 *   1. list the directory (db-files.ts);
 *   2. CURRENT -> MANIFEST -> live SST files per CF and level, per-CF log numbers
 *      (manifest.ts). Without a usable CURRENT, the newest readable MANIFEST-* is used. If no
 *      MANIFEST is usable (or the live one is damaged), fall back to every table file in the
 *      directory, each assigned to its CF by its properties, level -1 (CFs without table files
 *      named from the newest OPTIONS file); every WAL is then replayed;
 *   3. replay the WALs into per-CF memtables (wal.ts);
 *   4. cursors merge memtable + L0 files + one concatenating input per level (merging-cursor.ts).
 *
 * Warnings (OpenOptions.onWarning), by code:
 *   manifest-without-current  CURRENT unusable, newest MANIFEST used
 *   manifest-fallback         no usable MANIFEST: table-file properties used (obsolete files may count)
 *   manifest-note             e.g. an incomplete atomic group at the MANIFEST's end was ignored
 *   cf-name-from-options / options-cf-mismatch   fallback CF naming from OPTIONS-*
 *   sst-seqno-unknown         fallback: an ingested SST whose seqno only the MANIFEST knew
 *   sst-unreadable / sst-unknown-cf              fallback: table file skipped
 *   missing-sst               a live SST is not in the directory (scans needing it fail)
 *   unlisted-sst              table files not in the MANIFEST were ignored
 *   wal-missing               no WAL numbered >= the CFs' log numbers (wal-dir elsewhere?)
 *   wal-torn-tail             a WAL ends in an incomplete record (byte offset in the message)
 *   wal-corruption            walCorruption='stop': mid-file damage, rest of that WAL unread
 *   wal-unknown-cf            WAL entries for a CF id the MANIFEST does not know, skipped
 *
 * Never writes, renames, locks or creates anything: files are opened with flag 'r' only, the
 * LOCK file is not touched, and nothing is flushed.
 */
import { FormatError, UserError, corruption } from '../errors.js';
import { compareBytes } from './internal-key.js';
import { listDbDir, tableFileName, type DbDirListing } from './db-files.js';
import { parseManifest, readManifestOfDb, type ManifestState } from './manifest.js';
import { replayWals } from './wal.js';
import { Memtable } from './memtable.js';
import { MergingCursor, type LazySource } from './merging-cursor.js';
import { SstReader, type SstCursor } from './sst-reader.js';
import type { InternalCursor, KeyRange, KvCursor, LiveFile, OpenOptions, WalFile, Warning } from './types.js';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { parseOptionsCfNames } from './options-file.js';
import { SalvagedSst } from './sst-salvage.js';
import { fileLoss, missingFileLoss, rangeOverlaps, type FileLoss } from './loss-report.js';

export interface DbOpenOptions extends OpenOptions {
  /**
   * 'auto' (default): fall back to the table files' properties when CURRENT/MANIFEST is
   * missing or unreadable, with a 'manifest-fallback' warning.
   * 'require': a missing or damaged MANIFEST is an error.
   */
  manifest?: 'auto' | 'require';
  /**
   * 'error' (default): a WAL damaged in the middle (not a torn tail) is a FormatError.
   * 'stop': salvage — use the records before the damage and warn ('wal-corruption').
   */
  walCorruption?: 'error' | 'stop';
  /** Directory of the WAL files when TiKV's `rocksdb.wal-dir` put them outside dbDir. */
  walDir?: string;
  /**
   * Salvage (issue #8): damaged data blocks are skipped and recorded (salvageLosses()), SSTs
   * with an unreadable footer/index are read by sequential block discovery (sst-salvage.ts),
   * a MANIFEST cut mid-record is used up to the cut (plus table files created after it), and
   * walCorruption defaults to 'stop'.
   */
  salvage?: boolean;
}

/**
 * A KvCursor that can release its open SST files early. A cursor run to its end (or its range
 * end) has already released them; one abandoned midway keeps them until close() or db.close().
 */
/**
 * SST readers kept open without a cursor, per RocksDb (see RocksDb.reader). Every worker thread
 * has its own RocksDb, so this times --threads file descriptors; a chunk touches about one file
 * per level plus the L0 files, and consecutive chunks mostly the same ones.
 */
let READER_CACHE = 16;

/**
 * Tests: how many SST readers without a cursor stay open (0 = close each when its cursor is
 * done); returns the previous size.
 */
export function setReaderCacheSize(n: number): number {
  const prev = READER_CACHE;
  READER_CACHE = n;
  return prev;
}

export interface DbCursor extends KvCursor {
  close(): void;
}

export interface ManifestInfo {
  manifest: string | null;
  lastSequence: number;
  nextFileNumber: number;
  fallback: boolean;
  /** Highest sequence number replayed from the WALs (0 if none). */
  walLastSequence: number;
  /** Why the fallback was used, when it was. */
  fallbackReason?: string;
}

interface CfInfo {
  id: number;
  name: string;
  logNumber: number;
  files: LiveFile[];
  memtable: Memtable | undefined;
}

/**
 * CURRENT -> MANIFEST. When CURRENT is missing or unreadable (or names a MANIFEST that is not
 * there), try the MANIFEST-* files newest first (RocksDB writes a new MANIFEST before it points
 * CURRENT at it, so the newest complete one is the live one). A MANIFEST that exists but is
 * damaged is not replaced by an older one (that would be a stale view): the caller falls back
 * to the table files' properties.
 */
function loadManifest(
  dbDir: string,
  listing: DbDirListing,
  opts: DbOpenOptions,
  warn: (w: Warning) => void,
): { state: ManifestState | null; manifest: string | null; fallbackReason?: string } {
  const usable = (e: unknown): e is Error => {
    if (e instanceof FormatError) return e.code !== 'unsupported';
    return (e as NodeJS.ErrnoException).code !== undefined;
  };
  const currentPath = join(dbDir, 'CURRENT');
  try {
    const r = readManifestOfDb(dbDir, { allowTornTail: opts.salvage === true });
    for (const note of r.state.notes) warn({ code: 'manifest-note', message: note, file: r.manifest });
    return { state: r.state, manifest: r.manifest };
  } catch (e) {
    if (!usable(e)) throw e; // a MANIFEST we can read but must not interpret (unsupported)
    if (opts.manifest === 'require') {
      if (e instanceof FormatError) throw e;
      throw corruption('cannot read CURRENT/MANIFEST', { file: currentPath, found: e.message });
    }
    const errFile = e instanceof FormatError ? e.file : (e as NodeJS.ErrnoException).path;
    const manifestDamaged = errFile !== undefined && errFile !== currentPath && !((e as NodeJS.ErrnoException).code === 'ENOENT');
    if (manifestDamaged) return { state: null, manifest: null, fallbackReason: e.message };
    const reasons: string[] = [e.message];
    for (const m of [...listing.manifests].reverse()) {
      try {
        const state = parseManifest(readFileSync(m.path, { flag: 'r' }), m.path, { allowTornTail: opts.salvage === true });
        warn({
          code: 'manifest-without-current',
          message: `CURRENT is not usable (${e.message}); using the newest readable MANIFEST, ${m.name}`,
          file: m.path,
        });
        for (const note of state.notes) warn({ code: 'manifest-note', message: note, file: m.path });
        return { state, manifest: m.path };
      } catch (e2) {
        if (!usable(e2)) throw e2;
        reasons.push(e2.message);
      }
    }
    return { state: null, manifest: null, fallbackReason: reasons.join('; ') };
  }
}

class EmptyCursor implements InternalCursor {
  seekToFirst(): void {}
  seek(): void {}
  valid(): boolean {
    return false;
  }
  next(): void {}
  userKey(): Uint8Array {
    throw new Error('cursor is not valid');
  }
  seq(): number {
    throw new Error('cursor is not valid');
  }
  kind(): number {
    throw new Error('cursor is not valid');
  }
  value(): Uint8Array {
    throw new Error('cursor is not valid');
  }
  valueArray(): Uint8Array {
    throw new Error('cursor is not valid');
  }
  valueOffset(): number {
    throw new Error('cursor is not valid');
  }
  valueEndOffset(): number {
    throw new Error('cursor is not valid');
  }
}

/**
 * Without a MANIFEST, CFs that own no table file (e.g. data only in the WAL) are known only by
 * id. The newest OPTIONS file lists the live CFs in id order; use it when it agrees with every
 * CF id/name pair the table files told us (ids are contiguous unless a CF was ever dropped).
 */
function addCfsFromOptions(listing: DbDirListing, byId: Map<number, CfInfo>, warn: (w: Warning) => void): void {
  const opt = listing.options[listing.options.length - 1];
  if (opt === undefined) return;
  let names: string[];
  try {
    names = parseOptionsCfNames(readFileSync(opt.path, { encoding: 'utf8', flag: 'r' }));
  } catch {
    return;
  }
  const consistent = [...byId.values()].every((cf) => names[cf.id] === cf.name);
  if (!consistent) {
    warn({
      code: 'options-cf-mismatch',
      message: `column families in ${opt.name} (${names.join(', ')}) do not match the ids in the table files; not used`,
      file: opt.path,
    });
    return;
  }
  const added: string[] = [];
  names.forEach((name, id) => {
    if (!byId.has(id)) {
      byId.set(id, { id, name, logNumber: 0, files: [], memtable: undefined });
      added.push(`${id}=${name}`);
    }
  });
  if (added.length > 0) {
    warn({
      code: 'cf-name-from-options',
      message: `column family ids without table files named from ${opt.name} by position: ${added.join(', ')}`,
      file: opt.path,
    });
  }
}

export class RocksDb {
  private readonly cfs: CfInfo[];
  private readonly byName = new Map<string, CfInfo>();
  private readonly open = new Set<SstReader>();
  private readonly info: ManifestInfo;
  private readonly wals: WalFile[];
  private closed = false;
  private salvage = false;
  /** Salvage analyses by path: the loss stays; the block list (t) is dropped when a scan closes
   *  the file (memory: first/last key per block) and rebuilt if the file is opened again. */
  private readonly salvaged = new Map<string, { t: SalvagedSst | undefined; loss: FileLoss | undefined; missing: boolean }>();

  private constructor(
    readonly dir: string,
    cfs: CfInfo[],
    info: ManifestInfo,
    wals: WalFile[],
  ) {
    this.cfs = cfs;
    for (const cf of cfs) this.byName.set(cf.name, cf);
    this.info = info;
    this.wals = wals;
  }

  static open(dbDir: string, opts: DbOpenOptions = {}): RocksDb {
    const warn = (w: Warning): void => opts.onWarning?.(w);
    let listing: DbDirListing;
    try {
      listing = listDbDir(dbDir);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new UserError(`cannot list RocksDB directory ${dbDir}: ${code ?? String(e)}`);
    }

    if (!listing.hasCurrent && listing.manifests.length === 0 && listing.tables.size === 0 && listing.wals.length === 0) {
      throw new UserError(`${dbDir} does not look like a RocksDB directory (no CURRENT, MANIFEST-*, *.sst or *.log)`);
    }
    const loaded = loadManifest(dbDir, listing, opts, warn);
    const state = loaded.state;
    const manifestPath = loaded.manifest;
    const fallbackReason = loaded.fallbackReason;

    const cfs: CfInfo[] = [];
    if (state !== null) {
      for (const cf of state.cfs.values()) {
        if (cf.dropped) continue;
        const files: LiveFile[] = [];
        for (const f of cf.files.values()) {
          const listed = f.pathId === 0 ? listing.tables.get(f.fileNumber) : undefined;
          const path = listed?.path ?? join(dbDir, tableFileName(f.fileNumber));
          if (listed === undefined) {
            warn({
              code: 'missing-sst',
              message:
                `live SST ${f.fileNumber} of column family ${cf.name} (level ${f.level}) is not in the directory` +
                (f.pathId !== 0 ? ` (it lives in db_paths[${f.pathId}])` : '') +
                '; scans that need it will fail',
              file: path,
            });
          }
          files.push({
            cf: cf.name,
            cfId: cf.id,
            level: f.level,
            fileNumber: f.fileNumber,
            path,
            size: f.size,
            smallestKey: f.smallestKey,
            largestKey: f.largestKey,
            smallestSeq: f.smallestSeq,
            largestSeq: f.largestSeq,
          });
        }
        files.sort((a, b) => a.level - b.level || compareBytes(a.smallestKey, b.smallestKey) || a.fileNumber - b.fileNumber);
        cfs.push({ id: cf.id, name: cf.name, logNumber: cf.logNumber, files, memtable: undefined });
      }
      cfs.sort((a, b) => a.id - b.id);
      const live = new Set(cfs.flatMap((c) => c.files.map((f) => f.fileNumber)));
      let unlisted = [...listing.tables.values()].filter((t) => !live.has(t.fileNumber));
      if (state.cutAt !== undefined) {
        // Salvage of a cut MANIFEST: table files numbered >= its next_file_number were created
        // after the last complete edit (flush/compaction output whose edit was lost): add them,
        // placed by their properties, with unknown level (-1: merged by sequence number).
        const added: string[] = [];
        for (const t of unlisted.filter((u) => u.fileNumber >= state.nextFileNumber)) {
          let cfId: number;
          try {
            const r = SstReader.open(t.path);
            try {
              cfId = r.properties.columnFamilyId;
            } finally {
              r.close();
            }
          } catch (e) {
            if (!(e instanceof FormatError)) throw e;
            warn({ code: 'sst-unreadable', message: `table file after the MANIFEST cut skipped: ${e.message}`, file: t.path });
            continue;
          }
          const cf = cfs.find((c) => c.id === cfId);
          if (cf === undefined) continue;
          cf.files.push({
            cf: cf.name, cfId, level: -1, fileNumber: t.fileNumber, path: t.path, size: t.size,
            smallestKey: new Uint8Array(0), largestKey: new Uint8Array(0), smallestSeq: 0, largestSeq: 0,
          });
          live.add(t.fileNumber);
          added.push(t.name);
        }
        if (added.length > 0) {
          warn({
            code: 'manifest-cut-files',
            message: `MANIFEST is cut: ${added.length} table file(s) created after its last complete edit were added from their properties: ${added.join(', ')} (files the lost edits deleted may still be read)`,
            file: manifestPath ?? dbDir,
          });
        }
        unlisted = unlisted.filter((u) => !live.has(u.fileNumber));
      }
      if (unlisted.length > 0) {
        warn({
          code: 'unlisted-sst',
          message:
            `${unlisted.length} table file(s) in the directory are not in the MANIFEST (obsolete, or output of an ` +
            `unfinished flush/compaction) and were ignored: ${unlisted.map((t) => t.name).join(', ')}`,
          file: dbDir,
        });
      }
    } else {
      warn({
        code: 'manifest-fallback',
        message:
          `MANIFEST not usable (${fallbackReason}); reading every table file in the directory, ` +
          'assigned to column families by their properties, and replaying every WAL. Files that ' +
          'RocksDB had already made obsolete may be included.',
        file: dbDir,
      });
      const byId = new Map<number, CfInfo>();
      const tables = [...listing.tables.values()].sort((a, b) => a.fileNumber - b.fileNumber);
      for (const t of tables) {
        let r: SstReader;
        try {
          r = SstReader.open(t.path);
        } catch (e) {
          if (!(e instanceof FormatError)) throw e;
          // Without a MANIFEST we cannot tell a damaged live file from an unfinished flush or
          // compaction output (whose data is still elsewhere): skip it, loudly.
          warn({ code: 'sst-unreadable', message: `table file skipped: ${e.message}`, file: t.path });
          continue;
        }
        let cfId: number;
        let cfName: string;
        try {
          cfId = r.properties.columnFamilyId;
          cfName = r.properties.columnFamilyName;
          if (r.properties.externalSstFileVersion >= 2 && r.properties.globalSeqno === 0) {
            // Ingested with write_global_seqno=false: its keys' real seqno is only in the
            // MANIFEST. Without it they read as seq 0 and lose to every other version.
            warn({
              code: 'sst-seqno-unknown',
              message:
                'ingested table file keeps its sequence number only in the MANIFEST; without it its ' +
                'entries are treated as the oldest versions, so newer values in it may be hidden by older ones',
              file: t.path,
            });
          }
        } finally {
          r.close();
        }
        if (cfName === '' || !Number.isSafeInteger(cfId) || cfId < 0 || cfId >= 2 ** 31) {
          // Unknown CF (external SST written without a CF, or id -1 / 2^32-1): cannot place it.
          warn({
            code: 'sst-unknown-cf',
            message: `table file has no column family in its properties (name "${cfName}", id ${cfId}); ignored`,
            file: t.path,
          });
          continue;
        }
        let cf = byId.get(cfId);
        if (cf === undefined) {
          cf = { id: cfId, name: cfName, logNumber: 0, files: [], memtable: undefined };
          byId.set(cfId, cf);
        } else if (cf.name !== cfName) {
          throw corruption('two table files disagree on the name of a column family id', {
            file: t.path,
            expected: cf.name,
            found: cfName,
          });
        }
        cf.files.push({
          cf: cfName,
          cfId,
          level: -1,
          fileNumber: t.fileNumber,
          path: t.path,
          size: t.size,
          smallestKey: new Uint8Array(0),
          largestKey: new Uint8Array(0),
          smallestSeq: 0,
          largestSeq: 0,
        });
      }
      if (!byId.has(0)) byId.set(0, { id: 0, name: 'default', logNumber: 0, files: [], memtable: undefined });
      addCfsFromOptions(listing, byId, warn);
      cfs.push(...[...byId.values()].sort((a, b) => a.id - b.id));
    }

    let walList = listing.wals;
    if (opts.walDir !== undefined) {
      try {
        walList = listDbDir(opts.walDir).wals;
      } catch (e) {
        throw new UserError(`cannot list WAL directory ${opts.walDir}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
      }
    }
    const cfLogNumbers = new Map<number, number>();
    for (const cf of cfs) cfLogNumbers.set(cf.id, cf.logNumber);
    if (state !== null && cfs.length > 0) {
      // RocksDB always keeps the WAL it is writing (numbered >= every CF's log number), even
      // when empty. None at all means the WALs are elsewhere (wal-dir) or were not copied.
      const minLog = Math.min(...cfs.map((c) => c.logNumber));
      if (!walList.some((w) => w.fileNumber >= minLog)) {
        warn({
          code: 'wal-missing',
          message:
            `no WAL file numbered >= ${minLog} in ${opts.walDir ?? dbDir}: writes not yet flushed to SST files, ` +
            `if there were any, cannot be read (if TiKV's rocksdb.wal-dir was set, give that directory)`,
          file: opts.walDir ?? dbDir,
        });
      }
    }
    const droppedCfs = new Set<number>();
    if (state !== null) for (const cf of state.cfs.values()) if (cf.dropped) droppedCfs.add(cf.id);
    const replay = replayWals(walList, {
      droppedCfs, cfLogNumbers, onWarning: warn, walCorruption: opts.walCorruption ?? (opts.salvage === true ? 'stop' : 'error') });
    for (const cf of cfs) cf.memtable = replay.memtables.get(cf.id);

    const info: ManifestInfo = {
      manifest: manifestPath,
      lastSequence: state?.lastSequence ?? replay.lastSequence,
      nextFileNumber: state?.nextFileNumber ?? 0,
      fallback: state === null,
      walLastSequence: replay.lastSequence,
    };
    if (fallbackReason !== undefined) info.fallbackReason = fallbackReason;
    const wals = walList.map((w) => ({ fileNumber: w.fileNumber, path: w.path, size: w.size }));
    const db = new RocksDb(dbDir, cfs, info, wals);
    db.salvage = opts.salvage === true;
    return db;
  }

  columnFamilies(): { id: number; name: string }[] {
    return this.cfs.map((c) => ({ id: c.id, name: c.name }));
  }

  hasColumnFamily(name: string): boolean {
    return this.byName.has(name);
  }

  liveFiles(cf?: string): LiveFile[] {
    if (cf !== undefined) return [...this.cf(cf).files];
    return this.cfs.flatMap((c) => c.files);
  }

  walFiles(): WalFile[] {
    return [...this.wals];
  }

  manifestInfo(): ManifestInfo {
    return { ...this.info };
  }

  private cf(name: string): CfInfo {
    const c = this.byName.get(name);
    if (c === undefined) {
      throw new UserError(
        `column family "${name}" does not exist in ${this.dir} (has: ${this.cfs.map((x) => x.name).join(', ')})`,
      );
    }
    return c;
  }

  /** Salvage mode: analyze a live file once (cached); its loss, if any, is recorded. */
  private salvageFile(f: LiveFile): { t: SalvagedSst | undefined; loss: FileLoss | undefined; missing: boolean } {
    let e = this.salvaged.get(f.path);
    if (e === undefined || (e.t === undefined && !e.missing)) {
      try {
        const t = SalvagedSst.analyze(f.path, {
          ...(f.level >= 0 ? { fallbackGlobalSeqno: f.largestSeq, expectedSize: f.size, smallestKey: f.smallestKey, largestKey: f.largestKey } : {}),
        });
        e = { t, loss: fileLoss(f, t), missing: false };
      } catch (err) {
        const errno = (err as NodeJS.ErrnoException).code;
        if (errno === undefined) throw err;
        e = { t: undefined, loss: missingFileLoss(f, `live SST cannot be opened: ${errno}`), missing: true };
      }
      this.salvaged.set(f.path, e);
    }
    return e;
  }

  /**
   * Salvage mode: analyze every file of `cf` that may hold keys of [start, end) (end undefined
   * or empty = +inf) and return their losses (cached; nothing else is read twice by the scan).
   */
  salvageLosses(cfName: string, range?: KeyRange): FileLoss[] {
    if (!this.salvage) return [];
    const out: FileLoss[] = [];
    for (const f of this.cf(cfName).files) {
      if (f.level >= 0 && !rangeOverlaps({ smallest: f.smallestKey, largest: f.largestKey }, range?.start, range?.end)) continue;
      const l = this.salvageFile(f).loss;
      if (l !== undefined) out.push(l);
    }
    return out;
  }

  /** Opened with `salvage: true`. */
  get salvageMode(): boolean {
    return this.salvage;
  }

  /** Salvage mode: every loss recorded so far. */
  losses(): FileLoss[] {
    return [...this.salvaged.values()].flatMap((e) => (e.loss === undefined ? [] : [e.loss]));
  }

  private fileSource(f: LiveFile): LazySource {
    const unknownBounds = f.level < 0;
    if (this.salvage) {
      let t: SalvagedSst | undefined;
      return {
        name: f.path,
        smallestKey: f.smallestKey,
        largestKey: f.largestKey,
        unbounded: unknownBounds,
        open: () => {
          t = this.salvageFile(f).t;
          if (t === undefined) return { cursor: new EmptyCursor(), tombstones: [] };
          return { cursor: t.cursor(), tombstones: t.tombstones.map((x) => ({ ...x })) };
        },
        close: () => {
          t?.close();
          t = undefined;
          const e = this.salvaged.get(f.path);
          if (e !== undefined) e.t = undefined;
        },
      };
    }
    let cursor: SstCursor | undefined;
    return {
      name: f.path,
      smallestKey: f.smallestKey,
      largestKey: f.largestKey,
      unbounded: unknownBounds,
      open: () => {
        const r = this.reader(f);
        // A file of only range tombstones has no data blocks (and an empty index): nothing to iterate.
        if (r.properties.numDataBlocks === 0) return { cursor: new EmptyCursor(), tombstones: r.rangeTombstones() };
        cursor = r.cursor();
        return { cursor, tombstones: r.rangeTombstones() };
      },
      close: () => {
        cursor?.close();
        cursor = undefined;
        this.trimReaders();
      },
    };
  }

  /**
   * Open SST readers, kept across cursors (least recently used first): a chunked dump opens a
   * cursor per chunk over the same files, and reopening each file re-read its footer, index and
   * properties every time. At most READER_CACHE files stay open without a cursor.
   */
  private readonly readers = new Map<string, SstReader>();

  private reader(f: LiveFile): SstReader {
    const cached = this.readers.get(f.path);
    if (cached !== undefined) {
      this.readers.delete(f.path); // re-inserted: most recently used last
      this.readers.set(f.path, cached);
      return cached;
    }
    let r: SstReader;
    try {
      r = SstReader.open(f.path, f.level >= 0 ? { fallbackGlobalSeqno: f.largestSeq, expectedSize: f.size } : {});
    } catch (e) {
      const errno = (e as NodeJS.ErrnoException).code;
      if (errno === 'ENOENT') {
        throw corruption('live SST file is missing', { file: f.path, context: `column family ${f.cf}, level ${f.level}` });
      }
      throw e;
    }
    this.open.add(r);
    this.readers.set(f.path, r);
    return r;
  }

  /** Closes the least recently used readers without a cursor beyond READER_CACHE. */
  private trimReaders(): void {
    if (this.readers.size <= READER_CACHE) return;
    for (const [path, r] of this.readers) {
      if (this.readers.size <= READER_CACHE) return;
      if (r.openCursors > 0) continue;
      r.close();
      this.open.delete(r);
      this.readers.delete(path);
    }
  }

  cursor(cfName: string, range?: KeyRange): DbCursor {
    if (this.closed) throw new Error('RocksDb is closed');
    const cf = this.cf(cfName);
    const overlapping: LazySource[] = [];
    const mt = cf.memtable;
    if (mt !== undefined) {
      const bounds = mt.keyBounds();
      if (bounds !== null) {
        overlapping.push({
          name: `memtable of ${cf.name} (from WAL)`,
          smallestKey: bounds.smallest,
          largestKey: bounds.largest,
          open: () => ({ cursor: mt.cursor(), tombstones: mt.rangeTombstones() }),
        });
      }
    }
    const levels = new Map<number, LazySource[]>();
    for (const f of cf.files) {
      if (f.level <= 0) overlapping.push(this.fileSource(f));
      else {
        let l = levels.get(f.level);
        if (l === undefined) levels.set(f.level, (l = []));
        l.push(this.fileSource(f));
      }
    }
    return new MergingCursor({ overlapping, levels: [...levels.values()], range });
  }

  get(cfName: string, key: Uint8Array): { value: Uint8Array; kind: number } | undefined {
    const end = new Uint8Array(key.length + 1);
    end.set(key, 0);
    const c = this.cursor(cfName, { start: key, end });
    try {
      c.seek(key);
      if (!c.valid() || compareBytes(c.userKey(), key) !== 0) return undefined;
      return { value: c.value().slice(), kind: c.kind() };
    } finally {
      c.close();
    }
  }

  close(): void {
    for (const r of this.open) r.close();
    this.open.clear();
    this.readers.clear();
    this.closed = true;
  }
}
