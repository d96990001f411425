// JSON Schema of one flow step as users write it. One object type with every step key rather than a
// oneOf of request/loop/think steps: a oneOf would turn one typo into an error per alternative. Which
// keys may be combined is checked in normalize-steps.ts, with the same positions.

import { DURATION_PATTERN } from './duration.js';
import { duration, integer, scalarMap, string, strings, VALUE_KIND, type Schema } from './schema-value-kinds.js';

const think: Schema = {
  title: VALUE_KIND.think,
  description: 'Pause after the step: a duration, or { min, max } for a uniformly random pause in that range.',
  type: ['string', 'number', 'object'],
  pattern: DURATION_PATTERN,
  minimum: 0,
  additionalProperties: false,
  required: ['min', 'max'],
  properties: {
    min: duration('Shortest pause.'),
    max: duration('Longest pause.'),
  },
};

const request: Schema = {
  description: 'The HTTP request this step sends. String values are {{handlebars}} templates.',
  type: 'object',
  additionalProperties: false,
  required: ['url'],
  properties: {
    method: { title: VALUE_KIND.method, description: 'HTTP method. Default GET.', type: 'string', pattern: '^[A-Za-z]+$' },
    url: string('URL template; relative URLs are resolved against the scenario target.'),
    headers: scalarMap('Request headers (templates), merged over defaults.headers.'),
    query: scalarMap('Query parameters (templates), appended to the URL.'),
    json: { description: 'JSON body; every string in it is a template. Sets content-type: application/json. Not with `body`.' },
    body: string('Raw body template, sent as is. Not with `json`.'),
    timeout: duration('Timeout for this request, overriding defaults.timeout.', true),
  },
};

const capture: Schema = {
  description: 'Where to take the value from: exactly one of json, header or regex.',
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: {
    json: string('JSON path into the response body, e.g. $.token.'),
    header: string('Response header name (case-insensitive).'),
    regex: string('Regular expression run on the response body.'),
    group: integer('Capture group of `regex` to take. Default 1.', 0),
  },
};

const check: Schema = {
  description: 'Conditions the response must meet; a failed check counts the request as check_failed.',
  type: 'object',
  additionalProperties: false,
  properties: {
    status: {
      title: VALUE_KIND.statusCodes,
      description: 'Acceptable status code or list of codes. Default: any 2xx or 3xx.',
      type: ['integer', 'array'],
      minimum: 100,
      maximum: 599,
      minItems: 1,
      items: { type: 'integer', minimum: 100, maximum: 599 },
    },
    body: {
      description: 'Conditions on the response body text.',
      type: 'object',
      additionalProperties: false,
      properties: {
        contains: strings('Substring(s) the body must contain.'),
        matches: strings('Regular expression(s) the body must match.'),
      },
    },
    json: {
      description: 'Map of JSON path to expected value, e.g. { "$.status": "ok" }.',
      type: 'object',
      additionalProperties: true,
    },
    latency: duration('Maximum service time; slower responses fail the check.', true),
  },
};

export const stepSchema: Schema = {
  description:
    'A request step (has `request`), a loop step (has `loop` and `steps`) or a bare pause (only `think`).',
  type: 'object',
  additionalProperties: false,
  properties: {
    name: string('Step name used in every metric; unique within its flow. Default "<METHOD> <url>".'),
    request,
    capture: {
      description: 'Values to extract from the response, usable as {{name}} in later steps.',
      type: 'object',
      additionalProperties: capture,
    },
    check,
    think,
    loop: integer('Repeat the nested `steps` this many times.', 1),
    steps: {
      description: 'The steps a loop repeats.',
      type: 'array',
      minItems: 1,
      items: { $ref: '#/definitions/step' },
    },
  },
};

