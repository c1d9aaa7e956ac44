/**
 * Test-side row encoders (tikv-tidb-encoding.md §5): row format v2
 * (pingcap/tidb:pkg/util/rowcodec/encoder.go, row.go) and the old v1 datum row
 * (pingcap/tidb:pkg/tablecodec/tablecodec.go EncodeOldRow).
 */
import { crc32 } from 'node:zlib';
import { type Bytes, concat, u16LE, u32LE, varint } from './codec.js';
import { type Datum, encodeValueDatum } from './tidb-keys.js';

export interface V2Column {
  id: number;
  /** Column bytes in the v2 value form, or null for SQL NULL. */
  value: Bytes | null;
}

export interface V2Options {
  /** Force the large layout (4-byte ids and offsets) even when not needed. */
  large?: boolean;
  /**
   * Append a checksum trailer (flag 0x02): header byte (version in bits 0-2) + u32LE checksum.
   * The checksum value is CRC32 of the row bytes before the trailer — a placeholder, not TiDB's
   * exact algorithm; readers are expected to skip it (TiKV only checks the trailer length).
   */
  checksum?: { version: number; extra?: boolean };
}

/**
 * Row v2:
 *   0x80 | flags(1: large 0x01, checksum 0x02) | u16LE notNullCount | u16LE nullCount
 *   | notNull ids asc | null ids asc   (1 byte each small, u32LE large)
 *   | end offsets of not-null values (u16LE small, u32LE large) | data | [checksum trailer]
 */
export function encodeRowV2(cols: V2Column[], opts: V2Options = {}): Bytes {
  const notNull = cols.filter((c) => c.value !== null).sort((a, b) => a.id - b.id);
  const nulls = cols.filter((c) => c.value === null).sort((a, b) => a.id - b.id);
  const data = concat(...notNull.map((c) => c.value as Bytes));
  const large = opts.large === true || data.length > 0xffff || cols.some((c) => c.id > 255);
  let flags = large ? 0x01 : 0;
  if (opts.checksum) flags |= 0x02;
  const idBytes = (id: number): Bytes => (large ? u32LE(id) : new Uint8Array([id]));
  const offBytes = (o: number): Bytes => (large ? u32LE(o) : u16LE(o));
  const ends: number[] = [];
  let end = 0;
  for (const c of notNull) {
    end += (c.value as Bytes).length;
    ends.push(end);
  }
  const body = concat(
    new Uint8Array([0x80, flags]),
    u16LE(notNull.length),
    u16LE(nulls.length),
    ...notNull.map((c) => idBytes(c.id)),
    ...nulls.map((c) => idBytes(c.id)),
    ...ends.map(offBytes),
    data,
  );
  if (!opts.checksum) return body;
  const header = (opts.checksum.version & 0x07) | (opts.checksum.extra ? 0x08 : 0);
  const sum = crc32(body) >>> 0;
  const parts = [body, new Uint8Array([header]), u32LE(sum)];
  if (opts.checksum.extra) parts.push(u32LE(sum ^ 0xffffffff));
  return concat(...parts);
}

/** Row v1: for each column `08`+varint(colID) then EncodeValue(datum); no columns -> `00`. */
export function encodeRowV1(cols: { id: number; datum: Datum }[]): Bytes {
  if (cols.length === 0) return new Uint8Array([0x00]);
  return concat(...cols.flatMap((c) => [new Uint8Array([0x08]), varint(c.id), encodeValueDatum(c.datum)]));
}
