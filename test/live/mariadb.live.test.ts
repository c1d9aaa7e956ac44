// Live consumer test: a real MariaDB loads what tikv-export wrote.
//
// Needs (provided by .ci/run via scripts/ci/mariadb.sh):
//   TIKV_EXPORT_MARIADB_SOCKET  unix socket of a throwaway MariaDB started with --local-infile=1,
//                               user root authenticated by unix_socket (run as OS root), no password
//   the `mariadb` command-line client on PATH.
// Without the env var every test here is reported as SKIPPED (never passed).
//
// For fixtures/tidb/types and fixtures/sample/node1 it: dumps every user database, creates the
// schema from the generated *-schema*.sql files (TiDB-only syntax sits in /*T! */ comments),
// loads every CSV with LOAD DATA LOCAL INFILE (Dumpling dialect: ESCAPED BY '\\', then again the
// rfc4180 dialect: doubled quotes, ESCAPED BY '', NULL as the word NULL), and compares row counts
// and every value (SELECT HEX(col)) with expected.json for the column types MariaDB shares with
// TiDB. Tables or columns MariaDB cannot represent are listed below with the reason; anything
// else that fails to load or differs fails the test.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { dataFile, tableSchemaFile, schemaCreateFile } from '../../src/export/filenames.js';
import { main } from '../../src/cli/main.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const socket = process.env.TIKV_EXPORT_MARIADB_SOCKET;
const skip = socket === undefined || socket === '' ? 'TIKV_EXPORT_MARIADB_SOCKET is not set (needs a MariaDB with local_infile; see .ci/run)' : false;

/** Tables MariaDB cannot create, with the reason (anything else must load). */
const NOT_SHARED_TABLES: Record<string, string> = {
  'types.vectors': 'TiDB VECTOR(FLOAT32) has no MariaDB 10.11 equivalent',
};
/** Databases MariaDB cannot create, with the reason. */
const NOT_SHARED_DBS: Record<string, string> = {
  // 60 CJK characters: valid in TiDB and MariaDB (limit 64), but MariaDB names the database
  // directory with @XXXX escapes, 5 bytes per character = 300 bytes > NAME_MAX (255).
  ['历史数据库'.repeat(12)]: 'MariaDB database directory name would exceed NAME_MAX',
};
/**
 * Column types whose text MariaDB prints differently from TiDB for the same stored value, so
 * only the row count covers them: FLOAT/DOUBLE (MariaDB rounds FLOAT to 6 significant digits
 * and prints DOUBLE exponents differently) and JSON (MariaDB JSON is LONGTEXT: same bytes, but
 * checked with JSON_EQUALS instead).
 */
const TEXT_DIFFERS = new Set(['float', 'double']);

type Cell = null | string | { hex: string };
interface Expected {
  dataDir: string;
  databases: { name: string; system: boolean; tables: { name: string; columns: string[]; rows: Cell[][] }[] }[];
}

function sql(args: string[], input?: string): string {
  const r = spawnSync('mariadb', ['--socket', socket!, '-uroot', '--local-infile=1', '-N', '-B', '--default-character-set=binary', ...args], {
    input,
    encoding: 'latin1',
    maxBuffer: 64 << 20,
  });
  if (r.error !== undefined) throw r.error;
  if (r.status !== 0) throw new Error(`mariadb ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}

const q = (id: string): string => `\`${id.replace(/`/g, '``')}\``;
const lit = (s: string): string => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

function expectedHex(c: Cell): string {
  if (c === null) return 'NULL';
  if (typeof c === 'string') return Buffer.from(c, 'utf8').toString('hex').toUpperCase();
  return c.hex.toUpperCase();
}

async function dump(dataDir: string, out: string, extra: string[]): Promise<void> {
  let err = '';
  const code = await main(['dump', '--data-dir', dataDir, '--all', '--out', out, '--log-level', 'warn', ...extra], {
    stdout: { write: () => true },
    stderr: { write: (s: string) => (err += s) },
  });
  assert.equal(code, 0, err);
}

interface Loaded {
  table: string;
  columns: string[];
  types: string[];
  /**
   * Cells MariaDB refuses although TiDB stored them, per column: bytes that are not UTF-8 in a
   * utf8mb4 column (warning 1366), or longer than the column's declared length, e.g. a
   * 66000-byte TEXT or 11 characters in a VARCHAR(10) (warning 1265; TiDB did not enforce it). Expected exactly that many times; the column is then not
   * value-compared. Also ENUM '' (TiDB's index 0 for an invalid value): MariaDB warns 1265 and
   * stores its own index-0 '' -- the same value, so that column stays compared.
   */
  refused: Map<string, { code: string; n: number }>;
  /** Columns excluded from the value comparison (refused cells). */
  masked: Set<string>;
}

const utf8Strict = new TextDecoder('utf-8', { fatal: true });
function isValidUtf8(hex: string): boolean {
  try {
    utf8Strict.decode(Buffer.from(hex, 'hex'));
    return true;
  } catch {
    return false;
  }
}

function createSchema(out: string, exp: Expected): Loaded[] {
  const loaded: Loaded[] = [];
  for (const db of exp.databases.filter((d) => !d.system && !(d.name in NOT_SHARED_DBS))) {
    sql(['-e', `DROP DATABASE IF EXISTS ${q(db.name)}`]);
    sql([], readFileSync(join(out, schemaCreateFile(db.name)), 'latin1'));
    for (const t of db.tables) {
      const label = `${db.name}.${t.name}`;
      try {
        sql([db.name], readFileSync(join(out, tableSchemaFile(db.name, t.name)), 'latin1'));
      } catch (e) {
        assert.ok(label in NOT_SHARED_TABLES, `${label}: MariaDB rejected the generated CREATE TABLE: ${(e as Error).message}`);
        continue;
      }
      assert.ok(!(label in NOT_SHARED_TABLES), `${label} is listed as not shared but MariaDB created it; update the list`);
      const info = t.columns.map((c) =>
        sql(['-e', `SELECT DATA_TYPE, IFNULL(CHARACTER_SET_NAME, ''), IFNULL(CHARACTER_OCTET_LENGTH, 0), IFNULL(CHARACTER_MAXIMUM_LENGTH, 0) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA=${lit(db.name)} AND TABLE_NAME=${lit(t.name)} AND COLUMN_NAME=${lit(c)}`]).trim().split('\t'),
      );
      const refused = new Map<string, { code: string; n: number }>();
      const masked = new Set<string>();
      t.columns.forEach((c, j) => {
        const [dataType, charset, octets, chars] = info[j]!;
        for (const r of t.rows) {
          const cell = r[j];
          if (cell === null || cell === undefined) continue;
          // longer than the declared length: characters for text, bytes for binary
          const tooLong =
            typeof cell === 'string'
              ? Number(chars) > 0 && ([...cell].length > Number(chars) || Buffer.byteLength(cell) > Number(octets))
              : Number(octets) > 0 && cell.hex.length / 2 > Number(octets);
          let code: string | undefined;
          if (typeof cell === 'object' && /^utf8/.test(charset ?? '') && !isValidUtf8(cell.hex)) code = '1366';
          else if (tooLong) code = '1265';
          else if (dataType === 'enum' && cell === '') code = '1265';
          if (code === undefined) continue;
          if (!(dataType === 'enum' && cell === '')) masked.add(c);
          const e = refused.get(c) ?? { code, n: 0 };
          e.n++;
          refused.set(c, e);
        }
      });
      loaded.push({ table: label, columns: t.columns, types: info.map((x) => x[0]!), refused, masked });
    }
  }
  return loaded;
}

function loadAndCompare(out: string, exp: Expected, loaded: Loaded[], fields: string): void {
  for (const db of exp.databases.filter((d) => !d.system && !(d.name in NOT_SHARED_DBS))) {
    for (const t of db.tables) {
      const label = `${db.name}.${t.name}`;
      const l = loaded.find((x) => x.table === label);
      if (l === undefined) continue;
      sql([db.name, '-e', `TRUNCATE TABLE ${q(t.name)}`]);
      const refused = new Map<string, { code: string; n: number }>();
      for (let i = 0; existsSync(join(out, dataFile(db.name, t.name, i))); i++) {
        const path = join(out, dataFile(db.name, t.name, i));
        sql([
          db.name,
          '-e',
          `SET time_zone='+00:00'; SET sql_mode='STRICT_ALL_TABLES,NO_ZERO_IN_DATE'; LOAD DATA LOCAL INFILE ${lit(path)} INTO TABLE ${q(t.name)} CHARACTER SET binary ${fields} IGNORE 1 LINES (${t.columns.map(q).join(',')}); SHOW WARNINGS`,
        ]).split('\n').filter((w) => w !== '').forEach((w) => {
          // MariaDB refuses bytes that are not UTF-8 in a utf8mb4 column (TiDB keeps them):
          // expected exactly once per such cell, for the columns found above; anything else fails
          const m =
            /^Warning\t(1366)\tIncorrect string value: .* for column `[^`]*`\.`[^`]*`\.`([^`]*)`/.exec(w) ??
            /^Warning\t(1265)\tData truncated for column '([^']*)'/.exec(w);
          if (m === null || l.refused.get(m[2]!)?.code !== m[1]) assert.fail(`${label}: LOAD DATA warning: ${w}`);
          const e = refused.get(m[2]!) ?? { code: m[1]!, n: 0 };
          e.n++;
          refused.set(m[2]!, e);
        });
      }
      assert.deepEqual(refused, l.refused, `${label}: cells MariaDB refused`);
      const count = Number(sql([db.name, '-e', `SELECT COUNT(*) FROM ${q(t.name)}`]).trim());
      assert.equal(count, t.rows.length, `${label}: row count in MariaDB`);
      const shared = t.columns.map((c, j) => !TEXT_DIFFERS.has(l.types[j]!) && !l.masked.has(c));
      const select = t.columns
        .map((c, j) => (shared[j] ? `IF(${q(c)} IS NULL, 'NULL', HEX(CONCAT(${q(c)})))` : `'-'`))
        .join(', ');
      const got = sql([db.name, '-e', `SET time_zone='+00:00'; SELECT ${select} FROM ${q(t.name)}`])
        .split('\n')
        .filter((x) => x !== '')
        .sort();
      const want = t.rows.map((r) => r.map((c, j) => (shared[j] ? expectedHex(c) : '-')).join('\t')).sort();
      assert.deepEqual(got, want, `${label}: values read back from MariaDB (columns ${t.columns.join(',')}; types ${l.types.join(',')})`);
    }
  }
}

for (const fx of ['fixtures/tidb/types', 'fixtures/sample/node1']) {
  test(`MariaDB loads the ${fx} dump (Dumpling and rfc4180 dialects) with every shared value intact`, { skip }, async () => {
    const exp = JSON.parse(readFileSync(join(root, fx, 'expected.json'), 'utf8')) as Expected;
    const dataDir = join(root, fx, exp.dataDir);
    const tmp = mkdtempSync(join(tmpdir(), 'tikv-export-mariadb-'));
    try {
      const out = join(tmp, 'dumpling');
      await dump(dataDir, out, []);
      const loaded = createSchema(out, exp);
      assert.ok(loaded.length > 0);
      loadAndCompare(out, exp, loaded, `FIELDS TERMINATED BY ',' ENCLOSED BY '"' ESCAPED BY '\\\\' LINES TERMINATED BY '\\r\\n'`);

      const out2 = join(tmp, 'rfc4180');
      await dump(dataDir, out2, ['--dialect', 'rfc4180', '--binary-format', 'raw', '--csv-null-value', 'NULL']);
      loadAndCompare(out2, exp, loaded, `FIELDS TERMINATED BY ',' ENCLOSED BY '"' ESCAPED BY '' LINES TERMINATED BY '\\r\\n'`);
      // and csv-parse reads every rfc4180 file with the header first
      for (const name of readdirSync(out2).filter((n) => n.endsWith('.csv'))) {
        const rows = parse(readFileSync(join(out2, name)).toString('latin1'), { record_delimiter: '\r\n' }) as string[][];
        assert.ok(rows.length >= 1, name);
      }
    } finally {
      for (const db of exp.databases.filter((d) => !d.system && !(d.name in NOT_SHARED_DBS))) sql(['-e', `DROP DATABASE IF EXISTS ${q(db.name)}`]);
      rmSync(tmp, { recursive: true, force: true });
    }
  });
}
