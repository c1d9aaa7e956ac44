/**
 * What a salvage read (`RocksDb.open(dir, { salvage: true })`) could not read, per SST file.
 * Built from SalvagedSst (sst-salvage.ts); the export layer maps the key ranges to tables.
 */
import { compareBytes } from './internal-key.js';
import type { SalvagedSst } from './sst-salvage.js';
import type { LiveFile } from './types.js';

export interface LostRange {
  cf: string;
  file: string;
  fileNumber: number;
  level: number;
  /** 'data': data blocks; 'range-deletions': tombstones unreadable (rows in the range may be
   *  deleted); 'file': the whole file (missing, or nothing verifiable). */
  kind: 'data' | 'range-deletions' | 'file';
  /** File offset of the damage and where readable data resumes (exclusive). */
  offset: number;
  end: number;
  /** Data blocks lost, when the index says. */
  blocks: number | undefined;
  /** Inclusive user-key bounds (undefined = unbounded). */
  smallest: Uint8Array | undefined;
  largest: Uint8Array | undefined;
  reason: string;
}

export interface FileLoss {
  cf: string;
  file: string;
  fileNumber: number;
  level: number;
  mode: 'index' | 'sequential' | 'missing';
  entriesRead: number;
  /** rocksdb.num.entries - rocksdb.num.range-deletions, when the properties block reads. */
  entriesExpected: number | undefined;
  /** entriesExpected - entriesRead, when known. */
  entriesLost: number | undefined;
  dataBlocksRead: number;
  dataBlocksExpected: number | undefined;
  ranges: LostRange[];
  notes: string[];
}

/** The loss record of one file (undefined when it read completely). */
export function fileLoss(f: LiveFile, t: SalvagedSst): FileLoss | undefined {
  const ranges: LostRange[] = t.lost.map((l) => ({
    cf: f.cf,
    file: f.path,
    fileNumber: f.fileNumber,
    level: f.level,
    kind: 'data',
    offset: l.offset,
    end: l.end,
    blocks: l.blocks,
    smallest: l.smallest,
    largest: l.largest,
    reason: l.reason,
  }));
  if (t.tombstonesLost !== undefined) {
    ranges.push({
      cf: f.cf,
      file: f.path,
      fileNumber: f.fileNumber,
      level: f.level,
      kind: 'range-deletions',
      offset: 0,
      end: t.size,
      blocks: undefined,
      smallest: f.level >= 0 ? f.smallestKey : undefined,
      largest: f.level >= 0 ? f.largestKey : undefined,
      reason: t.tombstonesLost,
    });
  }
  const expected = t.entriesExpected;
  const entriesLost = t.entriesLost;
  const blocksShort = t.dataBlocksExpected !== undefined && t.blocks.length < t.dataBlocksExpected;
  if (ranges.length === 0 && !(entriesLost !== undefined && entriesLost > 0) && !blocksShort) return undefined;
  if (ranges.length === 0) {
    // Fewer entries/blocks than the properties promise, with no damage seen: the file was cut
    // or the index lost blocks. Where is unknown: the whole file is uncertain.
    ranges.push(wholeFileRange(f, t.size, `read ${t.entriesRead} entries in ${t.blocks.length} blocks; properties say ${expected} in ${t.dataBlocksExpected}`));
  }
  return {
    cf: f.cf,
    file: f.path,
    fileNumber: f.fileNumber,
    level: f.level,
    mode: t.mode,
    entriesRead: t.entriesRead,
    entriesExpected: expected,
    entriesLost,
    dataBlocksRead: t.blocks.length,
    dataBlocksExpected: t.dataBlocksExpected,
    ranges,
    notes: [...t.notes, ...(t.openError !== undefined ? [`normal open failed: ${t.openError.message}`] : [])],
  };
}

/** All of a file is lost or uncertain: its key bounds are the MANIFEST's (none in fallback mode). */
function wholeFileRange(f: LiveFile, size: number, reason: string): LostRange {
  return {
    cf: f.cf,
    file: f.path,
    fileNumber: f.fileNumber,
    level: f.level,
    kind: 'file',
    offset: 0,
    end: size,
    blocks: undefined,
    smallest: f.level >= 0 ? f.smallestKey : undefined,
    largest: f.level >= 0 ? f.largestKey : undefined,
    reason,
  };
}

/** A live file that is not there at all. */
export function missingFileLoss(f: LiveFile, reason: string): FileLoss {
  return {
    cf: f.cf,
    file: f.path,
    fileNumber: f.fileNumber,
    level: f.level,
    mode: 'missing',
    entriesRead: 0,
    entriesExpected: undefined,
    entriesLost: undefined,
    dataBlocksRead: 0,
    dataBlocksExpected: undefined,
    ranges: [wholeFileRange(f, f.size, reason)],
    notes: [],
  };
}

/** Does [smallest, largest] (inclusive, undefined = unbounded) meet [start, end) (end undefined = +inf)? */
export function rangeOverlaps(r: { smallest: Uint8Array | undefined; largest: Uint8Array | undefined }, start: Uint8Array | undefined, end: Uint8Array | undefined): boolean {
  if (end !== undefined && end.length > 0 && r.smallest !== undefined && compareBytes(r.smallest, end) >= 0) return false;
  if (start !== undefined && r.largest !== undefined && compareBytes(r.largest, start) < 0) return false;
  return true;
}
