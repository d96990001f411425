import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../helpers/cli.js';
import { startTestServer } from '../helpers/test-server.js';
import type { TestServer } from '../helpers/test-server.js';

// `loadtest gate` (and the gates of `report` and `run`) as pipelines use them: real processes on a
// real stream, judged by exit code (0 pass, 1 a gate failed, 2 bad input, 3 the run did not
// complete) and by the files they write.

let server: TestServer;
let dir: string;
let scenarioFile: string;
let resultsFile: string;
let summaryFile: string;

const SCENARIO_GATES = ['p99<2000ms', 'errors<1%'];
/** No real request is that fast: a gate certain to fail. */
const IMPOSSIBLE = 'p50<0.001ms';

before(async () => {
  server = await startTestServer();
  dir = mkdtempSync(join(tmpdir(), 'loadtest-gate-'));
  scenarioFile = join(dir, 'gated.yaml');
  writeFileSync(
    scenarioFile,
    `name: gated\ntarget: ${server.url}\nflows: [ { name: f, steps: [ { name: get, request: { url: /ok } } ] } ]\n` +
      `phases: [ { executor: constant-arrival-rate, rate: 50, duration: 1s } ]\n` +
      `thresholds: [ ${SCENARIO_GATES.map((g) => JSON.stringify(g)).join(', ')} ]\n`,
  );
  const out = join(dir, 'out');
  summaryFile = join(dir, 'summary.json');
  const run = await runCli(['run', scenarioFile, '--out', out, '--summary-json', summaryFile, '--quiet']);
  assert.equal(run.code, 0, run.stderr + run.stdout);
  resultsFile = join(out, 'results.ndjson');
});
after(async () => {
  await server?.close();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

function escaped(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

describe('loadtest gate: exit codes', () => {
  it('exits 0 when the scenario\'s thresholds pass', async () => {
    const result = await runCli(['gate', resultsFile]);
    assert.equal(result.code, 0, result.stderr + result.stdout);
    for (const gate of SCENARIO_GATES) assert.match(result.stdout, new RegExp(`pass\\s+${escaped(gate)}`));
    assert.match(result.stdout, /verdict: PASS — all 2 gates passed/);
  });

  it('exits 1 when a --threshold fails, and the verdict table names it', async () => {
    const result = await runCli(['gate', resultsFile, '--threshold', IMPOSSIBLE]);
    assert.equal(result.code, 1, result.stderr + result.stdout);
    assert.match(result.stdout, new RegExp(`FAIL\\s+${escaped(IMPOSSIBLE)}\\s+\\S+ ms\\s+< 0\\.001 ms`));
    assert.match(result.stdout, /verdict: FAIL — 1 of 3 gates failed/);
  });

  it('exits 0 and says there are no gates with --no-scenario-thresholds and none given', async () => {
    const result = await runCli(['gate', resultsFile, '--no-scenario-thresholds']);
    assert.equal(result.code, 0, result.stderr + result.stdout);
    assert.match(result.stdout, /no gates: the stream has no thresholds and none were given/);
    assert.doesNotMatch(result.stdout, /p99<2000ms/);
  });

  it('exits 2 on a malformed --threshold, showing the column and a caret under it', async () => {
    const result = await runCli(['gate', resultsFile, '--threshold', 'p99<<5ms']);
    assert.equal(result.code, 2, result.stdout);
    assert.match(result.stderr, /column 4: two comparisons in a row/);
    assert.ok(result.stderr.includes('  p99<<5ms\n     ^'), result.stderr);
  });

  it('exits 1 with a regression gate when the baseline is much better', async () => {
    const better = JSON.parse(readFileSync(summaryFile, 'utf8'));
    for (const key of ['p50', 'p95', 'p99'] as const) better.overall.latency[key] /= 10;
    better.overall.rps *= 2;
    const baseline = join(dir, 'better.json');
    writeFileSync(baseline, JSON.stringify(better));
    const result = await runCli(['gate', resultsFile, '--baseline', baseline]);
    assert.equal(result.code, 1, result.stderr + result.stdout);
    assert.match(result.stdout, /FAIL\s+p99:\+10%/);
    assert.match(result.stdout, /FAIL\s+rps:-5%/);
    assert.match(result.stdout, /pass\s+errors:\+0\.5pp/);
    assert.match(result.stdout, /baseline \S+ ms, change \+\d+(\.\d+)?%/);
    // The run's own figures against themselves: no regression.
    const same = await runCli(['gate', resultsFile, '--baseline', summaryFile, '--max-regression', 'p99:+10%,rps:-5%']);
    assert.equal(same.code, 0, same.stderr + same.stdout);
  });

  it('exits 2 naming the file when the baseline is not a summary', async () => {
    const notSummary = join(dir, 'not-a-summary.json');
    writeFileSync(notSummary, JSON.stringify({ hello: 'world' }));
    const result = await runCli(['gate', resultsFile, '--baseline', notSummary]);
    assert.equal(result.code, 2, result.stdout);
    assert.match(result.stderr, new RegExp(`baseline ${escaped(notSummary)}: not a loadtest summary`));
    const stream = await runCli(['gate', resultsFile, '--baseline', resultsFile]);
    assert.equal(stream.code, 2, stream.stdout);
    assert.match(stream.stderr, new RegExp(`${escaped(resultsFile)}: not valid JSON`));
    const missing = await runCli(['gate', resultsFile, '--baseline', join(dir, 'nowhere.json')]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /cannot read the baseline .*nowhere\.json/);
  });

  it('exits 2 on --max-regression without --baseline, and on a malformed limit', async () => {
    const alone = await runCli(['gate', resultsFile, '--max-regression', 'p99:+10%']);
    assert.equal(alone.code, 2);
    assert.match(alone.stderr, /--max-regression needs --baseline/);
    const malformed = await runCli(['gate', resultsFile, '--baseline', summaryFile, '--max-regression', 'p99:10%']);
    assert.equal(malformed.code, 2);
    assert.match(malformed.stderr, /--max-regression: .*signed change.*\(column 5\)\n {2}p99:10%\n {6}\^/);
  });

  it('exits 3 on a stream that ends before its end record, also when a gate failed on its partial figures', async () => {
    const lines = readFileSync(resultsFile, 'utf8').trimEnd().split('\n');
    assert.equal(JSON.parse(lines.at(-1)!).type, 'end');
    const cut = join(dir, 'cut.ndjson');
    writeFileSync(cut, lines.slice(0, -1).join('\n') + '\n');
    const result = await runCli(['gate', cut]);
    assert.equal(result.code, 3, result.stderr + result.stdout);
    assert.match(result.stdout, /interrupted/);
    assert.match(result.stdout, /verdict: ERROR — the run did not complete/);
    const withoutGates = await runCli(['gate', cut, '--no-scenario-thresholds']);
    assert.equal(withoutGates.code, 3, withoutGates.stdout);
    assert.match(withoutGates.stdout, /verdict: ERROR/);
    const failing = await runCli(['gate', cut, '--threshold', IMPOSSIBLE]);
    assert.equal(failing.code, 3, failing.stdout);
    assert.match(failing.stdout, /FAIL/);
  });
});

describe('JUnit and Markdown from gate, report and run', () => {
  /** One testcase per gate plus "run completed"; the failing gate carries a failure element. */
  function checkJUnit(file: string, gates: readonly string[], failing: string): void {
    const xml = readFileSync(file, 'utf8');
    assert.match(xml, /^<\?xml version="1\.0" encoding="UTF-8"\?>/);
    const cases = [...xml.matchAll(/<testcase classname="([^"]*)" name="([^"]*)"/g)].map((m) => [m[1], m[2]]);
    assert.deepEqual(cases, [...gates.map((g) => ['loadtest.gates', g.replace(/</g, '&lt;')]), ['loadtest.run', 'run completed']]);
    const failures = [...xml.matchAll(/<testcase [^>]*name="([^"]*)"[^>]*>\s*<failure message="([^"]*)" type="threshold">/g)];
    assert.deepEqual(failures.map((m) => m[1]), [failing.replace(/</g, '&lt;')]);
    assert.match(failures[0]![2]!, /^actual \S+ ms, limit &lt; 0\.001 ms$/);
    assert.match(xml, new RegExp(`<testsuite [^>]*tests="${gates.length + 1}" failures="1"`));
  }

  function checkMarkdown(file: string, gateCount: number): void {
    const markdown = readFileSync(file, 'utf8');
    assert.match(markdown, new RegExp(`^## ❌ FAIL — loadtest gated \\(1 of ${gateCount} gates failed\\)`));
    assert.match(markdown, new RegExp(`\\| ❌ fail \\| ${escaped(IMPOSSIBLE.replace(/</g, '&lt;'))} \\| \\S+ ms \\| &lt; 0\\.001 ms \\|`));
  }

  it('gate writes them', async () => {
    const junit = join(dir, 'gate.xml');
    const markdown = join(dir, 'gate.md');
    const result = await runCli(['gate', resultsFile, '--threshold', IMPOSSIBLE, '--junit', junit, '--markdown', markdown]);
    assert.equal(result.code, 1, result.stderr);
    checkJUnit(junit, [...SCENARIO_GATES, IMPOSSIBLE], IMPOSSIBLE);
    checkMarkdown(markdown, 3);
  });

  it('report writes them and exits 0 although a gate failed', async () => {
    const junit = join(dir, 'report.xml');
    const markdown = join(dir, 'report.md');
    const html = join(dir, 'report.html');
    const result = await runCli(['report', resultsFile, '--threshold', IMPOSSIBLE, '--junit', junit, '--markdown', markdown, '--html', html]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /verdict: FAIL — 1 of 3 gates failed/);
    checkJUnit(junit, [...SCENARIO_GATES, IMPOSSIBLE], IMPOSSIBLE);
    checkMarkdown(markdown, 3);
    assert.match(readFileSync(html, 'utf8'), /^<!doctype html>/i);
  });

  it('run writes them, writes the HTML report to <out>/report.html by default, and exits 1', async () => {
    const out = join(dir, 'out-failing');
    const junit = join(dir, 'run.xml');
    const markdown = join(dir, 'run.md');
    const result = await runCli(['run', scenarioFile, '--out', out, '--quiet', '--threshold', IMPOSSIBLE, '--junit', junit, '--markdown', markdown, '--report']);
    assert.equal(result.code, 1, result.stderr + result.stdout);
    checkJUnit(junit, [...SCENARIO_GATES, IMPOSSIBLE], IMPOSSIBLE);
    checkMarkdown(markdown, 3);
    const html = join(out, 'report.html');
    assert.ok(existsSync(html), `${html} was not written`);
    assert.match(readFileSync(html, 'utf8'), /^<!doctype html>/i);
    // The command line's threshold went into the stream, so gate judges it again from there.
    const again = await runCli(['gate', join(out, 'results.ndjson')]);
    assert.equal(again.code, 1, again.stdout);
  });

  it('run writes --report to the file given', async () => {
    const out = join(dir, 'out-report-file');
    const html = join(dir, 'custom-report.html');
    const result = await runCli(['run', scenarioFile, '--out', out, '--quiet', '--report', html]);
    assert.equal(result.code, 0, result.stderr + result.stdout);
    assert.ok(existsSync(html));
    assert.equal(existsSync(join(out, 'report.html')), false);
  });
});
