import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DataError } from '../../src/errors.js';
import { parseRowV1 } from '../../src/tidb/row-v1.js';
import { fromHex, label, vectorsMatching } from './support/codec-vectors.js';

describe('row v1', () => {
  const [v] = vectorsMatching(/^old row format for colIDs \[1,2,3,4\]/);
  it(label(v!), () => {
    const m = parseRowV1(fromHex(v!.hex));
    assert.deepEqual([...m], [
      [1, { kind: 'int', value: 1n }],
      [2, { kind: 'int', value: 2n }],
      [3, { kind: 'int', value: 3n }],
      [4, { kind: 'null' }],
    ]);
  });
  const [e] = vectorsMatching(/^empty old-format row is the single byte NilFlag/);
  it(label(e!), () => assert.equal(parseRowV1(fromHex(e!.hex)).size, 0));
  const bad: [string, string][] = [
    ['column id without a value', '0802'],
    ['column id that is not an integer datum', '0206616263080a'],
    ['duplicate column id', '0802080208020804'],
    ['truncated value datum', '0802038000'],
    ['negative column id', '08010802'],
  ];
  for (const [name, h] of bad) it(`rejects ${name}`, () => assert.throws(() => parseRowV1(fromHex(h)), DataError));
});
