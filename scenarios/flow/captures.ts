// Captures: values taken from a response into the iteration's variables (json path, header, regex).
// Each is compiled once; running one allocates nothing beyond the captured value.

import type { CaptureSpec } from '../model.js';
import { compileJsonPath, type JsonPath } from './json-path.js';
import { NOT_JSON, type ResponseHandler } from '../http/response-handler.js';

export interface CompiledCapture {
  readonly name: string;
  /** Needs the response body kept. */
  readonly needsBody: boolean;
  /** On success stores the value in `vars` and returns null; otherwise returns the failure detail. */
  run(response: ResponseHandler, vars: Record<string, unknown>): string | null;
}

/** Why a response's JSON cannot be read: truncation or a parse failure. */
export function notJsonDetail(response: ResponseHandler): string {
  return response.truncated
    ? `body truncated at ${response.body().length} of ${response.bytesIn} bytes (maxBodyBytes), cannot read JSON`
    : 'body is not JSON';
}

class JsonCapture implements CompiledCapture {
  readonly needsBody = true;
  private readonly path: JsonPath;
  constructor(
    readonly name: string,
    path: string,
  ) {
    this.path = compileJsonPath(path);
  }
  run(response: ResponseHandler, vars: Record<string, unknown>): string | null {
    const doc = response.json();
    if (doc === NOT_JSON) return `capture ${this.name}: ${notJsonDetail(response)}`;
    const value = this.path.evaluate(doc);
    if (value === undefined) return `capture ${this.name}: ${this.path.source} not found`;
    vars[this.name] = value;
    return null;
  }
}

class HeaderCapture implements CompiledCapture {
  readonly needsBody = false;
  private readonly lower: string;
  constructor(
    readonly name: string,
    private readonly header: string,
  ) {
    this.lower = header.toLowerCase();
  }
  run(response: ResponseHandler, vars: Record<string, unknown>): string | null {
    const value = response.header(this.lower);
    if (value === undefined) return `capture ${this.name}: header ${this.header} missing`;
    vars[this.name] = value;
    return null;
  }
}

class RegexCapture implements CompiledCapture {
  readonly needsBody = true;
  private readonly re: RegExp;
  constructor(
    readonly name: string,
    pattern: string,
    private readonly group: number,
  ) {
    this.re = new RegExp(pattern);
  }
  run(response: ResponseHandler, vars: Record<string, unknown>): string | null {
    const m = this.re.exec(response.text());
    const value = m === null ? undefined : m[this.group];
    if (value === undefined) return `capture ${this.name}: /${this.re.source}/ did not match`;
    vars[this.name] = value;
    return null;
  }
}

/** Throws on an invalid JSON path or regular expression (compile time, never under load). */
export function compileCapture(name: string, spec: CaptureSpec): CompiledCapture {
  switch (spec.from) {
    case 'json':
      return new JsonCapture(name, spec.path);
    case 'header':
      return new HeaderCapture(name, spec.name);
    case 'regex':
      return new RegexCapture(name, spec.pattern, spec.group);
  }
}

export function compileCaptures(specs: Record<string, CaptureSpec>): CompiledCapture[] {
  return Object.entries(specs).map(([name, spec]) => compileCapture(name, spec));
}
