/**
 * Raft-CF and store-identity local state of a TiKV KV engine (raftstore v1).
 * Sources: tikv/tikv:components/keys/src/lib.rs (key layout, see mvcc-key.ts),
 * components/raftstore/src/store/bootstrap.rs, pingcap/kvproto:proto/raft_serverpb.proto and
 * proto/metapb.proto. The message subset we read is written out in src/tikv/proto/*.proto.
 *
 * Choice: the messages are decoded by hand with `BinaryReader` from @bufbuild/protobuf/wire,
 * following those .proto files field by field (no protoc-gen-es/buf dependency). Unknown
 * fields are skipped, as protobuf requires; a known field with the wrong wire type is corruption.
 *
 *   STORE_IDENT_KEY 01 01 (default CF)              -> StoreIdent
 *   01 03 | u64BE(region_id) | 01 (raft CF)         -> RegionLocalState
 *   01 02 | u64BE(region_id) | 03 (raft CF)         -> RaftApplyState
 */
import { BinaryReader, WireType } from '@bufbuild/protobuf/wire';
import { FormatError, corruption, hex, truncated } from '../errors.js';
import { decodeBytes } from './memcomparable.js';
import {
  DATA_MAX_KEY,
  REGION_META_RANGE,
  REGION_STATE_SUFFIX,
  STORE_IDENT_KEY,
  applyStateKey,
  dataKey,
  parseRegionLocalKey,
} from './mvcc-key.js';
import { CF_DEFAULT, CF_RAFT, type CfSource } from './mvcc-scan.js';
import { compareBytes } from './memcomparable.js';

// ---------------------------------------------------------------- message types

export interface StoreIdent {
  clusterId: bigint;
  storeId: bigint;
  /** kvrpcpb.APIVersion: 0 V1, 1 V1TTL, 2 V2 (newer kvproto: V3). */
  apiVersion: number;
}

export const PEER_STATES = ['Normal', 'Applying', 'Tombstone', 'Merging', 'Unavailable'] as const;
export type PeerStateName = (typeof PEER_STATES)[number] | `Unknown(${number})`;
export const PEER_ROLES = ['Voter', 'Learner', 'IncomingVoter', 'DemotingVoter'] as const;
export type PeerRoleName = (typeof PEER_ROLES)[number] | `Unknown(${number})`;

export interface Peer {
  id: bigint;
  storeId: bigint;
  role: PeerRoleName;
  isWitness: boolean;
}

export interface RegionEpoch {
  confVer: bigint;
  version: bigint;
}

export interface Region {
  id: bigint;
  /** As stored: memcomparable-encoded raw key (no 'z', no ts); empty = -inf / +inf. */
  startKey: Uint8Array;
  endKey: Uint8Array;
  epoch: RegionEpoch;
  peers: Peer[];
  isInFlashback: boolean;
  flashbackStartTs: bigint;
}

export interface RegionLocalState {
  state: PeerStateName;
  stateCode: number;
  region: Region | undefined;
  tabletIndex: bigint;
}

export interface RaftTruncatedState {
  index: bigint;
  term: bigint;
}

export interface RaftApplyState {
  appliedIndex: bigint;
  truncatedState: RaftTruncatedState | undefined;
  lastCommitIndex: bigint;
  commitIndex: bigint;
  commitTerm: bigint;
}

// ---------------------------------------------------------------- decoding helpers

type FieldHandler = (r: BinaryReader, wireType: WireType, fieldNo: number) => boolean;

/** Iterate the fields of one message; `on` returns false for a field it does not know (skipped). */
function readMessage(buf: Uint8Array, what: string, on: FieldHandler): void {
  const r = new BinaryReader(buf);
  try {
    while (r.pos < r.len) {
      const [fieldNo, wireType] = r.tag();
      if (fieldNo <= 0) throw corruption(`${what}: invalid field number ${fieldNo}`, { offset: r.pos });
      if (!on(r, wireType, fieldNo)) r.skip(wireType, fieldNo);
    }
    if (r.pos > r.len) throw truncated(`${what} ends mid-field`, { offset: r.len });
  } catch (e) {
    if (e instanceof FormatError) throw e;
    // BinaryReader throws plain Errors ("premature EOF", "invalid wire type", ...)
    const msg = e instanceof Error ? e.message : String(e);
    const code = /eof|premature|out of range|bounds/i.test(msg) ? 'truncated' : 'corruption';
    throw new FormatError(code, `${what}: ${msg}`, { offset: r.pos, context: `bytes ${hex(buf)}` });
  }
}

function expectWire(what: string, fieldNo: number, got: WireType, want: WireType): void {
  if (got !== want) {
    throw corruption(`${what}: field ${fieldNo} has wire type ${got}`, { expected: `wire type ${want}` });
  }
}

function u64(r: BinaryReader): bigint {
  const v = r.uint64();
  return typeof v === 'bigint' ? v : BigInt(v);
}

function varintField(what: string, r: BinaryReader, wt: WireType, no: number): bigint {
  expectWire(what, no, wt, WireType.Varint);
  return u64(r);
}

function bytesField(what: string, r: BinaryReader, wt: WireType, no: number): Uint8Array {
  expectWire(what, no, wt, WireType.LengthDelimited);
  return r.bytes();
}

/** proto3 enums/int32 are varints; negative values are sign-extended to 64 bits. */
function enumField(what: string, r: BinaryReader, wt: WireType, no: number): number {
  expectWire(what, no, wt, WireType.Varint);
  return r.int32();
}

// ---------------------------------------------------------------- message decoders

export function decodeStoreIdent(buf: Uint8Array): StoreIdent {
  const m: StoreIdent = { clusterId: 0n, storeId: 0n, apiVersion: 0 };
  const W = 'StoreIdent';
  readMessage(buf, W, (r, wt, no) => {
    if (no === 1) m.clusterId = varintField(W, r, wt, no);
    else if (no === 2) m.storeId = varintField(W, r, wt, no);
    else if (no === 3) m.apiVersion = enumField(W, r, wt, no);
    else return false;
    return true;
  });
  return m;
}

export function decodeRegionEpoch(buf: Uint8Array): RegionEpoch {
  const m: RegionEpoch = { confVer: 0n, version: 0n };
  const W = 'RegionEpoch';
  readMessage(buf, W, (r, wt, no) => {
    if (no === 1) m.confVer = varintField(W, r, wt, no);
    else if (no === 2) m.version = varintField(W, r, wt, no);
    else return false;
    return true;
  });
  return m;
}

function roleName(code: number): PeerRoleName {
  return PEER_ROLES[code] ?? `Unknown(${code})`;
}

function stateName(code: number): PeerStateName {
  return PEER_STATES[code] ?? `Unknown(${code})`;
}

export function decodePeer(buf: Uint8Array): Peer {
  const m: Peer = { id: 0n, storeId: 0n, role: 'Voter', isWitness: false };
  const W = 'Peer';
  readMessage(buf, W, (r, wt, no) => {
    if (no === 1) m.id = varintField(W, r, wt, no);
    else if (no === 2) m.storeId = varintField(W, r, wt, no);
    else if (no === 3) m.role = roleName(enumField(W, r, wt, no));
    else if (no === 4) m.isWitness = varintField(W, r, wt, no) !== 0n;
    else return false;
    return true;
  });
  return m;
}

export function decodeRegion(buf: Uint8Array): Region {
  const m: Region = {
    id: 0n,
    startKey: new Uint8Array(0),
    endKey: new Uint8Array(0),
    epoch: { confVer: 0n, version: 0n },
    peers: [],
    isInFlashback: false,
    flashbackStartTs: 0n,
  };
  const W = 'metapb.Region';
  readMessage(buf, W, (r, wt, no) => {
    if (no === 1) m.id = varintField(W, r, wt, no);
    else if (no === 2) m.startKey = Uint8Array.from(bytesField(W, r, wt, no));
    else if (no === 3) m.endKey = Uint8Array.from(bytesField(W, r, wt, no));
    else if (no === 4) m.epoch = decodeRegionEpoch(bytesField(W, r, wt, no));
    else if (no === 5) m.peers.push(decodePeer(bytesField(W, r, wt, no)));
    else if (no === 7) m.isInFlashback = varintField(W, r, wt, no) !== 0n;
    else if (no === 8) m.flashbackStartTs = varintField(W, r, wt, no);
    else return false;
    return true;
  });
  return m;
}

export function decodeRegionLocalState(buf: Uint8Array): RegionLocalState {
  const m: RegionLocalState = { state: 'Normal', stateCode: 0, region: undefined, tabletIndex: 0n };
  const W = 'RegionLocalState';
  readMessage(buf, W, (r, wt, no) => {
    if (no === 1) {
      m.stateCode = enumField(W, r, wt, no);
      m.state = stateName(m.stateCode);
    } else if (no === 2) m.region = decodeRegion(bytesField(W, r, wt, no));
    else if (no === 4) m.tabletIndex = varintField(W, r, wt, no);
    else return false;
    return true;
  });
  return m;
}

export function decodeRaftTruncatedState(buf: Uint8Array): RaftTruncatedState {
  const m: RaftTruncatedState = { index: 0n, term: 0n };
  const W = 'RaftTruncatedState';
  readMessage(buf, W, (r, wt, no) => {
    if (no === 1) m.index = varintField(W, r, wt, no);
    else if (no === 2) m.term = varintField(W, r, wt, no);
    else return false;
    return true;
  });
  return m;
}

export function decodeRaftApplyState(buf: Uint8Array): RaftApplyState {
  const m: RaftApplyState = { appliedIndex: 0n, truncatedState: undefined, lastCommitIndex: 0n, commitIndex: 0n, commitTerm: 0n };
  const W = 'RaftApplyState';
  readMessage(buf, W, (r, wt, no) => {
    if (no === 1) m.appliedIndex = varintField(W, r, wt, no);
    else if (no === 2) m.truncatedState = decodeRaftTruncatedState(bytesField(W, r, wt, no));
    else if (no === 3) m.lastCommitIndex = varintField(W, r, wt, no);
    else if (no === 4) m.commitIndex = varintField(W, r, wt, no);
    else if (no === 5) m.commitTerm = varintField(W, r, wt, no);
    else return false;
    return true;
  });
  return m;
}

// ---------------------------------------------------------------- readers over a CfSource

/**
 * Re-throw a decoder error with where it came from: `<what> does not decode: <decoder>: <reason>
 * (<key>, value offset N, ...)`. The inner message already names the innermost decoder that
 * failed (e.g. "metapb.Region: premature EOF"); its code prefix and detail suffix are stripped so
 * nothing is said twice, and its offset (relative to the value, not to a file) is labelled so.
 */
function locate(e: FormatError, what: string, key: string): FormatError {
  // FormatError's message is `${code}: ${message} (${details})`; rebuild the details to strip them.
  const inner: string[] = [];
  if (e.file !== undefined) inner.push(`file ${e.file}`);
  if (e.offset !== undefined) inner.push(`offset ${e.offset}`);
  if (e.context !== undefined) inner.push(e.context);
  if (e.expected !== undefined) inner.push(`expected ${e.expected}`);
  if (e.found !== undefined) inner.push(`found ${e.found}`);
  let bare = e.message.startsWith(`${e.code}: `) ? e.message.slice(e.code.length + 2) : e.message;
  const suffix = inner.length > 0 ? ` (${inner.join(', ')})` : '';
  if (suffix !== '' && bare.endsWith(suffix)) bare = bare.slice(0, bare.length - suffix.length);
  const decoder = `${what.split(' ')[0]}: `; // the outer decoder is already named by `what`
  if (bare.startsWith(decoder)) bare = bare.slice(decoder.length);
  const parts = [key];
  if (e.file !== undefined) parts.push(`file ${e.file}`);
  if (e.offset !== undefined) parts.push(`value offset ${e.offset}`);
  if (e.context !== undefined) parts.push(e.context);
  return new FormatError(e.code, `${what} does not decode: ${bare}`, { expected: e.expected, found: e.found, context: parts.join(', ') });
}

/** The store identity (cluster id, store id, API version), or undefined when the key is absent. */
export function readStoreIdent(source: CfSource): StoreIdent | undefined {
  const end = Uint8Array.of(...STORE_IDENT_KEY, 0x00); // smallest key after 01 01
  const c = source.cursor(CF_DEFAULT, { start: STORE_IDENT_KEY, end });
  c.seek(STORE_IDENT_KEY);
  if (!c.valid() || compareBytes(c.userKey(), STORE_IDENT_KEY) !== 0) return undefined;
  try {
    return decodeStoreIdent(c.value());
  } catch (e) {
    if (e instanceof FormatError) throw locate(e, 'StoreIdent', 'default CF key 0101');
    throw e;
  }
}

export interface RegionInfo {
  regionId: bigint;
  state: PeerStateName;
  /** Raw (mc-decoded) start key; empty = -inf. undefined when the stored key is not memcomparable. */
  startKey: Uint8Array | undefined;
  /** Raw (mc-decoded) end key; empty = +inf. undefined when not memcomparable. */
  endKey: Uint8Array | undefined;
  /** Keys as stored in metapb.Region (encoded). */
  startKeyEncoded: Uint8Array;
  endKeyEncoded: Uint8Array;
  /** Data-key range of this region in the KV engine: ['z'+start, 'z'+end or '{'). */
  dataRange: { start: Uint8Array; end: Uint8Array };
  epoch: RegionEpoch;
  peers: Peer[];
  /** From RaftApplyState; undefined when that record is absent. */
  appliedIndex: bigint | undefined;
  isInFlashback: boolean;
}

function tryDecodeRegionKey(encoded: Uint8Array): Uint8Array | undefined {
  if (encoded.length === 0) return new Uint8Array(0);
  try {
    const d = decodeBytes(encoded, 0);
    return d.end === encoded.length ? d.value : undefined;
  } catch (e) {
    if (e instanceof FormatError) return undefined;
    throw e;
  }
}

/**
 * Every RegionLocalState in the raft CF (ascending region id), joined with its RaftApplyState.
 * Nothing is filtered: callers decide which regions hold data (state Normal or Merging, with a
 * non-witness peer on this store). A local state without a region, or whose region id differs
 * from its key, is corruption.
 */
export function readRegions(source: CfSource): RegionInfo[] {
  const out: RegionInfo[] = [];
  const c = source.cursor(CF_RAFT, REGION_META_RANGE);
  for (c.seek(REGION_META_RANGE.start!); c.valid(); c.next()) {
    const k = c.userKey();
    if (compareBytes(k, REGION_META_RANGE.end!) >= 0) break;
    const parsed = parseRegionLocalKey(k);
    if (parsed === undefined || parsed.kind !== 'meta' || parsed.suffix !== REGION_STATE_SUFFIX) continue;
    let st: RegionLocalState;
    try {
      st = decodeRegionLocalState(c.value());
    } catch (e) {
      if (e instanceof FormatError) throw locate(e, `RegionLocalState of region ${parsed.regionId}`, `raft CF key ${hex(k)}`);
      throw e;
    }
    const region = st.region;
    if (region === undefined) {
      throw corruption('RegionLocalState without a region', { context: `raft CF key ${hex(k)}` });
    }
    if (region.id !== parsed.regionId) {
      throw corruption('RegionLocalState region id differs from its key', {
        context: `raft CF key ${hex(k)}`,
        expected: `${parsed.regionId}`,
        found: `${region.id}`,
      });
    }
    out.push({
      regionId: region.id,
      state: st.state,
      startKey: tryDecodeRegionKey(region.startKey),
      endKey: tryDecodeRegionKey(region.endKey),
      startKeyEncoded: region.startKey,
      endKeyEncoded: region.endKey,
      dataRange: {
        start: dataKey(region.startKey),
        end: region.endKey.length === 0 ? DATA_MAX_KEY : dataKey(region.endKey),
      },
      epoch: region.epoch,
      peers: region.peers,
      appliedIndex: undefined,
      isInFlashback: region.isInFlashback,
    });
  }
  // Apply states: one forward cursor, seeking region ids in ascending order.
  if (out.length > 0) {
    const a = source.cursor(CF_RAFT, { start: Uint8Array.of(0x01, 0x02), end: Uint8Array.of(0x01, 0x03) });
    for (const r of out) {
      const key = applyStateKey(r.regionId);
      a.seek(key);
      if (a.valid() && compareBytes(a.userKey(), key) === 0) {
        try {
          r.appliedIndex = decodeRaftApplyState(a.value()).appliedIndex;
        } catch (e) {
          if (e instanceof FormatError) throw locate(e, `RaftApplyState of region ${r.regionId}`, `raft CF key ${hex(key)}`);
          throw e;
        }
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------- which ranges hold data

export interface SkippedRegion {
  regionId: bigint;
  reason: string;
}

export interface LiveRegions {
  /** Regions whose data on this store is readable: state Normal or Merging, a non-witness peer here. */
  live: RegionInfo[];
  /** Every other region, with the reason (reported, never silently dropped). */
  skipped: SkippedRegion[];
}

/**
 * Spec §10: valid data on this node = regions with state Normal (or Merging) whose peers include
 * this store's id as a non-witness peer. Data outside them can be leftovers awaiting deletion.
 * A region whose boundary keys are not memcomparable cannot be mapped to raw keys and is skipped
 * with that reason.
 */
export function liveRegions(regions: RegionInfo[], storeId: bigint): LiveRegions {
  const out: LiveRegions = { live: [], skipped: [] };
  for (const r of regions) {
    const skip = (reason: string): void => {
      out.skipped.push({ regionId: r.regionId, reason });
    };
    if (r.state !== 'Normal' && r.state !== 'Merging') {
      skip(`state ${r.state}`);
      continue;
    }
    const peer = r.peers.find((p) => p.storeId === storeId);
    if (peer === undefined) {
      skip(`no peer on store ${storeId}`);
      continue;
    }
    if (peer.isWitness) {
      skip('witness peer (holds no data)');
      continue;
    }
    if (r.startKey === undefined || r.endKey === undefined) {
      skip('region boundary keys are not memcomparable-encoded');
      continue;
    }
    out.live.push(r);
  }
  return out;
}

/**
 * Intersect a raw range with the live regions' raw ranges: the pieces to scan, ascending,
 * adjacent pieces merged. Empty end = +inf on both sides.
 */
export function clipRawRange(range: { start: Uint8Array; end: Uint8Array }, regions: RegionInfo[]): { start: Uint8Array; end: Uint8Array }[] {
  const endCmp = (a: Uint8Array, b: Uint8Array): number => {
    if (a.length === 0) return b.length === 0 ? 0 : 1;
    if (b.length === 0) return -1;
    return compareBytes(a, b);
  };
  const pieces: { start: Uint8Array; end: Uint8Array }[] = [];
  for (const r of regions) {
    if (r.startKey === undefined || r.endKey === undefined) continue;
    const start = compareBytes(r.startKey, range.start) > 0 ? r.startKey : range.start;
    const end = endCmp(r.endKey, range.end) < 0 ? r.endKey : range.end;
    if (end.length !== 0 && compareBytes(start, end) >= 0) continue;
    pieces.push({ start, end });
  }
  pieces.sort((a, b) => compareBytes(a.start, b.start));
  const merged: { start: Uint8Array; end: Uint8Array }[] = [];
  for (const p of pieces) {
    const last = merged[merged.length - 1];
    if (last !== undefined && (last.end.length === 0 || compareBytes(p.start, last.end) <= 0)) {
      if (endCmp(p.end, last.end) > 0) last.end = p.end;
    } else {
      merged.push({ start: p.start, end: p.end });
    }
  }
  return merged;
}
