/**
 * Worker side of block-prefetch.ts: reads a run of consecutive data blocks of one SST with a
 * single positioned read, verifies every block's checksum and decompresses it (the same
 * functions as the main thread: checksum.ts, compression.ts), and copies the contents into the
 * slot's shared output buffer (layout in block-prefetch-protocol.ts). Blocks are claimed one at a
 * time, in order, from a counter the main thread also takes blocks from when it is ahead. A
 * block that fails for any reason is marked Skipped; the main thread then reads it itself and
 * reports the error exactly as without prefetch. The file is opened read-only per batch.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import { BLOCK_TRAILER_SIZE } from './block.js';
import { verifyBlockChecksum } from './checksum.js';
import { decompressBlockInto } from './compression.js';
import {
  BatchState,
  BlockState,
  CTL_BATCH,
  CTL_COUNT,
  CTL_NEXT,
  CTL_STATE,
  ctlBlock,
  ctlLength,
  ctlStart,
  type BatchRequest,
  type PrefetchMessage,
} from './block-prefetch-protocol.js';

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
  if (Atomics.load(ctl, CTL_BATCH) !== m.batch) return; // stale: the slot holds a newer batch
  if (Atomics.compareExchange(ctl, CTL_STATE, BatchState.Requested, BatchState.Claimed) !== BatchState.Requested) return;
  if (Atomics.load(ctl, CTL_BATCH) !== m.batch) {
    // The slot was refilled between the two checks: leave the new batch to its own message.
    Atomics.store(ctl, CTL_STATE, BatchState.Requested);
    Atomics.notify(ctl, CTL_STATE);
    return;
  }
  let fd: number | undefined;
  try {
    const n = ctl[CTL_COUNT]!;
    const base = req[0]!;
    const span = req[2 * (n - 1)]! + req[2 * (n - 1) + 1]! + BLOCK_TRAILER_SIZE - base;
    if (readBuf.length < span) readBuf = Buffer.allocUnsafe(Math.max(span, readBuf.length * 2));
    let done = 0;
    try {
      fd = openSync(m.path, 'r');
      while (done < span) {
        const got = readSync(fd, readBuf, done, span - done, base + done);
        if (got === 0) break; // short file: the blocks past `done` are left to the main thread
        done += got;
      }
    } catch {
      // unreadable: every block is skipped below
    }
    let pos = 0;
    for (;;) {
      const k = Atomics.add(ctl, CTL_NEXT, 1); // blocks the main thread took are past this
      if (k >= n) break;
      let status: number = BlockState.Skipped;
      try {
        const off = req[2 * k]!;
        const size = req[2 * k + 1]!;
        const at = off - base;
        if (at + size + BLOCK_TRAILER_SIZE <= done) {
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
          if (len >= 0) {
            ctl[ctlStart(k)] = pos;
            ctl[ctlLength(k)] = len;
            pos += len;
            status = BlockState.Ready;
          }
        }
      } catch {
        // The main thread reads block k itself and raises the error with its full context.
      }
      Atomics.store(ctl, ctlBlock(k), status);
      Atomics.notify(ctl, ctlBlock(k));
    }
  } finally {
    if (fd !== undefined) {
      try {
        closeSync(fd);
      } catch {
        // nothing to do: the descriptor was ours and read-only
      }
    }
    Atomics.store(ctl, CTL_STATE, BatchState.Done);
    Atomics.notify(ctl, CTL_STATE);
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
