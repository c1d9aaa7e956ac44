/**
 * The resume checkpoint: a classic-level (LevelDB) database in OUTDIR/.tikv-export-checkpoint/db
 * (never near the TiKV data dir), plus OUTDIR/.tikv-export-checkpoint/parts/ where chunk files
 * are written before they get their final names.
 *
 * classic-level is asynchronous and the dump loop is synchronous, so the database lives in a
 * worker thread (worker-level.ts) and `SyncLevel` waits for each answer with Atomics.wait on a
 * shared counter + receiveMessageOnPort. Every write is one batch with `sync: true` (fsync).
 *
 * Entries are `v1 <sha256 of json> <json>`: an entry whose checksum does not match (a torn or
 * corrupted write) is reported as corrupt and treated as absent, i.e. its chunk is not done.
 *
 * Keys: `meta` (fingerprint), `plan/<table>` (chunk list + schema), `done/<table>/<chunk%06d>`
 * (one finished chunk: rows, files with sizes and CRC-32C, counters), `progress` (the latest
 * totals, flushed every --checkpoint-interval).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { MessageChannel, receiveMessageOnPort, type MessagePort, type Worker } from 'node:worker_threads';
import { UserError } from '../errors.js';
import { OutputError } from './file-writer.js';
import type { LevelRequest, LevelResponse } from './worker-level.js';
import { spawnWorker } from './worker-spawn.js';

export const CHECKPOINT_DIR = '.tikv-export-checkpoint';

export function checkpointDir(outDir: string): string {
  return join(outDir, CHECKPOINT_DIR);
}

export function partsDir(outDir: string): string {
  return join(outDir, CHECKPOINT_DIR, 'parts');
}

/**
 * The checkpoint's LevelDB worker thread, started before its database is known (worker-level.ts
 * loads classic-level and waits for 'open'): starting a thread and loading the module take
 * ~0.1 s, which a dump overlaps with opening its source (src/cli/main.ts). Taken by one SyncLevel.
 */
export class LevelWorker {
  readonly worker: Worker;
  readonly port: MessagePort;
  readonly counter: Int32Array;
  private taken = false;

  constructor() {
    const signal = new SharedArrayBuffer(4);
    this.counter = new Int32Array(signal);
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    this.worker = spawnWorker('worker-level', { port: port2, signal }, [port2]);
    this.worker.unref();
  }

  /** For one SyncLevel; undefined when already taken or closed. */
  take(): LevelWorker | undefined {
    if (this.taken) return undefined;
    this.taken = true;
    return this;
  }

  /** Stops the thread unless a SyncLevel took it. */
  close(): void {
    if (this.taken) return;
    this.taken = true;
    void this.worker.terminate();
  }
}

/** Synchronous facade over a classic-level database running in a worker thread. */
export class SyncLevel {
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly counter: Int32Array;
  private seq = 0;
  private closed = false;

  constructor(
    readonly path: string,
    started?: LevelWorker,
  ) {
    const w = started?.take() ?? new LevelWorker().take()!;
    this.worker = w.worker;
    this.port = w.port;
    this.counter = w.counter;
    // not awaited: the worker opens LevelDB while the caller plans; a failure to open is thrown
    // by the first call (requests are answered in order)
    this.port.postMessage({ op: 'open', id: ++this.seq, path });
  }

  private call(req: Omit<LevelRequest, 'id'>): LevelResponse {
    const id = ++this.seq;
    this.port.postMessage({ ...req, id });
    const deadline = Date.now() + 300_000;
    for (;;) {
      const before = Atomics.load(this.counter, 0);
      const m = receiveMessageOnPort(this.port);
      if (m !== undefined) {
        const r = m.message as LevelResponse;
        if (r.id !== id && r.id !== -1) {
          if (!r.ok) throw levelError(this.path, r.error ?? 'unknown error'); // e.g. the open
          continue;
        }
        if (!r.ok) throw levelError(this.path, r.error ?? 'unknown error');
        return r;
      }
      if (Date.now() > deadline) throw new Error(`internal: checkpoint database ${this.path} did not answer within 300 s`);
      Atomics.wait(this.counter, 0, before, 1000);
    }
  }

  entries(): [string, string][] {
    return this.call({ op: 'entries' }).entries ?? [];
  }

  /** One synced batch (deletes first, then puts). */
  batch(puts: [string, string][], dels: string[] = []): void {
    this.call({ op: 'batch', puts, dels } as Omit<LevelRequest, 'id'>);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.call({ op: 'close' });
    } catch {
      // never opened (the error was reported by an earlier call): nothing to close
    } finally {
      void this.worker.terminate();
    }
  }
}

function levelError(path: string, message: string): Error {
  if (/no space left/i.test(message)) return new OutputError(path, Object.assign(new Error(message), { code: 'ENOSPC' }));
  if (/lock/i.test(message) && /held|resource temporarily unavailable|already/i.test(message)) {
    return new UserError(`the checkpoint in ${path} is in use by another tikv-export process (${message}); wait for it or use another --out`);
  }
  return new OutputError(path, new Error(`checkpoint database: ${message}`));
}

export function encodeEntry(value: unknown): string {
  const json = JSON.stringify(value);
  return `v1 ${createHash('sha256').update(json).digest('hex')} ${json}`;
}

/** The decoded value, or undefined when the entry is torn, corrupt or of an unknown version. */
export function decodeEntry(text: string): unknown {
  const m = /^v1 ([0-9a-f]{64}) /.exec(text);
  if (m === null) return undefined;
  const json = text.slice(m[0].length);
  if (createHash('sha256').update(json).digest('hex') !== m[1]) return undefined;
  try {
    return JSON.parse(json) as unknown;
  } catch {
    return undefined;
  }
}

export interface LoadedCheckpoint {
  entries: Map<string, unknown>;
  /** Keys whose entry failed its checksum (treated as absent). */
  corrupt: string[];
}

/** The checkpoint store of one output directory. */
export class Checkpoint {
  private constructor(
    readonly outDir: string,
    private readonly level: SyncLevel,
  ) {}

  static exists(outDir: string): boolean {
    return existsSync(join(checkpointDir(outDir), 'db'));
  }

  /** `worker`: a LevelWorker started earlier, used if not taken yet. */
  static open(outDir: string, worker?: LevelWorker): Checkpoint {
    const dir = checkpointDir(outDir);
    try {
      mkdirSync(partsDir(outDir), { recursive: true });
    } catch (e) {
      throw new OutputError(dir, e);
    }
    return new Checkpoint(outDir, new SyncLevel(join(dir, 'db'), worker));
  }

  static remove(outDir: string): void {
    rmSync(checkpointDir(outDir), { recursive: true, force: true });
  }

  load(): LoadedCheckpoint {
    const entries = new Map<string, unknown>();
    const corrupt: string[] = [];
    for (const [k, v] of this.level.entries()) {
      const d = decodeEntry(v);
      if (d === undefined) corrupt.push(k);
      else entries.set(k, d);
    }
    return { entries, corrupt };
  }

  /** Writes these entries (and deletes `dels`) in one synced batch. */
  write(puts: [string, unknown][], dels: string[] = []): void {
    this.level.batch(
      puts.map(([k, v]) => [k, encodeEntry(v)]),
      dels,
    );
  }

  /** Test hook: store a raw (possibly corrupt) value. */
  writeRaw(key: string, raw: string): void {
    this.level.batch([[key, raw]]);
  }

  close(): void {
    this.level.close();
  }
}
