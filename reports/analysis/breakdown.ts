import { addBucketsInto } from '../../scenarios/results/histogram-decode.js';
import type { EncodedBuckets } from '../../scenarios/results/histogram-decode.js';
import { newHistogram } from '../../scenarios/results/histogram.js';
import type { Histogram } from '../../scenarios/results/histogram.js';
import type { StepIntervalRecord } from '../../scenarios/results/results-format.js';
import type { RunSummary, TrafficSummary } from '../summary-types.js';
import { latencySummary, round } from '../traffic-accumulators.js';
import type { BreakdownRow, FlowInfo } from './analysis-types.js';

// The per-flow and per-step table, for the whole run and for each phase. Whole-run step figures and
// every "run" row come from the summary itself (one source for one figure); flows and the phase ×
// step cells are accumulated here from the same interval records.

interface Cell {
  requests: number;
  errors: number;
  latency: Histogram;
}

export class BreakdownBuilder {
  readonly #flowsOfStep = new Map<string, string[]>();
  readonly #cells = new Map<string, Cell>();
  readonly #flows: readonly FlowInfo[];
  readonly #perPhase: boolean;

  constructor(flows: readonly FlowInfo[], phaseCount: number) {
    this.#flows = flows;
    this.#perPhase = phaseCount > 1;
    for (const flow of flows) for (const step of new Set(flow.steps)) this.#flowsOfStep.set(step, [...(this.#flowsOfStep.get(step) ?? []), flow.name]);
  }

  /** `latency`: the record's latency buckets, read once by the caller. */
  add(record: StepIntervalRecord, latency: EncodedBuckets): void {
    const flows = this.#flowsOfStep.get(record.step) ?? [];
    for (const flow of flows) this.#addTo(key(null, 'flow', flow), record, latency);
    if (!this.#perPhase) return;
    this.#addTo(key(record.phase, 'step', record.step), record, latency);
    for (const flow of flows) this.#addTo(key(record.phase, 'flow', flow), record, latency);
  }

  rows(summary: RunSummary): BreakdownRow[] {
    const rows: BreakdownRow[] = [fromSummary('run', summary.scenario, null, summary.overall)];
    this.#scopeRows(rows, null, summary.durationS, summary.steps);
    if (this.#perPhase) {
      for (const phase of summary.phases) {
        if (phase.requests === 0) continue;
        rows.push(fromSummary('run', phase.name, phase.name, phase));
        this.#scopeRows(rows, phase.name, phase.durationS);
      }
    }
    return rows;
  }

  #scopeRows(rows: BreakdownRow[], phase: string | null, durationS: number, steps?: RunSummary['steps']): void {
    for (const flow of this.#flows) {
      const cell = this.#cells.get(key(phase, 'flow', flow.name));
      if (cell !== undefined) rows.push(fromCell('flow', flow.name, phase, cell, durationS));
    }
    if (steps !== undefined) {
      for (const [name, step] of Object.entries(steps)) rows.push(fromSummary('step', name, null, step));
      return;
    }
    for (const [cellKey, cell] of this.#cells) {
      const [cellPhase, scope, name] = JSON.parse(cellKey) as [string | null, string, string];
      if (cellPhase === phase && scope === 'step') rows.push(fromCell('step', name, phase, cell, durationS));
    }
  }

  #addTo(cellKey: string, record: StepIntervalRecord, latency: EncodedBuckets): void {
    let cell = this.#cells.get(cellKey);
    if (cell === undefined) this.#cells.set(cellKey, (cell = { requests: 0, errors: 0, latency: newHistogram() }));
    cell.requests += record.count;
    if (record.outcome !== 'ok') cell.errors += record.count;
    addBucketsInto(cell.latency, latency);
  }
}

function key(phase: string | null, scope: 'flow' | 'step', name: string): string {
  return JSON.stringify([phase, scope, name]);
}

function fromSummary(scope: BreakdownRow['scope'], name: string, phase: string | null, traffic: TrafficSummary): BreakdownRow {
  return { scope, name, phase, requests: traffic.requests, rps: traffic.rps, errors: traffic.errors, errorRate: traffic.errorRate, latency: traffic.latency };
}

function fromCell(scope: BreakdownRow['scope'], name: string, phase: string | null, cell: Cell, durationS: number): BreakdownRow {
  return {
    scope,
    name,
    phase,
    requests: cell.requests,
    rps: durationS > 0 ? round(cell.requests / durationS) : 0,
    errors: cell.errors,
    errorRate: cell.requests > 0 ? cell.errors / cell.requests : 0,
    latency: latencySummary(cell.latency),
  };
}
