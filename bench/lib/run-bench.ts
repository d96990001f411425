import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BenchError } from './bench-error.js';
import { stopAll } from './processes.js';

// The life cycle every bench shares: Ctrl-C stops nginx and whatever generator is running (by PID)
// and exits 130; a BenchError is the user's to fix (exit 2, message only), anything else a bug (exit 3).

export interface BenchSession {
  /** True once SIGINT or SIGTERM arrived: start nothing new and print nothing. */
  readonly interrupted: boolean;
  /** A fresh temp dir, removed when the bench ends. */
  workDir(prefix: string): string;
  /** Runs when the bench ends or is interrupted, after every child got SIGTERM; last registered first. */
  onCleanup(fn: () => void | Promise<void>): void;
}

export function runBench(name: string, body: (session: BenchSession) => Promise<void>): void {
  const cleanups: Array<() => void | Promise<void>> = [];
  let interrupted = false;
  const cleanup = async (): Promise<void> => {
    stopAll();
    // Taken off the list as they run, so a second call does nothing twice.
    for (let fn = cleanups.pop(); fn !== undefined; fn = cleanups.pop()) await fn();
  };
  const session: BenchSession = {
    get interrupted() {
      return interrupted;
    },
    workDir(prefix) {
      const dir = mkdtempSync(join(tmpdir(), prefix));
      cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
      return dir;
    },
    onCleanup(fn) {
      cleanups.push(fn);
    },
  };
  const onSignal = (): void => {
    if (interrupted) return;
    interrupted = true;
    process.stderr.write('\ninterrupted: stopping nginx and any running generator\n');
    void cleanup().finally(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  body(session)
    .finally(async () => {
      if (!interrupted) await cleanup();
    })
    .catch((error: unknown) => {
      stopAll();
      process.stderr.write(`${name}: ${error instanceof BenchError ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = error instanceof BenchError ? 2 : 3;
    });
}
