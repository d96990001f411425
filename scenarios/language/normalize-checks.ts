// Normalises a request step's checks: the conditions a response must meet. Short forms (a single
// status, a single string) become lists; regexes and JSON paths are checked now, with their positions.

import type { CheckSpec } from '../model.js';
import type { IssueCollector } from './issue-collector.js';
import { asRecord, durationAt, isRecord, jsonPathAt, regexAt, type RawObject } from './normalize-fields.js';
import type { ValuePath } from './value-path.js';

export function normalizeCheck(raw: RawObject, path: ValuePath, issues: IssueCollector): CheckSpec {
  const check: CheckSpec = {};
  if (typeof raw.status === 'number') check.status = [raw.status];
  else if (Array.isArray(raw.status)) check.status = raw.status.filter((code): code is number => typeof code === 'number');
  const body = asRecord(raw.body);
  const contains = stringList(body.contains);
  if (contains) check.bodyContains = contains;
  const matches = stringList(body.matches);
  if (matches) {
    const listed = Array.isArray(body.matches);
    matches.forEach((pattern, index) => regexAt(issues, listed ? [...path, 'body', 'matches', index] : [...path, 'body', 'matches'], pattern));
    check.bodyMatches = matches;
  }
  if (isRecord(raw.json)) {
    check.json = Object.entries(raw.json).map(([jsonPath, equals]) => {
      jsonPathAt(issues, [...path, 'json', jsonPath], jsonPath, 'key');
      return { path: jsonPath, equals };
    });
  }
  const latency = durationAt(issues, [...path, 'latency'], raw.latency, true);
  if (latency !== undefined) check.maxLatencyMs = latency;
  return check;
}

function stringList(value: unknown): string[] | undefined {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.filter((item): item is string => typeof item === 'string');
  return undefined;
}

