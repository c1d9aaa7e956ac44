/**
 * Read-ahead with a helper thread for sequential SST scans (2 cores: the main thread walks
 * entries while one worker reads, verifies and decompresses the next blocks).
 *
 * An SstCursor that has loaded three consecutive data blocks creates a BlockPrefetcher. It
 * walks a second index cursor ahead of the data cursor and cuts the following data blocks into
 * batches (consecutive on disk, at most `batchBytes` stored bytes), each posted to the worker
 * (block-prefetch-worker.ts) in a slot of shared memory (layout: block-prefetch-protocol.ts;
 * SLOTS_PER_CURSOR batches in flight). The worker does one positioned read per batch, then
 * claims the blocks one by one from a shared counter, verifies each checksum and decompresses
 * with the same code as the main thread, straight into the slot. The main thread takes the
 * block it needs (`take`, synchronous): ready in the slot; or, when the worker has not claimed
 * it yet, it claims it itself and reads it in-thread (so a slow or busy worker never stalls
 * the scan); or, when the worker is on it, spins ~15 µs and then reads it in-thread too.
 *
 * Correctness never depends on the worker: any block the worker did not deliver (error,
 * checksum mismatch, short file, slot full, worker missing or stuck) is read by the caller
 * in-thread, so errors are raised there with their usual context. A block handed out is a view
 * into a slot; a slot gets a new batch only after the cursor has moved past all its blocks
 * and the worker has left it (the cursor contract: a key/value view is valid until the cursor
 * moves). Slots are pooled (MAX_SLOTS) and given back when the SstReader closes.
 *
 * Used on the main thread only. TIKV_EXPORT_PREFETCH=0 turns it off (single-thread scan).
 */
import { Worker, isMainThread } from 'node:worker_threads';
import { BLOCK_TRAILER_SIZE } from './block.js';
import {
  BatchState,
  BlockState,
  CTL_BATCH,
  CTL_COUNT,
  CTL_INTS,
  CTL_NEXT,
  CTL_STATE,
  MAX_BATCH_BLOCKS,
  ctlBlock,
  ctlLength,
  ctlStart,
  type BatchRequest,
  type SlotInit,
} from './block-prefetch-protocol.js';

/** Stored bytes per batch (one positioned read); settable for tests. */
let batchBytes = 512 * 1024;
/**
 * Decompressed bytes one slot holds; a batch that decompresses to more ends early (the rest is
 * read in-thread). Large, to fit any compression ratio: only the pages written become resident.
 */
const SLOT_BYTES = 16 * 1024 * 1024;
/** Batches in flight per cursor. */
const SLOTS_PER_CURSOR = 3;
/** Slots in the process (shared memory = MAX_SLOTS * SLOT_BYTES); more cursors read in-thread. */
const MAX_SLOTS = 24;
/** Wait this long for a block the worker is on before giving up on the worker. */
const STUCK_MS = 60_000;
/** Spin this many times on a block the worker is finishing before reading it in-thread. */
const SPINS = 1_000; // about 15 µs
/** Blocks the caller takes over after catching up with the worker (see fromWorker). */
const JUMP = 4;

// Main thread only: scans already running in worker threads (export's --threads chunk workers)
// use the cores themselves, and a prefetch worker per thread would only compete with them.
let enabled = process.env.TIKV_EXPORT_PREFETCH !== '0' && isMainThread;
/** Read blocks the worker has not started in-thread (off in tests, to make the worker do them). */
let steal = true;
let ready: Promise<boolean> | undefined;
let worker: Worker | undefined;
let workerFailed = false;

const stats = { workerBlocks: 0, inThreadBlocks: 0, cursors: 0, spins: 0, sleeps: 0 };

/** Counters since process start: blocks the worker delivered / left to the caller, prefetching cursors, pooled slots. */
export function blockPrefetchStats(): { workerBlocks: number; inThreadBlocks: number; cursors: number; spins: number; sleeps: number; slots: number } {
  return { ...stats, slots: pool.length };
}

/** Turn prefetching on or off for cursors created afterwards (tests, benchmarks); returns the previous setting. */
export function setBlockPrefetch(on: boolean, opts: { batchBytes?: number; steal?: boolean } = {}): boolean {
  const prev = enabled;
  enabled = on;
  if (opts.batchBytes !== undefined) batchBytes = opts.batchBytes;
  if (opts.steal !== undefined) steal = opts.steal;
  return prev;
}

/** Start the worker; resolves true once it has loaded (false if it cannot start). */
export async function blockPrefetchWorkerReady(): Promise<boolean> {
  const w = getWorker();
  if (w === undefined || ready === undefined) return false;
  w.ref(); // keep the event loop alive until the answer
  try {
    return await ready;
  } finally {
    w.unref();
  }
}

export function blockPrefetchEnabled(): boolean {
  return enabled && !workerFailed;
}

function getWorker(): Worker | undefined {
  if (worker !== undefined || workerFailed) return worker;
  try {
    // From the TypeScript sources (tsx) the worker is a .ts module: a small bootstrap registers
    // tsx's loader in the worker first (a worker's --import hooks do not apply to its entry).
    const fromSource = import.meta.url.endsWith('.ts');
    const entry = new URL(fromSource ? './block-prefetch-worker.ts' : './block-prefetch-worker.js', import.meta.url);
    const w = fromSource
      ? new Worker(
          `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))})` +
            `.then((m) => { m.register(); return import(${JSON.stringify(entry.href)}); })`,
          { eval: true },
        )
      : new Worker(entry);
    ready = new Promise<boolean>((resolve) => {
      w.once('message', () => resolve(true));
      w.once('error', () => resolve(false));
    });
    w.on('error', () => {
      workerFailed = true;
    });
    w.on('exit', () => {
      workerFailed = true;
    });
    w.unref();
    worker = w;
  } catch {
    workerFailed = true;
  }
  return worker;
}

const enum Mode {
  Empty,
  /** Posted to the worker: blocks come from it or are claimed by the caller. */
  Posted,
  /** Not posted (no worker, bad handle): the caller reads every block. */
  Local,
}

/** Shared memory for one batch, reused from batch to batch (pooled across cursors). */
class Slot {
  readonly id: number;
  readonly ctl: Int32Array;
  readonly req: Float64Array;
  readonly out: SharedArrayBuffer;
  /** Known to the worker. */
  sent = false;
  batch = 0;
  inUse = false;
  offsets: number[] = [];
  sizes: number[] = [];
  pos = 0;
  mode = Mode.Empty;
  /** Blocks [mineFrom, mineTo) of the batch were claimed by the caller. */
  mineFrom = 0;
  mineTo = 0;
  constructor(id: number) {
    this.id = id;
    this.ctl = new Int32Array(new SharedArrayBuffer(4 * CTL_INTS));
    this.req = new Float64Array(new SharedArrayBuffer(8 * 2 * MAX_BATCH_BLOCKS));
    this.out = new SharedArrayBuffer(SLOT_BYTES);
  }
  /** Free to hand to a cursor: not held, and the worker is not on it (nor about to be). */
  reusable(): boolean {
    if (this.inUse) return false;
    const st = Atomics.load(this.ctl, CTL_STATE);
    return st !== BatchState.Claimed && st !== BatchState.Requested;
  }
}

const pool: Slot[] = [];

function acquireSlots(n: number): Slot[] | undefined {
  const got: Slot[] = [];
  for (const s of pool) {
    if (got.length === n) break;
    if (s.reusable()) got.push(s);
  }
  while (got.length < n && pool.length < MAX_SLOTS) {
    const s = new Slot(pool.length);
    pool.push(s);
    got.push(s);
  }
  if (got.length < n) return undefined;
  for (const s of got) s.inUse = true;
  return got;
}

export interface SstScanInfo {
  path: string;
  checksumType: number;
  formatVersion: number;
  baseContextChecksum: number;
  /** Blocks must end at or before the footer; others are left to the in-thread reader. */
  footerOffset: number;
}

/** The part of an index cursor the prefetcher walks. */
export interface HandleWalker {
  valid(): boolean;
  next(): void;
  handleOffset(): number;
  handleSize(): number;
}

export class BlockPrefetcher {
  private readonly info: SstScanInfo;
  private readonly ahead: HandleWalker;
  private readonly slots: Slot[];
  private cur = 0;
  /** False once the data cursor asked for a block other than the next one (a seek). */
  private live = true;

  /**
   * `ahead` must be positioned at the data block after the one the cursor is on. Undefined when
   * no worker or no shared memory is available (the cursor then reads in-thread).
   */
  static create(info: SstScanInfo, ahead: HandleWalker): BlockPrefetcher | undefined {
    if (!blockPrefetchEnabled() || getWorker() === undefined) return undefined;
    const slots = acquireSlots(SLOTS_PER_CURSOR);
    if (slots === undefined) return undefined;
    stats.cursors++;
    return new BlockPrefetcher(info, ahead, slots);
  }

  private constructor(info: SstScanInfo, ahead: HandleWalker, slots: Slot[]) {
    this.info = info;
    this.ahead = ahead;
    this.slots = slots;
    for (let i = 0; i < slots.length; i++) this.fill(i);
  }

  /** Still following the cursor? */
  get active(): boolean {
    return this.live;
  }

  /**
   * The decompressed, verified contents of the data block at (offset, size) if the prefetcher
   * has it; undefined means: read it yourself (and, when `active` turned false, drop this).
   */
  take(offset: number, size: number): Uint8Array | undefined {
    if (!this.live) return undefined;
    let s = this.slots[this.cur]!;
    if (s.pos >= s.offsets.length) {
      // The cursor has left every block of this slot: reuse it for the next batch.
      this.fill(this.cur);
      if (!this.live) return undefined;
      this.cur = (this.cur + 1) % SLOTS_PER_CURSOR;
      s = this.slots[this.cur]!;
    }
    let k = s.pos;
    if (k >= s.offsets.length || s.offsets[k] !== offset || s.sizes[k] !== size) {
      // A forward seek inside this batch skips blocks; anything else ends the prefetch.
      k = s.offsets.indexOf(offset, k + 1);
      if (k < 0 || s.sizes[k] !== size) {
        this.dispose();
        return undefined;
      }
    }
    s.pos = k + 1;
    if (s.mode !== Mode.Posted || !this.fromWorker(s, k)) {
      stats.inThreadBlocks++;
      return undefined;
    }
    stats.workerBlocks++;
    const c = s.ctl;
    return new Uint8Array(s.out, c[ctlStart(k)]!, c[ctlLength(k)]!);
  }

  /**
   * True when the worker delivered block k. If the worker has not claimed it yet, the caller
   * claims it (and reads it in-thread); if the worker is on it, spin briefly, then read it
   * in-thread as well (without stealing: wait for it).
   */
  private fromWorker(s: Slot, k: number): boolean {
    if (k >= s.mineFrom && k < s.mineTo) return false; // claimed on a collision (below)
    const c = s.ctl;
    const at = ctlBlock(k);
    let st = Atomics.load(c, at);
    if (st === BlockState.Pending && steal) {
      // Not claimed by the worker yet: claim it (and any skipped before it) and read it here.
      let next = Atomics.load(c, CTL_NEXT);
      while (next <= k) {
        const was = Atomics.compareExchange(c, CTL_NEXT, next, k + 1);
        if (was === next) return false;
        next = was;
      }
    }
    if (st === BlockState.Pending) stats.spins++;
    for (let i = 0; st === BlockState.Pending && i < SPINS; i++) st = Atomics.load(c, at);
    // Still on it (descheduled on a busy machine, or a big block): rather than sleep, read the
    // block here too (the worker's copy is not used), and claim the next JUMP blocks as well so
    // the worker moves on ahead of the cursor instead of racing it for every block.
    if (st === BlockState.Pending && steal) {
      const n = s.offsets.length;
      let next = Atomics.load(c, CTL_NEXT);
      while (next < n) {
        const to = Math.min(n, next + JUMP);
        const was = Atomics.compareExchange(c, CTL_NEXT, next, to);
        if (was === next) {
          s.mineFrom = next;
          s.mineTo = to;
          break;
        }
        next = was;
      }
      return false;
    }
    while (st === BlockState.Pending) {
      stats.sleeps++;
      if (Atomics.wait(c, at, BlockState.Pending, STUCK_MS) === 'timed-out' && Atomics.load(c, at) === BlockState.Pending) {
        // Stuck worker: stop using it. Its slots stay Claimed, so they are never reused.
        workerFailed = true;
        this.live = false;
        return false;
      }
      st = Atomics.load(c, at);
    }
    return st === BlockState.Ready;
  }

  /** Stop and give the slots back (the worker stops at the next block it would claim). */
  dispose(): void {
    if (!this.live) return;
    this.live = false;
    for (const s of this.slots) {
      if (s.mode === Mode.Posted) {
        Atomics.compareExchange(s.ctl, CTL_STATE, BatchState.Requested, BatchState.Cancelled);
        Atomics.store(s.ctl, CTL_NEXT, MAX_BATCH_BLOCKS);
      }
      s.mode = Mode.Empty;
      s.inUse = false;
    }
  }

  /** Next batch of handles from `ahead` into slot `s`, posted to the worker when possible. */
  private fill(idx: number): void {
    let s = this.slots[idx]!;
    if (s.mode === Mode.Posted && Atomics.load(s.ctl, CTL_STATE) === BatchState.Claimed) {
      // The worker is still inside the slot's previous batch (a block the caller also read, or
      // between its last block and Done): take another slot rather than wait.
      const fresh = acquireSlots(1);
      if (fresh !== undefined) {
        s.mode = Mode.Empty;
        s.inUse = false; // reusable once the worker marks it Done
        s = fresh[0]!;
        this.slots[idx] = s;
      } else if (!this.awaitDone(s)) {
        this.live = false;
        return;
      }
    }
    s.offsets = [];
    s.sizes = [];
    s.pos = 0;
    s.mineFrom = 0;
    s.mineTo = 0;
    s.mode = Mode.Empty;
    const a = this.ahead;
    let bytes = 0;
    let expect = -1;
    while (a.valid() && s.offsets.length < MAX_BATCH_BLOCKS && bytes < batchBytes) {
      const off = a.handleOffset();
      const size = a.handleSize();
      if (expect >= 0 && off !== expect) break; // not consecutive: next batch
      const end = off + size + BLOCK_TRAILER_SIZE;
      if (end > this.info.footerOffset || size + BLOCK_TRAILER_SIZE > SLOT_BYTES) {
        // Bad or huge handle: a batch of its own, read in-thread (which reports any error).
        if (s.offsets.length === 0) {
          s.offsets.push(off);
          s.sizes.push(size);
          a.next();
          s.mode = Mode.Local;
        }
        return;
      }
      s.offsets.push(off);
      s.sizes.push(size);
      bytes += size + BLOCK_TRAILER_SIZE;
      expect = end;
      a.next();
    }
    if (s.offsets.length === 0) return;
    const w = getWorker();
    if (w === undefined || workerFailed) {
      s.mode = Mode.Local;
      return;
    }
    if (!s.sent) {
      const init: SlotInit = { kind: 'slot', id: s.id, ctl: s.ctl.buffer as SharedArrayBuffer, req: s.req.buffer as SharedArrayBuffer, out: s.out };
      w.postMessage(init);
      s.sent = true;
    }
    const n = s.offsets.length;
    const c = s.ctl;
    for (let k = 0; k < n; k++) {
      s.req[2 * k] = s.offsets[k]!;
      s.req[2 * k + 1] = s.sizes[k]!;
      c[ctlBlock(k)] = BlockState.Pending;
    }
    s.batch = (s.batch + 1) | 0;
    Atomics.store(c, CTL_BATCH, s.batch);
    Atomics.store(c, CTL_COUNT, n);
    Atomics.store(c, CTL_NEXT, 0);
    Atomics.store(c, CTL_STATE, BatchState.Requested); // last: publishes the fields above
    const req: BatchRequest = {
      kind: 'batch',
      id: s.id,
      batch: s.batch,
      path: this.info.path,
      checksumType: this.info.checksumType,
      formatVersion: this.info.formatVersion,
      baseContextChecksum: this.info.baseContextChecksum,
    };
    w.postMessage(req);
    s.mode = Mode.Posted;
  }

  /** Wait until the worker is not inside the slot (state not Claimed); false if it is stuck. */
  private awaitDone(s: Slot): boolean {
    const c = s.ctl;
    for (;;) {
      const st = Atomics.load(c, CTL_STATE);
      if (st !== BatchState.Claimed) return true;
      if (Atomics.wait(c, CTL_STATE, st, STUCK_MS) === 'timed-out' && Atomics.load(c, CTL_STATE) === BatchState.Claimed) {
        workerFailed = true; // the slot stays Claimed, so it is never reused
        return false;
      }
    }
  }
}
