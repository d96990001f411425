// Byte sizes such as "1MB" or "512KB". Binary multiples (1KB = 1024 bytes): these size buffers, and
// nobody sizing a buffer means 1000.

const BYTES_PER_UNIT = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 } as const;

/** JSON Schema pattern for a size string (units are case-insensitive). */
export const SIZE_PATTERN = '^\\d+(?:\\.\\d+)?\\s*[kKmMgG]?[bB]$|^\\d+$';

const SIZE = /^(\d+(?:\.\d+)?)\s*([kmg]?b)?$/i;

export const SIZE_HINT = 'a size such as 1MB, 512KB, 100B or a number of bytes';

/** Parses a size into whole bytes; throws an Error naming the expected forms. */
export function parseSize(text: string | number): number {
  if (typeof text === 'number') {
    if (!Number.isInteger(text) || text < 0) throw new Error(`expected ${SIZE_HINT}, got ${text}`);
    return text;
  }
  const match = SIZE.exec(text.trim());
  if (!match) throw new Error(`expected ${SIZE_HINT}, got ${JSON.stringify(text)}`);
  const unit = (match[2] ?? 'b').toLowerCase() as keyof typeof BYTES_PER_UNIT;
  return Math.floor(Number(match[1]) * BYTES_PER_UNIT[unit]);
}
