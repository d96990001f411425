// Builders for the value kinds the scenario schema uses in many places (durations, rates, sizes, …).
// Each use gets its own description; the shared `title` is how schema-issues.ts recognises the kind and
// words its "expected …" message.

import { DURATION_PATTERN } from './duration.js';
import { RATE_PATTERN } from './rate.js';

export type Schema = Record<string, unknown>;

/** Titles of the value kinds; schema-issues.ts maps each to an "expected …" phrase. */
export const VALUE_KIND = {
  duration: 'Duration',
  rate: 'Rate',
  size: 'Size',
  think: 'Think time',
  statusCodes: 'Status codes',
  strings: 'String or list of strings',
  scalar: 'Text value',
  method: 'HTTP method',
} as const;

export const duration = (description: string, exclusiveMinimum = false): Schema => ({
  title: VALUE_KIND.duration,
  description: `${description} A duration: 500ms, 30s, 2m, 1h, 1m30s, or a number of milliseconds.`,
  type: ['string', 'number'],
  pattern: DURATION_PATTERN,
  ...(exclusiveMinimum ? { exclusiveMinimum: 0 } : { minimum: 0 }),
});

export const rate = (description: string, exclusiveMinimum = false): Schema => ({
  title: VALUE_KIND.rate,
  description: `${description} A number of iterations per second, or a string such as "200/s" or "6000/m".`,
  type: ['string', 'number'],
  pattern: RATE_PATTERN,
  ...(exclusiveMinimum ? { exclusiveMinimum: 0 } : { minimum: 0 }),
});

export const integer = (description: string, minimum: number): Schema => ({ description, type: 'integer', minimum });
export const string = (description: string): Schema => ({ description, type: 'string' });

// Headers and query values may be written unquoted in YAML (`page: 2`); they are sent as text.
export const scalarMap = (description: string): Schema => ({
  description,
  type: 'object',
  additionalProperties: { title: VALUE_KIND.scalar, type: ['string', 'number', 'boolean'] },
});

export const strings = (description: string): Schema => ({
  title: VALUE_KIND.strings,
  description: `${description} A string or a list of strings.`,
  type: ['string', 'array'],
  items: { type: 'string' },
  minItems: 1,
});

