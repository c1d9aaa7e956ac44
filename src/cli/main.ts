/**
 * tikv-export command line: dbs, tables, dump, inspect, raw-scan.
 *
 * Exit codes: 0 ok, 1 user error (bad flag, unknown db/table, unusable path, TiKV running),
 * 2 data error (corruption: FormatError/DataError, or an internal error; a dump that met
 * corruption inside some tables still dumps the others), 3 partial (rows rejected, values
 * missing, or a table the decoder cannot read; see the rejects files and the metadata).
 *
 * stdout carries only data (listings, --json, raw-scan lines); logs (pino), progress and the
 * one-line error go to stderr. A stack trace is shown only with --log-level debug.
 */
import { codecStatus } from '../rocksdb/compression.js';
import { humanLogLine } from './log-text.js';
import { collationMetadataLine } from '../export/collation.js';
import { openRaw, rawEntries } from './raw-scan.js';
import { realpathSync, readFileSync, statfsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { pino, type Logger } from 'pino';
import { DataError, FormatError, UserError } from '../errors.js';
import { defaultCsvOptions, parseCsvArg, type BinaryFormat, type CsvOptions, type Dialect } from '../export/csv.js';
import { dumpTables, physicalIds, prepareOutDir, type DumpTarget, type TableSummary } from '../export/dump.js';
import { OutputError } from '../export/file-writer.js';
import { prestartWorkers, resumeOptionsFrom, startChunkedRun, type PrestartedWorkers, type ResumeFlags } from '../export/worker-pool.js';
import { LevelWorker } from '../export/checkpoint.js';
import { sstBytesIn, stopBlankWorkers } from '../export/early-workers.js';
import type { InspectReport, OpenSession, Session } from '../export/session-types.js';
import type { Log } from '../export/source.js';
import type { CollationSetting } from '../tidb/collation-setting.js';
import type { DbInfo, TableInfo } from '../tidb/table-info.js';
import { parseTimeZone } from '../tidb/time-zone.js';
import { parseAsOf, tsoToIso } from '../tikv/tso.js';
import { assertNotRunning, resolveDataDir, type ResolvedDataDir } from './data-dir.js';
import { makeProgress } from './progress.js';
import { salvageRunOptions } from '../export/salvage-report.js';
import { assertOutsideSources } from '../export/out-paths.js';
import { schemaVersionCommitTs } from './schema-ts.js';
import { approxRowsText, type ApproxRows } from '../export/approx-rows.js';
import { findKeyspaces, keyspaceList, type KeyspaceFinding } from './keyspace.js';
import { rejectsFile } from '../export/filenames.js';
import { unreadableSchemas, unreadableSummaries, writeRawRecords } from '../export/unreadable-schema.js';
import { dedupeWarnings, UNPROMISED_WARNINGS, type SourceWarning } from '../export/source-warnings.js';
import { failuresText, multiInspectText, multiLateMeta, multiMetaLines, nodeReports, nodeSummaryText, openMulti, type MultiOpen } from './multi-node.js';

// commander is CommonJS: required rather than imported, Node does not scan its source for export
// names first (main thread start-up, ~17 -> ~10 ms in 5 fresh processes each)
const { Command, CommanderError, Option } = createRequire(import.meta.url)('commander') as typeof import('commander');
type Command = import('commander').Command;

export interface Io {
  stdout: { write(s: string | Uint8Array): unknown };
  stderr: { write(s: string): unknown; isTTY?: boolean };
  /** Replaces the real RocksDB-backed session (tests). */
  openSession?: OpenSession;
  /** Replaces /proc/locks (tests). */
  procLocksPath?: string;
}

export const SYSTEM_DBS = ['mysql', 'information_schema', 'metrics_schema', 'performance_schema', 'sys'];

export function isSystemDb(name: string): boolean {
  return SYSTEM_DBS.includes(name.toLowerCase());
}

export function toolVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'tikv-export' && typeof pkg.version === 'string') return pkg.version;
    } catch {
      // keep looking upward
    }
    dir = dirname(dir);
  }
  return 'unknown';
}

/** "256MiB", "1GiB", "100MB", "4096", "0" (no limit) -> bytes. */
export function parseSize(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(i?)(b?)\s*$/i.exec(text);
  if (m === null) throw new UserError(`--filesize must be a size like 256MiB, 1GiB, 500MB or a byte count (got "${text}")`);
  const n = Number(m[1]);
  const unit = m[2]!.toLowerCase();
  const binary = m[3] !== '' || m[4] === ''; // "256M" and "256MiB" are binary, "256MB" decimal
  const pow = unit === '' ? 0 : 'kmgt'.indexOf(unit) + 1;
  const v = Math.round(n * (binary ? 1024 : 1000) ** pow);
  if (!Number.isSafeInteger(v)) throw new UserError(`--filesize ${text} is too large`);
  return v;
}

function hexArg(name: string, text: string | undefined): Uint8Array | undefined {
  if (text === undefined) return undefined;
  const h = text.replace(/^0x/i, '');
  if (!/^(?:[0-9a-fA-F]{2})*$/.test(h)) throw new UserError(`${name} must be hex bytes like 0x7a74 (got "${text}")`);
  return Uint8Array.from(Buffer.from(h, 'hex'));
}

function upperHex(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.length).toString('hex').toUpperCase();
}

interface CommonOpts {
  /** Repeatable: several node images are read as one keyspace (multi-node.ts). */
  dataDir: string[];
  includeOrphans?: boolean;
  logLevel: string;
  logFile?: string;
  asOf?: string;
  timeZone: string;
  json?: boolean;
}

interface DumpOpts extends CommonOpts, ResumeFlags {
  /** --salvage / --salvage-older-versions (issue #8) */
  salvage?: boolean;
  salvageOlderVersions?: boolean;
  db: string[];
  table: string[];
  all?: boolean;
  out: string;
  filesize: string;
  csvSeparator?: string;
  csvDelimiter?: string;
  csvNullValue?: string;
  csvLineTerminator?: string;
  header: boolean;
  dialect: Dialect;
  binaryFormat?: BinaryFormat;
  newCollation: 'auto' | 'on' | 'off';
}

interface RawScanOpts extends CommonOpts {
  cf: string;
  start?: string;
  end?: string;
  limit: string;
}

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** Where stderr log lines go while a progress bar is on screen (set by cmdDump). */
interface LogRoute {
  write?: (s: string) => void;
}

function makeLogger(o: CommonOpts, io: Io, route: LogRoute = {}): Logger {
  if (!LEVELS.includes(o.logLevel)) throw new UserError(`--log-level must be one of ${LEVELS.join(', ')} (got "${o.logLevel}")`);
  if (o.logFile !== undefined) {
    assertOutsideSources('--log-file', o.logFile, dataDirsOf(o.dataDir), realpathSync); // never write into a data dir
    let dest;
    try {
      dest = pino.destination({ dest: o.logFile, sync: true, append: true, mkdir: false });
    } catch (e) {
      throw new UserError(`cannot open --log-file ${o.logFile}: ${(e as Error).message}`);
    }
    return pino({ level: o.logLevel, base: undefined }, dest);
  }
  // a person at a terminal gets one readable line per record; pipes and files keep JSON lines
  const human = io.stderr.isTTY === true;
  const stream = {
    write: (s: string) => {
      const line = human ? humanLogLine(s) : s;
      return route.write !== undefined ? route.write(line) : io.stderr.write(line);
    },
  };
  return pino({ level: o.logLevel, base: undefined }, stream);
}

/** Every directory behind the --data-dir values (as given, the data dir and its db/), for output-path checks. */
function dataDirsOf(given: readonly string[]): string[] {
  const dirs: string[] = [];
  for (const g of given) {
    dirs.push(g);
    try {
      const r = resolveDataDir(g);
      dirs.push(r.given, r.dbDir, ...(r.dataDir === undefined ? [] : [r.dataDir]));
    } catch {
      // not a data dir: the open reports it; the path as given is still protected
    }
  }
  return dirs;
}

function asLog(l: Logger): Log {
  return {
    debug: (o, m) => l.debug(o, m),
    info: (o, m) => l.info(o, m),
    warn: (o, m) => l.warn(o, m),
    error: (o, m) => l.error(o, m),
  };
}

async function defaultOpenSession(): Promise<OpenSession> {
  const mod = await import('../export/session.js');
  return mod.openSession;
}

class Ctx {
  log!: Logger;
  resolved!: ResolvedDataDir;
  session!: Session;
  readTs: bigint | undefined;
  /** Set when several --data-dir were given. */
  multi: MultiOpen | undefined;
  /** Log lines are routed through the progress bar while it is shown (no log on the bar's line). */
  readonly logRoute: LogRoute = {};
  /** Storage warnings of the open, recorded in metadata and --json (source-warnings.ts). */
  readonly warnings: SourceWarning[] = [];
  /** Keyspace (API v2) TiDB data found at open. */
  keyspace: KeyspaceFinding | undefined;
  constructor(
    readonly io: Io,
    readonly o: CommonOpts,
  ) {}

  async open(): Promise<Session> {
    this.log = makeLogger(this.o, this.io, this.logRoute);
    const codecs = codecStatus();
    if (codecs.problems.length > 0) {
      this.log.warn({ lz4: codecs.lz4, zstd: codecs.zstd }, `native decompressor not loaded (${codecs.problems.join('; ')}): using the pure-JS decoder, which is slower`);
    }
    this.readTs = this.o.asOf === undefined ? undefined : parseAsOf(this.o.asOf);
    parseTimeZone(this.o.timeZone); // validate before any slow work
    const sv0 = this.o as Partial<DumpOpts>;
    if (this.o.dataDir.length > 1 && (sv0.salvage === true || sv0.salvageOlderVersions === true)) {
      throw new UserError('--salvage reads one --data-dir at a time (salvage each node image separately)');
    }
    if (this.o.dataDir.length > 1) {
      this.multi = await openMulti(this.o.dataDir, { readTs: this.readTs, ...newCollationOption(this.o), includeOrphans: this.o.includeOrphans === true, onWarning: (w) => this.warn(w) }, this.io.procLocksPath);
      this.resolved = this.multi.resolved[0]!;
      this.session = this.multi.session; // keyspace check: single node only (the merged session has no raw scan)
      return this.session;
    }
    if (this.o.includeOrphans === true) throw new UserError('--include-orphans needs several --data-dir (one node already reads only its live regions)');
    this.resolved = resolveDataDir(this.o.dataDir[0]!);
    assertNotRunning(this.resolved.dbDir, this.io.procLocksPath);
    const open = this.io.openSession ?? (await defaultOpenSession());
    this.log.debug({ dbDir: this.resolved.dbDir }, 'opening');
    const sv = this.o as Partial<DumpOpts>;
    this.session = open(this.resolved.dbDir, {
      ...(sv.salvage === true || sv.salvageOlderVersions === true ? { salvage: { olderVersions: sv.salvageOlderVersions === true } } : {}),
      readTs: this.readTs,
      ...newCollationOption(this.o),
      onWarning: (w) => this.warn(w),
    });
    this.checkKeyspaces();
    return this.session;
  }

  /** API v2 keyspace data is not read (keyspace.ts): warned about at every open. */
  private checkKeyspaces(): void {
    try {
      this.keyspace = findKeyspaces(this.session);
    } catch (e) {
      this.session.close();
      throw e;
    }
    const api = this.session.storeIdent()?.apiVersion;
    if (this.keyspace.keyspaces.length === 0) {
      if (api === 2) this.warn({ code: 'api-v2', message: 'StoreIdent.api_version is 2 (API v2): keyspace data would be prefixed with x+keyspace id; none was found, only unprefixed TiDB keys are read' });
      return;
    }
    this.warn({
      code: 'keyspace-data',
      message: `this store holds keyspace-prefixed TiDB data (API v2; keyspaces: ${keyspaceList(this.keyspace)}${api === undefined ? '' : `; StoreIdent.api_version ${api}`}); tikv-export reads only TiDB keys without a keyspace prefix: keyspace databases and tables are not listed or dumped`,
    });
  }

  /** dbs/tables/dump: nothing to read when the store holds only keyspace data. */
  refuseKeyspaceOnly(): void {
    const k = this.keyspace;
    if (k === undefined || k.keyspaces.length === 0 || k.plainTidb) return;
    throw new UserError(`this store holds keyspace-prefixed TiDB data (keyspaces: ${keyspaceList(k)}); not supported yet`);
  }

  private warn(w: SourceWarning): void {
    this.warnings.push({ code: w.code, message: w.message, ...(w.file !== undefined ? { file: w.file } : {}) });
    this.log.warn({ code: w.code, file: w.file }, w.message);
  }

  out(s: string): void {
    this.io.stdout.write(s);
  }

  /** Exit code after the command: 3 (partial) when some node directory could not be read. */
  exit(code: number): number {
    if (this.multi === undefined || this.multi.failures.length === 0) return code;
    this.io.stderr.write(failuresText(this.multi.failures));
    return code === 0 ? 3 : code;
  }

  readTsText(): string {
    return this.readTs === undefined ? 'latest committed' : `${this.readTs} (${tsoToIso(this.readTs)})`;
  }
}

function findDb(session: Session, name: string): DbInfo {
  const dbs = session.databases();
  const hit = dbs.find((d) => d.db_name.O === name) ?? dbs.find((d) => d.db_name.L === name.toLowerCase());
  if (hit === undefined) {
    throw new UserError(`unknown database "${name}"; databases here: ${dbs.map((d) => d.db_name.O).join(', ') || '(none)'}`);
  }
  return hit;
}

function findTable(session: Session, db: DbInfo, name: string): TableInfo {
  const tables = session.tables(db.id);
  const hit = tables.find((t) => t.name.O === name) ?? tables.find((t) => t.name.L === name.toLowerCase());
  if (hit === undefined) {
    throw new UserError(
      `unknown table "${name}" in database "${db.db_name.O}"; tables there: ${tables.map((t) => t.name.O).join(', ') || '(none)'}`,
    );
  }
  return hit;
}

function tableKind(t: TableInfo): 'table' | 'view' | 'sequence' {
  if (t.view !== undefined && t.view !== null) return 'view';
  if (t.sequence !== undefined && t.sequence !== null) return 'sequence';
  return 'table';
}

// ------------------------------------------------------------------ commands

async function cmdDbs(io: Io, o: CommonOpts): Promise<number> {
  const c = new Ctx(io, o);
  const s = await c.open();
  try {
    c.refuseKeyspaceOnly();
    const dbs = [...s.databases()].sort((a, b) => a.id - b.id);
    // which schema version was read and when it was committed (single node: raw write-CF versions)
    const svTs = c.multi === undefined ? schemaVersionCommitTs(s, c.readTs) : undefined;
    if (o.json === true) {
      c.out(
        `${JSON.stringify(
          {
            schemaVersion: s.schemaVersion ?? null,
            schemaVersionCommitTs: svTs === undefined ? null : svTs.toString(),
            schemaVersionCommitTime: svTs === undefined ? null : tsoToIso(svTs),
            readTs: c.readTs === undefined ? null : c.readTs.toString(),
            databases: dbs.map((d) => ({ id: d.id, name: d.db_name.O, charset: d.charset, collate: d.collate, system: isSystemDb(d.db_name.O) })),
          },
          null,
          2,
        )}\n`,
      );
    } else {
      c.out(`# schema version ${s.schemaVersion ?? 'unknown'}${svTs === undefined ? '' : ` (committed at ts ${svTs}, ${tsoToIso(svTs)})`}, read ts ${c.readTsText()}\n`);
      c.out('id\tname\n');
      for (const d of dbs) c.out(`${d.id}\t${d.db_name.O}${isSystemDb(d.db_name.O) ? '\t(system)' : ''}\n`);
    }
    return c.exit(0);
  } finally {
    s.close();
  }
}

async function cmdTables(io: Io, o: CommonOpts & { db: string }): Promise<number> {
  const c = new Ctx(io, o);
  const s = await c.open();
  try {
    c.refuseKeyspaceOnly();
    const db = findDb(s, o.db);
    const tables = [...s.tables(db.id)].sort((a, b) => a.id - b.id);
    const rows = tables.map((t) => {
      const kind = tableKind(t);
      const parts = t.partition?.definitions ?? [];
      const hasData = kind === 'table' ? physicalIds(t).some((id) => s.hasData(id)) : false;
      const approx = kind === 'table' && s.approxRows !== undefined ? sumApprox(physicalIds(t).map((id) => s.approxRows!(id))) : undefined;
      return { id: t.id, name: t.name.O, kind, partitions: parts.map((p) => ({ id: p.id, name: p.name.O })), hasData, approxRows: approx ?? null };
    });
    if (o.json === true) {
      c.out(`${JSON.stringify({ database: db.db_name.O, schemaVersion: s.schemaVersion ?? null, readTs: c.readTs?.toString() ?? null, tables: rows }, null, 2)}\n`);
    } else {
      c.out(`# database ${db.db_name.O} (id ${db.id}), schema version ${s.schemaVersion ?? 'unknown'}, read ts ${c.readTsText()}\n`);
      c.out('id\tname\tkind\tpartitions\tdata\trows (approx.)\n');
      for (const r of rows) {
        c.out(`${r.id}\t${r.name}\t${r.kind}\t${r.partitions.length === 0 ? '-' : r.partitions.map((p) => p.name).join(',')}\t${r.kind !== 'table' ? '-' : r.hasData ? 'yes' : 'no'}\t${approxRowsText(r.approxRows ?? undefined)}\n`);
      }
      if (rows.some((r) => r.approxRows !== null)) c.out('# rows (approx.): write-CF records (all versions) in SSTs fully inside the table (rocksdb.num.entries); >= when some SSTs only overlap it; WAL not counted\n');
    }
    return c.exit(0);
  } finally {
    s.close();
  }
}

function csvOptionsFrom(o: DumpOpts): CsvOptions {
  if (o.dialect !== 'dumpling' && o.dialect !== 'rfc4180') throw new UserError(`--dialect must be dumpling or rfc4180 (got "${String(o.dialect)}")`);
  const c = defaultCsvOptions(o.dialect);
  if (o.csvSeparator !== undefined) c.separator = parseCsvArg(o.csvSeparator);
  if (o.csvDelimiter !== undefined) c.delimiter = parseCsvArg(o.csvDelimiter);
  if (o.csvNullValue !== undefined) c.nullValue = parseCsvArg(o.csvNullValue);
  if (o.csvLineTerminator !== undefined) c.lineTerminator = parseCsvArg(o.csvLineTerminator);
  c.header = o.header;
  if (o.binaryFormat !== undefined) c.binaryFormat = o.binaryFormat;
  if (c.separator.length === 0) throw new UserError('--csv-separator must not be empty');
  if (c.lineTerminator.length === 0) throw new UserError('--csv-line-terminator must not be empty');
  if (o.dialect === 'rfc4180' && c.delimiter.length === 0) throw new UserError('--dialect rfc4180 needs a non-empty --csv-delimiter');
  return c;
}

function selectTargets(s: Session, o: DumpOpts): DumpTarget[] {
  if (o.all !== true && o.db.length === 0) throw new UserError('dump needs --db NAME (repeatable) or --all');
  if (o.all === true && o.table.length > 0) throw new UserError('--table cannot be combined with --all; use --db NAME --table T');
  const dbs: DbInfo[] =
    o.all === true
      ? [...s.databases()].filter((d) => !isSystemDb(d.db_name.O) || o.db.some((n) => n.toLowerCase() === d.db_name.L)).sort((a, b) => a.id - b.id)
      : o.db.map((n) => findDb(s, n));
  const targets: DumpTarget[] = [];
  const seen = new Set<number>();
  if (o.table.length > 0) {
    for (const spec of o.table) {
      let db: DbInfo;
      let name = spec;
      if (dbs.length === 1 && !(spec.includes('.') && dbs.some((d) => spec.toLowerCase().startsWith(`${d.db_name.L}.`)))) {
        db = dbs[0]!;
      } else {
        const dot = spec.indexOf('.');
        if (dot < 0) throw new UserError(`--table ${spec} is ambiguous with several --db; write it as DB.TABLE`);
        db = findDb(s, spec.slice(0, dot));
        if (!dbs.some((d) => d.id === db.id)) throw new UserError(`--table ${spec}: database ${db.db_name.O} was not selected with --db`);
        name = spec.slice(dot + 1);
      }
      const t = findTable(s, db, name);
      if (!seen.has(t.id)) targets.push({ db, table: t });
      seen.add(t.id);
    }
    return targets;
  }
  for (const db of dbs) {
    for (const t of [...s.tables(db.id)].sort((a, b) => a.id - b.id)) {
      if (!seen.has(t.id)) targets.push({ db, table: t });
      seen.add(t.id);
    }
  }
  return targets;
}

/** Per-table entries for the selected databases' tables whose schema does not decode; their raw records are written. */
function unreadableFor(s: Session, o: DumpOpts, warnings: readonly SourceWarning[]): TableSummary[] {
  const found = unreadableSchemas(warnings);
  if (found.length === 0 || o.table.length > 0) return [];
  const dbs = o.all === true ? s.databases().filter((d) => !isSystemDb(d.db_name.O)) : o.db.map((n) => findDb(s, n));
  const names = new Map(dbs.map((d) => [d.id, d.db_name.O]));
  return unreadableSummaries(found, names, o.all === true, (db, id) => `its raw records (write and default CF, hex) are in ${rejectsFile(db, `#${id}`)}`);
}

/** After the dump (the chunked run clears files it does not know): the raw records of each unreadable table. */
function saveUnreadableRaw(s: Session, out: string, unreadable: readonly TableSummary[], io: Io): void {
  for (const u of unreadable) {
    const id = u.physicalIds[0];
    if (id === undefined || u.db.startsWith('#')) continue;
    const r = writeRawRecords(out, u.db, id, s);
    if ('error' in r) io.stderr.write(`tikv-export: the raw records of ${u.db}.${u.table} could not be saved: ${r.error}\n`);
  }
}

/** A partitioned table: the partitions' estimates added (partial if any is partial or missing). */
function sumApprox(parts: (ApproxRows | undefined)[]): ApproxRows | undefined {
  const known = parts.filter((p): p is ApproxRows => p !== undefined);
  if (known.length === 0) return undefined;
  const partial = known.length < parts.length || known.some((p) => p.coverage === 'partial');
  return { entries: known.reduce((a, p) => a + p.entries, 0), coverage: partial ? 'partial' : 'exact-files', basis: 'rocksdb.num.entries' };
}

function summaryTable(rows: readonly TableSummary[]): string {
  const head = ['table', 'rows', 'files', 'bytes', 'deleted', 'locks', 'missing', 'rejected', 'time'];
  const body = rows.map((r) => [
    `${r.db}.${r.table}`,
    r.skipped !== undefined ? `(${r.skipped})` : String(r.rows),
    String(r.files.length),
    String(r.bytes),
    String(r.deletedSkipped),
    String(r.pendingLocks),
    String(r.valuesMissing),
    String(r.rejected),
    r.error !== undefined ? 'INCOMPLETE' : `${(r.ms / 1000).toFixed(1)}s`,
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const fmt = (cells: string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return `${[fmt(head), ...body.map(fmt)].join('\n')}\n`;
}

/**
 * Chunk worker threads started before the session is opened (worker-pool.ts prestartWorkers), so
 * that loading their modules and opening their sessions overlaps the main thread's open and
 * planning; not for what runs on one thread anyway (several --data-dir, --salvage). They are the
 * blank workers bin/tikv-export started before it loaded this module (early-workers.ts), if any.
 */
function startWorkersEarly(io: Io, o: DumpOpts, csv: CsvOptions, fileSize: number): PrestartedWorkers | undefined {
  if (io.openSession !== undefined || o.dataDir.length !== 1 || o.salvage === true || o.salvageOlderVersions === true) return undefined;
  let dbDir: string;
  let readTs: bigint | undefined;
  let timeZone: string;
  try {
    dbDir = resolveDataDir(o.dataDir[0]!).dbDir;
    readTs = o.asOf === undefined ? undefined : parseAsOf(o.asOf);
    timeZone = parseTimeZone(o.timeZone).name;
  } catch {
    return undefined; // reported by the open
  }
  return prestartWorkers({ threads: o.threads, outDir: o.out, dbDir, readTs, timeZone, csv, fileSize }, () => sstBytesIn(dbDir));
}

async function cmdDump(io: Io, o: DumpOpts): Promise<number> {
  const csv = csvOptionsFrom(o);
  const fileSize = parseSize(o.filesize);
  const workers = startWorkersEarly(io, o, csv, fileSize);
  stopBlankWorkers(); // started by bin/tikv-export for a run that turned out not to want them
  const early = {
    workers,
    // the checkpoint's LevelDB thread loads classic-level meanwhile too (it opens nothing yet)
    level: o.checkpoint && o.salvage !== true && o.salvageOlderVersions !== true ? new LevelWorker() : undefined,
  };
  try {
    return await dumpWith(io, o, csv, fileSize, early);
  } finally {
    // whatever the run did not take
    early.workers?.close();
    early.level?.close();
  }
}

async function dumpWith(io: Io, o: DumpOpts, csv: CsvOptions, fileSize: number, early: { workers?: PrestartedWorkers; level?: LevelWorker }): Promise<number> {
  const c = new Ctx(io, o);
  const s = await c.open();
  try {
    c.refuseKeyspaceOnly();
    const targets = selectTargets(s, o);
    const sources = (c.multi?.resolved ?? [c.resolved]).flatMap((r) => [r.dataDir ?? r.dbDir, r.dbDir]);
    prepareOutDir(o.out, sources, realpathSync);
    const ident = s.storeIdent();
    const unreadable = unreadableFor(s, o, c.warnings); // schema JSON that does not decode (unreadable-schema.ts)
    const dumpSource = s.dumpSource(o.timeZone);
    // chunks, checkpoint/resume and worker threads (worker-pool.ts)
    const run = startChunkedRun(salvageRunOptions(o.salvage === true || o.salvageOlderVersions === true, asLog(c.log), withCollation(withNewCollation(resumeOptionsFrom(o, { out: o.out, csv, fileSize, dataDirs: sources, dbDir: c.resolved.dbDir, multiNode: c.multi !== undefined, clusterId: ident?.clusterId, storeId: ident?.storeId, readTs: c.readTs, schemaVersion: s.schemaVersion, timeZone: parseTimeZone(o.timeZone).name, log: asLog(c.log), parseSize }), newCollationOverride(o)), s.collation)), dumpSource, targets, early);
    try {
    const progress = makeProgress(io.stderr, asLog(c.log), !c.log.isLevelEnabled('info'));
    c.logRoute.write = (line) => progress.writeAbove(line);
    const log = asLog(c.log);
    log.info({ tables: targets.length, out: o.out, readTs: c.readTs?.toString() ?? 'latest' }, `dumping ${targets.length} table(s) to ${o.out}`);
    const result = dumpTables(targets, dumpSource, {
      outDir: o.out,
      csv,
      fileSize,
      chunked: run,
      meta: {
        readTs: c.readTs,
        sourceDirs: (c.multi?.resolved ?? [c.resolved]).map((r) => r.dbDir),
        clusterId: ident?.clusterId,
        storeId: ident?.storeId,
        schemaVersion: s.schemaVersion,
        timeZone: parseTimeZone(o.timeZone).name,
        toolVersion: toolVersion(),
        extra: [...run.metadataLines(), collationMetadataLine(s.collation), ...(c.multi === undefined ? [] : multiMetaLines(c.multi))],
        warnings: dedupeWarnings(c.warnings),
        ...(c.multi === undefined ? {} : { late: ((m: MultiOpen) => () => multiLateMeta(m))(c.multi) }),
      },
      log,
      unreadable,
      onProgress: (p) => progress.update(p),
    });
    progress.done();
    c.logRoute.write = undefined;
    saveUnreadableRaw(s, o.out, unreadable, io);
    run.finish(true);
    if (run.resumed && o.json !== true) io.stderr.write(`tikv-export: resumed: ${run.reusedChunks} of ${run.totalChunks} chunks reused from the checkpoint\n`);
    const perNode = c.multi === undefined ? undefined : nodeReports(c.multi.session, result.tables);
    if (o.json === true) {
      const multi = c.multi === undefined ? {} : { nodes: c.multi.resolved.map((r) => ({ label: r.label, dbDir: r.dbDir })), failedNodes: c.multi.failures, includeOrphans: c.multi.session.includeOrphans, perNode, perNodeOnlyThisRun: run.resumed };
      c.out(`${JSON.stringify({ exitCode: c.multi !== undefined && c.multi.failures.length > 0 && result.exitCode === 0 ? 3 : result.exitCode, maxCommitTs: result.maxCommitTs.toString(), resumed: run.resumed, chunks: run.totalChunks, chunksReused: run.reusedChunks, tables: result.tables, warnings: dedupeWarnings(c.warnings), ...multi }, null, 2)}\n`);
    } else if (o.logLevel !== 'silent' || result.exitCode !== 0) {
      // the summary is the dump's report, not a log line: shown at any --log-level but silent
      io.stderr.write(summaryTable(result.tables));
    }
    if (c.multi !== undefined && perNode !== undefined && o.json !== true) io.stderr.write(nodeSummaryText(c.multi.session, perNode, run.resumed));
    for (const t of result.tables) {
      if (t.error !== undefined) io.stderr.write(`tikv-export: INCOMPLETE ${t.db}.${t.table}: ${t.error}\n`);
    }
    if (result.exitCode === 2) {
      io.stderr.write('tikv-export: data error: corrupt data in some tables (INCOMPLETE above; their rows read so far are in *.csv.incomplete); every other table was dumped\n');
    } else if (result.exitCode === 3 && c.warnings.some((w) => UNPROMISED_WARNINGS.has(w.code)) && !result.tables.some((t) => t.error !== undefined || t.rejected > 0 || t.valuesMissing > 0)) {
      io.stderr.write(`tikv-export: every table was dumped, but the storage was read in a degraded mode that cannot promise every committed row (${[...new Set(c.warnings.filter((w) => UNPROMISED_WARNINGS.has(w.code)).map((w) => w.code))].join(', ')}; see Warnings in the metadata file); exit 3\n`);
    } else if (result.exitCode === 3) {
      io.stderr.write('tikv-export: PARTIAL dump: some rows could not be exported (see *.rejects.jsonl, "missing" above and the metadata file)\n');
    }
    if (o.salvage === true || o.salvageOlderVersions === true) {
      io.stderr.write(`tikv-export: salvage: ${result.exitCode === 0 ? 'nothing was lost' : 'lost key ranges and uncertain rows are listed per table'} in ${join(o.out, 'salvage-report.json')}\n`);
    }
    return c.exit(result.exitCode);
    } catch (e) {
      run.abort();
      if (c.logRoute.write !== undefined) {
        c.logRoute.write = undefined;
        if (io.stderr.isTTY === true) io.stderr.write('\r\x1b[K'); // the error line must not land on the progress bar
      }
      throw e;
    }
  } finally {
    s.close();
  }
}

function inspectText(r: InspectReport): string {
  const l: string[] = [];
  l.push(`db dir:          ${r.dbDir}`);
  if (r.dataDir !== undefined) l.push(`data dir:        ${r.dataDir}`);
  l.push(`cluster id:      ${r.clusterId ?? '(no StoreIdent)'}`);
  l.push(`store id:        ${r.storeId ?? '(no StoreIdent)'}`);
  if (r.apiVersion !== undefined) l.push(`api version:     ${r.apiVersion}`);
  l.push(`manifest:        ${r.manifest ?? '(none)'}${r.manifestFallback ? '  (FALLBACK: files found from SST properties)' : ''}`);
  l.push(`last sequence:   ${r.lastSequence}`);
  l.push(`schema version:  ${r.schemaVersion ?? 'unknown'}`);
  l.push(`WAL:             ${r.walFiles} file(s), ${r.walBytes} bytes`);
  l.push(`titandb:         ${r.titanDir ? 'PRESENT (Titan blob values are not readable by tikv-export)' : 'absent'}`);
  l.push(`format versions: ${r.formatVersions.join(', ') || '-'}`);
  l.push(`compressions:    ${r.compressions.join(', ') || '-'}`);
  l.push('column families:');
  for (const cf of r.columnFamilies) {
    l.push(`  ${cf.name}: ${cf.files} SST(s), ${cf.bytes} bytes`);
    for (const lv of cf.levels) l.push(`    L${lv.level < 0 ? '?' : lv.level}: ${lv.files} file(s), ${lv.bytes} bytes`);
  }
  l.push(`regions: ${r.regions.length} (${r.regions.filter((x) => x.live).length} live on this store)`);
  for (const g of r.regions) l.push(`  ${g.id}\t${g.state}${g.live ? '' : ' (not live)'}\t[${g.start || '-inf'}, ${g.end || '+inf'})\tpeers ${g.peers}`);
  l.push(`pending locks:   ${r.pendingLocks}`);
  if (r.unusual.length > 0 || r.warnings.length > 0) {
    l.push('unusual:');
    for (const u of r.unusual) l.push(`  - ${u}`);
    for (const w of r.warnings) l.push(`  - [${w.code}] ${w.message}${w.file !== undefined ? ` (${w.file})` : ''}`);
  }
  return `${l.join('\n')}\n`;
}

async function cmdInspect(io: Io, o: CommonOpts): Promise<number> {
  const c = new Ctx(io, o);
  const s = await c.open();
  try {
    if (c.multi !== undefined) {
      const open = io.openSession ?? (await defaultOpenSession());
      const m = c.multi.session.inspectNodes(c.multi.resolved, (dbDir) => open(dbDir, { readTs: c.readTs }));
      c.out(o.json === true ? `${JSON.stringify(m, null, 2)}\n` : multiInspectText(m, inspectText));
      return c.exit(0);
    }
    const r = s.inspect(c.resolved.titanDir, c.resolved.dataDir);
    const ks = c.keyspace?.keyspaces ?? [];
    const ksLine = ks.length === 0 ? '' : `keyspaces:       ${keyspaceList(c.keyspace!)} (API v2 keyspace-prefixed TiDB data: not read by tikv-export)\n`;
    c.out(o.json === true ? `${JSON.stringify({ ...r, keyspaces: ks }, null, 2)}\n` : inspectText(r) + ksLine);
    return 0;
  } finally {
    s.close();
  }
}

/** Waits for 'drain' when a stream's buffer is full, so a long scan into a pipe stays small. */
async function writeWithBackpressure(out: Io['stdout'], s: string): Promise<void> {
  const ok = out.write(s);
  const ev = out as { once?: (e: string, f: () => void) => unknown };
  if (ok === false && typeof ev.once === 'function') await new Promise<void>((resolve) => ev.once!('drain', resolve));
}

async function cmdRawScan(io: Io, o: RawScanOpts): Promise<number> {
  const start = hexArg('--start', o.start);
  const end = hexArg('--end', o.end);
  if (!/^\d+$/.test(o.limit)) throw new UserError(`--limit must be a non-negative integer (got "${o.limit}")`);
  const limit = Number(o.limit);
  if (o.dataDir.length === 1 && io.openSession === undefined) return rawScanStorageOnly(io, o, start, end, limit);
  const c = new Ctx(io, o);
  const s = await c.open();
  try {
    await printRawEntries(io, s.rawScan(o.cf, start, end, limit));
    return 0;
  } finally {
    s.close();
  }
}

/** Prints entries as `ldb scan --hex` does (`0xKEY : 0xVALUE`), in 64 KiB pieces, honouring backpressure. */
async function printRawEntries(io: Io, entries: Iterable<{ key: Uint8Array; value: Uint8Array }>): Promise<void> {
  let chunk = '';
  for (const e of entries) {
    chunk += `0x${upperHex(e.key)} : 0x${upperHex(e.value)}\n`;
    if (chunk.length > 1 << 16) {
      await writeWithBackpressure(io.stdout, chunk);
      chunk = '';
    }
  }
  if (chunk.length > 0) await writeWithBackpressure(io.stdout, chunk);
}

/** raw-scan on one node: only the storage layer, so any RocksDB directory works (no TiKV/TiDB needed). */
async function rawScanStorageOnly(io: Io, o: RawScanOpts, start: Uint8Array | undefined, end: Uint8Array | undefined, limit: number): Promise<number> {
  const log = makeLogger(o, io);
  const resolved = resolveDataDir(o.dataDir[0]!);
  assertNotRunning(resolved.dbDir, io.procLocksPath);
  const db = openRaw(resolved.dbDir, (w) => log.warn({ code: w.code, file: w.file }, w.message));
  try {
    await printRawEntries(io, rawEntries(db, o.cf, start, end, limit));
    return 0;
  } finally {
    db.close();
  }
}

/** --new-collation on|off as a boolean; auto (or a command without the flag) = undefined: detect. */
function newCollationOverride(o: Partial<DumpOpts>): boolean | undefined {
  return o.newCollation === 'on' ? true : o.newCollation === 'off' ? false : undefined;
}

function newCollationOption(o: Partial<DumpOpts>): { newCollation?: boolean } {
  const v = newCollationOverride(o);
  return v === undefined ? {} : { newCollation: v };
}

function withNewCollation<T extends object>(runOpts: T, v: boolean | undefined): T & { newCollation?: boolean } {
  return v === undefined ? runOpts : { ...runOpts, newCollation: v };
}

/** The session's collation setting, which chunk workers decode with (their sessions read no schema). */
function withCollation<T extends object>(runOpts: T, c: CollationSetting | undefined): T & { collation?: CollationSetting } {
  return c === undefined ? runOpts : { ...runOpts, collation: c };
}

// ------------------------------------------------------------------ program

function addCommon(cmd: Command, json: boolean): Command {
  cmd
    .addOption(
      new Option('-d, --data-dir <dir>', "TiKV's data dir (or its db/ subdirectory); opened read-only. Repeat it to read several node images as one cluster")
        .argParser((v: string, prev: string[] | undefined) => [...(prev ?? []), v])
        .makeOptionMandatory(),
    )
    .option('--include-orphans', 'several --data-dir: also use data outside each node\'s authoritative Normal regions (may resurrect deleted rows)')
    .option('--as-of <tso|datetime>', 'read as of this TSO or time (e.g. "2024-05-01 12:00:00", UTC unless a zone is given); default: latest committed')
    .option('--time-zone <tz>', 'zone for TIMESTAMP values (UTC, +08:00, Asia/Shanghai)', 'UTC')
    .option('--log-level <level>', `log level: ${LEVELS.join(', ')}`, 'info')
    .option('--log-file <path>', 'write logs to this file instead of stderr');
  if (json) cmd.option('--json', 'machine-readable JSON on stdout');
  return cmd;
}

const collect = (v: string, prev: string[]): string[] => [...prev, v];

function buildProgram(io: Io, setCode: (n: number) => void): Command {
  const program = new Command();
  program
    .name('tikv-export')
    .description('Recover TiDB data from the files of a stopped TiKV node: lists databases and tables, dumps Dumpling-compatible CSV.\nNever writes to the data dir.')
    .version(toolVersion(), '-V, --version')
    .exitOverride()
    .showSuggestionAfterError(true)
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      outputError: (s, write) => write(s.replace(/^error: /, 'tikv-export: error: ')),
    })
    .addHelpText(
      'after',
      `
Examples:
  tikv-export dbs --data-dir /mnt/tikv1
  tikv-export tables --data-dir /mnt/tikv1 --db shop
  tikv-export dump --data-dir /mnt/tikv1 --db shop --out /backup/shop
  tikv-export inspect --data-dir /mnt/tikv1/db --json

Exit codes: 0 ok, 1 user error, 2 data error (corruption), 3 partial dump.`,
    );

  addCommon(program.command('dbs').description('list databases (id, name) with the schema version and read ts used'), true)
    .addHelpText('after', '\nExamples:\n  tikv-export dbs --data-dir /mnt/tikv1\n  tikv-export dbs --data-dir /mnt/tikv1 --as-of "2024-05-01 12:00:00" --json')
    .action(async (o: CommonOpts) => setCode(await cmdDbs(io, o)));

  addCommon(program.command('tables').description('list the tables of a database: id, name, partitions, whether data was found'), true)
    .requiredOption('--db <name>', 'database name')
    .addHelpText('after', '\nExamples:\n  tikv-export tables --data-dir /mnt/tikv1 --db shop\n  tikv-export tables --data-dir /mnt/tikv1 --db shop --json')
    .action(async (o: CommonOpts & { db: string }) => setCode(await cmdTables(io, o)));

  addCommon(program.command('dump').description('write Dumpling-compatible schema files, CSV data files and metadata to --out'), true)
    .addOption(new Option('--db <name>', 'database to dump (repeatable); system databases only when named').argParser(collect).default([], 'none'))
    .addOption(new Option('--table <name>', 'only this table (repeatable; DB.TABLE when several --db)').argParser(collect).default([], 'all tables'))
    .option('--all', 'every non-system database')
    .requiredOption('-o, --out <dir>', 'output directory (created; must be empty; never inside the data dir)')
    .option('-F, --filesize <size>', 'start a new data file after the row that reaches this size (0 = never)', '256MiB')
    .addOption(new Option('--csv-separator <s>', 'field separator (\\t for tab)').default(',', ','))
    .addOption(new Option('--csv-delimiter <s>', "quote for string/binary fields ('' = none)").default('"', '"'))
    .addOption(new Option('--csv-null-value <s>', 'text for NULL').default('\\N', '\\N'))
    .addOption(new Option('--csv-line-terminator <s>', 'row terminator').default('\\r\\n', '\\r\\n'))
    .option('--no-header', 'no column-name row at the top of each data file')
    .addOption(new Option('--dialect <d>', 'dumpling: backslash escapes; rfc4180: doubled quotes').choices(['dumpling', 'rfc4180']).default('dumpling'))
    .addOption(new Option('--binary-format <f>', 'binary columns: raw bytes, hex or base64 (default raw; hex for rfc4180)').choices(['raw', 'hex', 'base64']))
    .option('--threads <n>', 'worker threads reading chunks (default: number of cores; output is identical for any value)')
    .option('--no-checkpoint', 'do not keep a resume checkpoint in OUTDIR/.tikv-export-checkpoint')
    .option('--restart', 'discard the checkpoint (and its files) of an interrupted dump in --out and start clean')
    .option('--keep-checkpoint', 'keep the checkpoint after a successful dump')
    .option('--checkpoint-interval <s>', 'flush progress to the checkpoint at least this often (seconds); every finished chunk is recorded at once', '30')
    .addOption(new Option('--chunk-bytes <size>', 'write- and default-CF SST bytes per chunk (tests)').default('16MiB').hideHelp())
    .addOption(
      new Option('--new-collation <mode>', "was TiDB's new collation framework on? auto reads mysql.tidb new_collation_enabled; matters for clustered string primary keys")
        .choices(['auto', 'on', 'off'])
        .default('auto'),
    )
    .option('--salvage', 'damaged files: skip what does not verify, export every intact row, list the lost key ranges in salvage-report.json and metadata (exit 3 if anything was lost)')
    .option('--salvage-older-versions', 'with --salvage: also export rows whose newest version may be in a lost block, from their newest readable version (listed as uncertain)')
    .addHelpText(
      'after',
      `
Examples:
  tikv-export dump --data-dir /mnt/tikv1 --db shop --out /backup/shop
  tikv-export dump --data-dir /mnt/tikv1 --db shop --table orders --table customers --out out1
  tikv-export dump --data-dir /mnt/tikv1 --all --filesize 1GiB --out out2
  tikv-export dump --data-dir /mnt/tikv1 --db shop --dialect rfc4180 --binary-format base64 --out out3
  tikv-export dump --data-dir /mnt/tikv1 --db shop --as-of 449187340938903553 --time-zone +08:00 --out out4

The dump is complete when --out/metadata exists and says "Status: complete".
Rows that did not decode are in {db}.{table}.rejects.jsonl and the exit code is 3.`,
    )
    .action(async (o: DumpOpts) => setCode(await cmdDump(io, o)));

  addCommon(program.command('inspect').description('store/cluster id, SSTs per CF and level, WAL, Titan, regions, pending locks, anything unusual'), true)
    .addHelpText('after', '\nExamples:\n  tikv-export inspect --data-dir /mnt/tikv1\n  tikv-export inspect --data-dir /mnt/tikv1/db --json')
    .action(async (o: CommonOpts) => setCode(await cmdInspect(io, o)));

  addCommon(program.command('raw-scan').description('print one column family\'s visible entries exactly like `ldb scan --hex` (0xKEY : 0xVALUE)'), false)
    .requiredOption('--cf <name>', 'column family: default, write, lock, raft')
    .option('--start <hex>', 'first key (inclusive), hex')
    .option('--end <hex>', 'end key (exclusive), hex')
    .option('--limit <n>', 'at most this many entries (0 = no limit)', '0')
    .addHelpText(
      'after',
      `
Examples:
  tikv-export raw-scan --data-dir /mnt/tikv1 --cf write --start 0x7a74 --end 0x7a75 --limit 10
  diff <(tikv-export raw-scan -d /mnt/tikv1 --cf write) <(ldb --db=/mnt/tikv1/db --column_family=write scan --hex)`,
    )
    .action(async (o: RawScanOpts) => setCode(await cmdRawScan(io, o)));

  return program;
}

function wantsDebug(argv: readonly string[]): boolean {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--log-level=debug' || a === '--log-level=trace') return true;
    if (a === '--log-level' && (argv[i + 1] === 'debug' || argv[i + 1] === 'trace')) return true;
  }
  return false;
}

/** ", file system of PATH: N bytes free of M" (statfs), or '' when it cannot be read. */
function outputSpace(path: string): string {
  try {
    const st = statfsSync(dirname(path));
    return ` (file system of ${dirname(path)}: ${st.bavail * st.bsize} of ${st.blocks * st.bsize} bytes free)`;
  } catch {
    return '';
  }
}

let epipeHandled = false;

export async function main(argv: string[], io: Io = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  let code = 0;
  if (io.stdout === process.stdout && !epipeHandled) {
    epipeHandled = true;
    // `tikv-export raw-scan ... | head`: a closed pipe ends the output, not with a stack trace
    process.stdout.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw e;
    });
  }
  const program = buildProgram(io, (n) => {
    code = n;
  });
  if (argv.length === 0) {
    io.stderr.write(program.helpInformation());
    return 1;
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (e) {
    const debug = wantsDebug(argv);
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return 0;
      return 1; // commander already printed its one-line message
    }
    if (e instanceof OutputError && (e.errno === 'ENOSPC' || e.errno === 'EDQUOT')) {
      // a full disk is not a user typo: exit 2; the checkpoint lets the same command resume
      io.stderr.write(`tikv-export: error: ${e.message}${outputSpace(e.path)}; free space and rerun the same command to resume\n`);
      return 2;
    }
    if (e instanceof UserError) {
      io.stderr.write(`tikv-export: error: ${e.message}\n`);
      if (debug && e.stack !== undefined) io.stderr.write(`${e.stack}\n`);
      return 1;
    }
    if (e instanceof FormatError || e instanceof DataError) {
      io.stderr.write(`tikv-export: data error: ${e.message}\n`);
      if (debug && e.stack !== undefined) io.stderr.write(`${e.stack}\n`);
      return 2;
    }
    const msg = e instanceof Error ? e.message : String(e);
    io.stderr.write(`tikv-export: internal error: ${msg}${debug ? '' : ' (run with --log-level debug for details)'}\n`);
    if (debug && e instanceof Error && e.stack !== undefined) io.stderr.write(`${e.stack}\n`);
    return 2;
  }
}
