/**
 * Block decompression (facebook/rocksdb:include/rocksdb/compression_type.h,
 * util/compression.cc `Decompressor::ExtractUncompressedSize`, util/compression.h
 * `*_Uncompress`, table/format.cc `DecompressBlockData`).
 *
 * The compression type is the first byte of the 5-byte block trailer, per block (a block of an
 * LZ4 file that did not compress well is stored with type 0).
 *
 * Stored bytes for format_version >= 2:
 *   snappy (1)          snappy's own stream (its varint length header first), no RocksDB prefix
 *   zlib (2)            varint32 uncompressed size ++ raw deflate (window bits -14)
 *   bzip2 (3)           varint32 size ++ bzip2 stream            -> 'unsupported' here
 *   lz4 (4), lz4hc (5)  varint32 size ++ raw LZ4 block (no frame)
 *   xpress (6)          Windows only                              -> 'unsupported'
 *   zstd (7), 0x40      varint32 size ++ one zstd frame
 * format_version 0/1 ("compress_format_version 1", util/compression.h before RocksDB 11):
 *   zlib                raw deflate with no size prefix (size unknown until inflated)
 *   lz4, lz4hc          8-byte header = the writer's size_t length in native byte order (we
 *                       accept little-endian writers: fixed32 size, 4 zero bytes), raw block
 *   snappy, zstd        as above (zstd always had the varint32 prefix)
 *   bzip2               'unsupported' as for every version
 *
 * Compression dictionary: when the metaindex has `rocksdb.compression_dict`, that block (stored
 * uncompressed) is the dictionary every compressed data block of the file was written with
 * (zstd: raw-content or trained dictionary; lz4: stream dictionary; zlib: deflate dictionary;
 * table/block_based/block_based_table_builder.cc `EnterUnbuffered`, util/compression.h).
 * Index and meta blocks never use it.
 *
 * Decompressors are pluggable (`registerDecompressor`); each gets the compressed payload, the
 * expected output length and the dictionary (if any), and its result length is checked.
 */
import { createRequire } from 'node:module';
import { inflateRawSync } from 'node:zlib';
import { FormatError, corruption, hex, unsupported } from '../errors.js';
import { readFixed32, readVarint32, readVarint32Into, type NumRead } from './varint.js';

const require = createRequire(import.meta.url);

// Native decompressors (lz4-napi, zstd-napi: the fastest measured here) are loaded when they
// can be; a platform without their prebuilt binaries (or TIKV_EXPORT_NATIVE_CODECS=0) gets the
// pure-JS decoders instead (fzstd, lz4js: same output, slower), and codecStatus() says so, for
// the CLI's one warning line. Zstd or lz4 blocks written with a compression dictionary need the
// native modules ('unsupported' otherwise).
const codecProblems: string[] = [];
function loadNative<T>(name: string, load: () => T): T | undefined {
  if (process.env.TIKV_EXPORT_NATIVE_CODECS === '0') {
    codecProblems.push(`${name}: disabled by TIKV_EXPORT_NATIVE_CODECS=0`);
    return undefined;
  }
  try {
    return load();
  } catch (e) {
    codecProblems.push(`${name}: ${(e instanceof Error ? e.message : String(e)).split('\n')[0]}`);
    return undefined;
  }
}

interface ZstdDCtx {
  decompress(dst: Uint8Array, src: Uint8Array): number;
}
interface ZstdDictDecompressor {
  loadDictionary(dict: Uint8Array): void;
  decompress(input: Uint8Array): Uint8Array;
}
const lz4Native = loadNative('lz4-napi', () => (require('lz4-napi') as { uncompressSync(input: Uint8Array, dict?: Uint8Array): Uint8Array }).uncompressSync);
const zstdNative = loadNative('zstd-napi', () => {
  // the binding decompresses straight into a caller's buffer; Decompressor handles dictionaries
  const binding = require('zstd-napi/binding') as { DCtx: new () => ZstdDCtx };
  const mod = require('zstd-napi') as { Decompressor: new () => ZstdDictDecompressor };
  return { ctx: new binding.DCtx(), Decompressor: mod.Decompressor };
});
// The pure-JS decoders are loaded at their first block: with the native modules loaded, zstd and
// lz4 never need them, and TiKV does not write snappy; loading all three cost each thread
// (main and every chunk worker) ~15 ms at start-up.
interface Lz4Js {
  decompressBlock(src: Uint8Array, dst: Uint8Array, sIndex: number, sLength: number, dIndex: number): number;
}
interface SnappyJs {
  uncompress(input: Uint8Array, maxLength?: number): Uint8Array;
}
interface Fzstd {
  decompress(input: Uint8Array): Uint8Array;
}
let lz4jsMod: Lz4Js | undefined;
let snappyMod: SnappyJs | undefined;
let fzstdMod: Fzstd | undefined;
const lz4js = (): Lz4Js => (lz4jsMod ??= require('lz4js') as Lz4Js);
const snappy = (): SnappyJs => (snappyMod ??= require('snappyjs') as SnappyJs);
const fzstd = (): Fzstd => (fzstdMod ??= require('fzstd') as Fzstd);

/** Which decoders are in use, and why a native one is not (empty when both are native). */
export function codecStatus(): { lz4: 'native' | 'js'; zstd: 'native' | 'js'; problems: readonly string[] } {
  return { lz4: lz4Native === undefined ? 'js' : 'native', zstd: zstdNative === undefined ? 'js' : 'native', problems: codecProblems };
}

export const CompressionType = {
  None: 0x0,
  Snappy: 0x1,
  Zlib: 0x2,
  BZip2: 0x3,
  LZ4: 0x4,
  LZ4HC: 0x5,
  Xpress: 0x6,
  ZSTD: 0x7,
  ZSTDNotFinal: 0x40,
} as const;

export function compressionName(t: number): string {
  switch (t) {
    case 0x0:
      return 'none';
    case 0x1:
      return 'snappy';
    case 0x2:
      return 'zlib';
    case 0x3:
      return 'bzip2';
    case 0x4:
      return 'lz4';
    case 0x5:
      return 'lz4hc';
    case 0x6:
      return 'xpress';
    case 0x7:
      return 'zstd';
    case 0x40:
      return 'zstd-not-final';
    default:
      return `unknown(0x${t.toString(16)})`;
  }
}

/** A file's compression dictionary; keeps the per-dictionary zstd decompressor. */
export class CompressionDict {
  readonly raw: Uint8Array;
  private zstd: ZstdDictDecompressor | undefined;
  constructor(raw: Uint8Array) {
    this.raw = raw;
  }
  zstdDecompressor(): ZstdDictDecompressor {
    if (this.zstd === undefined) {
      if (zstdNative === undefined) throw new Error(`zstd with a compression dictionary needs the native zstd-napi module (${codecProblems.join('; ')})`);
      const d = new zstdNative.Decompressor();
      d.loadDictionary(this.raw);
      this.zstd = d;
    }
    return this.zstd;
  }
}

/** Decompress `input` into exactly `expectedLength` bytes (the caller checks the length too). */
export type Decompressor = (input: Uint8Array, expectedLength: number, dict?: CompressionDict) => Uint8Array;

/** Refuse absurd sizes before allocating (a block is at most a few MB in practice). */
export const MAX_BLOCK_SIZE = 1 << 30;

function lz4Block(input: Uint8Array, expectedLength: number, dict?: CompressionDict): Uint8Array {
  if (lz4Native === undefined) {
    if (dict !== undefined) throw new Error(`lz4 with a compression dictionary needs the native lz4-napi module (${codecProblems.join('; ')})`);
    const out = new Uint8Array(expectedLength);
    const end = lz4js().decompressBlock(input, out, 0, input.length, 0);
    // lz4js does not bound its writes: a longer stream is dropped past the end and shows here
    if (end !== expectedLength) throw new Error(`lz4 block decodes to ${end} bytes`);
    return out;
  }
  // lz4-napi expects lz4_flex's framing: 4-byte LE uncompressed size, then the raw block.
  const framed = Buffer.allocUnsafe(input.length + 4);
  framed.writeUInt32LE(expectedLength, 0);
  framed.set(input, 4);
  return dict === undefined ? lz4Native(framed) : lz4Native(framed, dict.raw);
}

function zlibBlock(input: Uint8Array, _n: number, dict?: CompressionDict): Uint8Array {
  return dict === undefined
    ? inflateRawSync(input, { maxOutputLength: MAX_BLOCK_SIZE })
    : inflateRawSync(input, { maxOutputLength: MAX_BLOCK_SIZE, dictionary: dict.raw });
}

function zstdBlock(input: Uint8Array, n: number, dict?: CompressionDict): Uint8Array {
  if (dict !== undefined) return dict.zstdDecompressor().decompress(input);
  // RocksDB's size prefix gives the output size: decompress straight into a buffer of it (no
  // frame-size probing); a frame of another size fails here or in decompressBlock's length check.
  if (zstdNative === undefined) return fzstd().decompress(input);
  const out = Buffer.allocUnsafe(n);
  const got = zstdNative.ctx.decompress(out, input);
  return got === n ? out : out.subarray(0, got);
}

const registry = new Map<number, Decompressor>([
  [CompressionType.Zlib, zlibBlock],
  [CompressionType.LZ4, lz4Block],
  [CompressionType.LZ4HC, lz4Block],
  [CompressionType.ZSTD, zstdBlock],
  [CompressionType.ZSTDNotFinal, zstdBlock],
]);

/** Install or replace the decompressor for a compression type (not snappy/none). */
export function registerDecompressor(type: number, fn: Decompressor): void {
  registry.set(type, fn);
}

export interface DecompressContext {
  file?: string;
  /** File offset of the block. */
  offset?: number;
  what?: string;
  /** The file's compression dictionary, for data blocks only. */
  dict?: CompressionDict;
}

/**
 * Uncompress one block's stored bytes (trailer excluded). Type 0 returns `data` itself.
 * Errors: 'unsupported' for bzip2/xpress/unknown types and format_version < 2 framings of
 * zlib/lz4; 'corruption' for undecodable data or a size mismatch.
 */
export function decompressBlock(
  type: number,
  data: Uint8Array,
  formatVersion: number,
  ctx: DecompressContext = {},
): Uint8Array {
  if (type === CompressionType.None) return data;
  const detail = { file: ctx.file, offset: ctx.offset, context: `${ctx.what ?? 'block'}, ${compressionName(type)}` };
  if (type === CompressionType.BZip2 || type === CompressionType.Xpress) {
    throw unsupported(`${compressionName(type)} compressed blocks are not supported`, detail);
  }
  if (type === CompressionType.Snappy) return snappyBlock(data, detail);
  const fn = registry.get(type);
  if (fn === undefined) {
    throw unsupported(`unknown compression type 0x${type.toString(16)}`, { ...detail, expected: 'compression type 0..7 or 0x40' });
  }
  let expectedLength: number;
  let payload: Uint8Array;
  if (formatVersion < 2 && type === CompressionType.Zlib) {
    return legacyZlib(data, detail, ctx.dict);
  } else if (formatVersion < 2 && (type === CompressionType.LZ4 || type === CompressionType.LZ4HC)) {
    if (data.length < 8 || data[4] !== 0 || data[5] !== 0 || data[6] !== 0 || data[7] !== 0) {
      throw corruption(`bad format_version ${formatVersion} ${compressionName(type)} size header`, {
        ...detail,
        expected: '8-byte little-endian size < 2^32',
        found: hex(data.subarray(0, 8)),
      });
    }
    expectedLength = readFixed32(data, 0);
    payload = data.subarray(8);
  } else {
    try {
      const n = readVarint32(data, 0);
      expectedLength = n.value;
      payload = data.subarray(n.next);
    } catch (e) {
      if (e instanceof FormatError) throw corruption('bad uncompressed-size prefix', { ...detail, found: e.message });
      throw e;
    }
  }
  if (expectedLength > MAX_BLOCK_SIZE) {
    throw corruption('uncompressed block size too large', { ...detail, found: `${expectedLength}` });
  }
  let out: Uint8Array;
  try {
    out = fn(payload, expectedLength, ctx.dict);
  } catch (e) {
    throw corruption(`${compressionName(type)} data does not decompress`, {
      ...detail,
      found: e instanceof Error ? e.message : String(e),
    });
  }
  if (out.length !== expectedLength) {
    throw corruption(`${compressionName(type)} block decompressed to the wrong size`, {
      ...detail,
      expected: `${expectedLength} bytes`,
      found: `${out.length} bytes`,
    });
  }
  return out;
}

/**
 * decompressBlock, with the result written to `out` at `outPos`; returns the block length, or
 * -1 when it does not fit (nothing useful written). Without a dictionary, zstd blocks of
 * format_version >= 2 are decompressed in place (no intermediate buffer); everything else goes
 * through decompressBlock and is copied. Errors as decompressBlock.
 */
export function decompressBlockInto(
  type: number,
  data: Uint8Array,
  formatVersion: number,
  out: Uint8Array,
  outPos: number,
  ctx: DecompressContext = {},
): number {
  if ((type === CompressionType.ZSTD || type === CompressionType.ZSTDNotFinal) && ctx.dict === undefined && formatVersion >= 2 && zstdNative !== undefined) {
    // one block after another: the size prefix is read into a shared record, and the error
    // details are made only for an error (a string built per block showed in profiles)
    let n: NumRead;
    try {
      n = readVarint32Into(data, 0, sizePrefix);
    } catch (e) {
      if (e instanceof FormatError) throw corruption('bad uncompressed-size prefix', { ...blockDetail(ctx, type), found: e.message });
      throw e;
    }
    const size = n.value;
    if (size > MAX_BLOCK_SIZE) throw corruption('uncompressed block size too large', { ...blockDetail(ctx, type), found: `${size}` });
    if (outPos + size > out.length) return -1;
    let got: number;
    try {
      got = zstdNative.ctx.decompress(out.subarray(outPos, outPos + size), data.subarray(n.next));
    } catch (e) {
      throw corruption('zstd data does not decompress', { ...blockDetail(ctx, type), found: e instanceof Error ? e.message : String(e) });
    }
    if (got !== size) {
      throw corruption('zstd block decompressed to the wrong size', { ...blockDetail(ctx, type), expected: `${size} bytes`, found: `${got} bytes` });
    }
    return got;
  }
  const block = decompressBlock(type, data, formatVersion, ctx);
  if (outPos + block.length > out.length) return -1;
  out.set(block, outPos);
  return block.length;
}

/** decompressBlockInto's size prefix (read and used before the next block). */
const sizePrefix: NumRead = { value: 0, next: 0 };

/** Where a block is, for decompressBlockInto's errors. */
function blockDetail(ctx: DecompressContext, type: number): { file?: string; offset?: number; context: string } {
  return { file: ctx.file, offset: ctx.offset, context: `${ctx.what ?? 'block'}, ${compressionName(type)}` };
}

/** format_version 0/1 zlib: raw deflate, no size prefix; the size is whatever inflates. */
function legacyZlib(
  data: Uint8Array,
  detail: { file?: string; offset?: number; context: string },
  dict: CompressionDict | undefined,
): Uint8Array {
  try {
    return zlibBlock(data, 0, dict);
  } catch (e) {
    throw corruption('zlib data does not decompress', { ...detail, found: e instanceof Error ? e.message : String(e) });
  }
}

function snappyBlock(data: Uint8Array, detail: { file?: string; offset?: number; context: string }): Uint8Array {
  let expectedLength: number;
  try {
    expectedLength = readVarint32(data, 0).value;
  } catch (e) {
    if (e instanceof FormatError) throw corruption('bad snappy length header', { ...detail, found: e.message });
    throw e;
  }
  if (expectedLength > MAX_BLOCK_SIZE) {
    throw corruption('uncompressed block size too large', { ...detail, found: `${expectedLength}` });
  }
  let out: Uint8Array;
  try {
    out = snappy().uncompress(data, MAX_BLOCK_SIZE);
  } catch (e) {
    throw corruption('snappy data does not decompress', { ...detail, found: e instanceof Error ? e.message : String(e) });
  }
  if (out.length !== expectedLength) {
    throw corruption('snappy block decompressed to the wrong size', {
      ...detail,
      expected: `${expectedLength} bytes`,
      found: `${out.length} bytes`,
    });
  }
  return out;
}
