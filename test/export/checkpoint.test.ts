/**
 * Checkpoint store (src/export/checkpoint.ts): classic-level in a worker thread behind a
 * synchronous facade; checksummed entries; a torn or corrupt entry reads as absent; a second
 * opener of the same checkpoint is refused (LevelDB's LOCK). Fingerprint comparison names the
 * first differing item.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { Checkpoint, CHECKPOINT_DIR, decodeEntry, encodeEntry, LevelWorker } from '../../src/export/checkpoint.js';
import { defaultCsvOptions, utf8 } from '../../src/export/csv.js';
import { csvOptionText, fingerprintDiff, type Fingerprint } from '../../src/export/fingerprint.js';

const tmp = mkdtempSync(join(tmpdir(), 'tikv-export-cp-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

test('entries: round trip; any flipped byte, truncation or unknown version reads as absent', () => {
  const v = { index: 3, files: [{ name: 'a.000000001.csv', bytes: 10, crc: 123 }] };
  const e = encodeEntry(v);
  assert.deepEqual(decodeEntry(e), v);
  assert.equal(decodeEntry(e.slice(0, -1)), undefined);
  assert.equal(decodeEntry(e.replace('"bytes":10', '"bytes":11')), undefined);
  assert.equal(decodeEntry(e.replace(/^v1/, 'v2')), undefined);
  assert.equal(decodeEntry(''), undefined);
});

test('written entries survive close and reopen; corrupt ones are listed, not returned', () => {
  const out = join(tmp, 'a');
  const cp = Checkpoint.open(out);
  cp.write([
    ['meta', { x: 1 }],
    ['done/1.2/000000', { rows: 5 }],
  ]);
  cp.write([['done/1.2/000001', { rows: 6 }]], ['meta']);
  cp.writeRaw('done/1.2/000002', 'v1 deadbeef {"rows":7}');
  cp.close();
  assert.ok(Checkpoint.exists(out));
  assert.ok(existsSync(join(out, CHECKPOINT_DIR, 'db', 'CURRENT')), 'a LevelDB database');
  const again = Checkpoint.open(out);
  const l = again.load();
  again.close();
  assert.deepEqual([...l.entries.keys()].sort(), ['done/1.2/000000', 'done/1.2/000001']);
  assert.deepEqual(l.entries.get('done/1.2/000001'), { rows: 6 });
  assert.deepEqual(l.corrupt, ['done/1.2/000002']);
  Checkpoint.remove(out);
  assert.ok(!existsSync(join(out, CHECKPOINT_DIR)));
});

test('a checkpoint in use is refused with a clear message', () => {
  const out = join(tmp, 'b');
  const cp = Checkpoint.open(out);
  cp.load(); // opened (Checkpoint.open does not wait for LevelDB)
  try {
    const second = Checkpoint.open(out);
    assert.throws(() => second.load(), /in use by another tikv-export process/);
    second.close();
  } finally {
    cp.close();
  }
});

test('fingerprintDiff names the first differing item', () => {
  const base: Fingerprint = {
    version: 1,
    dataDir: '/d',
    clusterId: '7',
    storeId: '1',
    readTs: 'latest',
    schemaVersion: '5',
    sourceFiles: ['write/000010.sst:100', 'wal/000011.log:20'],
    tables: ['1.2 t abc'],
    options: { ...csvOptionText(defaultCsvOptions()), filesize: '0' },
  };
  assert.equal(fingerprintDiff(base, structuredClone(base)), undefined);
  assert.match(fingerprintDiff(base, { ...base, clusterId: '8' })!, /cluster id differs: checkpoint "7", now "8"/);
  assert.match(fingerprintDiff(base, { ...base, readTs: '449187340938903553' })!, /read timestamp/);
  assert.match(fingerprintDiff(base, { ...base, sourceFiles: [...base.sourceFiles, 'write/000012.sst:5'] })!, /added or changed: write\/000012\.sst:5/);
  assert.match(fingerprintDiff(base, { ...base, sourceFiles: ['wal/000011.log:20'] })!, /removed or changed: write\/000010\.sst:100/);
  const tab = { ...defaultCsvOptions(), separator: utf8('\t') };
  assert.match(fingerprintDiff(base, { ...base, options: { ...base.options, ...csvOptionText(tab) } })!, /--csv-separator differs: checkpoint ",", now "\\t"/);
  assert.match(fingerprintDiff(base, { ...base, tables: ['1.2 t abd'] })!, /schemas differ/);
});

test('a LevelDB thread started before the path is known: the checkpoint opened on it works; it is taken once', () => {
  const out = join(tmp, 'early');
  const w = new LevelWorker();
  assert.ok(!existsSync(join(out, CHECKPOINT_DIR)), 'starting the thread creates nothing');
  const cp = Checkpoint.open(out, w);
  cp.write([['meta', { x: 2 }]]);
  assert.deepEqual(cp.load().entries.get('meta'), { x: 2 });
  assert.equal(w.take(), undefined, 'already taken by the checkpoint');
  w.close(); // not ours any more: the checkpoint still works
  cp.write([['done/1.2/000000', { rows: 1 }]]);
  cp.close();
  const again = Checkpoint.open(out, w); // a taken thread is not reused: a new one is started
  assert.deepEqual([...again.load().entries.keys()].sort(), ['done/1.2/000000', 'meta']);
  again.close();
  const unused = new LevelWorker();
  unused.close();
  assert.equal(unused.take(), undefined, 'a closed thread is not taken');
});
