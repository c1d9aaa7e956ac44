// Runs a test file again in a node test runner of its own with TIKV_EXPORT_WASM=0, so that the
// JavaScript paths the WebAssembly modules replace stay tested; asserts that it passed.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** `file`: relative to the repository root, e.g. 'test/export/csv-escape.test.ts'. */
export function assertPassesWithoutWasm(file: string): void {
  // NODE_TEST_CONTEXT would make the child report to our runner instead of printing its own totals
  const env: NodeJS.ProcessEnv = { ...process.env, TIKV_EXPORT_WASM: '0' };
  delete env.NODE_TEST_CONTEXT;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', file], { cwd: root, encoding: 'utf8', env });
  assert.equal(r.status, 0, r.stdout.slice(-3000));
  assert.match(r.stdout, /# pass [1-9]/);
  assert.match(r.stdout, /# fail 0/);
}
