// Memory over a long open-model run: does the generator's RSS stay flat once warmed up?
//
//   node dist/bench/memory.js [--minutes 5] [--rate 2000]
//
// nginx (core 0) serves five JSON endpoints; `loadtest run` (core 1) drives a five-step flow (a login
// POST whose token is captured, then four GETs with checks and a templated query) at --rate
// iterations/s for --minutes. RSS and heap come from the stream's per-second `generator` records.
// For reference, autocannon then runs at -R <rate> against one of the endpoints for as long, its RSS
// sampled from /proc once a second: it runs no flows, so it is a one-endpoint reference only.

import { parseFlags } from './lib/args.js';
import { autocannonArgs, autocannonVersion, readAutocannon, type ToolCounts } from './lib/autocannon.js';
import { BenchError } from './lib/bench-error.js';
import { GENERATOR_CORE, TARGET_CORE, pinned } from './lib/cores.js';
import { fmtInt, fmtMiB, fmtRatio, fmtSignedPercent, lastLines, table } from './lib/format.js';
import { runScenario } from './lib/loadtest-cli.js';
import { jsonLocation, startNginx } from './lib/nginx-target.js';
import { nginxVersion, requireAutocannon, requirePinnedNginxBench } from './lib/prerequisites.js';
import { residentBytes } from './lib/proc-stat.js';
import { collect, start } from './lib/processes.js';
import { runBench } from './lib/run-bench.js';
import { generatorMemory, type MemorySample } from './lib/stream-figures.js';

const CONNECTIONS = 64;
const WARMED_UP_S = 30;
const GROWTH_GOAL = 0.1;
const REFERENCE_PATH = 'products';

const ENDPOINTS = {
  '= /login': jsonLocation({ token: 't' }),
  '= /products': jsonLocation({ count: 3, items: [{ id: 1, name: 'tea' }, { id: 2, name: 'cup' }, { id: 3, name: 'pot' }] }),
  '= /product': jsonLocation({ id: 42, name: 'tea', price: 4.5, stock: 17 }),
  '= /cart': jsonLocation({ items: [], total: 0 }),
  '= /profile': jsonLocation({ user: 'u', plan: 'free' }),
};

function flowScenario(url: string, rate: number, minutes: number): string {
  return `name: memory
target: ${url.replace(/\/$/, '')}
http: { connections: ${CONNECTIONS} }
flows:
  - name: shop
    steps:
      - name: login
        request: { method: POST, url: /login, json: { user: "user-{{randomInt 1 1000}}", password: secret } }
        capture: { token: { json: $.token } }
        check: { status: 200 }
      - name: products
        request: { url: /products, headers: { authorization: "Bearer {{token}}" } }
        check: { status: 200, json: { $.count: 3, "$.items[0].name": tea } }
      - name: product
        request: { url: /product, query: { id: "{{randomInt 1 100}}" }, headers: { authorization: "Bearer {{token}}" } }
        check: { status: 200, json: { $.id: 42 } }
      - name: cart
        request: { url: /cart, headers: { authorization: "Bearer {{token}}" } }
        check: { json: { $.total: 0 } }
      - name: profile
        request: { url: /profile, headers: { authorization: "Bearer {{token}}" } }
        check: { status: 200 }
phases:
  - { name: steady, executor: constant-arrival-rate, rate: ${rate}, maxInFlight: 10000, duration: ${minutes}m }
`;
}

/** autocannon at a fixed request rate, its RSS read from /proc once a second while it runs. */
async function autocannonReference(url: string, rate: number, seconds: number): Promise<{ counts: ToolCounts; samples: MemorySample[] }> {
  const line = pinned(GENERATOR_CORE, process.execPath, autocannonArgs(url, ['-c', String(CONNECTIONS), '-R', String(rate), '-d', String(seconds)]));
  const child = start(line.command, line.args);
  const begun = performance.now();
  const samples: MemorySample[] = [];
  const sampler = setInterval(() => {
    const rss = residentBytes(child.pid!);
    // Its heap is not visible from outside the process: NaN, printed as '-'.
    if (rss !== undefined) samples.push({ atS: (performance.now() - begun) / 1000, rssBytes: rss, heapUsedBytes: NaN });
  }, 1000);
  const finished = await collect(child, (seconds + 120) * 1000).finally(() => clearInterval(sampler));
  if (finished.code !== 0) throw new BenchError(`autocannon exited ${finished.code}: ${lastLines(finished.stderr || finished.stdout)}`);
  return { counts: readAutocannon(finished.stdout), samples };
}

/** The first sample taken at or after `s`, else the last one. */
const at = (samples: MemorySample[], s: number): MemorySample | undefined => samples.find((x) => x.atS >= s) ?? samples[samples.length - 1];
const growth = (samples: MemorySample[], pick: (x: MemorySample) => number): number => {
  const from = at(samples, WARMED_UP_S);
  const to = samples[samples.length - 1];
  return from === undefined || to === undefined ? NaN : pick(to) / pick(from) - 1;
};

/** A ratio of two growths only means something when both grew; say which did not otherwise. */
function growthRatio(ours: number, peer: number): string {
  if (!(ours > 0)) return 'n/a (loadtest did not grow)';
  if (!(peer > 0.001)) return 'n/a (the reference did not grow)';
  return fmtRatio(ours / peer);
}

function memoryTable(minutes: number, ours: MemorySample[], peer: MemorySample[]): string {
  const mib = (x: MemorySample | undefined, pick: (x: MemorySample) => number): string => (x === undefined || Number.isNaN(pick(x)) ? '-' : fmtMiB(pick(x)));
  const rss = (x: MemorySample) => x.rssBytes;
  const heap = (x: MemorySample) => x.heapUsedBytes;
  const rows = [['at', 'loadtest RSS MiB', 'loadtest heapUsed MiB', 'autocannon RSS MiB']];
  const points = [WARMED_UP_S, ...Array.from({ length: minutes }, (_, i) => (i + 1) * 60)];
  for (const s of points) rows.push([s < 60 ? `${s} s` : `${s / 60} min`, mib(at(ours, s), rss), mib(at(ours, s), heap), mib(at(peer, s), rss)]);
  const maxOf = (samples: MemorySample[], pick: (x: MemorySample) => number): string =>
    samples.length === 0 ? '-' : fmtMiB(Math.max(...samples.map(pick)));
  rows.push(['max', maxOf(ours, rss), maxOf(ours, heap), maxOf(peer, rss)]);
  rows.push([`growth ${WARMED_UP_S} s → end`, fmtSignedPercent(growth(ours, rss)), fmtSignedPercent(growth(ours, heap)), fmtSignedPercent(growth(peer, rss))]);
  return table(rows);
}

runBench('memory', async (session) => {
  const { minutes, rate } = parseFlags(process.argv.slice(2), { minutes: 5, rate: 2000 }, {}, 'node dist/bench/memory.js [--minutes 5] [--rate 2000]');
  const nginx = requirePinnedNginxBench();
  requireAutocannon();
  const seconds = minutes * 60;
  const dir = session.workDir('loadtest-memory-');
  const target = await startNginx({ nginx, locations: ENDPOINTS });
  session.onCleanup(() => target.stop());
  process.stderr.write(`nginx on ${target.url} (pid ${target.masterPid}); loadtest run, ${fmtInt(rate)} iterations/s for ${minutes} min … `);
  const { summary, results } = await runScenario(dir, 'memory', flowScenario(target.url, rate, minutes), seconds);
  const ours = generatorMemory(results);
  process.stderr.write(`${fmtInt(summary.overall.requests)} requests\n`);
  if (session.interrupted) return;
  process.stderr.write(`autocannon -R ${rate} on /${REFERENCE_PATH} for ${minutes} min … `);
  const peer = await autocannonReference(`${target.url}${REFERENCE_PATH}`, rate, seconds);
  process.stderr.write(`${fmtInt(peer.counts.requests)} requests\n`);
  if (session.interrupted) return;

  const ourGrowth = growth(ours, (x) => x.rssBytes);
  const peerGrowth = growth(peer.samples, (x) => x.rssBytes);
  const o = summary.overall;
  process.stdout.write(
    [
      '',
      `memory: nginx ${nginxVersion(nginx)} (1 worker, core ${TARGET_CORE}) ← generator on core ${GENERATOR_CORE}; ${minutes} min each`,
      `  loadtest run: five-step flow (POST /login with a captured token, four GETs with checks), constant-arrival-rate ${fmtInt(rate)} iterations/s, ${CONNECTIONS} connections`,
      `  autocannon ${autocannonVersion()}: -c ${CONNECTIONS} -R ${rate} against GET /${REFERENCE_PATH} — a one-endpoint reference (it runs no flows: ${fmtInt(rate)} requests/s, not iterations/s)`,
      '',
      memoryTable(minutes, ours, peer.samples),
      '',
      `loadtest:   ${fmtInt(o.requests)} requests, ${fmtInt(o.errors)} errors, ${fmtInt(o.iterations.started)} iterations, ${fmtInt(o.dropped)} dropped`,
      `autocannon: ${fmtInt(peer.counts.requests)} requests, ${fmtInt(peer.counts.errors)} errors`,
      `RSS growth ${WARMED_UP_S} s → end: loadtest ${fmtSignedPercent(ourGrowth)} (goal within ±${GROWTH_GOAL * 100}%: ${Math.abs(ourGrowth) <= GROWTH_GOAL ? 'met' : 'NOT met'}), ` +
        `autocannon ${fmtSignedPercent(peerGrowth)}; ratio of growth (loadtest ÷ autocannon) ${growthRatio(ourGrowth, peerGrowth)}`,
      '',
    ].join('\n'),
  );
});
