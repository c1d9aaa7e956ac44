/**
 * TiKV key layout in the KV RocksDB.
 * Sources: tikv/tikv:components/keys/src/lib.rs (DATA_PREFIX, LOCAL_PREFIX, STORE_IDENT_KEY,
 * region_state_key, apply_state_key, data_end_key), tikv/tikv:components/txn_types/src/types.rs
 * (`Key::from_raw`, `append_ts`, `split_on_ts_for`, `decode_ts_from`),
 * tikv/tikv:components/api_version/src/api_v2.rs (key modes).
 *
 *   data key (default/write CF):  7a | mc(rawKey) | u64BE(NOT ts)
 *   data key (lock CF):           7a | mc(rawKey)
 *   local keys:                   01 ...   (raft CF; STORE_IDENT_KEY 01 01 in the default CF)
 *     STORE_IDENT_KEY             01 01
 *     raft state                  01 02 | u64BE(region_id) | 02
 *     apply state                 01 02 | u64BE(region_id) | 03
 *     region state                01 03 | u64BE(region_id) | 01
 *
 * e.g. Key::from_raw("z").append_ts(1000) = 7a 00 00 00 00 00 00 00 f8 | ff ff ff ff ff ff fc 17
 * (the ts suffix is the complement, so newer versions sort first).
 */
import { FormatError, corruption, hex, truncated } from '../errors.js';
import type { KeyRange } from '../rocksdb/types.js';
import { compareBytes, cutBytes, decodeBytes, encodeBytes } from './memcomparable.js';
import { U64_MAX, readU64BE, writeU64BE } from './number-codec.js';

export const DATA_PREFIX = 0x7a; // 'z'
export const DATA_MIN_KEY = Uint8Array.of(DATA_PREFIX);
export const DATA_MAX_KEY = Uint8Array.of(DATA_PREFIX + 1); // '{'

export const LOCAL_PREFIX = 0x01;
export const LOCAL_MIN_KEY = Uint8Array.of(LOCAL_PREFIX);
export const LOCAL_MAX_KEY = Uint8Array.of(LOCAL_PREFIX + 1);
export const STORE_IDENT_KEY = Uint8Array.of(0x01, 0x01);
export const PREPARE_BOOTSTRAP_KEY = Uint8Array.of(0x01, 0x02);
export const RECOVER_STATE_KEY = Uint8Array.of(0x01, 0x03);

export const REGION_RAFT_PREFIX = 0x02;
export const REGION_META_PREFIX = 0x03;
export const RAFT_LOG_SUFFIX = 0x01;
export const RAFT_STATE_SUFFIX = 0x02;
export const APPLY_STATE_SUFFIX = 0x03;
export const SNAPSHOT_RAFT_STATE_SUFFIX = 0x04;
export const REGION_STATE_SUFFIX = 0x01;

/** Length of the timestamp suffix of write/default CF keys. */
export const TS_LEN = 8;

function regionKey(prefix: number, regionId: bigint, suffix: number): Uint8Array {
  const k = new Uint8Array(11);
  k[0] = LOCAL_PREFIX;
  k[1] = prefix;
  writeU64BE(k, 2, regionId);
  k[10] = suffix;
  return k;
}

export const regionStateKey = (regionId: bigint): Uint8Array =>
  regionKey(REGION_META_PREFIX, regionId, REGION_STATE_SUFFIX);
export const applyStateKey = (regionId: bigint): Uint8Array =>
  regionKey(REGION_RAFT_PREFIX, regionId, APPLY_STATE_SUFFIX);
export const raftStateKey = (regionId: bigint): Uint8Array =>
  regionKey(REGION_RAFT_PREFIX, regionId, RAFT_STATE_SUFFIX);

/** Key range of every region-meta key (01 03 ...). */
export const REGION_META_RANGE: KeyRange = {
  start: Uint8Array.of(LOCAL_PREFIX, REGION_META_PREFIX),
  end: Uint8Array.of(LOCAL_PREFIX, REGION_META_PREFIX + 1),
};

/**
 * Parse an 11-byte region local key (`01 02|03` + id + suffix). Returns undefined for anything
 * else, including the 2-byte RECOVER_STATE_KEY that shares its first two bytes (dispatch on
 * length, keys/src/lib.rs).
 */
export function parseRegionLocalKey(
  key: Uint8Array,
): { kind: 'raft' | 'meta'; regionId: bigint; suffix: number } | undefined {
  if (key.length !== 11 || key[0] !== LOCAL_PREFIX) return undefined;
  const p = key[1];
  if (p !== REGION_RAFT_PREFIX && p !== REGION_META_PREFIX) return undefined;
  return { kind: p === REGION_RAFT_PREFIX ? 'raft' : 'meta', regionId: readU64BE(key, 2).value, suffix: key[10]! };
}

/** 'z' + encoded. */
export function dataKey(encoded: Uint8Array): Uint8Array {
  const k = new Uint8Array(encoded.length + 1);
  k[0] = DATA_PREFIX;
  k.set(encoded, 1);
  return k;
}

/** 'z' + mc(raw): the lock-CF key of a raw key, and the prefix of its write/default keys. */
export function encodeDataKey(raw: Uint8Array): Uint8Array {
  return dataKey(encodeBytes(raw));
}

/** key + u64BE(NOT ts). */
export function appendTs(key: Uint8Array, ts: bigint): Uint8Array {
  if (ts < 0n || ts > U64_MAX) throw new RangeError(`timestamp out of range: ${ts}`);
  const k = new Uint8Array(key.length + TS_LEN);
  k.set(key, 0);
  writeU64BE(k, key.length, U64_MAX ^ ts);
  return k;
}

/** The timestamp stored as u64BE(NOT ts) at offset. */
export function decodeTs(buf: Uint8Array, offset: number): bigint {
  return U64_MAX ^ readU64BE(buf, offset).value;
}

/**
 * Split a write/default CF key into its user-key part (a subarray, no copy) and timestamp.
 * Throws 'truncated' when the key is shorter than the suffix.
 */
export function splitTs(key: Uint8Array): { userKey: Uint8Array; ts: bigint } {
  if (key.length < TS_LEN) {
    throw truncated('MVCC key shorter than its timestamp suffix', { context: `key ${hex(key)}`, expected: '>= 8 bytes', found: `${key.length}` });
  }
  const cut = key.length - TS_LEN;
  return { userKey: key.subarray(0, cut), ts: decodeTs(key, cut) };
}

/**
 * Check that `key` (a write/default CF key) is 'z' + whole memcomparable groups + 8-byte ts.
 * Only lengths and the prefix are checked (cheap); markers are checked when the raw key is
 * decoded. Returns the length of the user part ('z' + mc), or throws 'corruption'.
 */
export function checkDataKeyWithTs(key: Uint8Array): number {
  const userLen = key.length - TS_LEN;
  if (key.length === 0 || key[0] !== DATA_PREFIX || userLen < 10 || (userLen - 1) % 9 !== 0) {
    throw corruption('not an MVCC data key (z + memcomparable groups + 8-byte ts)', { context: `key ${hex(key)}` });
  }
  return userLen;
}

/** Decode the raw (TiDB) key from a data key 'z' + mc(raw) [+ ts]; the result is a copy. */
export function decodeDataKey(key: Uint8Array): Uint8Array {
  if (key.length === 0 || key[0] !== DATA_PREFIX) {
    throw corruption('data key does not start with z', { context: `key ${hex(key)}` });
  }
  try {
    return decodeBytes(key, 1).value;
  } catch (e) {
    if (e instanceof FormatError) {
      throw new FormatError(e.code, 'bad memcomparable user key', {
        offset: e.offset,
        expected: e.expected,
        found: e.found,
        context: `key ${hex(key)}`,
      });
    }
    throw e;
  }
}

/** Offset just past 'z' + mc(raw) in a data key (validates the groups, no copy). */
export function cutDataKey(key: Uint8Array): number {
  if (key.length === 0 || key[0] !== DATA_PREFIX) {
    throw corruption('data key does not start with z', { context: `key ${hex(key)}` });
  }
  return cutBytes(key, 1).end;
}

export interface RawRange {
  /** Inclusive raw (TiDB) start key; empty = from the first data key. */
  start: Uint8Array;
  /** Exclusive raw end key; empty = to the end of the data keys (like a region's empty end key). */
  end: Uint8Array;
}

/**
 * Raw range -> encoded user-key range for RocksDB cursors: ['z'+mc(start), 'z'+mc(end)), with an
 * empty end mapped to DATA_MAX_KEY. Memcomparable is order preserving and prefix-free, so every
 * version key 'z'+mc(k)+ts with start <= k < end falls inside and no other does. Never
 * prefix-match mc(prefix): its last group's padding and marker differ from longer keys'.
 */
export function encodeRawRange(range: RawRange): { start: Uint8Array; end: Uint8Array } {
  const start = encodeDataKey(range.start);
  const end = range.end.length === 0 ? DATA_MAX_KEY : encodeDataKey(range.end);
  return { start, end };
}

/** The smallest raw key strictly greater than every key with this prefix (undefined if none). */
export function prefixEnd(prefix: Uint8Array): Uint8Array {
  const out = Uint8Array.from(prefix);
  for (let i = out.length - 1; i >= 0; i--) {
    if (out[i]! < 0xff) {
      out[i]!++;
      return out.subarray(0, i + 1);
    }
  }
  return new Uint8Array(0); // all 0xff: unbounded
}

/** Raw range of every key starting with `prefix`. */
export function rawPrefixRange(prefix: Uint8Array): RawRange {
  return { start: Uint8Array.from(prefix), end: prefixEnd(prefix) };
}

/**
 * What kind of raw key this is under API v1/v2 (api_v2.rs `parse_key_mode`):
 *  - 'tidb'          first byte 'm' or 't' (API v1, or v2 without keyspace)
 *  - 'txn-keyspace'  'x' + 3-byte BE keyspace id + a TiDB (or txn) key
 *  - 'raw-keyspace'  'r' + 3-byte BE keyspace id + RawKV key
 *  - 'unknown'       anything else (API v1 raw data, kvproto's V3 8-byte prefix, ...). Never
 *                    parse these as TiDB keys.
 */
export type RawKeyMode = 'tidb' | 'txn-keyspace' | 'raw-keyspace' | 'unknown';

export interface RawKeyClass {
  mode: RawKeyMode;
  keyspaceId?: number;
  /** The key after the keyspace prefix (subarray). */
  rest: Uint8Array;
}

export function classifyRawKey(raw: Uint8Array): RawKeyClass {
  const b = raw[0];
  if (b === 0x6d || b === 0x74) return { mode: 'tidb', rest: raw };
  if ((b === 0x78 || b === 0x72) && raw.length >= 4) {
    const keyspaceId = (raw[1]! << 16) | (raw[2]! << 8) | raw[3]!;
    return { mode: b === 0x78 ? 'txn-keyspace' : 'raw-keyspace', keyspaceId, rest: raw.subarray(4) };
  }
  return { mode: 'unknown', rest: raw };
}

export { compareBytes };
