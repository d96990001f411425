import type { IntervalSnapshot } from '../scenarios/results/recorder.js';
import type { TerminalCaps } from './terminal.js';

const PLAIN_EVERY_S = 10;

/**
 * Live progress on stderr: on an interactive terminal one line rewritten every second; otherwise
 * (CI, a pipe, a log file) a plain line every 10 s so logs stay readable.
 */
export class ProgressDisplay {
  #lastPlainS = 0;
  #lineShown = false;

  constructor(
    private readonly caps: TerminalCaps,
    private readonly out: NodeJS.WritableStream = process.stderr,
  ) {}

  update(snapshot: IntervalSnapshot): void {
    const line = formatProgress(snapshot);
    if (this.caps.live) {
      this.out.write(`\r\u001b[2K${line}`);
      this.#lineShown = true;
    } else if (snapshot.elapsedS - this.#lastPlainS >= PLAIN_EVERY_S) {
      this.#lastPlainS = snapshot.elapsedS;
      this.out.write(line + '\n');
    }
  }

  message(text: string): void {
    this.finish();
    this.out.write(text + '\n');
  }

  /** Ends the live line so whatever is printed next starts on a clean line. */
  finish(): void {
    if (this.#lineShown) this.out.write('\n');
    this.#lineShown = false;
  }
}

export function formatProgress(s: IntervalSnapshot): string {
  const errorRate = s.totalRequests > 0 ? (100 * s.totalErrors) / s.totalRequests : 0;
  return (
    `[${formatElapsed(s.elapsedS)}]` +
    (s.phase !== undefined ? ` ${s.phase}` : '') +
    `  ${s.requestsPerSecond.toFixed(0)} req/s` +
    `  p99 ${s.p99Ms === undefined ? '-' : `${s.p99Ms.toFixed(1)} ms`}` +
    `  errors ${s.totalErrors} (${errorRate.toFixed(2)}%)` +
    `  in-flight ${s.inFlight}` +
    `  dropped ${s.totalDropped}` +
    `  total ${s.totalRequests}`
  );
}

function formatElapsed(seconds: number): string {
  const whole = Math.round(seconds);
  const m = Math.floor(whole / 60);
  const s = whole % 60;
  return m > 0 ? `${m}m${String(s).padStart(2, '0')}s` : `${s}s`;
}
