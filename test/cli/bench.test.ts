import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readResults } from '../../scenarios/results/results-reader.js';
import { runCli, spawnCli } from '../helpers/cli.js';
import { startTestServer } from '../helpers/test-server.js';
import type { TestServer } from '../helpers/test-server.js';

let server: TestServer;
let dir: string;

before(async () => {
  server = await startTestServer();
  dir = mkdtempSync(join(tmpdir(), 'loadtest-bench-cli-'));
});
after(async () => {
  await server?.close();
});

describe('loadtest bench', () => {
  it('drives one endpoint and writes the same stream and summary as run', async () => {
    const out = join(dir, 'ok');
    const summaryFile = join(dir, 'ok.json');
    const result = await runCli(['bench', `${server.url}/ok`, '-c', '4', '--max-requests', '500', '-d', '20s', '--out', out, '--summary-json', summaryFile, '-q']);
    assert.equal(result.code, 0, result.stderr);
    const summary = JSON.parse(readFileSync(summaryFile, 'utf8'));
    assert.equal(summary.mode, 'bench');
    assert.equal(summary.overall.requests, 500);
    assert.equal(summary.overall.errors, 0);
    const report = await runCli(['report', join(out, 'results.ndjson'), '--json']);
    assert.equal(JSON.parse(report.stdout).overall.requests, 500);
  });

  it('rejects a bad URL or duration with exit 2 and writes nothing', async () => {
    for (const args of [['ftp://127.0.0.1/x'], ['not a url'], [`${server.url}/ok`, '-d', 'soon'], [`${server.url}/ok`, '-c', '0']]) {
      const out = join(dir, 'bad');
      const result = await runCli(['bench', ...args, '--out', out, '-q']);
      assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
      assert.ok(result.stderr.trim().length > 0, 'says why');
      assert.equal(existsSync(out), false);
    }
  });

  it('stops on Ctrl-C with a valid interrupted stream', async () => {
    const out = join(dir, 'interrupted');
    const { child, result } = spawnCli(['bench', `${server.url}/ok`, '-c', '2', '-d', '60s', '--out', out, '-q']);
    await new Promise((r) => setTimeout(r, 1500));
    child.kill('SIGINT');
    const outcome = await result;
    assert.equal(outcome.code, 3, outcome.stderr);
    const results = readResults(join(out, 'results.ndjson'));
    const end = results.records.at(-1)!;
    assert.equal(end.type === 'end' && end.status, 'interrupted');
  });
});
