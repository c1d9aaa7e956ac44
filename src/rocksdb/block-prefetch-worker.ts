/**
 * Worker side of block-prefetch.ts: reads a run of consecutive data blocks of one SST with a
 * single positioned read, verifies every block's checksum and decompresses it (the same
 * functions as the main thread: checksum.ts, compression.ts), and copies the contents into the
 * slot's shared output buffer (layout in block-prefetch-protocol.ts). The first block that fails
 * for any reason ends the batch; the main thread then reads that block itself and reports the
 * error exactly as without prefetch. The file is opened read-only per batch and closed after.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import { BLOCK_TRAILER_SIZE } from './block.js';
import { verifyBlockChecksum } from './checksum.js';
import { decompressBlockInto } from './compression.js';
import { BatchState, type BatchRequest, type PrefetchMessage } from './block-prefetch-protocol.js';

interface SlotMem {
  ctl: Int32Array;
  req: Float64Array;
  out: Uint8Array;
}

const slots = new Map<number, SlotMem>();
let readBuf = Buffer.allocUnsafe(1 << 20);

function run(m: BatchRequest): void {
  const slot = slots.get(m.id);
  if (slot === undefined) return;
  const { ctl, req, out } = slot;
  if (Atomics.compareExchange(ctl, 0, BatchState.Requested, BatchState.Claimed) !== BatchState.Requested) return;
  let count = 0;
  let fd: number | undefined;
  try {
    const n = ctl[2]!;
    const base = req[0]!;
    const span = req[2 * (n - 1)]! + req[2 * (n - 1) + 1]! + BLOCK_TRAILER_SIZE - base;
    if (readBuf.length < span) readBuf = Buffer.allocUnsafe(Math.max(span, readBuf.length * 2));
    fd = openSync(m.path, 'r');
    let done = 0;
    while (done < span) {
      const got = readSync(fd, readBuf, done, span - done, base + done);
      if (got === 0) break; // short file: the blocks past `done` are left to the main thread
      done += got;
    }
    let pos = 0;
    for (let k = 0; k < n; k++) {
      const off = req[2 * k]!;
      const size = req[2 * k + 1]!;
      const at = off - base;
      if (at + size + BLOCK_TRAILER_SIZE > done) break;
      const raw = readBuf.subarray(at, at + size + BLOCK_TRAILER_SIZE);
      const type = raw[size]!;
      const stored = (raw[size + 1]! | (raw[size + 2]! << 8) | (raw[size + 3]! << 16) | (raw[size + 4]! << 24)) >>> 0;
      verifyBlockChecksum(m.checksumType, raw.subarray(0, size + 1), stored, {
        file: m.path,
        offset: off,
        baseContextChecksum: m.baseContextChecksum,
        what: 'data block',
      });
      const len = decompressBlockInto(type, raw.subarray(0, size), m.formatVersion, out, pos, {
        file: m.path,
        offset: off,
        what: 'data block',
      });
      if (len < 0) break; // slot full: the caller reads the rest
      ctl[3 + 2 * k] = pos;
      ctl[4 + 2 * k] = len;
      pos += len;
      count++;
      Atomics.store(ctl, 1, count); // the main thread may take block k now
      Atomics.notify(ctl, 1);
    }
  } catch {
    // The main thread re-reads block `count` and raises the error with its full context.
  } finally {
    if (fd !== undefined) {
      try {
        closeSync(fd);
      } catch {
        // nothing to do: the descriptor was ours and read-only
      }
    }
    Atomics.store(ctl, 1, count);
    Atomics.store(ctl, 0, BatchState.Done);
    Atomics.notify(ctl, 0);
    Atomics.notify(ctl, 1);
  }
}

parentPort?.postMessage('ready');
parentPort?.on('message', (m: PrefetchMessage) => {
  if (m.kind === 'slot') {
    slots.set(m.id, { ctl: new Int32Array(m.ctl), req: new Float64Array(m.req), out: new Uint8Array(m.out) });
  } else {
    run(m);
  }
});
