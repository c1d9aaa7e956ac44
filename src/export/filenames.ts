/**
 * Dumpling's output file names (pingcap/tidb:dumpling/export/config.go `filenameEscapeRegexp`,
 * `DefaultOutputFileTemplate`; prior-art.md §3.3):
 *
 *   {db}-schema-create.sql        {db}.{table}-schema.sql        {db}.{table}.{%09d}.csv
 *
 * `{db}` and `{table}` are escaped: every byte in [\x00-\x1f % " * . / : < > ? \ |] becomes
 * `%XX` (upper-case hex), and a literal "-schema" (any case) becomes "%2D" + "schema" as typed.
 * Because "%" and "." are escaped, the mapping is reversible (`unescapeName`) and no name can
 * contain a path separator, be "." or "..", or collide with the `-schema` suffixes.
 *
 * Example: db "a/b", table "../x-Schema" -> "a%2Fb.%2E%2E%2Fx%2DSchema.000000000.csv".
 */
import { UserError } from '../errors.js';

const ESCAPE = /[\x00-\x1f%"*./:<>?\\|]|-schema/gi;

export function escapeName(name: string): string {
  return name.replace(ESCAPE, (m) => `%${m.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}${m.slice(1)}`);
}

export function unescapeName(escaped: string): string {
  return escaped.replace(/%([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
}

/** Longest file name most file systems accept (bytes). */
const NAME_MAX = 255;

function checked(name: string): string {
  // escapeName guarantees no "/" and no leading "."; this is the last line of defence.
  if (name.includes('/') || name.includes('\0') || name === '.' || name === '..' || name.length === 0) {
    throw new Error(`internal: unsafe output file name ${JSON.stringify(name)}`);
  }
  const bytes = Buffer.byteLength(name, 'utf8');
  if (bytes + 16 > NAME_MAX) {
    // +16 leaves room for ".tmp-<pid>" while the file is written
    throw new UserError(`output file name too long for the file system (${bytes} bytes): ${name}`);
  }
  return name;
}

export function schemaCreateFile(db: string): string {
  return checked(`${escapeName(db)}-schema-create.sql`);
}

export function tableSchemaFile(db: string, table: string): string {
  return checked(`${escapeName(db)}.${escapeName(table)}-schema.sql`);
}

export function dataFile(db: string, table: string, index: number, ext = 'csv'): string {
  if (!Number.isInteger(index) || index < 0 || index > 999_999_999) throw new Error(`internal: file index ${index}`);
  return checked(`${escapeName(db)}.${escapeName(table)}.${String(index).padStart(9, '0')}.${ext}`);
}

/** Rows whose value did not decode: one JSON object per line ({key, value, error}). */
export function rejectsFile(db: string, table: string): string {
  return checked(`${escapeName(db)}.${escapeName(table)}.rejects.jsonl`);
}

export const METADATA_FILE = 'metadata';

/**
 * Why this table's files cannot be named on a file system with 255-byte names (the longest of
 * its names: data file while written, `.incomplete` after corruption, rejects), or undefined.
 * Checked before anything of the table is written, so it becomes a per-table error.
 */
export function fileNameProblem(db: string, table: string): string | undefined {
  try {
    schemaCreateFile(db);
    tableSchemaFile(db, table);
    rejectsFile(db, table);
    checked(`${dataFile(db, table, 0)}.incomplete`);
    return undefined;
  } catch (e) {
    if (e instanceof UserError) return e.message;
    throw e;
  }
}
