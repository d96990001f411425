// Kubernetes resource quantities: the numbers we compute (cores, bytes) rounded *up* to units a
// person would write in a manifest, and the quantity strings for them. Rounding is always up,
// because a request a little too small is the failure that matters (throttling, eviction, OOM).

export const MEBIBYTE = 1024 * 1024;
export const GIBIBYTE = 1024 * MEBIBYTE;

/**
 * CPU rounded up to whole millicores, and to 5m steps above 100m: finer steps are noise next to
 * the run-to-run spread of a load test. Never below 1m (Kubernetes' smallest CPU unit).
 */
export function roundCpuCoresUp(cores: number): number {
  const millicores = Math.max(1, Math.ceil(cores * 1000 - 1e-9));
  const step = millicores > 100 ? 5 : 1;
  return (Math.ceil(millicores / step) * step) / 1000;
}

/** "250m", or whole cores as "2" (both are valid; the short form reads better). */
export function cpuQuantity(cores: number): string {
  const millicores = Math.round(cores * 1000);
  return millicores % 1000 === 0 ? String(millicores / 1000) : `${millicores}m`;
}

/**
 * Memory rounded up to 4 MiB steps below 1 GiB, to 64 MiB steps above: sizes people recognise,
 * and an overshoot of at most a few percent on top of the margin already added.
 */
export function roundMemoryBytesUp(bytes: number): number {
  const step = bytes > GIBIBYTE ? 64 * MEBIBYTE : 4 * MEBIBYTE;
  return Math.max(step, Math.ceil(bytes / step) * step);
}

/** "256Mi", "2Gi"; a byte count not on a MiB boundary is written in bytes ("1500000"). */
export function memoryQuantity(bytes: number): string {
  if (bytes % GIBIBYTE === 0) return `${bytes / GIBIBYTE}Gi`;
  if (bytes % MEBIBYTE === 0) return `${bytes / MEBIBYTE}Mi`;
  return String(Math.ceil(bytes));
}

/** For prose: "0.42 cores". */
export function formatCores(cores: number): string {
  return `${Number(cores.toFixed(cores < 0.1 ? 3 : 2))} cores`;
}

/** For prose: "312 MiB". */
export function formatMebibytes(bytes: number): string {
  return `${Math.round(bytes / MEBIBYTE)} MiB`;
}
