// Validates a raw scenario value against scenarioJsonSchema and turns ajv's errors into sentences a
// scenario author can act on: unknown keys with a suggestion, "expected a duration …, got "5x"", and
// executor-specific "constant-arrival-rate needs "rate"". Phases are dispatched on `executor` with ajv's
// discriminator, so a phase is checked against its own executor's keys only: no oneOf cascades.

import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { EXECUTOR_NAMES } from '../model.js';
import { didYouMean } from './nearest-key.js';
import { scenarioJsonSchema } from './scenario-schema.js';
import { VALUE_KIND } from './schema-value-kinds.js';
import { DURATION_HINT } from './duration.js';
import { RATE_HINT } from './rate.js';
import { SIZE_HINT } from './size.js';
import { CPU_HINT, MEMORY_HINT } from './quantity.js';
import type { PositionTarget } from './source-positions.js';
import { pathFromJsonPointer, type ValuePath } from './value-path.js';

export interface SchemaIssue {
  path: ValuePath;
  message: string;
  target: PositionTarget;
}

const EXPECTED_BY_KIND: Record<string, string> = {
  [VALUE_KIND.duration]: DURATION_HINT,
  [VALUE_KIND.rate]: RATE_HINT,
  [VALUE_KIND.size]: SIZE_HINT,
  [VALUE_KIND.think]: `${DURATION_HINT}, or { min, max }`,
  [VALUE_KIND.statusCodes]: 'a status code (100-599) or a list of them',
  [VALUE_KIND.strings]: 'a string or a list of strings',
  [VALUE_KIND.scalar]: 'a string, number or true/false',
  [VALUE_KIND.method]: 'an HTTP method such as GET or POST',
  [VALUE_KIND.cpu]: CPU_HINT,
  [VALUE_KIND.memory]: MEMORY_HINT,
  [VALUE_KIND.pid]: 'a process id such as 4242 (a whole number, or digits in a string)',
  [VALUE_KIND.command]: 'a list of the program and its arguments such as [node, server.js] (run without a shell)',
};

const EXPECTED_BY_TYPE: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  integer: 'a whole number',
  boolean: 'true or false',
  object: 'a mapping',
  array: 'a list',
  null: 'nothing',
};

type SchemaObject = {
  title?: string;
  type?: string | string[];
  properties?: Record<string, { const?: unknown }>;
};

let validator: ValidateFunction | undefined;

function validate(): ValidateFunction {
  validator ??= new Ajv({ allErrors: true, verbose: true, discriminator: true, allowUnionTypes: true }).compile(
    scenarioJsonSchema,
  );
  return validator;
}

export function schemaIssues(data: unknown): SchemaIssue[] {
  const check = validate();
  if (check(data)) return [];
  const issues: SchemaIssue[] = [];
  for (const error of check.errors ?? []) {
    const issue = translate(error, data);
    if (issue) issues.push(issue);
  }
  return issues;
}

/** How a value is shown after "got": strings quoted, structures named rather than dumped. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'function') return 'a function';
  return String(value);
}

function expected(schema: SchemaObject): string {
  if (schema.title && EXPECTED_BY_KIND[schema.title]) return EXPECTED_BY_KIND[schema.title]!;
  const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
  return types.map((type) => EXPECTED_BY_TYPE[type] ?? type).join(' or ') || 'a different value';
}

/** Executors whose phases have `key`: a key copied from another kind of phase deserves a precise message. */
function executorsWith(key: string): string[] {
  const definitions = scenarioJsonSchema.definitions as unknown as Record<string, SchemaObject>;
  return EXECUTOR_NAMES.filter((name) => definitions[name]?.properties?.[key] !== undefined);
}

function translate(error: ErrorObject, data: unknown): SchemaIssue | undefined {
  const path = pathFromJsonPointer(error.instancePath, data);
  const schema = (error.parentSchema ?? {}) as SchemaObject;
  const params = error.params as Record<string, unknown>;
  const got = describeValue(error.data);
  const at = (message: string, where: ValuePath = path, target: PositionTarget = 'value'): SchemaIssue => ({
    path: where,
    message,
    target,
  });

  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const executor = schema.properties?.executor?.const;
      const owners = typeof executor === 'string' ? executorsWith(key) : [];
      if (owners.length > 0) return at(`"${key}" does not apply to ${String(executor)} (only to ${owners.join(', ')})`, [...path, key], 'key');
      return at(`unknown key${didYouMean(key, Object.keys(schema.properties ?? {}))}`, [...path, key], 'key');
    }
    case 'required': {
      const missing = JSON.stringify(params.missingProperty);
      const executor = schema.properties?.executor?.const;
      return at(typeof executor === 'string' ? `${executor} needs ${missing}` : `missing required key ${missing}`);
    }
    case 'type':
    case 'pattern':
      return at(`expected ${expected(schema)}, got ${got}`);
    case 'minimum':
    case 'exclusiveMinimum':
    case 'maximum': {
      const comparison = error.keyword === 'minimum' ? 'at least' : error.keyword === 'maximum' ? 'at most' : 'greater than';
      return at(`must be ${comparison} ${String(params.limit)}, got ${got}`);
    }
    case 'minItems':
      return at(Number(params.limit) === 1 ? 'must not be empty' : `needs at least ${String(params.limit)} entries`);
    case 'minLength':
      return at('must not be empty');
    case 'minProperties':
      return at(
        schema.properties ? `needs one of ${Object.keys(schema.properties).slice(0, 3).map((key) => JSON.stringify(key)).join(', ')}` : 'must not be empty',
      );
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]).map(String);
      const suggestion = typeof error.data === 'string' ? didYouMean(error.data, allowed) : '';
      if (path[path.length - 1] === 'executor' && typeof error.data === 'string') {
        return at(`unknown executor ${got}${suggestion} (expected one of ${allowed.join(', ')})`);
      }
      return at(`expected one of ${allowed.join(', ')}, got ${got}${suggestion}`);
    }
    // The discriminator only repeats what `required` or the executor's `enum` already said.
    case 'discriminator':
    // Combinator failures only summarise errors already reported from inside them.
    case 'oneOf':
    case 'anyOf':
    case 'if':
      return undefined;
    default:
      return at(error.message ?? `failed ${error.keyword}`);
  }
}
