import type { GateVerdict } from '../gates/gate-types.js';
import type { RunSummary } from '../summary-types.js';

// The banner's one line: why the build may or may not be promoted, in words a release meeting reads.

export type ReportVerdict = 'pass' | 'fail' | 'error';

export interface VerdictView {
  kind: ReportVerdict;
  label: string;
  reason: string;
  status: RunSummary['status'];
  partial: boolean;
}

const LISTED_FAILURES = 3;

export function verdictView(verdict: ReportVerdict, gates: readonly GateVerdict[], summary: RunSummary): VerdictView {
  return {
    kind: verdict,
    label: verdict === 'pass' ? 'PASS' : verdict === 'fail' ? 'FAIL' : 'ERROR',
    reason: verdictReason(verdict, gates, summary),
    status: summary.status,
    partial: summary.partial,
  };
}

function verdictReason(verdict: ReportVerdict, gates: readonly GateVerdict[], summary: RunSummary): string {
  const failed = gates.filter((g) => !g.passed);
  const gateText = failed.length > 0 ? failedGatesText(failed, gates.length) : gates.length > 0 ? `all ${gates.length} ${plural(gates.length, 'gate')} passed` : 'no gates defined';
  if (verdict === 'error') return `The run did not complete (${summary.status}); ${gateText} on what was measured.`;
  if (verdict === 'fail' && failed.length === 0) return `The run failed (${summary.status}) although ${gateText}.`;
  return capitalise(gateText) + '.';
}

function failedGatesText(failed: readonly GateVerdict[], total: number): string {
  const listed = failed.slice(0, LISTED_FAILURES).map((g) => g.expression);
  const more = failed.length - listed.length;
  return `${failed.length} of ${total} ${plural(total, 'gate')} failed: ${listed.join(', ')}${more > 0 ? ` and ${more} more` : ''}`;
}

function plural(n: number, word: string): string {
  return n === 1 ? word : `${word}s`;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
