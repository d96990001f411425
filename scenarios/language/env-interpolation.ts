// `${env.NAME}` and `${env.NAME:-default}` in any string value, replaced when the scenario is loaded so
// one file can point at dev, staging or CI targets. Keys are never interpolated: they are structure.

import type { ValuePath } from './value-path.js';

export type Env = Record<string, string | undefined>;
export type EnvIssueSink = (path: ValuePath, message: string) => void;

const REFERENCE = /\$\{env\.([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;
const REFERENCE_START = '${env.';

export interface InterpolatedString {
  value: string;
  /** Problems found, e.g. a variable that is unset and has no default. */
  problems: string[];
}

/** Replaces every reference in one string. Like the shell, `:-default` applies when unset or empty. */
export function interpolateString(text: string, env: Env): InterpolatedString {
  if (!text.includes(REFERENCE_START)) return { value: text, problems: [] };
  const problems: string[] = [];
  const value = text.replace(REFERENCE, (_whole, name: string, fallback: string | undefined) => {
    const current = env[name];
    if (current !== undefined && (current !== '' || fallback === undefined)) return current;
    if (fallback !== undefined) return fallback;
    problems.push(`environment variable ${name} is not set (give a default with \${env.${name}:-value})`);
    return '';
  });
  // Whatever still starts like a reference after replacement was malformed, e.g. "${env.X" or "${env.}".
  if (value.includes(REFERENCE_START)) {
    problems.push(`malformed environment reference in ${JSON.stringify(text)}; write \${env.NAME} or \${env.NAME:-default}`);
  }
  return { value, problems };
}

/** Returns a copy of `value` with every string interpolated; problems go to `report` with their path. */
export function interpolateEnv(value: unknown, env: Env, report: EnvIssueSink, path: ValuePath = []): unknown {
  if (typeof value === 'string') {
    const result = interpolateString(value, env);
    for (const problem of result.problems) report(path, problem);
    return result.value;
  }
  if (Array.isArray(value)) return value.map((item, index) => interpolateEnv(item, env, report, [...path, index]));
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const copy: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) copy[key] = interpolateEnv(item, env, report, [...path, key]);
    return copy;
  }
  return value;
}
