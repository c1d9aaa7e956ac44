/**
 * Hand-encoded protobuf wire bytes for TiKV's local state (tikv-tidb-encoding.md §10;
 * pingcap/kvproto:proto/raft_serverpb.proto, metapb.proto; keys from tikv/tikv:components/keys/src/lib.rs).
 * proto3: fields equal to their default (0, empty) are omitted.
 */
import { type Bytes, concat, u64BE, uvarint } from './codec.js';

const tag = (field: number, wire: number): Bytes => uvarint((field << 3) | wire);
const varField = (field: number, v: bigint | number): Bytes => (BigInt(v) === 0n ? new Uint8Array(0) : concat(tag(field, 0), uvarint(v)));
const lenField = (field: number, b: Bytes, keepEmpty = false): Bytes =>
  b.length === 0 && !keepEmpty ? new Uint8Array(0) : concat(tag(field, 2), uvarint(b.length), b);

export const STORE_IDENT_KEY = new Uint8Array([0x01, 0x01]);
export const regionStateKey = (regionId: bigint | number): Bytes => concat(new Uint8Array([0x01, 0x03]), u64BE(regionId), new Uint8Array([0x01]));
export const applyStateKey = (regionId: bigint | number): Bytes => concat(new Uint8Array([0x01, 0x02]), u64BE(regionId), new Uint8Array([0x03]));

/** StoreIdent { cluster_id = 1; store_id = 2; api_version = 3 }. */
export function storeIdent(clusterId: bigint | number, storeId: bigint | number, apiVersion = 0): Bytes {
  return concat(varField(1, clusterId), varField(2, storeId), varField(3, apiVersion));
}

export interface PeerSpec {
  id: number;
  storeId: number;
  role?: number;
  isWitness?: boolean;
}

export interface RegionSpec {
  id: number;
  startKey: Bytes; // encoded (mc) form, no 'z'
  endKey: Bytes;
  confVer: number;
  version: number;
  peers: PeerSpec[];
}

/** metapb.Peer { id = 1; store_id = 2; role = 3; is_witness = 4 }. */
export function peer(p: PeerSpec): Bytes {
  return concat(varField(1, p.id), varField(2, p.storeId), varField(3, p.role ?? 0), varField(4, p.isWitness ? 1 : 0));
}

/** metapb.Region { id = 1; start_key = 2; end_key = 3; region_epoch = 4 {conf_ver = 1; version = 2}; peers = 5 }. */
export function region(r: RegionSpec): Bytes {
  const epoch = concat(varField(1, r.confVer), varField(2, r.version));
  return concat(
    varField(1, r.id),
    lenField(2, r.startKey),
    lenField(3, r.endKey),
    lenField(4, epoch, true),
    ...r.peers.map((p) => lenField(5, peer(p), true)),
  );
}

/** RegionLocalState { state = 1 (0 Normal, 1 Applying, 2 Tombstone, 3 Merging); region = 2 }. */
export function regionLocalState(state: number, r: RegionSpec): Bytes {
  return concat(varField(1, state), lenField(2, region(r), true));
}

/** RaftApplyState { applied_index = 1; truncated_state = 2 {index = 1; term = 2}; commit_index = 4; commit_term = 5 }. */
export function raftApplyState(applied: number, truncIndex: number, truncTerm: number, commitIndex: number, commitTerm: number): Bytes {
  return concat(
    varField(1, applied),
    lenField(2, concat(varField(1, truncIndex), varField(2, truncTerm)), true),
    varField(4, commitIndex),
    varField(5, commitTerm),
  );
}
