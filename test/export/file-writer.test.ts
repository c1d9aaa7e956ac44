// Output files: tmp name while writing, final name only after commit; rotation after the row
// that crosses --filesize; file-system errors become one error naming the path.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AtomicFile, OutputError, RotatingWriter, realFs, syncFile, writeFileAtomic, type FsOps } from '../../src/export/file-writer.js';
import { UserError } from '../../src/errors.js';

const b = (s: string): Uint8Array => Buffer.from(s, 'latin1');
function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'tikv-export-fw-'));
}

test('a file exists only under its tmp name until commit', () => {
  const dir = tmp();
  try {
    const f = new AtomicFile(dir, 'a.csv');
    f.write(b('hello'));
    assert.deepEqual(readdirSync(dir), [`a.csv.tmp-${process.pid}`]);
    f.commit();
    assert.deepEqual(readdirSync(dir), ['a.csv']);
    assert.equal(readFileSync(join(dir, 'a.csv'), 'latin1'), 'hello');
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test('abort leaves nothing behind; an existing final file is never overwritten', () => {
  const dir = tmp();
  try {
    const f = new AtomicFile(dir, 'a.csv');
    f.write(b('partial'));
    f.abort();
    assert.deepEqual(readdirSync(dir), []);
    writeFileSync(join(dir, 'b.csv'), 'old');
    assert.throws(() => new AtomicFile(dir, 'b.csv'), (e: unknown) => e instanceof OutputError && /b\.csv: file already exists/.test(e.message));
    assert.equal(readFileSync(join(dir, 'b.csv'), 'latin1'), 'old');
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test('large writes bypass the buffer and keep order', () => {
  const dir = tmp();
  try {
    const f = new AtomicFile(dir, 'x', realFs, 8);
    f.write(b('ab'));
    f.write(b('0123456789'));
    f.write(b('cd'));
    f.commit();
    assert.equal(readFileSync(join(dir, 'x'), 'latin1'), 'ab0123456789cd');
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test('rotation: a file closes after the row that reaches --filesize; header on every file', () => {
  const dir = tmp();
  try {
    const w = new RotatingWriter({ dir, fileName: (i) => `t.${String(i).padStart(9, '0')}.csv`, fileSize: 10, header: b('H\n') });
    for (const r of ['aaaa\n', 'bbbb\n', 'cc\n', 'dddddddddddd\n', 'e\n']) w.writeRow(b(r));
    const files = w.finish();
    // file 0: "H\n"(2) + 5 = 7 < 10, +5 = 12 >= 10 -> closed after bbbb
    // file 1: 2 + 3 = 5, + 13 = 18 -> closed after dddd; file 2: 2 + 2 = 4
    assert.deepEqual(readdirSync(dir).sort(), ['t.000000000.csv', 't.000000001.csv', 't.000000002.csv']);
    assert.equal(readFileSync(join(dir, 't.000000000.csv'), 'latin1'), 'H\naaaa\nbbbb\n');
    assert.equal(readFileSync(join(dir, 't.000000001.csv'), 'latin1'), 'H\ncc\ndddddddddddd\n');
    assert.equal(readFileSync(join(dir, 't.000000002.csv'), 'latin1'), 'H\ne\n');
    assert.deepEqual(files.map((f) => [f.name, f.rows, f.bytes]), [
      ['t.000000000.csv', 2, 12],
      ['t.000000001.csv', 2, 18],
      ['t.000000002.csv', 1, 4],
    ]);
    assert.equal(w.rows, 5);
    assert.equal(w.bytes, 34);
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test('rotation exactly at the limit does not create an empty trailing file', () => {
  const dir = tmp();
  try {
    const w = new RotatingWriter({ dir, fileName: (i) => `t.${i}`, fileSize: 4, header: new Uint8Array(0) });
    w.writeRow(b('abcd'));
    const files = w.finish();
    assert.deepEqual(files.map((f) => f.name), ['t.0']);
    assert.deepEqual(readdirSync(dir), ['t.0']);
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test('an empty table still gets file 0 with the header', () => {
  const dir = tmp();
  try {
    const w = new RotatingWriter({ dir, fileName: (i) => `t.${i}`, fileSize: 0, header: b('"a"\r\n') });
    assert.equal(w.finish().length, 1);
    assert.equal(readFileSync(join(dir, 't.0'), 'latin1'), '"a"\r\n');
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test('ENOSPC during a write: one OutputError naming the file, tmp removed', () => {
  const dir = tmp();
  try {
    let writes = 0;
    const full: FsOps = {
      ...realFs,
      writeSync: (fd, buf, off, len) => {
        if (++writes > 1) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
        return realFs.writeSync(fd, buf, off, len);
      },
    };
    const w = new RotatingWriter({ dir, fileName: (i) => `t.${i}`, fileSize: 0, header: new Uint8Array(0), fs: full });
    let err: unknown;
    try {
      for (let i = 0; i < 10; i++) w.writeRow(new Uint8Array(700_000));
      w.finish();
    } catch (e) {
      err = e;
    }
    assert.ok(err instanceof OutputError);
    assert.ok(err instanceof UserError);
    assert.equal(err.errno, 'ENOSPC');
    assert.equal(err.message, `cannot write ${join(dir, 't.0')}.tmp-${process.pid}: no space left on device (ENOSPC)`);
    assert.deepEqual(readdirSync(dir), []);
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test('unwritable directory: error names the path', () => {
  const dir = tmp();
  try {
    writeFileSync(join(dir, 'notadir'), '');
    assert.throws(
      () => writeFileAtomic(join(dir, 'notadir'), 'm', 'x'),
      (e: unknown) => e instanceof OutputError && e.message.startsWith(`cannot write ${join(dir, 'notadir', 'm')}.tmp-`) && /ENOTDIR/.test(e.message),
    );
    assert.throws(() => writeFileAtomic(join(dir, 'missing'), 'm', 'x'), /directory does not exist \(ENOENT\)/);
    assert.equal(writeFileAtomic(dir, 'ok', 'xyz'), 3);
    assert.equal(readFileSync(join(dir, 'ok'), 'latin1'), 'xyz');
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test('AtomicFile: a large file starts its writeback early (async fdatasync) and still commits exactly its bytes', async () => {
  const { writebackStats } = await import('../../src/export/file-writer.js');
  const dir = tmp();
  try {
    const before = writebackStats.early;
    const f = new AtomicFile(dir, 'big.csv', realFs, 1);
    const piece = new Uint8Array(1 << 20);
    for (let i = 0; i < 20; i++) {
      piece.fill(0x41 + i);
      f.write(piece);
    }
    f.commit();
    // 20 MiB written in 1 MiB writes: one early writeback after each 8 MiB
    assert.equal(writebackStats.early - before, 2);
    const got = readFileSync(join(dir, 'big.csv'));
    assert.equal(got.length, 20 << 20);
    for (let i = 0; i < 20; i++) assert.equal(got[i << 20], 0x41 + i);
    assert.deepEqual(readdirSync(dir), ['big.csv']);
    // a fake file system (fault injection) never gets one
    const fake: FsOps = { ...realFs, writeSync: (_fd, _b, _o, len) => len };
    const before2 = writebackStats.early;
    const g = new AtomicFile(dir, 'fake.csv', fake, 1);
    for (let i = 0; i < 20; i++) g.write(piece);
    g.abort();
    assert.equal(writebackStats.early, before2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('commit(false) renames a complete file without fsync; syncFile fsyncs it later by path', () => {
  const dir = tmp();
  try {
    const synced: number[] = [];
    const opened: string[] = [];
    const watch: FsOps = {
      ...realFs,
      openSync: ((p: string, flags: string, mode?: number) => {
        opened.push(`${flags} ${p}`);
        return realFs.openSync(p, flags, mode);
      }) as FsOps['openSync'],
      fsyncSync: (fd: number) => {
        synced.push(fd);
        realFs.fsyncSync(fd);
      },
    };
    const f = new AtomicFile(dir, 'part.csv', watch, 4);
    f.write(new Uint8Array([1, 2, 3, 4, 5, 6]));
    f.commit(false);
    assert.deepEqual(synced, [], 'no fsync at commit(false)');
    assert.deepEqual(readdirSync(dir), ['part.csv'], 'complete under its name');
    assert.deepEqual([...readFileSync(join(dir, 'part.csv'))], [1, 2, 3, 4, 5, 6]);

    const g = new AtomicFile(dir, 'other.csv', watch);
    g.write(new Uint8Array([7]));
    g.commit();
    assert.equal(synced.length, 1, 'commit() fsyncs');

    opened.length = 0;
    syncFile(join(dir, 'part.csv'), watch);
    assert.deepEqual(opened, [`r ${join(dir, 'part.csv')}`]);
    assert.equal(synced.length, 2, 'syncFile fsyncs the file it opened');
    assert.throws(() => syncFile(join(dir, 'missing.csv'), watch), (e: unknown) => e instanceof OutputError && e.path === join(dir, 'missing.csv') && e.errno === 'ENOENT');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
