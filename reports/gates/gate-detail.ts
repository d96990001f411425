import type { GateVerdict } from './gate-types.js';

// The words every output uses to explain a gate beyond actual vs limit: its windows, its baseline,
// the run it stopped, why it had no value.

export function gateFailed(gate: GateVerdict): boolean {
  return !gate.passed || gate.abortedAtS !== undefined;
}

export function gateDetailParts(gate: GateVerdict): string[] {
  const parts: string[] = [];
  if (gate.window !== undefined) {
    const w = gate.window;
    parts.push(`${w.seconds} s windows: ${w.failed} of ${w.evaluated} failed` + (w.worstStartS === null ? '' : `, worst from ${w.worstStartS} s`));
    if (w.failing.length > 0) parts.push(`failing ${w.failing.map((f) => `${f.startS}–${f.endS} s`).join(', ')}`);
  }
  if (gate.baseline !== undefined) parts.push(`baseline ${gate.baseline.valueText}, change ${gate.baseline.changeText}`);
  if (gate.abortedAtS !== undefined) parts.push(`stopped the run at ${gate.abortedAtS} s`);
  if (gate.reason !== undefined) parts.push(gate.reason);
  return parts;
}
