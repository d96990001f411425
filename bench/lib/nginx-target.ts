import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePorts } from '../../fixtures/raft/cluster/free-ports.js';
import { BenchError } from './bench-error.js';
import { TARGET_CORE, pinned } from './cores.js';
import { childPids, isAlive, signal, sleep, start } from './processes.js';
import { requireNginx } from './prerequisites.js';

// A one-worker nginx on a free loopback port, with a config of its own in a temp dir: the fastest
// target there is, so a benchmark measures the generator, not the server.

export interface NginxOptions {
  /** `location` blocks: the key is what follows `location` (`/`, `= /login`), the value its directives. */
  locations?: Record<string, string>;
  /** The core to pin nginx to, or false to leave it unpinned (functional tests). */
  core?: string | false;
  /** Executable; located by `requireNginx` when not given. */
  nginx?: string;
  /** Directory for its config, pid file and logs; a temp dir removed on stop when not given. */
  dir?: string;
}

export interface NginxTarget {
  /** Base URL with a trailing slash, e.g. http://127.0.0.1:40111/ */
  url: string;
  port: number;
  masterPid: number;
  workerPid: number;
  /** SIGTERM, then SIGKILL after 5 s, by PID; safe to call twice. */
  stop(): Promise<void>;
}

export const HELLO_WORLD = { '/': 'return 200 "hello world\\n";' };

/** Directives answering every request with `body` as JSON (any method: `return` discards a request body). */
export function jsonLocation(body: unknown, status = 200): string {
  const text = JSON.stringify(body).replace(/\\/g, '\\\\').replace(/'/g, "\\'");
  return `default_type application/json; return ${status} '${text}';`;
}

export async function startNginx(options: NginxOptions = {}): Promise<NginxTarget> {
  const nginx = options.nginx ?? requireNginx();
  const ownDir = options.dir === undefined;
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'loadtest-nginx-'));
  const [port] = (await freePorts(1)) as [number];
  const conf = join(dir, 'nginx.conf');
  writeFileSync(conf, config(dir, port, options.locations ?? HELLO_WORLD));
  const core = options.core ?? TARGET_CORE;
  const argv = [nginx, '-c', conf, '-e', join(dir, 'error.log'), '-g', 'daemon off;'];
  const line = core === false ? { command: argv[0]!, args: argv.slice(1) } : pinned(core, argv[0]!, argv.slice(1));
  const child = start(line.command, line.args);
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  child.stdout!.resume();
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) break;
    if (await canConnect(port)) {
      const masterPid = child.pid!;
      const workerPid = await firstWorker(masterPid);
      return {
        url: `http://127.0.0.1:${port}/`,
        port,
        masterPid,
        workerPid,
        async stop() {
          if (child.exitCode === null) signal(masterPid, 'SIGTERM');
          await Promise.race([exited, sleep(5000)]);
          if (child.exitCode === null) signal(masterPid, 'SIGKILL');
          // A worker outliving a killed master would keep the port; it is ours, so stop it too.
          if (workerPid !== masterPid && isAlive(workerPid)) signal(workerPid, 'SIGKILL');
          if (ownDir) rmSync(dir, { recursive: true, force: true });
        },
      };
    }
    await sleep(50);
  }
  if (child.exitCode === null && child.pid !== undefined) signal(child.pid, 'SIGKILL');
  const log = existsSync(join(dir, 'error.log')) ? readFileSync(join(dir, 'error.log'), 'utf8') : '';
  if (ownDir) rmSync(dir, { recursive: true, force: true });
  throw new BenchError(`nginx did not start listening on 127.0.0.1:${port}:\n${stderr}${log}`);
}

/** The master listens before it forks its worker, so the worker may lag the first connect by a moment. */
async function firstWorker(masterPid: number): Promise<number> {
  for (let i = 0; i < 40; i++) {
    const worker = childPids(masterPid)[0];
    if (worker !== undefined) return worker;
    await sleep(25);
  }
  return masterPid;
}

function config(dir: string, port: number, locations: Record<string, string>): string {
  const blocks = Object.entries(locations).map(([where, directives]) => `    location ${where} { ${directives} }`);
  // Temp paths point into our dir so nginx never touches the system's own nginx directories; keep-alive is
  // effectively unlimited so no generator pays for reconnecting mid-run.
  return `# written by bench/lib/nginx-target.ts
worker_processes 1;
pid ${join(dir, 'nginx.pid')};
error_log ${join(dir, 'error.log')} warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${join(dir, 'client_body')};
  proxy_temp_path ${join(dir, 'proxy')};
  fastcgi_temp_path ${join(dir, 'fastcgi')};
  uwsgi_temp_path ${join(dir, 'uwsgi')};
  scgi_temp_path ${join(dir, 'scgi')};
  keepalive_requests 1000000000;
  keepalive_timeout 600s;
  server {
    listen 127.0.0.1:${port};
${blocks.join('\n')}
  }
}
`;
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
