// The undici dispatch handler for one request: a legacy-style handler object that undici's core
// Request calls directly (no wrapping, no streams). It records the three instants the metrics need,
// keeps at most `keepBytes` of the body, enforces our own timeout, and settles exactly once.

import type { Dispatcher } from 'undici';
import { RequestTimeoutError } from './classify-error.js';

export const HandlerState = {
  Pending: 0,
  Complete: 1,
  Failed: 2,
  TimedOut: 3,
  Cancelled: 4,
} as const;
export type HandlerState = (typeof HandlerState)[keyof typeof HandlerState];

/** Thrown from onConnect when the request already ended while it sat in a queue; undici drops it. */
const ALREADY_ENDED = new Error('request ended before it reached a socket');
const CANCELLED = new Error('request cancelled');
/** Returned by json() when the body is not JSON (or was truncated). */
export const NOT_JSON: unique symbol = Symbol('not-json');

function onTimer(handler: ResponseHandler): void {
  handler.timeout();
}

export class ResponseHandler {
  /** performance.now() when dispatched, when written to a socket (0 if never), when it ended. */
  issuedAt = 0;
  sentAt = 0;
  endedAt = 0;
  state: HandlerState = HandlerState.Pending;
  statusCode = 0;
  rawHeaders: Buffer[] | null = null;
  /** All body bytes received, kept or not. */
  bytesIn = 0;
  /** More than keepBytes arrived; only the first keepBytes were kept. */
  truncated = false;
  error: unknown = undefined;

  private abortRequest: ((err?: Error) => void) | null = null;
  private timer: NodeJS.Timeout | undefined = undefined;
  private resolve: ((handler: ResponseHandler) => void) | null = null;
  private chunks: Buffer[] | null = null;
  private kept = 0;
  private bodyBuffer: Buffer | null = null;
  private bodyText: string | null = null;
  private parsed: unknown = undefined;
  private parsedDone = false;

  /** keepBytes: body bytes to keep for checks and captures; 0 keeps none (bytes are still counted). */
  constructor(
    private readonly keepBytes: number,
    private readonly timeoutMs: number,
  ) {}

  /** Dispatches and resolves (never rejects) with this handler once the request has ended. */
  send(dispatcher: Dispatcher, options: Dispatcher.DispatchOptions): Promise<ResponseHandler> {
    const done = new Promise<ResponseHandler>((resolve) => {
      this.resolve = resolve;
    });
    this.issuedAt = performance.now();
    if (this.timeoutMs > 0) this.timer = setTimeout(onTimer, this.timeoutMs, this);
    try {
      dispatcher.dispatch(options, this); // undici reports even synchronous errors through onError
    } catch (err) {
      this.onError(err as Error);
    }
    return done;
  }

  // ---- undici handler interface ----

  onConnect(abort: (err?: Error) => void): void {
    if (this.state !== HandlerState.Pending) throw ALREADY_ENDED;
    this.sentAt = performance.now();
    this.abortRequest = abort;
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[], _resume: () => void, _statusText: string): boolean {
    this.statusCode = statusCode;
    this.rawHeaders = rawHeaders;
    return true;
  }

  onData(chunk: Buffer): boolean {
    const len = chunk.length;
    this.bytesIn += len;
    const room = this.keepBytes - this.kept;
    if (room > 0) {
      const piece = len <= room ? chunk : chunk.subarray(0, room);
      if (this.chunks === null) this.chunks = [piece];
      else this.chunks.push(piece);
      this.kept += piece.length;
      if (len > room) this.truncated = true;
    } else if (this.keepBytes > 0 && len > 0) {
      this.truncated = true;
    }
    return true;
  }

  onComplete(_trailers: string[] | null): void {
    if (this.state !== HandlerState.Pending) return;
    this.state = HandlerState.Complete;
    this.finish();
  }

  onError(err: Error): void {
    if (this.state !== HandlerState.Pending) return; // we ended it ourselves (timeout, cancel)
    this.state = HandlerState.Failed;
    this.error = err;
    this.finish();
  }

  // ---- our own endings ----

  /** Our timer fired: end as a timeout now, whether the request was sent or still queued. */
  timeout(): void {
    if (this.state !== HandlerState.Pending) return;
    this.state = HandlerState.TimedOut;
    this.error = new RequestTimeoutError(this.timeoutMs);
    this.timer = undefined;
    this.finish();
  }

  /** Abort now (the iteration was interrupted); the outcome is not to be recorded. */
  cancel(): void {
    if (this.state !== HandlerState.Pending) return;
    this.state = HandlerState.Cancelled;
    this.finish();
  }

  private finish(): void {
    this.endedAt = performance.now();
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    const abort = this.abortRequest;
    if (abort !== null) {
      this.abortRequest = null;
      // Only when we end it early: undici calls our onError (ignored) and drops the socket.
      if (this.state === HandlerState.TimedOut || this.state === HandlerState.Cancelled) {
        try {
          abort(this.state === HandlerState.TimedOut ? (this.error as Error) : CANCELLED);
        } catch {
          // never let undici's teardown escape into the caller
        }
      }
    }
    const resolve = this.resolve;
    this.resolve = null;
    resolve?.(this);
  }

  // ---- reading the response (lazy, each computed at most once) ----

  /** Milliseconds from the actual send (or, if never sent, from dispatch) to the end. */
  get serviceMs(): number {
    return this.endedAt - (this.sentAt > 0 ? this.sentAt : this.issuedAt);
  }

  body(): Buffer {
    if (this.bodyBuffer === null) {
      const chunks = this.chunks;
      this.bodyBuffer =
        chunks === null ? Buffer.alloc(0) : chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, this.kept);
    }
    return this.bodyBuffer;
  }

  text(): string {
    if (this.bodyText === null) this.bodyText = this.body().toString('utf8');
    return this.bodyText;
  }

  /** The parsed JSON body, or NOT_JSON when it does not parse or was truncated. */
  json(): unknown {
    if (!this.parsedDone) {
      this.parsedDone = true;
      if (this.truncated) this.parsed = NOT_JSON;
      else {
        try {
          this.parsed = JSON.parse(this.text());
        } catch {
          this.parsed = NOT_JSON;
        }
      }
    }
    return this.parsed;
  }

  /** First value of a response header; `lowerName` must be lower case. */
  header(lowerName: string): string | undefined {
    const raw = this.rawHeaders;
    if (raw === null) return undefined;
    for (let i = 0; i + 1 < raw.length; i += 2) {
      const name = raw[i]!;
      if (name.length === lowerName.length && name.toString('latin1').toLowerCase() === lowerName) {
        return raw[i + 1]!.toString('latin1');
      }
    }
    return undefined;
  }
}
