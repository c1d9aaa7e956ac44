/**
 * API v2 keyspace data (TiDB Serverless / keyspace clusters): TiDB keys stored as
 * 'x' + 3-byte keyspace id + 'm…'/'t…' (tikv api_v2.rs; src/tikv/mvcc-key.ts classifyRawKey).
 * tikv-export reads only unprefixed (API v1 style) TiDB keys, so keyspace data would be invisible:
 * this finds it at open with a few seeks on the write CF (one per keyspace id, up to a limit) so
 * it can be warned about, shown in `inspect`, and refused by `dbs`/`dump` when it is all there is.
 */
import { FormatError } from '../errors.js';
import { classifyRawKey, compareBytes, decodeDataKey, encodeDataKey, splitTs } from '../tikv/mvcc-key.js';

export interface RawScanner {
  rawScan(cf: string, start: Uint8Array | undefined, end: Uint8Array | undefined, limit: number): Iterable<{ key: Uint8Array; value: Uint8Array }>;
}

export interface KeyspaceFinding {
  /** Keyspace ids with TiDB ('x'-prefixed, transactional) keys in the write CF, ascending. */
  keyspaces: number[];
  /** More ids may exist than were looked for. */
  truncated: boolean;
  /** Whether unprefixed TiDB keys ('m…' meta or 't…' table data) exist at all. */
  plainTidb: boolean;
}

function firstKeyIn(s: RawScanner, start: Uint8Array, end: Uint8Array): Uint8Array | undefined {
  for (const e of s.rawScan('write', start, end, 1)) {
    if (compareBytes(e.key, start) < 0 || compareBytes(e.key, end) >= 0) return undefined; // a source that ignores bounds
    return e.key;
  }
  return undefined;
}

function rawOf(writeKey: Uint8Array): Uint8Array | undefined {
  try {
    return decodeDataKey(splitTs(writeKey).userKey);
  } catch (e) {
    if (e instanceof FormatError) return undefined;
    throw e;
  }
}

export function findKeyspaces(s: RawScanner, maxIds = 64): KeyspaceFinding {
  const keyspaces: number[] = [];
  let truncated = false;
  const end = encodeDataKey(Uint8Array.of(0x79)); // 'y'
  let start = encodeDataKey(Uint8Array.of(0x78)); // 'x'
  for (;;) {
    const k = firstKeyIn(s, start, end);
    if (k === undefined) break;
    const raw = rawOf(k);
    if (raw === undefined) break;
    const c = classifyRawKey(raw);
    if (c.mode !== 'txn-keyspace' || c.keyspaceId === undefined) break;
    keyspaces.push(c.keyspaceId);
    if (keyspaces.length >= maxIds) {
      truncated = true;
      break;
    }
    const next = c.keyspaceId + 1;
    if (next > 0xffffff) break;
    start = encodeDataKey(Uint8Array.of(0x78, (next >> 16) & 0xff, (next >> 8) & 0xff, next & 0xff));
  }
  const plainTidb =
    firstKeyIn(s, encodeDataKey(Uint8Array.of(0x6d)), encodeDataKey(Uint8Array.of(0x6e))) !== undefined ||
    firstKeyIn(s, encodeDataKey(Uint8Array.of(0x74)), encodeDataKey(Uint8Array.of(0x75))) !== undefined;
  return { keyspaces, truncated, plainTidb };
}

export function keyspaceList(f: KeyspaceFinding): string {
  return `${f.keyspaces.join(', ')}${f.truncated ? ', …' : ''}`;
}
