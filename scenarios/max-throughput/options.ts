// Options of the raw max-throughput client, and their validation. Checked once, before any socket
// opens, so the run loop never has to guess.

export interface MaxThroughputOptions {
  /** Absolute http:// URL; the only endpoint the client hits. */
  url: string;
  method?: string;
  /** Extra request headers. `host` may be overridden; `content-length` is always computed. */
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Sockets kept open (default 10). */
  connections?: number;
  /** Requests in flight per socket (default 1: no pipelining). */
  pipelining?: number;
  /** The run stops after this long, whatever is in flight. */
  durationMs: number;
  /** The run stops once this many requests have completed (any outcome). */
  maxRequests?: number;
  /** A request without its full response after this long fails as `timeout` (default 10 s). */
  timeoutMs?: number;
  /** Step name reported to the sink (default "<METHOD> <path>"). */
  stepName?: string;
  /** Phase index reported to the sink (default 0). */
  phase?: number;
  /** Stops the run early (Ctrl-C); in-flight requests end as interrupted. */
  signal?: AbortSignal;
}

export interface ResolvedOptions {
  url: URL;
  host: string;
  port: number;
  method: string;
  headers: Record<string, string>;
  body: Buffer | null;
  connections: number;
  pipelining: number;
  durationMs: number;
  maxRequests: number;
  timeoutMs: number;
  stepName: string;
  phase: number;
  signal: AbortSignal | null;
}

export class MaxThroughputOptionError extends Error {
  readonly code = 'ERR_MAX_THROUGHPUT_OPTION';
  constructor(message: string) {
    super(message);
    this.name = 'MaxThroughputOptionError';
  }
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

function positiveInt(name: string, value: number | undefined, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw new MaxThroughputOptionError(`${name} must be an integer from 1 to ${max}, got ${value}`);
  }
  return value;
}

export function resolveOptions(o: MaxThroughputOptions): ResolvedOptions {
  let url: URL;
  try {
    url = new URL(o.url);
  } catch {
    throw new MaxThroughputOptionError(`not a valid URL: ${JSON.stringify(o.url)}`);
  }
  if (url.protocol !== 'http:') {
    throw new MaxThroughputOptionError(`only http:// URLs are supported, got ${url.protocol}//`);
  }
  if (url.username || url.password) {
    throw new MaxThroughputOptionError('credentials in the URL are not supported; pass an Authorization header');
  }
  const method = (o.method ?? 'GET').toUpperCase();
  if (!TOKEN.test(method)) throw new MaxThroughputOptionError(`not a valid HTTP method: ${JSON.stringify(o.method)}`);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(o.headers ?? {})) {
    if (!TOKEN.test(name)) throw new MaxThroughputOptionError(`not a valid header name: ${JSON.stringify(name)}`);
    if (/[\r\n\0]/.test(value)) throw new MaxThroughputOptionError(`header ${name} has a line break in its value`);
    headers[name] = value;
  }
  if (!Number.isFinite(o.durationMs) || o.durationMs <= 0) {
    throw new MaxThroughputOptionError(`durationMs must be a positive number, got ${o.durationMs}`);
  }
  const timeoutMs = o.timeoutMs ?? 10_000;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    throw new MaxThroughputOptionError(`timeoutMs must be a positive number, got ${o.timeoutMs}`);
  }
  const hostname = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  return {
    url,
    host: hostname,
    port: url.port ? Number(url.port) : 80,
    method,
    headers,
    body: o.body === undefined ? null : Buffer.isBuffer(o.body) ? o.body : Buffer.from(o.body),
    connections: positiveInt('connections', o.connections, 10, 100_000),
    pipelining: positiveInt('pipelining', o.pipelining, 1, 1024),
    durationMs: o.durationMs,
    maxRequests: o.maxRequests === undefined ? Infinity : positiveInt('maxRequests', o.maxRequests, 0, Number.MAX_SAFE_INTEGER),
    timeoutMs,
    stepName: o.stepName ?? `${method} ${url.pathname}`,
    phase: o.phase ?? 0,
    signal: o.signal ?? null,
  };
}
