/** Every scenario and where its fixture lives (paths relative to the repo root). */
import type { Scenario } from '../scenario.js';
import { sampleScenario } from './sample.js';
import { mvccScenario } from './mvcc.js';
import { typesScenario } from './types.js';
import { regionsScenario } from './regions.js';

export interface ScenarioTarget {
  scenario: Scenario;
  /** Fixture directory (holds ops.txt, expected.json, expected/). */
  fixtureDir: string;
  /** RocksDB directory relative to fixtureDir (TiKV layout: <data-dir>/db). */
  dbSubdir: string;
  /** The TiKV data dir relative to fixtureDir (what `--data-dir` takes). */
  dataDirHint: string;
}

export const allScenarios: ScenarioTarget[] = [
  { scenario: sampleScenario, fixtureDir: 'fixtures/sample/node1', dbSubdir: 'db', dataDirHint: '.' },
  { scenario: mvccScenario, fixtureDir: 'fixtures/tidb/mvcc', dbSubdir: 'data/db', dataDirHint: 'data' },
  { scenario: typesScenario, fixtureDir: 'fixtures/tidb/types', dbSubdir: 'data/db', dataDirHint: 'data' },
  { scenario: regionsScenario, fixtureDir: 'fixtures/tidb/regions', dbSubdir: 'data/db', dataDirHint: 'data' },
];
