import type { LatencySummary, RunSummary, TrafficSummary } from './summary-types.js';
import { MIN_SATURATED_S } from './analysis/run-warnings.js';
import { gateDetailParts, gateFailed } from './gates/gate-detail.js';
import { runVerdict } from './outputs/summary-document.js';
import type { RunVerdict } from './outputs/summary-document.js';
import { RESOURCE_COLUMNS, resourceCells } from './resource-cells.js';
import type { GateVerdict } from './gates/gate-types.js';

// The end-of-run summary for a terminal: what a person reads first. A pure function of the
// summary; colour only when the caller says the output supports it.

export interface TerminalStyle {
  color: boolean;
}

export function renderTerminalSummary(summary: RunSummary, gates: readonly GateVerdict[], style: TerminalStyle): string {
  const paint = (code: string, text: string): string => (style.color ? `\u001b[${code}m${text}\u001b[0m` : text);
  const lines: string[] = [];
  const o = summary.overall;
  const banner = summary.partial ? paint('33', `PARTIAL (${summary.status})`) : paint('32', 'completed');
  lines.push(`${summary.mode === 'bench' ? 'bench' : 'scenario'} ${summary.scenario} → ${summary.target}  ${banner}  ${summary.durationS.toFixed(1)} s`);
  lines.push('');
  lines.push(
    `requests ${o.requests}  ${o.rps.toFixed(1)}/s   errors ${o.errors} (${percent(o.errorRate)})   ` +
      `iterations ${o.iterations.started} started, ${o.iterations.ok} ok, ${o.iterations.failed} failed` +
      (o.iterations.interrupted > 0 ? `, ${o.iterations.interrupted} interrupted` : '') +
      `   dropped ${o.dropped}`,
  );
  lines.push('');
  const rows: string[][] = [['', 'requests', 'rps', 'errors', 'p50', 'p90', 'p95', 'p99', 'max']];
  rows.push(trafficRow('latency (all)', o, o.latency));
  rows.push(trafficRow('service time', o, o.serviceTime));
  for (const [name, step] of Object.entries(summary.steps)) rows.push(trafficRow(`  ${name}`, step, step.latency));
  if (summary.phases.length > 1) {
    for (const phase of summary.phases) rows.push(trafficRow(`phase ${phase.name}`, phase, phase.latency));
  }
  lines.push(...table(rows));
  lines.push('  latency is measured from when each request was due; service time from when it was sent (ms)');

  const classes = Object.entries(o.errorsByClass);
  if (classes.length > 0) {
    lines.push('');
    lines.push('errors by class: ' + classes.map(([name, count]) => `${name} ${count}`).join(', '));
    for (const error of summary.topErrors.slice(0, 5)) {
      lines.push(`  ${error.count}× ${error.step} ${error.outcome}: ${error.message}`);
    }
  }
  if (o.iterations.startLag.p99 > 0) {
    lines.push('');
    lines.push(`iteration start lag (actual − intended): p50 ${ms(o.iterations.startLag.p50)}  p99 ${ms(o.iterations.startLag.p99)}  max ${ms(o.iterations.startLag.max)}`);
  }
  lines.push(...searchLines(summary));
  lines.push(...resourceLines(summary));
  lines.push(...drillLines(summary));
  lines.push(...renderGateTable(gates, style, runVerdict(summary, gates)));
  return lines.join('\n') + '\n';
}

const VERDICT_ERROR = 'verdict: ERROR — the run did not complete: gates on part of its schedule can neither pass nor fail it';

/** The verdict table: every gate with its figure and limit, then the verdict a pipeline acts on. */
export function renderGateTable(gates: readonly GateVerdict[], style: TerminalStyle, verdict: RunVerdict): string[] {
  if (gates.length === 0) return verdict === 'error' ? ['', VERDICT_ERROR] : [];
  const paint = (code: string, text: string): string => (style.color ? `\u001b[${code}m${text}\u001b[0m` : text);
  const rows = [['', 'gate', 'actual', 'limit'], ...gates.map((g) => [gateFailed(g) ? 'FAIL' : 'pass', g.expression, g.actual === null ? 'no data' : g.actualText, g.limitText])];
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  const lines = ['', 'gates:'];
  rows.forEach((row, index) => {
    const text = row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd();
    const mark = index === 0 ? text : gateFailed(gates[index - 1]!) ? paint('31', text) : text.replace(/^pass/, paint('32', 'pass'));
    lines.push(`  ${mark}`);
    if (index > 0) for (const part of gateDetailParts(gates[index - 1]!)) lines.push(`        ${part}`);
  });
  const failed = gates.filter(gateFailed).length;
  lines.push('');
  const plural = gates.length === 1 ? '' : 's';
  if (verdict === 'error') lines.push(paint('33', VERDICT_ERROR));
  else if (verdict === 'pass') lines.push(paint('32', `verdict: PASS — all ${gates.length} gate${plural} passed`));
  else lines.push(paint('31', `verdict: FAIL — ${failed} of ${gates.length} gate${plural} failed`));
  return lines;
}

/** Per target: what one replica used (avg, p95, max of its samples) against its limit. */
function resourceLines(summary: RunSummary): string[] {
  const entries = Object.entries(summary.targets);
  if (entries.length === 0) return [];
  const rows: string[][] = [['target (per replica)', 'replicas', ...RESOURCE_COLUMNS]];
  for (const [name, t] of entries) rows.push([`${name} (${t.source})`, String(t.replicas), ...resourceCells(t)]);
  const lines = ['', ...table(rows), '  cpu in cores, memory as working set (MiB)'];
  for (const [name, t] of entries) if (t.oomKills > 0) lines.push(`  ${name}: ${t.oomKills} OOM kill(s)`);
  if (summary.collectorErrors.length > 0) lines.push(`  collector problems: ${summary.collectorErrors.slice(0, 3).join('; ')}${summary.collectorErrors.length > 3 ? ` (+${summary.collectorErrors.length - 3} more)` : ''}`);
  if (summary.generator.saturatedSeconds >= MIN_SATURATED_S) lines.push(`  warning: the load generator was saturated for ${summary.generator.saturatedSeconds.toFixed(1)} s: ${summary.generator.saturatedReason}`);
  return lines;
}

/** Each capacity search: the levels it judged and the knee, the figure capacity planning starts from. */
function searchLines(summary: RunSummary): string[] {
  const lines: string[] = [];
  for (const search of summary.capacitySearch ?? []) {
    const slo = search.slo === null ? '' : ` (SLO ${[...search.slo.latency.map((l) => `${l.metric} ≤ ${l.maxMs} ms`), `errors ≤ ${percent(search.slo.maxErrorRate)}`].join(', ')})`;
    lines.push('', `capacity search ${search.phase}${slo}:`);
    for (const level of search.levels) {
      const p99 = level.p99 === null ? '–' : `${ms(level.p99)} ms`;
      lines.push(`  ${level.passed ? 'held' : 'FAIL'}  ${String(level.rate).padStart(8)}/s  ${level.stage.padEnd(6)}  achieved ${level.achievedRps}/s  p99 ${p99}${level.reason ? `  — ${level.reason}` : ''}`);
    }
    const knee = search.kneeRps === null ? 'no level met the SLO' : `${search.kneeRps}/s`;
    const above = search.failedRps === null ? ' (every level held: the knee is higher)' : `, first failure at ${search.failedRps}/s`;
    lines.push(`  knee: ${knee}${search.kneeRps === null ? '' : above}${search.finished ? '' : ' — the search was cut short'}`);
  }
  return lines;
}

/** The chaos drill and the outages it caused, on the run's clock. */
function drillLines(summary: RunSummary): string[] {
  if (summary.faults.length === 0 && summary.outages.length === 0) return [];
  const lines = ['', 'faults and outages:'];
  const events = [
    ...summary.faults.map((f) => ({ t: f.t, text: `${f.event === 'start' ? 'fault' : 'fault end'} ${f.label} ${f.action}: ${f.detail}${f.error ? ` — FAILED: ${f.error}` : ''}` })),
    ...summary.outages.map((o) => ({ t: o.t, text: `outage ${o.durationS.toFixed(2)} s (until ${o.end.toFixed(1)} s): ${o.failed} failed, ${o.ok} ok${o.afterFault ? `, after ${o.afterFault}` : ''}` })),
  ].sort((a, b) => a.t - b.t || Number(a.text.startsWith('outage')) - Number(b.text.startsWith('outage')));
  for (const e of events) lines.push(`  ${e.t.toFixed(1).padStart(7)} s  ${e.text}`);
  return lines;
}

function trafficRow(label: string, traffic: TrafficSummary, latency: LatencySummary): string[] {
  return [
    label,
    String(traffic.requests),
    traffic.rps.toFixed(1),
    `${traffic.errors} (${percent(traffic.errorRate)})`,
    ms(latency.p50),
    ms(latency.p90),
    ms(latency.p95),
    ms(latency.p99),
    ms(latency.max),
  ];
}

function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length)));
  return rows.map((row) => row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  '));
}

function ms(value: number): string {
  return value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2);
}

function percent(ratio: number): string {
  return `${(ratio * 100).toFixed(ratio > 0 && ratio < 0.001 ? 3 : 2)}%`;
}
