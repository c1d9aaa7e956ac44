// Progress output: the TTY line (values worked out by hand) and the non-TTY heartbeat rule.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatDuration, makeProgress, progressLine } from '../../src/cli/progress.js';
import { silentLog } from '../../src/export/source.js';

const p = {
  tablesDone: 2,
  tablesTotal: 5,
  table: 'shop.orders',
  rows: 1234567,
  bytesOut: 9_000_000,
  bytesRead: 50_000_000,
  bytesEstimate: 200_000_000,
  elapsedMs: 10_000,
};

test('progressLine: rows, MB/s from bytes read, ETA from the fraction read', () => {
  // 50 MB in 10 s = 5.0 MB/s; 25% read in 10 s -> 30 s left
  assert.equal(progressLine(p), 'tables 2/5  rows 1,234,567  5.0 MB/s ETA 30s  shop.orders');
  assert.equal(progressLine({ ...p, bytesRead: undefined, bytesEstimate: undefined }), 'tables 2/5  rows 1,234,567  0.9 MB/s  shop.orders');
});

test('formatDuration', () => {
  assert.equal(formatDuration(59_400), '59s');
  assert.equal(formatDuration(61_000), '1m01s');
  assert.equal(formatDuration(3_725_000), '1h02m');
});

test('TTY: redrawn in place and cleared at the end; not a TTY: no control characters', () => {
  let out = '';
  const tty = makeProgress({ write: (s: string) => (out += s), isTTY: true }, silentLog, false);
  tty.update(p);
  tty.done();
  assert.equal(out, `\r${progressLine(p)}\x1b[K\r\x1b[K`);
  let plain = '';
  const logged: string[] = [];
  const np = makeProgress({ write: (s: string) => (plain += s) }, { ...silentLog, info: (_o, m) => logged.push(m) }, false);
  np.update(p); // within the first 10 s: nothing
  np.done();
  assert.equal(plain, '');
  assert.deepEqual(logged, []);
});
