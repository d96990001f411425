// Kubernetes resource quantities ("250m", "1234567n", "2", "128974848", "123456Ki", "1.5Gi",
// "1e3") as plain numbers: cores for CPU, bytes for memory. The metrics API and pod specs write
// them in whatever suffix is exact, so every form the API accepts must read back the same.

const SUFFIXES: Record<string, number> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

// <sign><digits>[.<digits>] then a binary or decimal suffix, or an exponent (e3, E-2). "1E" alone is exa.
const QUANTITY = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE])?)$/;

/** The quantity's value in base units, or null when the text is not a quantity. */
export function parseQuantity(text: string): number | null {
  const match = QUANTITY.exec(text.trim());
  if (match === null) return null;
  const [, number, exponent, suffix] = match;
  if (exponent !== undefined) return Number(`${number}${exponent}`);
  const scale = SUFFIXES[suffix ?? ''] as number;
  // Integers with a small scale are divided rather than multiplied, so 250m is exactly 0.25.
  return scale < 1 ? Number(number) / Math.round(1 / scale) : Number(number) * scale;
}
