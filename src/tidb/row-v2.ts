/**
 * Row format v2 (pingcap/tidb:pkg/util/rowcodec/row.go fromBytes, common.go; TiKV mirror:
 * tikv/tikv:components/tidb_query_datatype/src/codec/row/v2/row_slice.rs).
 *
 *   off 0   0x80 (CodecVer)
 *   off 1   flags: 0x01 large, 0x02 checksum trailer present
 *   off 2   u16LE number of not-null columns (n)
 *   off 4   u16LE number of null columns (m)
 *   off 6   n not-null ids then m null ids: u8 each (small) / u32LE each (large)
 *           n end offsets into the data area: u16LE (small) / u32LE (large), cumulative
 *           data area (length = last end offset)
 *           [flag 0x02] checksum header byte (bit3 = extra checksum) + u32LE [+ u32LE]
 *   e.g. col 1 = int 2: 80 00 0100 0000 01 0100 02
 *        col 1 NULL, col 2 int 2: 80 00 0100 0100 02 01 0100 02
 * Column i's bytes are data[end[i-1] (or 0) .. end[i]]. TiDB's fromBytes trusts every length;
 * here every count, offset and the exact total length are checked (DataError).
 */
import { DataError } from '../errors.js';

export const ROW_V2_VERSION = 0x80;

export interface RowV2 {
  large: boolean;
  notNullIds: number[];
  nullIds: number[];
  /** Value bytes per not-null id (same order as notNullIds). */
  values: Uint8Array[];
  checksum: Uint8Array | null;
}

export function parseRowV2(buf: Uint8Array): RowV2 {
  if (buf.length < 6) throw new DataError(`row v2 header truncated: ${buf.length} bytes`);
  if (buf[0] !== ROW_V2_VERSION) throw new DataError(`row v2 version byte 0x${buf[0]!.toString(16)} is not 0x80`);
  const flags = buf[1]!;
  if ((flags & ~0x03) !== 0) throw new DataError(`row v2 unknown flags 0x${flags.toString(16)}`);
  const large = (flags & 0x01) !== 0;
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const n = dv.getUint16(2, true);
  const m = dv.getUint16(4, true);
  const idSize = large ? 4 : 1;
  const offSize = large ? 4 : 2;
  let p = 6;
  const headerEnd = p + (n + m) * idSize + n * offSize;
  if (headerEnd > buf.length) {
    throw new DataError(`row v2 header of ${n} not-null and ${m} null columns needs ${headerEnd} bytes, have ${buf.length}`);
  }
  const readId = (at: number): number => (large ? dv.getUint32(at, true) : buf[at]!);
  const notNullIds: number[] = [];
  for (let i = 0; i < n; i++, p += idSize) notNullIds.push(readId(p));
  const nullIds: number[] = [];
  for (let i = 0; i < m; i++, p += idSize) nullIds.push(readId(p));
  const ends: number[] = [];
  for (let i = 0; i < n; i++, p += offSize) ends.push(large ? dv.getUint32(p, true) : dv.getUint16(p, true));
  const dataStart = p;
  const values: Uint8Array[] = [];
  let prev = 0;
  for (let i = 0; i < n; i++) {
    const end = ends[i]!;
    if (end < prev) throw new DataError(`row v2 end offset ${end} of column ${notNullIds[i]} is before ${prev}`);
    if (dataStart + end > buf.length) {
      throw new DataError(`row v2 end offset ${end} of column ${notNullIds[i]} beyond the ${buf.length - dataStart} data bytes`);
    }
    values.push(buf.subarray(dataStart + prev, dataStart + end));
    prev = end;
  }
  const dataEnd = dataStart + prev;
  let checksum: Uint8Array | null = null;
  if ((flags & 0x02) !== 0) {
    if (dataEnd >= buf.length) throw new DataError('row v2 checksum flag set but the checksum header is missing');
    const header = buf[dataEnd]!;
    const len = (header & 0x08) !== 0 ? 9 : 5;
    if (buf.length - dataEnd !== len) {
      throw new DataError(`row v2 checksum trailer is ${buf.length - dataEnd} bytes, expected ${len}`);
    }
    checksum = buf.subarray(dataEnd);
  } else if (dataEnd !== buf.length) {
    throw new DataError(`row v2 has ${buf.length - dataEnd} bytes after its data area`);
  }
  checkAscending(notNullIds, 'not-null');
  checkAscending(nullIds, 'null');
  for (const id of nullIds) {
    if (findId(notNullIds, id) >= 0) throw new DataError(`row v2 column id ${id} is both null and not null`);
  }
  return { large, notNullIds, nullIds, values, checksum };
}

/** TiDB and TiKV binary-search each id list, so both must be strictly ascending. */
function checkAscending(ids: number[], which: string): void {
  for (let i = 1; i < ids.length; i++) {
    if (ids[i]! <= ids[i - 1]!) throw new DataError(`row v2 ${which} column ids not strictly ascending at ${ids[i]}`);
  }
}

/** Binary search in an ascending id list; -1 when absent. */
export function findId(ids: number[], id: number): number {
  let lo = 0;
  let hi = ids.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const v = ids[mid]!;
    if (v === id) return mid;
    if (v < id) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/** The value bytes of column `id`, `null` for SQL NULL, `undefined` when it is not stored. */
export function rowV2Get(row: RowV2, id: number): Uint8Array | null | undefined {
  const i = findId(row.notNullIds, id);
  if (i >= 0) return row.values[i]!;
  return findId(row.nullIds, id) >= 0 ? null : undefined;
}

/**
 * Column lookup: the value bytes, `null` for SQL NULL, `undefined` when the id is not stored.
 */
export function rowV2Lookup(row: RowV2): Map<number, Uint8Array | null> {
  const map = new Map<number, Uint8Array | null>();
  for (let i = 0; i < row.notNullIds.length; i++) map.set(row.notNullIds[i]!, row.values[i]!);
  for (const id of row.nullIds) map.set(id, null);
  return map;
}
