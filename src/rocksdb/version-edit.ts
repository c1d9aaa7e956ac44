/**
 * VersionEdit: one logical record of a MANIFEST.
 *
 * Byte layout (facebook/rocksdb:db/version_edit.h `Tag`, `NewFileCustomTag`;
 * db/version_edit.cc `VersionEdit::DecodeFrom`, `GetNewFile4`; db/wal_edit.cc;
 * db/blob/blob_file_addition.cc, blob_file_garbage.cc):
 *
 *   edit = (tag:varint32 fields)*
 *     1   comparator            LP name
 *     2   log number            varint64
 *     3   next file number      varint64
 *     4   last sequence         varint64
 *     5   compact cursor        varint32 level, LP internal key
 *     6   deleted file          varint32 level, varint64 number
 *     7   new file (LevelDB)    varint32 level, varint64 number, varint64 size, LP smallest, LP largest
 *     9   prev log number       varint64
 *     10  min log number to keep varint64
 *     100 new file 2            as 7 + varint64 smallest seq, varint64 largest seq
 *     102 new file 3            level, number, varint32 path id, size, LP smallest, LP largest, seqs
 *     103 new file 4            level, number, size, LP smallest, LP largest, smallest seq,
 *                               largest seq, then custom fields: (varint32 tag, LP value)* until
 *                               tag 1; tag 65 = path id (1 byte); any other unknown tag with
 *                               bit 6 (64) set is "must understand" -> we cannot read safely
 *     200 column family         varint32 id (rest of the edit applies to it)
 *     201 column family add     LP name
 *     202 column family drop    (no fields)
 *     203 max column family     varint32
 *     300 in atomic group       varint32 remaining entries after this one
 *     400 blob file addition    varint64 number, count, bytes, LP method, LP value, (varint32 tag,
 *                               LP value)* until tag 0
 *     401 blob file garbage     varint64 number, count, bytes, (varint32 tag, LP value)* until tag 0
 *     8196 WAL addition         varint64 log number, (varint32 tag [2: varint64 synced size])* until tag 1
 *     8197 WAL deletion         varint64 log number
 *     other tags with bit 13 (8192) set: varint32 length + bytes, safe to ignore
 *       (8193 db id, 8198 full history ts low, 8199/8200 WAL addition2/deletion2, ...)
 *   LP = varint32 length + bytes; smallest/largest are internal keys (user key + 8-byte trailer).
 */
import { FormatError, corruption, unsupported } from '../errors.js';
import { TRAILER_SIZE, trailerType } from './internal-key.js';
import { readLengthPrefixed, readVarint32Into, readVarint64Into, newNumRead, type NumRead } from './varint.js';

export const EditTag = {
  Comparator: 1,
  LogNumber: 2,
  NextFileNumber: 3,
  LastSequence: 4,
  CompactCursor: 5,
  DeletedFile: 6,
  NewFile: 7,
  PrevLogNumber: 9,
  MinLogNumberToKeep: 10,
  NewFile2: 100,
  NewFile3: 102,
  NewFile4: 103,
  ColumnFamily: 200,
  ColumnFamilyAdd: 201,
  ColumnFamilyDrop: 202,
  MaxColumnFamily: 203,
  InAtomicGroup: 300,
  BlobFileAddition: 400,
  BlobFileGarbage: 401,
  WalAddition: 8196,
  WalDeletion: 8197,
} as const;

const TAG_SAFE_IGNORE = 1 << 13;
const CUSTOM_TAG_MUST_UNDERSTAND = 1 << 6;
const CUSTOM_TAG_PATH_ID = 65;

export interface NewFileEntry {
  level: number;
  fileNumber: number;
  /** db_paths index; 0 = the DB directory. */
  pathId: number;
  size: number;
  smallestKey: Uint8Array; // user key
  largestKey: Uint8Array; // user key
  smallestSeq: number;
  largestSeq: number;
  /** Type byte of the smallest/largest internal key (0xF when a range tombstone bounds the file). */
  smallestType: number;
  largestType: number;
  epochNumber?: number;
}

export interface VersionEdit {
  comparator?: string;
  logNumber?: number;
  prevLogNumber?: number;
  nextFileNumber?: number;
  lastSequence?: number;
  minLogNumberToKeep?: number;
  maxColumnFamily?: number;
  /** CF the edit applies to (tag 200); 0 when absent. */
  columnFamily: number;
  columnFamilyAdd?: string;
  columnFamilyDrop: boolean;
  /** Remaining edits in the atomic group after this one (tag 300). */
  atomicGroupRemaining?: number;
  deletedFiles: { level: number; fileNumber: number }[];
  newFiles: NewFileEntry[];
  blobFileAdditions: number[];
  walAdditions: { logNumber: number; syncedSize?: number }[];
  walDeletions: number[];
}

interface Ctx {
  file: string | undefined;
  offset: number | undefined;
  buf: Uint8Array;
  tmp: NumRead;
}

function fail(ctx: Ctx, at: number, message: string, found?: string): FormatError {
  return corruption(`VersionEdit: ${message}`, {
    file: ctx.file,
    offset: ctx.offset,
    context: `edit byte ${at}`,
    found,
  });
}

function v32(ctx: Ctx, p: number): number {
  readVarint32Into(ctx.buf, p, ctx.tmp);
  return ctx.tmp.value;
}
function v64(ctx: Ctx, p: number): number {
  readVarint64Into(ctx.buf, p, ctx.tmp);
  return ctx.tmp.value;
}
function lp(ctx: Ctx, p: number): Uint8Array {
  const r = readLengthPrefixed(ctx.buf, p);
  ctx.tmp.next = r.next;
  return r.value;
}

interface IKey {
  userKey: Uint8Array;
  type: number;
}

function ikey(ctx: Ctx, p: number, what: string): IKey {
  const k = lp(ctx, p);
  if (k.length < TRAILER_SIZE) throw fail(ctx, p, `${what} internal key shorter than 8 bytes`, `${k.length} bytes`);
  // The trailer's seq is not needed (the edit carries smallest/largest seq separately) and may
  // be kMaxSequenceNumber (2^56-1) for a range-tombstone bound, which is not a safe JS integer.
  return { userKey: k.slice(0, k.length - TRAILER_SIZE), type: trailerType(k, k.length) };
}

/** Parse the new-file forms 7, 100, 102, 103 starting right after the tag. */
function newFile(ctx: Ctx, tag: number, start: number): { entry: NewFileEntry; next: number } {
  let p = start;
  const level = v32(ctx, p);
  p = ctx.tmp.next;
  const fileNumber = v64(ctx, p);
  p = ctx.tmp.next;
  let pathId = 0;
  if (tag === EditTag.NewFile3) {
    pathId = v32(ctx, p);
    p = ctx.tmp.next;
  }
  const size = v64(ctx, p);
  p = ctx.tmp.next;
  const smallest = ikey(ctx, p, 'smallest');
  p = ctx.tmp.next;
  const largest = ikey(ctx, p, 'largest');
  p = ctx.tmp.next;
  let smallestSeq = 0;
  let largestSeq = 0;
  if (tag !== EditTag.NewFile) {
    smallestSeq = v64(ctx, p);
    p = ctx.tmp.next;
    largestSeq = v64(ctx, p);
    p = ctx.tmp.next;
  }
  const entry: NewFileEntry = {
    level,
    fileNumber,
    pathId,
    size,
    smallestKey: smallest.userKey,
    largestKey: largest.userKey,
    smallestSeq,
    largestSeq,
    smallestType: smallest.type,
    largestType: largest.type,
  };
  if (tag === EditTag.NewFile4) {
    for (;;) {
      const at = p;
      const custom = v32(ctx, p);
      p = ctx.tmp.next;
      if (custom === 1) break; // terminate
      const field = lp(ctx, p);
      p = ctx.tmp.next;
      if (custom === CUSTOM_TAG_PATH_ID) {
        if (field.length !== 1) throw fail(ctx, at, 'path id field is not 1 byte', `${field.length} bytes`);
        entry.pathId = field[0]!;
      } else if (custom === 13) {
        readVarint64Into(field, 0, ctx.tmp);
        entry.epochNumber = ctx.tmp.value;
      } else if ((custom & CUSTOM_TAG_MUST_UNDERSTAND) !== 0) {
        throw unsupported('MANIFEST new-file field that must be understood is unknown', {
          file: ctx.file,
          offset: ctx.offset,
          context: `edit byte ${at}, file ${fileNumber}`,
          found: `custom tag ${custom}`,
        });
      }
      // 2..17 (need compaction, min log hack, blob, times, checksum, temperature, timestamps,
      // unique id, compensated size, tail size, UDT persisted, ...) and unknown safe tags: skip.
    }
  }
  return { entry, next: p };
}

/** Skip blob file addition/garbage custom fields: (varint32 tag, LP value)* until tag 0. */
function skipBlobCustomFields(ctx: Ctx, start: number): number {
  let p = start;
  for (;;) {
    const at = p;
    const t = v32(ctx, p);
    p = ctx.tmp.next;
    if (t === 0) return p;
    lp(ctx, p);
    p = ctx.tmp.next;
    if ((t & CUSTOM_TAG_MUST_UNDERSTAND) !== 0) {
      throw unsupported('MANIFEST blob-file field that must be understood is unknown', {
        file: ctx.file,
        offset: ctx.offset,
        context: `edit byte ${at}`,
        found: `custom tag ${t}`,
      });
    }
  }
}

/**
 * Decode one VersionEdit. `file`/`offset` (the record's position in the MANIFEST) only label
 * errors. Unknown tags below 8192 are corruption, as in RocksDB ("VersionEdit: unknown tag").
 */
export function parseVersionEdit(buf: Uint8Array, file?: string, offset?: number): VersionEdit {
  const ctx: Ctx = { file, offset, buf, tmp: newNumRead() };
  const edit: VersionEdit = {
    columnFamily: 0,
    columnFamilyDrop: false,
    deletedFiles: [],
    newFiles: [],
    blobFileAdditions: [],
    walAdditions: [],
    walDeletions: [],
  };
  let p = 0;
  try {
    while (p < buf.length) {
      const at = p;
      const tag = v32(ctx, p);
      p = ctx.tmp.next;
      switch (tag) {
        case EditTag.Comparator:
          edit.comparator = new TextDecoder().decode(lp(ctx, p));
          p = ctx.tmp.next;
          break;
        case EditTag.LogNumber:
          edit.logNumber = v64(ctx, p);
          p = ctx.tmp.next;
          break;
        case EditTag.NextFileNumber:
          edit.nextFileNumber = v64(ctx, p);
          p = ctx.tmp.next;
          break;
        case EditTag.LastSequence:
          edit.lastSequence = v64(ctx, p);
          p = ctx.tmp.next;
          break;
        case EditTag.CompactCursor:
          v32(ctx, p);
          lp(ctx, ctx.tmp.next);
          p = ctx.tmp.next;
          break;
        case EditTag.DeletedFile: {
          const level = v32(ctx, p);
          const fileNumber = v64(ctx, ctx.tmp.next);
          p = ctx.tmp.next;
          edit.deletedFiles.push({ level, fileNumber });
          break;
        }
        case EditTag.NewFile:
        case EditTag.NewFile2:
        case EditTag.NewFile3:
        case EditTag.NewFile4: {
          const r = newFile(ctx, tag, p);
          edit.newFiles.push(r.entry);
          p = r.next;
          break;
        }
        case EditTag.PrevLogNumber:
          edit.prevLogNumber = v64(ctx, p);
          p = ctx.tmp.next;
          break;
        case EditTag.MinLogNumberToKeep:
          edit.minLogNumberToKeep = v64(ctx, p);
          p = ctx.tmp.next;
          break;
        case EditTag.ColumnFamily:
          edit.columnFamily = v32(ctx, p);
          p = ctx.tmp.next;
          break;
        case EditTag.ColumnFamilyAdd:
          edit.columnFamilyAdd = new TextDecoder().decode(lp(ctx, p));
          p = ctx.tmp.next;
          break;
        case EditTag.ColumnFamilyDrop:
          edit.columnFamilyDrop = true;
          break;
        case EditTag.MaxColumnFamily:
          edit.maxColumnFamily = v32(ctx, p);
          p = ctx.tmp.next;
          break;
        case EditTag.InAtomicGroup:
          edit.atomicGroupRemaining = v32(ctx, p);
          p = ctx.tmp.next;
          break;
        case EditTag.BlobFileAddition: {
          const n = v64(ctx, p);
          v64(ctx, ctx.tmp.next);
          v64(ctx, ctx.tmp.next);
          lp(ctx, ctx.tmp.next);
          lp(ctx, ctx.tmp.next);
          p = skipBlobCustomFields(ctx, ctx.tmp.next);
          edit.blobFileAdditions.push(n);
          break;
        }
        case EditTag.BlobFileGarbage:
          v64(ctx, p);
          v64(ctx, ctx.tmp.next);
          v64(ctx, ctx.tmp.next);
          p = skipBlobCustomFields(ctx, ctx.tmp.next);
          break;
        case EditTag.WalAddition: {
          const logNumber = v64(ctx, p);
          p = ctx.tmp.next;
          const w: { logNumber: number; syncedSize?: number } = { logNumber };
          for (;;) {
            const t = v32(ctx, p);
            p = ctx.tmp.next;
            if (t === 1) break;
            if (t === 2) {
              w.syncedSize = v64(ctx, p);
              p = ctx.tmp.next;
            } else {
              throw fail(ctx, p, 'unknown WAL addition tag', `${t}`);
            }
          }
          edit.walAdditions.push(w);
          break;
        }
        case EditTag.WalDeletion:
          edit.walDeletions.push(v64(ctx, p));
          p = ctx.tmp.next;
          break;
        default:
          if ((tag & TAG_SAFE_IGNORE) !== 0) {
            lp(ctx, p); // length-prefixed payload we do not need
            p = ctx.tmp.next;
          } else {
            throw fail(ctx, at, 'unknown tag', `tag ${tag}`);
          }
      }
    }
  } catch (e) {
    if (e instanceof FormatError && e.file === undefined) {
      // The log record's checksum was fine, so a field running off the end is corruption.
      const code = e.code === 'truncated' ? 'corruption' : e.code;
      throw new FormatError(code, `VersionEdit: ${e.message.replace(/^\w+: /, '')}`, { file, offset });
    }
    throw e;
  }
  return edit;
}
