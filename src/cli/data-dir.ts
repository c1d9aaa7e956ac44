/**
 * Finding the KV RocksDB inside what the user passed as --data-dir, and refusing to read a
 * directory a running TiKV still owns -- all strictly read-only: nothing here opens a file for
 * writing (never LOCK: RocksDB's LOCK is an fcntl lock, and opening it for writing is how a
 * reader would steal or break it).
 *
 * Layout (tikv/tikv:src/config/mod.rs, DEFAULT_ROCKSDB_SUB_DIR = "db"):
 *   <data-dir>/db/{CURRENT,MANIFEST-*,*.sst,*.log,LOCK}   the KV engine we read
 *   <data-dir>/raft-engine/ or raft/                      raft log (not needed)
 *   <data-dir>/db/titandb/                                Titan blob files
 *
 * "Still running" = some process holds a POSIX/flock lock on db/LOCK. /proc/locks lists held
 * locks as (fs/locks.c lock_get_status):
 *   "<n>: POSIX  ADVISORY  WRITE <pid> <major:02x>:<minor:02x>:<inode> <start> <end>"
 * and we match the LOCK file's device and inode from stat().
 */
import { existsSync, readFileSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { join, basename } from 'node:path';
import { UserError } from '../errors.js';

export interface ResolvedDataDir {
  /** What the user passed, resolved. */
  given: string;
  /** The TiKV data dir (parent of db/), when the layout shows one. */
  dataDir: string | undefined;
  /** The KV RocksDB directory to open. */
  dbDir: string;
  titanDir: string | undefined;
}

function looksLikeRocksDb(dir: string): boolean {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return false;
  }
  return names.some((n) => n === 'CURRENT' || n.startsWith('MANIFEST-') || n.endsWith('.sst'));
}

/** Accepts TiKV's data dir or its db/ subdirectory. */
export function resolveDataDir(given: string): ResolvedDataDir {
  let st;
  try {
    st = statSync(given);
  } catch {
    throw new UserError(`--data-dir ${given} does not exist`);
  }
  if (!st.isDirectory()) throw new UserError(`--data-dir ${given} is not a directory`);
  const real = realpathSync(given);
  const sub = join(real, 'db');
  if (existsSync(sub) && looksLikeRocksDb(sub)) {
    const titan = join(sub, 'titandb');
    return { given: real, dataDir: real, dbDir: sub, titanDir: existsSync(titan) ? titan : undefined };
  }
  if (looksLikeRocksDb(real)) {
    const titan = join(real, 'titandb');
    const parent = join(real, '..');
    return {
      given: real,
      dataDir: basename(real) === 'db' ? parent : undefined,
      dbDir: real,
      titanDir: existsSync(titan) ? titan : undefined,
    };
  }
  throw new UserError(
    `--data-dir ${given} is not a TiKV data directory: neither it nor ${join(given, 'db')} holds a RocksDB (CURRENT, MANIFEST-*, *.sst)`,
  );
}

export interface LockHolder {
  pid: number;
  kind: string;
}

/** Linux dev_t -> (major, minor) as the kernel prints them (MAJOR(dev), MINOR(dev)). */
function devParts(dev: number): { major: number; minor: number } {
  const d = BigInt(dev);
  const major = Number(((d >> 8n) & 0xfffn) | ((d >> 32n) & ~0xfffn));
  const minor = Number((d & 0xffn) | ((d >> 12n) & ~0xffn));
  return { major, minor };
}

/**
 * Who holds a lock on `lockPath`, from the text of /proc/locks (undefined = nobody). Pure, so
 * it can be tested on captured /proc/locks text.
 */
export function findLockHolder(procLocks: string, dev: number, ino: number): LockHolder | undefined {
  const { major, minor } = devParts(dev);
  for (const line of procLocks.split('\n')) {
    // "1: POSIX  ADVISORY  WRITE 1234 08:01:5678 0 EOF"; blocked waiters have "->" after the id
    const m = /^\d+:\s+(?:->\s+)?(\S+)\s+\S+\s+\S+\s+(-?\d+)\s+([0-9a-f]+):([0-9a-f]+):(\d+)\s/.exec(line);
    if (m === null) continue;
    if (parseInt(m[3]!, 16) === major && parseInt(m[4]!, 16) === minor && Number(m[5]) === ino) {
      return { pid: Number(m[2]), kind: m[1]! };
    }
  }
  return undefined;
}

/** Throws UserError when a process holds db/LOCK (a running TiKV). Reads LOCK's metadata only. */
export function assertNotRunning(dbDir: string, procLocksPath = '/proc/locks'): void {
  const lockPath = join(dbDir, 'LOCK');
  let st;
  try {
    st = statSync(lockPath);
  } catch {
    return; // no LOCK file: nothing can hold it
  }
  let text: string;
  try {
    text = readFileSync(procLocksPath, 'utf8');
  } catch {
    return; // not Linux / no procfs: cannot tell; the copy-first advice is in the docs
  }
  const holder = findLockHolder(text, st.dev, st.ino);
  if (holder !== undefined) {
    const who = holder.pid > 0 ? `process ${holder.pid}` : 'another process';
    throw new UserError(
      `TiKV is still running: ${lockPath} is locked by ${who} (${holder.kind}). Stop TiKV (or copy the data dir and point --data-dir at the copy); tikv-export never breaks the lock`,
    );
  }
}
