/**
 * Names of the files in a RocksDB directory (facebook/rocksdb:file/filename.cc `ParseFileName`):
 *
 *   CURRENT              name of the live MANIFEST
 *   MANIFEST-NNNNNN      descriptor (VersionEdit log)
 *   NNNNNN.log           write-ahead log
 *   NNNNNN.sst / .ldb    table file (.ldb is the LevelDB-era alias)
 *   OPTIONS-NNNNNN       options text (options-file.ts; a hint for CF names only)
 *   IDENTITY, LOCK, LOG, LOG.old.*, *.dbtmp, archive/   ignored by a reader
 *
 * Numbers are decimal, zero-padded to at least 6 digits, possibly longer.
 * Listing only reads the directory (readdir + stat); nothing is opened for writing.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export interface NumberedFile {
  fileNumber: number;
  name: string;
  path: string;
  size: number;
}

export interface DbDirListing {
  dir: string;
  hasCurrent: boolean;
  manifests: NumberedFile[];
  wals: NumberedFile[];
  /** Table files by number (.sst preferred over .ldb when both exist). */
  tables: Map<number, NumberedFile>;
  /** OPTIONS-NNNNNN files, ascending. */
  options: NumberedFile[];
}

const RE_LOG = /^([0-9]+)\.log$/;
const RE_SST = /^([0-9]+)\.(sst|ldb)$/;
const RE_MANIFEST = /^MANIFEST-([0-9]+)$/;
const RE_OPTIONS = /^OPTIONS-([0-9]+)$/;

/** Parse a decimal file number (rejects numbers beyond 2^53). */
function num(s: string): number | undefined {
  const n = Number(s);
  return Number.isSafeInteger(n) ? n : undefined;
}

export function listDbDir(dir: string): DbDirListing {
  const out: DbDirListing = { dir, hasCurrent: false, manifests: [], wals: [], tables: new Map(), options: [] };
  for (const ent of readdirSync(dir, { withFileTypes: true })) {
    if (!ent.isFile()) continue;
    const name = ent.name;
    if (name === 'CURRENT') {
      out.hasCurrent = true;
      continue;
    }
    let m = RE_LOG.exec(name);
    if (m !== null) {
      const n = num(m[1]!);
      if (n !== undefined) out.wals.push(file(dir, name, n));
      continue;
    }
    m = RE_SST.exec(name);
    if (m !== null) {
      const n = num(m[1]!);
      if (n === undefined) continue;
      const prev = out.tables.get(n);
      if (prev === undefined || m[2] === 'sst') out.tables.set(n, file(dir, name, n));
      continue;
    }
    m = RE_MANIFEST.exec(name);
    if (m !== null) {
      const n = num(m[1]!);
      if (n !== undefined) out.manifests.push(file(dir, name, n));
      continue;
    }
    m = RE_OPTIONS.exec(name);
    if (m !== null) {
      const n = num(m[1]!);
      if (n !== undefined) out.options.push(file(dir, name, n));
    }
  }
  out.options.sort((a, b) => a.fileNumber - b.fileNumber);
  out.wals.sort((a, b) => a.fileNumber - b.fileNumber);
  out.manifests.sort((a, b) => a.fileNumber - b.fileNumber);
  return out;
}

function file(dir: string, name: string, fileNumber: number): NumberedFile {
  const path = join(dir, name);
  return { fileNumber, name, path, size: statSync(path).size };
}

/** Canonical table file name for a number (6-digit zero padding). */
export function tableFileName(n: number): string {
  return `${String(n).padStart(6, '0')}.sst`;
}
