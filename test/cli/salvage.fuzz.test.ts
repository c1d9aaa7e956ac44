/**
 * Fuzz (fast-check): random damage to the files of a copy of fixtures/sample/node1 (written by
 * real RocksDB) — flipped bytes, zeroed 4 KiB pages, truncation — then a strict and a --salvage
 * dump. Neither may crash (only typed errors: exit 0..3, no "internal error"), hang (each dump
 * runs in a worker terminated after HANG_MS), or print unverified data: a strict dump that
 * succeeds equals the undamaged dump; a salvage dump of damaged SSTs prints only rows of the
 * undamaged dump (and all of them when it reports nothing lost).
 * Runs TIKV_EXPORT_FUZZ_RUNS cases (default 6).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';

const root = fileURLToPath(new URL('../..', import.meta.url));
const fixture = join(root, 'fixtures/sample/node1');
const RUNS = Number(process.env.TIKV_EXPORT_FUZZ_RUNS ?? '6');
const HANG_MS = 60_000; // a hang guard, not a speed requirement
const tmp = mkdtempSync(join(tmpdir(), 'tikv-export-fuzz-'));
const files = readdirSync(join(fixture, 'db')).filter((n) => /\.(sst|log)$|^MANIFEST-|^CURRENT$/.test(n)).sort();

interface Res {
  code: number;
  stderr: string;
  files: Record<string, string>;
}
let worker: Worker;
let nextId = 0;
let workerError: Error | undefined;
function startWorker(): Worker {
  // Workers do not inherit tsx's loader hooks: register tsx, then import the .ts worker.
  const entry = new URL('./salvage-fuzz-worker.ts', import.meta.url).href;
  const api = import.meta.resolve('tsx/esm/api');
  const code = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); })`;
  const w = new Worker(code, { eval: true });
  w.on('error', (e) => {
    workerError = e;
  });
  return w;
}
async function dump(dataDir: string, extra: string[]): Promise<Res> {
  const out = join(tmp, `o${nextId}`);
  const id = nextId++;
  const argv = ['dump', '--data-dir', dataDir, '--all', '--out', out, '--log-level', 'silent', ...extra];
  return new Promise<Res>((resolve, reject) => {
    const timer = setTimeout(() => {
      void worker.terminate();
      worker = startWorker();
      reject(new Error(`dump ${argv.join(' ')} did not finish in ${HANG_MS} ms (hang)`));
    }, HANG_MS);
    const onMsg = (m: Res & { id: number }): void => {
      if (m.id !== id) return;
      clearTimeout(timer);
      worker.off('message', onMsg);
      resolve(m);
    };
    worker.on('message', onMsg);
    worker.once('exit', () => {
      clearTimeout(timer);
      reject(workerError ?? new Error('fuzz worker exited'));
    });
    worker.postMessage({ id, argv, out });
  });
}

function rows(r: Res): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const [n, c] of Object.entries(r.files)) {
    const t = /^(.*)\.\d{9}\.csv$/.exec(n);
    if (t === null) continue;
    const l = m.get(t[1]!) ?? [];
    l.push(...c.split('\r\n').slice(1).filter((x) => x !== ''));
    m.set(t[1]!, l);
  }
  return m;
}

let base: Map<string, string[]>;
before(async () => {
  worker = startWorker();
  const b = await dump(fixture, []);
  assert.equal(b.code, 0, b.stderr);
  base = rows(b);
  assert.ok(base.size > 0);
});
after(async () => {
  await worker.terminate();
  rmSync(tmp, { recursive: true, force: true });
});

const damage = fc.record({
  file: fc.constantFrom(...files),
  kind: fc.constantFrom('flip', 'flip', 'zero4k', 'truncate'),
  at: fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }),
  bits: fc.integer({ min: 1, max: 255 }),
});

let caseNo = 0;
test(`fuzz: ${RUNS} random damages to sample/node1, strict and --salvage`, { timeout: RUNS * 3 * HANG_MS }, async () => {
  const res = await fc.check(
    fc.asyncProperty(damage, async (d) => {
      const dir = join(tmp, `case${caseNo++}`);
      cpSync(fixture, dir, { recursive: true });
      const p = join(dir, 'db', d.file);
      const b = readFileSync(p);
      const pos = Math.floor(d.at * b.length);
      if (d.kind === 'truncate') truncateSync(p, pos);
      else {
        if (d.kind === 'flip' && b.length > 0) b[pos] = b[pos]! ^ d.bits;
        if (d.kind === 'zero4k') b.fill(0, pos, Math.min(b.length, pos + 4096));
        writeFileSync(p, b);
      }
      const ctx = JSON.stringify(d);
      for (const mode of ['strict', 'salvage'] as const) {
        const r = await dump(dir, mode === 'salvage' ? ['--salvage'] : []);
        assert.ok([0, 1, 2, 3].includes(r.code), `${mode} ${ctx}: exit ${r.code} ${r.stderr}`);
        assert.doesNotMatch(r.stderr, /internal error|thrown:/, `${mode} ${ctx}`);
        const got = rows(r);
        if (r.code === 0) {
          // (a WAL cut or zeroed at its end reads as a torn tail -- RocksDB's point-in-time
          // view, older versions, with a wal-torn-tail warning -- so only non-WAL damage must
          // leave the rows unchanged when the dump succeeds)
          if (!d.file.endsWith('.log')) {
            for (const [t, want] of base) assert.deepEqual(got.get(t) ?? [], want, `${mode} ${ctx}: exit 0 but ${t} differs`);
          }
        }
        if (mode === 'salvage' && d.file.endsWith('.sst')) {
          for (const [t, l] of got) {
            const want = new Set(base.get(t) ?? []);
            for (const row of l) assert.ok(want.has(row), `salvage ${ctx}: ${t} row not in the undamaged dump: ${row.slice(0, 100)}`);
          }
        }
      }
    }),
    { numRuns: RUNS },
  );
  if (res.failed) {
    const err = res.errorInstance instanceof Error ? res.errorInstance.message : String(res.errorInstance);
    assert.fail(`counterexample ${JSON.stringify(res.counterexample)} (seed ${res.seed}, path ${res.counterexamplePath}): ${err}`);
  }
});
