import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { scenarioJsonSchema } from '../../../scenarios/language/scenario-schema.js';
import { starterScenarioYaml } from '../../../scenarios/language/starter-scenario.js';
import { DATA_DIR } from '../load-helpers.js';

function compile() {
  // strict: true turns unknown keywords and ambiguous types into compile errors, so the schema is clean.
  return new Ajv({ strict: true, allErrors: true, discriminator: true, allowUnionTypes: true }).compile(scenarioJsonSchema);
}

type Node = Record<string, unknown>;

/** Every subschema, with a readable location. */
function* subschemas(node: unknown, at = '#'): Generator<[string, Node]> {
  if (node === null || typeof node !== 'object') return;
  if (Array.isArray(node)) {
    for (const [index, item] of node.entries()) yield* subschemas(item, `${at}/${index}`);
    return;
  }
  const schema = node as Node;
  yield [at, schema];
  for (const key of ['properties', 'definitions'] as const) {
    for (const [name, child] of Object.entries((schema[key] as Node | undefined) ?? {})) yield* subschemas(child, `${at}/${key}/${name}`);
  }
  for (const key of ['items', 'additionalProperties', 'oneOf'] as const) yield* subschemas(schema[key], `${at}/${key}`);
}

describe('scenarioJsonSchema', () => {
  it('compiles in strict ajv and is plain JSON', () => {
    assert.doesNotThrow(compile);
    assert.deepEqual(JSON.parse(JSON.stringify(scenarioJsonSchema)), scenarioJsonSchema);
  });

  it('accepts the starter scenario and the full sample scenario', () => {
    const validate = compile();
    for (const [label, text] of [
      ['starter', starterScenarioYaml],
      ['full.yaml', readFileSync(join(DATA_DIR, 'full.yaml'), 'utf8')],
    ] as const) {
      assert.equal(validate(parse(text)), true, `${label}: ${JSON.stringify(validate.errors, null, 2)}`);
    }
  });

  it('rejects unknown keys everywhere: every object either lists its keys or is an explicit map', () => {
    for (const [at, schema] of subschemas(scenarioJsonSchema)) {
      const isObject = schema.type === 'object' || (Array.isArray(schema.type) && schema.type.includes('object'));
      if (isObject && !('oneOf' in schema)) assert.ok('additionalProperties' in schema, `${at} has no additionalProperties`);
      if (schema.properties && !('oneOf' in schema)) assert.equal(schema.additionalProperties, false, `${at} lists properties but allows others`);
    }
  });

  it('describes every property, for editor hover help', () => {
    for (const [at, schema] of subschemas(scenarioJsonSchema)) {
      for (const [name, property] of Object.entries((schema.properties as Record<string, Node> | undefined) ?? {})) {
        assert.equal(typeof property.description, 'string', `${at}/properties/${name} has no description`);
      }
    }
  });

  it('rejects a phase with keys of another executor without a oneOf cascade', () => {
    const validate = compile();
    const scenario = parse(starterScenarioYaml) as { phases: Array<Record<string, unknown>> };
    scenario.phases[0] = { executor: 'constant-vus', vus: 2, rate: 5, duration: '1s' };
    assert.equal(validate(scenario), false);
    assert.deepEqual(
      validate.errors?.map((error) => [error.instancePath, error.keyword]),
      [['/phases/0', 'additionalProperties']],
    );
  });
});
