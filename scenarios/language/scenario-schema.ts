// JSON Schema of the scenario file as users write it (not the normalised model). `loadtest schema` prints
// it for editors; the loader validates with it. Draft-07 because that is what YAML and JSON editor
// plugins understand best. Steps, phases and the environment (targets, collect, faults) have their own
// files; value kinds (durations, rates, …) are inlined rather than $ref'd so each use carries its own
// description.

import { capacitySchema } from './capacity-schema.js';
import { collectSchema, faultsSchema, sourceDefinitions, sourceSchema, targetsSchema } from './environment-schema.js';
import { phaseDefinitions, phaseSchema } from './phase-schema.js';
import { SIZE_PATTERN } from './size.js';
import { duration, integer, scalarMap, string, VALUE_KIND, type Schema } from './schema-value-kinds.js';
import { stepSchema } from './step-schema.js';

export const scenarioJsonSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'loadtest scenario',
  description:
    'A load test: the flows virtual users run, the phases of load, the thresholds that must hold, and optionally the targets it starts, the resources it samples and the faults it injects.',
  type: 'object',
  additionalProperties: false,
  required: ['name', 'flows', 'phases'],
  properties: {
    $schema: string('URL or path of this schema, for editors.'),
    name: { description: 'Scenario name, shown in reports.', type: 'string', minLength: 1 },
    target: string(
      'Base URL (http or https) relative request URLs resolve against, or the name of a target under `targets:` (requests then go to its replicas). `--target` overrides it. ${env.X} and ${env.X:-default} are replaced from the environment.',
    ),
    http: {
      description: 'HTTP client settings.',
      type: 'object',
      additionalProperties: false,
      properties: {
        connections: integer('Connections per origin. Default 64.', 1),
        pipelining: integer('Requests pipelined per connection; 1 means none. Default 1.', 1),
        maxBodySize: {
          title: VALUE_KIND.size,
          description: 'Response bytes kept for captures and checks; the rest is counted and discarded. Default 1MB. A size such as 1MB, 512KB (1KB = 1024 bytes) or a number of bytes.',
          type: ['string', 'integer'],
          pattern: SIZE_PATTERN,
          minimum: 0,
        },
      },
    },
    defaults: {
      description: 'Defaults applied to every request.',
      type: 'object',
      additionalProperties: false,
      properties: {
        headers: scalarMap('Headers sent with every request.'),
        timeout: duration('Request timeout. Default 10s.', true),
      },
    },
    gracefulStop: duration('How long in-flight iterations may finish after the last phase. Default 5s.'),
    data: {
      description: 'Feeders: named row sources usable in templates as {{feeder.column}}.',
      type: 'object',
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        required: ['file'],
        properties: {
          file: string('CSV file with a header row, or JSON array of objects; relative to the scenario file.'),
          order: {
            description: 'sequential (default, wraps around), random, or unique (each row once; iterations stop when exhausted).',
            enum: ['sequential', 'random', 'unique'],
          },
        },
      },
    },
    flows: {
      description: 'Business flows; each iteration runs one, picked by weight.',
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['steps'],
        properties: {
          name: string('Flow name. Default flow-<n>.'),
          weight: { description: 'Relative share of iterations. Default 1.', type: 'number', exclusiveMinimum: 0 },
          steps: { description: 'Steps run in order.', type: 'array', minItems: 1, items: { $ref: '#/definitions/step' } },
        },
      },
    },
    phases: {
      description: 'Load phases, run in sequence.',
      type: 'array',
      minItems: 1,
      items: { $ref: '#/definitions/phase' },
    },
    thresholds: {
      description:
        'Pass/fail criteria such as "p99<250ms", "errors<1%", "rps>=900", "step:login.p95<300ms", "phase:peak.p99<300ms", "flow:buy.errors<1%", "target:kv.cpu.p95<0.8" or over a sliding window "p99[30s]<300ms". An entry may be an object to stop the run as soon as it fails.',
      type: 'array',
      items: {
        // One schema for both forms: properties and required apply to the object form only.
        type: ['string', 'object'],
        required: ['threshold'],
        additionalProperties: false,
        properties: {
          threshold: { type: 'string', description: 'The threshold expression.' },
          abortOnFail: { type: 'boolean', description: 'Watch it during the run and stop the load as soon as it fails (exit code 1).' },
          delayAbortEval: duration('Do not judge it for abortOnFail before this much of the run has passed (default 0).'),
        },
      },
    },
    targets: targetsSchema,
    collect: collectSchema,
    faults: faultsSchema,
    capacity: capacitySchema,
  },
  definitions: {
    step: stepSchema,
    phase: phaseSchema,
    ...phaseDefinitions,
    source: sourceSchema,
    ...sourceDefinitions,
  },
} as const satisfies Schema;
