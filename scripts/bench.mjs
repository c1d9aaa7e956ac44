#!/usr/bin/env node
// npm run bench [-- --rows N --runs R --long-rows N --only scan|dump|long|resume --cpu-prof]
//
// Generates TiKV-shaped RocksDB directories with real RocksDB (tools/bench-gen, linked with
// Debian's librocksdb; needs librocksdb-dev, rocksdb-tools, g++) under .bench/, then times
// whole commands, alternating contenders, and prints medians, ratios and peak RSS:
//   scan:  tikv-export's engine full scan of the write CF  vs  ldb --column_family=write scan
//   dump:  tikv-export dump of the sysbench table to CSV    vs  ldb scan of the write CF
//   long:  tikv-export dump of the 1 KiB-row table          vs  ldb scan write + ldb scan default
//   resume (only when asked): dump with checkpoints vs --no-checkpoint; --threads 2 vs 1
// Ratios are ours / ldb's, measured in the same run: <= 1.0 means at least as fast as ldb.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, rmSync, statSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpus, totalmem } from 'node:os';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
const rows = Number(opt('rows', '10000000'));
const longRows = Number(opt('long-rows', '1000000'));
const runs = Number(opt('runs', '3'));
const only = opt('only', 'scan,dump,long').split(',');
const cpuProf = args.includes('--cpu-prof');
const benchDir = join(root, '.bench');
mkdirSync(benchDir, { recursive: true });

function sh(cmd, argv, options = {}) {
  return execFileSync(cmd, argv, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], ...options });
}

const gen = join(root, 'tools', 'bench-gen', 'build', 'bench-gen');
if (!existsSync(gen)) {
  mkdirSync(join(root, 'tools', 'bench-gen', 'build'), { recursive: true });
  console.error('building tools/bench-gen ...');
  sh('g++', ['-O2', '-std=c++17', join(root, 'tools', 'bench-gen', 'bench-gen.cc'), '-o', gen, '-lrocksdb']);
}

function dataset(name, n, mode) {
  const dir = join(benchDir, `${name}-${n}`);
  const db = join(dir, 'db');
  if (!existsSync(join(dir, 'done'))) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    console.error(`generating ${db} (${n} rows, ${mode}) with real RocksDB ...`);
    const t0 = Date.now();
    sh(gen, [db, String(n), mode]);
    sh('touch', [join(dir, 'done')]);
    console.error(`  done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  }
  // ldb writes a LOG file into the directory it opens: give it its own copy.
  const ldbCopy = join(dir, 'ldb-copy');
  if (!existsSync(ldbCopy)) cpSync(db, ldbCopy, { recursive: true });
  const sstBytes = readdirSync(db).filter((f) => f.endsWith('.sst')).reduce((s, f) => s + statSync(join(db, f)).size, 0);
  return { dir, db, ldbCopy, sstBytes };
}

// One timed run of a shell command: wall seconds and peak RSS (KiB) via GNU time.
function timed(command) {
  const r = spawnSync('/usr/bin/time', ['-f', '%e %M', 'bash', '-c', command], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`command failed (${r.status}): ${command}\n${r.stderr}`);
  const last = r.stderr.trim().split('\n').pop();
  const [secs, rss] = last.split(' ').map(Number);
  return { secs, rssMiB: rss / 1024 };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function compare(title, contenders, work) {
  const results = contenders.map(() => []);
  for (let r = 0; r < runs; r++) {
    contenders.forEach((c, i) => {
      if (c.before) c.before();
      results[i].push(timed(c.cmd));
    });
  }
  console.log(`\n## ${title}`);
  const meds = results.map((rs) => median(rs.map((x) => x.secs)));
  contenders.forEach((c, i) => {
    const rss = Math.max(...results[i].map((x) => x.rssMiB));
    const perSec = work ? `  ${(work / meds[i] / 1e6).toFixed(2)} M rows/s` : '';
    console.log(`${c.name.padEnd(44)} median ${meds[i].toFixed(2)} s  (runs ${results[i].map((x) => x.secs.toFixed(2)).join(', ')})  peak RSS ${rss.toFixed(0)} MiB${perSec}`);
  });
  const ratio = meds[0] / meds[1];
  console.log(`ratio ${contenders[0].name} / ${contenders[1].name} = ${ratio.toFixed(3)} (target <= 1.0)`);
  return ratio;
}

const node = process.execPath;
const tsx = ['--import', 'tsx'];
const bin = join(root, 'bin', 'tikv-export');
console.log(`# tikv-export bench (${new Date().toISOString()})`);
console.log(`machine: ${cpus().length} x ${cpus()[0]?.model ?? '?'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}; runs per contender: ${runs}`);

if (only.includes('scan') || only.includes('dump')) {
  const d = dataset('sysbench', rows, 'sysbench');
  console.log(`dataset: ${d.db}: ${rows} rows, ${(d.sstBytes / 1e9).toFixed(2)} GB of SSTs`);
  if (only.includes('scan')) {
    // --cpu-prof: one profile per thread (main, tsx loader, prefetch worker) in .bench/profiles.
    const prof = cpuProf ? ` --cpu-prof --cpu-prof-dir=${join(benchDir, 'profiles')}` : '';
    compare('engine scan of the write CF vs ldb scan', [
      { name: 'tikv-export engine scan (write CF)', cmd: `${node}${prof} ${tsx.join(' ')} ${join(root, 'scripts', 'bench-scan.ts')} ${d.db} write > /dev/null` },
      { name: 'ldb scan (write CF)', cmd: `ldb --db=${d.ldbCopy} --column_family=write scan > /dev/null` },
    ], rows);
  }
  if (only.includes('dump')) {
    const out = join(benchDir, `out-${basename(d.dir)}`); // outside the data dir (the CLI refuses that)
    const prof = cpuProf ? ` --cpu-prof --cpu-prof-dir=${join(benchDir, 'profiles')}` : '';
    compare('tikv-export dump to CSV vs ldb scan of the write CF', [
      { name: 'tikv-export dump (CSV to disk)', before: () => rmSync(out, { recursive: true, force: true }), cmd: `${node}${prof} ${bin} dump --data-dir ${d.db} --db bench --out ${out} --log-level warn` },
      { name: 'ldb scan (write CF)', cmd: `ldb --db=${d.ldbCopy} --column_family=write scan > /dev/null` },
    ], rows);
  }
}
if (only.includes('resume')) {
  // issue #5/#7: checkpoint overhead (target <= 1.05) and --threads 2 vs 1 on the sysbench table
  const d = dataset('sysbench', rows, 'sysbench');
  console.log(`dataset: ${d.db}: ${rows} rows, ${(d.sstBytes / 1e9).toFixed(2)} GB of SSTs`);
  const out = join(benchDir, `out-resume-${rows}`); // never inside the data dir (refused)
  const dump = (flags) => ({ before: () => rmSync(out, { recursive: true, force: true }), cmd: `${node} ${bin} dump --data-dir ${d.db} --db bench --out ${out} --log-level warn ${flags}` });
  compare('checkpoint overhead: dump with checkpoints vs --no-checkpoint (both --threads 1)', [
    { name: 'dump --threads 1 (checkpoint on)', ...dump('--threads 1') },
    { name: 'dump --threads 1 --no-checkpoint', ...dump('--threads 1 --no-checkpoint') },
  ], rows);
  compare('threads: dump --threads 2 vs --threads 1 (both with checkpoints)', [
    { name: 'dump --threads 2', ...dump('--threads 2') },
    { name: 'dump --threads 1', ...dump('--threads 1') },
  ], rows);
}
if (only.includes('long')) {
  const d = dataset('long', longRows, 'long');
  console.log(`dataset: ${d.db}: ${longRows} rows of ~1 KiB, ${(d.sstBytes / 1e9).toFixed(2)} GB of SSTs`);
  const out = join(benchDir, `out-${basename(d.dir)}`); // outside the data dir (the CLI refuses that)
  compare('tikv-export dump of 1 KiB rows vs ldb scan write + default', [
    { name: 'tikv-export dump (CSV to disk)', before: () => rmSync(out, { recursive: true, force: true }), cmd: `${node} ${bin} dump --data-dir ${d.db} --db bench --out ${out} --log-level warn` },
    { name: 'ldb scan write + ldb scan default', cmd: `ldb --db=${d.ldbCopy} --column_family=write scan > /dev/null && ldb --db=${d.ldbCopy} --column_family=default scan > /dev/null` },
  ], longRows);
}
