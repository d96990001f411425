// Per-replica CPU and memory from a Prometheus server's HTTP API, asked as rightsizing tools ask
// it: two range queries (CPU in cores, memory in bytes recorded as the working set) over the time
// since the previous collect, one point per step. Each collect returns the points it has not
// returned before, stamped at their own time mapped onto the run clock, so the samples line up
// with the load even though Prometheus scraped them on its own schedule.
//
// Queries are used as written (no placeholders): the defaults (prometheus-queries.ts) are per pod
// over cAdvisor's metrics; narrow them with your own label matchers. A series' replica is its `pod`
// label, else its `instance` label, else its whole label set ({job="api"}, or {} for none).
import { DEFAULT_PROMETHEUS_CPU_QUERY, DEFAULT_PROMETHEUS_MEMORY_QUERY } from './source-defaults.js';
import type { ResourceSample } from './resource-sample.js';
import type { CollectResult, ResourceSource } from './resource-source.js';
import { byReplica } from './remote/by-replica.js';
import { bodySnippet, getJson } from './remote/http-json.js';
import { wallToRunClock } from './remote/run-clock.js';

export interface PrometheusSourceOptions {
  target: string;
  /** The server's base URL, with its path prefix if it has one: http://127.0.0.1:9090, https://host/prometheus. */
  url: string;
  /** Per-replica CPU in cores. */
  cpuQuery?: string;
  /** Per-replica memory in bytes; stored as the working set. */
  memoryQuery?: string;
  /** Sent with every query (Authorization, X-Scope-OrgID); never shown in errors. */
  headers?: Record<string, string>;
  /** The range queries' step: the sampler's interval (at least 1 s). Absent: the time since the previous collect. */
  stepMs?: number;
  timeoutMs?: number;
}

/** Prometheus refuses ranges of more than 11,000 points per series; a long stall is cut to the latest ones. */
const MAX_POINTS = 10_000;

type Series = { replica: string; points: Array<[number, number | null]> };
type Json = Record<string, unknown>;

export class PrometheusSource implements ResourceSource {
  readonly name: string;
  private readonly cpuQuery: string;
  private readonly memoryQuery: string;
  private readonly base: URL;
  /** Wall time (ms since the epoch) of the last point asked for; null before the first collect. */
  private lastPointMs: number | null = null;

  /** `wallNow`: the wall clock, ms since the epoch (tests pin it to get exact point times). */
  constructor(
    private readonly options: PrometheusSourceOptions,
    private readonly wallNow: () => number = Date.now,
  ) {
    this.name = `prometheus (${options.target})`;
    this.cpuQuery = options.cpuQuery ?? DEFAULT_PROMETHEUS_CPU_QUERY;
    this.memoryQuery = options.memoryQuery ?? DEFAULT_PROMETHEUS_MEMORY_QUERY;
    this.base = new URL(options.url.endsWith('/') ? options.url : `${options.url}/`);
  }

  async collect(nowMs: number): Promise<CollectResult> {
    const wallNow = Math.round(this.wallNow());
    const last = this.lastPointMs;
    // The wall clock stepped back (or two collects in the same ms): nothing new to ask for.
    if (last !== null && wallNow <= last) return { samples: [], errors: [] };
    // First collect: the latest point only. Then points one step apart from the last one asked
    // for, up to now: never at or before it, so none is returned twice, and all on one grid.
    // Whole milliseconds throughout, as Prometheus keeps time.
    const step = Math.max(1000, Math.round(this.options.stepMs ?? (last === null ? 1000 : wallNow - last)));
    let start = last === null ? wallNow : Math.min(last + step, wallNow);
    if (wallNow - start > MAX_POINTS * step) start = wallNow - MAX_POINTS * step;
    const range = { start, end: wallNow, step };
    const [cpu, memory] = await Promise.all([this.queryRange(this.cpuQuery, range), this.queryRange(this.memoryQuery, range)]);
    const errors: string[] = [];
    if (typeof cpu === 'string') errors.push(cpu);
    if (typeof memory === 'string') errors.push(memory);
    // Both queries failing (Prometheus down) asks for the same range again next time.
    if (typeof cpu === 'string' && typeof memory === 'string') return { samples: [], errors };
    this.lastPointMs = start + Math.floor((wallNow - start) / step) * step;
    const byPoint = new Map<string, ResourceSample>();
    const sampleAt = (replica: string, sec: number): ResourceSample => {
      const key = `${replica}\u0000${sec}`;
      let sample = byPoint.get(key);
      if (sample === undefined) {
        sample = {
          time: wallToRunClock(Math.round(sec * 1000), nowMs, wallNow),
          target: this.options.target,
          replica,
          cpuCores: null,
          cpuThrottledSeconds: null,
          cpuPeriods: null,
          cpuThrottledPeriods: null,
          memoryUsageBytes: null,
          workingSetBytes: null,
          rssBytes: null,
          pageCacheBytes: null,
          oomKills: null,
          limits: { cpuCores: null, memoryBytes: null },
        };
        byPoint.set(key, sample);
      }
      return sample;
    };
    if (typeof cpu !== 'string') for (const s of cpu) for (const [sec, v] of s.points) sampleAt(s.replica, sec).cpuCores = v;
    if (typeof memory !== 'string') for (const s of memory) for (const [sec, v] of s.points) sampleAt(s.replica, sec).workingSetBytes = v;
    const samples = [...byPoint.values()].sort((a, b) => a.time - b.time || byReplica(a, b));
    return { samples, errors };
  }

  /** The matrix's series, or an error string naming the query, the server and the reason. */
  /** `range` in ms since the epoch; Prometheus takes seconds. */
  private async queryRange(query: string, range: { start: number; end: number; step: number }): Promise<Series[] | string> {
    const url = new URL('api/v1/query_range', this.base);
    url.searchParams.set('query', query);
    url.searchParams.set('start', (range.start / 1000).toFixed(3));
    url.searchParams.set('end', (range.end / 1000).toFixed(3));
    // Plain seconds: Prometheus reads "1.5" but not "1.5s" (durations take whole units).
    url.searchParams.set('step', String(range.step / 1000));
    const fail = (reason: string): string => `prometheus: query_range ${JSON.stringify(query)} on ${this.base.origin}${this.base.pathname}: ${reason}`;
    const outcome = await getJson({ url, headers: this.options.headers ?? {}, timeoutMs: this.options.timeoutMs ?? 10_000 });
    if (outcome.kind === 'failed') return fail(`cannot reach Prometheus (${outcome.code}): ${outcome.message}`);
    const body = asObject(outcome.json);
    // Prometheus explains refused queries as {"status":"error","errorType":"bad_data","error":"..."}.
    const explained = typeof body['error'] === 'string' ? `${String(body['errorType'] ?? 'error')}: ${body['error']}` : null;
    if (outcome.status < 200 || outcome.status > 299) return fail(`HTTP ${outcome.status}: ${explained ?? bodySnippet(outcome.text)}`);
    if (outcome.json === undefined) return fail(`the answer is not JSON: ${bodySnippet(outcome.text)}`);
    if (body['status'] !== 'success') return fail(explained ?? `status ${JSON.stringify(body['status'])}`);
    const data = asObject(body['data']);
    if (data['resultType'] !== 'matrix' || !Array.isArray(data['result'])) return fail(`expected a matrix, got ${JSON.stringify(data['resultType'])}`);
    return data['result'].map((entry): Series => {
      const series = asObject(entry);
      const values = Array.isArray(series['values']) ? (series['values'] as unknown[]) : [];
      return {
        replica: replicaOf(asObject(series['metric'])),
        points: values.flatMap((v): Array<[number, number | null]> => {
          if (!Array.isArray(v) || typeof v[0] !== 'number') return [];
          // Values come as strings ("0.25", "NaN", "+Inf"); what is not a finite number is unknown.
          const value = Number(v[1]);
          return [[v[0], typeof v[1] === 'string' && Number.isFinite(value) ? value : null]];
        }),
      };
    });
  }
}

function replicaOf(labels: Json): string {
  for (const name of ['pod', 'instance']) if (typeof labels[name] === 'string' && labels[name] !== '') return labels[name] as string;
  const pairs = Object.keys(labels)
    .filter((k) => k !== '__name__')
    .sort()
    .map((k) => `${k}=${JSON.stringify(String(labels[k]))}`);
  return `{${pairs.join(',')}}`;
}

function asObject(v: unknown): Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : {};
}
