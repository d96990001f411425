import type { FaultDrillRow } from '../analysis/analysis-types.js';
import { gateDetailParts, gateFailed } from '../gates/gate-detail.js';
import type { GateVerdict } from '../gates/gate-types.js';
import { resourceCells } from '../resource-cells.js';
import type { TargetResourceSummary } from '../resource-summary.js';
import type { LatencySummary, RunSummary, TrafficSummary } from '../summary-types.js';
import { runVerdict, type RunVerdict } from './summary-document.js';

// The run as Markdown for a CI job summary (GitHub's $GITHUB_STEP_SUMMARY and the like): verdict
// first, then the figures a reviewer checks. GitHub renders inline HTML and Markdown inside table
// cells, so every string from a scenario or a response goes through `cell`.

export interface MarkdownExtra {
  faultDrill?: FaultDrillRow[];
  warnings?: string[];
  reportFile?: string;
}

const BANNER: Record<RunVerdict, string> = { pass: '✅ PASS', fail: '❌ FAIL', error: '⚠️ ERROR' };

export function renderMarkdown(summary: RunSummary, gates: readonly GateVerdict[], extra: MarkdownExtra = {}): string {
  const sections = [
    headline(summary, gates),
    keyFigures(summary),
    gatesSection(gates),
    stepsSection(summary),
    topErrorsSection(summary),
    faultsSection(summary, extra.faultDrill),
    resourcesSection(summary.targets),
    warningsSection(extra.warnings ?? summary.collectorErrors),
    reportLink(extra.reportFile),
  ];
  return sections.filter((lines) => lines.length > 0).map((lines) => lines.join('\n')).join('\n\n') + '\n';
}

function headline(summary: RunSummary, gates: readonly GateVerdict[]): string[] {
  const verdict = runVerdict(summary, gates);
  const failed = gates.filter(gateFailed).length;
  const why =
    verdict === 'fail' ? `${failed} of ${gates.length} gate${gates.length === 1 ? '' : 's'} failed` : verdict === 'error' ? `run ${summary.status}` : gates.length > 0 ? `${gates.length} gate${gates.length === 1 ? '' : 's'} passed` : 'no gates';
  return [
    `## ${BANNER[verdict]} — loadtest ${cell(summary.scenario)} (${why})`,
    '',
    `Target ${cell(summary.target)}, started ${cell(summary.startedAt)}, status **${summary.status}**${summary.partial ? ' (partial: the figures cover what was measured)' : ''}.`,
  ];
}

function keyFigures(summary: RunSummary): string[] {
  const o = summary.overall;
  return table(
    ['Requests', 'Throughput', 'Error rate', 'p50', 'p95', 'p99', 'Duration', 'Dropped'],
    [[String(o.requests), perSecond(o.rps), percent(o.errorRate), ms(o.latency.p50), ms(o.latency.p95), ms(o.latency.p99), secondsText(summary.durationS), String(o.dropped)]],
    'rrrrrrrr',
  );
}

function gatesSection(gates: readonly GateVerdict[]): string[] {
  if (gates.length === 0) return [];
  // Failures first: the rows a reader came for. The sort is stable, so order within each group is kept.
  const ordered = [...gates].sort((a, b) => Number(gateFailed(b)) - Number(gateFailed(a)));
  const rows = ordered.map((g) => [gateStatus(g), cell(g.expression), cell(g.actual === null ? `– (${g.reason ?? g.actualText})` : g.actualText), cell(g.limitText), cell(gateDetail(g))]);
  return ['### Gates', '', ...table(['Status', 'Gate', 'Actual', 'Limit', 'Detail'], rows)];
}

function gateStatus(gate: GateVerdict): string {
  if (gate.abortedAtS !== undefined) return `⛔ fail, stopped the run at ${gate.abortedAtS} s`;
  return gateFailed(gate) ? '❌ fail' : '✅ pass';
}

function gateDetail(gate: GateVerdict): string {
  return gateDetailParts(gate)
    .filter((part) => part !== gate.reason && !part.startsWith('stopped the run'))
    .join('; ');
}

function stepsSection(summary: RunSummary): string[] {
  const steps = Object.entries(summary.steps);
  if (steps.length === 0) return [];
  const rows = steps.map(([name, s]) => [cell(name), ...trafficCells(s, s.latency)]);
  return ['### Steps', '', ...table(['Step', 'Requests', 'Throughput', 'Errors', 'Error rate', 'p50', 'p95', 'p99', 'Max'], rows, 'lrrrrrrrr')];
}

function trafficCells(traffic: TrafficSummary, latency: LatencySummary): string[] {
  return [String(traffic.requests), perSecond(traffic.rps), String(traffic.errors), percent(traffic.errorRate), ms(latency.p50), ms(latency.p95), ms(latency.p99), ms(latency.max)];
}

function topErrorsSection(summary: RunSummary): string[] {
  if (summary.topErrors.length === 0) return [];
  const rows = summary.topErrors.map((e) => [String(e.count), cell(e.step), cell(e.outcome), cell(e.message)]);
  return ['### Top errors', '', ...table(['Count', 'Step', 'Outcome', 'Message'], rows, 'rlll')];
}

function faultsSection(summary: RunSummary, drill: FaultDrillRow[] | undefined): string[] {
  if (drill !== undefined && drill.length > 0) {
    const rows = drill.map((f) => [
      cell(`${f.label} ${f.action}`),
      cell([f.target, ...f.replicas].join(' ')),
      cell(f.error === undefined ? f.detail : `${f.detail} (not carried out: ${f.error})`),
      secondsText(f.startS),
      f.endS === null ? '–' : secondsText(f.endS),
      secondsText(f.unavailableS),
      f.recoverS === null ? 'never' : secondsText(f.recoverS),
      `${f.requestsDuring} (${f.errorsDuring} failed)`,
      cell(f.caughtBy.join(', ')),
    ]);
    return ['### Faults', '', ...table(['Fault', 'Target', 'Detail', 'At', 'Undone', 'Unavailable', 'Recovered after', 'Requests during', 'Caught by'], rows, 'lllrrrrrl')];
  }
  if (summary.faults.length === 0 && summary.outages.length === 0) return [];
  const lines = ['### Faults'];
  if (summary.faults.length > 0) {
    const rows = summary.faults.map((f) => [
      secondsText(f.t),
      f.event,
      cell(`${f.label} ${f.action}`),
      cell([f.target, ...f.replicas].join(' ')),
      cell(f.error === undefined ? f.detail : `${f.detail} (not carried out: ${f.error})`),
    ]);
    lines.push('', ...table(['At', 'Event', 'Fault', 'Target', 'Detail'], rows, 'rllll'));
  }
  if (summary.outages.length > 0) {
    const rows = summary.outages.map((o) => [secondsText(o.t), secondsText(o.end), secondsText(o.durationS), String(o.failed), String(o.ok), cell(o.afterFault ?? '')]);
    lines.push('', '**Outages** (clients not served)', '', ...table(['From', 'To', 'Duration', 'Failed', 'OK', 'After fault'], rows, 'rrrrrl'));
  }
  return lines;
}

function resourcesSection(targets: Record<string, TargetResourceSummary>): string[] {
  const entries = Object.entries(targets);
  if (entries.length === 0) return [];
  const rows = entries.map(([name, t]) => [
    cell(name),
    cell(t.source),
    String(t.replicas),
    ...resourceCells(t),
    String(t.oomKills),
  ]);
  return [
    '### Resources',
    '',
    ...table(['Target', 'Source', 'Replicas', 'CPU avg', 'CPU p95', 'CPU max', 'CPU limit', 'Throttled', 'Memory p95 (MiB)', 'Memory max (MiB)', 'Memory limit (MiB)', 'OOM kills'], rows, 'llrrrrrrrrrr'),
    '',
    'CPU in cores per replica; memory is the working set per replica.',
  ];
}

function warningsSection(warnings: readonly string[]): string[] {
  if (warnings.length === 0) return [];
  return ['### Warnings', '', ...warnings.map((w) => `- ⚠️ ${cell(w)}`)];
}

function reportLink(file: string | undefined): string[] {
  if (file === undefined) return [];
  // A link destination ends at a space or a parenthesis; percent-encoding keeps any path intact.
  const destination = encodeURI(file.replace(LONE_SURROGATE, '')).replace(/\(/g, '%28').replace(/\)/g, '%29');
  return [`📄 Full report: [${cell(file)}](${destination})`];
}

/** `align`: one letter per column, l or r (numbers read best right-aligned). */
function table(header: string[], rows: string[][], align = ''): string[] {
  const rule = header.map((_, i) => (align[i] === 'r' ? '---:' : '---'));
  return [header, rule, ...rows].map((cells) => `| ${cells.join(' | ')} |`);
}

// Half a UTF-16 pair has no UTF-8 encoding: written out it becomes U+FFFD, and encodeURI throws on it.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const MARKDOWN_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };

/**
 * Makes text from a scenario or a response inert in a table cell or a line: HTML becomes text,
 * emphasis, code, links and strikethrough markers are backslash-escaped, a pipe cannot open a
 * column, a line break cannot end the row, and control characters and lone surrogates are dropped.
 */
function cell(text: string): string {
  return text
    .replace(/\r\n|[\r\n\t]/g, ' ')
    .replace(/[\u0000-\u001f\u007f]/g, '')
    .replace(LONE_SURROGATE, '')
    .replace(/[\\`*_[\]<>&|~]/g, (c) => MARKDOWN_ESCAPES[c] ?? `\\${c}`);
}

function ms(value: number): string {
  return `${value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2)} ms`;
}

function percent(ratio: number): string {
  return `${(ratio * 100).toFixed(2)}%`;
}

function perSecond(value: number): string {
  return `${value.toFixed(1)}/s`;
}

function secondsText(value: number): string {
  return `${value.toFixed(1)} s`;
}

