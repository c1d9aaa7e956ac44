/**
 * CLI side of several --data-dir (issue #6): resolving every directory (an unusable one is a
 * failed node, not a fatal error, as long as one node opens), opening the MultiSession, and the
 * text of the per-node inspect and the per-node dump summary.
 */
import { FormatError, UserError } from '../errors.js';
import type { MultiInspectReport, MultiSession, NodeFailure, NodeSpec, TableNodeReport } from '../export/multi-session.js';
import type { TableSummary } from '../export/dump.js';
import type { SessionOptions } from '../export/session-types.js';
import { assertNotRunning, resolveDataDir, type ResolvedDataDir } from './data-dir.js';

export interface MultiOpen {
  session: MultiSession;
  resolved: (ResolvedDataDir & { label: string })[];
  failures: NodeFailure[];
}

/** Most nodes a merged read takes (provenance is tracked per node). */
export const MAX_NODES = 31;

export async function openMulti(dirs: readonly string[], opts: SessionOptions & { includeOrphans: boolean }, procLocksPath: string | undefined): Promise<MultiOpen> {
  if (dirs.length > MAX_NODES) throw new UserError(`at most ${MAX_NODES} --data-dir at once (got ${dirs.length})`);
  const failures: NodeFailure[] = [];
  const resolved: (ResolvedDataDir & { label: string })[] = [];
  const seen = new Set<string>();
  dirs.forEach((d, i) => {
    const label = `node${i + 1}`;
    let r: ResolvedDataDir;
    try {
      r = resolveDataDir(d);
    } catch (e) {
      if (!(e instanceof UserError) && !(e instanceof FormatError)) throw e;
      failures.push({ label, dir: d, message: e.message });
      return;
    }
    if (seen.has(r.dbDir)) throw new UserError(`--data-dir ${d} is given twice (${r.dbDir})`);
    seen.add(r.dbDir);
    assertNotRunning(r.dbDir, procLocksPath); // a running TiKV is never read, whatever the other nodes
    resolved.push({ ...r, label });
  });
  const mod = await import('../export/multi-session.js');
  const specs: NodeSpec[] = resolved.map((r) => ({ label: r.label, dbDir: r.dbDir, dataDir: r.dataDir, titanDir: r.titanDir }));
  const session = mod.openMultiSession(specs, failures, opts);
  const read = new Set(session.nodeLabels());
  return { session, resolved: resolved.filter((r) => read.has(r.label)), failures: session.failures };
}

const range = (r: { start: string; end: string }): string => `[${r.start || '-inf'}, ${r.end || '+inf'})`;

/** What dropping a node mid-run may have cost (coverage lost). */
function lostText(f: NodeFailure): string {
  const d = f.dropped!;
  const ranges = d.coverageLost.length === 0 ? 'no range' : d.coverageLost.map(range).join(' ');
  return `coverage lost: it was authoritative for ${ranges} (raw keys); rows there that only it held are missing, and where only it held the newest version an older one from another node may have been exported`;
}

export function failuresText(failures: readonly NodeFailure[]): string {
  return failures
    .map((f) =>
      f.dropped === undefined
        ? `tikv-export: NODE NOT READ ${f.label} (${f.dir}): ${f.message}\n`
        : `tikv-export: NODE DROPPED ${f.label} (${f.dir}) while reading ${range(f.dropped.during)}: ${f.message}; ${lostText(f)}\n`,
    )
    .join('');
}

export function multiInspectText(r: MultiInspectReport, single: (rep: MultiInspectReport['nodes'][number]['report']) => string): string {
  const l: string[] = [];
  l.push(`nodes: ${r.nodes.length} read${r.failedNodes.length > 0 ? `, ${r.failedNodes.length} NOT READ` : ''}${r.includeOrphans ? ' (--include-orphans: data outside authoritative regions is used too)' : ''}`);
  for (const n of r.nodes) {
    l.push('');
    l.push(`== ${n.label} ==`);
    l.push(single(n.report).trimEnd());
    l.push(`regions of ${n.label} (id, state, range, epoch version/conf_ver, applied index):`);
    for (const g of n.regions) {
      l.push(`  ${g.id}\t${g.state}${g.holdsData ? '' : ' (no data here)'}\t${range(g)}\tv${g.version}/c${g.confVer}\tapplied ${g.appliedIndex ?? '?'}\tpeers ${g.peers}`);
    }
  }
  for (const f of r.failedNodes) {
    l.push('');
    l.push(`== ${f.label} NOT READ: ${f.dir} ==`);
    l.push(`  ${f.message}`);
  }
  l.push('');
  l.push('authoritative node per key range (raw keys):');
  for (const a of r.authority) l.push(`  ${range(a)}\t${a.node}\tregion ${a.regionId ?? '-'}`);
  l.push('holes (table key ranges no node covers with a Normal region):');
  const withHoles = r.tableHoles.filter((t) => t.holes.length > 0);
  if (withHoles.length === 0) l.push('  none');
  for (const t of withHoles) for (const h of t.holes) l.push(`  ${t.table}\t${range(h)}`);
  return `${l.join('\n')}\n`;
}

export function nodeReports(s: MultiSession, tables: readonly TableSummary[]): TableNodeReport[] {
  return tables.filter((t) => t.skipped === undefined).map((t) => s.tableReport(t.db, t.table, t.physicalIds));
}

export function nodeSummaryText(s: MultiSession, reports: readonly TableNodeReport[], resumed = false): string {
  const labels = s.nodeLabels();
  const head = ['table', ...labels, ...(s.includeOrphans ? ['orphan-only'] : []), 'holes'];
  const body = reports.map((r) => [
    `${r.db}.${r.table}`,
    ...labels.map((n) => String(r.rowsByNode[n] ?? 0)),
    ...(s.includeOrphans ? [String(r.orphanOnlyRows)] : []),
    r.holes.length === 0 ? '-' : r.holes.map(range).join(' '),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const fmt = (cells: string[]): string => cells.map((c, i) => (i === 0 || i === cells.length - 1 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
  const orphanTotal = reports.reduce((a, r) => a + r.orphanOnlyRows, 0);
  let tail = s.includeOrphans ? `rows that came only from orphaned data (outside authoritative regions): ${orphanTotal}\n` : '';
  if (resumed) tail += 'per-node counts cover only the chunks read in this run (chunks reused from the checkpoint are not counted)\n';
  const holed = reports.filter((r) => r.holes.length > 0).map((r) => `${r.db}.${r.table}`);
  if (holed.length > 0) tail += `tikv-export: HOLES in ${holed.join(', ')}: key ranges no node covers with a Normal region; rows stored there on the lost replicas are not in this dump\n`;
  return `rows per node:\n${[fmt(head), ...body.map(fmt)].join('\n')}\n${tail}`;
}

/** "key: value" lines for the dump's metadata file. */
export function multiMetaLines(m: MultiOpen): [string, string][] {
  const lines: [string, string][] = [
    ['Nodes', m.resolved.map((r) => `${r.label}=${r.dbDir}`).join(', ')],
    ['Include orphans', m.session.includeOrphans ? 'yes (data outside authoritative Normal regions was used)' : 'no'],
  ];
  const notRead = m.failures.filter((f) => f.dropped === undefined);
  if (notRead.length > 0) lines.push(['Nodes not read', notRead.map((f) => `${f.label}=${f.dir} (${f.message})`).join('; ')]);
  return lines;
}

/** Metadata lines known only after the dump: nodes dropped after a read error; any failed node makes the dump partial. */
export function multiLateMeta(m: MultiOpen): { lines: [string, string][]; partial: boolean } {
  const lines: [string, string][] = m.session.droppedFailures().map((f) => ['Node dropped', `${f.label}=${f.dir} (${f.message}); ${lostText(f)}`]);
  return { lines, partial: m.failures.length > 0 };
}
