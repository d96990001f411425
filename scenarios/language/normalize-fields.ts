// Small readers shared by the normalisers. Each reads one raw value, reports what is wrong with it at
// its path, and returns undefined so the caller falls back to a default and carries on collecting issues.
// Values the JSON schema has already rejected are not reported again (IssueCollector.addUnlessReported).

import { parseDuration } from './duration.js';
import type { IssueCollector } from './issue-collector.js';
import type { PositionTarget } from './source-positions.js';
import { templateSyntaxError } from './template-syntax.js';
import type { ValuePath } from './value-path.js';

export type RawObject = Record<string, unknown>;

export function isRecord(value: unknown): value is RawObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

export function asRecord(value: unknown): RawObject {
  return isRecord(value) ? value : {};
}

export function stringOr(value: unknown, fallback: string): string {
  return typeof value === 'string' ? value : fallback;
}

/** A whole number >= minimum, or the fallback when absent or invalid (the schema reports why). */
export function integerOr(value: unknown, fallback: number, minimum = 1): number {
  return typeof value === 'number' && Number.isInteger(value) && value >= minimum ? value : fallback;
}

/** Runs `parse` on a present value; a thrown message becomes an issue at `path`. */
export function parseAt<T>(
  issues: IssueCollector,
  path: ValuePath,
  value: unknown,
  parse: (value: string | number) => T,
): T | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  try {
    return parse(value);
  } catch (error) {
    issues.addUnlessReported(path, error instanceof Error ? error.message : String(error));
    return undefined;
  }
}

/** A duration in ms; `positive` rejects 0 for things that are lengths of time (timeouts, phases). */
export function durationAt(issues: IssueCollector, path: ValuePath, value: unknown, positive: boolean): number | undefined {
  const ms = parseAt(issues, path, value, parseDuration);
  if (ms !== undefined && positive && ms <= 0) {
    issues.addUnlessReported(path, `must be longer than 0, got ${JSON.stringify(value)}`);
    return undefined;
  }
  return ms;
}

/** Header and query maps: values may be written unquoted in YAML, and are sent as text. */
export function textMapAt(issues: IssueCollector, path: ValuePath, value: unknown): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [key, item] of Object.entries(asRecord(value))) {
    if (typeof item !== 'string' && typeof item !== 'number' && typeof item !== 'boolean') continue;
    result[key] = String(item);
    if (typeof item === 'string') checkTemplateAt(issues, [...path, key], item);
  }
  return result;
}

export function checkTemplateAt(issues: IssueCollector, path: ValuePath, text: string): void {
  const problem = templateSyntaxError(text);
  if (problem) issues.addUnlessReported(path, problem);
}

/** Checks every string leaf of a JSON body, since each is rendered as a template. */
export function checkTemplatesIn(issues: IssueCollector, path: ValuePath, value: unknown): void {
  if (typeof value === 'string') checkTemplateAt(issues, path, value);
  else if (Array.isArray(value)) value.forEach((item, index) => checkTemplatesIn(issues, [...path, index], item));
  else if (isRecord(value)) for (const [key, item] of Object.entries(value)) checkTemplatesIn(issues, [...path, key], item);
}

/** Compiles a user regular expression; returns the number of capture groups, or undefined if invalid. */
export function regexAt(issues: IssueCollector, path: ValuePath, pattern: string): number | undefined {
  try {
    // Matching the empty alternative always succeeds, so the match length reveals the group count.
    return (new RegExp(`${pattern}|`).exec('')?.length ?? 1) - 1;
  } catch (error) {
    const reason = error instanceof Error ? error.message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, '') : String(error);
    issues.addUnlessReported(path, `invalid regular expression ${JSON.stringify(pattern)}: ${reason}`);
    return undefined;
  }
}

/** JSON paths are evaluated by the flow runner; here they only need to look like one. */
export function jsonPathAt(issues: IssueCollector, path: ValuePath, text: string, target: PositionTarget = 'value'): void {
  if (!text.startsWith('$')) {
    issues.addUnlessReported(path, `a JSON path starts with "$", e.g. "$.${text}"; got ${JSON.stringify(text)}`, target);
  }
}
