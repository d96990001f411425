import { gateDetailParts, gateFailed } from '../gates/gate-detail.js';
import type { GateVerdict } from '../gates/gate-types.js';
import type { RunSummary } from '../summary-types.js';
import { runVerdict } from './summary-document.js';

// JUnit XML of a run, for the test views CI systems already have (GitLab, Jenkins, GitHub test
// reporters): one test case per gate, plus "run completed". Names come from scenarios and messages
// from responses, so every string is escaped and cleared of what XML 1.0 cannot carry.

export interface JUnitOptions {
  suiteName?: string;
}

export function renderJUnit(summary: RunSummary, gates: readonly GateVerdict[], options: JUnitOptions = {}): string {
  const cases = [...gates.map(gateCase), runCompletedCase(summary, gates)];
  const failures = cases.filter((c) => c.outcome === 'failure').length;
  const errors = cases.filter((c) => c.outcome === 'error').length;
  const skipped = cases.filter((c) => c.outcome === 'skipped').length;
  const counts = { tests: cases.length, failures, errors, skipped, time: seconds(summary.durationS) };
  const suiteName = options.suiteName ?? `loadtest: ${summary.scenario}`;

  const lines = ['<?xml version="1.0" encoding="UTF-8"?>'];
  lines.push(`<testsuites${attributes({ name: suiteName, ...counts })}>`);
  lines.push(`  <testsuite${attributes({ name: suiteName, ...counts, timestamp: summary.startedAt })}>`);
  lines.push('    <properties>');
  for (const [name, value] of Object.entries(runProperties(summary, gates))) lines.push(`      <property${attributes({ name, value })}/>`);
  lines.push('    </properties>');
  for (const c of cases) lines.push(...renderCase(c));
  lines.push(`    <system-out>${escapeText(plainSummary(summary, gates))}</system-out>`);
  lines.push('  </testsuite>');
  lines.push('</testsuites>');
  return lines.join('\n') + '\n';
}

interface TestCase {
  classname: string;
  name: string;
  /** Seconds. Gates take none of their own; the run's time sits on "run completed", so the cases add up to the run. */
  time: number;
  outcome: 'passed' | 'failure' | 'error' | 'skipped';
  /** The failure/error/skipped element: a one-line message and the detail as its text. */
  message?: string;
  type?: string;
  detail?: string;
}

function gateCase(gate: GateVerdict): TestCase {
  const base = { classname: 'loadtest.gates', name: gate.expression, time: 0 };
  if (!gateFailed(gate)) return { ...base, outcome: 'passed' };
  const actual = gate.actual === null ? `no value (${gate.reason ?? gate.actualText})` : gate.actualText;
  return { ...base, outcome: 'failure', type: gate.kind, message: `actual ${actual}, limit ${gate.limitText}`, detail: gateDetail(gate, actual).join('\n') };
}

function gateDetail(gate: GateVerdict, actual: string): string[] {
  return [`gate: ${gate.expression}`, `actual: ${actual}`, `limit: ${gate.limitText}`, ...gateDetailParts(gate).filter((part) => part !== gate.reason)];
}

/**
 * Always present, so a run without gates still reports something. A run stopped by a gate did not
 * complete by design: the gate carries the failure and this case is skipped, not errored.
 */
function runCompletedCase(summary: RunSummary, gates: readonly GateVerdict[]): TestCase {
  const base = { classname: 'loadtest.run', name: 'run completed', time: summary.durationS };
  if (summary.status === 'completed') return { ...base, outcome: 'passed' };
  const abortedBy = gates.find((g) => g.abortedAtS !== undefined);
  if (abortedBy !== undefined) {
    return { ...base, outcome: 'skipped', message: `stopped early by gate ${abortedBy.expression} at ${abortedBy.abortedAtS} s` };
  }
  const detail = [`status: ${summary.status}`, `measured for ${summary.durationS} s; the figures cover what was measured`];
  for (const e of summary.topErrors.slice(0, 5)) detail.push(`${e.count}× ${e.step} ${e.outcome}: ${e.message}`);
  return { ...base, outcome: 'error', type: summary.status, message: `the run ${summary.status === 'failed' ? 'failed' : 'was interrupted'} after ${summary.durationS} s`, detail: detail.join('\n') };
}

function renderCase(c: TestCase): string[] {
  const open = `    <testcase${attributes({ classname: c.classname, name: c.name, time: seconds(c.time) })}`;
  if (c.outcome === 'passed') return [`${open}/>`];
  const element = c.outcome;
  const attrs = attributes({ message: c.message ?? '', ...(c.type === undefined ? {} : { type: c.type }) });
  const body = c.detail === undefined ? `<${element}${attrs}/>` : `<${element}${attrs}>${escapeText(c.detail)}</${element}>`;
  return [`${open}>`, `      ${body}`, '    </testcase>'];
}

function runProperties(summary: RunSummary, gates: readonly GateVerdict[]): Record<string, string> {
  const o = summary.overall;
  return {
    scenario: summary.scenario,
    target: summary.target,
    status: summary.status,
    verdict: runVerdict(summary, gates),
    durationS: String(summary.durationS),
    requests: String(o.requests),
    rps: String(o.rps),
    errorRate: String(o.errorRate),
    p50Ms: String(o.latency.p50),
    p95Ms: String(o.latency.p95),
    p99Ms: String(o.latency.p99),
    dropped: String(o.dropped),
  };
}

function plainSummary(summary: RunSummary, gates: readonly GateVerdict[]): string {
  const o = summary.overall;
  const failed = gates.filter(gateFailed).length;
  const lines = [
    `${summary.scenario} → ${summary.target}: ${summary.status}${summary.partial ? ' (partial)' : ''}, ${summary.durationS} s, verdict ${runVerdict(summary, gates)}`,
    `requests ${o.requests} (${o.rps}/s), errors ${o.errors} (${(o.errorRate * 100).toFixed(2)}%), dropped ${o.dropped}`,
    `latency ms: p50 ${o.latency.p50}, p95 ${o.latency.p95}, p99 ${o.latency.p99}, max ${o.latency.max}`,
    `gates: ${gates.length - failed} passed, ${failed} failed`,
  ];
  for (const e of summary.topErrors.slice(0, 3)) lines.push(`error: ${e.count}× ${e.step} ${e.outcome}: ${e.message}`);
  return lines.join('\n');
}

function seconds(value: number): string {
  return value.toFixed(3);
}

function attributes(values: Record<string, string | number>): string {
  return Object.entries(values)
    .map(([name, value]) => ` ${name}="${escapeAttribute(String(value))}"`)
    .join('');
}

/**
 * XML 1.0 allows tab, newline, CR, U+0020–U+D7FF, U+E000–U+FFFD and the astral planes. Iterating by
 * code point keeps valid surrogate pairs together; a lone surrogate arrives on its own and is dropped.
 */
function xmlSafe(text: string): string {
  let out = '';
  for (const char of text) {
    const code = char.codePointAt(0) as number;
    const allowed =
      code === 0x9 || code === 0xa || code === 0xd || (code >= 0x20 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0xfffd) || code >= 0x10000;
    if (allowed) out += char;
  }
  return out;
}

const TEXT_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;', '\r': '&#13;' };
// Parsers turn raw tab, newline and CR in attribute values into spaces; character references survive.
const ATTRIBUTE_ESCAPES: Record<string, string> = { ...TEXT_ESCAPES, '\t': '&#9;', '\n': '&#10;' };

function escapeText(text: string): string {
  return xmlSafe(text).replace(/[&<>"'\r]/g, (c) => TEXT_ESCAPES[c] as string);
}

function escapeAttribute(text: string): string {
  return xmlSafe(text).replace(/[&<>"'\r\n\t]/g, (c) => ATTRIBUTE_ESCAPES[c] as string);
}
