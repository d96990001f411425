import type { FaultRecord, OutageRecord, StepIntervalRecord } from '../../scenarios/results/results-format.js';
import type { GateVerdict } from '../gates/gate-types.js';
import type { FaultDrillRow } from './analysis-types.js';

// The chaos drill as the clients lived it: for each fault, the outages it caused (the stream
// attributes each outage to the last fault before it), how long until clients were served again,
// what failed meanwhile, and which windowed gates noticed. A whole-run gate cannot point at a
// moment, so only sliding-window gates can be said to have caught a fault.

/** `runEndS`: when the last measurement ended; an outage lasting until then never recovered. */
export function faultDrill(faults: readonly FaultRecord[], outages: readonly OutageRecord[], steps: readonly StepIntervalRecord[], gates: readonly GateVerdict[], runEndS: number): FaultDrillRow[] {
  const rows: FaultDrillRow[] = [];
  for (const start of faults) {
    if (start.event !== 'start') continue;
    const end = faults.find((f) => f.event === 'end' && f.label === start.label && f.t >= start.t);
    const own = outages.filter((o) => o.afterFault !== undefined && o.afterFault.startsWith(`${start.label} `) && o.t >= start.t - 1e-6);
    const lastOutageEnd = own.length > 0 ? Math.max(...own.map((o) => o.end)) : null;
    // Impact: until clients were served again, or the fault's own span when no outage followed.
    const impactEnd = lastOutageEnd ?? Math.max(end?.t ?? start.t, start.t + 1);
    let requests = 0;
    let errors = 0;
    for (const step of steps) {
      if (step.t + step.dur <= start.t || step.t >= impactEnd) continue;
      requests += step.count;
      if (step.outcome !== 'ok') errors += step.count;
    }
    const row: FaultDrillRow = {
      label: start.label,
      action: start.action,
      target: start.target,
      replicas: start.replicas,
      detail: start.detail,
      startS: start.t,
      endS: end?.t ?? null,
      outages: own.map((o) => ({ t: o.t, end: o.end, durationS: o.durationS, failed: o.failed, ok: o.ok })),
      unavailableS: round(own.reduce((sum, o) => sum + o.durationS, 0)),
      recoverS: lastOutageEnd === null ? 0 : lastOutageEnd >= runEndS - 0.1 ? null : round(lastOutageEnd - start.t),
      requestsDuring: requests,
      errorsDuring: errors,
      caughtBy: gates.filter((g) => g.window !== undefined && caught(g.window.failing, g.window.seconds, start.t, impactEnd)).map((g) => g.expression),
    };
    if (start.error !== undefined) row.error = start.error;
    rows.push(row);
  }
  return rows;
}

/**
 * A windowed gate caught a fault when one of its failing windows began after the fault took effect
 * (half an interval of timer jitter allowed) and no later than its impact ended: a window that
 * began earlier may have failed on what came before the fault. A failing stretch [a, b] holds the
 * windows starting from a to b − window.
 */
function caught(failing: ReadonlyArray<{ startS: number; endS: number }>, windowS: number, faultS: number, impactEndS: number): boolean {
  return failing.some((stretch) => Math.max(stretch.startS, faultS - 0.5) <= Math.min(stretch.endS - windowS, impactEndS) + 1e-6);
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
