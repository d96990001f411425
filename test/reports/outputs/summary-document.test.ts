import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Ajv } from 'ajv';
import {
  parseSummaryDocument,
  runVerdict,
  SUMMARY_SCHEMA,
  SUMMARY_SCHEMA_VERSION,
  summaryDocument,
  SummaryFileError,
} from '../../../reports/outputs/summary-document.js';
import { SUMMARY_JSON_SCHEMA } from '../../../reports/outputs/summary-json-schema.js';
import { GATES, recordedSummary } from './recorded-run.js';

function compile() {
  // strict: unknown keywords, ambiguous types and required keys without a schema are compile errors.
  return new Ajv({ strict: true, allErrors: true }).compile(SUMMARY_JSON_SCHEMA);
}

/** A document as a pipeline reads it: through JSON, where undefined keys vanish. */
function asJson(value: unknown): Record<string, unknown> {
  return JSON.parse(JSON.stringify(value)) as Record<string, unknown>;
}

type Node = Record<string, unknown>;

function* subschemas(node: unknown, at = '#'): Generator<[string, Node]> {
  if (node === null || typeof node !== 'object' || Array.isArray(node)) return;
  const schema = node as Node;
  yield [at, schema];
  for (const [name, child] of Object.entries((schema.properties as Node | undefined) ?? {})) yield* subschemas(child, `${at}/properties/${name}`);
  for (const key of ['items', 'additionalProperties'] as const) yield* subschemas(schema[key], `${at}/${key}`);
}

describe('run verdict', () => {
  it('passes a completed run whose gates all held, and a completed run without gates', async () => {
    const summary = await recordedSummary();
    assert.equal(runVerdict(summary, [GATES.pass]), 'pass');
    assert.equal(runVerdict(summary, []), 'pass');
  });

  it('fails on any failed gate, window, regression or no-data gate alike', async () => {
    const summary = await recordedSummary();
    for (const gate of [GATES.fail, GATES.window, GATES.regression, GATES.noData]) assert.equal(runVerdict(summary, [GATES.pass, gate]), 'fail', gate.expression);
  });

  it('fails, not errors, a run stopped by its gate, even if the gate were marked passed', async () => {
    const interrupted = await recordedSummary('interrupted');
    assert.equal(runVerdict(interrupted, [GATES.pass, GATES.aborted]), 'fail');
    assert.equal(runVerdict(interrupted, [{ ...GATES.aborted, passed: true }]), 'fail');
  });

  it('errors a run that did not complete and was not stopped by a gate, whatever its partial figures say', async () => {
    assert.equal(runVerdict(await recordedSummary('interrupted'), [GATES.pass]), 'error');
    assert.equal(runVerdict(await recordedSummary('interrupted'), [GATES.pass, GATES.fail]), 'error');
    assert.equal(runVerdict(await recordedSummary('failed'), []), 'error');
    assert.equal(runVerdict(await recordedSummary('failed'), [GATES.noData]), 'error');
  });
});

describe('summary document', () => {
  it('stamps schema, version, verdict and gates onto the summary', async () => {
    const summary = await recordedSummary();
    const document = summaryDocument(summary, [GATES.pass, GATES.fail]);
    assert.equal(document.schema, SUMMARY_SCHEMA);
    assert.equal(document.schemaVersion, SUMMARY_SCHEMA_VERSION);
    assert.equal(document.verdict, 'fail');
    assert.deepEqual(document.gates, [GATES.pass, GATES.fail]);
    assert.deepEqual(Object.keys(document).slice(0, 3), ['schema', 'schemaVersion', 'verdict']);
    assert.equal(document.overall.requests, summary.overall.requests);
  });

  it('reads back a v1 document as the summary it was written from', async () => {
    const summary = await recordedSummary();
    const text = JSON.stringify(summaryDocument(summary, Object.values(GATES)), null, 2);
    assert.deepEqual(parseSummaryDocument(text, 'baseline.json'), asJson(summary));
  });

  it('reads an unversioned summary of an earlier release, with its thresholds beside it', () => {
    const old = {
      scenario: 'checkout',
      status: 'completed',
      overall: { requests: 10, latency: { p50: 1, p99: 9 } },
      steps: {},
      phases: [],
      thresholds: [{ expression: 'p99<250ms', passed: true, actual: 9, actualText: '9.00 ms' }],
    };
    const read = parseSummaryDocument(JSON.stringify(old), 'old.json');
    assert.equal(read.overall.latency.p99, 9);
    assert.equal('thresholds' in read, false);
    assert.deepEqual(read.faults, [], 'lists the old release did not write read as empty');
    assert.deepEqual(read.targets, {});
  });

  it('refuses a newer major version, naming the file and both versions', async () => {
    const newer = { ...summaryDocument(await recordedSummary(), []), schemaVersion: SUMMARY_SCHEMA_VERSION + 1 };
    assert.throws(
      () => parseSummaryDocument(JSON.stringify(newer), 'baseline.json'),
      (error: unknown) =>
        error instanceof SummaryFileError &&
        error.message.startsWith('baseline.json: ') &&
        error.message.includes(`version ${SUMMARY_SCHEMA_VERSION + 1}`) &&
        error.message.includes(`(${SUMMARY_SCHEMA_VERSION})`),
    );
  });

  it('refuses JSON that is not a summary, and text that is not JSON', () => {
    const cases: Array<[string, RegExp]> = [
      ['{"name":"package","version":"1.0.0"}', /^pkg\.json: not a loadtest summary/],
      ['{"schema":"loadtest-results","schemaVersion":1}', /^pkg\.json: not a loadtest summary: "schema" is "loadtest-results"/],
      ['[1,2]', /^pkg\.json: not a loadtest summary: expected a JSON object/],
      ['{"schema":"loadtest-summary","schemaVersion":"1"}', /^pkg\.json: "schemaVersion" must be a positive integer/],
      ['{"schema":"loadtest-summary","schemaVersion":1}', /^pkg\.json: .*"overall\.latency" is missing/],
      ['{"scenario": ', /^pkg\.json: not valid JSON/],
    ];
    for (const [text, message] of cases) {
      assert.throws(() => parseSummaryDocument(text, 'pkg.json'), (error: unknown) => error instanceof SummaryFileError && message.test(error.message), text);
    }
  });
});

describe('SUMMARY_JSON_SCHEMA', () => {
  it('compiles in strict ajv and is plain JSON', () => {
    assert.doesNotThrow(compile);
    assert.deepEqual(JSON.parse(JSON.stringify(SUMMARY_JSON_SCHEMA)), SUMMARY_JSON_SCHEMA);
  });

  it('validates real summaries: completed, interrupted and failed runs, with every kind of gate', async () => {
    const validate = compile();
    for (const status of ['completed', 'interrupted', 'failed'] as const) {
      const document = asJson(summaryDocument(await recordedSummary(status), Object.values(GATES)));
      assert.equal(validate(document), true, `${status}: ${JSON.stringify(validate.errors, null, 2)}`);
    }
  });

  it('validates the optional keys a run may or may not have', async () => {
    const summary = await recordedSummary();
    assert.ok(summary.generator.saturatedReason !== undefined && summary.faults.length > 0 && summary.outages.length > 0, 'the recorded run has them');
    const withAll = {
      ...summary,
      faults: [...summary.faults, { ...summary.faults[0]!, error: 'no such replica' }],
      outages: summary.outages.map((o) => ({ ...o, afterFault: 'faults[0] kill kv' })),
    };
    const validate = compile();
    assert.equal(validate(asJson(summaryDocument(withAll, []))), true, JSON.stringify(validate.errors, null, 2));
  });

  it('rejects a document with an unknown key, at the top or nested', async () => {
    const validate = compile();
    const document = asJson(summaryDocument(await recordedSummary(), [GATES.window]));
    assert.equal(validate({ ...document, undocumented: 1 }), false);
    const overall = document.overall as Record<string, unknown>;
    assert.equal(validate({ ...document, overall: { ...overall, latency: { ...(overall.latency as object), p75: 3 } } }), false);
    const gates = document.gates as Array<Record<string, unknown>>;
    assert.equal(validate({ ...document, gates: [{ ...gates[0], severity: 'high' }] }), false);
  });

  it('rejects a document missing a required key, at the top or nested', async () => {
    const validate = compile();
    const document = asJson(summaryDocument(await recordedSummary(), [GATES.pass]));
    const { verdict: _verdict, ...noVerdict } = document;
    assert.equal(validate(noVerdict), false);
    const { p99: _p99, ...latency } = (document.overall as { latency: Record<string, unknown> }).latency;
    assert.equal(validate({ ...document, overall: { ...(document.overall as object), latency } }), false);
    assert.equal(validate({ ...document, schemaVersion: 2 }), false, 'this schema describes version 1 only');
  });

  it('documents every property, and closes every object that lists its keys', () => {
    let properties = 0;
    for (const [at, schema] of subschemas(SUMMARY_JSON_SCHEMA)) {
      if (schema.properties !== undefined) assert.equal(schema.additionalProperties, false, `${at} lists properties but allows others`);
      if (schema.type === 'object') assert.ok('additionalProperties' in schema, `${at} neither closes nor types its keys`);
      for (const [name, property] of Object.entries((schema.properties as Record<string, Node> | undefined) ?? {})) {
        properties++;
        assert.equal(typeof property.description, 'string', `${at}/properties/${name} has no description`);
        assert.ok((property.description as string).length > 10, `${at}/properties/${name} has an empty description`);
      }
    }
    assert.ok(properties > 100, `walked ${properties} properties`);
  });

  it('states units and when a value is null', () => {
    const schema = SUMMARY_JSON_SCHEMA as { properties: Record<string, { description: string }> };
    assert.match(JSON.stringify(schema.properties.overall), /ms/);
    assert.match(JSON.stringify(schema.properties.targets), /cores/);
    assert.match(JSON.stringify(schema.properties.targets), /bytes/);
    for (const [at, node] of subschemas(SUMMARY_JSON_SCHEMA)) {
      if (Array.isArray(node.type) && node.type.includes('null')) assert.match(node.description as string, /null/, `${at} can be null and does not say when`);
    }
  });
});
