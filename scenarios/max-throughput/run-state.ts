// What the connections of one max-throughput run share: the request bytes, the request budget, the
// sink, and the tallies the result is built from.

import { OUTCOMES, type Outcome } from '../outcome.js';
import type { MetricsSink } from '../metrics-sink.js';
import type { ResolvedOptions } from './options.js';
import { repeatRequest, serializeRequest } from './request-bytes.js';

export class RunState {
  readonly host: string;
  readonly port: number;
  readonly method: string;
  readonly pipelining: number;
  readonly phase: number;
  readonly stepName: string;
  readonly request: Buffer;
  /** Requests that may still be started (Infinity without maxRequests). */
  budget: number;
  /** Requests started and not yet ended. */
  outstanding = 0;
  stopping = false;

  requests = 0;
  bytesIn = 0;
  bytesOut = 0;
  readonly byOutcome = new Float64Array(OUTCOMES.length);

  private readonly repeated: Buffer[] = [];

  constructor(
    o: ResolvedOptions,
    readonly sink: MetricsSink,
    private readonly onAllDone: () => void,
  ) {
    this.host = o.host;
    this.port = o.port;
    this.method = o.method;
    this.pipelining = o.pipelining;
    this.phase = o.phase;
    this.stepName = o.stepName;
    this.request = serializeRequest(o);
    this.budget = o.maxRequests;
  }

  /** The request repeated n times (cached), for pipelined writes. */
  requestTimes(n: number): Buffer {
    return (this.repeated[n] ??= repeatRequest(this.request, n));
  }

  /** A request ended with a response or an error. */
  completed(outcome: Outcome, bytesIn: number): void {
    this.requests++;
    this.bytesIn += bytesIn;
    this.bytesOut += this.request.length;
    this.byOutcome[outcome === 'ok' ? 0 : OUTCOMES.indexOf(outcome)]!++;
    if (--this.outstanding === 0 && this.budget === 0) this.onAllDone();
  }
}
