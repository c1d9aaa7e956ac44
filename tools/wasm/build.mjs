#!/usr/bin/env node
// Compiles a WebAssembly text file with wabt (a devDependency) and prints the module as base64:
//   node tools/wasm/build.mjs tools/wasm/csv-escape.wat
// The output is the CSV_ESCAPE_WASM constant of src/export/csv-escape-wasm.ts; a unit test
// (test/export/csv-escape.test.ts) checks that the constant is what the .wat compiles to.
import fs from 'node:fs';
import wabtInit from 'wabt';

const wabt = await wabtInit();
const mod = wabt.parseWat('module.wat', fs.readFileSync(process.argv[2], 'utf8'), { simd: true });
const { buffer } = mod.toBinary({});
console.log(Buffer.from(buffer).toString('base64'));
console.error(`${buffer.length} bytes`);
