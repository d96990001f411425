// Maps a transport error (from undici, node's net/dns, or our own timer) to an outcome class, and
// status codes to the class a response falls into. Never throws.

import type { Outcome } from '../outcome.js';

/** Raised (never thrown to callers) when our own per-request timer fires. */
export class RequestTimeoutError extends Error {
  readonly code = 'LOADTEST_TIMEOUT';
  constructor(readonly timeoutMs: number) {
    super(`timeout after ${timeoutMs} ms`);
    this.name = 'RequestTimeoutError';
  }
}

const BY_CODE: Record<string, Outcome> = {
  ECONNREFUSED: 'connect_refused',
  ECONNRESET: 'reset',
  EPIPE: 'reset',
  UND_ERR_SOCKET: 'reset',
  LOADTEST_TIMEOUT: 'timeout',
  ETIMEDOUT: 'timeout',
  UND_ERR_HEADERS_TIMEOUT: 'timeout',
  UND_ERR_BODY_TIMEOUT: 'timeout',
  UND_ERR_CONNECT_TIMEOUT: 'timeout',
  ENOTFOUND: 'dns',
  EAI_AGAIN: 'dns',
  EAI_NONAME: 'dns',
  EAI_NODATA: 'dns',
};

interface ErrorLike {
  code?: unknown;
  message?: unknown;
  cause?: unknown;
  errors?: unknown;
}

function classifyOne(err: unknown, depth: number): Outcome | undefined {
  if (err === null || typeof err !== 'object' || depth > 4) return undefined;
  const e = err as ErrorLike;
  if (typeof e.code === 'string') {
    const byCode = BY_CODE[e.code];
    if (byCode !== undefined) return byCode;
  }
  // Node's happy-eyeballs connect reports an AggregateError of per-address failures.
  if (Array.isArray(e.errors)) {
    for (const inner of e.errors) {
      const c = classifyOne(inner, depth + 1);
      if (c !== undefined) return c;
    }
  }
  if (e.cause !== undefined) {
    const c = classifyOne(e.cause, depth + 1);
    if (c !== undefined) return c;
  }
  if (typeof e.message === 'string' && e.message.includes('other side closed')) return 'reset';
  return undefined;
}

export function classifyError(err: unknown): Outcome {
  return classifyOne(err, 0) ?? 'other';
}

/** A short human message for a failure detail. */
export function describeError(err: unknown): string {
  if (err === null || typeof err !== 'object') return String(err);
  const e = err as ErrorLike;
  const hasMessage = typeof e.message === 'string' && e.message !== '';
  if (!hasMessage && Array.isArray(e.errors) && e.errors.length > 0) return describeError(e.errors[0]);
  const message = hasMessage ? (e.message as string) : String(err);
  const code = typeof e.code === 'string' ? e.code : undefined;
  const showCode = code !== undefined && !code.startsWith('LOADTEST_') && !message.includes(code);
  return showCode ? `${code}: ${message}` : message;
}

/** The class of a status code when it fails: >= 500 http_5xx, >= 400 http_4xx, otherwise check_failed. */
export function statusOutcome(status: number): Outcome {
  if (status >= 500) return 'http_5xx';
  if (status >= 400) return 'http_4xx';
  return 'check_failed';
}

/** With no status check, 2xx and 3xx pass. */
export function defaultStatusPasses(status: number): boolean {
  return status >= 200 && status < 400;
}
