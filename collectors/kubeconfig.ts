// Where the Kubernetes API server is and how to prove who we are, found the way client-go finds
// it: an explicit kubeconfig file, else $KUBECONFIG, else ~/.kube/config, else the pod's own
// service account when running inside a cluster. Only what a GET needs is read from a kubeconfig:
// server, CA, client certificate and key, bearer token (inline or in a file), basic auth and
// insecure-skip-tls-verify. Credential plugins (exec, auth-provider) are named and refused, so the
// user knows to hand over a token instead of wondering why requests fail.
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, isAbsolute, join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { TlsSettings } from './remote/http-json.js';

export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

export class KubeconfigError extends Error {
  constructor(
    readonly code: 'KUBECONFIG_NOT_FOUND' | 'KUBECONFIG_INVALID' | 'KUBE_NO_CREDENTIALS' | 'KUBE_UNSUPPORTED_AUTH',
    message: string,
  ) {
    super(message);
    this.name = 'KubeconfigError';
  }
}

export interface KubeEndpoint {
  server: URL;
  tls: TlsSettings;
  /** Authorization header value for this request (a service account token is re-read: it rotates). */
  authorization(): string | null;
  /** Where this came from, for messages: "kubeconfig /home/me/.kube/config, context prod". */
  origin: string;
}

export interface KubeLocateOptions {
  kubeconfig?: string;
  context?: string;
  /** For tests; default process.env, os.homedir() and the service account directory. */
  env?: NodeJS.ProcessEnv;
  home?: string;
  serviceAccountDir?: string;
}

/** Finds the API server and credentials; throws KubeconfigError with the reason. */
export function locateKubeEndpoint(options: KubeLocateOptions = {}): KubeEndpoint {
  const env = options.env ?? process.env;
  if (options.kubeconfig !== undefined) {
    const path = resolve(options.kubeconfig);
    if (!existsSync(path)) throw new KubeconfigError('KUBECONFIG_NOT_FOUND', `kubeconfig ${path} does not exist`);
    return fromKubeconfig(path, options.context);
  }
  // $KUBECONFIG may list several files; the first that exists is read (no merging).
  const listed = (env['KUBECONFIG'] ?? '').split(delimiter).filter((p) => p !== '');
  const fromEnv = listed.find((p) => existsSync(p));
  if (fromEnv !== undefined) return fromKubeconfig(resolve(fromEnv), options.context);
  if (listed.length > 0) throw new KubeconfigError('KUBECONFIG_NOT_FOUND', `none of the files in $KUBECONFIG exists (${listed.join(', ')})`);
  const home = join(options.home ?? homedir(), '.kube', 'config');
  if (existsSync(home)) return fromKubeconfig(home, options.context);
  const host = env['KUBERNETES_SERVICE_HOST'];
  const port = env['KUBERNETES_SERVICE_PORT'];
  if (host !== undefined && host !== '' && port !== undefined && port !== '') return inCluster(host, port, options.serviceAccountDir ?? SERVICE_ACCOUNT_DIR);
  throw new KubeconfigError(
    'KUBE_NO_CREDENTIALS',
    `no Kubernetes credentials: no kubeconfig option, $KUBECONFIG unset, ${home} absent, and not inside a cluster (KUBERNETES_SERVICE_HOST unset)`,
  );
}

function inCluster(host: string, port: string, dir: string): KubeEndpoint {
  const tokenPath = join(dir, 'token');
  const caPath = join(dir, 'ca.crt');
  if (!existsSync(tokenPath)) throw new KubeconfigError('KUBE_NO_CREDENTIALS', `in a cluster (KUBERNETES_SERVICE_HOST=${host}) but ${tokenPath} does not exist: is a service account token mounted?`);
  const tls: TlsSettings = {};
  if (existsSync(caPath)) tls.ca = readFileSync(caPath);
  return {
    server: new URL(`https://${host.includes(':') ? `[${host}]` : host}:${port}`),
    tls,
    authorization: () => `Bearer ${readFileSync(tokenPath, 'utf8').trim()}`,
    origin: `in-cluster service account (${tokenPath})`,
  };
}

type Json = Record<string, unknown>;

function fromKubeconfig(path: string, wantedContext: string | undefined): KubeEndpoint {
  let doc: unknown;
  try {
    doc = parseYaml(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new KubeconfigError('KUBECONFIG_INVALID', `kubeconfig ${path} cannot be read: ${(error as Error).message}`);
  }
  const config = asObject(doc);
  const invalid = (why: string): KubeconfigError => new KubeconfigError('KUBECONFIG_INVALID', `kubeconfig ${path}: ${why}`);
  const contextName = wantedContext ?? stringOf(config['current-context']);
  if (contextName === undefined || contextName === '') throw invalid('no current-context, and no context option given');
  const contextEntry = named(config['contexts'], contextName);
  if (contextEntry === undefined) throw invalid(`no context "${contextName}" (contexts: ${names(config['contexts']).join(', ') || 'none'})`);
  const context = asObject(contextEntry['context']);
  const clusterName = stringOf(context['cluster']) ?? '';
  const clusterEntry = named(config['clusters'], clusterName);
  if (clusterEntry === undefined) throw invalid(`context "${contextName}" names cluster "${clusterName}", which is not in clusters`);
  const cluster = asObject(clusterEntry['cluster']);
  const userName = stringOf(context['user']);
  const user = userName === undefined ? {} : asObject(named(config['users'], userName)?.['user']);
  const server = stringOf(cluster['server']);
  if (server === undefined) throw invalid(`cluster "${clusterName}" has no server`);
  let serverUrl: URL;
  try {
    serverUrl = new URL(server);
  } catch {
    throw invalid(`cluster "${clusterName}" has a server that is not a URL: ${server}`);
  }
  // Relative file references are relative to the kubeconfig itself, as kubectl reads them.
  const base = dirname(path);
  const file = (field: string, value: unknown): Buffer | undefined => {
    const p = stringOf(value);
    if (p === undefined) return undefined;
    const full = isAbsolute(p) ? p : join(base, p);
    try {
      return readFileSync(full);
    } catch (error) {
      throw invalid(`${field} ${full} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
    }
  };
  const data = (value: unknown): Buffer | undefined => {
    const b64 = stringOf(value);
    return b64 === undefined ? undefined : Buffer.from(b64, 'base64');
  };
  const tls: TlsSettings = {};
  const ca = data(cluster['certificate-authority-data']) ?? file('certificate-authority', cluster['certificate-authority']);
  if (ca !== undefined) tls.ca = ca;
  const cert = data(user['client-certificate-data']) ?? file('client-certificate', user['client-certificate']);
  const key = data(user['client-key-data']) ?? file('client-key', user['client-key']);
  if (cert !== undefined) tls.cert = cert;
  if (key !== undefined) tls.key = key;
  if (cluster['insecure-skip-tls-verify'] === true) tls.rejectUnauthorized = false;
  const serverName = stringOf(cluster['tls-server-name']);
  if (serverName !== undefined) tls.servername = serverName;
  for (const plugin of ['exec', 'auth-provider'] as const) {
    if (user[plugin] !== undefined && user['token'] === undefined && user['tokenFile'] === undefined && cert === undefined) {
      const what = stringOf(asObject(user[plugin])['command']) ?? stringOf(asObject(user[plugin])['name']) ?? plugin;
      throw new KubeconfigError('KUBE_UNSUPPORTED_AUTH', `kubeconfig ${path}: user "${userName}" authenticates through a credential plugin (${plugin}: ${what}), which is not supported: give a kubeconfig with a token or a client certificate`);
    }
  }
  const token = stringOf(user['token']);
  const tokenFile = stringOf(user['tokenFile']);
  const username = stringOf(user['username']);
  const password = stringOf(user['password']);
  const authorization = (): string | null => {
    if (token !== undefined) return `Bearer ${token}`;
    if (tokenFile !== undefined) return `Bearer ${(file('tokenFile', tokenFile) as Buffer).toString('utf8').trim()}`;
    if (username !== undefined && password !== undefined) return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
    return null;
  };
  return { server: serverUrl, tls, authorization, origin: `kubeconfig ${path}, context ${contextName}` };
}

function asObject(v: unknown): Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : {};
}

function stringOf(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** kubeconfig lists are [{ name, cluster|context|user }]. */
function named(list: unknown, name: string): Json | undefined {
  if (!Array.isArray(list)) return undefined;
  return list.map(asObject).find((entry) => entry['name'] === name);
}

function names(list: unknown): string[] {
  return Array.isArray(list) ? list.map((e) => stringOf(asObject(e)['name']) ?? '?') : [];
}
