// File names: expected strings written by hand from Dumpling's filenameEscapeRegexp
// (`[\x00-\x1f%"*./:<>?\\|]|-(?i:schema)` -> "%%%02X" of the first byte + the rest).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join, resolve, dirname } from 'node:path';
import fc from 'fast-check';
import {
  dataFile,
  escapeName,
  rejectsFile,
  schemaCreateFile,
  tableSchemaFile,
  unescapeName,
} from '../../src/export/filenames.js';

test('Dumpling names for plain identifiers', () => {
  assert.equal(schemaCreateFile('shop'), 'shop-schema-create.sql');
  assert.equal(tableSchemaFile('shop', 'orders'), 'shop.orders-schema.sql');
  assert.equal(dataFile('shop', 'orders', 0), 'shop.orders.000000000.csv');
  assert.equal(dataFile('shop', 'orders', 12), 'shop.orders.000000012.csv');
  assert.equal(rejectsFile('shop', 'orders'), 'shop.orders.rejects.jsonl');
});

test('escaping table', () => {
  const cases: [string, string][] = [
    ['a.b', 'a%2Eb'],
    ['a/b', 'a%2Fb'],
    ['../../x', '%2E%2E%2F%2E%2E%2Fx'],
    ['%', '%25'],
    ['"*:<>?\\|', '%22%2A%3A%3C%3E%3F%5C%7C'],
    ['\x00\x1f\t', '%00%1F%09'],
    ['t-schema', 't%2Dschema'],
    ['t-SCHEMA-x', 't%2DSCHEMA-x'],
    ['t-sch', 't-sch'],
    ['ünïcødé 表', 'ünïcødé 表'],
    ['a b', 'a b'],
  ];
  for (const [input, want] of cases) assert.equal(escapeName(input), want, JSON.stringify(input));
});

test('no name escapes the output directory', () => {
  const out = resolve('/tmp/outdir');
  fc.assert(
    fc.property(fc.string({ unit: 'binary', maxLength: 20 }), fc.string({ maxLength: 20 }), (db, table) => {
      fc.pre(db.length > 0 && table.length > 0);
      for (const name of [schemaCreateFile(db), tableSchemaFile(db, table), dataFile(db, table, 3), rejectsFile(db, table)]) {
        assert.equal(dirname(join(out, name)), out, name);
        assert.ok(!name.includes('/'));
      }
    }),
    { numRuns: 500 },
  );
  assert.equal(dirname(join(out, dataFile('..', '..', 0))), out);
  assert.equal(dataFile('..', '..', 0), '%2E%2E.%2E%2E.000000000.csv');
});

test('escaping is reversible: unescape(escape(x)) = x', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary', maxLength: 30 }), (x) => {
      assert.equal(unescapeName(escapeName(x)), x);
    }),
    { numRuns: 1000 },
  );
  assert.equal(unescapeName(escapeName('%2E')), '%2E');
  assert.equal(unescapeName(escapeName('x-Schema')), 'x-Schema');
});

test('different (db, table) pairs never share a file name', () => {
  // "a.b"+"c" vs "a"+"b.c" would collide without escaping the dot
  assert.notEqual(dataFile('a.b', 'c', 0), dataFile('a', 'b.c', 0));
  assert.notEqual(tableSchemaFile('a-schema', 'x'), tableSchemaFile('a', 'schema.x'));
});

test('over-long names are refused with a clear error', () => {
  assert.throws(() => dataFile('d'.repeat(64), '.'.repeat(64), 0), /too long/);
});
