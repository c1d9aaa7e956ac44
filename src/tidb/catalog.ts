/**
 * The TiDB catalog (databases, tables, schema version) read from the meta keys of a TiKV
 * KV engine, with the same MVCC rule as rows (tikv-tidb-encoding.md §3.3, §2.2, §11 step 3-4).
 * Sources: pingcap/tidb:pkg/meta/meta.go (`ListDatabases`, `IterTables`, `GetSchemaVersion`,
 * key names), pkg/structure/hash.go (`HGetAll` iterates the hash-data prefix).
 *
 * Layout (raw keys, see meta-key.ts):
 *   string SchemaVersionKey               -> decimal schema version
 *   hash   DBs,    field DB:{dbId}        -> DBInfo JSON
 *   hash   DB:{id}, field Table:{tableId} -> TableInfo JSON (tables, views, sequences)
 *   hash   DB:{id}, field TID:/IID:/TARID:{tableId} -> auto-id allocator bases (decimal)
 *
 * Every meta value is read through LatestScanner: newest committed write-CF record wins,
 * Lock/Rollback are skipped, Delete hides the field (DROP / TRUNCATE), values > 255 bytes come
 * from the default CF at start_ts. Each hash is scanned over its exact raw range
 * ['m'+mc(key)+u64BE('h'), …+1), so database 1 never sees the fields of 10, 11 or 100 (the
 * decimal-prefix bug of tidb-exporter, prior-art.md §1.5). Legacy hash-meta ('H') and list keys
 * fall outside those ranges and are ignored.
 *
 * Only public (state 5) databases and tables are listed; others are recorded in `skipped`.
 * JSON that does not parse is recorded in `problems` and the rest of the listing continues.
 * Memory-only schemas (INFORMATION_SCHEMA, PERFORMANCE_SCHEMA, METRICS_SCHEMA) are never stored;
 * stored system databases (mysql, sys, …) are listed with `system: true`.
 */
import { DataError, FormatError, UserError, hex } from '../errors.js';
import { LatestScanner, scanLocks, type CfSource, type MvccStats } from '../tikv/mvcc-scan.js';
import { decodeMetaKey, encodeStringKey, hashRange, META_PREFIX, MetaName } from './meta-key.js';
import { isSequence, isView, parseDbInfo, parseTableInfo, physicalTableIds } from './table-info-parse.js';
import { StatePublic, type DbInfo, type TableInfo } from './table-info.js';

export const SYSTEM_DATABASES = ['mysql', 'information_schema', 'metrics_schema', 'performance_schema', 'sys'] as const;

export function isSystemDatabase(name: string): boolean {
  return (SYSTEM_DATABASES as readonly string[]).includes(name.toLowerCase());
}

export interface DbEntry {
  id: number;
  /** Original-case name (`db_name.O`). */
  name: string;
  info: DbInfo;
  /** The exact JSON bytes as stored. */
  json: Uint8Array;
  system: boolean;
  commitTs: bigint;
}

export type TableKind = 'table' | 'view' | 'sequence';

export interface TableEntry {
  id: number;
  dbId: number;
  /** Original-case name (`name.O`). */
  name: string;
  kind: TableKind;
  info: TableInfo;
  /** The exact JSON bytes as stored. */
  json: Uint8Array;
  /** Where the rows live: partition ids in definition order, else [id]. Empty for views. */
  physicalIds: number[];
  commitTs: bigint;
}

export type CatalogProblemKind =
  | 'db-json' // a DBInfo value that does not parse / validate
  | 'table-json' // a TableInfo value that does not parse / validate
  | 'meta-key' // a key in a scanned hash that does not decode, or a malformed field
  | 'id-mismatch' // the JSON id differs from the field's id
  | 'duplicate-name' // two public objects share one lower-case name
  | 'missing-value' // a Put whose default-CF value is missing
  | 'blob-value' // a value stored in a Titan blob file (not supported)
  | 'schema-version' // SchemaVersionKey present but not a decimal
  | 'corrupt-write' // a meta key whose write-CF record does not parse: skipped (LatestScanner)
  | 'schema-fallback'; // schemaFallback: the newest TableInfo did not parse, an older committed one was used

export interface CatalogProblem {
  kind: CatalogProblemKind;
  message: string;
  dbId?: number;
  tableId?: number;
  /** Raw TiDB key, hex. */
  keyHex?: string;
}

export interface SkippedObject {
  what: 'database' | 'table';
  id: number;
  name: string;
  state: number;
  dbId?: number;
}

export interface AutoIdBases {
  /** `TID:{id}`: _tidb_rowid / shared AUTO_INCREMENT allocator base. */
  rowId?: bigint;
  /** `IID:{id}`: separate AUTO_INCREMENT allocator (AUTO_ID_CACHE=1). */
  autoInc?: bigint;
  /** `TARID:{id}`: AUTO_RANDOM allocator base. */
  autoRandom?: bigint;
}

export interface CatalogLoadOptions {
  /** Read the catalog as of this TSO (default: latest). */
  readTs?: bigint;
  /**
   * Salvage (issue #8): when the newest TableInfo of a table does not parse, use the newest
   * older committed version that does (reported as a 'schema-fallback' problem).
   */
  schemaFallback?: boolean;
}

const dec = new TextDecoder('utf-8', { fatal: false });
const FIELD_DB = /^DB:(-?\d+)$/;
const FIELD_TABLE = /^Table:(-?\d+)$/;
const FIELD_AUTOID = /^(TID|IID|TARID):(-?\d+)$/;

function parseDecimalBig(text: string): bigint | undefined {
  return /^-?\d+$/.test(text) ? BigInt(text) : undefined;
}

interface MetaRow {
  field: string;
  value: Uint8Array;
  commitTs: bigint;
  rawKey: Uint8Array;
}

export class Catalog {
  readonly schemaVersion: number | null;
  readonly problems: CatalogProblem[];
  readonly skipped: SkippedObject[];
  /** Uncommitted transactions holding locks on meta keys (an in-flight DDL at shutdown). */
  readonly metaLocks: number;
  /** MVCC counters summed over every meta scan. */
  readonly stats: Pick<MvccStats, 'versionsSeen' | 'deletedRows' | 'lockRecordsSkipped' | 'rollbacksSkipped' | 'gcFenced'>;
  private readonly dbs: DbEntry[];
  private readonly tablesByDb: Map<number, TableEntry[]>;
  private readonly autoIds: Map<number, AutoIdBases>;

  private constructor(init: {
    schemaVersion: number | null;
    problems: CatalogProblem[];
    skipped: SkippedObject[];
    metaLocks: number;
    stats: Catalog['stats'];
    dbs: DbEntry[];
    tablesByDb: Map<number, TableEntry[]>;
    autoIds: Map<number, AutoIdBases>;
  }) {
    this.schemaVersion = init.schemaVersion;
    this.problems = init.problems;
    this.skipped = init.skipped;
    this.metaLocks = init.metaLocks;
    this.stats = init.stats;
    this.dbs = init.dbs;
    this.tablesByDb = init.tablesByDb;
    this.autoIds = init.autoIds;
  }

  /** A catalog of nothing, for a session that reads no schema (chunk workers: session.ts). */
  static empty(): Catalog {
    return new Catalog({
      schemaVersion: null,
      problems: [],
      skipped: [],
      metaLocks: 0,
      stats: { versionsSeen: 0, deletedRows: 0, lockRecordsSkipped: 0, rollbacksSkipped: 0, gcFenced: 0 },
      dbs: [],
      tablesByDb: new Map(),
      autoIds: new Map(),
    });
  }

  static load(source: CfSource, opts: CatalogLoadOptions = {}): Catalog {
    const problems: CatalogProblem[] = [];
    const skipped: SkippedObject[] = [];
    const stats = { versionsSeen: 0, deletedRows: 0, lockRecordsSkipped: 0, rollbacksSkipped: 0, gcFenced: 0 };
    const readTs = opts.readTs;

    const scan = (range: { start: Uint8Array; end: Uint8Array }, ctx: { dbId?: number }): MetaRow[] => {
      const s = new LatestScanner(source, range, readTs === undefined ? {} : { readTs });
      const rows: MetaRow[] = [];
      while (s.next()) {
        const rawKey = s.rawKey();
        let field: string;
        try {
          const k = decodeMetaKey(rawKey);
          if (k.kind !== 'hash') continue; // cannot happen inside a hash range; be strict anyway
          field = dec.decode(k.field);
        } catch (e) {
          if (!(e instanceof FormatError)) throw e;
          problems.push({ kind: 'meta-key', message: e.message, keyHex: hex(rawKey, 256), ...ctx });
          continue;
        }
        rows.push({ field, value: new Uint8Array(s.value()), commitTs: s.commitTs(), rawKey }); // copy: cursor views are reused
      }
      addStats(s.stats, ctx);
      if (opts.schemaFallback === true) {
        // A meta value lost with its default-CF block: use the previous committed version.
        for (const m of s.stats.missingDefaultSamples) {
          const rawKey = Uint8Array.from(Buffer.from(m.rawKeyHex, 'hex'));
          let field: string;
          try {
            const k = decodeMetaKey(rawKey);
            if (k.kind !== 'hash') continue;
            field = dec.decode(k.field);
          } catch (e) {
            if (!(e instanceof FormatError)) throw e;
            continue;
          }
          const older = olderValue(source, rawKey, m.commitTs);
          if (older === undefined) continue;
          rows.push({ field, value: older.value, commitTs: older.commitTs, rawKey });
          problems.push({
            kind: 'schema-fallback',
            message: `meta value ${field} committed at ${m.commitTs} is missing (lost); using the previous committed version (commit_ts ${older.commitTs})`,
            keyHex: m.rawKeyHex,
            ...ctx,
          });
        }
      }
      return rows;
    };

    const addStats = (st: MvccStats, ctx: { dbId?: number }): void => {
      stats.versionsSeen += st.versionsSeen;
      stats.deletedRows += st.deletedRows;
      stats.lockRecordsSkipped += st.lockRecordsSkipped;
      stats.rollbacksSkipped += st.rollbacksSkipped;
      stats.gcFenced += st.gcFenced;
      for (const m of st.missingDefaultSamples) {
        problems.push({ kind: 'missing-value', message: `meta value missing from the default CF (start_ts ${m.startTs}, commit_ts ${m.commitTs})`, keyHex: m.rawKeyHex, ...ctx });
      }
      if (st.missingDefault > st.missingDefaultSamples.length) {
        problems.push({ kind: 'missing-value', message: `${st.missingDefault - st.missingDefaultSamples.length} more meta values missing from the default CF`, ...ctx });
      }
      for (const m of st.blobIndexSamples) {
        problems.push({ kind: 'blob-value', message: 'meta value stored in a Titan blob file (not supported)', keyHex: m.rawKeyHex, ...ctx });
      }
      if (st.blobIndex > st.blobIndexSamples.length) {
        problems.push({ kind: 'blob-value', message: `${st.blobIndex - st.blobIndexSamples.length} more meta values in Titan blob files`, ...ctx });
      }
      for (const m of st.corruptWriteSamples) {
        problems.push({ kind: 'corrupt-write', message: `meta key skipped: its write-CF record (commit_ts ${m.commitTs}) does not parse: ${m.error}`, keyHex: m.rawKeyHex, ...ctx });
      }
      if (st.corruptWrites > st.corruptWriteSamples.length) {
        problems.push({ kind: 'corrupt-write', message: `${st.corruptWrites - st.corruptWriteSamples.length} more meta keys skipped: write-CF records do not parse`, ...ctx });
      }
    };

    // Schema version: one string key.
    let schemaVersion: number | null = null;
    {
      const key = encodeStringKey(MetaName.SchemaVersionKey);
      const end = Uint8Array.of(...key, 0);
      const s = new LatestScanner(source, { start: key, end }, readTs === undefined ? {} : { readTs });
      if (s.next()) {
        const text = dec.decode(s.value());
        const v = parseDecimalBig(text);
        if (v === undefined || v < 0n || v > BigInt(Number.MAX_SAFE_INTEGER)) {
          problems.push({ kind: 'schema-version', message: `SchemaVersionKey is not a decimal version: ${JSON.stringify(text.slice(0, 40))}` });
        } else schemaVersion = Number(v);
      }
      addStats(s.stats, {});
    }

    // Databases.
    const dbs: DbEntry[] = [];
    for (const row of scan(hashRange(MetaName.DBs), {})) {
      const m = FIELD_DB.exec(row.field);
      if (m === null) {
        if (row.field.startsWith('DB:')) {
          problems.push({ kind: 'meta-key', message: `malformed database field ${JSON.stringify(row.field)} in hash DBs`, keyHex: hex(row.rawKey, 256) });
        }
        continue; // not a DB field
      }
      const fieldId = Number(m[1]);
      let info: DbInfo;
      try {
        info = parseDbInfo(row.value, `DBInfo DBs/${row.field}`);
      } catch (e) {
        if (!(e instanceof DataError)) throw e;
        problems.push({ kind: 'db-json', message: e.message, dbId: fieldId, keyHex: hex(row.rawKey, 256) });
        continue;
      }
      if (info.id !== fieldId) {
        problems.push({ kind: 'id-mismatch', message: `DBs/${row.field} holds DBInfo with id ${info.id}`, dbId: fieldId });
      }
      if (info.state !== StatePublic) {
        skipped.push({ what: 'database', id: info.id, name: info.db_name.O, state: info.state });
        continue;
      }
      dbs.push({ id: info.id, name: info.db_name.O, info, json: row.value, system: isSystemDatabase(info.db_name.L), commitTs: row.commitTs });
    }
    dbs.sort((a, b) => a.id - b.id);
    reportDuplicates(dbs.map((d) => ({ id: d.id, l: d.info.db_name.L })), 'database', problems, undefined);

    // Tables of each database.
    const tablesByDb = new Map<number, TableEntry[]>();
    const autoIds = new Map<number, AutoIdBases>();
    for (const db of dbs) {
      const list: TableEntry[] = [];
      for (const row of scan(hashRange(MetaName.dbKey(db.id)), { dbId: db.id })) {
        const a = FIELD_AUTOID.exec(row.field);
        if (a !== null) {
          const base = parseDecimalBig(dec.decode(row.value));
          if (base !== undefined) {
            const tid = Number(a[2]);
            const cur = autoIds.get(tid) ?? {};
            if (a[1] === 'TID') cur.rowId = base;
            else if (a[1] === 'IID') cur.autoInc = base;
            else cur.autoRandom = base;
            autoIds.set(tid, cur);
          }
          continue;
        }
        if (!row.field.startsWith('Table:')) continue; // SID:, SequenceCycle:, …
        const m = FIELD_TABLE.exec(row.field);
        if (m === null) {
          problems.push({ kind: 'meta-key', message: `malformed table field ${JSON.stringify(row.field)} in hash DB:${db.id}`, dbId: db.id, keyHex: hex(row.rawKey, 256) });
          continue;
        }
        const fieldId = Number(m[1]);
        let info: TableInfo;
        try {
          info = parseTableInfo(row.value, `TableInfo DB:${db.id}/${row.field}`);
        } catch (e) {
          if (!(e instanceof DataError)) throw e;
          problems.push({ kind: 'table-json', message: e.message, dbId: db.id, tableId: fieldId, keyHex: hex(row.rawKey, 256) });
          const older = opts.schemaFallback === true ? olderTableInfo(source, row, `DB:${db.id}/${row.field}`) : undefined;
          if (older === undefined) continue;
          info = older.info;
          row.value = older.value;
          problems.push({
            kind: 'schema-fallback',
            message: `TableInfo DB:${db.id}/${row.field} committed at ${row.commitTs} does not parse; using the previous committed version (commit_ts ${older.commitTs}) -- columns added or changed later are missing or read with the old definition`,
            dbId: db.id,
            tableId: fieldId,
            keyHex: hex(row.rawKey, 256),
          });
          row.commitTs = older.commitTs;
        }
        if (info.id !== fieldId) {
          problems.push({ kind: 'id-mismatch', message: `DB:${db.id}/${row.field} holds TableInfo with id ${info.id}`, dbId: db.id, tableId: fieldId });
        }
        if (info.state !== StatePublic) {
          skipped.push({ what: 'table', id: info.id, name: info.name.O, state: info.state, dbId: db.id });
          continue;
        }
        const kind: TableKind = isView(info) ? 'view' : isSequence(info) ? 'sequence' : 'table';
        list.push({
          id: info.id,
          dbId: db.id,
          name: info.name.O,
          kind,
          info,
          json: row.value,
          physicalIds: kind === 'view' ? [] : physicalTableIds(info),
          commitTs: row.commitTs,
        });
      }
      list.sort((a, b) => a.id - b.id);
      reportDuplicates(list.map((t) => ({ id: t.id, l: t.info.name.L })), 'table', problems, db.id);
      tablesByDb.set(db.id, list);
    }

    // In-flight transactions on meta keys (e.g. a DDL caught by the shutdown).
    const metaLocks = scanLocks(source, { start: Uint8Array.of(META_PREFIX), end: Uint8Array.of(META_PREFIX + 1) }).count;

    return new Catalog({ schemaVersion, problems, skipped, metaLocks, stats, dbs, tablesByDb, autoIds });
  }

  /** Public databases, by id. */
  databases(): DbEntry[] {
    return this.dbs.slice();
  }

  /** Public tables, views and sequences of one database, by id. */
  tables(dbId: number): TableEntry[] {
    return (this.tablesByDb.get(dbId) ?? []).slice();
  }

  /** Database by name, case-insensitive; UserError listing what exists. */
  database(name: string): DbEntry {
    const l = name.toLowerCase();
    const found = this.dbs.filter((d) => d.info.db_name.L === l);
    if (found.length === 1) return found[0]!;
    if (found.length > 1) {
      throw new UserError(`database name ${JSON.stringify(name)} is ambiguous: ids ${found.map((d) => d.id).join(', ')}`);
    }
    const names = this.dbs.map((d) => d.name);
    throw new UserError(`unknown database ${JSON.stringify(name)}; databases: ${names.length === 0 ? '(none)' : names.join(', ')}`);
  }

  /** Table (or view/sequence) by database and table name, case-insensitive. */
  table(dbName: string, tableName: string): TableEntry {
    const db = this.database(dbName);
    const l = tableName.toLowerCase();
    const list = this.tablesByDb.get(db.id) ?? [];
    const found = list.filter((t) => t.info.name.L === l);
    if (found.length === 1) return found[0]!;
    if (found.length > 1) {
      throw new UserError(`table name ${db.name}.${tableName} is ambiguous: ids ${found.map((t) => t.id).join(', ')}`);
    }
    const names = list.map((t) => (t.kind === 'table' ? t.name : `${t.name} (${t.kind})`));
    throw new UserError(`unknown table ${JSON.stringify(tableName)} in database ${db.name}; tables: ${names.length === 0 ? '(none)' : names.join(', ')}`);
  }

  /** Stored auto-id allocator bases of a table (the `TID:`/`IID:`/`TARID:` fields). */
  autoIdBases(tableId: number): AutoIdBases {
    return { ...(this.autoIds.get(tableId) ?? {}) };
  }

  /**
   * What TiDB's SHOW CREATE TABLE would print as AUTO_INCREMENT (allocator base + 1): the IID
   * allocator for AUTO_ID_CACHE=1 tables, else the shared TID allocator. Undefined when unknown.
   * TiDB caches ids in batches, so the real next id may be lower; never lower than needed.
   */
  nextAutoIncrement(t: TableEntry): bigint | undefined {
    const b = this.autoIds.get(t.id);
    if (b === undefined) return undefined;
    const base = t.info['auto_id_cache'] === 1 ? (b.autoInc ?? b.rowId) : b.rowId;
    return base === undefined ? undefined : base + 1n;
  }
}

function reportDuplicates(items: { id: number; l: string }[], what: string, problems: CatalogProblem[], dbId: number | undefined): void {
  const byName = new Map<string, number[]>();
  for (const it of items) byName.set(it.l, [...(byName.get(it.l) ?? []), it.id]);
  for (const [l, ids] of byName) {
    if (ids.length > 1) {
      problems.push({ kind: 'duplicate-name', message: `${ids.length} public ${what}s named ${JSON.stringify(l)}: ids ${ids.join(', ')}`, ...(dbId === undefined ? {} : { dbId }) });
    }
  }
}

/**
 * schemaFallback: the newest committed version of this TableInfo key older than `row` that
 * parses (at most 16 versions back), read with MVCC at commit_ts - 1.
 */
function olderTableInfo(source: CfSource, row: MetaRow, what: string): { info: TableInfo; value: Uint8Array; commitTs: bigint } | undefined {
  let ts = row.commitTs;
  for (let i = 0; i < 16 && ts > 0n; i++) {
    const o = olderValue(source, row.rawKey, ts);
    if (o === undefined) return undefined;
    const { value, commitTs } = o;
    try {
      return { info: parseTableInfo(value, `TableInfo ${what} (commit_ts ${commitTs})`), value, commitTs };
    } catch (e) {
      if (!(e instanceof DataError)) throw e;
      ts = commitTs;
    }
  }
  return undefined;
}

/** The newest committed value of rawKey with commit_ts < ts (MVCC read at ts - 1). */
function olderValue(source: CfSource, rawKey: Uint8Array, ts: bigint): { value: Uint8Array; commitTs: bigint } | undefined {
  if (ts <= 0n) return undefined;
  const end = new Uint8Array(rawKey.length + 1);
  end.set(rawKey, 0);
  const s = new LatestScanner(source, { start: rawKey, end }, { readTs: ts - 1n });
  if (!s.next()) return undefined;
  return { value: new Uint8Array(s.value()), commitTs: s.commitTs() };
}
