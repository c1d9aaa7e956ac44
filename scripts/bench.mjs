#!/usr/bin/env node
// npm run bench [-- --rows N --small-rows N --tiny-rows N --runs R --long-rows N --only scan|dump|long|resume --cpu-prof]
//
// Generates TiKV-shaped RocksDB directories with real RocksDB (tools/bench-gen, linked with
// Debian's librocksdb; needs librocksdb-dev, rocksdb-tools, g++) under .bench/, then times
// whole commands, alternating contenders, and prints medians, ratios, CPU time and peak RSS:
//   scan:  tikv-export's engine full scan of the write CF  vs  ldb --column_family=write scan
//   dump:  tikv-export dump of the sysbench table to CSV    vs  ldb scan of the write CF, at two
//          sizes (--small-rows, default 2 M, and --rows, default 10 M), then whether the cost is
//          linear (the time per row above a --tiny-rows dump's start-up, default 100 k rows, is
//          not more than 15% higher at the large size) and the peak RSS flat (within 10%, and under
//          400 MiB) —
//          issue #7
//   long:  tikv-export dump of the 1 KiB-row table          vs  ldb scan write + ldb scan default
//   resume (only when asked): dump with checkpoints vs --no-checkpoint; --threads 2 vs 1
// Ratios are ours / ldb's, measured in the same run: <= 1.0 means at least as fast as ldb.
// --cpu-prof: after the timed runs, one more run of each tikv-export workload under
// `node --cpu-prof` (one .cpuprofile per thread: main, chunk workers, prefetch/checkpoint
// workers) into .bench/profiles/<workload>/ (emptied first); the timed runs are not profiled.
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
const smallRows = Number(opt('small-rows', '2000000'));
const tinyRows = Number(opt('tiny-rows', '100000'));
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
const genSource = join(root, 'tools', 'bench-gen', 'bench-gen.cc');
// rebuilt when its source changed; datasets older than the generator are generated again
if (!existsSync(gen) || statSync(gen).mtimeMs < statSync(genSource).mtimeMs) {
  mkdirSync(join(root, 'tools', 'bench-gen', 'build'), { recursive: true });
  console.error('building tools/bench-gen ...');
  sh('g++', ['-O2', '-std=c++17', join(root, 'tools', 'bench-gen', 'bench-gen.cc'), '-o', gen, '-lrocksdb']);
}

function dataset(name, n, mode) {
  const dir = join(benchDir, `${name}-${n}`);
  const db = join(dir, 'db');
  const done = join(dir, 'done');
  if (!existsSync(done) || statSync(done).mtimeMs < statSync(gen).mtimeMs) {
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

// One timed run of a shell command: wall seconds, user+sys CPU seconds (the number to compare
// on a loaded machine) and peak RSS (KiB; the largest of the processes `bash -c` waited for)
// via GNU time.
function timed(command) {
  const r = spawnSync('/usr/bin/time', ['-f', '%e %U %S %M', 'bash', '-c', command], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`command failed (${r.status}): ${command}\n${r.stderr}`);
  const last = r.stderr.trim().split('\n').pop();
  const [secs, user, sys, rss] = last.split(' ').map(Number);
  return { secs, cpu: user + sys, rssMiB: rss / 1024 };
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
  const stats = contenders.map((c, i) => {
    const rss = Math.max(...results[i].map((x) => x.rssMiB));
    const cpu = median(results[i].map((x) => x.cpu));
    const perSec = work ? `  ${(work / meds[i] / 1e6).toFixed(2)} M rows/s` : '';
    console.log(`${c.name.padEnd(44)} median ${meds[i].toFixed(2)} s  (runs ${results[i].map((x) => x.secs.toFixed(2)).join(', ')})  CPU ${cpu.toFixed(2)} s  peak RSS ${rss.toFixed(0)} MiB${perSec}`);
    return { secs: meds[i], cpu, rssMiB: rss };
  });
  const ratio = meds[0] / meds[1];
  console.log(`ratio ${contenders[0].name} / ${contenders[1].name} = ${ratio.toFixed(3)} (target <= 1.0)`);
  return { ratio, ours: stats[0] };
}

// --cpu-prof: one extra (untimed) run of a tikv-export command under `node --cpu-prof`.
function profile(workload, nodeArgs, before) {
  if (!cpuProf) return;
  const dir = join(benchDir, 'profiles', workload);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  if (before) before();
  const r = spawnSync(node, ['--cpu-prof', `--cpu-prof-dir=${dir}`, ...nodeArgs], { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`profiled run failed (${r.status}): node ${nodeArgs.join(' ')}\n${r.stderr}`);
  const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
  console.log(`CPU profiles of ${workload} (one per thread): ${dir}/ (${files.length} files; open in Chrome DevTools or speedscope)`);
}

const node = process.execPath;
const tsx = ['--import', 'tsx'];
const bin = join(root, 'bin', 'tikv-export');

// bin/tikv-export runs dist/ only when it is at least as new as every file under src/, else the
// sources through tsx: slower, and every worker thread loads tsx too (a 1 M-row long dump
// measured ~300 MiB peak that way vs ~210 MiB compiled). Build first so the numbers are dist's.
function newestMtime(dir) {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}
const compiled = join(root, 'dist', 'cli', 'main.js');
const bundled = join(root, 'dist', 'bundle', 'main.js');
if (!existsSync(compiled) || statSync(compiled).mtimeMs < newestMtime(join(root, 'src')) || !existsSync(bundled) || statSync(bundled).mtimeMs < statSync(compiled).mtimeMs) {
  console.error('dist/ or dist/bundle/ is missing or older than src/: building it (npm run build) ...');
  sh('npm', ['run', 'build'], { cwd: root }); // tsc, then scripts/bundle.mjs (what bin/tikv-export runs)
}
console.log(`# tikv-export bench (${new Date().toISOString()})`);
console.log(`machine: ${cpus().length} x ${cpus()[0]?.model ?? '?'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}; runs per contender: ${runs}`);

if (only.includes('scan')) {
  const d = dataset('sysbench', rows, 'sysbench');
  console.log(`dataset: ${d.db}: ${rows} rows, ${(d.sstBytes / 1e9).toFixed(2)} GB of SSTs`);
  const scanArgs = [...tsx, join(root, 'scripts', 'bench-scan.ts'), d.db, 'write'];
  compare('engine scan of the write CF vs ldb scan', [
    { name: 'tikv-export engine scan (write CF)', cmd: `${node} ${scanArgs.join(' ')} > /dev/null` },
    { name: 'ldb scan (write CF)', cmd: `ldb --db=${d.ldbCopy} --column_family=write scan > /dev/null` },
  ], rows);
  profile('scan', scanArgs);
}
if (only.includes('dump')) {
  // issue #7: the same dump at two sizes; rows/s should match (cost linear in rows) and the peak
  // RSS should not grow with the table (memory bounded by chunks, blocks and buffers, not rows).
  const sizes = [...new Set([smallRows, rows])].sort((a, b) => a - b);
  const bySize = [];
  for (const n of sizes) {
    const d = dataset('sysbench', n, 'sysbench');
    console.log(`\ndataset: ${d.db}: ${n} rows, ${(d.sstBytes / 1e9).toFixed(2)} GB of SSTs`);
    const out = join(benchDir, `out-${basename(d.dir)}`); // outside the data dir (the CLI refuses that)
    const clean = () => rmSync(out, { recursive: true, force: true });
    const dumpArgs = [bin, 'dump', '--data-dir', d.db, '--db', 'bench', '--out', out, '--log-level', 'warn'];
    const { ours } = compare(`tikv-export dump to CSV vs ldb scan of the write CF (${n} rows)`, [
      { name: 'tikv-export dump (CSV to disk)', before: clean, cmd: `${node} ${dumpArgs.join(' ')}` },
      { name: 'ldb scan (write CF)', cmd: `ldb --db=${d.ldbCopy} --column_family=write scan > /dev/null` },
    ], n);
    bySize.push({ n, ...ours });
    if (n === rows) profile('dump', dumpArgs, clean);
    clean();
  }
  // a third, tiny size measures the fixed start-up cost, so linearity is judged on the cost
  // per row above it (two points alone cannot tell start-up from a per-row cost that grows)
  let tiny;
  if (tinyRows > 0 && tinyRows < sizes[0]) {
    const d = dataset('sysbench', tinyRows, 'sysbench');
    const out = join(benchDir, `out-${basename(d.dir)}`);
    const rs = [];
    for (let r = 0; r < runs; r++) {
      rmSync(out, { recursive: true, force: true });
      // as many worker threads as the big dumps use by default (a table this small would get one)
      rs.push(timed(`${node} ${bin} dump --data-dir ${d.db} --db bench --out ${out} --log-level warn --threads ${cpus().length} --chunk-bytes 4M`));
    }
    rmSync(out, { recursive: true, force: true });
    tiny = { n: tinyRows, secs: median(rs.map((x) => x.secs)), cpu: median(rs.map((x) => x.cpu)), rssMiB: Math.max(...rs.map((x) => x.rssMiB)) };
    console.log(`
tiny dump (${tinyRows} rows, start-up cost): median ${tiny.secs.toFixed(2)} s, CPU ${tiny.cpu.toFixed(2)} s, peak RSS ${tiny.rssMiB.toFixed(0)} MiB`);
  }
  if (bySize.length === 2) {
    const [s, l] = bySize;
    const rate = (x) => x.n / x.secs;
    const cpuRate = (x) => x.n / x.cpu;
    const rateRatio = rate(l) / rate(s);
    const cpuRatio = cpuRate(l) / cpuRate(s);
    // per-row cost above the tiny size's (start-up) at the small size vs between small and large
    const marginal = tiny === undefined ? undefined : [(s.secs - tiny.secs) / (s.n - tiny.n), (l.secs - s.secs) / (l.n - s.n)];
    // linear (or better): the cost of a row must not grow with the table; a lower cost per row at
    // the large size (JIT warm-up and the last chunk's idle worker amortized) passes
    const linear = marginal === undefined ? Math.abs(rateRatio - 1) <= 0.15 : marginal[1] <= marginal[0] * 1.15;
    console.log(`\n## dump: ${s.n} vs ${l.n} rows`);
    console.log(`rows/s: ${(rate(s) / 1e6).toFixed(2)} M vs ${(rate(l) / 1e6).toFixed(2)} M (ratio ${rateRatio.toFixed(2)}); per CPU second: ${(cpuRate(s) / 1e6).toFixed(2)} M vs ${(cpuRate(l) / 1e6).toFixed(2)} M (ratio ${cpuRatio.toFixed(2)})`);
    // two points fit cost = fixed + rows * perRow: the fixed part is start-up (node and its
    // workers, catalog, WAL replay, chunk planning), which lowers rows/s at the small size
    const fit = (a, b) => {
      const perRow = (b - a) / (l.n - s.n);
      return `${(a - perRow * s.n).toFixed(2)} s fixed + ${(perRow * 1e6).toFixed(2)} s per M rows`;
    };
    const how =
      marginal === undefined
        ? `wall rows/s within 15%: ${((rateRatio - 1) * 100).toFixed(1)}%`
        : `wall time per M rows above the ${tiny.n}-row start-up: ${(marginal[0] * 1e6).toFixed(2)} s up to ${s.n} rows, ${(marginal[1] * 1e6).toFixed(2)} s from ${s.n} to ${l.n} rows (${((marginal[1] / marginal[0] - 1) * 100).toFixed(1)}%, target: no more than 15% higher); rows/s without the start-up: ${((s.n - tiny.n) / (s.secs - tiny.secs) / 1e6).toFixed(2)} M and ${((l.n - tiny.n) / (l.secs - tiny.secs) / 1e6).toFixed(2)} M`;
    console.log(`cost linear in rows: ${linear ? 'yes' : 'NO'} (${how}); fit of wall time: ${fit(s.secs, l.secs)}; of CPU time: ${fit(s.cpu, l.cpu)}`);
    const peakRatio = l.rssMiB / s.rssMiB;
    const flat = peakRatio <= 1.1 && l.rssMiB < 400;
    console.log(`peak RSS flat: ${flat ? 'yes' : 'NO'} (${s.rssMiB.toFixed(0)} MiB at ${s.n} rows, ${l.rssMiB.toFixed(0)} MiB at ${l.n} rows: ${((peakRatio - 1) * 100).toFixed(1)}%; target within 10% and under 400 MiB)`);
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
  const clean = () => rmSync(out, { recursive: true, force: true });
  const dumpArgs = [bin, 'dump', '--data-dir', d.db, '--db', 'bench', '--out', out, '--log-level', 'warn'];
  compare('tikv-export dump of 1 KiB rows vs ldb scan write + default', [
    { name: 'tikv-export dump (CSV to disk)', before: clean, cmd: `${node} ${dumpArgs.join(' ')}` },
    { name: 'ldb scan write + ldb scan default', cmd: `ldb --db=${d.ldbCopy} --column_family=write scan > /dev/null && ldb --db=${d.ldbCopy} --column_family=default scan > /dev/null` },
  ], longRows);
  profile('long', dumpArgs, clean);
  clean();
}
