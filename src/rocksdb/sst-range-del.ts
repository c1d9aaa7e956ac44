/**
 * Range-deletion meta block `rocksdb.range_del` (facebook/rocksdb:table/block_based/
 * block_based_table_builder.cc `WriteRangeDelBlock`, db/range_tombstone_fragmenter.cc).
 *
 * An ordinary block, uncompressed in practice (the trailer says), restart interval 1:
 *   key   = internal key of the tombstone start: start user key ++ trailer(seq, type 0x0F)
 *   value = end user key (exclusive)
 * Tombstones may overlap; RocksDB 7.x writes them fragmented, newest first per fragment.
 */
import { FormatError, corruption, hex } from '../errors.js';
import { BlockIter, type BlockLocation } from './block.js';
import { TRAILER_SIZE, compareBytes, trailerSeq, trailerType } from './internal-key.js';
import { ValueType, type RangeTombstone } from './types.js';

/**
 * Parse a decompressed, verified range-del block. `seqOverride` (the global seqno of an
 * ingested file) replaces every stored seq.
 */
export function parseRangeDelBlock(block: Uint8Array, loc: BlockLocation, seqOverride?: number): RangeTombstone[] {
  const out: RangeTombstone[] = [];
  const it = new BlockIter(block, loc);
  for (it.seekToFirst(); it.valid(); it.next()) {
    const k = it.key();
    if (k.length < TRAILER_SIZE) {
      throw corruption('range tombstone key shorter than 8 bytes', { file: loc.file, offset: loc.offset, found: hex(k) });
    }
    const type = trailerType(k, k.length);
    if (type !== ValueType.RangeDeletion) {
      throw corruption('range-del block entry is not a range deletion', {
        file: loc.file,
        offset: loc.offset,
        expected: 'type 0x0f',
        found: `type 0x${type.toString(16)} at key ${hex(k)}`,
      });
    }
    let seq: number;
    try {
      seq = trailerSeq(k, k.length);
    } catch (e) {
      throw e instanceof FormatError ? e.withLocation(loc.file, loc.offset) : e;
    }
    const start = k.slice(0, k.length - TRAILER_SIZE);
    const end = it.value().slice();
    if (compareBytes(start, end) >= 0) {
      // RocksDB drops empty tombstones when writing; an inverted one means damage.
      throw corruption('range tombstone start is not below its end', {
        file: loc.file,
        offset: loc.offset,
        found: `[${hex(start)}, ${hex(end)})`,
      });
    }
    out.push({ start, end, seq: seqOverride ?? seq });
  }
  return out;
}
