// How a recommendation sets a CPU limit: none (the default: a CFS quota throttles bursts into tail
// latency), or a multiple of the request. Written "none" or "2x", in a scenario's `capacity:` section
// and on `loadtest recommend --cpu-limit` alike.

export type CpuLimitPolicy = { kind: 'none' } | { kind: 'multiple-of-request'; multiple: number };

/** JSON Schema pattern of the written form. */
export const CPU_LIMIT_PATTERN = '^(none|\\d+(\\.\\d+)?x)$';

/** Reads "none" or "<n>x" (n ≥ 1); throws an Error saying what was expected. */
export function parseCpuLimitPolicy(text: string): CpuLimitPolicy {
  const trimmed = text.trim();
  if (trimmed === 'none') return { kind: 'none' };
  const multiple = /^(\d+(?:\.\d+)?)x$/.exec(trimmed);
  if (!multiple) throw new Error(`expected "none" or a multiple of the request such as 2x, got ${JSON.stringify(text)}`);
  if (Number(multiple[1]) < 1) throw new Error(`a limit below the request cannot be set, got ${JSON.stringify(text)}`);
  return { kind: 'multiple-of-request', multiple: Number(multiple[1]) };
}
