/**
 * Memtable: entries come back in internal-key order (user key ascending bytewise, seq
 * descending; rocksdb-format.md §3) whatever the insertion order; seek lands on the newest
 * version of the first key >= target. Expected orders are written by hand.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Memtable } from '../../src/rocksdb/memtable.js';
import { ValueType } from '../../src/rocksdb/types.js';

const b = (s: string): Uint8Array => Buffer.from(s, 'latin1');

function all(mt: Memtable, seek?: string): string[] {
  const c = mt.cursor();
  const out: string[] = [];
  if (seek === undefined) c.seekToFirst();
  else c.seek(b(seek));
  for (; c.valid(); c.next()) out.push(`${Buffer.from(c.userKey()).toString('latin1')}@${c.seq()}:${c.kind()}`);
  return out;
}

test('internal-key order regardless of insertion order, bytewise (unsigned) keys', () => {
  const mt = new Memtable();
  mt.add(b('b'), 3, ValueType.Value, b('x'));
  mt.add(b('a'), 1, ValueType.Value, b('x'));
  mt.add(b('b'), 7, ValueType.Deletion, b(''));
  mt.add(b('\xff'), 2, ValueType.Value, b('x'));
  mt.add(b(''), 4, ValueType.SingleDeletion, b(''));
  mt.add(b('ab'), 5, ValueType.BlobIndex, b('x'));
  mt.add(b('a'), 6, ValueType.Value, b('x'));
  assert.deepEqual(all(mt), ['@4:7', 'a@6:1', 'a@1:1', 'ab@5:17', 'b@7:0', 'b@3:1', '\xff@2:1']);
  assert.deepEqual(all(mt, 'a'), ['a@6:1', 'a@1:1', 'ab@5:17', 'b@7:0', 'b@3:1', '\xff@2:1']);
  assert.deepEqual(all(mt, 'aa'), ['ab@5:17', 'b@7:0', 'b@3:1', '\xff@2:1']);
  assert.deepEqual(all(mt, '\xff\x00'), []);
});

test('range tombstones are kept apart and widen the key bounds', () => {
  const mt = new Memtable();
  assert.equal(mt.keyBounds(), null);
  mt.add(b('m'), 1, ValueType.Value, b('x'));
  mt.addRangeTombstone(b('c'), b('q'), 2);
  assert.deepEqual(mt.rangeTombstones(), [{ start: b('c'), end: b('q'), seq: 2 }]);
  const kb = mt.keyBounds()!;
  assert.equal(Buffer.from(kb.smallest).toString(), 'c');
  assert.equal(Buffer.from(kb.largest).toString(), 'q');
  assert.equal(mt.size, 1);
});
