// Containers' CPU and memory from the Docker Engine API, over its unix socket: the containers that
// match the names and labels are listed on every collect (so replicas that come and go are
// followed), then each one's stats are read.
//
// Stats are asked for with stream=false&one-shot=true and the previous reading is kept here. Without
// one-shot the daemon waits about a second to take a second reading for precpu_stats, on every call
// and for every container; with it the answer is immediate, and the CPU figure covers the whole
// interval between two collects (the same window as the load it is set against) rather than the
// last second of it. Throttling needs the previous reading anyway. The cost: a container's first
// collect yields no sample, as for every source.
import { URL } from 'node:url';
import type { ResourceSample } from './resource-sample.js';
import type { CollectResult, ResourceSource } from './resource-source.js';
import { sampleBetween } from './counters-to-sample.js';
import { byReplica } from './remote/by-replica.js';
import { bodySnippet, getJson, type GetOutcome } from './remote/http-json.js';
import { dockerCpuCores, parseDockerLimits, parseDockerStats, type DockerLimits, type DockerReading } from './remote/docker-stats.js';
import { DEFAULT_DOCKER_SOCKET } from './source-defaults.js';


export interface DockerSourceOptions {
  target: string;
  socket?: string;
  /** Docker's `name` filter: each matches any container whose name contains it (e.g. `shop-api` matches shop-api-1, shop-api-2). */
  names: string[];
  /** `key=value` or `key`, all of which a container must carry. */
  labels: string[];
  timeoutMs?: number;
}

interface ListedContainer {
  id: string;
  name: string;
}

export class DockerSource implements ResourceSource {
  readonly name: string;
  private readonly socket: string;
  private readonly previous = new Map<string, DockerReading>();
  private readonly limits = new Map<string, DockerLimits>();

  constructor(private readonly options: DockerSourceOptions) {
    this.socket = options.socket ?? DEFAULT_DOCKER_SOCKET;
    this.name = `docker (${options.target})`;
  }

  async collect(nowMs: number): Promise<CollectResult> {
    const listed = await this.list();
    if (typeof listed === 'string') return { samples: [], errors: [listed] };
    const samples: ResourceSample[] = [];
    const errors: string[] = [];
    await Promise.all(
      listed.map(async (container) => {
        const result = await this.sampleContainer(container, nowMs);
        if (typeof result === 'string') errors.push(result);
        else if (result !== null) samples.push(result);
      }),
    );
    // Containers that went away: forget them, or a reused name would start from a stale reading.
    const present = new Set(listed.map((c) => c.id));
    for (const id of [...this.previous.keys()]) if (!present.has(id)) this.previous.delete(id);
    for (const id of [...this.limits.keys()]) if (!present.has(id)) this.limits.delete(id);
    samples.sort(byReplica);
    return { samples, errors };
  }

  private async list(): Promise<ListedContainer[] | string> {
    const filters: Record<string, string[]> = { status: ['running'] };
    if (this.options.names.length > 0) filters['name'] = this.options.names;
    if (this.options.labels.length > 0) filters['label'] = this.options.labels;
    const path = `/containers/json?filters=${encodeURIComponent(JSON.stringify(filters))}`;
    const got = await this.get(path);
    if (!got.ok) return got.error;
    const answer = got.json;
    if (!Array.isArray(answer)) return `docker: GET ${path} on ${this.socket}: expected a JSON array of containers`;
    return answer.flatMap((c: unknown): ListedContainer[] => {
      const entry = (typeof c === 'object' && c !== null ? c : {}) as { Id?: unknown; Names?: unknown };
      if (typeof entry.Id !== 'string') return [];
      const first = Array.isArray(entry.Names) && typeof entry.Names[0] === 'string' ? entry.Names[0] : entry.Id.slice(0, 12);
      return [{ id: entry.Id, name: first.replace(/^\//, '') }];
    });
  }

  private async sampleContainer(container: ListedContainer, nowMs: number): Promise<ResourceSample | null | string> {
    const id = encodeURIComponent(container.id);
    const [stats, limits] = await Promise.all([this.get(`/containers/${id}/stats?stream=false&one-shot=true`), this.limitsOf(container)]);
    // 404: removed between the list and this call (a scale-down); gone is not an error.
    if (!stats.ok) return stats.status === 404 ? null : `${stats.error} (container ${container.name})`;
    const current = parseDockerStats(stats.json, Date.now());
    // Stopped between the list and the stats call: nothing to say about it this time.
    if (current === null) return null;
    const previous = this.previous.get(container.id);
    this.previous.set(container.id, current);
    if (previous === undefined) return null;
    const sample = sampleBetween(this.options.target, container.name, { at: previous.readAtMs, counters: previous.counters }, { at: current.readAtMs, counters: current.counters });
    sample.time = nowMs;
    sample.cpuCores = dockerCpuCores(previous, current);
    // The stats document's limit is the host's memory when the container has none; the
    // container's own setting says which it is, when it could be read.
    const statsLimit = sample.limits.memoryBytes;
    sample.limits = {
      cpuCores: limits?.cpuCores ?? null,
      memoryBytes: limits === null ? statsLimit : limits.memoryBytes === null ? null : Math.min(limits.memoryBytes, statsLimit ?? Infinity),
    };
    return sample;
  }

  /** Read once per container; null (limits unknown) when inspect fails, which is not worth an error per collect. */
  private async limitsOf(container: ListedContainer): Promise<DockerLimits | null> {
    const cached = this.limits.get(container.id);
    if (cached !== undefined) return cached;
    const inspect = await this.get(`/containers/${encodeURIComponent(container.id)}/json`);
    if (!inspect.ok) return null;
    const limits = parseDockerLimits(inspect.json);
    this.limits.set(container.id, limits);
    return limits;
  }

  /** The parsed JSON answer, or the error string naming the call, the socket and the reason. */
  private async get(path: string): Promise<{ ok: true; json: unknown } | { ok: false; error: string; status: number | null }> {
    const outcome: GetOutcome = await getJson({ url: new URL(path, 'http://docker'), socketPath: this.socket, timeoutMs: this.options.timeoutMs ?? 10_000 });
    const fail = (error: string): { ok: false; error: string; status: number | null } => ({ ok: false, error, status: outcome.kind === 'answer' ? outcome.status : null });
    if (outcome.kind === 'failed') return fail(unreachable(this.socket, outcome.code, outcome.message));
    const shown = path.split('?')[0];
    if (outcome.status < 200 || outcome.status > 299) {
      // The Engine explains its errors as {"message": "..."}.
      const message = (outcome.json as { message?: unknown } | undefined)?.message;
      return fail(`docker: GET ${shown} on ${this.socket} answered ${outcome.status}: ${typeof message === 'string' ? message : bodySnippet(outcome.text)}`);
    }
    if (outcome.json === undefined) return fail(`docker: GET ${shown} on ${this.socket} answered ${outcome.status} with a body that is not JSON: ${bodySnippet(outcome.text)}`);
    return { ok: true, json: outcome.json };
  }
}

function unreachable(socket: string, code: string, message: string): string {
  const hint = code === 'ENOENT' || code === 'ECONNREFUSED' ? 'is Docker running?' : code === 'EACCES' ? 'may this user use it (the docker group)?' : message;
  return `docker: cannot reach the Engine API at ${socket} (${code}): ${hint}`;
}
