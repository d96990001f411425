// How the HTML report writes numbers: a fixed locale so a report reads the same wherever it was
// rendered, three significant digits where more would be noise, and a dash for "not measured".

const NONE = '—';
const grouped = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

function isNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/** Rounds to `digits` significant digits (0 stays 0), so figures carry no false precision. */
export function roundSignificant(value: number, digits: number): number {
  if (value === 0 || !Number.isFinite(value)) return value;
  // toPrecision rounds in decimal, so 0.1-style values come back exact rather than 0.30000000000000004.
  return Number(value.toPrecision(digits));
}

/** 1,234 · 12.3 · 0.0123: grouped integers, otherwise three significant digits. */
export function formatNumber(value: unknown): string {
  if (!isNumber(value)) return NONE;
  if (Math.abs(value) >= 100 || Number.isInteger(value)) return grouped.format(value);
  return String(roundSignificant(value, 3));
}

/** Milliseconds, switching to seconds from one second up. */
export function formatMs(value: unknown): string {
  if (!isNumber(value)) return NONE;
  if (Math.abs(value) >= 1000) return `${formatNumber(value / 1000)} s`;
  return `${formatNumber(value)} ms`;
}

/** A ratio (0.0123) as a percentage (1.23%). */
export function formatRatio(value: unknown): string {
  if (!isNumber(value)) return NONE;
  return formatPercent(value * 100);
}

/** A value that already is a percentage. */
export function formatPercent(value: unknown): string {
  if (!isNumber(value)) return NONE;
  if (value === 0) return '0%';
  return `${Math.abs(value) < 0.01 ? '<0.01' : formatNumber(value)}%`;
}

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

export function formatBytes(value: unknown): string {
  if (!isNumber(value)) return NONE;
  let scaled = value;
  let unit = 0;
  while (Math.abs(scaled) >= 1024 && unit < BYTE_UNITS.length - 1) {
    scaled /= 1024;
    unit++;
  }
  return `${formatNumber(scaled)} ${BYTE_UNITS[unit]}`;
}

export function formatCores(value: unknown): string {
  if (!isNumber(value)) return NONE;
  return `${formatNumber(value)} ${value === 1 ? 'core' : 'cores'}`;
}

/** A length of time: 850 ms · 45.2 s · 12 min 3 s · 1 h 2 min. */
export function formatDuration(seconds: unknown): string {
  if (!isNumber(seconds)) return NONE;
  if (seconds < 1) return formatMs(seconds * 1000);
  if (seconds < 60) return `${formatNumber(seconds)} s`;
  const whole = Math.round(seconds);
  const h = Math.floor(whole / 3600);
  const m = Math.floor((whole % 3600) / 60);
  const s = whole % 60;
  if (h > 0) return m > 0 ? `${h} h ${m} min` : `${h} h`;
  return s > 0 ? `${m} min ${s} s` : `${m} min`;
}

/** A point on the run clock: 0:07.5 · 12:03 · 1:02:03 (tenths only below ten minutes). */
export function formatClock(seconds: unknown): string {
  if (!isNumber(seconds)) return NONE;
  const sign = seconds < 0 ? '−' : '';
  const abs = Math.abs(seconds);
  const tenths = abs < 600 && Math.round(abs * 10) % 10 !== 0;
  const total = tenths ? Math.round(abs * 10) / 10 : Math.round(abs);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const sText = (s < 10 ? '0' : '') + (tenths ? s.toFixed(1) : String(s));
  return h > 0 ? `${sign}${h}:${String(m).padStart(2, '0')}:${sText}` : `${sign}${m}:${sText}`;
}

export function formatRps(value: unknown): string {
  if (!isNumber(value)) return NONE;
  return `${formatNumber(value)}/s`;
}
