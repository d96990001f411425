import { readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ToolCounts } from './autocannon.js';

// Artillery as a throughput peer. It has no closed loop of its own, so the closest it gets to one:
// all N virtual users arrive in the first second, and each loops GET / back to back for `seconds`
// from its first request.

/** Writes the config (and the processor that ends the loop) into `dir`; returns the config path. */
export function writeArtilleryConfig(dir: string, url: string, connections: number, seconds: number): string {
  writeFileSync(
    join(dir, 'artillery-processor.cjs'),
    `let deadline = 0;\nmodule.exports = {\n  keepGoing(context, next) {\n    const now = Date.now();\n` +
      `    if (deadline === 0) deadline = now + ${seconds * 1000};\n    return next(now < deadline);\n  },\n};\n`,
  );
  const config = join(dir, 'artillery.yml');
  writeFileSync(
    config,
    `config:\n  target: "${url.replace(/\/$/, '')}"\n  processor: "./artillery-processor.cjs"\n` +
      `  phases:\n    - duration: 1\n      arrivalCount: ${connections}\n` +
      `scenarios:\n  - flow:\n      - loop:\n          - get:\n              url: "/"\n        whileTrue: "keepGoing"\n`,
  );
  return config;
}

/** Artillery's own counts and timestamps: responses over the span they were measured in. */
export function readArtilleryReport(report: string): ToolCounts {
  const a = JSON.parse(readFileSync(report, 'utf8')).aggregate;
  const responses: number = a.counters['http.responses'] ?? 0;
  const spanS = (a.lastCounterAt - a.firstCounterAt) / 1000;
  let errors = a.counters['vusers.failed'] ?? 0;
  for (const [name, n] of Object.entries(a.counters as Record<string, number>)) {
    if (/^http\.codes\.[45]/.test(name)) errors += n;
  }
  return { rps: spanS > 0 ? responses / spanS : 0, requests: responses, errors };
}

export function artilleryVersion(bin: string): string {
  try {
    const pkg = join(dirname(realpathSync(bin)), '..', 'package.json');
    return (JSON.parse(readFileSync(pkg, 'utf8')) as { version: string }).version;
  } catch {
    return '';
  }
}
