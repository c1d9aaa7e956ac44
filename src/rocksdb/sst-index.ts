/**
 * Index of a block-based table (facebook/rocksdb:table/block_based/index_builder.cc,
 * partitioned_index_reader.cc, binary_search_index_reader.cc, hash_index_reader.cc;
 * table/format.cc `IndexValue`).
 *
 * One entry per data block: key = separator >= last key of the block and < first key of the
 * next (an internal key, or a user key when `rocksdb.index.key.is.user.key` = 1), value = the
 * data block's handle (see block.ts for delta encoding and the type-3 first key).
 *   type 0 binary search          one index block
 *   type 1 hash search            the same block (+ prefix meta blocks, ignored for scans)
 *   type 2 two-level/partitioned  a top-level index block whose values are handles of index
 *                                 partitions, each an ordinary index block; same key/value
 *                                 forms at both levels
 *   type 3 binary search + first key   values carry a length-prefixed first internal key
 *
 * `IndexCursor` walks data-block handles in order and seeks by user key; for type 2 it holds
 * at most one partition in memory.
 */
import { unsupported } from '../errors.js';
import { appendIndexHandles, BlockIter, type BlockLocation } from './block.js';
import type { BlockHandle } from './block-handle.js';
import { IndexType } from './sst-properties.js';

export interface IndexSettings {
  indexType: number;
  keyIsUserKey: boolean;
  valueDeltaEncoded: boolean;
}

/** Reads, verifies and decompresses a block by handle. */
export type BlockLoader = (handle: BlockHandle, what: string) => Uint8Array;

export function checkIndexType(indexType: number, file: string | undefined): void {
  if (
    indexType !== IndexType.BinarySearch &&
    indexType !== IndexType.HashSearch &&
    indexType !== IndexType.TwoLevelIndexSearch &&
    indexType !== IndexType.BinarySearchWithFirstKey
  ) {
    throw unsupported(`index type ${indexType} is not supported`, { file, expected: 'index type 0..3', found: `${indexType}` });
  }
}

/** What an SST cursor needs from an index: data-block handles in order, and a seek. */
export interface BlockSource {
  seekToFirst(): void;
  /** Position at the first data block that may hold a user key >= target. */
  seek(target: Uint8Array): void;
  next(): void;
  valid(): boolean;
  handleOffset(): number;
  handleSize(): number;
}

/**
 * A fixed list of data-block handles (a chunk of `SstReader.dataBlockHandles()`), for cursors
 * over part of a file. Without index keys, seek() starts at the first block; the SST cursor then
 * seeks inside each block and moves on while a block holds only smaller keys.
 */
export class HandleListSource implements BlockSource {
  private i = 0;
  constructor(private readonly handles: readonly BlockHandle[]) {
    this.i = handles.length;
  }
  seekToFirst(): void {
    this.i = 0;
  }
  seek(_target: Uint8Array): void {
    this.i = 0;
  }
  next(): void {
    if (this.i < this.handles.length) this.i++;
  }
  valid(): boolean {
    return this.i < this.handles.length;
  }
  handleOffset(): number {
    return this.handles[this.i]!.offset;
  }
  handleSize(): number {
    return this.handles[this.i]!.size;
  }
}

export class IndexCursor implements BlockSource {
  private readonly top: BlockIter;
  private part: BlockIter | undefined;
  private readonly twoLevel: boolean;
  private readonly keysInternal: boolean;
  private readonly settings: IndexSettings;
  private readonly load: BlockLoader;
  private readonly file: string | undefined;
  private readonly topBlock: Uint8Array;
  private readonly topLoc: BlockLocation;

  constructor(topBlock: Uint8Array, topLoc: BlockLocation, settings: IndexSettings, load: BlockLoader) {
    checkIndexType(settings.indexType, topLoc.file);
    this.topBlock = topBlock;
    this.topLoc = topLoc;
    this.settings = settings;
    this.load = load;
    this.file = topLoc.file;
    this.twoLevel = settings.indexType === IndexType.TwoLevelIndexSearch;
    this.keysInternal = !settings.keyIsUserKey;
    this.top = new BlockIter(topBlock, topLoc, {
      index: true,
      valueDeltaEncoded: settings.valueDeltaEncoded,
      indexHasFirstKey: !this.twoLevel && settings.indexType === IndexType.BinarySearchWithFirstKey,
    });
  }

  /** The BlockIter positioned at the current data-block entry. */
  private leaf(): BlockIter | undefined {
    return this.twoLevel ? this.part : this.top;
  }

  valid(): boolean {
    const l = this.leaf();
    return l !== undefined && l.valid();
  }

  /** Handle of the current data block (valid() must be true). */
  handleOffset(): number {
    return this.leaf()!.handleOffset;
  }
  handleSize(): number {
    return this.leaf()!.handleSize;
  }

  /**
   * Appends every data block's handle, in order, to `offsets` and `sizes` (appendIndexHandles:
   * no keys). Independent of this cursor's position, which it leaves as it was.
   */
  appendHandles(offsets: number[], sizes: number[]): void {
    const opts = { index: true, valueDeltaEncoded: this.settings.valueDeltaEncoded };
    if (!this.twoLevel) {
      appendIndexHandles(this.topBlock, this.topLoc, { ...opts, indexHasFirstKey: this.settings.indexType === IndexType.BinarySearchWithFirstKey }, offsets, sizes);
      return;
    }
    const partOffsets: number[] = [];
    const partSizes: number[] = [];
    appendIndexHandles(this.topBlock, this.topLoc, opts, partOffsets, partSizes);
    for (let i = 0; i < partOffsets.length; i++) {
      const h = { offset: partOffsets[i]!, size: partSizes[i]! };
      appendIndexHandles(this.load(h, 'index partition'), { file: this.file, offset: h.offset, what: 'index partition' }, opts, offsets, sizes);
    }
  }

  seekToFirst(): void {
    this.top.seekToFirst();
    if (this.twoLevel) {
      this.openPartition();
      if (this.part !== undefined) this.part.seekToFirst();
      this.skipEmptyPartitions();
    }
  }

  /** Position at the first data block that may hold a user key >= target. */
  seek(target: Uint8Array): void {
    this.top.seek(target, this.keysInternal);
    if (this.twoLevel) {
      this.openPartition();
      if (this.part !== undefined) this.part.seek(target, this.keysInternal);
      this.skipEmptyPartitions();
    }
  }

  next(): void {
    if (!this.twoLevel) {
      this.top.next();
      return;
    }
    if (this.part === undefined) return;
    this.part.next();
    this.skipEmptyPartitions();
  }

  private openPartition(): void {
    if (!this.top.valid()) {
      this.part = undefined;
      return;
    }
    const h = { offset: this.top.handleOffset, size: this.top.handleSize };
    const block = this.load(h, 'index partition');
    this.part = new BlockIter(
      block,
      { file: this.file, offset: h.offset, what: 'index partition' },
      { index: true, valueDeltaEncoded: this.settings.valueDeltaEncoded },
    );
  }

  private skipEmptyPartitions(): void {
    while (this.part !== undefined && !this.part.valid()) {
      this.top.next();
      this.openPartition();
      if (this.part !== undefined) this.part.seekToFirst();
    }
  }
}
