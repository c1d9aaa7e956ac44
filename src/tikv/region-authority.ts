/**
 * Which node image is authoritative for which key range, when several TiKV node images are read
 * together (issue #6), and which ranges no image covers (holes).
 *
 * Candidates: every region of every node whose RegionLocalState is Normal or Merging and that
 * has a non-witness peer on that node's store (tikv-tidb-encoding.md §10). A node without any
 * RegionLocalState (a bare KV copy) is one candidate covering everything with the lowest rank:
 * it fills holes only, and a warning says so.
 *
 * Where candidates overlap (replicas of one region, or a stale pre-split region overlapping its
 * newer children), the higher epoch version wins, then the higher conf_ver, then the higher
 * applied index (RaftApplyState), then the node given first. The keyspace is cut at every
 * candidate boundary and each elementary piece goes to its best candidate; adjacent pieces of
 * the same node are merged.
 *
 * All ranges here are in the KV engine's data-key space: ['z' + mc(start), 'z' + mc(end) or '{'),
 * i.e. RegionInfo.dataRange, so regions whose bounds are not memcomparable still work and
 * write-CF keys (with their ts suffix) compare correctly against the bounds.
 */
import { compareBytes } from './memcomparable.js';
import { DATA_MAX_KEY, DATA_MIN_KEY } from './mvcc-key.js';
import type { RegionInfo } from './raft-state.js';

export interface DataRange {
  /** Inclusive, data-key space ('z'...). */
  start: Uint8Array;
  /** Exclusive, data-key space ('{' = +inf). */
  end: Uint8Array;
}

export interface NodeRegions {
  /** Store id from StoreIdent; undefined = unknown (every Normal region counts as a peer). */
  storeId: bigint | undefined;
  regions: readonly RegionInfo[];
}

export interface AuthorityPiece extends DataRange {
  node: number;
  /** undefined for a node without region information. */
  regionId: bigint | undefined;
}

export interface Authority {
  /** Ascending, disjoint. */
  pieces: AuthorityPiece[];
  /** Per node: its authoritative ranges, ascending, disjoint, merged. */
  byNode: DataRange[][];
  /** Ascending ranges of [DATA_MIN_KEY, DATA_MAX_KEY) no candidate covers. */
  holes: DataRange[];
  /** Nodes that had no RegionLocalState at all. */
  nodesWithoutRegions: number[];
}

/** Normal/Merging with a non-witness peer on this store (unknown store: any Normal/Merging). */
export function holdsData(r: RegionInfo, storeId: bigint | undefined): boolean {
  if (r.state !== 'Normal' && r.state !== 'Merging') return false;
  if (storeId === undefined) return true;
  return r.peers.some((p) => p.storeId === storeId && !p.isWitness);
}

interface Candidate extends DataRange {
  node: number;
  regionId: bigint | undefined;
  version: bigint;
  confVer: bigint;
  applied: bigint;
}

/** Positive when a ranks above b. */
function rank(a: Candidate, b: Candidate): number {
  if (a.version !== b.version) return a.version > b.version ? 1 : -1;
  if (a.confVer !== b.confVer) return a.confVer > b.confVer ? 1 : -1;
  if (a.applied !== b.applied) return a.applied > b.applied ? 1 : -1;
  return b.node - a.node;
}

function clampToData(r: DataRange): DataRange | undefined {
  const start = compareBytes(r.start, DATA_MIN_KEY) < 0 ? DATA_MIN_KEY : r.start;
  const end = compareBytes(r.end, DATA_MAX_KEY) > 0 ? DATA_MAX_KEY : r.end;
  return compareBytes(start, end) < 0 ? { start, end } : undefined;
}

/**
 * `exclude`: nodes that are no candidates at all (dropped after a read error, multi-session.ts);
 * their byNode entry is empty and the others take over their ranges by the same ranking.
 */
export function computeAuthority(nodes: readonly NodeRegions[], exclude: ReadonlySet<number> = new Set()): Authority {
  const cands: Candidate[] = [];
  const nodesWithoutRegions: number[] = [];
  nodes.forEach((n, node) => {
    if (exclude.has(node)) return;
    if (n.regions.length === 0) {
      nodesWithoutRegions.push(node);
      cands.push({ start: DATA_MIN_KEY, end: DATA_MAX_KEY, node, regionId: undefined, version: -1n, confVer: -1n, applied: -1n });
      return;
    }
    for (const r of n.regions) {
      if (!holdsData(r, n.storeId)) continue;
      const dr = clampToData(r.dataRange);
      if (dr === undefined) continue;
      cands.push({ ...dr, node, regionId: r.regionId, version: r.epoch.version, confVer: r.epoch.confVer, applied: r.appliedIndex ?? -1n });
    }
  });
  const bounds: Uint8Array[] = [DATA_MIN_KEY, DATA_MAX_KEY];
  for (const c of cands) bounds.push(c.start, c.end);
  bounds.sort(compareBytes);
  const points: Uint8Array[] = [];
  for (const b of bounds) if (points.length === 0 || compareBytes(points[points.length - 1]!, b) !== 0) points.push(b);
  cands.sort((a, b) => compareBytes(a.start, b.start));

  const pieces: AuthorityPiece[] = [];
  const holes: DataRange[] = [];
  let active: Candidate[] = [];
  let ci = 0;
  for (let i = 0; i + 1 < points.length; i++) {
    const lo = points[i]!;
    const hi = points[i + 1]!;
    while (ci < cands.length && compareBytes(cands[ci]!.start, lo) <= 0) active.push(cands[ci++]!);
    active = active.filter((c) => compareBytes(c.end, lo) > 0);
    let best: Candidate | undefined;
    for (const c of active) if (best === undefined || rank(c, best) > 0) best = c;
    if (best === undefined) {
      const last = holes[holes.length - 1];
      if (last !== undefined && compareBytes(last.end, lo) === 0) last.end = hi;
      else holes.push({ start: lo, end: hi });
      continue;
    }
    const last = pieces[pieces.length - 1];
    if (last !== undefined && last.node === best.node && last.regionId === best.regionId && compareBytes(last.end, lo) === 0) last.end = hi;
    else pieces.push({ start: lo, end: hi, node: best.node, regionId: best.regionId });
  }
  const byNode: DataRange[][] = nodes.map(() => []);
  for (const p of pieces) {
    const list = byNode[p.node]!;
    const last = list[list.length - 1];
    if (last !== undefined && compareBytes(last.end, p.start) === 0) last.end = p.end;
    else list.push({ start: p.start, end: p.end });
  }
  return { pieces, byNode, holes, nodesWithoutRegions };
}

/** The parts of `range` inside `ranges` (ascending, disjoint), in order. */
export function intersectDataRanges(range: DataRange, ranges: readonly DataRange[]): DataRange[] {
  const out: DataRange[] = [];
  for (const r of ranges) {
    const start = compareBytes(r.start, range.start) > 0 ? r.start : range.start;
    const end = compareBytes(r.end, range.end) < 0 ? r.end : range.end;
    if (compareBytes(start, end) < 0) out.push({ start, end });
  }
  return out;
}
