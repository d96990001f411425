import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { oneStepGetScenario } from '../../bench/lib/loadtest-cli.js';
import { startNginx, type NginxTarget } from '../../bench/lib/nginx-target.js';
import { locateNginx } from '../../bench/lib/prerequisites.js';
import { isAlive } from '../../bench/lib/processes.js';
import type { RunSummary } from '../../reports/summary.js';
import { RESULTS_FILE_NAME } from '../../scenarios/results/results-format.js';
import { readResults } from '../../scenarios/results/results-reader.js';
import { runCli } from '../helpers/cli.js';

// The benches' target and both load modes against a real nginx: a functional check that the
// pieces fit (nothing here asserts speed). Skipped, visibly, where nginx is not installed.

const nginx = locateNginx();
const skip = nginx === undefined ? 'nginx not installed (apt-get install nginx-light)' : false;

describe('loadtest against the bench nginx', { skip }, () => {
  let target: NginxTarget | undefined;
  let dir: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'loadtest-e2e-nginx-'));
    // Unpinned: this checks behaviour, not speed, and CI machines may have one core.
    target = await startNginx({ nginx: nginx!, core: false });
  });
  after(async () => {
    // Also reached when an assertion above failed: nginx never outlives the suite.
    await target?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Exit 0, traffic without errors, and a stream closed by its `end` record. */
  function assertCleanRun(code: number | null, stderr: string, out: string, summaryFile: string): void {
    assert.equal(code, 0, stderr);
    const summary = JSON.parse(readFileSync(summaryFile, 'utf8')) as RunSummary;
    assert.ok(summary.overall.requests > 0, 'no requests were made');
    assert.equal(summary.overall.errors, 0, JSON.stringify(summary.topErrors));
    const { records } = readResults(join(out, RESULTS_FILE_NAME));
    assert.equal(records[records.length - 1]?.type, 'end');
  }

  it('loadtest bench drives nginx without errors', async () => {
    const out = join(dir, 'bench');
    const summary = join(dir, 'bench-summary.json');
    const { code, stderr } = await runCli(['bench', target!.url, '-c', '8', '-d', '2s', '--out', out, '--summary-json', summary, '-q']);
    assertCleanRun(code, stderr, out, summary);
  });

  it('loadtest run of a one-step GET flow drives nginx without errors', async () => {
    const scenario = join(dir, 'get.yaml');
    writeFileSync(scenario, oneStepGetScenario('e2e-get', target!.url, 8, '{ executor: constant-vus, vus: 8, duration: 2s }'));
    const out = join(dir, 'run');
    const summary = join(dir, 'run-summary.json');
    const { code, stderr } = await runCli(['run', scenario, '--out', out, '--summary-json', summary, '-q']);
    assertCleanRun(code, stderr, out, summary);
  });

  it('stops nginx, master and worker', async () => {
    const { masterPid, workerPid } = target!;
    await target!.stop();
    assert.equal(isAlive(masterPid), false, `nginx master ${masterPid} still running`);
    assert.equal(isAlive(workerPid), false, `nginx worker ${workerPid} still running`);
  });
});
