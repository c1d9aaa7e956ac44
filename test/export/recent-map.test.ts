// RecentMap (a chunk worker's per-table decoders and formatters): at most `max` entries, the
// oldest added dropped first, a key set again counted as new.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RecentMap } from '../../src/export/recent-map.js';

test('keeps the most recently added entries only', () => {
  const m = new RecentMap<number, string>(2);
  m.set(1, 'a');
  m.set(2, 'b');
  m.set(3, 'c');
  assert.equal(m.size, 2);
  assert.equal(m.get(1), undefined);
  assert.equal(m.get(2), 'b');
  m.set(2, 'b2'); // set again: now the newest
  m.set(4, 'd');
  assert.equal(m.get(3), undefined);
  assert.equal(m.get(2), 'b2');
  assert.equal(m.get(4), 'd');
});
