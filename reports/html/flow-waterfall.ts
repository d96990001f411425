import type { RunAnalysis } from '../analysis/analysis-types.js';
import type { LatencySummary } from '../summary-types.js';

// A flow drawn as a waterfall: its steps in order, each bar starting where the previous step's
// median ended, as long as the step's median, with a thin whisker on to its p95. Positions are
// percentages of the widest extent, so the drawing is plain HTML/CSS and prints as it shows.

export interface WaterfallBar {
  step: string;
  p50: number | null;
  p95: number | null;
  leftPct: number;
  widthPct: number;
  whiskerPct: number;
}

export interface FlowWaterfall {
  name: string;
  weight: number;
  medianTotalMs: number;
  bars: WaterfallBar[];
}

export function flowWaterfalls(analysis: RunAnalysis): FlowWaterfall[] {
  const latencyOf = stepLatencies(analysis);
  return analysis.flows.map((flow) => {
    let start = 0;
    const placed = flow.steps.map((step) => {
      const latency = latencyOf.get(step);
      const p50 = latency?.p50 ?? null;
      const p95 = latency?.p95 ?? null;
      const bar = { step, p50, p95, startMs: start };
      start += p50 ?? 0;
      return bar;
    });
    const extent = Math.max(1e-9, ...placed.map((b) => b.startMs + Math.max(b.p50 ?? 0, b.p95 ?? 0)));
    const pct = (ms: number): number => Math.round((1000 * ms) / extent) / 10;
    return {
      name: flow.name,
      weight: flow.weight,
      medianTotalMs: start,
      bars: placed.map((b) => ({
        step: b.step,
        p50: b.p50,
        p95: b.p95,
        leftPct: pct(b.startMs),
        widthPct: pct(b.p50 ?? 0),
        whiskerPct: pct(Math.max(0, (b.p95 ?? 0) - (b.p50 ?? 0))),
      })),
    };
  });
}

/** Whole-run latency per step: the breakdown's step rows, else the summary's steps. */
function stepLatencies(analysis: RunAnalysis): Map<string, LatencySummary> {
  const out = new Map<string, LatencySummary>();
  for (const [name, traffic] of Object.entries(analysis.summary.steps)) out.set(name, traffic.latency);
  for (const row of analysis.breakdown) if (row.scope === 'step' && row.phase === null) out.set(row.name, row.latency);
  return out;
}
