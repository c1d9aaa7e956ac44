#!/usr/bin/env node
// Compiles a WebAssembly text file with wabt (a devDependency) and prints the module as base64:
//   node tools/wasm/build.mjs tools/wasm/row-csv.wat   -> ROW_CSV_WASM (src/export/row-csv-wasm.ts)
// Function and local names are kept (CPU profiles show them). A unit test (row-csv.test.ts)
// checks that the constant is what the .wat file compiles to.
import fs from 'node:fs';
import wabtInit from 'wabt';

const wabt = await wabtInit();
const mod = wabt.parseWat('module.wat', fs.readFileSync(process.argv[2], 'utf8'), { simd: true });
const { buffer } = mod.toBinary({ write_debug_names: true }); // names show in CPU profiles
console.log(Buffer.from(buffer).toString('base64'));
console.error(`${buffer.length} bytes`);
