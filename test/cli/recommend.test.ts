import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { parseAllDocuments } from 'yaml';
import type { RecommendationDocument } from '../../reports/capacity/recommendation-json.js';
import { RECOMMENDATION_JSON_SCHEMA } from '../../reports/capacity/recommendation-json-schema.js';
import { readResults } from '../../scenarios/results/results-reader.js';
import { runCli } from '../helpers/cli.js';

// From capacity searches to a recommendation, through the real program: the shop's payment service
// burns 10 ms of CPU per request; searched at 1 and 2 replicas, each under a 500m CPU limit (where
// the machine enforces limits), so one replica serves at most about 0.5 / 0.010 = 50 requests a
// second. `recommend` must find that capacity, size replicas for a peak, and write a valid
// recommendation.json and Kubernetes YAML. The burn is large beside the service's own HTTP work
// (0.5–1 ms a request), so the analytic answer is the burn's, and the SLO leaves the queue room
// (p99 250 ms = 25 service times), so the knee sits near the quota rather than well before it.

const PAYMENT = fileURLToPath(new URL('../../fixtures/shop/payment-main.js', import.meta.url));
const COST_S = 0.01;
const QUOTA_CORES = 0.5;

function search(replicas: number): string {
  return `name: payment-search-${replicas}
target: payment
targets:
  payment:
    command: [${JSON.stringify(process.execPath)}, ${JSON.stringify(PAYMENT)}, --port, "{{port}}", --latency, 0ms, --failure-rate, "0", --cpu-ms, "${COST_S * 1000}"]
    replicas: ${replicas}
    ready: "http://127.0.0.1:{{port}}/health"
    resources: { requests: { cpu: 500m, memory: 64Mi }, limits: { cpu: 500m, memory: 128Mi } }
flows: [ { name: pay, steps: [ { name: pay, request: { method: POST, url: /pay, json: { orderId: "{{iteration}}", amountCents: 100 } } } ] } ]
phases:
  - { name: search, executor: capacity-search, from: ${20 * replicas}, to: ${70 * replicas}, step: ${10 * replicas}, levelDuration: 4s, warmup: 1s, refine: 2, slo: { p99: 250ms, errors: 1% } }
`;
}

describe('loadtest recommend', () => {
  let dir: string;
  const results: string[] = [];
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'loadtest-recommend-'));
    for (const replicas of [1, 2]) {
      const file = join(dir, `search-${replicas}.yaml`);
      writeFileSync(file, search(replicas));
      const out = join(dir, `r${replicas}`);
      const run = await runCli(['run', file, '--out', out, '--quiet'], { timeoutMs: 120_000 });
      assert.equal(run.code, 0, run.stderr);
      results.push(join(out, 'results.ndjson'));
    }
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('sizes replicas from the knees, and writes a valid recommendation.json and Kubernetes YAML', async () => {
    const json = join(dir, 'recommendation.json');
    const yamlFile = join(dir, 'k8s.yaml');
    const run = await runCli(['recommend', ...results, '--peak', '150/s', '-o', json, '--kubernetes', yamlFile]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^payment: peak 150\/s, headroom 30%, N\+1/);
    const document = JSON.parse(readFileSync(json, 'utf8')) as RecommendationDocument;
    const validate = new Ajv({ strict: true, allErrors: true }).compile(RECOMMENDATION_JSON_SCHEMA);
    assert.ok(validate(document), JSON.stringify(validate.errors));
    const payment = document.targets.payment!;
    const capacity = payment.perReplicaCapacityRps as number;
    // Enough replicas for peak × 1.3 at the measured per-replica capacity, and the HPA floor with them.
    assert.ok(payment.replicas >= Math.ceil((150 * 1.3) / (capacity * 1.05)), `${payment.replicas} replicas at ${capacity}/s each`);
    assert.equal(payment.hpa.minReplicas, payment.replicas);
    assert.ok(payment.scaling !== undefined, 'knees at two replica counts give a scaling fit');

    const enforced = readResults(results[0]!).header.targets?.payment?.enforced === true;
    if (enforced) {
      // Under the 250m quota the analytic capacity is quota ÷ cost; the service's own HTTP work comes on top of the cost.
      const analytic = QUOTA_CORES / COST_S;
      assert.ok(Math.abs(capacity - analytic) / analytic <= 0.15, `per-replica capacity ${capacity}/s vs analytic ${analytic}/s`);
      assert.ok(Math.abs(payment.replicas - Math.ceil((150 * 1.3) / analytic)) <= 1, `${payment.replicas} replicas vs analytic ${Math.ceil((150 * 1.3) / analytic)}`);
      // CPU cost per request: the slope of CPU over load across the levels that held (the HTTP work comes on top of the burn).
      const costPerRequest = payment.sizing.cpuPerRequestCoreSeconds as number;
      assert.ok(Math.abs(costPerRequest - COST_S) / COST_S <= 0.15, `CPU per request ${(costPerRequest * 1000).toFixed(2)} ms vs ${COST_S * 1000} ms`);
    }

    const documents = parseAllDocuments(readFileSync(yamlFile, 'utf8')).map((d) => d.toJS());
    const deployment = documents.find((d) => d?.kind === 'Deployment');
    assert.equal(deployment.spec.replicas, payment.replicas);
    assert.equal(deployment.spec.template.spec.containers[0].resources.requests.cpu, payment.cpu.request.quantity);
    const hpa = documents.find((d) => d?.kind === 'HorizontalPodAutoscaler');
    assert.equal(hpa.spec.scaleTargetRef.name, 'payment');
    assert.equal(hpa.spec.metrics[0].resource.target.averageUtilization, payment.hpa.targetCPUUtilizationPercentage);
  });

  it('refuses a stream without a capacity search, naming the problem (exit 2)', async () => {
    const plain = join(dir, 'plain.yaml');
    writeFileSync(plain, search(1).replace(/phases:[\s\S]*$/, 'phases: [ { executor: constant-arrival-rate, rate: 10, duration: 1s } ]\n'));
    const out = join(dir, 'plain');
    assert.equal((await runCli(['run', plain, '--out', out, '--quiet'], { timeoutMs: 60_000 })).code, 0);
    const run = await runCli(['recommend', join(out, 'results.ndjson'), '--peak', '100/s']);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /no capacity search of payment in the results/);
  });
});
