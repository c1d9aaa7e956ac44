/**
 * Block checksums of the block-based table (facebook/rocksdb:table/format.cc
 * `ComputeBuiltinChecksum`, `ComputeBuiltinChecksumWithLastByte`, `ChecksumModifierForContext`;
 * table/block_based/reader_common.cc `VerifyBlockChecksum`; util/crc32c.h `Mask`/`Unmask`).
 *
 * Every block is followed by a 5-byte trailer: 1 byte compression type + fixed32 checksum.
 * The checksum covers the block bytes and the type byte:
 *   type 0 none      no check
 *   type 1 crc32c    mask(crc32c(block ++ type))           (also the WAL/MANIFEST record crc)
 *   type 2 xxHash32  xxh32(block ++ type, seed 0)
 *   type 3 xxHash64  low32(xxh64(block ++ type, seed 0))
 *   type 4 XXH3      low32(xxh3_64(block)) ^ (type * 0x6b9083d9)
 * format_version >= 6 stores checksum + modifier (mod 2^32) where
 *   modifier = base_context_checksum ^ (low32(offset) + high32(offset)), or 0 when base is 0.
 */
import { createRequire } from 'node:module';
import { corruption, unsupported } from '../errors.js';

// Loaded with require, not `import`: importing a CommonJS package from ESM makes Node scan its
// 28 KB index.js for export names (cjs-module-lexer) in every thread, 15-25 ms each at start-up
// (4-5 ms with require; 5 fresh processes each).
const nativeCrc32c = (createRequire(import.meta.url)('@node-rs/crc32') as { crc32c(data: Uint8Array, init?: number): number }).crc32c;

// xxHash checksums (types 2-4) are loaded at their first block: TiKV's SSTs use crc32c, and
// loading @node-rs/xxhash cost each thread ~10 ms at start-up.
interface XxHash {
  xxh32(data: Uint8Array, seed: number): number;
  xxh64(data: Uint8Array, seed: bigint): bigint;
  xxh3: { xxh64(data: Uint8Array, seed: bigint): bigint };
}
let xxhashMod: XxHash | undefined;
const xxhash = (): XxHash => (xxhashMod ??= createRequire(import.meta.url)('@node-rs/xxhash') as XxHash);

export const ChecksumType = {
  None: 0,
  Crc32c: 1,
  XxHash: 2,
  XxHash64: 3,
  Xxh3: 4,
} as const;
export type ChecksumTypeCode = number;

export function checksumTypeName(t: ChecksumTypeCode): string {
  switch (t) {
    case 0:
      return 'none';
    case 1:
      return 'crc32c';
    case 2:
      return 'xxhash';
    case 3:
      return 'xxhash64';
    case 4:
      return 'xxh3';
    default:
      return `unknown(${t})`;
  }
}

/** Plain (unmasked) crc32c, optionally extending a previous crc. */
export function crc32c(data: Uint8Array, init = 0): number {
  return nativeCrc32c(data, init) >>> 0;
}

const MASK_DELTA = 0xa282ead8;

/** crc32c mask as stored in SST trailers and log records (util/crc32c.h). */
export function maskCrc(crc: number): number {
  const rot = ((crc >>> 15) | (crc << 17)) >>> 0;
  return (rot + MASK_DELTA) >>> 0;
}

export function unmaskCrc(masked: number): number {
  const rot = (masked - MASK_DELTA) >>> 0;
  return ((rot >>> 17) | (rot << 15)) >>> 0;
}

export function xxhash32(data: Uint8Array): number {
  return xxhash().xxh32(data, 0) >>> 0;
}

export function xxhash64Low32(data: Uint8Array): number {
  return Number(xxhash().xxh64(data, 0n) & 0xffffffffn);
}

const XXH3_LAST_BYTE_PRIME = 0x6b9083d9;

/** RocksDB's XXH3 checksum: low 32 bits of XXH3_64 of all but the last byte, xor last*prime. */
export function xxh3Low32WithLastByte(dataWithLast: Uint8Array): number {
  const n = dataWithLast.length;
  if (n === 0) throw new RangeError('xxh3Low32WithLastByte needs at least the last byte');
  const v = Number(xxhash().xxh3.xxh64(dataWithLast.subarray(0, n - 1), 0n) & 0xffffffffn);
  const last = dataWithLast[n - 1]!;
  return (v ^ Math.imul(last, XXH3_LAST_BYTE_PRIME)) >>> 0;
}

/**
 * The builtin checksum of `blockWithTypeByte` (block bytes followed by the trailer's type byte),
 * before any context modifier. Unknown types raise 'unsupported'.
 */
export function computeBlockChecksum(type: ChecksumTypeCode, blockWithTypeByte: Uint8Array): number {
  switch (type) {
    case ChecksumType.None:
      return 0;
    case ChecksumType.Crc32c:
      return maskCrc(crc32c(blockWithTypeByte));
    case ChecksumType.XxHash:
      return xxhash32(blockWithTypeByte);
    case ChecksumType.XxHash64:
      return xxhash64Low32(blockWithTypeByte);
    case ChecksumType.Xxh3:
      return xxh3Low32WithLastByte(blockWithTypeByte);
    default:
      throw unsupported(`checksum type ${type}`, { expected: 'checksum type 0..4' });
  }
}

/** format_version >= 6 context modifier; 0 when `baseContextChecksum` is 0 (older formats). */
export function checksumModifierForContext(baseContextChecksum: number, offset: number): number {
  if (baseContextChecksum === 0) return 0;
  const lo = offset % 0x100000000;
  const hi = Math.floor(offset / 0x100000000);
  return (baseContextChecksum ^ ((lo + hi) >>> 0)) >>> 0;
}

export interface VerifyContext {
  file?: string;
  /** File offset of the block (start of its bytes, not of the trailer). */
  offset: number;
  /** format_version >= 6 only; 0 or absent otherwise. */
  baseContextChecksum?: number;
  /** e.g. "data block", "index block", "footer". */
  what?: string;
}

/**
 * Throws FormatError('corruption') naming file, block offset and expected/found checksum when
 * `stored` (the fixed32 from the trailer) does not match. Type None accepts anything.
 */
export function verifyBlockChecksum(
  type: ChecksumTypeCode,
  blockWithTypeByte: Uint8Array,
  stored: number,
  ctx: VerifyContext,
): void {
  if (type === ChecksumType.None) return;
  const computed = computeBlockChecksum(type, blockWithTypeByte);
  const modifier = checksumModifierForContext(ctx.baseContextChecksum ?? 0, ctx.offset);
  const expected = (computed + modifier) >>> 0;
  if ((stored >>> 0) !== expected) {
    throw corruption(`${ctx.what ?? 'block'} checksum mismatch`, {
      file: ctx.file,
      offset: ctx.offset,
      context: `${checksumTypeName(type)}, ${blockWithTypeByte.length - 1} bytes + type byte`,
      expected: `0x${expected.toString(16).padStart(8, '0')}`,
      found: `0x${(stored >>> 0).toString(16).padStart(8, '0')}`,
    });
  }
}
