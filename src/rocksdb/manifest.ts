/**
 * CURRENT and the MANIFEST: which SST files are live, per column family and level.
 *
 * Layout (facebook/rocksdb:file/filename.cc `CurrentFileName`, `DescriptorFileName`;
 * db/version_set.cc `VersionSet::Recover`, `VersionEditHandler`):
 *
 *   CURRENT         "MANIFEST-NNNNNN\n" (text; the trailing newline is required)
 *   MANIFEST-NNNNNN log-format file (log-reader.ts); every logical record is a VersionEdit
 *                   (version-edit.ts). State is rebuilt by applying the edits in order:
 *                   CF 0 "default" exists from the start; tag 200 selects the CF an edit
 *                   applies to; 201 adds a CF, 202 drops it; files are added (100..103) and
 *                   deleted (6) per level; log number is per CF, last sequence and next file
 *                   number are global. Edits inside an atomic group (tag 300 with a count of
 *                   the remaining edits) are applied together once the group is complete; an
 *                   incomplete group at the end is discarded (as RocksDB does).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FormatError, corruption, truncated, unsupported } from '../errors.js';
import { readLogRecords } from './log-reader.js';
import { parseVersionEdit, type NewFileEntry, type VersionEdit } from './version-edit.js';

export const BYTEWISE_COMPARATOR = 'leveldb.BytewiseComparator';

export interface ManifestFile extends NewFileEntry {}

export interface ManifestCf {
  id: number;
  name: string;
  /** WALs with a smaller number hold nothing unflushed for this CF. */
  logNumber: number;
  comparator: string | undefined;
  dropped: boolean;
  /** Live files by file number. */
  files: Map<number, ManifestFile>;
}

export interface ManifestState {
  /** Column families by id, dropped ones included (flagged). */
  cfs: Map<number, ManifestCf>;
  lastSequence: number;
  nextFileNumber: number;
  prevLogNumber: number;
  minLogNumberToKeep: number;
  maxColumnFamily: number;
  /** Number of VersionEdit records applied. */
  edits: number;
  /** BlobDB (not Titan) blob files mentioned; TiKV does not use them. */
  blobFiles: number[];
  /** Oddities that did not stop the read (e.g. an incomplete atomic group at the end). */
  notes: string[];
  /** Salvage only: byte offset where a cut MANIFEST's torn record starts. */
  cutAt?: number;
}

export function emptyManifestState(): ManifestState {
  const cfs = new Map<number, ManifestCf>();
  cfs.set(0, { id: 0, name: 'default', logNumber: 0, comparator: undefined, dropped: false, files: new Map() });
  return {
    cfs,
    lastSequence: 0,
    nextFileNumber: 0,
    prevLogNumber: 0,
    minLogNumberToKeep: 0,
    maxColumnFamily: 0,
    edits: 0,
    blobFiles: [],
    notes: [],
  };
}

/** Apply one VersionEdit to the state (mutates `st`). */
export function applyVersionEdit(st: ManifestState, e: VersionEdit, file?: string, offset?: number): void {
  st.edits++;
  if (e.lastSequence !== undefined) st.lastSequence = e.lastSequence;
  if (e.nextFileNumber !== undefined) st.nextFileNumber = e.nextFileNumber;
  if (e.prevLogNumber !== undefined) st.prevLogNumber = e.prevLogNumber;
  if (e.minLogNumberToKeep !== undefined) st.minLogNumberToKeep = Math.max(st.minLogNumberToKeep, e.minLogNumberToKeep);
  if (e.maxColumnFamily !== undefined) st.maxColumnFamily = Math.max(st.maxColumnFamily, e.maxColumnFamily);
  for (const b of e.blobFileAdditions) st.blobFiles.push(b);

  let cf = st.cfs.get(e.columnFamily);
  if (e.columnFamilyAdd !== undefined) {
    if (cf !== undefined && !cf.dropped) {
      throw corruption('MANIFEST adds a column family id that already exists', {
        file,
        offset,
        found: `id ${e.columnFamily} (${cf.name}) re-added as ${e.columnFamilyAdd}`,
      });
    }
    cf = {
      id: e.columnFamily,
      name: e.columnFamilyAdd,
      logNumber: 0,
      comparator: undefined,
      dropped: false,
      files: new Map(),
    };
    st.cfs.set(e.columnFamily, cf);
    st.maxColumnFamily = Math.max(st.maxColumnFamily, e.columnFamily);
  }
  if (cf === undefined) {
    throw corruption('MANIFEST edit for a column family that was never added', {
      file,
      offset,
      found: `column family id ${e.columnFamily}`,
    });
  }
  if (e.columnFamilyDrop) {
    cf.dropped = true;
    cf.files.clear();
    return;
  }
  if (cf.dropped) return; // RocksDB ignores edits of a dropped CF
  if (e.comparator !== undefined) {
    cf.comparator = e.comparator;
    if (e.comparator !== BYTEWISE_COMPARATOR) {
      throw unsupported('column family uses a comparator other than the bytewise one', {
        file,
        offset,
        context: `column family ${cf.name}`,
        expected: BYTEWISE_COMPARATOR,
        found: e.comparator,
      });
    }
  }
  if (e.logNumber !== undefined) cf.logNumber = e.logNumber;
  for (const d of e.deletedFiles) cf.files.delete(d.fileNumber);
  for (const f of e.newFiles) cf.files.set(f.fileNumber, f);
}

/**
 * Parse a whole MANIFEST. Strict: a record cut by the end of the file (a torn tail) is a
 * 'truncated' FormatError with its offset, because the live-file list would silently miss the
 * last change; the caller (db.ts) decides whether to fall back.
 */
export function parseManifest(buf: Uint8Array, file?: string, opts: { allowTornTail?: boolean } = {}): ManifestState {
  const log = readLogRecords(buf, { file });
  let cut: string | undefined;
  if (log.tornTail !== null && opts.allowTornTail === true && log.records.length > 0) {
    // Salvage: every complete VersionEdit before the cut is used; the caller adds what the
    // lost edits may have created (table files numbered >= next_file_number).
    cut = `MANIFEST cut mid-record at byte ${log.tornTail.offset} (${log.tornTail.reason}): the ${log.records.length} complete edit(s) before it were used`;
  } else if (log.tornTail !== null) {
    throw truncated(`MANIFEST ends inside a record (${log.tornTail.reason})`, {
      file,
      offset: log.tornTail.offset,
    });
  }
  if (log.records.length === 0) {
    throw corruption('MANIFEST holds no records', { file, offset: 0 });
  }
  const st = emptyManifestState();
  let group: { edit: VersionEdit; offset: number }[] | null = null;
  for (const rec of log.records) {
    const edit = parseVersionEdit(rec.data, file, rec.offset);
    if (edit.atomicGroupRemaining !== undefined) {
      if (group === null) group = [];
      group.push({ edit, offset: rec.offset });
      if (edit.atomicGroupRemaining === 0) {
        for (const g of group) applyVersionEdit(st, g.edit, file, g.offset);
        group = null;
      }
      continue;
    }
    if (group !== null) {
      throw corruption('MANIFEST atomic group interrupted by an edit outside the group', {
        file,
        offset: rec.offset,
      });
    }
    applyVersionEdit(st, edit, file, rec.offset);
  }
  if (group !== null) {
    st.notes.push(`incomplete atomic group of ${group.length} edit(s) at the end of the MANIFEST ignored`);
  }
  if (cut !== undefined) {
    st.notes.push(cut);
    st.cutAt = log.tornTail!.offset;
  }
  return st;
}

/** Contents of CURRENT: the MANIFEST file name. */
export function parseCurrent(text: Uint8Array, file?: string): string {
  const s = new TextDecoder('utf-8', { fatal: false }).decode(text);
  const m = /^(MANIFEST-[0-9]+)\n$/.exec(s);
  if (m === null) {
    throw corruption('CURRENT does not name a MANIFEST', {
      file,
      offset: 0,
      expected: '"MANIFEST-NNNNNN\\n"',
      found: JSON.stringify(s.slice(0, 64)),
    });
  }
  return m[1]!;
}

/** Read CURRENT, then the MANIFEST it names. */
export function readManifestOfDb(dbDir: string, opts: { allowTornTail?: boolean } = {}): { manifest: string; state: ManifestState } {
  const currentPath = join(dbDir, 'CURRENT');
  const name = parseCurrent(readFileSync(currentPath, { flag: 'r' }), currentPath);
  const path = join(dbDir, name);
  const buf = readFileSync(path, { flag: 'r' });
  try {
    return { manifest: path, state: parseManifest(buf, path, opts) };
  } catch (e) {
    throw e instanceof FormatError ? e.withLocation(path) : e;
  }
}
