import { performance } from 'node:perf_hooks';
import { BenchError } from './bench-error.js';
import { lastLines } from './format.js';
import { collect, start } from './processes.js';

// Timing whole processes for benches: wall seconds of one run, two measurements taken in turns, and
// the yardstick that any reader of results streams must beat: reading and parsing every line.

/** The least any reader of results streams does: read every file given and parse every line. */
export const PARSE_EVERY_LINE = `let n = 0;
for (const file of process.argv.slice(1)) {
  const text = require('node:fs').readFileSync(file, 'utf8');
  for (const line of text.split('\\n')) if (line !== '') { JSON.parse(line); n++; }
}
if (n === 0) process.exit(1);`;

/** Wall seconds from spawning `command` to its exit; a non-zero exit is a BenchError with its last words. */
export async function wallSeconds(command: string, args: string[], label: string): Promise<number> {
  const began = performance.now();
  const finished = await collect(start(command, args), 120_000);
  const seconds = (performance.now() - began) / 1000;
  if (finished.code !== 0) throw new BenchError(`${label} exited ${finished.code}: ${lastLines(finished.stderr || finished.stdout)}`);
  return seconds;
}

/**
 * One warm-up round, then `rounds` counted; each round runs both, taking turns at going first so
 * neither always gets the warmer (or noisier) half of the round.
 */
export async function alternate(a: () => Promise<number>, b: () => Promise<number>, rounds: number): Promise<[number[], number[]]> {
  const as: number[] = [];
  const bs: number[] = [];
  for (let round = 0; round <= rounds; round++) {
    let aValue: number;
    let bValue: number;
    if (round % 2 === 0) {
      aValue = await a();
      bValue = await b();
    } else {
      bValue = await b();
      aValue = await a();
    }
    if (round === 0) continue;
    as.push(aValue);
    bs.push(bValue);
  }
  return [as, bs];
}
