// A gate is one pass/fail check of a run: a threshold expression from the scenario or the command
// line, or a regression limit against a baseline summary. Every output (terminal, JSON, JUnit,
// Markdown, HTML) renders the same verdicts.

export interface FailingWindow {
  startS: number;
  endS: number;
}

export interface GateVerdict {
  kind: 'threshold' | 'regression';
  /** The gate as written, e.g. "p99[30s]<300ms" or "p99:+10%". */
  expression: string;
  passed: boolean;
  /** The measured value in the expression's unit (ms, ratio, per second, cores, bytes, count); for windows, the worst window's. */
  actual: number | null;
  actualText: string;
  /** The limit it was held to, readable: "< 300 ms", "≤ +10% of 212 ms". */
  limitText: string;
  /** Why there was nothing to judge, when actual is null ("no step named x in this run", "no data"). */
  reason?: string;
  /** Sliding-window gates: the window length, where the worst window started and the stretches that failed. */
  window?: {
    seconds: number;
    worstStartS: number | null;
    evaluated: number;
    failed: number;
    failing: FailingWindow[];
  };
  /** Regression gates: the baseline's value and the change. */
  baseline?: { value: number | null; valueText: string; changeText: string };
  abortOnFail?: boolean;
  /** Set on the gate that stopped the run early, with when (run clock). */
  abortedAtS?: number;
}

export type Verdict = 'pass' | 'fail';
