import type { ChildProcess } from 'node:child_process';
import { BenchError } from './bench-error.js';
import { lastLines } from './format.js';
import { signal } from './processes.js';

// The tiny programs the collectors bench measures, run as `node -e <program> <args>` so nothing
// has to be built for them. Each prints "ready" once it is set up: start-up (module loading, the
// JIT warming) is the burst of CPU that must stay out of the window the bench compares.

/**
 * Busy for `argv[1]` µs of its own CPU time in every `argv[2]` ms of wall time, idle (blocked, not
 * polling) for the rest. CPU time, not wall time, decides when a busy phase ends: a burner preempted
 * in the middle of its phase still burns exactly its share. Atomics.wait blocks the thread without
 * the event loop, so nothing else runs in the process. stdout is a pipe, written synchronously on Linux.
 */
export const DUTY_CYCLE_BURNER = `
const busyUs = Number(process.argv[1]);
const periodMs = Number(process.argv[2]);
const cpuUs = () => { const u = process.cpuUsage(); return u.user + u.system; };
const pause = new Int32Array(new SharedArrayBuffer(4));
process.stdout.write('ready\\n');
let next = performance.now();
for (;;) {
  const from = cpuUs();
  while (cpuUs() - from < busyUs);
  next += periodMs;
  const idle = next - performance.now();
  if (idle > 0) Atomics.wait(pause, 0, 0, idle); else next = performance.now();
}`;

/** Spins on one core for ever: whatever a quota lets it have, it takes. */
export const SPINNER = `process.stdout.write('ready\\n'); for (;;);`;

/**
 * Holds `argv[1]` bytes, every page written (Buffer.alloc fills with 1s), until killed; with 0 it
 * is the allocator's baseline and the idle sampling target. The timer keeps it alive and keeps the
 * buffer reachable.
 */
export const HOLDER = `
const keep = Buffer.alloc(Number(process.argv[1]), 1);
process.stdout.write('ready\\n');
setInterval(() => keep.length, 1000);`;

/** argv running `program` with `args` under this node. */
export function nodeProgram(program: string, args: Array<string | number> = []): string[] {
  return [process.execPath, '-e', program, ...args.map(String)];
}

/** Resolves once the child printed "ready"; fails (and kills it, by PID) if it exits first or takes longer than `timeoutMs`. */
export function waitReady(child: ChildProcess, what: string, timeoutMs: number): Promise<void> {
  let stdout = '';
  let stderr = '';
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null, sig: NodeJS.Signals | null): void => fail(`exited (${sig ?? code}) before it was ready`);
    const fail = (why: string): void => {
      clearTimeout(timer);
      child.off('exit', onExit);
      if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) signal(child.pid, 'SIGKILL');
      reject(new BenchError(`${what} ${why}${stderr === '' ? '' : `: ${lastLines(stderr)}`}`));
    };
    const timer = setTimeout(() => fail(`was not ready after ${timeoutMs} ms`), timeoutMs);
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    child.stdout!.on('data', (c: Buffer) => {
      stdout += c.toString();
      if (!stdout.includes('ready\n')) return;
      clearTimeout(timer);
      child.off('exit', onExit);
      resolve();
    });
    child.once('exit', onExit);
  });
}
