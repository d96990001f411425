// `loadtest k8s`: the manifests it writes for a real scenario file, the scenarios it refuses, and
// the pods' exact commands run here, one process per index, then merged, reported and gated as the
// gather Job would.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadScenario } from '../../scenarios/language/load-scenario.js';
import { runCli } from '../helpers/cli.js';
import { parse, validate } from './k8s/manifest-checks.js';
import { byKind, materialise, workerArgsFor, workerPodFiles, type Obj } from './k8s/pod-filesystem.js';

let dir: string;
let server: Server;
let target: string;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'loadtest-k8s-'));
  server = createServer((req, res) => {
    req.resume();
    res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  assert.ok(address !== null && typeof address === 'object');
  target = `http://127.0.0.1:${address.port}`;
});
after(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function write(path: string, content: string | Buffer): string {
  const file = join(dir, path);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, content);
  return file;
}

/** A scenario in flows/, its feeders in a sibling data/ folder and beside it: the layout must survive. */
function checkoutScenario(base: string, url: string, extra = ''): string {
  write(`${base}/data/users.csv`, 'name\nalice\nbob\n');
  write(`${base}/flows/skus.json`, '[{"sku":"a1"},{"sku":"b2"}]');
  return write(
    `${base}/flows/checkout.yaml`,
    `name: Checkout EU
target: ${url}
data:
  users: { file: ../data/users.csv, order: sequential }
  skus: { file: skus.json, order: random }
flows:
  - name: buy
    steps:
      - name: home
        request: { url: "/?u={{users.name}}&s={{skus.sku}}" }
        check: { status: 200 }
phases:
  - { name: peak, executor: constant-arrival-rate, rate: 20, duration: 1s }
thresholds: [ "errors<1%" ]
${extra}`,
  );
}

describe('loadtest k8s', () => {
  it('writes valid manifests: an Indexed Job of N workers sharing one start, resources, consistent volumes, every data file in the ConfigMap', async () => {
    const scenario = checkoutScenario('gen', 'http://shop.default.svc:8080');
    const result = await runCli(['k8s', scenario, '--parallelism', '3', '--namespace', 'load', '--cpu', '750m', '--memory', '256Mi', '--start-at', '2026-01-31T12:00:00Z']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /3 worker\(s\) start at 2026-01-31T12:00:00.000Z \(job\/loadtest-checkout-eu-20260131-120000\)/);
    const docs = parse(result.stdout);
    for (const d of docs) validate(d);
    assert.deepEqual(docs.map((d) => d.kind), ['ConfigMap', 'PersistentVolumeClaim', 'Job', 'Job']);

    const [job] = byKind(docs, 'Job', 'worker');
    assert.ok(job);
    assert.equal(job.metadata.name, 'loadtest-checkout-eu-20260131-120000');
    assert.equal(job.spec.completionMode, 'Indexed');
    assert.equal(job.spec.completions, 3);
    assert.equal(job.spec.parallelism, 3);
    assert.equal(job.spec.backoffLimit, 0);
    const pod = job.spec.template.spec;
    assert.equal(pod.restartPolicy, 'Never');
    const c = pod.containers[0];
    const line = [...c.command, ...c.args].join(' ');
    assert.ok(line.startsWith('loadtest run /scenario/flows/checkout.yaml '), line);
    assert.ok(line.includes('--segment $(JOB_COMPLETION_INDEX)/3'), line);
    assert.ok(line.includes('--start-at 2026-01-31T12:00:00.000Z'), line);
    assert.equal(c.args.filter((a: string) => a === '--start-at').length, 1); // one command for every index: one start
    assert.ok(line.includes('--quiet'));
    assert.deepEqual(c.resources, { requests: { cpu: '750m', memory: '256Mi' }, limits: { memory: '256Mi' } });

    for (const j of byKind(docs, 'Job')) {
      const names = new Set(j.spec.template.spec.volumes.map((v: Obj) => v.name));
      for (const container of j.spec.template.spec.containers) for (const m of container.volumeMounts) assert.ok(names.has(m.name), m.name);
    }
    const [cm] = byKind(docs, 'ConfigMap');
    assert.ok(cm);
    const items = pod.volumes.find((v: Obj) => v.configMap).configMap.items as Obj[];
    assert.equal(pod.volumes.find((v: Obj) => v.configMap).configMap.name, cm.metadata.name);
    assert.deepEqual(items.map((i) => i.path).sort(), ['data/users.csv', 'flows/checkout.yaml', 'flows/skus.json']);
    assert.deepEqual(Object.keys(cm.data).sort(), items.map((i) => i.key).sort());
    // Mounted as the pod sees it, the scenario loads and its feeders resolve to the same bytes.
    const mount = join(dir, 'gen-mount');
    materialise(cm, items, mount);
    const loaded = await loadScenario(join(mount, 'flows/checkout.yaml'));
    assert.deepEqual(Object.values(loaded.data).map((f) => readFileSync(f.file, 'utf8')).sort(), ['[{"sku":"a1"},{"sku":"b2"}]', 'name\nalice\nbob\n']);
  });

  it('-o writes the file and prints the start and the commands; --results-pvc uses an existing claim; --no-gather leaves the gather out', async () => {
    const scenario = checkoutScenario('gen2', 'http://shop:8080');
    const out = join(dir, 'gen2.yaml');
    const result = await runCli(['k8s', scenario, '--parallelism', '2', '--results-pvc', 'shared-results', '--no-gather', '--lead', '2m', '-o', out]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^wrote .*gen2\.yaml: job\/loadtest-checkout-eu-\d{8}-\d{6}, 2 worker\(s\) starting together at \d{4}-\d\d-\d\dT/);
    assert.match(result.stdout, /kubectl apply -f .*gen2\.yaml/);
    const docs = parse(readFileSync(out, 'utf8'));
    assert.deepEqual(docs.map((d) => d.kind), ['ConfigMap', 'Job']);
    assert.equal(docs[1]!.spec.template.spec.volumes[1].persistentVolumeClaim.claimName, 'shared-results');
    const start = Date.parse(docs[1]!.spec.template.spec.containers[0].args[5]);
    assert.ok(Math.abs(start - (Date.now() + 120_000)) < 30_000, 'default start is now + --lead');
  });

  it('warns when the target is loopback (from a pod that is the pod itself)', async () => {
    const result = await runCli(['k8s', checkoutScenario('gen3', 'http://127.0.0.1:9'), '--parallelism', '1']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /warning: the target http:\/\/127\.0\.0\.1:9 is loopback/);
  });

  describe('refuses, exit 2', () => {
    it('a scenario that launches its own targets', async () => {
      const file = write(
        'targets.yaml',
        `name: own
target: api
targets:
  api: { command: [node, server.js], replicas: 1 }
flows: [ { name: f, steps: [ { name: s, request: { url: / } } ] } ]
phases: [ { name: p, executor: constant-vus, vus: 1, duration: 1s } ]
`,
      );
      const result = await runCli(['k8s', file, '--parallelism', '2']);
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, /launches its own targets \(targets: api\); a generator pod cannot start the services under test/);
      assert.equal(result.stdout, '');
    });

    it('a capacity search split across pods (each level is judged as it runs)', async () => {
      const file = write(
        'search.yaml',
        `name: search
target: http://shop:8080
flows: [ { name: f, steps: [ { name: s, request: { url: / } } ] } ]
phases: [ { name: find, executor: capacity-search, from: 10, to: 20, slo: { p99: 1s } } ]
`,
      );
      const result = await runCli(['k8s', file, '--parallelism', '2']);
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, /phase find is a capacity-search/);
      assert.equal(result.stdout, '');
    });

    it('--parallelism 0, 1.5 or missing', async () => {
      const scenario = checkoutScenario('bad', 'http://shop:8080');
      for (const n of ['0', '1.5', '-2']) {
        const result = await runCli(['k8s', scenario, '--parallelism', n]);
        assert.equal(result.code, 2, n);
        assert.match(result.stderr, /--parallelism.*expected a whole number of workers/, n);
      }
      const missing = await runCli(['k8s', scenario]);
      assert.equal(missing.code, 2);
      assert.match(missing.stderr, /--parallelism/);
    });

    it('data over a ConfigMap\'s 1 MiB', async () => {
      write('big/users.csv', 'name\n' + 'x'.repeat(80) + '\n'.repeat(1) + Array.from({ length: 14_000 }, (_, i) => `user-${i}-${'y'.repeat(70)}`).join('\n') + '\n');
      const file = write(
        'big/big.yaml',
        `name: big
target: http://shop:8080
data: { users: { file: users.csv } }
flows: [ { name: f, steps: [ { name: s, request: { url: "/{{users.name}}" } } ] } ]
phases: [ { name: p, executor: constant-vus, vus: 1, duration: 1s } ]
`,
      );
      const result = await runCli(['k8s', file, '--parallelism', '2']);
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, /over a ConfigMap's 1 MiB limit \(largest: users\.csv \d+ B/);
    });

    it('a module scenario importing local files; a bad --cpu; a --namespace that is not a DNS label', async () => {
      write('mod/shared.mjs', "export const flows = [{ name: 'f', steps: [{ name: 's', request: { url: '/' } }] }];\n");
      const mod = write('mod/scenario.mjs', "import { flows } from './shared.mjs';\nexport default { name: 'm', target: 'http://shop:8080', flows, phases: [{ name: 'p', executor: 'constant-vus', vus: 1, duration: '1s' }] };\n");
      const modResult = await runCli(['k8s', mod, '--parallelism', '1']);
      assert.equal(modResult.code, 2, modResult.stderr);
      assert.match(modResult.stderr, /imports other local files/);
      const scenario = checkoutScenario('bad2', 'http://shop:8080');
      const cpu = await runCli(['k8s', scenario, '--parallelism', '1', '--cpu', '250 millicores']);
      assert.equal(cpu.code, 2);
      assert.match(cpu.stderr, /--cpu/);
      const ns = await runCli(['k8s', scenario, '--parallelism', '1', '--namespace', 'Load_Test']);
      assert.equal(ns.code, 2);
      assert.match(ns.stderr, /DNS-1123/);
    });
  });

  it('each pod\'s exact command, run here with its JOB_COMPLETION_INDEX, then merged, reported and gated as the gather Job does', async () => {
    const parallelism = 3;
    const scenario = checkoutScenario('pods', target);
    const generated = await runCli(['k8s', scenario, '--parallelism', String(parallelism), '--lead', '3s']);
    assert.equal(generated.code, 0, generated.stderr);
    const docs = parse(generated.stdout);
    const [job] = byKind(docs, 'Job', 'worker');
    const [gather] = byKind(docs, 'Job', 'gather');
    const [cm] = byKind(docs, 'ConfigMap');
    assert.ok(job && gather && cm);
    // The pod's file system: each volumeMount's mountPath becomes a local folder.
    const { toLocal } = workerPodFiles(job, cm, mkdtempSync(join(tmpdir(), 'loadtest-k8s-pod-')));
    assert.deepEqual(job.spec.template.spec.containers[0].command, ['loadtest']);
    const runs = Array.from({ length: parallelism }, (_, index) => runCli(workerArgsFor(job, index).map(toLocal), { env: { JOB_COMPLETION_INDEX: String(index) }, timeoutMs: 60_000 }));
    const results = await Promise.all(runs);
    results.forEach((r, i) => assert.equal(r.code, 0, `worker ${i}: ${r.stderr}${r.stdout}`));

    // The gather Job's script, line by line (no shell here: its words have no quoting).
    const gatherContainer = gather.spec.template.spec.containers[0];
    assert.deepEqual(gatherContainer.command.slice(0, 2), ['sh', '-c']);
    const gatherMounts = gatherContainer.volumeMounts.map((m: Obj) => m.mountPath as string);
    assert.deepEqual(gatherMounts, ['/results']);
    const lines = (gatherContainer.command[2] as string).split('\n').filter((l) => l !== 'set -e');
    assert.deepEqual(lines.map((l) => l.split(' ').slice(0, 2).join(' ')), ['loadtest merge', 'loadtest report', 'loadtest gate']);
    for (const line of lines) {
      const [, ...args] = line.split(' ');
      const r = await runCli(args.map(toLocal));
      assert.equal(r.code, 0, `${line}\n${r.stderr}${r.stdout}`);
    }
    const runDir = toLocal(`/results/${job.metadata.name}`);
    const summary = JSON.parse(readFileSync(join(runDir, 'summary.json'), 'utf8'));
    assert.equal(summary.verdict, 'pass');
    // The workers together sent the scenario's load once (20/s for 1 s), not once each.
    assert.equal(summary.overall.requests, 20);
    assert.ok(readFileSync(join(runDir, 'report.html'), 'utf8').length > 0);
  });
});
