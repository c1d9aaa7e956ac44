// Two dump output directories hold the same files with the same bytes; in `metadata` the start,
// finish and resume lines (which differ from run to run) are left out of the comparison.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export function assertSameDump(a: string, b: string): void {
  const fa = readdirSync(a).sort();
  assert.deepEqual(fa, readdirSync(b).sort());
  const vol = /^(Started dump at|Finished dump at): .*$|^\tResumed: .*$/gm;
  for (const f of fa) {
    const x = readFileSync(join(a, f));
    const y = readFileSync(join(b, f));
    if (f === 'metadata') assert.equal(x.toString().replace(vol, ''), y.toString().replace(vol, ''));
    else assert.ok(x.equals(y), `${f} differs`);
  }
}
