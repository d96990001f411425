// Linearizability checker throughput: a seeded, linearizable-by-construction history of 10,000
// operations over 100 keys from 10 concurrent clients (some timing out), checked once.
//
//   node dist/bench/linearizability.js [--seed 1] [--ops 10000] [--keys 100] [--clients 10]
//
// Target: well under 10 s. Needs only a built tree (`npx tsc -p tsconfig.json`).

import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { checkHistory } from '../fixtures/raft/linearizability/check.js';
import { generateHistory } from '../test/fixtures/raft/linearizability/random-history.js';

const { values } = parseArgs({
  options: {
    seed: { type: 'string', default: '1' },
    ops: { type: 'string', default: '10000' },
    keys: { type: 'string', default: '100' },
    clients: { type: 'string', default: '10' },
  },
});
const seed = Number(values.seed);
const operations = Number(values.ops);
const keys = Number(values.keys);
const clients = Number(values.clients);

const history = generateHistory({ seed, operations, keys, clients, timeoutRate: 0.02 });
const timedOut = history.filter((op) => op.ret === null).length;

const start = performance.now();
const result = checkHistory(history, { timeoutMs: 60_000 });
const ms = performance.now() - start;

console.log(`seed      ${seed}`);
console.log(`ops       ${history.length} (${timedOut} timed out)`);
console.log(`keys      ${result.keys}`);
console.log(`clients   ${clients}`);
console.log(`result    ${String(result.ok)}${result.failedKey === undefined ? '' : ` (failed key ${result.failedKey})`}`);
console.log(`time      ${ms.toFixed(1)} ms`);
console.log(`rate      ${Math.round(history.length / (ms / 1000)).toLocaleString('en-US')} ops checked/s`);
if (result.ok !== true) process.exitCode = 1;
