import type { Results } from '../../scenarios/results/results-reader.js';
import type { RunSummary } from '../summary-types.js';

// What makes a run's figures suspect, in words a reader acts on. A report that shows clean numbers
// from a saturated generator or a run that stopped halfway is worse than no report.

/** Event-loop stalls above this make the generator's own timing part of the measured latency. */
const EVENT_LOOP_STALL_MS = 100;
/** Shorter saturation (a busy first sample while targets start) says nothing about the run. */
export const MIN_SATURATED_S = 1;

export function runWarnings(results: Results, summary: RunSummary): string[] {
  const warnings: string[] = [];
  if (summary.status !== 'completed') warnings.push(`The run did not complete (${summary.status}): every figure covers only what was measured before it stopped.`);
  if (results.tornTail) warnings.push('The results stream ends in a cut-off line (the process died mid-write); that line was ignored.');
  const generator = summary.generator;
  if (generator.saturatedSeconds >= MIN_SATURATED_S) {
    warnings.push(`The load generator's machine was saturated for ${generator.saturatedSeconds.toFixed(1)} s: ${generator.saturatedReason ?? 'it was busy'}.`);
  }
  if (generator.maxEventLoopDelayMs > EVENT_LOOP_STALL_MS) {
    warnings.push(`The generator's event loop stalled for up to ${Math.round(generator.maxEventLoopDelayMs)} ms: requests due then were sent late (their latency counts from when they were due, so it is not hidden).`);
  }
  const dropped = summary.overall.iterations.dropped;
  if (dropped > 0) {
    const reasons = Object.entries(summary.overall.iterations.droppedByReason).map(([reason, count]) => `${count} ${reason.replace(/_/g, ' ')}`).join(', ');
    warnings.push(`${dropped} iterations could not start (${reasons}): the system could not keep up with the arrival rate, or the in-flight bound is too low.`);
  }
  for (const error of summary.collectorErrors) warnings.push(`Resource collection: ${error}`);
  for (const fault of summary.faults) if (fault.error !== undefined) warnings.push(`Fault ${fault.label} (${fault.action} ${fault.target}) could not be carried out: ${fault.error}`);
  return warnings;
}
