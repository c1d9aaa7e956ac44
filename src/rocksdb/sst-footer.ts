/**
 * Block-based table footer (facebook/rocksdb:table/format.h `Footer`, table/format.cc
 * `Footer::DecodeFrom`; magics from table/block_based/block_based_table_builder.cc).
 *
 * Legacy footer, format_version 0 (48 bytes, magic 0xdb4775248b80fb57), checksum crc32c:
 *   metaindex handle, index handle (varints), zero padding to 40 bytes, fixed64 magic
 * format_version 1..5 (53 bytes, magic 0x88e241b785f4cff7):
 *   u8 checksum type | metaindex handle, index handle, zero padding (40 bytes) |
 *   fixed32 format_version | fixed64 magic
 * format_version 6 (53 bytes, same magic):
 *   u8 checksum type | 3e 00 7a 00 (extended magic) | fixed32 footer checksum |
 *   fixed32 base_context_checksum | fixed32 metaindex size | 16 bytes unchecked padding |
 *   8 bytes that must be zero | fixed32 format_version | fixed64 magic
 *   The footer checksum is the builtin checksum of the 53 bytes with that field zeroed, plus
 *   the context modifier for the footer's file offset. The metaindex block ends right before
 *   the footer (offset = footer offset - 5 - size); the index handle is the metaindex entry
 *   `rocksdb.index`.
 * format_version 7+ (RocksDB 10.4+) and plain/cuckoo tables are refused ('unsupported').
 */
import { FormatError, corruption, truncated, unsupported, hex } from '../errors.js';
import { type BlockHandle, decodeBlockHandle } from './block-handle.js';
import { ChecksumType, checksumModifierForContext, checksumTypeName, computeBlockChecksum } from './checksum.js';
import { readFixed32 } from './varint.js';

export const BLOCK_BASED_MAGIC = 0x88e241b785f4cff7n;
export const LEGACY_BLOCK_BASED_MAGIC = 0xdb4775248b80fb57n;
/** Other RocksDB table formats (table/plain/plain_table_builder.cc, table/cuckoo/cuckoo_table_builder.cc). */
const OTHER_TABLE_MAGICS = new Map<bigint, string>([
  [0x8242229663bf9564n, 'PlainTable'],
  [0x4f3418eb7a8f13b8n, 'legacy PlainTable'],
  [0x926789d0c5f17873n, 'CuckooTable'],
]);
export const LEGACY_FOOTER_SIZE = 48;
export const NEW_FOOTER_SIZE = 53;
/** Read this many bytes from the end of the file to be sure to hold any footer. */
export const MAX_FOOTER_SIZE = NEW_FOOTER_SIZE;
export const MAX_SUPPORTED_FORMAT_VERSION = 6;
const EXTENDED_MAGIC = [0x3e, 0x00, 0x7a, 0x00];

export interface Footer {
  formatVersion: number;
  checksumType: number;
  metaindexHandle: BlockHandle;
  /** Undefined for format_version >= 6 (look up `rocksdb.index` in the metaindex). */
  indexHandle: BlockHandle | undefined;
  /** format_version >= 6 only, else 0. */
  baseContextChecksum: number;
  /** File offset where the footer starts. */
  footerOffset: number;
}

function magicOf(buf: Uint8Array, p: number): bigint {
  return (BigInt(readFixed32(buf, p + 4)) << 32n) | BigInt(readFixed32(buf, p));
}

/**
 * Parse the footer from `tail`, the last bytes of the file (at least 53, or the whole file if
 * shorter); `fileSize` gives absolute offsets for messages.
 */
export function parseFooter(tail: Uint8Array, fileSize: number, file?: string): Footer {
  const tailStart = fileSize - tail.length;
  if (tail.length < LEGACY_FOOTER_SIZE) {
    throw truncated('file too short to be an SST', {
      file,
      offset: fileSize,
      expected: `>= ${LEGACY_FOOTER_SIZE} bytes`,
      found: `${fileSize} bytes`,
    });
  }
  const magicPos = tail.length - 8;
  const magic = magicOf(tail, magicPos);
  const at = (p: number): number => tailStart + p;
  if (magic === LEGACY_BLOCK_BASED_MAGIC) {
    const start = tail.length - LEGACY_FOOTER_SIZE;
    const h = decodeHandles(tail, start, magicPos, file, at(start));
    return {
      formatVersion: 0,
      checksumType: ChecksumType.Crc32c,
      metaindexHandle: h.meta,
      indexHandle: h.index,
      baseContextChecksum: 0,
      footerOffset: at(start),
    };
  }
  const other = OTHER_TABLE_MAGICS.get(magic);
  if (other !== undefined) {
    throw unsupported(`${other} files are not supported (TiKV writes block-based tables)`, {
      file,
      offset: at(magicPos),
      expected: `magic 0x${BLOCK_BASED_MAGIC.toString(16)}`,
      found: `0x${magic.toString(16)} (${other})`,
    });
  }
  if (magic !== BLOCK_BASED_MAGIC) {
    throw corruption('not a block-based SST: bad footer magic', {
      file,
      offset: at(magicPos),
      expected: `magic 0x${BLOCK_BASED_MAGIC.toString(16)}`,
      found: `0x${magic.toString(16).padStart(16, '0')}`,
    });
  }
  if (tail.length < NEW_FOOTER_SIZE) {
    throw truncated('file too short for a format_version >= 1 footer', {
      file,
      offset: fileSize,
      expected: `>= ${NEW_FOOTER_SIZE} bytes`,
      found: `${fileSize} bytes`,
    });
  }
  const start = tail.length - NEW_FOOTER_SIZE;
  const footerOffset = at(start);
  const formatVersion = readFixed32(tail, magicPos - 4);
  if (formatVersion < 1 || formatVersion > MAX_SUPPORTED_FORMAT_VERSION) {
    throw unsupported(`SST format_version ${formatVersion} is not supported`, {
      file,
      offset: at(magicPos - 4),
      expected: `format_version 0..${MAX_SUPPORTED_FORMAT_VERSION}`,
      found: `${formatVersion}`,
    });
  }
  const checksumType = tail[start]!;
  if (checksumType > ChecksumType.Xxh3) {
    throw corruption('unknown checksum type in footer', {
      file,
      offset: footerOffset,
      expected: 'checksum type 0..4',
      found: `${checksumType}`,
    });
  }
  if (formatVersion < 6) {
    const h = decodeHandles(tail, start + 1, magicPos - 4, file, footerOffset);
    return {
      formatVersion,
      checksumType,
      metaindexHandle: h.meta,
      indexHandle: h.index,
      baseContextChecksum: 0,
      footerOffset,
    };
  }
  // format_version 6
  const p = start + 1;
  for (let i = 0; i < 4; i++) {
    if (tail[p + i] !== EXTENDED_MAGIC[i]) {
      throw corruption('bad extended footer magic', {
        file,
        offset: at(p),
        expected: '3e007a00',
        found: hex(tail.subarray(p, p + 4)),
      });
    }
  }
  const storedChecksum = readFixed32(tail, p + 4);
  const baseContextChecksum = readFixed32(tail, p + 8);
  const metaindexSize = readFixed32(tail, p + 12);
  if (baseContextChecksum === 0) {
    throw corruption('format_version 6 footer has base_context_checksum 0', { file, offset: footerOffset });
  }
  const copy = tail.slice(start, start + NEW_FOOTER_SIZE);
  copy[5] = 0;
  copy[6] = 0;
  copy[7] = 0;
  copy[8] = 0;
  const computed =
    (computeBlockChecksum(checksumType, copy) + checksumModifierForContext(baseContextChecksum, footerOffset)) >>> 0;
  if (computed !== storedChecksum) {
    throw corruption('footer checksum mismatch', {
      file,
      offset: footerOffset,
      context: checksumTypeName(checksumType),
      expected: `0x${computed.toString(16).padStart(8, '0')}`,
      found: `0x${storedChecksum.toString(16).padStart(8, '0')}`,
    });
  }
  for (let i = p + 32; i < p + 40; i++) {
    if (tail[i] !== 0) {
      throw unsupported('SST footer uses a future feature (reserved bytes not zero)', {
        file,
        offset: at(p + 32),
        found: hex(tail.subarray(p + 32, p + 40)),
      });
    }
  }
  const metaindexEnd = footerOffset - 5;
  if (metaindexSize > metaindexEnd) {
    throw corruption('metaindex size larger than the file', { file, offset: footerOffset, found: `${metaindexSize}` });
  }
  return {
    formatVersion,
    checksumType,
    metaindexHandle: { offset: metaindexEnd - metaindexSize, size: metaindexSize },
    indexHandle: undefined,
    baseContextChecksum,
    footerOffset,
  };
}

function decodeHandles(
  tail: Uint8Array,
  start: number,
  end: number,
  file: string | undefined,
  offset: number,
): { meta: BlockHandle; index: BlockHandle } {
  const view = tail.subarray(0, end);
  try {
    const m = decodeBlockHandle(view, start);
    const i = decodeBlockHandle(view, m.next);
    return { meta: m.handle, index: i.handle };
  } catch (e) {
    if (e instanceof FormatError) {
      throw corruption('bad block handle in footer', { file, offset, found: e.message });
    }
    throw e;
  }
}
