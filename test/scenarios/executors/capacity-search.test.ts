import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Ajv } from 'ajv';
import { SUMMARY_JSON_SCHEMA } from '../../../reports/outputs/summary-json-schema.js';
import { summaryDocument } from '../../../reports/outputs/summary-document.js';
import { renderTerminalSummary } from '../../../reports/render-terminal.js';
import { summarise } from '../../../reports/summary.js';
import { loadScenario } from '../../../scenarios/language/load-scenario.js';
import { readResults } from '../../../scenarios/results/results-reader.js';
import type { SearchLevelRecord, SearchResultRecord } from '../../../scenarios/results/results-format.js';
import { startRun } from '../../../scenarios/run-scenario.js';
import { startTestServer, type TestServer } from '../../helpers/test-server.js';

// A real search against a real process whose capacity is known: every request burns 4 ms of CPU on
// the server's one thread, so it completes at most 250 requests a second, fewer with its own HTTP
// overhead. Climbing 60, 120, 180, 240, 300/s with a p99 objective of 50 ms, the search must hold
// the low levels, fail once the offered rate passes what the server can do, and bisect in between.

describe('capacity-search against a server of known capacity', () => {
  let server: TestServer;
  let dir: string;
  before(async () => {
    server = await startTestServer({ cpuMs: 4 });
    dir = mkdtempSync(join(tmpdir(), 'loadtest-search-'));
  });
  after(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('holds the levels the server can serve, fails past its capacity, and records the knee between', async () => {
    const file = join(dir, 'search.yaml');
    writeFileSync(
      file,
      `name: search
target: ${server.url}
flows: [ { name: get, steps: [ { name: ok, request: { url: /ok } } ] } ]
phases:
  - { name: search, executor: capacity-search, from: 60, to: 300, step: 60, levelDuration: 3s, warmup: 1s, refine: 2, slo: { p99: 50ms, errors: 1% } }
`,
    );
    const scenario = await loadScenario(file);
    const result = await startRun(scenario, { outDir: dir }).done;
    assert.equal(result.status, 'completed', result.message);
    const records = readResults(result.resultsFile).records;
    const levels = records.filter((r): r is SearchLevelRecord => r.type === 'search-level');
    const outcome = records.find((r): r is SearchResultRecord => r.type === 'search-result');
    assert.ok(outcome !== undefined, 'a search-result record');
    const climb = levels.filter((l) => l.stage === 'climb');
    assert.equal(climb[0]!.rate, 60);
    assert.ok(climb[0]!.passed, `60/s must hold: ${climb[0]!.reason}`);
    assert.ok(climb[0]!.requests > 100, `judged ${climb[0]!.requests} requests at 60/s`);
    assert.ok(climb.some((l) => !l.passed), 'some level past 250/s fails');
    const firstFailure = climb.find((l) => !l.passed)!;
    assert.ok(firstFailure.rate > 120 && firstFailure.rate <= 300, `first failure at ${firstFailure.rate}/s: ${firstFailure.reason}`);
    // The knee lies below the server's ceiling and above the last climbing level that held.
    assert.ok(outcome.kneeRps !== null && outcome.kneeRps >= 120 && outcome.kneeRps < 250, `knee ${outcome.kneeRps}/s`);
    assert.equal(outcome.failedRps !== null && outcome.failedRps > outcome.kneeRps!, true);
    assert.ok(levels.some((l) => l.stage === 'refine'), 'bisection levels after the first failure');
    assert.equal(outcome.levels, levels.length);
    // Stopped at the first failing climb level: the ladder above it was never tried.
    assert.ok(!climb.some((l) => l.rate > firstFailure.rate));

    // The summary carries the search as judged, and the summary document stays valid against its schema.
    const summary = summarise(readResults(result.resultsFile));
    assert.equal(summary.capacitySearch?.length, 1);
    assert.deepEqual([summary.capacitySearch![0]!.kneeRps, summary.capacitySearch![0]!.finished], [outcome.kneeRps, true]);
    assert.equal(summary.capacitySearch![0]!.levels.length, levels.length);
    const validate = new Ajv({ strict: true, allErrors: true }).compile(SUMMARY_JSON_SCHEMA);
    assert.ok(validate(summaryDocument(summary, [])), JSON.stringify(validate.errors));
    assert.match(renderTerminalSummary(summary, [], { color: false }), /knee: [\d.]+\/s, first failure at [\d.]+\/s/);
  });
});
