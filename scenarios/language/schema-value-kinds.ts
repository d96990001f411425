// Builders for the value kinds the scenario schema uses in many places (durations, rates, sizes, …).
// Each use gets its own description; the shared `title` is how schema-issues.ts recognises the kind and
// words its "expected …" message.

import { DURATION_PATTERN } from './duration.js';
import { CPU_PATTERN, MEMORY_PATTERN } from './quantity.js';
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
  cpu: 'CPU quantity',
  memory: 'Memory quantity',
  pid: 'Process id',
  command: 'Command',
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


export const cpuQuantity = (description: string): Schema => ({
  title: VALUE_KIND.cpu,
  description: `${description} Cores as in Kubernetes: 500m (millicores), 0.5 or 2.`,
  type: ['string', 'number'],
  pattern: CPU_PATTERN,
  exclusiveMinimum: 0,
});

export const memoryQuantity = (description: string): Schema => ({
  title: VALUE_KIND.memory,
  description: `${description} Bytes as in Kubernetes: 256Mi, 1Gi (binary), 512M, 1G (decimal), 129e6 or a number.`,
  type: ['string', 'number'],
  pattern: MEMORY_PATTERN,
  exclusiveMinimum: 0,
});

// A string too, because `${env.PID}` interpolation always yields strings.
export const pid = (description: string): Schema => ({
  title: VALUE_KIND.pid,
  description: `${description} A process id: a whole number, or a string of digits.`,
  type: ['integer', 'string'],
  pattern: '^\\d+$',
  minimum: 1,
});
