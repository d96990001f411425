// Checks on a response: status list, body substrings and regular expressions, JSON path equalities
// and a service-time bound. Compiled once per step; a passing response allocates nothing.

import { isDeepStrictEqual } from 'node:util';
import type { CheckSpec } from '../model.js';
import type { Outcome } from '../outcome.js';
import { defaultStatusPasses, statusOutcome } from '../http/classify-error.js';
import { compileJsonPath, type JsonPath } from './json-path.js';
import { NOT_JSON, type ResponseHandler } from '../http/response-handler.js';
import { notJsonDetail } from './captures.js';
import { isSecretName } from '../results/redact-secrets.js';

function preview(value: unknown): string {
  const text = value === undefined ? 'nothing' : (JSON.stringify(value) ?? String(value));
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

export class CompiledChecks {
  /** Needs the response body kept. */
  readonly needsBody: boolean;
  private readonly status: readonly number[] | null;
  private readonly contains: readonly string[];
  private readonly matches: readonly RegExp[];
  private readonly json: ReadonlyArray<{ path: JsonPath; equals: unknown }>;
  private readonly maxServiceMs: number;

  /** Throws on an invalid regular expression or JSON path. */
  constructor(spec: CheckSpec) {
    this.status = spec.status !== undefined && spec.status.length > 0 ? [...spec.status] : null;
    this.contains = spec.bodyContains ?? [];
    this.matches = (spec.bodyMatches ?? []).map((p) => new RegExp(p));
    this.json = (spec.json ?? []).map((c) => ({ path: compileJsonPath(c.path), equals: c.equals }));
    this.maxServiceMs = spec.maxLatencyMs ?? Infinity;
    this.needsBody = this.contains.length > 0 || this.matches.length > 0 || this.json.length > 0;
  }

  /** The outcome a status code gets: 'ok' when it passes. */
  statusOutcome(status: number): Outcome {
    if (this.status === null) return defaultStatusPasses(status) ? 'ok' : statusOutcome(status);
    return this.status.includes(status) ? 'ok' : statusOutcome(status);
  }

  statusDetail(status: number): string {
    if (this.status === null) return `status ${status}`;
    const expected = this.status.length === 1 ? `${this.status[0]}` : `one of ${this.status.join(', ')}`;
    return `expected status ${expected}, got ${status}`;
  }

  /** Every check after the status; null when all pass, otherwise the first failure's detail. */
  bodyFailure(response: ResponseHandler): string | null {
    if (response.serviceMs > this.maxServiceMs) {
      return `service time ${response.serviceMs.toFixed(1)} ms over maxLatencyMs ${this.maxServiceMs}`;
    }
    if (!this.needsBody) return null;
    for (const s of this.contains) {
      if (!response.text().includes(s)) return `body does not contain ${preview(s)}`;
    }
    for (const re of this.matches) {
      re.lastIndex = 0;
      if (!re.test(response.text())) return `body does not match /${re.source}/`;
    }
    if (this.json.length > 0) {
      const doc = response.json();
      if (doc === NOT_JSON) return notJsonDetail(response);
      for (const c of this.json) {
        const actual = c.path.evaluate(doc);
        if (!isDeepStrictEqual(actual, c.equals)) {
          if (isSecretName(c.path.source)) return `${c.path.source}: value differs from the expected one (not shown: secret)`;
          return `${c.path.source}: expected ${preview(c.equals)}, got ${preview(actual)}`;
        }
      }
    }
    return null;
  }
}
