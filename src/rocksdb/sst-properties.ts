/**
 * Table properties block `rocksdb.properties` (facebook/rocksdb:table/meta_blocks.cc
 * `PropertyBlockBuilder`, `ReadTablePropertiesHelper`; names in table/table_properties.cc;
 * block-based names in table/block_based/block_based_table_builder.cc; external SST names in
 * table/sst_file_writer_collectors.h).
 *
 * An ordinary block (restart interval 1): key = property name, value = raw bytes.
 *   RocksDB's own numbers            varint64 (rocksdb.num.entries, rocksdb.column.family.id, ...)
 *   strings                          raw (rocksdb.column.family.name, rocksdb.compression, ...)
 *   rocksdb.block.based.table.index.type   fixed32 (0 binary, 1 hash, 2 two-level, 3 first key)
 *   rocksdb.external_sst_file.version      fixed32
 *   rocksdb.external_sst_file.global_seqno fixed64
 * User collectors (tikv.*) stay in `raw`.
 */
import { FormatError, corruption } from '../errors.js';
import { BlockIter, type BlockLocation } from './block.js';
import { readFixed32, readFixed64, readVarint64 } from './varint.js';

/** RocksDB's kUnknownColumnFamily (port::kMaxInt32), written by SstFileWriter without a CF. */
export const UNKNOWN_COLUMN_FAMILY_ID = 0x7fffffff;

export const IndexType = {
  BinarySearch: 0,
  HashSearch: 1,
  TwoLevelIndexSearch: 2,
  BinarySearchWithFirstKey: 3,
} as const;

export interface TableProperties {
  /** '' when absent. */
  columnFamilyName: string;
  /** -1 when absent; 0x7fffffff (UNKNOWN_COLUMN_FAMILY_ID) when the writer had no CF. */
  columnFamilyId: number;
  numEntries: number;
  numDataBlocks: number;
  numDeletions: number;
  numMergeOperands: number;
  numRangeDeletions: number;
  rawKeySize: number;
  rawValueSize: number;
  dataSize: number;
  indexSize: number;
  indexPartitions: number;
  topLevelIndexSize: number;
  /** e.g. "ZSTD", "LZ4", "Snappy", "NoCompression"; '' when absent. */
  compressionName: string;
  /** IndexType code; 0 when absent. */
  indexType: number;
  indexKeyIsUserKey: boolean;
  indexValueIsDeltaEncoded: boolean;
  /** 0 when absent (not an external SST). */
  externalSstFileVersion: number;
  /** 0 when absent or not assigned. */
  globalSeqno: number;
  /** e.g. "leveldb.BytewiseComparator"; '' when absent. */
  comparator: string;
  filterPolicy: string;
  prefixExtractorName: string;
  /** rocksdb.format.version as a property (format_version of the writer), -1 when absent. */
  formatVersionProperty: number;
  /** Every property as stored (values are views into the decompressed block). */
  raw: Map<string, Uint8Array>;
}

const utf8 = new TextDecoder('utf-8', { fatal: false });

/** Parse a (decompressed, checksum-verified) properties block. */
export function parseProperties(block: Uint8Array, loc: BlockLocation): TableProperties {
  const raw = new Map<string, Uint8Array>();
  const it = new BlockIter(block, loc);
  let prev: string | undefined;
  for (it.seekToFirst(); it.valid(); it.next()) {
    const name = utf8.decode(it.key());
    if (prev !== undefined && !(name > prev)) {
      throw corruption('properties block keys out of order', { file: loc.file, offset: loc.offset, found: `"${name}" after "${prev}"` });
    }
    prev = name;
    raw.set(name, it.value().slice());
  }
  const num = (name: string, dflt: number): number => {
    const v = raw.get(name);
    if (v === undefined) return dflt;
    try {
      const r = readVarint64(v, 0);
      if (r.next !== v.length) throw corruption('trailing bytes', {});
      return r.value;
    } catch (e) {
      throw bad(name, v, 'varint64', e, loc);
    }
  };
  const fixed32 = (name: string): number => {
    const v = raw.get(name);
    if (v === undefined) return 0;
    if (v.length !== 4) throw bad(name, v, 'fixed32', undefined, loc);
    return readFixed32(v, 0);
  };
  const fixed64 = (name: string): number => {
    const v = raw.get(name);
    if (v === undefined) return 0;
    if (v.length !== 8) throw bad(name, v, 'fixed64', undefined, loc);
    try {
      return readFixed64(v, 0);
    } catch (e) {
      if (e instanceof FormatError) throw e.withLocation(loc.file, loc.offset);
      throw e;
    }
  };
  const str = (name: string): string => {
    const v = raw.get(name);
    return v === undefined ? '' : utf8.decode(v);
  };
  return {
    columnFamilyName: str('rocksdb.column.family.name'),
    columnFamilyId: num('rocksdb.column.family.id', -1),
    numEntries: num('rocksdb.num.entries', 0),
    numDataBlocks: num('rocksdb.num.data.blocks', 0),
    numDeletions: num('rocksdb.deleted.keys', 0),
    numMergeOperands: num('rocksdb.merge.operands', 0),
    numRangeDeletions: num('rocksdb.num.range-deletions', 0),
    rawKeySize: num('rocksdb.raw.key.size', 0),
    rawValueSize: num('rocksdb.raw.value.size', 0),
    dataSize: num('rocksdb.data.size', 0),
    indexSize: num('rocksdb.index.size', 0),
    indexPartitions: num('rocksdb.index.partitions', 0),
    topLevelIndexSize: num('rocksdb.top-level.index.size', 0),
    compressionName: str('rocksdb.compression'),
    indexType: fixed32('rocksdb.block.based.table.index.type'),
    indexKeyIsUserKey: num('rocksdb.index.key.is.user.key', 0) !== 0,
    indexValueIsDeltaEncoded: num('rocksdb.index.value.is.delta.encoded', 0) !== 0,
    externalSstFileVersion: fixed32('rocksdb.external_sst_file.version'),
    globalSeqno: fixed64('rocksdb.external_sst_file.global_seqno'),
    comparator: str('rocksdb.comparator'),
    filterPolicy: str('rocksdb.filter.policy'),
    prefixExtractorName: str('rocksdb.prefix.extractor.name'),
    formatVersionProperty: num('rocksdb.format.version', -1),
    raw,
  };
}

function bad(name: string, v: Uint8Array, expected: string, cause: unknown, loc: BlockLocation): FormatError {
  return corruption(`property ${name} is not a ${expected}`, {
    file: loc.file,
    offset: loc.offset,
    context: 'properties block',
    expected,
    found: `${v.length} bytes${cause instanceof Error ? ` (${cause.message})` : ''}`,
  });
}
