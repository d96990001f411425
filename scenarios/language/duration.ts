// Durations as people write them in scenario files ("500ms", "30s", "1m30s") or as a plain number of
// milliseconds. Everything downstream works in milliseconds.

const MS_PER_UNIT = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;

/**
 * JSON Schema pattern for a duration string. `ms` comes before `m` so "5ms" is not read as "5m" + "s".
 * A bare number string is accepted too, because `${env.X}` interpolation always yields strings.
 */
export const DURATION_PATTERN = '^(?:\\d+(?:\\.\\d+)?(?:ms|h|m|s))+$|^\\d+(?:\\.\\d+)?$';

const BARE_NUMBER = /^\d+(?:\.\d+)?$/;
const COMPONENT = /(\d+(?:\.\d+)?)(ms|h|m|s)/y;

export const DURATION_HINT = 'a duration such as 500ms, 30s, 2m, 1h, 1m30s or a number of milliseconds';

/** Parses a duration into milliseconds; throws an Error naming the expected forms. */
export function parseDuration(text: string | number): number {
  if (typeof text === 'number') {
    if (!Number.isFinite(text) || text < 0) throw new Error(`expected ${DURATION_HINT}, got ${text}`);
    return text;
  }
  const trimmed = text.trim();
  if (BARE_NUMBER.test(trimmed)) return Number(trimmed);
  let total = 0;
  let consumed = 0;
  COMPONENT.lastIndex = 0;
  for (let match = COMPONENT.exec(trimmed); match; match = COMPONENT.exec(trimmed)) {
    total += Number(match[1]) * MS_PER_UNIT[match[2] as keyof typeof MS_PER_UNIT];
    consumed = COMPONENT.lastIndex;
  }
  if (consumed === 0 || consumed !== trimmed.length) {
    throw new Error(`expected ${DURATION_HINT}, got ${JSON.stringify(text)}`);
  }
  return total;
}

/** Formats milliseconds so that parseDuration(formatDuration(ms)) === ms for whole milliseconds. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  if (ms < 1000) return `${ms}ms`;
  let rest = Math.round(ms);
  let text = '';
  for (const unit of ['h', 'm', 's'] as const) {
    const size = MS_PER_UNIT[unit];
    const count = Math.floor(rest / size);
    if (count > 0) text += `${count}${unit}`;
    rest -= count * size;
  }
  return rest > 0 ? `${text}${rest}ms` : text;
}
