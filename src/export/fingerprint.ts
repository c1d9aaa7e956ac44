/**
 * The resume fingerprint: everything that decides the bytes of a dump. A checkpoint is reused
 * only when every item is equal; otherwise the first differing item is named (prior-art.md
 * §4.2-4.3: BR refuses on cluster id / BackupTS / config hash mismatches).
 */
import { createHash } from 'node:crypto';
import type { CsvOptions } from './csv.js';

export interface Fingerprint {
  version: 1;
  dataDir: string;
  clusterId: string;
  storeId: string;
  /** --as-of TSO, or 'latest'. */
  readTs: string;
  schemaVersion: string;
  /** `cf/000123.sst:size`, `wal/000045.log:size`, sorted. */
  sourceFiles: string[];
  /** `dbId.tableId name sha256(table info JSON)` per selected table, in dump order. */
  tables: string[];
  /** Output options, as text. */
  options: Record<string, string>;
}

/** Exact and readable: the bytes as latin1 text (JSON-quoted when shown). */
const hex = (u: Uint8Array): string => Buffer.from(u.buffer, u.byteOffset, u.length).toString('latin1');

export function csvOptionText(c: CsvOptions): Record<string, string> {
  return {
    'csv-separator': hex(c.separator),
    'csv-delimiter': hex(c.delimiter),
    'csv-null-value': hex(c.nullValue),
    'csv-line-terminator': hex(c.lineTerminator),
    header: String(c.header),
    dialect: c.dialect,
    'binary-format': c.binaryFormat,
  };
}

export function tableFingerprint(dbId: number, table: { id: number; name: { O: string } }, json: unknown): string {
  return `${dbId}.${table.id} ${table.name.O} ${createHash('sha256').update(JSON.stringify(json)).digest('hex')}`;
}

function show(v: string): string {
  return v.length > 60 ? `${v.slice(0, 57)}...` : JSON.stringify(v);
}

/** undefined when equal; else a sentence naming the first item that differs (checkpoint vs now). */
export function fingerprintDiff(was: Fingerprint, now: Fingerprint): string | undefined {
  if (was.version !== now.version) return `checkpoint format version ${String(was.version)} (this tool writes ${now.version})`;
  const scalar: [keyof Fingerprint, string][] = [
    ['dataDir', 'data directory'],
    ['clusterId', 'cluster id'],
    ['storeId', 'store id'],
    ['readTs', 'read timestamp (--as-of)'],
    ['schemaVersion', 'schema version'],
  ];
  for (const [k, label] of scalar) {
    if (was[k] !== now[k]) return `${label} differs: checkpoint ${show(String(was[k]))}, now ${show(String(now[k]))}`;
  }
  const wasFiles = new Set(was.sourceFiles);
  const nowFiles = new Set(now.sourceFiles);
  const gone = was.sourceFiles.filter((f) => !nowFiles.has(f));
  const added = now.sourceFiles.filter((f) => !wasFiles.has(f));
  if (gone.length > 0 || added.length > 0) {
    const parts: string[] = [];
    if (added.length > 0) parts.push(`added or changed: ${added.slice(0, 5).join(', ')}${added.length > 5 ? ', ...' : ''}`);
    if (gone.length > 0) parts.push(`removed or changed: ${gone.slice(0, 5).join(', ')}${gone.length > 5 ? ', ...' : ''}`);
    return `source files (SST/WAL names and sizes) differ: ${parts.join('; ')}`;
  }
  const keys = new Set([...Object.keys(was.options), ...Object.keys(now.options)]);
  for (const k of [...keys].sort()) {
    if (was.options[k] !== now.options[k]) return `output option --${k} differs: checkpoint ${show(was.options[k] ?? '(unset)')}, now ${show(now.options[k] ?? '(unset)')}`;
  }
  if (was.tables.length !== now.tables.length || was.tables.some((t, i) => t !== now.tables[i])) {
    const i = was.tables.findIndex((t, j) => t !== now.tables[j]);
    const a = was.tables[i] ?? '(none)';
    const b = now.tables[i] ?? '(none)';
    return `selected tables or their schemas differ: checkpoint ${show(a)}, now ${show(b)}`;
  }
  return undefined;
}
