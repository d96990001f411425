// Feeders: rows of test data (users, products, …) read from CSV or JSON and handed to iterations.
// Rows are loaded once at scenario load, so a broken data file fails before any load is sent.

import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import type { DataRow, FeederSpec } from '../model.js';
import { globalIndex, WHOLE, type Segment } from '../segment.js';

export interface Feeder {
  /** The next row, or undefined when a `unique` feeder is exhausted (or has no rows). */
  next(): DataRow | undefined;
}

/** Reads a feeder file; throws an Error naming the file and what is wrong with it. */
export function loadFeederRows(file: string): DataRow[] {
  const kind = extname(file).toLowerCase();
  if (kind !== '.csv' && kind !== '.json') {
    throw new Error(`feeder file ${file} has unsupported type "${kind || '(none)'}"; use .csv (with a header row) or .json (an array of objects)`);
  }
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new Error(code === 'ENOENT' ? `feeder file not found: ${file}` : `cannot read feeder file ${file}: ${(error as Error).message}`);
  }
  const rows = kind === '.csv' ? csvRows(file, text) : jsonRows(file, text);
  if (rows.length === 0) throw new Error(`feeder file ${file} has no rows`);
  return rows;
}

function csvRows(file: string, text: string): DataRow[] {
  try {
    // Values stay strings: ids such as "007" must reach the target exactly as written.
    return parseCsv(text, { columns: true, skip_empty_lines: true, trim: true, bom: true }) as DataRow[];
  } catch (error) {
    throw new Error(`feeder file ${file} is not valid CSV: ${(error as Error).message}`);
  }
}

function jsonRows(file: string, text: string): DataRow[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`feeder file ${file} is not valid JSON: ${(error as Error).message}`);
  }
  if (!Array.isArray(value)) throw new Error(`feeder file ${file} must hold a JSON array of objects, got ${typeName(value)}`);
  value.forEach((row, index) => {
    if (row === null || typeof row !== 'object' || Array.isArray(row)) {
      throw new Error(`feeder file ${file}: row ${index} must be an object, got ${typeName(row)}`);
    }
    for (const [key, cell] of Object.entries(row as Record<string, unknown>)) {
      if (cell !== null && typeof cell === 'object') {
        throw new Error(`feeder file ${file}: row ${index}, "${key}" must be a string, number, boolean or null, got ${typeName(cell)}`);
      }
    }
  });
  return value as DataRow[];
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/**
 * A row source for one feeder. `random` is injected so runs are reproducible from a seed.
 * sequential: rows in order, wrapping around; random: uniform with replacement; unique: each row once.
 */
/**
 * A feeder over `spec.rows`. Under a segment (one of N workers) sequential and unique feeders hand
 * out this worker's stripe: its k-th draw is row kN + i, the row a single generator would have given
 * that iteration, so a unique row goes to one worker only.
 */
export function createFeeder(spec: FeederSpec, random: () => number, segment: Segment = WHOLE): Feeder {
  const { rows } = spec;
  let draws = 0;
  switch (spec.order) {
    case 'sequential':
      return {
        next: () => (rows.length === 0 ? undefined : rows[globalIndex(draws++, segment) % rows.length]),
      };
    case 'random':
      // min() guards against a random source that can return exactly 1.
      return { next: () => (rows.length === 0 ? undefined : rows[Math.min(rows.length - 1, Math.floor(random() * rows.length))]) };
    case 'unique':
      return {
        next: () => {
          const index = globalIndex(draws, segment);
          if (index >= rows.length) return undefined;
          draws++;
          return rows[index];
        },
      };
  }
}
