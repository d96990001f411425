import { mulberry32 } from '../../helpers/mulberry32.js';

/** A seeded generator so noisy test data is the same on every run. */
export const seededRandom = mulberry32;

/** Multiplicative noise, uniform within ±spread (0.03 = ±3%), as run-to-run spread of a knee looks. */
export function withNoise(value: number, spread: number, random: () => number): number {
  return value * (1 + spread * (2 * random() - 1));
}
