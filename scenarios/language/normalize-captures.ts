// Normalises a request step's captures: values taken from the response for later steps. Exactly one
// source per capture; regexes are compiled now so a typo fails at load time, not on the first response.

import type { CaptureSpec } from '../model.js';
import type { IssueCollector } from './issue-collector.js';
import { asRecord, integerOr, isRecord, jsonPathAt, regexAt } from './normalize-fields.js';
import type { ValuePath } from './value-path.js';

const CAPTURE_SOURCES = ['json', 'header', 'regex'] as const;

export function normalizeCaptures(raw: unknown, path: ValuePath, issues: IssueCollector): Record<string, CaptureSpec> {
  const captures: Record<string, CaptureSpec> = {};
  for (const [name, value] of Object.entries(asRecord(raw))) {
    if (!isRecord(value)) continue;
    const at = [...path, name];
    const sources = CAPTURE_SOURCES.filter((source) => source in value);
    if (sources.length !== 1) {
      if (sources.length > 1) issues.addUnlessReported(at, `use exactly one of "json", "header" or "regex", got ${sources.map((s) => `"${s}"`).join(' and ')}`);
      continue;
    }
    if ('group' in value && sources[0] !== 'regex') {
      issues.addUnlessReported([...at, 'group'], '"group" only applies to a "regex" capture', 'key');
    }
    if (typeof value.json === 'string') {
      jsonPathAt(issues, [...at, 'json'], value.json);
      captures[name] = { from: 'json', path: value.json };
    } else if (typeof value.header === 'string') {
      captures[name] = { from: 'header', name: value.header.toLowerCase() };
    } else if (typeof value.regex === 'string') {
      const group = integerOr(value.group, 1, 0);
      const groups = regexAt(issues, [...at, 'regex'], value.regex);
      if (groups !== undefined && group > groups) {
        const where = 'group' in value ? [...at, 'group'] : [...at, 'regex'];
        issues.addUnlessReported(where, `group ${group} does not exist: the regex has ${groups} capture group${groups === 1 ? '' : 's'}`);
      }
      captures[name] = { from: 'regex', pattern: value.regex, group };
    }
  }
  return captures;
}

