import { readFileSync } from 'node:fs';

// The version recorded in every results stream, read from package.json so there is one source.
// Compiled code lives one folder deeper (dist/scenarios), hence the search up two levels.
function readVersion(): string {
  for (const relative of ['../package.json', '../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(relative, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'loadtest' && typeof pkg.version === 'string') return pkg.version;
    } catch {
      // try the next candidate
    }
  }
  return '0.0.0';
}

export const TOOL_NAME = 'loadtest';
export const TOOL_VERSION = readVersion();
