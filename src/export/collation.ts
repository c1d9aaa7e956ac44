/**
 * How the export uses the cluster's new-collation setting (src/tidb/collation-setting.ts): the
 * row decoder options, the warning when it is unknown, and the metadata line.
 */
import type { Warning } from '../rocksdb/types.js';
import type { CollationSetting } from '../tidb/collation-setting.js';
import type { RowDecoderOptions } from '../tidb/row-decoder.js';

/** Unknown counts as on: a clustered string key column is then never printed from its sort key. */
export function decoderOptions(timeZone: string, c: CollationSetting | undefined): RowDecoderOptions {
  return c?.newCollation === false ? { timeZone, newCollation: false } : { timeZone };
}

export function collationUnknownWarning(why: string): Warning {
  return {
    code: 'new-collation-unknown',
    message:
      `could not tell whether the new collation framework was on (${why}); assuming on: a clustered string primary-key ` +
      'column missing from a row value is rejected rather than printed from its collation sort key. ' +
      'Use --new-collation off if this cluster ran without it (bootstrapped before TiDB 4.0, or new_collations_enabled_on_first_bootstrap = false)',
  };
}

export function collationMetadataLine(c: CollationSetting | undefined): [string, string] {
  if (c === undefined) return ['New collation', 'unknown'];
  const state = c.newCollation === undefined ? 'unknown (treated as on)' : c.newCollation ? 'on' : 'off';
  return ['New collation', `${state} (${c.source})`];
}
