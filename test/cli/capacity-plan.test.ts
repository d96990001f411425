import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { parseAllDocuments } from 'yaml';
import type { VerificationOutcome } from '../../reports/capacity/capacity-study-types.js';
import type { RecommendationDocument } from '../../reports/capacity/recommendation-json.js';
import { RECOMMENDATION_JSON_SCHEMA } from '../../reports/capacity/recommendation-json-schema.js';
import { readResults } from '../../scenarios/results/results-reader.js';
import { runCli } from '../helpers/cli.js';

// A capacity plan end to end through the real program: a scenario with a capacity: section asks for
// the payment service's search at 1 and 2 replicas (each under a 250m CPU limit where this machine
// enforces limits); `run` repeats the scenario per count, fits the scaling, and writes the
// recommendation, its Kubernetes YAML and the report; `verify` then runs the recommendation at peak
// and must pass — and must fail a recommendation that is too small for the peak.

const PAYMENT = fileURLToPath(new URL('../../fixtures/shop/payment-main.js', import.meta.url));
const COST_MS = 4;
const PEAK = 100;

function scenario(capacity: string): string {
  return `name: payment-plan
target: payment
targets:
  payment:
    command: [${JSON.stringify(process.execPath)}, ${JSON.stringify(PAYMENT)}, --port, "{{port}}", --latency, 0ms, --failure-rate, "0", --cpu-ms, "${COST_MS}"]
    replicas: 1
    ready: "http://127.0.0.1:{{port}}/health"
    resources: { requests: { cpu: 250m, memory: 64Mi }, limits: { cpu: 250m, memory: 128Mi } }
flows: [ { name: pay, steps: [ { name: pay, request: { method: POST, url: /pay, json: { orderId: "{{iteration}}", amountCents: 100 } }, check: { status: 200 } } ] } ]
phases:
  - { name: search, executor: capacity-search, from: 20, to: 80, step: 20, levelDuration: 3s, warmup: 1s, refine: 1 }
capacity:
  peak: ${PEAK}/s
  slo: { p99: 100ms, errors: 1% }
  headroom: 20%
${capacity}`;
}

describe('a capacity plan: run (scaling experiment), then verify', () => {
  let dir: string;
  let file: string;
  let out: string;
  let experiment: Awaited<ReturnType<typeof runCli>>;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'loadtest-capacity-plan-'));
    file = join(dir, 'plan.yaml');
    writeFileSync(file, scenario('  replicas: [1, 2]\n'));
    out = join(dir, 'experiment');
    experiment = await runCli(['run', file, '--out', out, '--report'], { timeoutMs: 180_000 });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('runs the search once per replica count, the ladder scaled with the count', () => {
    assert.equal(experiment.code, 0, experiment.stderr);
    for (const replicas of [1, 2]) {
      const results = readResults(join(out, `replicas-${replicas}`, 'results.ndjson'));
      assert.equal(results.header.targets?.payment?.replicas.length, replicas);
      assert.equal(results.header.phases.find((p) => p.name === 'search')?.params.from, 20 * replicas);
      assert.ok(results.records.some((r) => r.type === 'search-result'), `a search result at ${replicas} replicas`);
      assert.equal(results.header.scenario.capacity?.peakRps, PEAK);
    }
    assert.match(experiment.stdout, /^payment: peak 100\/s, headroom 20%, N\+1/m);
  });

  it('writes a valid recommendation.json, Kubernetes YAML and a report with the capacity section', () => {
    const document = JSON.parse(readFileSync(join(out, 'recommendation.json'), 'utf8')) as RecommendationDocument;
    const validate = new Ajv({ strict: true, allErrors: true }).compile(RECOMMENDATION_JSON_SCHEMA);
    assert.ok(validate(document), JSON.stringify(validate.errors));
    const payment = document.targets.payment!;
    assert.ok(payment.scaling !== undefined, 'knees at two counts give a scaling fit');
    assert.ok(payment.replicas * payment.perReplicaCapacityRps >= PEAK * 1.2, `${payment.replicas} × ${payment.perReplicaCapacityRps}/s carries peak × headroom`);
    const kinds = parseAllDocuments(readFileSync(join(out, 'kubernetes.yaml'), 'utf8')).map((d) => (d.toJS() as { kind?: string } | null)?.kind);
    assert.deepEqual(kinds.filter(Boolean).sort(), ['Deployment', 'HorizontalPodAutoscaler']);
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    assert.match(html, /<section id="capacity"/);
    assert.match(html, /replicas-1[\\/]results\.ndjson/);
    assert.match(html, /replicas-2[\\/]results\.ndjson/);
    assert.match(html, new RegExp(`>${payment.cpu.request.quantity}<`));
  });

  it('verify holds the recommendation at peak and passes (exit 0), writing verification.json and the report', async () => {
    const verifyOut = join(dir, 'verify');
    const run = await runCli(['verify', file, '--recommendation', join(out, 'recommendation.json'), '--ramp', '3s', '--hold', '10s', '--out', verifyOut, '--report'], { timeoutMs: 90_000 });
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /verify: PASS: the SLO held for payment at \d+ replicas, 100\/s/);
    const outcome = JSON.parse(readFileSync(join(verifyOut, 'verification.json'), 'utf8')) as VerificationOutcome & { schema: string };
    assert.equal(outcome.schema, 'loadtest-verification');
    assert.equal(outcome.sloHeld, true);
    assert.deepEqual(outcome.checks.filter((c) => c.outcome !== 'info').map((c) => [c.name, c.outcome]), [
      ['SLO p99<=100ms', 'pass'],
      ['SLO errors<=1%', 'pass'],
      ['peak carried', 'pass'],
    ]);
    const results = readResults(join(verifyOut, 'results.ndjson'));
    const document = JSON.parse(readFileSync(join(out, 'recommendation.json'), 'utf8')) as RecommendationDocument;
    assert.equal(results.header.targets?.payment?.replicas.length, document.targets.payment!.replicas);
    assert.equal(results.header.targets?.payment?.requests.cpuCores, document.targets.payment!.cpu.request.cores);
    assert.equal(results.header.targets?.payment?.limits.memoryBytes, document.targets.payment!.memory.limit.bytes);
    assert.match(readFileSync(join(verifyOut, 'report.html'), 'utf8'), /Prediction vs outcome/);
  });

  it('verify fails a recommendation too small for the peak (one replica under a 250m limit: exit 1)', async (t) => {
    const enforced = readResults(join(out, 'replicas-1', 'results.ndjson')).header.targets?.payment?.enforced === true;
    if (!enforced) return t.skip('CPU limits are not enforced on this machine: one replica would not be held to 250m');
    const document = JSON.parse(readFileSync(join(out, 'recommendation.json'), 'utf8')) as RecommendationDocument;
    const payment = document.targets.payment!;
    document.targets.payment = { ...payment, replicas: 1, cpu: { request: { cores: 0.25, quantity: '250m' }, limit: { cores: 0.25, quantity: '250m' } } };
    const small = join(dir, 'too-small.json');
    writeFileSync(small, JSON.stringify(document));
    const verifyOut = join(dir, 'verify-small');
    const run = await runCli(['verify', file, '-r', small, '--ramp', '2s', '--hold', '6s', '--out', verifyOut, '--quiet'], { timeoutMs: 90_000 });
    assert.equal(run.code, 1, run.stdout + run.stderr);
    assert.match(run.stdout, /verify: FAIL: the recommendation for payment \(1 replicas\) did not hold at 100\/s/);
    const outcome = JSON.parse(readFileSync(join(verifyOut, 'verification.json'), 'utf8')) as VerificationOutcome;
    assert.equal(outcome.sloHeld, false);
    assert.equal(outcome.checks.find((c) => c.name === 'SLO p99<=100ms')?.outcome, 'fail');
  });

  it('a run with a capacity: section and no replica list sizes from its one search', async () => {
    const single = join(dir, 'single.yaml');
    writeFileSync(single, scenario(''));
    const singleOut = join(dir, 'single');
    const run = await runCli(['run', single, '--out', singleOut, '--quiet'], { timeoutMs: 90_000 });
    assert.equal(run.code, 0, run.stderr);
    const document = JSON.parse(readFileSync(join(singleOut, 'recommendation.json'), 'utf8')) as RecommendationDocument;
    assert.equal(document.targets.payment?.scaling, undefined, 'one replica count: no scaling fit');
    assert.match(document.targets.payment!.basis.replicas, /capacity assumed linear/);
    assert.ok(existsSync(join(singleOut, 'kubernetes.yaml')));
  });

  it('refuses bad recommendation files and scenarios without a plan (exit 2, nothing run)', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ schema: 'loadtest-recommendation', schemaVersion: 1, targets: {} }));
    const missing = await runCli(['verify', file, '-r', bad]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /bad\.json: .*(generatedAt|inputs)/);
    writeFileSync(bad, '{"schema":"something-else"}');
    assert.match((await runCli(['verify', file, '-r', bad])).stderr, /not a loadtest recommendation/);
    const plain = join(dir, 'plain.yaml');
    writeFileSync(plain, scenario('').replace(/capacity:[\s\S]*$/, '').replace('refine: 1 }', 'refine: 1, slo: { p99: 100ms } }'));
    const noPlan = await runCli(['verify', plain, '-r', join(out, 'recommendation.json')]);
    assert.equal(noPlan.code, 2);
    assert.match(noPlan.stderr, /has no capacity: section/);
  });
});
