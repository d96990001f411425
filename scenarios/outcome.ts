// How one request ended. Every request lands in exactly one class; reports count errors by class
// and keep a latency histogram per (step, outcome), so "slow because failing" is visible.

export const OUTCOMES = [
  'ok',
  'http_4xx',
  'http_5xx',
  'check_failed',
  'timeout',
  'connect_refused',
  'reset',
  'dns',
  'other',
] as const;

export type Outcome = (typeof OUTCOMES)[number];

export function isError(outcome: Outcome): boolean {
  return outcome !== 'ok';
}

/** Why an iteration that was due did not start. */
export type DropReason = 'max_in_flight' | 'data_exhausted';
