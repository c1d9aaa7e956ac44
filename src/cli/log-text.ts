/**
 * Log records for a person at a terminal. pino writes one JSON object per line; on a TTY each is
 * turned into one readable line, `tikv-export: warn: <message> (key=value, ...)`. Logs to a file
 * or a pipe stay JSON lines for machines.
 */

const LEVEL_NAMES: Record<number, string> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };
const MAX_EXTRA = 300;

function valueText(v: unknown): string {
  if (typeof v === 'string') return /[\s,=]/.test(v) ? JSON.stringify(v) : v;
  if (typeof v === 'number' || typeof v === 'boolean' || v === null) return String(v);
  return JSON.stringify(v);
}

/** One pino JSON line → one human line (with its newline). A line that is not JSON passes through. */
export function humanLogLine(line: string): string {
  let rec: Record<string, unknown>;
  try {
    rec = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line.endsWith('\n') ? line : `${line}\n`;
  }
  const level = typeof rec.level === 'number' ? (LEVEL_NAMES[rec.level] ?? String(rec.level)) : 'log';
  const msg = typeof rec.msg === 'string' ? rec.msg : '';
  const extras = Object.entries(rec)
    .filter(([k]) => k !== 'level' && k !== 'time' && k !== 'msg')
    .map(([k, v]) => `${k}=${valueText(v)}`)
    .join(', ');
  const tail = extras.length === 0 ? '' : ` (${extras.length > MAX_EXTRA ? `${extras.slice(0, MAX_EXTRA)}…` : extras})`;
  return `tikv-export: ${level}: ${msg}${tail}\n`;
}
