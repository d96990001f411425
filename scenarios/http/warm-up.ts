import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { StepBuckets } from '../results/step-buckets.js';
import { HttpClient } from './http-client.js';
import { ResponseHandler } from './response-handler.js';

const WARM_UP_REQUESTS = 4000;
const WARM_UP_CONCURRENCY = 32;

/**
 * Runs the request path — the HTTP client, our response handler, histogram recording — against a
 * private loopback server before the run's first phase. Until V8 has optimised that path it runs
 * several times slower; paid during the first second of an open-model run, that slowness piles
 * up thousands of late iterations before the generator catches up. The target under test
 * receives nothing from this; it takes a few hundred milliseconds before the clock starts.
 */
export async function warmUpHttpStack(): Promise<void> {
  const server = createServer((req, res) => {
    req.resume();
    res.end('{"ok":true}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = new HttpClient({ connections: WARM_UP_CONCURRENCY, pipelining: 1, maxBodyBytes: 1024 });
  const scratch = new StepBuckets();
  const options = { origin, path: '/', method: 'GET' as const, headers: {} };
  try {
    const worker = async (): Promise<void> => {
      for (let i = 0; i < WARM_UP_REQUESTS / WARM_UP_CONCURRENCY; i++) {
        const handler = await new ResponseHandler(1024, 5000).send(client.pool(origin), options);
        scratch.record(0, 'warm-up', 'ok', handler.serviceMs * 1000, handler.serviceMs * 1000, handler.bytesIn, 0, undefined);
      }
    };
    await Promise.all(Array.from({ length: WARM_UP_CONCURRENCY }, worker));
  } finally {
    await client.destroy();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
