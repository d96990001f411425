// One undici Pool per origin, keep-alive, sized from the scenario's http options. The flow runner
// dispatches through these pools with its own handler (response-handler.ts).

import { Pool, type Dispatcher } from 'undici';
import type { HttpOptions, Scenario } from '../model.js';

export class HttpClient {
  private readonly pools = new Map<string, Pool>();
  private state: 'open' | 'closing' | 'destroyed' = 'open';

  private readonly http: HttpOptions;

  /** Takes the scenario (its `http` options are used) or the http options themselves. */
  constructor(source: Scenario | HttpOptions) {
    this.http = 'http' in source ? source.http : source;
  }

  /**
   * The pool for an origin ("http://host:port"), created on first use. Throws only for an origin
   * undici cannot parse. After close()/destroy() it still returns a pool, one that fails every request.
   */
  pool(origin: string): Dispatcher {
    let pool = this.pools.get(origin);
    if (pool === undefined) {
      pool = new Pool(origin, {
        connections: Math.max(1, this.http.connections),
        pipelining: Math.max(1, this.http.pipelining),
        // The flow runner enforces its own per-request timeout; undici's would only add timers.
        headersTimeout: 0,
        bodyTimeout: 0,
      });
      this.pools.set(origin, pool);
      if (this.state === 'closing') void pool.close().catch(() => undefined);
      else if (this.state === 'destroyed') void pool.destroy().catch(() => undefined);
    }
    return pool;
  }

  get origins(): string[] {
    return [...this.pools.keys()];
  }

  /** Lets requests already queued finish, then closes every connection. */
  async close(): Promise<void> {
    if (this.state !== 'open') return;
    this.state = 'closing';
    await Promise.all([...this.pools.values()].map((p) => p.close().catch(() => undefined)));
  }

  /** Aborts everything in flight or queued now (each ends through its handler's onError). */
  async destroy(): Promise<void> {
    if (this.state === 'destroyed') return;
    this.state = 'destroyed';
    await Promise.all([...this.pools.values()].map((p) => p.destroy().catch(() => undefined)));
  }
}
