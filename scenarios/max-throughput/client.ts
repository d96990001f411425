// The max-throughput client: `connections` keep-alive sockets hammering one URL, closed loop, bounded
// by time and optionally by a request count. Every finished request goes to the MetricsSink.

import { OUTCOMES, type Outcome } from '../outcome.js';
import type { MetricsSink } from '../metrics-sink.js';
import { Connection } from './connection.js';
import { resolveOptions, type MaxThroughputOptions } from './options.js';
import { RunState } from './run-state.js';

export interface MaxThroughputResult {
  /** Requests that ended, with a response or an error. */
  requests: number;
  byOutcome: Record<Outcome, number>;
  bytesIn: number;
  bytesOut: number;
  elapsedMs: number;
  /** Why the run ended. */
  stoppedBy: 'duration' | 'max_requests' | 'signal';
}

export function runMaxThroughput(options: MaxThroughputOptions, sink: MetricsSink): Promise<MaxThroughputResult> {
  const o = resolveOptions(options);
  return new Promise((resolve) => {
    const started = performance.now();
    const connections: Connection[] = [];
    let durationTimer: NodeJS.Timeout | null = null;
    let timeoutTimer: NodeJS.Timeout | null = null;

    const stop = (stoppedBy: MaxThroughputResult['stoppedBy']): void => {
      if (state.stopping) return;
      state.stopping = true;
      // the request budget runs out inside a parser callback: finish on the next turn of the loop
      if (stoppedBy === 'max_requests') setImmediate(finish, stoppedBy);
      else finish(stoppedBy);
    };
    const finish = (stoppedBy: MaxThroughputResult['stoppedBy']): void => {
      if (durationTimer !== null) clearTimeout(durationTimer);
      if (timeoutTimer !== null) clearInterval(timeoutTimer);
      o.signal?.removeEventListener('abort', onAbort);
      for (const c of connections) c.stop();
      const byOutcome = {} as Record<Outcome, number>;
      OUTCOMES.forEach((name, i) => (byOutcome[name] = state.byOutcome[i]!));
      resolve({
        requests: state.requests,
        byOutcome,
        bytesIn: state.bytesIn,
        bytesOut: state.bytesOut,
        elapsedMs: performance.now() - started,
        stoppedBy,
      });
    };
    const onAbort = (): void => stop('signal');
    const state = new RunState(o, sink, () => stop('max_requests'));

    if (o.signal?.aborted) {
      stop('signal');
      return;
    }
    o.signal?.addEventListener('abort', onAbort);
    durationTimer = setTimeout(() => stop('duration'), o.durationMs);
    // One sweep for all timeouts instead of a timer per request.
    const sweepMs = Math.max(5, Math.min(250, o.timeoutMs / 10));
    timeoutTimer = setInterval(() => {
      const deadline = performance.now() - o.timeoutMs;
      for (const c of connections) {
        const oldest = c.oldestStart();
        if (oldest >= 0 && oldest <= deadline) c.fail('timeout', `no complete response within ${o.timeoutMs} ms`);
      }
    }, sweepMs);
    for (let i = 0; i < o.connections; i++) connections.push(new Connection(state));
    for (const c of connections) c.connect();
  });
}
