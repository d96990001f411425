// The kubernetes source against a local API server (node's http/https) serving recorded
// metrics.k8s.io PodMetricsList and core PodList payloads, reached through real kubeconfig files:
// quantities summed per pod, the token and label selector sent, refusals turned into error
// strings, and the ways credentials are found (kubeconfig, in-cluster service account over TLS).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { KubernetesSource } from '../../collectors/kubernetes.js';
import { parseQuantity } from '../../collectors/remote/quantity.js';

const DATA = fileURLToPath(new URL('../../../test/data/collectors/kubernetes/', import.meta.url));
const load = (name: string): Record<string, unknown> => JSON.parse(readFileSync(join(DATA, name), 'utf8'));
const Ki = 1024;
const Mi = 1024 * 1024;
const Gi = 1024 * Mi;
const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.test-token';

interface ApiServer {
  url: string;
  seen: Array<{ path: string; selector: string | null; authorization: string | undefined }>;
  /** Path prefix → [status, body] answered instead of the recorded payload. */
  overrides: Map<string, [number, unknown]>;
  metrics: Record<string, unknown>;
  close(): Promise<void>;
}

function handler(api: Omit<ApiServer, 'url' | 'close'>): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    api.seen.push({ path: url.pathname, selector: url.searchParams.get('labelSelector'), authorization: req.headers.authorization });
    const send = (status: number, body: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    for (const [prefix, [status, body]] of api.overrides) if (url.pathname.startsWith(prefix)) return send(status, body);
    if (req.headers.authorization !== `Bearer ${TOKEN}`) return send(401, { kind: 'Status', status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 });
    if (url.pathname === '/apis/metrics.k8s.io/v1beta1/namespaces/shop/pods') return send(200, api.metrics);
    if (url.pathname === '/api/v1/namespaces/shop/pods') return send(200, load('pod-list.json'));
    send(404, load('status-not-found.json'));
  };
}

async function startApi(tls?: { cert: Buffer; key: Buffer }): Promise<ApiServer> {
  const state = { seen: [], overrides: new Map(), metrics: load('pod-metrics.json') } as Omit<ApiServer, 'url' | 'close'>;
  const server: Server = tls === undefined ? createServer(handler(state)) : createHttpsServer(tls, handler(state));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, {
    url: `${tls === undefined ? 'http' : 'https'}://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}

function kubeconfig(dir: string, server: string, user: Record<string, unknown>, cluster: Record<string, unknown> = {}): string {
  const path = join(dir, 'config');
  const doc = {
    apiVersion: 'v1',
    kind: 'Config',
    'current-context': 'test',
    clusters: [{ name: 'local', cluster: { server, ...cluster } }],
    contexts: [{ name: 'test', context: { cluster: 'local', user: 'loadtest', namespace: 'shop' } }],
    users: [{ name: 'loadtest', user }],
  };
  // JSON is YAML: the file is read by the same parser either way.
  writeFileSync(path, JSON.stringify(doc));
  return path;
}

test('quantities: every suffix the API writes reads back to cores or bytes', () => {
  assert.equal(parseQuantity('250m'), 0.25);
  assert.equal(parseQuantity('1234567n'), 0.001234567);
  assert.equal(parseQuantity('2'), 2);
  assert.equal(parseQuantity('0.1'), 0.1);
  assert.equal(parseQuantity('500u'), 0.0005);
  assert.equal(parseQuantity('123456Ki'), 123456 * Ki);
  assert.equal(parseQuantity('256Mi'), 256 * Mi);
  assert.equal(parseQuantity('1.5Gi'), 1.5 * Gi);
  assert.equal(parseQuantity('128974848'), 128974848);
  assert.equal(parseQuantity('129M'), 129e6);
  assert.equal(parseQuantity('1e3'), 1000);
  assert.equal(parseQuantity('1E'), 1e18);
  for (const bad of ['', 'Mi', '12 Mi', '1.2.3', '5x', '1KiB']) assert.equal(parseQuantity(bad), null, bad);
});

test('per pod: containers summed, working set as memory, limits from the pod specs; the token and the selector are sent', async () => {
  const api = await startApi();
  const dir = mkdtempSync(join(tmpdir(), 'loadtest-kube-'));
  try {
    const source = new KubernetesSource({ target: 'api', namespace: 'shop', selector: 'app=api,tier!=canary', kubeconfig: kubeconfig(dir, api.url, { token: TOKEN }) });
    const wallBefore = Date.now();
    const first = await source.collect(60_000);
    assert.deepEqual(first.errors, []);
    const [a, b] = first.samples;
    assert.equal(a?.replica, 'api-7d4b9c8f6-x2kqp');
    assert.equal(a?.cpuCores, 0.25 + 0.001234567);
    assert.equal(a?.workingSetBytes, 123456 * Ki + 256 * Mi);
    assert.deepEqual(a?.limits, { cpuCores: 0.5 + 0.1, memoryBytes: 512 * Mi + 64 * Mi });
    assert.equal(b?.replica, 'api-7d4b9c8f6-zt9wm');
    assert.equal(b?.cpuCores, 2 + 0.0045);
    assert.equal(b?.workingSetBytes, 1 * Gi + 31744 * Ki);
    // Its api container has no CPU limit: the pod has none.
    assert.deepEqual(b?.limits, { cpuCores: null, memoryBytes: 2 * Gi + 64 * Mi });
    // The metrics' timestamp (2024) is long before now: mapped back on the run clock by that much.
    const age = wallBefore - Date.parse('2024-05-01T10:00:15Z');
    assert.ok(a !== undefined && a.time <= 60_000 - age + 1 && a.time >= 60_000 - age - 5_000, `time ${a?.time}`);
    assert.equal(a?.memoryUsageBytes, null);
    // Both lists are asked for at once: compare them in path order.
    assert.deepEqual(
      api.seen.map((s) => [s.path, s.selector, s.authorization]).sort(),
      [
        ['/api/v1/namespaces/shop/pods', 'app=api,tier!=canary', `Bearer ${TOKEN}`],
        ['/apis/metrics.k8s.io/v1beta1/namespaces/shop/pods', 'app=api,tier!=canary', `Bearer ${TOKEN}`],
      ],
    );
    // metrics-server has not refreshed: the same reading is not returned twice, and the pods'
    // limits (cached for 30 s) are not asked for again.
    const again = await source.collect(61_000);
    assert.deepEqual(again, { samples: [], errors: [] });
    assert.equal(api.seen.filter((s) => s.path === '/api/v1/namespaces/shop/pods').length, 1);
    // A new window: returned.
    api.metrics = { ...api.metrics, items: (api.metrics['items'] as Array<Record<string, unknown>>).map((i) => ({ ...i, timestamp: '2024-05-01T10:00:30Z' })) };
    const third = await source.collect(62_000);
    assert.equal(third.samples.length, 2);
  } finally {
    await api.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('refusals become error strings: 403 with the API server\'s reason, 404 on metrics.k8s.io, 401', async () => {
  const api = await startApi();
  const dir = mkdtempSync(join(tmpdir(), 'loadtest-kube-'));
  try {
    const config = kubeconfig(dir, api.url, { token: TOKEN });
    api.overrides.set('/apis/metrics.k8s.io/', [403, load('status-forbidden.json')]);
    const forbidden = await new KubernetesSource({ target: 'api', namespace: 'shop', selector: 'app=api', kubeconfig: config }).collect(0);
    assert.equal(forbidden.samples.length, 0);
    assert.deepEqual(forbidden.errors, [
      `kubernetes: GET /apis/metrics.k8s.io/v1beta1/namespaces/shop/pods on ${api.url} answered 403: pods.metrics.k8s.io is forbidden: User "system:serviceaccount:shop:loadtest" cannot list resource "pods" in API group "metrics.k8s.io" in the namespace "shop" (the credentials from kubeconfig ${config}, context test need list on pods.metrics.k8s.io in namespace shop)`,
    ]);
    api.overrides.set('/apis/metrics.k8s.io/', [404, load('status-not-found.json')]);
    const missing = await new KubernetesSource({ target: 'api', namespace: 'shop', selector: 'app=api', kubeconfig: config }).collect(0);
    assert.equal(missing.errors.length, 1);
    assert.match(missing.errors[0] as string, / answered 404: the server could not find the requested resource: metrics\.k8s\.io is not served: metrics-server not installed\?$/);
    api.overrides.clear();
    const wrongToken = await new KubernetesSource({ target: 'api', namespace: 'shop', selector: '', kubeconfig: kubeconfig(dir, api.url, { token: 'stale' }) }).collect(0);
    assert.equal(wrongToken.samples.length, 0);
    assert.ok(wrongToken.errors.length === 2 && wrongToken.errors.every((e) => e.includes(' answered 401: Unauthorized (the credentials from kubeconfig')), wrongToken.errors.join('\n'));
  } finally {
    await api.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('credentials that cannot be found or used are clear errors, never exceptions', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'loadtest-kube-'));
  try {
    const absent = join(dir, 'nope', 'config');
    const missing = await new KubernetesSource({ target: 'api', namespace: 'shop', selector: '', kubeconfig: absent }).collect(0);
    assert.deepEqual(missing, { samples: [], errors: [`kubernetes: kubeconfig ${absent} does not exist`] });
    const nothing = await new KubernetesSource({ target: 'api', namespace: 'shop', selector: '' }, { env: {}, home: dir }).collect(0);
    assert.deepEqual(nothing.errors, [
      `kubernetes: no Kubernetes credentials: no kubeconfig option, $KUBECONFIG unset, ${join(dir, '.kube', 'config')} absent, and not inside a cluster (KUBERNETES_SERVICE_HOST unset)`,
    ]);
    const plugin = kubeconfig(dir, 'https://127.0.0.1:1', { exec: { apiVersion: 'client.authentication.k8s.io/v1beta1', command: 'aws', args: ['eks', 'get-token'] } });
    const exec = await new KubernetesSource({ target: 'api', namespace: 'shop', selector: '', kubeconfig: plugin }).collect(0);
    assert.match(exec.errors[0] as string, /user "loadtest" authenticates through a credential plugin \(exec: aws\), which is not supported/);
    const otherContext = await new KubernetesSource({ target: 'api', namespace: 'shop', selector: '', kubeconfig: plugin, context: 'prod' }).collect(0);
    assert.match(otherContext.errors[0] as string, /no context "prod" \(contexts: test\)/);
    // $KUBECONFIG is honoured when no option is given.
    const viaEnv = await new KubernetesSource({ target: 'api', namespace: 'shop', selector: '' }, { env: { KUBECONFIG: plugin }, home: dir }).collect(0);
    assert.match(viaEnv.errors[0] as string, /credential plugin/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

function openssl(): string | null {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return null;
  } catch {
    return 'openssl is not installed';
  }
}

test('TLS with a self-signed server certificate: trusted through the kubeconfig CA or the in-cluster ca.crt, refused without it', { skip: openssl() ?? false }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'loadtest-kube-'));
  let api: ApiServer | null = null;
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=kube-apiserver', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
    const cert = readFileSync(join(dir, 'cert.pem'));
    api = await startApi({ cert, key: readFileSync(join(dir, 'key.pem')) });
    const withCa = await new KubernetesSource({ target: 'api', namespace: 'shop', selector: 'app=api', kubeconfig: kubeconfig(dir, api.url, { token: TOKEN }, { 'certificate-authority-data': cert.toString('base64') }) }).collect(0);
    assert.deepEqual(withCa.errors, []);
    assert.equal(withCa.samples.length, 2);
    const untrusted = await new KubernetesSource({ target: 'api', namespace: 'shop', selector: 'app=api', kubeconfig: kubeconfig(dir, api.url, { token: TOKEN }) }).collect(0);
    assert.equal(untrusted.samples.length, 0);
    assert.match(untrusted.errors[0] as string, /cannot reach the API server \(DEPTH_ZERO_SELF_SIGNED_CERT\)/);
    const insecure = await new KubernetesSource({ target: 'api', namespace: 'shop', selector: 'app=api', kubeconfig: kubeconfig(dir, api.url, { token: TOKEN }, { 'insecure-skip-tls-verify': true }) }).collect(0);
    assert.equal(insecure.samples.length, 2);
    // Inside a pod: the service's address from the environment, the mounted token and CA.
    const account = join(dir, 'serviceaccount');
    mkdirSync(account);
    writeFileSync(join(account, 'token'), `${TOKEN}\n`);
    writeFileSync(join(account, 'ca.crt'), cert);
    const port = new URL(api.url).port;
    const inCluster = await new KubernetesSource(
      { target: 'api', namespace: 'shop', selector: 'app=api' },
      { env: { KUBERNETES_SERVICE_HOST: '127.0.0.1', KUBERNETES_SERVICE_PORT: port }, home: dir, serviceAccountDir: account },
    ).collect(0);
    assert.deepEqual(inCluster.errors, []);
    assert.equal(inCluster.samples.length, 2);
  } finally {
    await api?.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
