import type { MetricReference } from '../../scenarios/language/threshold-expression.js';
import type { LatencySummary, RunSummary, TrafficSummary } from '../summary-types.js';

// A metric of a run summary by reference ("p99", "step:login.errors", "target:kv.cpu.p95"), in the
// unit its gates use (ms, ratio, per second, count, cores, bytes). Threshold gates and baseline
// regressions read figures through this one function so they can never disagree.

type Scoped = TrafficSummary & { iterations?: { started: number; dropped: number } };

/** The value, null when there was nothing to measure, or a string saying why the scope is missing. */
export function summaryMetric(summary: RunSummary, reference: MetricReference, unit: 'ratio' | 'count' | string): number | null | string {
  const scope = reference.scope;
  if (scope?.kind === 'target') {
    const target = summary.targets[scope.name];
    if (target === undefined) return `no target named "${scope.name}" was sampled`;
    return targetValue(target, reference.metric);
  }
  if (scope?.kind === 'flow') return 'flow figures are not kept in a summary';
  const scoped = scopedTraffic(summary, reference);
  if (typeof scoped === 'string') return scoped;
  return trafficValue(scoped, reference.metric, unit, summary);
}

export function scopedTraffic(summary: RunSummary, reference: MetricReference): Scoped | string {
  const scope = reference.scope;
  if (scope === undefined) return summary.overall;
  if (scope.kind === 'step') return summary.steps[scope.name] ?? `no step named "${scope.name}"`;
  if (scope.kind === 'phase') return summary.phases.find((p) => p.name === scope.name) ?? `no phase named "${scope.name}"`;
  return `${scope.kind} scope is not a request scope of the summary`;
}

export function trafficValue(scoped: Scoped, metric: MetricReference['metric'], unit: string, summary: RunSummary): number | null {
  switch (metric) {
    case 'errors':
      return scoped.requests === 0 ? null : unit === 'count' ? scoped.errors : scoped.errorRate;
    case 'rps':
      return scoped.rps;
    case 'dropped': {
      const iterations = scoped.iterations ?? summary.overall.iterations;
      if (unit === 'count') return iterations.dropped;
      const due = iterations.started + iterations.dropped;
      return due === 0 ? null : iterations.dropped / due;
    }
    default:
      return scoped.requests === 0 ? null : (scoped.latency[metric as keyof LatencySummary] ?? null);
  }
}

function targetValue(target: RunSummary['targets'][string], metric: MetricReference['metric']): number | null {
  switch (metric) {
    case 'cpu.avg':
      return target.cpu.avg;
    case 'cpu.p95':
      return target.cpu.p95;
    case 'cpu.max':
      return target.cpu.max;
    case 'throttled':
      return target.throttledPct === null ? null : target.throttledPct / 100;
    case 'memory.p95':
      return target.memory.p95;
    case 'memory.max':
      return target.memory.max;
    case 'oomKills':
      return target.oomKills;
    default:
      return null;
  }
}
