// One keep-alive socket of the max-throughput client: keeps `pipelining` requests in flight, parses
// responses in place out of a reused read buffer, and reconnects after an error with a short backoff
// so a refusing or resetting target is measured rather than fatal.

import net from 'node:net';
import type { Outcome } from '../outcome.js';
import { classifyError, describeError, statusOutcome } from '../http/classify-error.js';
import { ResponseParser, type ResponseHandler } from './response-parser.js';
import type { RunState } from './run-state.js';

const READ_BUFFER_BYTES = 64 * 1024;
const BACKOFF_FIRST_MS = 10;
const BACKOFF_MAX_MS = 250;

export class Connection implements ResponseHandler {
  private socket: net.Socket | null = null;
  private readonly parser: ResponseParser;
  private readonly readBuffer = Buffer.allocUnsafe(READ_BUFFER_BYTES);
  /** Send times (performance.now()) of the requests in flight, oldest at `head`. */
  private readonly starts: Float64Array;
  private head = 0;
  private inFlight = 0;
  /** Requests left unanswered by a `connection: close` response, re-sent on the next socket. */
  private carried = 0;
  private now = 0;
  private backoffMs = BACKOFF_FIRST_MS;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private unsolicited = false;

  constructor(private readonly run: RunState) {
    this.parser = new ResponseParser(this, run.method !== 'HEAD');
    this.starts = new Float64Array(run.pipelining);
  }

  connect(): void {
    this.reconnectTimer = null;
    if (this.run.stopping) return;
    this.parser.reset();
    this.unsolicited = false;
    const socket = net.connect({
      host: this.run.host,
      port: this.run.port,
      noDelay: true,
      onread: {
        buffer: this.readBuffer,
        callback: (n: number, buf: Uint8Array): boolean => {
          if (this.socket === socket) this.onRead(n, buf as Buffer);
          return true;
        },
      },
    });
    let error: Error | null = null;
    socket.on('error', (err: Error) => {
      error = err;
    });
    socket.on('end', () => {
      if (this.socket === socket && !this.parser.finish() && this.inFlight > 0) {
        this.fail('reset', this.parser.error ?? 'connection closed');
      }
    });
    socket.on('close', () => {
      if (this.socket !== socket) return; // we closed it ourselves and already accounted for it
      this.socket = null;
      if (error !== null) {
        this.fail(classifyError(error), describeError(error));
      } else if (this.parser.closed) {
        // the last response was delimited by the close: a clean end, as with `connection: close`
        this.carryAndReconnect();
      } else if (this.inFlight > 0) {
        this.fail('reset', 'connection closed by the server');
      } else if (this.carried > 0 || this.run.budget > 0) {
        this.scheduleReconnect(0);
      }
    });
    this.socket = socket;
    // Written before the connection is up: node queues it, and a refused connect fails these
    // requests as connect_refused — one failure per attempt, as any client would see.
    this.fill();
  }

  /** Writes requests until `pipelining` are in flight or the run's request budget is spent. */
  private fill(): void {
    const run = this.run;
    const socket = this.socket;
    if (socket === null || run.stopping) return;
    const want = run.pipelining - this.inFlight;
    let n = 0;
    while (n < want) {
      if (this.carried > 0) {
        this.carried--;
      } else if (run.budget > 0) {
        run.budget--;
        run.outstanding++;
        run.sink.iterationStarted(run.phase, 0);
      } else {
        break;
      }
      n++;
    }
    if (n === 0) return;
    const t = performance.now();
    const p = run.pipelining;
    let slot = this.head + this.inFlight;
    for (let i = 0; i < n; i++, slot++) this.starts[slot >= p ? slot - p : slot] = t;
    this.inFlight += n;
    socket.write(n === 1 ? run.request : run.requestTimes(n));
  }

  private onRead(n: number, buf: Buffer): void {
    this.now = performance.now();
    if (!this.parser.execute(n === buf.length ? buf : buf.subarray(0, n))) {
      this.fail('other', `malformed response: ${this.parser.error}`);
      return;
    }
    if (this.unsolicited) {
      this.fail('other', 'response received with no request in flight');
    } else if (this.parser.closed) {
      // `connection: close`: the server answers nothing more on this socket
      this.carryAndReconnect();
    } else {
      this.fill();
    }
  }

  onResponse(status: number, bytes: number, _keepAlive: boolean): boolean {
    if (this.inFlight === 0) {
      this.unsolicited = true;
      return false;
    }
    const run = this.run;
    const start = this.starts[this.head]!;
    if (++this.head === run.pipelining) this.head = 0;
    this.inFlight--;
    const us = Math.round((this.now - start) * 1000);
    const outcome = status < 400 ? 'ok' : statusOutcome(status);
    run.sink.request(run.phase, run.stepName, outcome, us, us, bytes, run.request.length);
    run.sink.iterationEnded(run.phase, us, outcome === 'ok' ? 'ok' : 'failed');
    run.completed(outcome, bytes);
    this.backoffMs = BACKOFF_FIRST_MS;
    return true;
  }

  /** Fails every request in flight with `outcome`, drops the socket and reconnects after a backoff. */
  fail(outcome: Outcome, detail: string): void {
    const run = this.run;
    const now = performance.now();
    const p = run.pipelining;
    while (this.inFlight > 0) {
      const us = Math.round((now - this.starts[this.head]!) * 1000);
      if (++this.head === p) this.head = 0;
      this.inFlight--;
      run.sink.request(run.phase, run.stepName, outcome, us, us, 0, run.request.length, detail);
      run.sink.iterationEnded(run.phase, us, 'failed');
      run.completed(outcome, 0);
    }
    this.head = 0;
    this.drop();
    this.scheduleReconnect(this.backoffMs);
    this.backoffMs = Math.min(this.backoffMs * 2, BACKOFF_MAX_MS);
  }

  /** Requests still in flight were never answered: send them again on a new socket. */
  private carryAndReconnect(): void {
    this.carried += this.inFlight;
    this.inFlight = 0;
    this.head = 0;
    this.drop();
    this.scheduleReconnect(0);
  }

  /** Send time of the oldest request in flight, or -1 if none. */
  oldestStart(): number {
    return this.inFlight > 0 ? this.starts[this.head]! : -1;
  }

  /** Ends the connection for good; in-flight and carried requests end as interrupted. */
  stop(): void {
    if (this.reconnectTimer !== null) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    const run = this.run;
    const now = performance.now();
    const p = run.pipelining;
    while (this.inFlight > 0) {
      const us = Math.round((now - this.starts[this.head]!) * 1000);
      if (++this.head === p) this.head = 0;
      this.inFlight--;
      run.sink.iterationEnded(run.phase, us, 'interrupted');
      run.outstanding--;
    }
    for (; this.carried > 0; this.carried--) {
      run.sink.iterationEnded(run.phase, 0, 'interrupted');
      run.outstanding--;
    }
    this.drop();
  }

  private drop(): void {
    const socket = this.socket;
    this.socket = null;
    socket?.destroy();
  }

  private scheduleReconnect(delayMs: number): void {
    if (this.run.stopping || this.reconnectTimer !== null) return;
    if (delayMs === 0) this.connect();
    else this.reconnectTimer = setTimeout(() => this.connect(), delayMs);
  }
}
