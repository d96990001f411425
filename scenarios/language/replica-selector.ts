// How a fault names the replicas it acts on: `kv` (every replica of target kv), `kv/2` (its second,
// counted from 1), `leader` / `follower` (a role in a raft target, resolved when the fault fires) or
// `kv/leader`. This file only reads the text; whether the target exists and has that many replicas is
// checked against `targets:` by normalize-faults.ts.

export type Role = 'leader' | 'follower';
export const ROLES: readonly Role[] = ['leader', 'follower'];

/** A selector as written: the target may be left to `of:` or to the scenario's only raft target. */
export type ParsedSelector =
  | { kind: 'all'; target: string }
  | { kind: 'replica'; target: string; index: number }
  | { kind: Role; target?: string };

export const SELECTOR_HINT = 'a replica selector such as kv (every replica), kv/2 (the second), leader, follower or kv/leader';

const SELECTOR = /^([a-z][a-z0-9-]*)(?:\/([^/]*))?$/;

/** Parses a selector; throws an Error naming the expected forms. */
export function parseReplicaSelector(text: string | number): ParsedSelector {
  const match = SELECTOR.exec(String(text).trim());
  if (!match) throw new Error(`expected ${SELECTOR_HINT}, got ${JSON.stringify(text)}`);
  const [, name = '', part] = match;
  if (part === undefined) return isRole(name) ? { kind: name } : { kind: 'all', target: name };
  if (isRole(part)) return { kind: part, target: name };
  if (!/^\d+$/.test(part)) throw new Error(`expected ${SELECTOR_HINT}, got ${JSON.stringify(text)}`);
  const index = Number(part);
  if (index < 1) throw new Error(`replicas are numbered from 1: ${name}/1 is the first, got ${JSON.stringify(text)}`);
  return { kind: 'replica', target: name, index };
}

export function isRole(text: string): text is Role {
  return (ROLES as readonly string[]).includes(text);
}
