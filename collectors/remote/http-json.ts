// One GET that never throws, for the collectors that read a remote API (the Docker Engine over its
// unix socket, the Kubernetes API server over TLS, Prometheus over HTTP). A collector must turn every
// failure into an error string, so this hands back what happened — an answer with its status and
// body, or the reason no answer came — and leaves the wording to the caller, who knows what it asked.
import { request as httpRequest, type IncomingHttpHeaders, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';

export interface TlsSettings {
  ca?: Buffer | string;
  cert?: Buffer | string;
  key?: Buffer | string;
  /** false: accept any server certificate (kubeconfig's insecure-skip-tls-verify). */
  rejectUnauthorized?: boolean;
  /** The name to check the server certificate against, when it is not the URL's host. */
  servername?: string;
}

export interface GetRequest {
  /** For a unix socket only the path and query matter (the host is ignored). */
  url: URL;
  socketPath?: string;
  headers?: Record<string, string>;
  tls?: TlsSettings;
  /** Whole request, connect to last byte (default 10 s): a hung API must not stall the sampler. */
  timeoutMs?: number;
}

export type GetOutcome =
  | { kind: 'answer'; status: number; headers: IncomingHttpHeaders; text: string; /** undefined when the body is not JSON */ json: unknown }
  | { kind: 'failed'; /** errno code (ENOENT, ECONNREFUSED, CERT_HAS_EXPIRED...) or TIMEOUT / TOO_LARGE */ code: string; message: string };

/** Answers larger than this are refused rather than buffered (a runaway PodList, a wrong URL). */
const MAX_BODY_BYTES = 64 * 1024 * 1024;

export async function getJson(req: GetRequest): Promise<GetOutcome> {
  const outcome = await getOnce(req);
  // A kept-alive connection the server closed while idle fails as it is reused (node's documented
  // race): that request never reached the server, so it is sent once more on a new connection.
  return outcome.kind === 'failed' && outcome.code === 'ECONNRESET' && outcome.reusedSocket ? getOnce(req) : outcome;
}

function getOnce(req: GetRequest): Promise<GetOutcome & { reusedSocket?: boolean }> {
  return new Promise((resolve) => {
    const https = req.url.protocol === 'https:';
    const options: RequestOptions & TlsSettings = {
      method: 'GET',
      path: `${req.url.pathname}${req.url.search}`,
      headers: { accept: 'application/json', ...req.headers },
    };
    if (req.socketPath !== undefined) options.socketPath = req.socketPath;
    else {
      options.hostname = req.url.hostname.replace(/^\[|\]$/g, '');
      options.port = req.url.port === '' ? (https ? 443 : 80) : Number(req.url.port);
    }
    if (https && req.tls !== undefined) Object.assign(options, req.tls);
    let settled = false;
    const finish = (outcome: GetOutcome & { reusedSocket?: boolean }): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(outcome);
    };
    const client = (https ? httpsRequest : httpRequest)(options, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_BODY_BYTES) {
          finish({ kind: 'failed', code: 'TOO_LARGE', message: `answer larger than ${MAX_BODY_BYTES} bytes` });
          client.destroy();
          return;
        }
        chunks.push(chunk);
      });
      res.on('error', (error: NodeJS.ErrnoException) => finish({ kind: 'failed', code: error.code ?? 'ERROR', message: error.message }));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        finish({ kind: 'answer', status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
    });
    const timeoutMs = req.timeoutMs ?? 10_000;
    const timer = setTimeout(() => {
      finish({ kind: 'failed', code: 'TIMEOUT', message: `no complete answer within ${timeoutMs} ms` });
      client.destroy();
    }, timeoutMs);
    client.on('error', (error: NodeJS.ErrnoException) => finish({ kind: 'failed', code: error.code ?? 'ERROR', message: error.message, reusedSocket: client.reusedSocket }));
    client.end();
  });
}

/** The first line of an answer body, shortened: enough to say why, never a whole HTML page. */
export function bodySnippet(text: string, max = 200): string {
  const line = text.trim().split('\n')[0] ?? '';
  return line.length > max ? `${line.slice(0, max)}…` : line;
}
