/**
 * Messages and shared state between block-prefetch.ts (main thread) and
 * block-prefetch-worker.ts. A batch is a run of consecutive data blocks of one SST, handed over
 * in a slot: shared memory reused from batch to batch (the worker keeps it by slot id).
 *
 *   ctl  Int32Array   [0] state (BatchState), [1] batch number (stale messages are ignored),
 *                     [2] blocks in the batch, [3] next block to claim: the worker and the main
 *                     thread take blocks in order with Atomics.add / compareExchange on it,
 *                     [4 + 3k] start and [5 + 3k] length of block k in `out`,
 *                     [6 + 3k] block k's status (BlockState), set after start and length
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
  /** The worker has left the batch (every block it claimed has its status). */
  Done: 3,
  /** Cancelled by the main thread before the worker claimed it. */
  Cancelled: 4,
} as const;

export const BlockState = {
  Pending: 0,
  /** In `out`, verified and decompressed. */
  Ready: 1,
  /** The worker could not deliver it (any error, or `out` full): the main thread reads it. */
  Skipped: 2,
} as const;

export const CTL_STATE = 0;
export const CTL_BATCH = 1;
export const CTL_COUNT = 2;
export const CTL_NEXT = 3;
export const ctlStart = (k: number): number => 4 + 3 * k;
export const ctlLength = (k: number): number => 5 + 3 * k;
export const ctlBlock = (k: number): number => 6 + 3 * k;

/** Most blocks in one batch. */
export const MAX_BATCH_BLOCKS = 256;
export const CTL_INTS = 4 + 3 * MAX_BATCH_BLOCKS;

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
  /** Must equal ctl[CTL_BATCH], else the slot has moved on and the message is stale. */
  batch: number;
  path: string;
  checksumType: number;
  formatVersion: number;
  baseContextChecksum: number;
}

export type PrefetchMessage = SlotInit | BatchRequest;
