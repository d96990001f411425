import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Pool } from 'undici';

const WARM_UP_REQUESTS = 200;
const WARM_UP_CONCURRENCY = 8;

/**
 * Exercises the HTTP stack against a private loopback server before the run's first phase, so
 * the one-time costs (compiling the HTTP parser, optimising the hot path) are not paid during the
 * first second of load, where they would show up as a stall of the generator. The target under
 * test receives nothing from this.
 */
export async function warmUpHttpStack(): Promise<void> {
  const server = createServer((req, res) => {
    req.resume();
    res.end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const pool = new Pool(`http://127.0.0.1:${port}`, { connections: WARM_UP_CONCURRENCY });
  try {
    const worker = async (): Promise<void> => {
      for (let i = 0; i < WARM_UP_REQUESTS / WARM_UP_CONCURRENCY; i++) {
        const response = await pool.request({ path: '/', method: 'GET' });
        await response.body.text();
      }
    };
    await Promise.all(Array.from({ length: WARM_UP_CONCURRENCY }, worker));
  } finally {
    await pool.destroy();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
