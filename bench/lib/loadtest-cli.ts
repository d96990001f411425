import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunSummary } from '../../reports/summary.js';
import { readResults, type Results } from '../../scenarios/results/results-reader.js';
import { RESULTS_FILE_NAME } from '../../scenarios/results/results-format.js';
import { BenchError } from './bench-error.js';
import { GENERATOR_CORE, pinned } from './cores.js';
import { lastLines } from './format.js';
import { CLI } from './paths.js';
import { collect, start } from './processes.js';

// `loadtest run` as users run it: the built CLI in its own process (pinned to the generator core),
// judged by the results stream and summary it leaves behind.

/** A scenario with one flow of one `GET /` step; `phase` is a YAML mapping such as `{ executor: constant-vus, vus: 8, duration: 2s }`. */
export function oneStepGetScenario(name: string, url: string, connections: number, phase: string): string {
  return (
    `name: ${name}\ntarget: ${url.replace(/\/$/, '')}\nhttp: { connections: ${connections} }\n` +
    `flows: [ { name: get, steps: [ { name: get, request: { url: / } } ] } ]\n` +
    `phases: [ ${phase} ]\n`
  );
}

export interface CompletedRun {
  summary: RunSummary;
  results: Results;
}

/** Runs `scenarioText` to completion in `dir`; a non-zero exit is a BenchError carrying the tool's last words. */
export async function runScenario(dir: string, label: string, scenarioText: string, expectedSeconds: number): Promise<CompletedRun> {
  const scenario = join(dir, `${label}.yaml`);
  const out = join(dir, label);
  const summaryFile = join(dir, `${label}-summary.json`);
  writeFileSync(scenario, scenarioText);
  const line = pinned(GENERATOR_CORE, process.execPath, [CLI, 'run', scenario, '--quiet', '--out', out, '--summary-json', summaryFile]);
  const finished = await collect(start(line.command, line.args), (expectedSeconds + 120) * 1000);
  if (finished.code !== 0) throw new BenchError(`loadtest run (${label}) exited ${finished.code}: ${lastLines(finished.stderr || finished.stdout)}`);
  return {
    summary: JSON.parse(readFileSync(summaryFile, 'utf8')) as RunSummary,
    results: readResults(join(out, RESULTS_FILE_NAME)),
  };
}
