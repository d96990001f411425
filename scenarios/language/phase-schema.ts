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

export const phaseSchema: Schema = {
  description: 'A load phase; `executor` selects the model and which other keys apply.',
  type: 'object',
  required: ['executor'],
  // Listed here (not only in each branch) so editors can complete the executor name.
  properties: { executor: { description: 'Which load model this phase uses.', enum: [...EXECUTOR_NAMES] } },
  discriminator: { propertyName: 'executor' },
  oneOf: EXECUTOR_NAMES.map((name) => ({ $ref: `#/definitions/${name}` })),
};
