// Shared by the scenario-loading tests: write real files into a fresh temp directory, load them, and
// read back issues as "line:column: path: message" so assertions show exactly what a user would see.

import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadScenario, type LoadScenarioOptions } from '../../scenarios/language/load-scenario.js';
import { ScenarioError, type ScenarioIssue } from '../../scenarios/language/scenario-error.js';

export const DATA_DIR = fileURLToPath(new URL('../../../test/data/scenarios/', import.meta.url));

/** Writes `files` (name → content) into a new temp directory and returns its path. */
export function tempDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'loadtest-scenario-'));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return dir;
}

export function showIssue(issue: ScenarioIssue): string {
  const at = issue.line === undefined ? '' : `${issue.line}:${issue.column}: `;
  return issue.path === '' ? `${at}${issue.message}` : `${at}${issue.path}: ${issue.message}`;
}

/** Loads `yaml` as scenario.yaml (with optional side files); returns the issues, failing if it loads. */
export async function issuesOf(
  yaml: string,
  options: LoadScenarioOptions & { files?: Record<string, string> } = {},
): Promise<string[]> {
  const dir = tempDir({ 'scenario.yaml': yaml, ...options.files });
  const error = await loadScenario(join(dir, 'scenario.yaml'), { env: {}, ...options }).then(
    () => assert.fail('expected the scenario to be rejected'),
    (thrown: unknown) => thrown,
  );
  assert.ok(error instanceof ScenarioError, `expected a ScenarioError, got ${String(error)}`);
  return error.issues.map(showIssue);
}

/** The smallest valid scenario, for tests that vary one part of it. */
export const MINIMAL = `name: min
target: http://127.0.0.1:8080
flows:
  - steps:
      - request: { url: / }
phases:
  - { executor: constant-vus, vus: 1, duration: 1s }
`;
