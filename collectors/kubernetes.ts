// Pods' CPU and memory from the Kubernetes resource metrics API (metrics.k8s.io, served by
// metrics-server), with the pods' limits from the core API. metrics-server already gives a rate:
// CPU in cores averaged over its window, memory as the working set (what the kubelet evicts on),
// per container; a pod's figure is the sum of its containers'. It refreshes every 15 s or so, so a
// pod's reading is returned once, when its timestamp moves, stamped at that timestamp: sampling
// faster than metrics-server must not count one reading several times.
import type { ResourceSample } from './resource-sample.js';
import type { CollectResult, ResourceSource } from './resource-source.js';
import { KubeconfigError, locateKubeEndpoint, type KubeEndpoint, type KubeLocateOptions } from './kubeconfig.js';
import { byReplica } from './remote/by-replica.js';
import { bodySnippet, getJson } from './remote/http-json.js';
import { parseQuantity } from './remote/quantity.js';
import { wallToRunClock } from './remote/run-clock.js';

export interface KubernetesSourceOptions {
  target: string;
  namespace: string;
  /** A label selector, as kubectl -l takes it: `app=api,tier!=canary`. */
  selector: string;
  kubeconfig?: string;
  context?: string;
  timeoutMs?: number;
}

/** Limits change only when pods are replaced: read again at most this often. */
export const POD_LIMITS_REFRESH_MS = 30_000;

type Limits = ResourceSample['limits'];
type Json = Record<string, unknown>;
type Got = { ok: true; json: unknown } | { ok: false; error: string };

export class KubernetesSource implements ResourceSource {
  readonly name: string;
  private endpoint: KubeEndpoint | null = null;
  private readonly lastTimestamp = new Map<string, string>();
  private limits = new Map<string, Limits>();
  private limitsReadAt = -Infinity;

  /** `locate`: where to look for credentials besides the options (tests point it away from this machine's). */
  constructor(
    private readonly options: KubernetesSourceOptions,
    private readonly locate: Omit<KubeLocateOptions, 'kubeconfig' | 'context'> = {},
  ) {
    this.name = `kubernetes (${options.target})`;
  }

  async collect(nowMs: number): Promise<CollectResult> {
    if (this.endpoint === null) {
      try {
        const where: KubeLocateOptions = { ...this.locate };
        if (this.options.kubeconfig !== undefined) where.kubeconfig = this.options.kubeconfig;
        if (this.options.context !== undefined) where.context = this.options.context;
        this.endpoint = locateKubeEndpoint(where);
      } catch (error) {
        if (!(error instanceof KubeconfigError)) throw error;
        return { samples: [], errors: [`kubernetes: ${error.message}`] };
      }
    }
    const endpoint = this.endpoint;
    const errors: string[] = [];
    const ns = encodeURIComponent(this.options.namespace);
    const query = this.options.selector === '' ? '' : `?labelSelector=${encodeURIComponent(this.options.selector)}`;
    const [metrics, limitsError] = await Promise.all([this.get(endpoint, `/apis/metrics.k8s.io/v1beta1/namespaces/${ns}/pods${query}`), this.refreshLimits(endpoint, `/api/v1/namespaces/${ns}/pods${query}`)]);
    if (limitsError !== null) errors.push(limitsError);
    if (!metrics.ok) return { samples: [], errors: [...errors, metrics.error] };
    const items = asObject(metrics.json)['items'];
    if (!Array.isArray(items)) return { samples: [], errors: [...errors, `kubernetes: ${endpoint.server.origin} answered a metrics list without items`] };
    const samples: ResourceSample[] = [];
    const wallNow = Date.now();
    const seen = new Set<string>();
    for (const item of items.map(asObject)) {
      const pod = stringOf(asObject(item['metadata'])['name']);
      if (pod === undefined) continue;
      seen.add(pod);
      const timestamp = stringOf(item['timestamp']) ?? '';
      if (this.lastTimestamp.get(pod) === timestamp) continue;
      this.lastTimestamp.set(pod, timestamp);
      const usage = sumContainers(item['containers'], 'usage');
      if (typeof usage === 'string') {
        errors.push(`kubernetes: pod ${this.options.namespace}/${pod}: ${usage}`);
        continue;
      }
      const at = Date.parse(timestamp);
      samples.push({
        time: Number.isFinite(at) ? wallToRunClock(at, nowMs, wallNow) : nowMs,
        target: this.options.target,
        replica: pod,
        cpuCores: usage.cpu,
        cpuThrottledSeconds: null,
        cpuPeriods: null,
        cpuThrottledPeriods: null,
        memoryUsageBytes: null,
        workingSetBytes: usage.memory,
        rssBytes: null,
        pageCacheBytes: null,
        oomKills: null,
        limits: this.limits.get(pod) ?? { cpuCores: null, memoryBytes: null },
      });
    }
    for (const pod of [...this.lastTimestamp.keys()]) if (!seen.has(pod)) this.lastTimestamp.delete(pod);
    samples.sort(byReplica);
    return { samples, errors };
  }

  /** Re-reads the pods' limits when the cached ones are older than POD_LIMITS_REFRESH_MS; the error string if that failed. */
  private async refreshLimits(endpoint: KubeEndpoint, path: string): Promise<string | null> {
    if (performance.now() - this.limitsReadAt < POD_LIMITS_REFRESH_MS) return null;
    // Set before asking: a refusal is reported once per refresh period, not on every collect.
    this.limitsReadAt = performance.now();
    const pods = await this.get(endpoint, path);
    if (!pods.ok) return `${pods.error} (pod limits unknown)`;
    const limits = new Map<string, Limits>();
    for (const item of asArray(asObject(pods.json)['items']).map(asObject)) {
      const pod = stringOf(asObject(item['metadata'])['name']);
      if (pod === undefined) continue;
      const containers = asArray(asObject(item['spec'])['containers']).map((c) => ({ limits: asObject(asObject(asObject(c)['resources'])['limits']) }));
      const sum = sumContainers(containers, 'limits');
      limits.set(pod, typeof sum === 'string' ? { cpuCores: null, memoryBytes: null } : { cpuCores: sum.cpu, memoryBytes: sum.memory });
    }
    this.limits = limits;
    return null;
  }

  private async get(endpoint: KubeEndpoint, path: string): Promise<Got> {
    const url = new URL(path, endpoint.server);
    const headers: Record<string, string> = {};
    const where = `GET ${url.pathname} on ${endpoint.server.origin}`;
    try {
      const authorization = endpoint.authorization();
      if (authorization !== null) headers['authorization'] = authorization;
    } catch (error) {
      return { ok: false, error: `kubernetes: ${(error as Error).message}` };
    }
    const outcome = await getJson({ url, headers, tls: endpoint.tls, timeoutMs: this.options.timeoutMs ?? 10_000 });
    if (outcome.kind === 'failed') return { ok: false, error: `kubernetes: ${where}: cannot reach the API server (${outcome.code}): ${outcome.message}` };
    if (outcome.status >= 200 && outcome.status <= 299) {
      if (outcome.json === undefined) return { ok: false, error: `kubernetes: ${where} answered ${outcome.status} with a body that is not JSON: ${bodySnippet(outcome.text)}` };
      return { ok: true, json: outcome.json };
    }
    // The API server explains refusals in a Status object's message.
    const message = stringOf(asObject(outcome.json)['message']) ?? bodySnippet(outcome.text);
    const metricsApi = url.pathname.startsWith('/apis/metrics.k8s.io/');
    const hint =
      outcome.status === 401
        ? ` (the credentials from ${endpoint.origin} were not accepted)`
        : outcome.status === 403
          ? ` (the credentials from ${endpoint.origin} need list on ${metricsApi ? 'pods.metrics.k8s.io' : 'pods'} in namespace ${this.options.namespace})`
          : outcome.status === 404 && metricsApi
            ? ': metrics.k8s.io is not served: metrics-server not installed?'
            : outcome.status === 503 && metricsApi
              ? ': metrics.k8s.io is unavailable: is metrics-server running?'
              : '';
    return { ok: false, error: `kubernetes: ${where} answered ${outcome.status}: ${message}${hint}` };
  }
}

/**
 * Sums `usage` or `limits` (cpu and memory quantities) over a pod's containers. A container
 * without a value leaves the pod without one (an unlimited container makes the pod unlimited);
 * a value that is not a quantity is an error.
 */
function sumContainers(containers: unknown, field: 'usage' | 'limits'): { cpu: number | null; memory: number | null } | string {
  let cpu: number | null = 0;
  let memory: number | null = 0;
  const list = asArray(containers).map(asObject);
  if (list.length === 0) return { cpu: null, memory: null };
  for (const container of list) {
    const values = asObject(container[field]);
    for (const [resource, raw] of [['cpu', values['cpu']], ['memory', values['memory']]] as const) {
      if (raw === undefined) {
        if (resource === 'cpu') cpu = null;
        else memory = null;
        continue;
      }
      const value = typeof raw === 'string' ? parseQuantity(raw) : typeof raw === 'number' ? raw : null;
      if (value === null) return `container ${stringOf(container['name']) ?? '?'}: ${resource} ${JSON.stringify(raw)} is not a quantity`;
      if (resource === 'cpu') cpu = cpu === null ? null : cpu + value;
      else memory = memory === null ? null : memory + value;
    }
  }
  return { cpu, memory };
}

function asObject(v: unknown): Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : {};
}

function asArray(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

function stringOf(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}
