// recommendation.json: built from real recommendations, read back through JSON, and valid against
// its draft-07 schema, which describes every property.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Ajv } from 'ajv';
import { recommendTarget, type PlanInputs } from '../../../reports/capacity/recommend.js';
import { RECOMMENDATION_JSON_SCHEMA } from '../../../reports/capacity/recommendation-json-schema.js';
import { recommendationDocument } from '../../../reports/capacity/recommendation-json.js';
import { statelessTier } from './capacity-fixtures.js';

const plan: PlanInputs = { peakRps: 300, headroom: 0.3, nPlusOne: true, slo: 'p99 < 250 ms, errors < 0.1%' };

function compile() {
  return new Ajv({ strict: true, allErrors: true }).compile(RECOMMENDATION_JSON_SCHEMA);
}

function document() {
  const api = recommendTarget(plan, statelessTier());
  const single = recommendTarget(plan, statelessTier({ name: 'worker', knees: [{ replicas: 1, kneeRps: 100, searchSteps: 3 }] }), {
    cpuLimit: { kind: 'multiple-of-request', multiple: 2 },
  });
  return JSON.parse(JSON.stringify(recommendationDocument(plan, [single, api], new Date('2026-01-02T03:04:05Z')))) as Record<string, any>;
}

function* properties(node: unknown, at = '#'): Generator<[string, Record<string, unknown>]> {
  if (node === null || typeof node !== 'object') return;
  const schema = node as Record<string, unknown>;
  for (const [key, child] of Object.entries((schema.properties ?? {}) as Record<string, unknown>)) {
    yield [`${at}/${key}`, child as Record<string, unknown>];
    yield* properties(child, `${at}/${key}`);
  }
  for (const key of ['additionalProperties', 'items']) if (typeof schema[key] === 'object') yield* properties(schema[key], `${at}/${key}`);
  for (const branch of (schema.anyOf ?? []) as unknown[]) yield* properties(branch, `${at}/anyOf`);
}

describe('recommendation.json', () => {
  it('is valid against its schema, with and without a USL fit and a CPU limit', () => {
    const validate = compile();
    const doc = document();
    assert.ok(validate(doc), JSON.stringify(validate.errors, null, 2));
    assert.equal(doc.schema, 'loadtest-recommendation');
    assert.equal(doc.schemaVersion, 1);
    assert.equal(doc.generatedAt, '2026-01-02T03:04:05.000Z');
    assert.deepEqual(doc.inputs, { peakRps: 300, slo: 'p99 < 250 ms, errors < 0.1%', headroom: 0.3, nPlusOne: true });
    assert.deepEqual(Object.keys(doc.targets), ['api', 'worker']);
    assert.equal(doc.targets.api.scaling.verdict.startsWith('scales nearly linearly'), true);
    assert.equal('scaling' in doc.targets.worker, false);
    assert.match(doc.targets.worker.cpu.limit.quantity, /^\d+m$/);
  });

  it('the schema rejects what a broken writer would emit', () => {
    const validate = compile();
    const wrongUnit = document();
    wrongUnit.targets.api.memory.request.quantity = '256MB';
    assert.equal(validate(wrongUnit), false);
    const stray = document();
    stray.targets.api.cpu.request.millicores = 250;
    assert.equal(validate(stray), false);
    const missing = document();
    delete missing.targets.api.hpa.maxReplicas;
    assert.equal(validate(missing), false);
  });

  it('describes every property', () => {
    const undescribed = [...properties(RECOMMENDATION_JSON_SCHEMA)].filter(([, s]) => typeof s.description !== 'string').map(([at]) => at);
    assert.deepEqual(undescribed, []);
  });
});
