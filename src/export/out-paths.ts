/**
 * Output paths chosen by the user (--out, --log-file): where they really are (realpath of the
 * closest existing ancestor), refusing any place inside a source data directory, and creating
 * missing directories one level at a time.
 *
 * Why not mkdirSync({recursive: true}): on pseudo file systems (/proc, /sys) Node's recursive
 * mkdir loops forever at 100% CPU (mkdir /proc/x -> ENOENT, mkdir /proc -> EEXIST, retry...).
 * One level at a time turns every failure into one clear line.
 */
import { mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UserError } from '../errors.js';

/** realpath of p, or of its closest existing ancestor with the missing tail appended. */
export function realpathOfMaybeMissing(p: string, realpath: (p: string) => string): string {
  const parts: string[] = [];
  let cur = p;
  for (;;) {
    try {
      const r = realpath(cur);
      return parts.length === 0 ? r : `${r === '/' ? '' : r}/${parts.reverse().join('/')}`;
    } catch {
      const idx = cur.replace(/\/+$/, '').lastIndexOf('/');
      if (idx < 0) {
        parts.push(cur);
        cur = '.';
        continue;
      }
      parts.push(cur.slice(idx + 1));
      cur = idx === 0 ? '/' : cur.slice(0, idx);
    }
  }
}

/**
 * Throws a UserError when `path` (which may not exist yet) is one of the source directories,
 * a file in one, or anywhere below one. Sources that cannot be resolved are compared as given.
 */
export function assertOutsideSources(flag: string, path: string, sourceDirs: readonly string[], realpath: (p: string) => string): void {
  const real = realpathOfMaybeMissing(path, realpath);
  for (const src of sourceDirs) {
    let s: string;
    try {
      s = realpath(src);
    } catch {
      s = resolve(src);
    }
    if (real === s || real.startsWith(`${s}/`)) {
      throw new UserError(`${flag} ${path} is inside the data directory ${src}; choose a path elsewhere (tikv-export never writes into the data dir)`);
    }
  }
}

const ERRNO_TEXT: Record<string, string> = {
  ENOTDIR: 'a path component is not a directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOENT: 'the parent directory does not accept new entries',
  ENAMETOOLONG: 'name too long',
  ENOSPC: 'no space left on device',
  EEXIST: 'exists and is not a directory',
};

/**
 * Creates `dir` and any missing parents, one mkdir per level (no recursive mkdir).
 * Every failure is a UserError naming the directory that could not be made: "cannot create
 * --out /proc/x/y: /proc/x: ENOENT (the parent directory does not accept new entries)".
 */
export function makeDirs(flag: string, dir: string): void {
  const abs = resolve(dir);
  const missing: string[] = [];
  let cur = abs;
  for (;;) {
    let st;
    try {
      st = statSync(cur);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? '';
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw fail(flag, dir, cur, code, e);
      const parent = dirname(cur);
      if (parent === cur) throw fail(flag, dir, cur, code, e);
      missing.push(cur);
      cur = parent;
      continue;
    }
    if (!st.isDirectory()) throw fail(flag, dir, cur, 'ENOTDIR', undefined);
    break;
  }
  for (const d of missing.reverse()) {
    try {
      mkdirSync(d);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? '';
      if (code === 'EEXIST') {
        let isDir = false;
        try {
          isDir = statSync(d).isDirectory();
        } catch {
          // fall through to the error
        }
        if (isDir) continue; // created concurrently
      }
      throw fail(flag, dir, d, code, e);
    }
    // a pseudo file system may "accept" mkdir without creating anything: check it is there
    let made = false;
    try {
      made = statSync(d).isDirectory();
    } catch {
      made = false;
    }
    if (!made) throw fail(flag, dir, d, 'ENOENT', undefined);
  }
}

function fail(flag: string, dir: string, at: string, code: string, e: unknown): UserError {
  const why = ERRNO_TEXT[code] ?? (e instanceof Error ? e.message : 'failed');
  return new UserError(`cannot create ${flag} ${dir}: ${at}: ${code === '' ? why : `${code} (${why})`}`);
}
