/**
 * Row format v1 ("old row"), written by TiDB < 4.0 and with tidb_row_format_version = 1.
 * Source: pingcap/tidb:pkg/tablecodec/tablecodec.go (EncodeOldRow, DecodeRowWithMap, Unflatten).
 *
 *   value = (colID datum, value datum)*   — EncodeValue datums (see datum.ts); colID is an int
 *           datum (varint flag 08); an empty row is the single NilFlag byte 00.
 *   e.g. cols 1..4 = (1, 2, 3, NULL): 08 02 08 02 | 08 04 08 04 | 08 06 08 06 | 08 08 00
 * Values were "flattened" before encoding: times -> packed uint, durations -> int ns,
 * enum/set/bit -> uint; the renderer "unflattens" by column type.
 */
import { DataError } from '../errors.js';
import { decodeDatum, type Datum } from './datum.js';

export function parseRowV1(buf: Uint8Array): Map<number, Datum> {
  const out = new Map<number, Datum>();
  if (buf.length === 0 || (buf.length === 1 && buf[0] === 0)) return out;
  let off = 0;
  while (off < buf.length) {
    const { datum: id, end } = decodeDatum(buf, off);
    if (id.kind !== 'int' && id.kind !== 'uint') {
      throw new DataError(`row v1 column id at offset ${off} is a ${id.kind} datum, not an integer`);
    }
    if (end >= buf.length) throw new DataError(`row v1 column id ${id.value} at offset ${off} has no value`);
    if (id.value < 0n || id.value > 0xffffffffn) throw new DataError(`row v1 column id ${id.value} out of range`);
    const colId = Number(id.value);
    if (out.has(colId)) throw new DataError(`row v1 column id ${colId} appears twice`);
    const v = decodeDatum(buf, end);
    out.set(colId, v.datum);
    off = v.end;
  }
  return out;
}
