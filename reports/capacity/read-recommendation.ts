// Reading recommendation.json back (for `loadtest verify`): checked against its own schema, so a
// hand-edited or foreign file is refused with the field that is wrong instead of failing mid-run.
import { Ajv } from 'ajv';
import { RECOMMENDATION_JSON_SCHEMA } from './recommendation-json-schema.js';
import { RECOMMENDATION_SCHEMA, RECOMMENDATION_SCHEMA_VERSION, type RecommendationDocument } from './recommendation-json.js';
import type { TargetRecommendation } from './recommendation-types.js';

export class RecommendationFileError extends Error {
  constructor(file: string, reason: string) {
    super(`${file}: ${reason}`);
  }
}

let validator: ReturnType<Ajv['compile']> | undefined;

export function parseRecommendationDocument(text: string, file: string): RecommendationDocument {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new RecommendationFileError(file, `not valid JSON (${(error as Error).message})`);
  }
  const stamp = value as { schema?: unknown; schemaVersion?: unknown } | null;
  if (stamp === null || typeof stamp !== 'object' || stamp.schema !== RECOMMENDATION_SCHEMA) {
    throw new RecommendationFileError(file, `not a loadtest recommendation: expected "schema": "${RECOMMENDATION_SCHEMA}" (write one with loadtest recommend -o)`);
  }
  if (typeof stamp.schemaVersion === 'number' && stamp.schemaVersion > RECOMMENDATION_SCHEMA_VERSION) {
    throw new RecommendationFileError(file, `recommendation schema version ${stamp.schemaVersion} is newer than this loadtest reads (${RECOMMENDATION_SCHEMA_VERSION})`);
  }
  validator ??= new Ajv({ strict: false, allErrors: false }).compile(RECOMMENDATION_JSON_SCHEMA);
  if (!validator(value)) {
    const error = validator.errors?.[0];
    throw new RecommendationFileError(file, `${error?.instancePath || '(top)'} ${error?.message ?? 'is not valid'}`);
  }
  return value as RecommendationDocument;
}

/** One target's recommendation in the in-memory form the reports use. */
export function targetRecommendation(document: RecommendationDocument, target: string, file: string): TargetRecommendation {
  const json = document.targets[target];
  if (json === undefined) {
    throw new RecommendationFileError(file, `no recommendation for target "${target}" (it has: ${Object.keys(document.targets).join(', ') || 'none'})`);
  }
  return { ...json, target, scaling: json.scaling ?? null };
}
