/**
 * Messages and shared state between block-prefetch.ts (main thread) and
 * block-prefetch-worker.ts. A batch is a run of consecutive data blocks of one SST, handed over
 * in a slot: shared memory reused from batch to batch (the worker keeps it by slot id).
 *
 *   ctl  Int32Array   [0] state (BatchState), [1] blocks delivered, [2] blocks requested,
 *                     [3 + 2k], [4 + 2k]  start and length of block k in `out`
 *   req  Float64Array [2k], [2k + 1]  file offset and size of block k (offsets may pass 2^31)
 *   out  Uint8Array   decompressed block contents, back to back
 */

export const BatchState = {
  /** Nothing posted (new slot). */
  Idle: 0,
  /** Posted to the worker, not started: the main thread may still cancel it. */
  Requested: 1,
  /** The worker is filling the output buffer. */
  Claimed: 2,
  /** Finished: ctl[1] blocks are in the output buffer (possibly fewer than requested). */
  Done: 3,
  /** Cancelled by the main thread before the worker claimed it. */
  Cancelled: 4,
} as const;

/** Most blocks in one batch. */
export const MAX_BATCH_BLOCKS = 256;
export const CTL_INTS = 3 + 2 * MAX_BATCH_BLOCKS;

/** First message for a slot: its memory. */
export interface SlotInit {
  kind: 'slot';
  id: number;
  ctl: SharedArrayBuffer;
  req: SharedArrayBuffer;
  out: SharedArrayBuffer;
}

/** A batch to do in slot `id` (handles in the slot's req array). */
export interface BatchRequest {
  kind: 'batch';
  id: number;
  path: string;
  checksumType: number;
  formatVersion: number;
  baseContextChecksum: number;
}

export type PrefetchMessage = SlotInit | BatchRequest;
