/**
 * Tables and databases whose schema JSON does not decode must not vanish silently.
 *
 * The catalog (src/tidb/catalog.ts) skips a TableInfo / DBInfo that does not parse and reports it
 * as a `catalog-table-json` / `catalog-db-json` warning ("TableInfo DB:1/Table:399: ...",
 * "DBInfo DBs/DB:77: ..."). A dump that would have included it gets a per-table entry
 * `UNREADABLE SCHEMA` (metadata INCOMPLETE line, summary, exit 3) and, best effort, that table's
 * raw record keys and values -- every MVCC version in the write and default CF of its record
 * range, as hex -- in `{db}.#{id}.rejects.jsonl`, so nothing of it is lost.
 * (Under --salvage the catalog may instead use the previous committed TableInfo; then there is
 * no catalog-table-json warning for it... but a `catalog-schema-fallback` one, and the table
 * is dumped.)
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { encodeRawRange } from '../tikv/mvcc-key.js';
import { recordRange } from '../tidb/record-key.js';
import { AtomicFile } from './file-writer.js';
import { rejectsFile } from './filenames.js';
import { emptySummary, type TableSummary } from './dump.js';
import type { SourceWarning } from './source-warnings.js';

export interface UnreadableSchema {
  dbId: number;
  /** undefined: the database's DBInfo itself does not decode. */
  tableId: number | undefined;
  message: string;
}

const TABLE_RE = /^TableInfo DB:(\d+)\/Table:(\d+)\b/;
const DB_RE = /^DBInfo DBs\/DB:(\d+)\b/;

export function unreadableSchemas(warnings: readonly SourceWarning[]): UnreadableSchema[] {
  const out: UnreadableSchema[] = [];
  for (const w of warnings) {
    if (w.code === 'catalog-table-json') {
      const m = TABLE_RE.exec(w.message);
      if (m !== null) out.push({ dbId: Number(m[1]), tableId: Number(m[2]), message: w.message });
    } else if (w.code === 'catalog-db-json') {
      const m = DB_RE.exec(w.message);
      if (m !== null) out.push({ dbId: Number(m[1]), tableId: undefined, message: w.message });
    }
  }
  return out;
}

export interface RawScanner {
  rawScan(cf: string, start: Uint8Array | undefined, end: Uint8Array | undefined, limit: number): Iterable<{ key: Uint8Array; value: Uint8Array }>;
}

function hex(u: Uint8Array): string {
  return Buffer.from(u.buffer, u.byteOffset, u.length).toString('hex');
}

/**
 * Writes `{db}.#{tableId}.rejects.jsonl`: one line per raw entry of the table's record range,
 * {"cf","key","value"} in hex (keys as stored: 'z' + memcomparable + ts). Returns the file name
 * and the entry count, or an error text when it could not be written.
 */
export function writeRawRecords(outDir: string, dbName: string, tableId: number, scanner: RawScanner): { file: string; entries: number } | { error: string } {
  const name = rejectsFile(dbName, `#${tableId}`);
  if (existsSync(join(outDir, name))) return { file: name, entries: -1 }; // a resumed dump wrote it already
  let f: AtomicFile | undefined;
  try {
    const range = encodeRawRange(recordRange(tableId));
    f = new AtomicFile(outDir, name);
    const enc = new TextEncoder();
    let n = 0;
    for (const cf of ['write', 'default']) {
      for (const e of scanner.rawScan(cf, range.start, range.end, 0)) {
        f.write(enc.encode(`${JSON.stringify({ cf, key: hex(e.key), value: hex(e.value), error: 'table schema (TableInfo) does not decode' })}\n`));
        n++;
      }
    }
    f.commit();
    return { file: name, entries: n };
  } catch (e) {
    f?.abort();
    return { error: e instanceof Error ? e.message : String(e) };
  }
}

/** Summary rows (TableSummary) for the unreadable schemas a dump of these databases would have included. */
export function unreadableSummaries(
  found: readonly UnreadableSchema[],
  dbNames: ReadonlyMap<number, string>,
  all: boolean,
  raw: (dbName: string, tableId: number) => string,
): TableSummary[] {
  const out: TableSummary[] = [];
  for (const u of found) {
    const dbName = dbNames.get(u.dbId);
    if (dbName === undefined && !(all && u.tableId === undefined)) continue; // not a selected database
    const db = dbName ?? `#${u.dbId}`;
    const table = u.tableId === undefined ? '*' : `#${u.tableId}`;
    const extra = u.tableId === undefined || dbName === undefined ? '' : `; ${raw(db, u.tableId)}`;
    out.push({
      ...emptySummary(db, table, u.tableId === undefined ? [] : [u.tableId]),
      error: `UNREADABLE SCHEMA: ${u.message}${extra}`,
      errorKind: 'undecodable',
    });
  }
  return out;
}
