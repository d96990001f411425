// Arrival rates: "200/s", "6000/m", "50/h", or a plain number meaning iterations per second.

const SECONDS_PER_UNIT = { s: 1, m: 60, h: 3600 } as const;

/** JSON Schema pattern for a rate string; bare numbers are allowed because env interpolation yields strings. */
export const RATE_PATTERN = '^\\d+(?:\\.\\d+)?\\s*/\\s*[smh]$|^\\d+(?:\\.\\d+)?$';

const RATE = /^(\d+(?:\.\d+)?)\s*(?:\/\s*([smh]))?$/;

export const RATE_HINT = 'a rate such as 200/s, 6000/m or a number per second';

/** Parses a rate into iterations per second; throws an Error naming the expected forms. */
export function parseRate(text: string | number): number {
  if (typeof text === 'number') {
    if (!Number.isFinite(text) || text < 0) throw new Error(`expected ${RATE_HINT}, got ${text}`);
    return text;
  }
  const match = RATE.exec(text.trim());
  if (!match) throw new Error(`expected ${RATE_HINT}, got ${JSON.stringify(text)}`);
  const unit = (match[2] ?? 's') as keyof typeof SECONDS_PER_UNIT;
  return Number(match[1]) / SECONDS_PER_UNIT[unit];
}
