/**
 * Several node images read as one MVCC keyspace (issue #6): a CfSource whose cursor(cf, range)
 * merges the per-node cursors by user key. For the write and default CFs the user key includes
 * the ts suffix, so the identical version (same key and commit_ts / start_ts) held by several
 * replicas comes out once; different versions of one row interleave newest first exactly as on
 * one node, and LatestScanner / Catalog work unchanged on top.
 *
 * Each node contributes only its authoritative data ranges (region-authority.ts), unless
 * includeOrphans: then every key of every node is merged, and each entry remembers whether some
 * node holding it was authoritative for it. When several nodes hold the same key, the entry is
 * taken from the first authoritative one (else the first one); its value and kind come from
 * that node.
 *
 * Provenance: value() records which node supplied the entry and whether only orphaned
 * (non-authoritative) data held it, so the caller can attribute the row LatestScanner just
 * decided (the last write-CF value it parsed is the winning version).
 */
import { FormatError } from '../errors.js';
import type { KeyRange, KvCursor, ValueTypeCode } from '../rocksdb/types.js';
import { compareBytes } from './memcomparable.js';
import type { CfSource } from './mvcc-scan.js';
import type { DataRange } from './region-authority.js';

export interface MultiNode {
  source: CfSource;
  /** Authoritative data ranges, ascending and disjoint. */
  ranges: readonly DataRange[];
  /** Dropped after a read error: contributes nothing, not even with includeOrphans. */
  dropped?: boolean;
}

/**
 * A FormatError (bad block checksum, truncated file, ...) met by one node's cursor during a
 * merged read: the same error, plus which node and CF. The merged cursor that threw is unusable
 * afterwards (the caller drops the node and starts a new one behind the last row it returned).
 */
export class NodeReadError extends FormatError {
  constructor(
    /** Index of the node in the session's node list. */
    readonly node: number,
    readonly cf: string,
    readonly original: FormatError,
  ) {
    super(original.code, 'node read error', { file: original.file, offset: original.offset, context: original.context, expected: original.expected, found: original.found });
    this.message = original.message;
  }
}

interface Closable {
  close?: () => void;
}

/** First index i with ranges[i].end > key (ranges ascending, disjoint). */
function rangeIndex(ranges: readonly DataRange[], key: Uint8Array): number {
  let lo = 0;
  let hi = ranges.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareBytes(ranges[mid]!.end, key) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * One node's cursor restricted to (clip) or annotated with (no clip) its authoritative ranges.
 */
export class ClippedCursor implements KvCursor {
  private ri = 0;
  private auth = false;

  constructor(
    /** Index of the node in the session's node list. */
    readonly node: number,
    readonly inner: KvCursor,
    private readonly ranges: readonly DataRange[],
    private readonly clip: boolean,
    private readonly cf = '',
  ) {}

  /** A FormatError of this node's reader, tagged with the node (NodeReadError). */
  private guard(f: () => void): void {
    try {
      f();
    } catch (e) {
      if (e instanceof FormatError && !(e instanceof NodeReadError)) throw new NodeReadError(this.node, this.cf, e);
      throw e;
    }
  }

  seekToFirst(): void {
    this.guard(() => this.seekToFirst0());
  }

  private seekToFirst0(): void {
    if (this.clip) {
      this.ri = 0;
      const r = this.ranges[0];
      if (r === undefined) {
        this.ri = this.ranges.length;
        return;
      }
      this.inner.seek(r.start);
    } else {
      this.inner.seekToFirst();
    }
    this.settle(true);
  }

  seek(target: Uint8Array): void {
    this.guard(() => this.seek0(target));
  }

  private seek0(target: Uint8Array): void {
    this.ri = rangeIndex(this.ranges, target);
    if (this.clip) {
      const r = this.ranges[this.ri];
      if (r === undefined) return;
      this.inner.seek(compareBytes(target, r.start) < 0 ? r.start : target);
    } else {
      this.inner.seek(target);
    }
    this.settle(false);
  }

  valid(): boolean {
    if (this.clip && this.ri >= this.ranges.length) return false;
    return this.inner.valid();
  }

  next(): void {
    this.guard(() => {
      this.inner.next();
      this.settle(false);
    });
  }

  /** After a move: skip to the next range when clipping; find the authority of the key otherwise. */
  private settle(fromFirst: boolean): void {
    for (;;) {
      if (!this.inner.valid()) return;
      const k = this.inner.userKey();
      if (fromFirst) {
        this.ri = rangeIndex(this.ranges, k);
        fromFirst = false;
      }
      while (this.ri < this.ranges.length && compareBytes(this.ranges[this.ri]!.end, k) <= 0) this.ri++;
      const r = this.ranges[this.ri];
      if (!this.clip) {
        this.auth = r !== undefined && compareBytes(k, r.start) >= 0;
        return;
      }
      if (r === undefined) return; // valid() is false now
      if (compareBytes(k, r.start) >= 0) {
        this.auth = true;
        return;
      }
      this.inner.seek(r.start);
    }
  }

  /** Whether the current key lies in this node's authoritative ranges. */
  authoritative(): boolean {
    return this.auth;
  }
  userKey(): Uint8Array {
    return this.inner.userKey();
  }
  value(): Uint8Array {
    try {
      return this.inner.value();
    } catch (e) {
      if (e instanceof FormatError && !(e instanceof NodeReadError)) throw new NodeReadError(this.node, this.cf, e);
      throw e;
    }
  }
  seq(): number {
    return this.inner.seq();
  }
  kind(): ValueTypeCode {
    return this.inner.kind();
  }
  close(): void {
    (this.inner as KvCursor & Closable).close?.();
  }
}

/** The k-way merge of ClippedCursors, equal keys collapsed. */
export class MergedCursor implements KvCursor {
  private cur = -1;
  /** Children positioned at the current key. */
  private same: number[] = [];
  /** Node that supplied the entry of the last value() call; -1 = none yet. */
  lastNode = -1;
  /** Whether only non-authoritative data held the entry of the last value() call. */
  lastOrphanOnly = false;

  constructor(private readonly children: ClippedCursor[]) {}

  private pick(): void {
    let best = -1;
    let bestKey: Uint8Array | undefined;
    const same: number[] = [];
    for (let i = 0; i < this.children.length; i++) {
      const c = this.children[i]!;
      if (!c.valid()) continue;
      const k = c.userKey();
      if (bestKey === undefined) {
        best = i;
        bestKey = k;
        same.push(i);
        continue;
      }
      const d = compareBytes(k, bestKey);
      if (d < 0) {
        best = i;
        bestKey = k;
        same.length = 0;
        same.push(i);
      } else if (d === 0) {
        same.push(i);
      }
    }
    // prefer the first authoritative holder
    if (same.length > 1) {
      for (const i of same) {
        if (this.children[i]!.authoritative()) {
          best = i;
          break;
        }
      }
    }
    this.cur = best;
    this.same = same;
  }

  seekToFirst(): void {
    for (const c of this.children) c.seekToFirst();
    this.pick();
  }
  seek(target: Uint8Array): void {
    for (const c of this.children) c.seek(target);
    this.pick();
  }
  valid(): boolean {
    return this.cur >= 0;
  }
  next(): void {
    for (const i of this.same) this.children[i]!.next();
    this.pick();
  }
  userKey(): Uint8Array {
    return this.children[this.cur]!.userKey();
  }
  value(): Uint8Array {
    const c = this.children[this.cur]!;
    this.lastNode = c.node;
    this.lastOrphanOnly = !c.authoritative();
    return c.value();
  }
  seq(): number {
    return this.children[this.cur]!.seq();
  }
  kind(): ValueTypeCode {
    return this.children[this.cur]!.kind();
  }
  /** Which nodes hold the current key (indexes into the node list). */
  holders(): number[] {
    return this.same.map((i) => this.children[i]!.node);
  }
  close(): void {
    for (const c of this.children) c.close();
  }
}

function overlapsAny(ranges: readonly DataRange[], range: KeyRange | undefined): boolean {
  for (const r of ranges) {
    if (range?.end !== undefined && compareBytes(r.start, range.end) >= 0) continue;
    if (range?.start !== undefined && compareBytes(r.end, range.start) <= 0) continue;
    return true;
  }
  return false;
}

export class MultiSource implements CfSource {
  /** Every cursor handed out since the last takeCursors(), for closing. */
  private opened: MergedCursor[] = [];
  /** The last write-CF cursor handed out (LatestScanner's), for provenance. */
  lastWriteCursor: MergedCursor | undefined;

  constructor(
    readonly nodes: readonly MultiNode[],
    readonly includeOrphans: boolean,
  ) {}

  cursor(cf: string, range?: KeyRange): MergedCursor {
    const children: ClippedCursor[] = [];
    this.nodes.forEach((n, i) => {
      if (n.dropped === true) return;
      // clipping: a node without authority inside the requested range contributes nothing
      if (!this.includeOrphans && !overlapsAny(n.ranges, range)) return;
      let inner: KvCursor;
      try {
        inner = n.source.cursor(cf, range);
      } catch (e) {
        for (const c of children) c.close();
        if (e instanceof FormatError && !(e instanceof NodeReadError)) throw new NodeReadError(i, cf, e);
        throw e;
      }
      children.push(new ClippedCursor(i, inner, n.ranges, !this.includeOrphans, cf));
    });
    const m = new MergedCursor(children);
    this.opened.push(m);
    if (cf === 'write') this.lastWriteCursor = m;
    return m;
  }

  /** Close every cursor handed out so far. */
  closeCursors(): void {
    for (const c of this.opened) c.close();
    this.opened = [];
  }
}
