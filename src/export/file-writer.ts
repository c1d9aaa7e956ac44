/**
 * Crash-safe output files.
 *
 * Every file is written as `<name>.tmp-<pid>` (created exclusively), fsynced, renamed to
 * `<name>` only when complete, and the directory is fsynced after the rename. A crash or a kill
 * therefore never leaves a file under its final name that is shorter than what was written:
 * a final name always means "complete". The one exception is `commit(false)`, for chunk
 * workers' part files: renamed when complete but not fsynced, and fsynced by the main thread
 * (`syncFile`) before anything relies on them (worker-pool.ts commitChunk).
 *
 * `RotatingWriter` splits a table's rows across `{db}.{table}.{%09d}.csv` files like Dumpling's
 * `-F/--filesize`: a file is closed right after the row that makes it reach the limit, so rows
 * are never split and a file exceeds the limit by less than one row. Each file starts with the
 * header row.
 *
 * File-system errors (ENOSPC, EACCES, EROFS, ...) become one `OutputError` naming the path;
 * the partial temporary file is removed.
 */
import {
  closeSync,
  existsSync,
  fdatasync,
  fsyncSync,
  openSync,
  renameSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { basename, join } from 'node:path';
import { UserError } from '../errors.js';

/** A file-system failure while writing output; exit code 1 (the operator can fix it). */
export class OutputError extends UserError {
  readonly path: string;
  readonly errno: string | undefined;
  constructor(path: string, cause: unknown) {
    const code = errnoOf(cause);
    super(`cannot write ${path}: ${describeErrno(code, cause)}`);
    this.path = path;
    this.errno = code;
  }
}

function errnoOf(e: unknown): string | undefined {
  if (typeof e === 'object' && e !== null && 'code' in e && typeof (e as { code: unknown }).code === 'string') {
    return (e as { code: string }).code;
  }
  return undefined;
}

const ERRNO_TEXT: Record<string, string> = {
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOENT: 'directory does not exist',
  ENOTDIR: 'a path component is not a directory',
  EEXIST: 'file already exists',
  EIO: 'I/O error',
  EFBIG: 'file too large for the file system',
  ENAMETOOLONG: 'file name too long',
};

function describeErrno(code: string | undefined, cause: unknown): string {
  if (code !== undefined && ERRNO_TEXT[code] !== undefined) return `${ERRNO_TEXT[code]} (${code})`;
  return cause instanceof Error ? cause.message : String(cause);
}

/** Low-level file operations, injectable so tests can simulate ENOSPC. */
export interface FsOps {
  openSync: typeof openSync;
  writeSync: (fd: number, buf: Uint8Array, offset: number, length: number) => number;
  fsyncSync: typeof fsyncSync;
  closeSync: typeof closeSync;
  renameSync: typeof renameSync;
  unlinkSync: typeof unlinkSync;
}

export const realFs: FsOps = {
  openSync,
  writeSync: (fd, buf, offset, length) => writeSync(fd, buf, offset, length),
  fsyncSync,
  closeSync,
  renameSync,
  unlinkSync,
};

/**
 * After this many bytes written to an AtomicFile with the real file system, its writeback is
 * started in the background (an asynchronous fdatasync on libuv's thread pool) while rows are
 * still being produced, so commit()'s fsyncSync waits only for the tail. Durability still comes
 * from that fsyncSync alone; the early one's result is ignored (the final one reports errors).
 */
const EARLY_WRITEBACK_BYTES = 8 * 1024 * 1024;
/** Early writebacks started since process start (tests). */
export const writebackStats = { early: 0 };
const ignoreResult = (): void => {};

/** fsync a directory so a rename in it is durable (best effort: some file systems refuse). */
export function fsyncDir(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // some file systems refuse fsync on a directory; the rename itself is still atomic
  }
}

/**
 * fsync the file at `path` (written and closed by another thread, e.g. a chunk worker's part
 * committed with commit(false)): its data is durable when this returns. Errors are OutputErrors.
 */
export function syncFile(path: string, fs: FsOps = realFs): void {
  let fd: number;
  try {
    fd = fs.openSync(path, 'r');
  } catch (e) {
    throw new OutputError(path, e);
  }
  try {
    fs.fsyncSync(fd);
  } catch (e) {
    throw new OutputError(path, e);
  } finally {
    try {
      fs.closeSync(fd);
    } catch {
      // the fsync's result is what matters
    }
  }
}

/** One output file: tmp name while open, final name after `commit()`. */
export class AtomicFile {
  readonly finalPath: string;
  readonly tmpPath: string;
  private fd: number;
  private readonly buf: Uint8Array;
  private used = 0;
  /** Bytes written so far (buffered included). */
  size = 0;
  private done = false;
  /** Bytes handed to writeSync since the last early writeback (EARLY_WRITEBACK_BYTES). */
  private unsynced = 0;

  constructor(
    dir: string,
    name: string,
    private readonly fs: FsOps = realFs,
    bufferSize = 1 << 20,
  ) {
    this.finalPath = join(dir, name);
    this.tmpPath = `${this.finalPath}.tmp-${process.pid}`;
    if (existsSync(this.finalPath)) throw new OutputError(this.finalPath, Object.assign(new Error('exists'), { code: 'EEXIST' }));
    try {
      this.fd = this.fs.openSync(this.tmpPath, 'wx', 0o644);
    } catch (e) {
      throw new OutputError(this.tmpPath, e);
    }
    this.buf = new Uint8Array(bufferSize);
  }

  write(data: Uint8Array): void {
    if (this.done) throw new Error(`internal: write after close of ${this.finalPath}`);
    this.size += data.length;
    if (this.used + data.length > this.buf.length) {
      this.flush();
      if (data.length >= this.buf.length) {
        this.writeAll(data);
        return;
      }
    }
    this.buf.set(data, this.used);
    this.used += data.length;
  }

  private flush(): void {
    if (this.used === 0) return;
    this.writeAll(this.buf.subarray(0, this.used));
    this.used = 0;
  }

  private writeAll(data: Uint8Array): void {
    let off = 0;
    try {
      while (off < data.length) {
        const n = this.fs.writeSync(this.fd, data, off, data.length - off);
        if (n <= 0) throw Object.assign(new Error('write returned 0'), { code: 'EIO' });
        off += n;
      }
    } catch (e) {
      this.abort();
      throw new OutputError(this.tmpPath, e);
    }
    this.unsynced += data.length;
    if (this.unsynced >= EARLY_WRITEBACK_BYTES && this.fs === realFs) {
      this.unsynced = 0;
      writebackStats.early++;
      fdatasync(this.fd, ignoreResult);
    }
  }

  /**
   * Flush, fsync, close and rename to the final name, then fsync the directory. With `durable`
   * false, neither fsync: the file is complete under its name but not yet durable, and whoever
   * relies on it after a crash must make it so first (syncFile). Chunk workers commit their part
   * files that way and the main thread syncs each part before it records the chunk as done
   * (worker-pool.ts commitChunk), so no worker waits for the disk.
   */
  commit(durable = true): void {
    if (this.done) return;
    this.flush();
    try {
      if (durable) this.fs.fsyncSync(this.fd);
      this.fs.closeSync(this.fd);
    } catch (e) {
      this.abort();
      throw new OutputError(this.tmpPath, e);
    }
    this.done = true;
    if (existsSync(this.finalPath)) {
      this.removeTmp();
      throw new OutputError(this.finalPath, Object.assign(new Error('exists'), { code: 'EEXIST' }));
    }
    try {
      this.fs.renameSync(this.tmpPath, this.finalPath);
    } catch (e) {
      this.removeTmp();
      throw new OutputError(this.finalPath, e);
    }
    if (durable) fsyncDir(join(this.finalPath, '..'));
  }

  /** Close and delete the temporary file; the final name is never created. */
  abort(): void {
    if (this.done) return;
    this.done = true;
    try {
      this.fs.closeSync(this.fd);
    } catch {
      // already closed or broken: removing the tmp file is what matters
    }
    this.removeTmp();
  }

  private removeTmp(): void {
    try {
      this.fs.unlinkSync(this.tmpPath);
    } catch {
      // nothing to remove
    }
  }
}

/** Writes a whole small file atomically (schema files, metadata). Returns its size. */
export function writeFileAtomic(dir: string, name: string, data: Uint8Array | string, fs: FsOps = realFs): number {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  const f = new AtomicFile(dir, name, fs, Math.max(1, bytes.length));
  f.write(bytes);
  f.commit();
  return bytes.length;
}

export interface RotatingWriterOptions {
  dir: string;
  /** File name for file number `index` (0, 1, 2, ...). */
  fileName: (index: number) => string;
  /** Rotate after the row that makes a file reach this many bytes; 0 = never rotate. */
  fileSize: number;
  /** Written at the top of every file (may be empty). */
  header: Uint8Array;
  fs?: FsOps;
}

export interface WrittenFile {
  name: string;
  bytes: number;
  rows: number;
}

export class RotatingWriter {
  private current: AtomicFile | undefined;
  private currentRows = 0;
  private index = 0;
  readonly files: WrittenFile[] = [];
  /** Total bytes written across files (headers included). */
  bytes = 0;
  rows = 0;

  constructor(private readonly opts: RotatingWriterOptions) {}

  private open(): AtomicFile {
    const f = new AtomicFile(this.opts.dir, this.opts.fileName(this.index), this.opts.fs ?? realFs);
    this.index++;
    this.currentRows = 0;
    if (this.opts.header.length > 0) {
      f.write(this.opts.header);
      this.bytes += this.opts.header.length;
    }
    this.current = f;
    return f;
  }

  /** Appends one formatted row (line terminator included). */
  writeRow(row: Uint8Array): void {
    const f = this.current ?? this.open();
    f.write(row);
    this.bytes += row.length;
    this.rows++;
    this.currentRows++;
    if (this.opts.fileSize > 0 && f.size >= this.opts.fileSize) this.closeCurrent();
  }

  private closeCurrent(): void {
    const f = this.current;
    if (f === undefined) return;
    f.commit();
    this.files.push({ name: basename(f.finalPath), bytes: f.size, rows: this.currentRows });
    this.current = undefined;
  }

  /**
   * Commits the open file. A table without rows still gets file 000000000 (header only), so an
   * empty table is visibly empty rather than missing.
   */
  finish(): WrittenFile[] {
    if (this.current === undefined && this.files.length === 0) this.open();
    this.closeCurrent();
    return this.files;
  }

  /** Removes the open temporary file; committed files stay (each is complete). */
  abort(): void {
    this.current?.abort();
    this.current = undefined;
  }
}
