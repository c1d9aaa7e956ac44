/**
 * WriteBatch: the payload of one logical WAL record.
 *
 * Byte layout (facebook/rocksdb:db/write_batch.cc, WriteBatchInternal / ReadRecordFromWriteBatch;
 * tags from db/dbformat.h):
 *
 *   batch   = sequence:fixed64  count:fixed32  record*
 *   record  = tag:u8 fields
 *     0x01 put            key value           0x05 CF put            cf:varint32 key value
 *     0x00 delete         key                 0x04 CF delete         cf key
 *     0x07 single delete  key                 0x08 CF single delete  cf key
 *     0x0F range delete   begin end           0x0E CF range delete   cf begin end
 *     0x02 merge          key value           0x06 CF merge          cf key value
 *     0x11 blob index     key value           0x10 CF blob index     cf key value
 *     0x16 entity         key value           0x17 CF entity         cf key value
 *     0x18 timed put      key value           0x19 CF timed put      cf key value
 *     0x03 log data       blob                (no sequence, not counted)
 *     0x0D noop                               (not counted)
 *     0x09 begin prepare, 0x12 begin persisted prepare, 0x13 begin unprepare (no fields)
 *     0x0A end prepare xid, 0x0B commit xid, 0x0C rollback xid (one slice each)
 *     0x15 commit xid and timestamp (timestamp slice, xid slice)
 *     (2PC markers are not data records; they are counted in `twoPhaseMarkers` so the WAL
 *     replay can refuse them rather than show prepared-but-uncommitted data)
 *   key, value, begin, end, blob, xid: varint32 length + bytes
 *
 * The k-th data record (k from 0; puts, deletes, single deletes, range deletes, merges, blob
 * indexes, entities, timed puts) has sequence `sequence + k`; `count` must equal the number of
 * data records (RocksDB: "WriteBatch has wrong count").
 */
import { corruption, unsupported, FormatError, hex } from '../errors.js';
import { ValueType } from './types.js';
import { readFixed32, readFixed64, readVarint32Into, newNumRead, type NumRead } from './varint.js';

export const WRITE_BATCH_HEADER_SIZE = 12;

/** One data record of a batch. Reused between callbacks: copy what you keep (or keep views). */
export interface BatchEntry {
  /** ValueType of the memtable entry: Value, Deletion, SingleDeletion, RangeDeletion, Merge, BlobIndex, ... */
  kind: number;
  cfId: number;
  /** Key (or range begin); a view into the batch. */
  key: Uint8Array;
  /** Value (or range end; empty for deletes); a view into the batch. */
  value: Uint8Array;
  seq: number;
  /** Offset of the record's tag byte inside the batch. */
  offset: number;
}

export interface WriteBatchHeader {
  sequence: number;
  count: number;
  /** Two-phase-commit markers seen (begin/end prepare, commit, rollback); 0 for TiKV. */
  twoPhaseMarkers?: number;
}

const EMPTY = new Uint8Array(0);

export interface WriteBatchContext {
  /** File and absolute offset of the logical record, for error messages. */
  file?: string;
  offset?: number;
}

function slice(data: Uint8Array, p: number, tmp: NumRead, what: string, ctx: WriteBatchContext): Uint8Array {
  readVarint32Into(data, p, tmp);
  const end = tmp.next + tmp.value;
  if (end > data.length) {
    throw corruption(`WriteBatch ${what} runs past the end of the batch`, {
      file: ctx.file,
      offset: ctx.offset,
      context: `batch byte ${p}`,
      expected: `${tmp.value} bytes`,
      found: `${data.length - tmp.next} bytes`,
    });
  }
  const out = data.subarray(tmp.next, end);
  tmp.next = end;
  return out;
}

/** Parse the 12-byte header. */
export function parseWriteBatchHeader(data: Uint8Array, ctx: WriteBatchContext = {}): WriteBatchHeader {
  if (data.length < WRITE_BATCH_HEADER_SIZE) {
    throw corruption('WriteBatch shorter than its 12-byte header', {
      file: ctx.file,
      offset: ctx.offset,
      found: `${data.length} bytes`,
    });
  }
  try {
    return { sequence: readFixed64(data, 0), count: readFixed32(data, 8) };
  } catch (e) {
    throw e instanceof FormatError ? e.withLocation(ctx.file, ctx.offset) : e;
  }
}

/**
 * Walk every data record of a batch, calling `onEntry` with sequence numbers assigned.
 * Entry kinds the memtable cannot hold (merge, wide-column entity, timed put) are still
 * reported (kind Merge / WideColumnEntity / ValuePreferredSeqno): the caller decides whether
 * they matter (a merge in a dropped CF does not).
 */
export function parseWriteBatch(
  data: Uint8Array,
  onEntry: (e: BatchEntry) => void,
  ctx: WriteBatchContext = {},
): WriteBatchHeader {
  const header = parseWriteBatchHeader(data, ctx);
  const tmp = newNumRead();
  const entry: BatchEntry = { kind: 0, cfId: 0, key: EMPTY, value: EMPTY, seq: 0, offset: 0 };
  let p = WRITE_BATCH_HEADER_SIZE;
  let k = 0;
  let markers = 0;
  try {
    while (p < data.length) {
      const at = p;
      const tag = data[p++]!;
      let cfId = 0;
      let kind: number;
      let hasValue = false;
      switch (tag) {
        case 0x01:
          kind = ValueType.Value;
          hasValue = true;
          break;
        case 0x05:
          kind = ValueType.Value;
          hasValue = true;
          cfId = -1;
          break;
        case 0x00:
          kind = ValueType.Deletion;
          break;
        case 0x04:
          kind = ValueType.Deletion;
          cfId = -1;
          break;
        case 0x07:
          kind = ValueType.SingleDeletion;
          break;
        case 0x08:
          kind = ValueType.SingleDeletion;
          cfId = -1;
          break;
        case 0x0f:
          kind = ValueType.RangeDeletion;
          hasValue = true;
          break;
        case 0x0e:
          kind = ValueType.RangeDeletion;
          hasValue = true;
          cfId = -1;
          break;
        case 0x02:
          kind = ValueType.Merge;
          hasValue = true;
          break;
        case 0x06:
          kind = ValueType.Merge;
          hasValue = true;
          cfId = -1;
          break;
        case 0x11:
          kind = ValueType.BlobIndex;
          hasValue = true;
          break;
        case 0x10:
          kind = ValueType.BlobIndex;
          hasValue = true;
          cfId = -1;
          break;
        case 0x16:
          kind = ValueType.WideColumnEntity;
          hasValue = true;
          break;
        case 0x17:
          kind = ValueType.WideColumnEntity;
          hasValue = true;
          cfId = -1;
          break;
        case 0x18:
          kind = ValueType.ValuePreferredSeqno;
          hasValue = true;
          break;
        case 0x19:
          kind = ValueType.ValuePreferredSeqno;
          hasValue = true;
          cfId = -1;
          break;
        case 0x03: // log data: one blob, no sequence
          slice(data, p, tmp, 'log data', ctx);
          p = tmp.next;
          continue;
        case 0x0d: // noop
          continue;
        case 0x09: // begin prepare
        case 0x12: // begin persisted prepare
        case 0x13: // begin unprepare
          markers++;
          continue;
        case 0x0a: // end prepare (xid)
        case 0x0b: // commit (xid)
        case 0x0c: // rollback (xid)
          markers++;
          slice(data, p, tmp, 'xid', ctx);
          p = tmp.next;
          continue;
        case 0x15: // commit with timestamp: timestamp, xid
          markers++;
          slice(data, p, tmp, 'commit timestamp', ctx);
          slice(data, tmp.next, tmp, 'xid', ctx);
          p = tmp.next;
          continue;
        default:
          throw corruption('unknown WriteBatch tag', {
            file: ctx.file,
            offset: ctx.offset,
            context: `batch byte ${at}`,
            found: `0x${tag.toString(16)}`,
          });
      }
      if (cfId === -1) {
        readVarint32Into(data, p, tmp);
        cfId = tmp.value;
        p = tmp.next;
      }
      entry.key = slice(data, p, tmp, 'key', ctx);
      p = tmp.next;
      if (hasValue) {
        entry.value = slice(data, p, tmp, 'value', ctx);
        p = tmp.next;
      } else {
        entry.value = EMPTY;
      }
      entry.kind = kind;
      entry.cfId = cfId;
      entry.seq = header.sequence + k;
      entry.offset = at;
      if (entry.seq > Number.MAX_SAFE_INTEGER) {
        throw new FormatError('overflow', 'sequence number above 2^53-1', { file: ctx.file, offset: ctx.offset });
      }
      k++;
      onEntry(entry);
    }
  } catch (e) {
    throw e instanceof FormatError ? e.withLocation(ctx.file, ctx.offset) : e;
  }
  header.twoPhaseMarkers = markers;
  if (k !== header.count) {
    throw corruption('WriteBatch has wrong count', {
      file: ctx.file,
      offset: ctx.offset,
      expected: `${header.count} data records`,
      found: `${k}`,
    });
  }
  return header;
}

/** The 'unsupported' error for a merge operand that would have to be applied. */
export function mergeUnsupported(file: string | undefined, offset: number | undefined, key: Uint8Array): FormatError {
  return unsupported('merge operands are not supported (TiKV does not use merge)', {
    file,
    offset,
    context: `key ${hex(key)}`,
  });
}
