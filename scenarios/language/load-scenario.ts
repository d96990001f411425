// Loads a scenario file into the normalised model. The stages run in order and all report into one
// IssueCollector, so a single ScenarioError lists every problem with its file:line:column:
//   read (YAML syntax / module import) → ${env.X} interpolation → JSON schema → normalisation.

import { dirname, isAbsolute, relative, resolve } from 'node:path';
import type { Scenario } from '../model.js';
import { interpolateEnv, type Env } from './env-interpolation.js';
import { IssueCollector } from './issue-collector.js';
import { normalizeScenario } from './normalize-scenario.js';
import { ScenarioError } from './scenario-error.js';
import { schemaIssues } from './schema-issues.js';
import { readScenarioSource } from './scenario-source.js';

export interface LoadScenarioOptions {
  /** From `--target`: replaces the file's target. */
  target?: string;
  /** Variables for ${env.X}; defaults to process.env. */
  env?: Env;
}

export async function loadScenario(file: string, options: LoadScenarioOptions = {}): Promise<Scenario> {
  const absolute = resolve(file);
  const shown = displayPath(absolute);
  const source = await readScenarioSource(absolute, shown);
  if (!source.ok) throw new ScenarioError(source.issues);

  const issues = new IssueCollector(shown, source.positions);
  const value = interpolateEnv(source.value, options.env ?? process.env, (path, message) => {
    // With --target given, the file's target is never used, so an unset ${env.TARGET} in it is no error.
    if (options.target !== undefined && path.length === 1 && path[0] === 'target') return;
    issues.add(path, message);
  });
  for (const issue of schemaIssues(value)) issues.add(issue.path, issue.message, issue.target);

  const normalizeOptions = { file: absolute, baseDir: dirname(absolute), ...(options.target !== undefined ? { targetOverride: options.target } : {}) };
  const scenario = normalizeScenario(value, normalizeOptions, issues);
  if (issues.count > 0) throw new ScenarioError(issues.issues);
  return scenario;
}

/** Paths under the working directory are shown relative to it (shorter, still clickable); others absolute. */
function displayPath(absolute: string): string {
  const fromCwd = relative(process.cwd(), absolute);
  return fromCwd !== '' && !fromCwd.startsWith('..') && !isAbsolute(fromCwd) ? fromCwd : absolute;
}
