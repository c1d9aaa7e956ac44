/**
 * TiDB table / record / index keys (raw key space, i.e. after TiKV's memcomparable layer is
 * removed). Source: pingcap/tidb:pkg/tablecodec/tablecodec.go (EncodeRowKey, DecodeRecordKey,
 * EncodeTableIndexPrefix, DecodeTableID), pkg/util/codec/number.go (EncodeInt).
 *
 *   table prefix   't' + EncodeInt(tableID)                        9 bytes  e.g. t{1} = 74 8000000000000001
 *   record prefix  't' + EncodeInt(tableID) + "_r"                11 bytes
 *   record key     record prefix + handle
 *                    int handle:    EncodeInt(handle), 8 bytes, no flag  (19-byte key)
 *                    common handle: EncodeKey(PK datums) — flag-prefixed comparable datums, >= 9 bytes
 *   index prefix   't' + EncodeInt(tableID) + "_i" + EncodeInt(indexID)
 *   API v2 keyspace: 'x' + 3-byte BE keyspace id precedes the key (stripped by decodeRecordKey).
 * Record range [t{id}_r, t{id}_s): every int handle (negative ones sort first, i64::MAX last)
 * and every common handle (datum flags are < 0x80 but all keys share the "_r" prefix) is inside.
 */
import { DataError, hex } from '../errors.js';
import { decodeCmpInt, encodeCmpInt } from './codec-number.js';

export type Handle = { kind: 'int'; value: bigint } | { kind: 'common'; bytes: Uint8Array };

export interface RecordKey {
  tableId: number;
  handle: Handle;
  /** API v2 keyspace id when the key carried an 'x' prefix. */
  keyspaceId?: number;
}

const T = 0x74; // 't'
const SEP = 0x5f; // '_'
const R = 0x72; // 'r'
const I = 0x69; // 'i'
const X = 0x78; // 'x'

export const RECORD_PREFIX_LEN = 11;
export const RECORD_ROW_KEY_LEN = 19;

export function tablePrefix(tableId: number | bigint): Uint8Array {
  const out = new Uint8Array(9);
  out[0] = T;
  out.set(encodeCmpInt(BigInt(tableId)), 1);
  return out;
}

export function recordPrefix(physicalId: number | bigint): Uint8Array {
  const out = new Uint8Array(RECORD_PREFIX_LEN);
  out.set(tablePrefix(physicalId), 0);
  out[9] = SEP;
  out[10] = R;
  return out;
}

/** [t{id}_r, t{id}_s) in raw-key space. */
export function recordRange(physicalId: number | bigint): { start: Uint8Array; end: Uint8Array } {
  const start = recordPrefix(physicalId);
  const end = start.slice();
  end[10] = R + 1;
  return { start, end };
}

export function indexPrefix(tableId: number | bigint, indexId: number | bigint): Uint8Array {
  const out = new Uint8Array(19);
  out.set(tablePrefix(tableId), 0);
  out[9] = SEP;
  out[10] = I;
  out.set(encodeCmpInt(BigInt(indexId)), 11);
  return out;
}

/** Record key for an int handle (used by tests and range arithmetic). */
export function intRecordKey(physicalId: number | bigint, handle: bigint): Uint8Array {
  const out = new Uint8Array(RECORD_ROW_KEY_LEN);
  out.set(recordPrefix(physicalId), 0);
  out.set(encodeCmpInt(handle), RECORD_PREFIX_LEN);
  return out;
}

export function decodeRecordKey(raw: Uint8Array): RecordKey {
  let key = raw;
  let keyspaceId: number | undefined;
  if (key.length > 4 && key[0] === X) {
    keyspaceId = (key[1]! << 16) | (key[2]! << 8) | key[3]!;
    key = key.subarray(4);
  }
  if (key.length < RECORD_PREFIX_LEN || key[0] !== T || key[9] !== SEP || key[10] !== R) {
    throw new DataError(`not a TiDB record key: ${hex(raw)}`);
  }
  const id = decodeCmpInt(key, 1);
  if (id < BigInt(Number.MIN_SAFE_INTEGER) || id > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new DataError(`record key table id ${id} is outside the safe integer range: ${hex(raw)}`);
  }
  const suffix = key.subarray(RECORD_PREFIX_LEN);
  let handle: Handle;
  if (suffix.length === 8) {
    handle = { kind: 'int', value: decodeCmpInt(suffix, 0) };
  } else if (suffix.length >= 9) {
    handle = { kind: 'common', bytes: suffix };
  } else {
    throw new DataError(`record key handle of ${suffix.length} bytes (int handles are 8, common handles >= 9): ${hex(raw)}`);
  }
  return keyspaceId === undefined ? { tableId: Number(id), handle } : { tableId: Number(id), handle, keyspaceId };
}
