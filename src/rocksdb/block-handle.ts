/**
 * BlockHandle (facebook/rocksdb:table/format.h, table/format.cc `BlockHandle::DecodeFrom`):
 *   varint64 offset, varint64 size
 * `size` excludes the 5-byte block trailer (compression type + fixed32 checksum).
 */
import { readVarint64 } from './varint.js';

export interface BlockHandle {
  offset: number;
  size: number;
}

export interface HandleRead {
  handle: BlockHandle;
  next: number;
}

/** Errors are the varint readers' ('truncated' / 'overflow'), without file location. */
export function decodeBlockHandle(buf: Uint8Array, offset: number): HandleRead {
  const o = readVarint64(buf, offset);
  const s = readVarint64(buf, o.next);
  return { handle: { offset: o.value, size: s.value }, next: s.next };
}

export function sameHandle(a: BlockHandle, b: BlockHandle): boolean {
  return a.offset === b.offset && a.size === b.size;
}
