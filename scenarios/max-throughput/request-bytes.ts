// The request, serialised once. Every send writes the same bytes, so nothing is formatted on the
// hot path.

import type { ResolvedOptions } from './options.js';

export function serializeRequest(o: Pick<ResolvedOptions, 'url' | 'method' | 'headers' | 'body'>): Buffer {
  const lines = [`${o.method} ${o.url.pathname}${o.url.search} HTTP/1.1`];
  let hasHost = false;
  for (const [name, value] of Object.entries(o.headers)) {
    const lower = name.toLowerCase();
    if (lower === 'content-length' || lower === 'transfer-encoding') continue;
    if (lower === 'host') hasHost = true;
    lines.push(`${name}: ${value}`);
  }
  if (!hasHost) lines.splice(1, 0, `host: ${o.url.host}`);
  if (o.body !== null || o.method === 'POST' || o.method === 'PUT' || o.method === 'PATCH') {
    lines.push(`content-length: ${o.body?.length ?? 0}`);
  }
  const head = Buffer.from(lines.join('\r\n') + '\r\n\r\n', 'latin1');
  return o.body === null ? head : Buffer.concat([head, o.body]);
}

/** `request` repeated `n` times, for pipelined refills in one write. */
export function repeatRequest(request: Buffer, n: number): Buffer {
  const out = Buffer.allocUnsafe(request.length * n);
  for (let i = 0; i < n; i++) request.copy(out, i * request.length);
  return out;
}
