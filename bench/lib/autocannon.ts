import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AUTOCANNON, ROOT } from './paths.js';

// autocannon, the peer every bench compares against: its command line and its own --json verdict.

export interface ToolCounts {
  rps: number;
  requests: number;
  errors: number;
}

export function autocannonVersion(): string {
  return (JSON.parse(readFileSync(join(ROOT, 'node_modules', 'autocannon', 'package.json'), 'utf8')) as { version: string }).version;
}

/** Arguments for `node`: autocannon with `flags` (e.g. -c 50 -d 10) against `url`, printing JSON. */
export function autocannonArgs(url: string, flags: string[]): string[] {
  return [AUTOCANNON, ...flags, '--json', url];
}

/** Requests/s, total and failures (errors, timeouts and non-2xx) from autocannon's --json output. */
export function readAutocannon(stdout: string): ToolCounts {
  const j = JSON.parse(stdout);
  return { rps: j.requests.average, requests: j.requests.total, errors: j.errors + j.timeouts + j.non2xx };
}
