// JSON Schema of the load phases: one definition per executor, each listing only its own keys, so a
// phase is validated (with ajv's discriminator on `executor`) against the right keys and nothing else.

import { EXECUTOR_NAMES } from '../model.js';
import { duration, integer, rate, string, type Schema } from './schema-value-kinds.js';

const phaseName = string('Phase name, unique. Default phase-<n>.');
const maxInFlight = integer('Bound on iterations in flight; iterations due beyond it are counted as dropped. Default 1000.', 1);

const phase = (executor: string, description: string, properties: Schema, required: string[]): Schema => ({
  description,
  type: 'object',
  additionalProperties: false,
  required: ['executor', 'duration', ...required],
  properties: {
    name: phaseName,
    executor: { description, const: executor },
    duration: duration('How long the phase runs.', true),
    ...properties,
  },
});

export const phaseDefinitions: Record<string, Schema> = {
  'constant-arrival-rate': phase(
    'constant-arrival-rate',
    'Open model: start iterations at a fixed rate whatever the target does.',
    { rate: rate('Iterations started per second.', true), maxInFlight },
    ['rate'],
  ),
  'ramping-arrival-rate': phase(
    'ramping-arrival-rate',
    'Open model: ramp the iteration start rate linearly from `from` to `to`.',
    { from: rate('Start rate.'), to: rate('End rate.'), maxInFlight },
    ['from', 'to'],
  ),
  'constant-vus': phase(
    'constant-vus',
    'Closed model: a fixed number of virtual users, each starting its next iteration when the last ends.',
    { vus: integer('Number of virtual users.', 1) },
    ['vus'],
  ),
  'ramping-vus': phase(
    'ramping-vus',
    'Closed model: ramp the number of virtual users linearly from `from` to `to`.',
    { from: integer('Virtual users at the start.', 0), to: integer('Virtual users at the end.', 0) },
    ['from', 'to'],
  ),
};

/** A capacity search's objective; also the `capacity:` section's. */
export const sloSchema: Schema = {
  description: 'What a level must meet to hold, e.g. { p99: 250ms, errors: 0.1% }. Latency counts from when each request was due.',
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: {
    p50: duration('Highest p50.', true),
    p90: duration('Highest p90.', true),
    p95: duration('Highest p95.', true),
    p99: duration('Highest p99.', true),
    'p99.9': duration('Highest p99.9.', true),
    errors: { description: 'Highest share of failed requests: 1%, 0.1% or a fraction. Default 1%.', type: ['string', 'number'] },
  },
};

phaseDefinitions['capacity-search'] = {
  description:
    'Open model, searching: hold one arrival rate after another from `from` up to `to` and record the highest at which `slo` held (the knee). Ends at the first level that fails, after `refine` bisections.',
  type: 'object',
  additionalProperties: false,
  required: ['executor', 'from', 'to'],
  properties: {
    name: phaseName,
    executor: { description: 'Search for the highest arrival rate that meets the SLO.', const: 'capacity-search' },
    from: rate('First rate tried.', true),
    to: rate('Highest rate tried.', true),
    step: rate('Each level this much above the last (default: `from`). Not with `factor`.', true),
    factor: { description: 'Each level this many times the last, e.g. 1.5. Not with `step`.', type: 'number', exclusiveMinimum: 1 },
    levelDuration: duration('How long each level is held; long enough for stable percentiles. Default 20s.', true),
    warmup: duration('The start of each level not judged, while the target settles to the new rate. Default a quarter of levelDuration.'),
    refine: integer('Bisections between the last level that held and the first that failed. Default 2.', 0),
    slo: { ...sloSchema, description: `${sloSchema.description as string} Default: the \`capacity:\` section's slo.` },
    maxInFlight,
  },
};

export const phaseSchema: Schema = {
  description: 'A load phase; `executor` selects the model and which other keys apply.',
  type: 'object',
  required: ['executor'],
  // Listed here (not only in each branch) so editors can complete the executor name.
  properties: { executor: { description: 'Which load model this phase uses.', enum: [...EXECUTOR_NAMES] } },
  discriminator: { propertyName: 'executor' },
  oneOf: EXECUTOR_NAMES.map((name) => ({ $ref: `#/definitions/${name}` })),
};
