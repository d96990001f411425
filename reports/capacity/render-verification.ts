import type { VerificationOutcome } from './capacity-study-types.js';

// A verification on the terminal: each predicted figure beside what the run measured at peak, then
// one line that says whether the recommendation held.

export function renderVerification(target: string, outcome: VerificationOutcome): string {
  const rows = outcome.checks.map((c) => [c.outcome === 'info' ? '' : c.outcome.toUpperCase(), c.name, c.predicted, c.observed]);
  const header = ['', 'check', 'predicted', 'observed'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd();
  const verdict = outcome.sloHeld
    ? `verify: PASS: the SLO held for ${target} at ${outcome.replicas} replicas, ${outcome.peakRps}/s for ${outcome.durationS.toFixed(0)} s`
    : `verify: FAIL: the recommendation for ${target} (${outcome.replicas} replicas) did not hold at ${outcome.peakRps}/s`;
  return ['', 'prediction vs outcome (at peak):', line(header), ...rows.map(line), '', verdict, ''].join('\n');
}
