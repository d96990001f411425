import { InvalidArgumentError } from 'commander';
import { parseDuration } from '../scenarios/language/duration.js';
import { parseRate } from '../scenarios/language/rate.js';

// Command-line values in the scenario language's words, refused by commander with the form expected.

export function rateOption(value: string): number {
  try {
    const rate = parseRate(value);
    if (rate > 0) return rate;
  } catch {
    // reported below
  }
  throw new InvalidArgumentError(`expected a rate such as 800/s or 48000/m, got ${JSON.stringify(value)}`);
}

export function durationOption(value: string): number {
  try {
    const ms = parseDuration(value);
    if (ms > 0) return ms;
  } catch {
    // reported below
  }
  throw new InvalidArgumentError(`expected a duration such as 30s or 2m, got ${JSON.stringify(value)}`);
}

/** A commander option reader from a parser that throws with what it expected. */
export function parsedBy<T>(parse: (text: string) => T): (value: string) => T {
  return (value) => {
    try {
      return parse(value);
    } catch (error) {
      throw new InvalidArgumentError((error as Error).message);
    }
  };
}
