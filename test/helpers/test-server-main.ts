// Child-process HTTP target for tests. Started by test-server.ts via fork(); reports its port over IPC.
// Options arrive as JSON in argv[2]: { stallMs?, stallEveryMs?, delayMs?, cpuMs? }.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { burnCpu } from '../../fixtures/shop/cpu-burn.js';

interface ServerOptions {
  stallMs?: number;
  stallEveryMs?: number;
  delayMs?: number;
  cpuMs?: number;
}

const options: ServerOptions = JSON.parse(process.argv[2] ?? '{}') as ServerOptions;
const delayMs = options.delayMs ?? 0;
let nextOrderId = 1;

function send(res: ServerResponse, status: number, body: string | Buffer, type = 'text/plain'): void {
  // A known CPU cost per request on one thread: the server's capacity is 1000 / cpuMs per second.
  if (options.cpuMs !== undefined) burnCpu(options.cpuMs);
  const write = (): void => {
    res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
    res.end(body);
  };
  if (delayMs > 0) setTimeout(write, delayMs);
  else write();
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  send(res, status, JSON.stringify(value), 'application/json');
}

function readBody(req: IncomingMessage, done: (body: string) => void): void {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => done(Buffer.concat(chunks).toString('utf8')));
}

function parseJson(text: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(text);
    return v !== null && typeof v === 'object' ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

const OK_BODY = 'ok\n';

function handle(req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const path = url.pathname;
  const method = req.method ?? 'GET';

  if (method === 'GET' && path === '/ok') return send(res, 200, OK_BODY);
  if (method === 'GET' && path === '/json') {
    return sendJson(res, 200, { status: 'ok', items: [{ id: 1 }, { id: 2 }] });
  }
  if (method === 'GET' && path === '/notjson') return send(res, 200, 'this is not json <html>');
  if (method === 'GET' && path === '/reset') {
    req.socket.destroy();
    return;
  }
  if (method === 'GET' && path === '/hang') return; // never answers
  if (method === 'GET' && path === '/big') {
    const n = Math.max(0, Math.min(Number(url.searchParams.get('bytes') ?? '0') || 0, 64 * 1024 * 1024));
    return send(res, 200, Buffer.alloc(n, 'x'));
  }
  if (method === 'GET' && path.startsWith('/status/')) {
    const code = Number(path.slice('/status/'.length));
    return send(res, code >= 100 && code <= 599 ? code : 400, `status ${code}`);
  }
  if (method === 'GET' && path.startsWith('/delay/')) {
    const ms = Math.max(0, Number(path.slice('/delay/'.length)) || 0);
    setTimeout(() => send(res, 200, `delayed ${ms}`), ms);
    return;
  }
  if (method === 'GET' && path.startsWith('/orders/')) {
    const id = Number(path.slice('/orders/'.length));
    if (!Number.isInteger(id)) return sendJson(res, 404, { error: 'not found' });
    return sendJson(res, 200, { id, status: 'created' });
  }
  if (method === 'POST' && path === '/login') {
    return readBody(req, (text) => {
      const body = parseJson(text);
      const user = body?.['user'];
      if (typeof user !== 'string' || user === '') return sendJson(res, 400, { error: 'user required' });
      res.setHeader('x-request-id', `req-${Date.now().toString(36)}-${Math.floor(Math.random() * 1e6)}`);
      sendJson(res, 200, { token: `tok-${user}` });
    });
  }
  if (method === 'POST' && path === '/orders') {
    return readBody(req, () => {
      const auth = req.headers.authorization ?? '';
      if (!auth.startsWith('Bearer tok-')) return sendJson(res, 401, { error: 'unauthorized' });
      sendJson(res, 201, { id: nextOrderId++ });
    });
  }
  if (method === 'POST' && path === '/echo') {
    return readBody(req, (text) => {
      sendJson(res, 200, {
        method,
        headers: req.headers,
        query: Object.fromEntries(url.searchParams),
        body: text,
      });
    });
  }
  send(res, 404, 'not found');
}

const server = createServer(handle);
server.keepAliveTimeout = 30_000;

if (options.stallMs !== undefined && options.stallMs > 0) {
  const every = options.stallEveryMs ?? 1000;
  const stallMs = options.stallMs;
  setInterval(() => {
    const until = Date.now() + stallMs;
    while (Date.now() < until) {
      // busy-wait: a real event-loop stall
    }
  }, every).unref();
}

server.listen(0, '127.0.0.1', () => {
  const addr = server.address();
  const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
  process.send?.({ type: 'listening', port });
});

// Exit when the parent goes away, so an orphaned server never lingers.
process.on('disconnect', () => process.exit(0));
