/**
 * Dump progress on stderr: a one-line bar redrawn in place when stderr is a TTY (tables done,
 * rows, MB/s, ETA from bytes scanned when the source can estimate them), otherwise a periodic
 * log line (so a log file or CI output gets a heartbeat instead of control characters).
 */
import type { DumpProgress } from '../export/dump.js';
import type { Log } from '../export/source.js';

export interface ProgressSink {
  update(p: DumpProgress): void;
  done(): void;
  /** Writes a log line on its own line: on a TTY the bar is cleared first and redrawn after. */
  writeAbove(s: string): void;
}

export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

export function progressLine(p: DumpProgress): string {
  const sec = Math.max(p.elapsedMs, 1) / 1000;
  const basis = p.bytesRead ?? p.bytesOut;
  const mbs = basis / 1e6 / sec;
  let eta = '';
  if (p.bytesRead !== undefined && p.bytesEstimate !== undefined && p.bytesEstimate > 0 && p.bytesRead > 0) {
    const frac = Math.min(1, p.bytesRead / p.bytesEstimate);
    eta = frac >= 1 ? ' ETA ~0s' : ` ETA ${formatDuration((p.elapsedMs / frac) * (1 - frac))}`;
  }
  return `tables ${p.tablesDone}/${p.tablesTotal}  rows ${p.rows.toLocaleString('en-US')}  ${mbs.toFixed(1)} MB/s${eta}  ${p.table}`;
}

export function makeProgress(stderr: { write(s: string): unknown; isTTY?: boolean }, log: Log, quiet: boolean): ProgressSink {
  if (quiet) return { update() {}, done() {}, writeAbove: (s) => stderr.write(s) };
  if (stderr.isTTY === true) {
    let shown = false;
    let bar = '';
    return {
      update(p) {
        const line = progressLine(p);
        const width = 120;
        bar = `\r${line.slice(0, width).padEnd(Math.min(width, line.length))}\x1b[K`;
        stderr.write(bar);
        shown = true;
      },
      done() {
        if (shown) stderr.write('\r\x1b[K');
        shown = false;
      },
      writeAbove(s) {
        if (!shown) {
          stderr.write(s);
          return;
        }
        stderr.write(`\r\x1b[K${s}${s.endsWith('\n') ? '' : '\n'}${bar}`);
      },
    };
  }
  let last = Date.now(); // first heartbeat after 10 s: short runs stay quiet
  return {
    update(p) {
      const now = Date.now();
      if (now - last < 10_000) return;
      last = now;
      log.info({ progress: { ...p } }, progressLine(p));
    },
    done() {},
    writeAbove: (s) => stderr.write(s),
  };
}
