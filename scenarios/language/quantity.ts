// Kubernetes resource quantities, so that `resources:` can be pasted from a container spec and back:
// CPU as cores or millicores ("500m", "0.5", "2"), memory as bytes with the binary (Ki, Mi, Gi, Ti)
// or decimal (k, M, G, T) suffixes, or an exponent ("129e6"). The model holds cores and bytes.

/** CPU: a number of cores, or whole/fractional millicores with "m". */
export const CPU_PATTERN = '^(?:\\d+(?:\\.\\d*)?|\\.\\d+)m?$';
/**
 * Memory: a number, then one suffix or an exponent. "m" passes the pattern because Kubernetes accepts
 * it, but it means thousandths of a byte: parseMemory rejects it with a message saying so.
 */
export const MEMORY_PATTERN = '^(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[KMGT]i|[kMGT]|[eE]\\d+|m)?$';

export const CPU_HINT = 'a CPU quantity such as 500m (millicores), 0.5 or 2 (cores)';
export const MEMORY_HINT =
  'a memory quantity such as 256Mi or 1Gi (binary suffixes Ki, Mi, Gi, Ti), 512M or 1G (decimal suffixes k, M, G, T), 129e6 or a number of bytes';

const CPU = new RegExp(CPU_PATTERN);
const MEMORY = /^((?:\d+(?:\.\d*)?|\.\d+))([KMGT]i|[kMGT]|[eE]\d+)?$/;

const BYTES_PER_SUFFIX: Record<string, number> = {
  Ki: 1024,
  Mi: 1024 ** 2,
  Gi: 1024 ** 3,
  Ti: 1024 ** 4,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
};

/** Parses a CPU quantity into cores; throws an Error naming the expected forms. */
export function parseCpu(text: string | number): number {
  const shown = typeof text === 'number' ? String(text) : JSON.stringify(text);
  const trimmed = typeof text === 'number' ? String(text) : text.trim();
  if (typeof text === 'number' ? !Number.isFinite(text) || text < 0 : !CPU.test(trimmed)) {
    throw new Error(`expected ${CPU_HINT}, got ${shown}`);
  }
  const millicores = trimmed.endsWith('m') ? Number(trimmed.slice(0, -1)) : Number(trimmed) * 1000;
  // Kubernetes refuses CPU finer than 1m; rounding here would silently change what was asked for.
  if (Math.abs(millicores - Math.round(millicores)) > 1e-9) {
    throw new Error(`CPU is set in steps of 1m (0.001 cores), got ${shown}`);
  }
  return Math.round(millicores) / 1000;
}

/** Parses a memory quantity into whole bytes (fractions round up, as Kubernetes does). */
export function parseMemory(text: string | number): number {
  const shown = typeof text === 'number' ? String(text) : JSON.stringify(text);
  if (typeof text === 'number') {
    if (!Number.isFinite(text) || text < 0) throw new Error(`expected ${MEMORY_HINT}, got ${shown}`);
    return Math.ceil(text);
  }
  const trimmed = text.trim();
  const match = MEMORY.exec(trimmed);
  if (!match) {
    // The one slip worth naming: "256m" is valid Kubernetes but means 0.256 bytes.
    const milli = /^(\d+(?:\.\d+)?)m$/.exec(trimmed);
    if (milli) throw new Error(`"m" means thousandths of a byte; write ${milli[1]}Mi or ${milli[1]}M, got ${shown}`);
    throw new Error(`expected ${MEMORY_HINT}, got ${shown}`);
  }
  const suffix = match[2] ?? '';
  const multiplier = suffix.startsWith('e') || suffix.startsWith('E') ? 10 ** Number(suffix.slice(1)) : (BYTES_PER_SUFFIX[suffix] ?? 1);
  return Math.ceil(Number(match[1]) * multiplier);
}
