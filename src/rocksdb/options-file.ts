/**
 * OPTIONS-NNNNNN: the ini-style text RocksDB writes at every open
 * (facebook/rocksdb:options/options_parser.cc `PersistRocksDBOptions`):
 *
 *   [Version] ... [DBOptions] ...
 *   [CFOptions "<name>"]                     one section per live column family, in the
 *   [TableOptions/BlockBasedTable "<name>"]  order of DBImpl's column family set
 *
 * We read it only as a hint, for the CF names when the MANIFEST is unusable: the i-th
 * CFOptions section is the CF with the i-th smallest id among the live ones. It does not hold
 * the ids themselves, so callers must check the hint against ids known from elsewhere.
 */

/** Column family names in the order of their [CFOptions "..."] sections. */
export function parseOptionsCfNames(text: string): string[] {
  const names: string[] = [];
  for (const line of text.split('\n')) {
    const m = /^\s*\[CFOptions "((?:[^"\\]|\\.)*)"\]\s*$/.exec(line);
    if (m !== null) names.push(m[1]!.replace(/\\(.)/g, '$1'));
  }
  return names;
}
