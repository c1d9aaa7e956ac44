/**
 * `--salvage` bookkeeping (issue #8): which key ranges of which tables could not be read, which
 * rows are uncertain (their newest version may have been in a lost block of the write CF), and
 * `salvage-report.json`:
 *
 *   { "status": "partial" | "complete",
 *     "salvageOlderVersions": false,
 *     "tables": [ { "db", "table", "physicalIds", "rowsExported",
 *                   "lostRanges": [ { "cf", "file", "level", "kind", "offset", "end", "blocks",
 *                                     "first": KeyInfo, "last": KeyInfo, "entriesLost", "reason" } ],
 *                   "entriesLost": n | null,         (sum over lost ranges; null = not knowable)
 *                   "uncertainRows": n, "uncertainKeys": [hex of raw TiDB keys],
 *                   "uncertainRowsExported": bool } ],
 *     "files": [ per damaged SST: entries read vs rocksdb.num.entries, data blocks read vs
 *                rocksdb.num.data.blocks, every lost range ],
 *     "warnings": [ WAL/MANIFEST/SST warnings of the open ] }
 *
 * KeyInfo = { "key": hex user key, "tableId"?, "handle"? } (decoded where the key is a TiDB
 * record key; null for an unbounded side).
 *
 * Rows whose key lies inside a write-CF lost range are withheld (their newest version may be
 * what was lost, so an older one must not be exported) unless --salvage-older-versions; either
 * way they are listed as uncertain.
 */
import { rangeOverlaps, type FileLoss, type LostRange } from '../rocksdb/loss-report.js';
import { SalvagedSst } from '../rocksdb/sst-salvage.js';
import type { FormatError } from '../errors.js';
import type { Warning } from '../rocksdb/types.js';
import { decodeRecordKey } from '../tidb/record-key.js';
import { compareBytes, cutDataKey, decodeDataKey } from '../tikv/mvcc-key.js';
import { writeFileAtomic } from './file-writer.js';

export const SALVAGE_REPORT_FILE = 'salvage-report.json';

/** What a salvaging DumpSource exposes: the tracker and the damaged files met so far. */
export interface SalvageSource {
  tracker: SalvageTracker;
  files(): FileLoss[];
}
/** At most this many uncertain keys are listed per table (the count is always exact). */
export const MAX_UNCERTAIN_KEYS = 10000;

const hexOf = (u: Uint8Array): string => Buffer.from(u.buffer, u.byteOffset, u.length).toString('hex');

export interface KeyInfo {
  key: string;
  tableId?: number;
  handle?: string;
}

/** A lost range's bound, decoded to table id and handle where it is a TiDB record key. */
export function describeKey(cf: string, key: Uint8Array | undefined): KeyInfo | null {
  if (key === undefined) return null;
  const out: KeyInfo = { key: hexOf(key) };
  if (cf === 'raft' || key.length === 0 || key[0] !== 0x7a) return out;
  try {
    const raw = decodeDataKey(key);
    const rk = decodeRecordKey(raw);
    out.tableId = rk.tableId;
    out.handle = rk.handle.kind === 'int' ? rk.handle.value.toString() : `common:${hexOf(rk.handle.bytes)}`;
  } catch {
    // not a record key (index, meta) or cut: the hex says it all
  }
  return out;
}

/** Write/default CF user key 'z' + mc(raw) + ts -> 'z' + mc(raw) (the MVCC row key). */
function rowKeyOf(userKey: Uint8Array): Uint8Array {
  try {
    return userKey.subarray(0, cutDataKey(userKey));
  } catch {
    return userKey;
  }
}

interface TableState {
  ranges: LostRange[];
  entriesLost: (number | undefined)[];
  uncertain: number;
  uncertainKeys: string[];
}

export interface TableRef {
  db: string;
  table: string;
  physicalIds: number[];
  rows: number;
}

export class SalvageTracker {
  private readonly byPid = new Map<number, TableState>();

  constructor(
    readonly olderVersions: boolean,
    private readonly warnings: readonly Warning[],
  ) {}

  /**
   * Start the scan of one physical table: `ranges` are the lost ranges of its files (every CF)
   * that overlap its key range; `files` the loss records by file (for entry counts). Returns
   * the row filter: false = withhold the row (it is counted and listed as uncertain).
   */
  startTable(pid: number, ranges: LostRange[], files: readonly FileLoss[]): (encodedRowKey: Uint8Array, rawKey: () => Uint8Array) => boolean {
    let st = this.byPid.get(pid);
    if (st === undefined) {
      st = { ranges: [], entriesLost: [], uncertain: 0, uncertainKeys: [] };
      this.byPid.set(pid, st);
    }
    const state = st;
    for (const r of ranges) {
      if (state.ranges.some((x) => x.file === r.file && x.offset === r.offset && x.kind === r.kind)) continue;
      state.ranges.push(r);
      const f = files.find((x) => x.file === r.file);
      // Entries lost are known per range only when the file lost exactly one data range.
      const dataRanges = f?.ranges.filter((x) => x.kind === 'data').length ?? 0;
      state.entriesLost.push(r.kind === 'data' && dataRanges === 1 ? f?.entriesLost : undefined);
    }
    // Unreadable range deletions are listed, not used to withhold rows: TiKV writes range
    // deletions only for dropped/truncated tables and destroyed regions (never exported).
    const write = ranges
      .filter((r) => r.cf === 'write' && r.kind !== 'range-deletions')
      .map((r) => ({
        lo: r.smallest === undefined ? undefined : rowKeyOf(r.smallest),
        hi: r.largest === undefined ? undefined : rowKeyOf(r.largest),
      }));
    if (write.length === 0) return () => true;
    return (k, rawKey) => {
      for (const w of write) {
        if (w.lo !== undefined && compareBytes(k, w.lo) < 0) continue;
        if (w.hi !== undefined && compareBytes(k, w.hi) > 0) continue;
        state.uncertain++;
        if (state.uncertainKeys.length < MAX_UNCERTAIN_KEYS) state.uncertainKeys.push(hexOf(rawKey()));
        return this.olderVersions;
      }
      return true;
    };
  }

  /** Lost ranges of the write/default CFs that overlap TiDB's meta keys ('zm'): the catalog
   *  (databases, tables, schemas) may be incomplete or show an older schema. */
  catalogRanges(files: readonly FileLoss[]): LostRange[] {
    const lo = Uint8Array.of(0x7a, 0x6d);
    const hi = Uint8Array.of(0x7a, 0x6e);
    return files.flatMap((f) => f.ranges).filter((r) => (r.cf === 'write' || r.cf === 'default') && rangeOverlaps(r, lo, hi));
  }

  /** Anything lost at all (ranges, uncertain rows, a WAL cut by damage, a skipped file)? */
  partial(files: readonly FileLoss[]): boolean {
    if (files.length > 0) return true;
    for (const s of this.byPid.values()) if (s.ranges.length > 0 || s.uncertain > 0) return true;
    return this.warnings.some((w) => LOSS_WARNINGS.has(w.code));
  }

  tableReport(t: TableRef): {
    lostRanges: object[];
    entriesLost: number | null;
    uncertainRows: number;
    uncertainKeys: string[];
  } {
    const lostRanges: object[] = [];
    let entriesLost: number | null = 0;
    let uncertainRows = 0;
    const uncertainKeys: string[] = [];
    for (const pid of t.physicalIds) {
      const st = this.byPid.get(pid);
      if (st === undefined) continue;
      st.ranges.forEach((r, i) => {
        const n = st.entriesLost[i];
        if (r.cf === 'write' || r.cf === 'default') {
          if (n === undefined) entriesLost = null;
          else if (entriesLost !== null) entriesLost += n;
        }
        lostRanges.push({
          physicalId: pid,
          cf: r.cf,
          file: r.file,
          level: r.level,
          kind: r.kind,
          offset: r.offset,
          end: r.end,
          blocks: r.blocks ?? null,
          first: describeKey(r.cf, r.smallest),
          last: describeKey(r.cf, r.largest),
          entriesLost: n ?? null,
          reason: r.reason,
        });
      });
      uncertainRows += st.uncertain;
      uncertainKeys.push(...st.uncertainKeys);
    }
    return { lostRanges, entriesLost, uncertainRows, uncertainKeys };
  }

  report(tables: readonly TableRef[], files: readonly FileLoss[]): object {
    return {
      status: this.partial(files) ? 'partial' : 'complete',
      salvageOlderVersions: this.olderVersions,
      catalogLostRanges: this.catalogRanges(files).map((r) => ({
        cf: r.cf,
        file: r.file,
        offset: r.offset,
        first: describeKey(r.cf, r.smallest),
        last: describeKey(r.cf, r.largest),
        reason: r.reason,
      })),
      tables: tables.map((t) => {
        const r = this.tableReport(t);
        return {
          db: t.db,
          table: t.table,
          physicalIds: t.physicalIds,
          rowsExported: t.rows,
          ...r,
          uncertainRowsExported: this.olderVersions && r.uncertainRows > 0,
        };
      }),
      files: files.map((f) => ({
        cf: f.cf,
        file: f.file,
        level: f.level,
        mode: f.mode,
        entriesRead: f.entriesRead,
        entriesExpected: f.entriesExpected ?? null,
        entriesLost: f.entriesLost ?? null,
        dataBlocksRead: f.dataBlocksRead,
        dataBlocksExpected: f.dataBlocksExpected ?? null,
        lostRanges: f.ranges.map((r) => ({
          kind: r.kind,
          offset: r.offset,
          end: r.end,
          blocks: r.blocks ?? null,
          first: describeKey(r.cf, r.smallest),
          last: describeKey(r.cf, r.largest),
          reason: r.reason,
        })),
        notes: f.notes,
      })),
      warnings: this.warnings.filter((w) => REPORTED_WARNINGS.has(w.code)).map((w) => ({ code: w.code, message: w.message, file: w.file ?? null })),
    };
  }

  /** "key: value" lines for the metadata file. */
  metadataLines(tables: readonly TableRef[], files: readonly FileLoss[]): [string, string][] {
    const lines: [string, string][] = [['Salvage', `${this.partial(files) ? 'PARTIAL' : 'nothing lost'} (details in ${SALVAGE_REPORT_FILE})`]];
    for (const t of tables) {
      const r = this.tableReport(t);
      if (r.lostRanges.length === 0 && r.uncertainRows === 0) continue;
      lines.push([
        `LOST in ${t.db}.${t.table}`,
        `${r.lostRanges.length} range(s), entries lost: ${r.entriesLost ?? 'unknown'}, uncertain rows ${this.olderVersions ? 'exported from older versions' : 'withheld'}: ${r.uncertainRows}`,
      ]);
      for (const x of r.lostRanges as { cf: string; file: string; offset: number; first: KeyInfo | null; last: KeyInfo | null }[]) {
        const b = (k: KeyInfo | null): string => (k === null ? '(unbounded)' : k.handle !== undefined ? `table ${k.tableId} handle ${k.handle}` : k.key);
        lines.push([`Lost range of ${t.db}.${t.table}`, `${x.cf} CF, ${x.file} offset ${x.offset}: ${b(x.first)} .. ${b(x.last)}`]);
      }
    }
    const cat = this.catalogRanges(files);
    if (cat.length > 0) {
      lines.push(['CATALOG damaged', `${cat.length} lost range(s) hold schema (meta) keys: tables may be missing or shown with an older schema`]);
    }
    for (const w of this.warnings) if (LOSS_WARNINGS.has(w.code)) lines.push([`Lost (${w.code})`, w.message]);
    return lines;
  }

  write(outDir: string, tables: readonly TableRef[], files: readonly FileLoss[]): void {
    writeFileAtomic(outDir, SALVAGE_REPORT_FILE, `${JSON.stringify(this.report(tables, files), null, 2)}\n`);
  }
}

/** dump.ts: write salvage-report.json, log the losses; metadata lines and whether anything was lost. */
export function writeSalvageReport(
  s: SalvageSource,
  summaries: readonly { db: string; table: string; physicalIds: number[]; rows: number }[],
  outDir: string,
  log: { error(obj: object, msg: string): void },
): { partial: boolean; lines: [string, string][] } {
  const refs: TableRef[] = summaries.map((x) => ({ db: x.db, table: x.table, physicalIds: x.physicalIds, rows: x.rows }));
  const files = s.files();
  s.tracker.write(outDir, refs, files);
  const lines = s.tracker.metadataLines(refs, files);
  const partial = s.tracker.partial(files);
  if (partial) for (const [k, v] of lines) log.error({ salvage: true }, `${k}: ${v}`);
  return { partial, lines };
}

/**
 * Strict mode: the key range an SST corruption error affects, for the message ("; affected
 * keys table 202 handle 1255 .. table 202 handle 1260"), from a salvage read of that file.
 * '' when it cannot be told.
 */
export function damagedKeyRange(e: FormatError): string {
  const off = e.offset;
  if (e.file === undefined || off === undefined || !/\.(sst|ldb)$/.test(e.file)) return '';
  try {
    const t = SalvagedSst.analyze(e.file);
    const l = t.lost.find((x) => x.offset <= off && off < Math.max(x.end, x.offset + 1)) ?? (t.lost.length === 1 ? t.lost[0] : undefined);
    if (l === undefined) return '';
    const b = (k: Uint8Array | undefined): string => {
      const d = describeKey('write', k);
      return d === null ? '(unbounded)' : d.handle !== undefined ? `table ${d.tableId} handle ${d.handle}` : d.key;
    };
    return `; affected keys ${b(l.smallest)} .. ${b(l.largest)}`;
  } catch {
    return '';
  }
}

/**
 * --salvage runs its chunks in the main thread without a checkpoint: the loss bookkeeping
 * (lost ranges, uncertain rows) lives in this process's session and covers every chunk only
 * when every chunk is read by it in this run.
 */
export function salvageRunOptions<T extends { threads: number; checkpoint: boolean }>(salvage: boolean, log: { warn(obj: object, msg: string): void }, o: T): T {
  if (!salvage) return o;
  if (o.threads > 1) log.warn({}, '--salvage: chunks are read in the main thread, without a checkpoint (--threads ignored)');
  return { ...o, threads: 1, checkpoint: false };
}

/** Warnings that mean data was not read. */
const LOSS_WARNINGS = new Set(['wal-corruption', 'sst-unreadable', 'missing-sst']);
/** Warnings copied into the report. */
const REPORTED_WARNINGS = new Set([
  ...LOSS_WARNINGS,
  'wal-torn-tail',
  'manifest-note',
  'manifest-cut-files',
  'manifest-fallback',
  'manifest-without-current',
  'unlisted-sst',
  'catalog-schema-fallback',
]);
