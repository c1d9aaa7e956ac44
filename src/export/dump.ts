/**
 * Table -> Dumpling-layout files.
 *
 * For every selected table:
 *   {db}-schema-create.sql   once per database
 *   {db}.{table}-schema.sql  CREATE TABLE
 *   {db}.{table}.{%09d}.csv  rows of every physical id (the table's own id, or each partition
 *                            in definition order, all into the same numbered files)
 *   {db}.{table}.rejects.jsonl  only when a row value did not decode ({key, value, error});
 *                            such a run ends "partial" (exit 3), no row is dropped silently
 * and at the end `metadata` (Dumpling's lines + what we read from).
 *
 * Every file is written tmp+rename (file-writer.ts), so a final name always means complete;
 * `metadata` is written last, so a dump directory without it did not finish.
 */
import { readdirSync, renameSync, statSync } from 'node:fs';
import { makeDirs } from './out-paths.js';
import { join } from 'node:path';
import { DataError, FormatError, UserError } from '../errors.js';
import type { DbInfo, TableInfo } from '../tidb/table-info.js';
import { damagedKeyRange, writeSalvageReport } from './salvage-report.js';
import { CsvFormatter, type CsvOptions } from './csv.js';
import { CsvRowWriter, MaxCommitTs } from './row-csv.js';
import { AtomicFile, RotatingWriter, writeFileAtomic } from './file-writer.js';
import { warningsUnpromised, warningText, type SourceWarning } from './source-warnings.js';
import { dataFile, fileNameProblem, METADATA_FILE, rejectsFile, schemaCreateFile, tableSchemaFile } from './filenames.js';
import { realpathOfMaybeMissing } from './out-paths.js';
import { silentLog, type DumpSource, type LockDetail, type Log, type RowScan } from './source.js';
import { CHECKPOINT_DIR } from './checkpoint.js';
import { corruptWriteRejectLines } from './corrupt-writes.js';
import { keepFirst, missingMetaText, missingRejectLines, type MissingSample } from './missing-values.js';
import { lockStatusNote, lockStatusText } from './lock-status.js';
import type { TableChunkRunner } from './worker-pool.js';

/** How many pending locks per table are listed in the log and `metadata`. */
export const LOCK_DETAIL_LIMIT = 10;

export interface DumpTarget {
  db: DbInfo;
  table: TableInfo;
}

export interface DumpOptions {
  outDir: string;
  csv: CsvOptions;
  /** Rotate data files after this many bytes; 0 = one file per table. */
  fileSize: number;
  /** Written into metadata. */
  meta: DumpMetadata;
  log?: Log;
  onProgress?: (p: DumpProgress) => void;
  /** Milliseconds between progress callbacks (default 1000). */
  progressEveryMs?: number;
  now?: () => Date;
  /** Chunked, resumable, parallel table data (worker-pool.ts); undefined = one scan per table. */
  chunked?: TableChunkRunner;
  /** Tables that could not even be listed (schema JSON does not decode: unreadable-schema.ts): reported, exit 3. */
  unreadable?: readonly TableSummary[];
}

export interface DumpMetadata {
  /** Read timestamp requested with --as-of; undefined = latest committed. */
  readTs: bigint | undefined;
  sourceDirs: string[];
  storeId?: string;
  clusterId?: string;
  schemaVersion?: string;
  timeZone: string;
  toolVersion: string;
  /** Extra "key: value" lines (regions used, warnings count, ...). */
  extra?: [string, string][];
  /** Storage warnings of the open: a "Warnings:" list; some make the exit code 3 (source-warnings.ts). */
  warnings?: readonly SourceWarning[];
  /** Lines known only after the tables were read (multi-node: nodes dropped mid-run); partial = exit 3. */
  late?: () => { lines: [string, string][]; partial: boolean };
}

export interface DumpProgress {
  tablesDone: number;
  tablesTotal: number;
  table: string;
  rows: number;
  bytesOut: number;
  bytesRead: number | undefined;
  bytesEstimate: number | undefined;
  elapsedMs: number;
}

export interface TableSummary {
  db: string;
  table: string;
  physicalIds: number[];
  rows: number;
  files: string[];
  bytes: number;
  deletedSkipped: number;
  pendingLocks: number;
  /** The first pending locks (at most LOCK_DETAIL_LIMIT per table). */
  lockDetails?: LockDetail[];
  valuesMissing: number;
  /** The first keys whose value is missing (missing-values.ts): log, metadata, --json. */
  missingSamples?: MissingSample[];
  rejected: number;
  ms: number;
  /** Tables not dumped (views, sequences) say why. */
  skipped?: string;
  /**
   * The table could not be read completely: corruption met during its scan (its rows written
   * so far are kept as `*.csv.incomplete`, never under a final .csv name) or a schema the row
   * decoder cannot handle.
   */
  error?: string;
  /** 'corruption' (exit 2) or 'undecodable' (exit 3). */
  errorKind?: 'corruption' | 'undecodable' | 'file-name';
}

/** A table's summary before anything was read from it. */
export function emptySummary(db: string, table: string, physicalIds: number[]): TableSummary {
  return { db, table, physicalIds, rows: 0, files: [], bytes: 0, deletedSkipped: 0, pendingLocks: 0, valuesMissing: 0, rejected: 0, ms: 0 };
}

export interface DumpResult {
  tables: TableSummary[];
  /** Highest commit ts among exported rows (the metadata Pos when --as-of was not given). */
  maxCommitTs: bigint;
  /**
   * 0 complete; 3 partial (rows rejected, values missing, or a table the decoder cannot read);
   * 2 some table hit corrupt data (the other tables were still dumped).
   */
  exitCode: 0 | 2 | 3;
}

/**
 * Creates OUTDIR (or checks it is empty), refusing any location inside a source directory.
 * Exported for the CLI, which calls it before opening anything slow.
 */
export function prepareOutDir(outDir: string, sourceDirs: readonly string[], realpath: (p: string) => string): void {
  const out = realpathOfMaybeMissing(outDir, realpath);
  for (const src of sourceDirs) {
    const s = realpath(src);
    if (out === s || out.startsWith(`${s}/`)) {
      throw new UserError(`--out ${outDir} is inside the data directory ${src}; choose a directory elsewhere (tikv-export never writes into the data dir)`);
    }
  }
  let st;
  try {
    st = statSync(outDir);
  } catch {
    makeDirs('--out', outDir); // one level at a time (out-paths.ts): recursive mkdir spins on /proc
    return;
  }
  if (!st.isDirectory()) throw new UserError(`--out ${outDir} exists and is not a directory`);
  const existing = readdirSync(outDir);
  // a directory holding our own checkpoint is an interrupted dump: resumed (worker-pool.ts)
  if (existing.length > 0 && !existing.includes(CHECKPOINT_DIR)) {
    throw new UserError(`--out ${outDir} is not empty (${existing.length} entries, e.g. ${existing[0]}); use a new directory so files of two dumps never mix`);
  }
}

/**
 * Names used in file names: the original names, except when two selected databases or tables
 * would map to the same files (only a damaged or mid-DDL catalog has duplicates: TiDB names
 * are unique case-insensitively) -- then the later ones get "#<id>" appended, with a warning,
 * instead of failing on an existing file halfway through.
 */
function fileNames(targets: readonly DumpTarget[], log: Log): Map<DumpTarget, { dbName: string; tableName: string }> {
  const out = new Map<DumpTarget, { dbName: string; tableName: string }>();
  const dbNameById = new Map<number, string>();
  const usedDb = new Set<string>();
  const usedTable = new Set<string>();
  for (const tg of targets) {
    let dbName = dbNameById.get(tg.db.id);
    if (dbName === undefined) {
      dbName = tg.db.db_name.O;
      if (usedDb.has(dbName.toLowerCase())) {
        log.warn({ db: dbName, id: tg.db.id }, `two databases named ${dbName}: files of id ${tg.db.id} use ${dbName}#${tg.db.id}`);
        dbName = `${dbName}#${tg.db.id}`;
      }
      usedDb.add(dbName.toLowerCase());
      dbNameById.set(tg.db.id, dbName);
    }
    let tableName = tg.table.name.O;
    if (usedTable.has(`${dbName}\0${tableName}`.toLowerCase())) {
      log.warn({ db: dbName, table: tableName, id: tg.table.id }, `two tables named ${dbName}.${tableName}: files of id ${tg.table.id} use ${tableName}#${tg.table.id}`);
      tableName = `${tableName}#${tg.table.id}`;
    }
    usedTable.add(`${dbName}\0${tableName}`.toLowerCase());
    out.set(tg, { dbName, tableName });
  }
  return out;
}

export function physicalIds(table: TableInfo): number[] {
  const p = table.partition;
  if (p !== null && p !== undefined && Array.isArray(p.definitions) && p.definitions.length > 0) {
    return p.definitions.map((d) => d.id);
  }
  return [table.id];
}

function hexOf(u: Uint8Array): string {
  return Buffer.from(u.buffer, u.byteOffset, u.length).toString('hex');
}

export function dumpTables(targets: readonly DumpTarget[], source: DumpSource, opts: DumpOptions): DumpResult {
  const log = opts.log ?? silentLog;
  const now = opts.now ?? (() => new Date());
  const started = now();
  const t0 = Date.now();
  const summaries: TableSummary[] = [];
  const dbsWritten = new Set<string>();
  const maxTs = new MaxCommitTs();
  let rowsTotal = 0;
  let bytesTotal = 0;
  const every = opts.progressEveryMs ?? 1000;
  let lastProgress = Date.now();
  const estimateTotal =
    source.estimateBytes === undefined
      ? undefined
      : targets.reduce((acc, t) => acc + physicalIds(t.table).reduce((a, id) => a + source.estimateBytes!(id), 0), 0);

  const progress = (tablesDone: number, table: string, force: boolean): void => {
    if (opts.onProgress === undefined) return;
    const n = Date.now();
    if (!force && n - lastProgress < every) return;
    lastProgress = n;
    opts.onProgress({
      tablesDone,
      tablesTotal: targets.length,
      table,
      rows: rowsTotal,
      bytesOut: bytesTotal,
      bytesRead: source.bytesRead?.(),
      bytesEstimate: estimateTotal,
      elapsedMs: n - t0,
    });
  };

  const names = fileNames(targets, log);
  for (let ti = 0; ti < targets.length; ti++) {
    const { db, table } = targets[ti]!;
    const { dbName, tableName } = names.get(targets[ti]!)!;
    const label = `${dbName}.${tableName}`;
    const tStart = Date.now();
    const nameProblem = fileNameProblem(dbName, tableName);
    if (nameProblem !== undefined) {
      // ENAMETOOLONG would stop the whole dump after other tables were written: this table only
      const error = `not dumped: ${nameProblem}`;
      summaries.push({ ...emptySummary(dbName, tableName, physicalIds(table)), error, errorKind: 'file-name' });
      log.error({ table: label, err: nameProblem }, `${label} ${error}`);
      progress(ti + 1, label, true);
      continue;
    }
    if (!dbsWritten.has(dbName)) {
      writeFileAtomic(opts.outDir, schemaCreateFile(dbName), source.databaseSchemaFile(db));
      dbsWritten.add(dbName);
    }
    const ids = physicalIds(table);
    const summary: TableSummary = emptySummary(dbName, tableName, ids);
    const kind = table.view !== undefined && table.view !== null ? 'view' : table.sequence !== undefined && table.sequence !== null ? 'sequence' : undefined;
    if (kind !== undefined) {
      summary.skipped = `${kind}: no data to dump`;
      log.info({ table: label }, `skipping ${kind} ${label}`);
      summaries.push(summary);
      continue;
    }
    writeFileAtomic(opts.outDir, tableSchemaFile(dbName, tableName), source.tableSchemaFile(table, db));

    let decoder;
    try {
      decoder = source.decoder(table);
    } catch (e) {
      if (!(e instanceof DataError) && !(e instanceof FormatError)) throw e;
      summary.error = `cannot decode this table's rows: ${e.message}`;
      summary.errorKind = 'undecodable';
      log.error({ table: label, err: e.message }, `${label} not dumped: ${summary.error}`);
      summaries.push(summary);
      continue;
    }
    const formatter = new CsvFormatter(decoder.columns, opts.csv);
    const writer = new RotatingWriter({
      dir: opts.outDir,
      fileName: (i) => dataFile(dbName, tableName, i),
      fileSize: opts.fileSize,
      header: formatter.header(),
    });
    let rejects: AtomicFile | undefined;
    const enc = new TextEncoder();
    try {
      for (const pid of ids) {
        const locks = source.pendingLocks(pid);
        summary.pendingLocks += locks;
        if (locks > 0) {
          const details = (source.lockDetails?.(pid) ?? []).slice(0, LOCK_DETAIL_LIMIT);
          if (details.length > 0) summary.lockDetails = [...(summary.lockDetails ?? []), ...details].slice(0, LOCK_DETAIL_LIMIT);
          log.warn(
            { table: label, physicalId: pid, locks, first: details },
            `${locks} pending lock(s) in ${label}: locked values were not exported${lockStatusNote(details)}`,
          );
        }
        if (opts.chunked !== undefined) continue; // rows: chunk by chunk, below
        const scan = source.scanRows(pid);
        const rowWriter = new CsvRowWriter(decoder, formatter); // row value -> CSV line (row-csv.ts)
        let n = 0;
        while (scan.next()) {
          const key = scan.rawKeyView !== undefined ? scan.rawKeyView() : scan.rawKey();
          const value = scan.value();
          let csvLine: Uint8Array;
          try {
            csvLine = rowWriter.row(key, value);
          } catch (e) {
            if (!(e instanceof DataError) && !(e instanceof FormatError)) throw e;
            rejects ??= new AtomicFile(opts.outDir, rejectsFile(dbName, tableName));
            const line = JSON.stringify({ physical_id: pid, key: hexOf(key), value: hexOf(value), commit_ts: scan.commitTs().toString(), error: e.message });
            rejects.write(enc.encode(`${line}\n`));
            summary.rejected++;
            log.debug({ table: label, key: hexOf(key), err: e.message }, 'row rejected');
            continue;
          }
          maxTs.note(scan);
          const before = writer.bytes;
          writer.writeRow(csvLine);
          bytesTotal += writer.bytes - before;
          rowsTotal++;
          if ((++n & 0xfff) === 0) progress(ti, label, false);
        }
        const c = scan.counters();
        summary.deletedSkipped += c.deleted;
        summary.valuesMissing += c.valuesMissing;
        if (c.missingValues !== undefined && c.missingValues.samples.length > 0) {
          // the keys whose value is missing: rejects lines with "value": null (missing-values.ts)
          rejects ??= new AtomicFile(opts.outDir, rejectsFile(dbName, tableName));
          rejects.write(enc.encode(missingRejectLines(pid, c.missingValues.samples)));
          summary.missingSamples = keepFirst(summary.missingSamples ?? [], c.missingValues.samples);
        }
        if (c.corruptWrites !== undefined && c.corruptWrites.count > 0) {
          // keys whose write record does not parse: rejects, like rows that do not decode (corrupt-writes.ts)
          if (c.corruptWrites.samples.length > 0) {
            rejects ??= new AtomicFile(opts.outDir, rejectsFile(dbName, tableName));
            rejects.write(enc.encode(corruptWriteRejectLines(pid, c.corruptWrites)));
          }
          summary.rejected += c.corruptWrites.count;
          log.error({ table: label, keys: c.corruptWrites.count, first: c.corruptWrites.samples.map((x) => x.rawKeyHex) }, `${c.corruptWrites.count} key(s) of ${label} skipped: their write-CF record does not parse (first ${c.corruptWrites.samples.length} in ${rejectsFile(dbName, tableName)})`);
        }
      }
      if (opts.chunked !== undefined) {
        const onRows = (n: number, b: number): void => {
          rowsTotal += n;
          bytesTotal += b;
          progress(ti, label, false);
        };
        const r = opts.chunked.dumpTable({ db, table, dbName, tableName, decoder, formatter, onRows });
        Object.assign(summary, { files: r.files, rows: r.rows, bytes: r.bytes, rejected: r.rejected, deletedSkipped: r.deleted, valuesMissing: r.missing });
        if (r.missingSamples !== undefined) summary.missingSamples = r.missingSamples;
        maxTs.note(tsOnly(r.maxCommitTs));
        if (r.error !== undefined) {
          summary.error = r.error;
          summary.errorKind = 'corruption';
          log.error({ table: label, err: r.error }, `${label} is INCOMPLETE: ${r.error}; rows of the chunk(s) that met it are in *.csv.incomplete`);
        }
      } else {
      const files = writer.finish();
      rejects?.commit();
      summary.files = files.map((f) => f.name);
      summary.rows = writer.rows;
      summary.bytes = writer.bytes;
      }
    } catch (e) {
      if (!(e instanceof FormatError)) {
        writer.abort();
        rejects?.abort();
        throw e;
      }
      // Corruption inside this table's key range: keep what was read (every row in it is
      // right) under names no loader takes for a finished file, and go on with other tables.
      const files = writer.finish();
      rejects?.commit();
      for (const f of files) renameSync(join(opts.outDir, f.name), join(opts.outDir, `${f.name}.incomplete`));
      summary.files = files.map((f) => `${f.name}.incomplete`);
      summary.rows = writer.rows;
      summary.bytes = writer.bytes;
      summary.error = e.message + damagedKeyRange(e);
      summary.errorKind = 'corruption';
      log.error({ table: label, err: e.message, rowsKept: writer.rows }, `${label} is INCOMPLETE: ${e.message}; the ${writer.rows} row(s) read before it are in *.csv.incomplete`);
    }
    summary.ms = Date.now() - tStart;
    if (summary.rejected > 0) {
      log.error({ table: label, rejected: summary.rejected, file: rejectsFile(dbName, tableName) }, `${summary.rejected} row(s) of ${label} did not decode; written to ${rejectsFile(dbName, tableName)}`);
    }
    if (summary.valuesMissing > 0) {
      const first = (summary.missingSamples ?? []).map((m) => ({ key: m.key, startTs: m.startTs, commitTs: m.commitTs, ...(m.blob ? { titanBlob: true } : {}) }));
      log.error({ table: label, valuesMissing: summary.valuesMissing, first }, `${summary.valuesMissing} committed row(s) of ${label} have no value in the default CF (data lost on this node); the first ${first.length} key(s) are in ${rejectsFile(dbName, tableName)} and metadata`);
    }
    log.info({ table: label, rows: summary.rows, files: summary.files.length, bytes: summary.bytes, ms: summary.ms }, `dumped ${label}`);
    summaries.push(summary);
    progress(ti + 1, label, true);
  }

  summaries.push(...(opts.unreadable ?? []));
  const corrupt = summaries.some((s) => s.errorKind === 'corruption');
  let partial = summaries.some((s) => s.rejected > 0 || s.valuesMissing > 0 || s.errorKind !== undefined);
  const maxCommitTs = maxTs.value();
  let meta = opts.meta;
  if (source.salvage !== undefined) {
    // --salvage: salvage-report.json, loss lines in metadata and the log, exit 3 when anything was lost
    const sv = writeSalvageReport(source.salvage, summaries, opts.outDir, log);
    partial ||= sv.partial;
    meta = { ...meta, extra: [...(meta.extra ?? []), ...sv.lines] };
  }
  if (meta.late !== undefined) {
    const late = meta.late();
    partial ||= late.partial;
    meta = { ...meta, extra: [...(meta.extra ?? []), ...late.lines] };
  }
  writeMetadata(opts.outDir, meta, started, now(), maxCommitTs, summaries, partial);
  const unpromised = warningsUnpromised(meta.warnings ?? []); // e.g. MANIFEST fallback: exit 3
  return { tables: summaries, maxCommitTs, exitCode: corrupt ? 2 : partial || unpromised ? 3 : 0 };
}

/** A RowScan that only carries a commit ts (to fold a chunked table's max into MaxCommitTs). */
function tsOnly(ts: bigint): RowScan {
  return { next: () => false, rawKey: () => new Uint8Array(0), value: () => new Uint8Array(0), commitTs: () => ts, counters: () => ({ deleted: 0, valuesMissing: 0 }) };
}

/** Dumpling's `YYYY-MM-DD HH:MM:SS` (we state UTC explicitly). */
function dumplingTime(d: Date): string {
  return d.toISOString().replace('T', ' ').replace(/\.\d+Z$/, '');
}

function tsoTime(ts: bigint): string {
  return new Date(Number(ts >> 18n)).toISOString();
}

export function metadataText(
  meta: DumpMetadata,
  started: Date,
  finished: Date,
  maxCommitTs: bigint,
  summaries: readonly TableSummary[],
  partial: boolean,
): string {
  const pos = meta.readTs ?? maxCommitTs;
  const lines: string[] = [];
  lines.push(`Started dump at: ${dumplingTime(started)}`);
  lines.push('SHOW MASTER STATUS:');
  lines.push('\tLog: tidb-binlog');
  lines.push(`\tPos: ${pos}`);
  lines.push('\tGTID:');
  lines.push('');
  lines.push('tikv-export:');
  lines.push(`\tTool version: tikv-export ${meta.toolVersion}`);
  if (meta.readTs !== undefined) {
    lines.push(`\tRead timestamp: ${meta.readTs} (${tsoTime(meta.readTs)}, from --as-of)`);
  } else {
    lines.push('\tRead timestamp: latest committed version of every row (no --as-of)');
    lines.push(`\tMax commit ts exported: ${maxCommitTs}${maxCommitTs > 0n ? ` (${tsoTime(maxCommitTs)})` : ''}`);
  }
  for (const d of meta.sourceDirs) lines.push(`\tSource dir: ${d}`);
  if (meta.clusterId !== undefined) lines.push(`\tCluster id: ${meta.clusterId}`);
  if (meta.storeId !== undefined) lines.push(`\tStore id: ${meta.storeId}`);
  if (meta.schemaVersion !== undefined) lines.push(`\tSchema version: ${meta.schemaVersion}`);
  lines.push(`\tTime zone: ${meta.timeZone} (TIMESTAMP columns rendered in it)`);
  for (const [k, v] of meta.extra ?? []) lines.push(`\t${k}: ${v}`);
  const rows = summaries.reduce((a, s) => a + s.rows, 0);
  const rejected = summaries.reduce((a, s) => a + s.rejected, 0);
  const missing = summaries.reduce((a, s) => a + s.valuesMissing, 0);
  const locks = summaries.reduce((a, s) => a + s.pendingLocks, 0);
  lines.push(`\tTables: ${summaries.length}, rows: ${rows}, rejected: ${rejected}, values missing: ${missing}, pending locks: ${locks}`);
  for (const s of summaries) {
    if (s.error !== undefined) lines.push(`\tINCOMPLETE table: ${s.db}.${s.table}: ${s.error}`);
  }
  for (const s of summaries) {
    for (const m of s.missingSamples ?? []) lines.push(`\tMissing value: ${missingMetaText(`${s.db}.${s.table}`, m)}`);
  }
  for (const s of summaries) {
    for (const l of s.lockDetails ?? []) {
      lines.push(`\tPending lock (not exported): ${s.db}.${s.table} key ${l.key} primary ${l.primary} start_ts ${l.startTs} type ${l.type}${lockStatusText(l)}`);
    }
  }
  const warnings = meta.warnings ?? [];
  if (warnings.length > 0) {
    lines.push('\tWarnings:');
    for (const w of warnings) lines.push(`\t\t${warningText(w)}`);
  }
  // The status agrees with the exit code: a degraded read that cannot promise every committed
  // row (MANIFEST fallback, missing SST/WAL, ...: exit 3) is PARTIAL, never "complete".
  const degraded = warningsUnpromised(warnings);
  lines.push(
    `\tStatus: ${
      partial
        ? 'PARTIAL (see INCOMPLETE tables, rejects files, values missing)'
        : degraded
          ? 'PARTIAL (every table was dumped, but the storage was read in a degraded mode: see Warnings)'
          : warnings.length > 0
            ? 'complete, with warnings (see Warnings)'
            : 'complete'
    }`,
  );
  lines.push('');
  lines.push(`Finished dump at: ${dumplingTime(finished)}`);
  return `${lines.join('\n')}\n`;
}

function writeMetadata(
  outDir: string,
  meta: DumpMetadata,
  started: Date,
  finished: Date,
  maxCommitTs: bigint,
  summaries: readonly TableSummary[],
  partial: boolean,
): void {
  writeFileAtomic(outDir, METADATA_FILE, metadataText(meta, started, finished, maxCommitTs, summaries, partial));
}
