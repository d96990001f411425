// Starts the test target (test-server-main.js) in a child process, so a stalled or hung server can
// never stall the test process itself. Always binds 127.0.0.1.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface TestServerOptions {
  /** Busy-wait the child's event loop for this long... */
  stallMs?: number;
  /** ...every this many milliseconds. */
  stallEveryMs?: number;
  /** Delay added (setTimeout) before every response. */
  delayMs?: number;
  /** CPU burnt (a busy loop on the one event loop) per request: capacity ≈ 1000 / cpuMs per second. */
  cpuMs?: number;
}

export interface TestServer {
  url: string;
  port: number;
  pid: number;
  close(): Promise<void>;
}

const MAIN = fileURLToPath(new URL('./test-server-main.js', import.meta.url));

export function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = fork(MAIN, [JSON.stringify(options)], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const pid = child.pid;
    let settled = false;
    const startTimer = setTimeout(() => fail(new Error('test server did not start within 10 s')), 10_000);

    function fail(err: Error): void {
      if (settled) return;
      settled = true;
      clearTimeout(startTimer);
      if (pid !== undefined && child.exitCode === null) process.kill(pid, 'SIGKILL');
      reject(err);
    }

    child.once('error', fail);
    child.once('exit', (code, signal) => fail(new Error(`test server exited early (${code ?? signal})`)));
    child.on('message', (msg: unknown) => {
      const m = msg as { type?: string; port?: number };
      if (settled || m.type !== 'listening' || typeof m.port !== 'number' || pid === undefined) return;
      settled = true;
      clearTimeout(startTimer);
      const port = m.port;
      const exited = new Promise<void>((res) => {
        if (child.exitCode !== null || child.signalCode !== null) res();
        else child.once('exit', () => res());
      });
      resolve({
        url: `http://127.0.0.1:${port}`,
        port,
        pid,
        async close() {
          if (child.exitCode === null && child.signalCode === null) {
            try {
              process.kill(pid, 'SIGKILL');
            } catch {
              // already gone
            }
          }
          await exited;
        },
      });
    });
  });
}
