import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { BenchError } from './bench-error.js';
import { AUTOCANNON, CLI } from './paths.js';

// Benches install nothing: each missing piece is reported with the command that provides it.

/** The nginx executable, or undefined when none is installed. */
export function locateNginx(): string | undefined {
  for (const candidate of ['nginx', '/usr/sbin/nginx']) {
    const probe = spawnSync(candidate, ['-v'], { encoding: 'utf8' });
    if (probe.error === undefined && probe.status === 0) return candidate;
  }
  return undefined;
}

export function requireNginx(): string {
  const nginx = locateNginx();
  if (nginx === undefined) throw new BenchError('nginx not found. On Debian: apt-get update && apt-get install -y nginx');
  return nginx;
}

export function nginxVersion(nginx: string): string {
  const probe = spawnSync(nginx, ['-v'], { encoding: 'utf8' });
  return /nginx\/(\S+)/.exec(probe.stderr)?.[1] ?? '?';
}

/** taskset and two cores: the target on one, the generator on the other. */
export function requirePinning(): void {
  if (spawnSync('taskset', ['-V']).error !== undefined) {
    throw new BenchError('taskset not found. It is part of util-linux: apt-get install -y util-linux');
  }
}

export function requireTwoCores(): void {
  if (availableParallelism() < 2) throw new BenchError('needs at least 2 CPU cores: nginx on core 0, the generators on core 1');
}

export function requireBuiltCli(): void {
  if (!existsSync(CLI)) throw new BenchError(`${CLI} is missing: build first (npx tsc -p tsconfig.json)`);
}

export function requireAutocannon(): void {
  if (!existsSync(AUTOCANNON)) throw new BenchError(`${AUTOCANNON} is missing: run npm install`);
}

/** Everything a pinned nginx-vs-`loadtest` bench needs; returns the nginx executable. */
export function requirePinnedNginxBench(): string {
  requirePinning();
  const nginx = requireNginx();
  requireTwoCores();
  requireBuiltCli();
  return nginx;
}
