/**
 * SQL quoting for the statements tikv-export writes (CREATE TABLE / CREATE DATABASE).
 *
 * Identifiers: pingcap/tidb:pkg/util/stringutil/string_util.go `Escape` — wrap in backquotes and
 * double every backquote inside (sql_mode without ANSI_QUOTES, which is what Dumpling uses).
 *
 * String literals: pingcap/tidb:pkg/parser/format/format.go `OutputFormat` replaces
 * NUL -> `\0`, `'` -> `''`, LF -> `\n`, CR -> `\r`, and leaves a backslash alone. A lone backslash
 * then changes meaning when the statement is loaded back with the default sql_mode (`'a\'` does
 * not even terminate), so we deliberately deviate and also double backslashes: the loaded value
 * equals the stored one. This is the only intended difference from TiDB's SHOW CREATE TABLE.
 */

/** `name` -> `` `name` `` with inner backquotes doubled. */
export function quoteIdent(name: string): string {
  return '`' + name.replaceAll('`', '``') + '`';
}

/** The body of a single-quoted SQL string literal (without the quotes). */
export function escapeStringBody(s: string): string {
  let out = '';
  for (const ch of s) {
    switch (ch) {
      case '\0':
        out += '\\0';
        break;
      case "'":
        out += "''";
        break;
      case '\n':
        out += '\\n';
        break;
      case '\r':
        out += '\\r';
        break;
      case '\\':
        out += '\\\\';
        break;
      default:
        out += ch;
    }
  }
  return out;
}

/** `'…'` with the body escaped by `escapeStringBody`. */
export function quoteString(s: string): string {
  return "'" + escapeStringBody(s) + "'";
}
