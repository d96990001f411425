// The builders behind `loadtest k8s`, from a plan: every object valid against the Kubernetes API
// schemas (kubernetes-models), the Indexed Job shaped so each index runs once with its own
// segment, and names and ConfigMap keys that the API server accepts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { configMap, gatherJob, gatherScript, renderManifests, workerArgs, workerJob, type JobPlan } from '../../../cli/k8s/manifests.js';
import { dnsLabel, isDnsLabel, runName } from '../../../cli/k8s/names.js';
import { configMapKey } from '../../../cli/k8s/scenario-files.js';
import { parse, validate } from './manifest-checks.js';

type Obj = Record<string, any>;

function plan(overrides: Partial<JobPlan> = {}): JobPlan {
  return {
    runName: 'loadtest-checkout-20260131-120000',
    scenarioLabel: 'checkout',
    namespace: 'load',
    image: 'registry.example/loadtest:0.1.0',
    parallelism: 4,
    startAt: '2026-01-31T12:00:00.000Z',
    scenarioPath: 'flows/checkout.yaml',
    files: [
      { key: 'flows.checkout.yaml', path: 'flows/checkout.yaml', content: Buffer.from('name: checkout\n') },
      { key: 'data.users.csv', path: 'data/users.csv', content: Buffer.from('name\nalice\n') },
      { key: 'data.blob.bin', path: 'data/blob.bin', content: Buffer.from([0xff, 0xfe, 0x00, 0x01]) },
    ],
    cpu: '1',
    memory: '512Mi',
    gatherMemory: '1Gi',
    results: { claim: 'loadtest-results', create: true, size: '1Gi', storageClass: 'nfs' },
    activeDeadlineSeconds: 900,
    gather: true,
    ...overrides,
  };
}

describe('k8s manifests', () => {
  const docs = parse(renderManifests(plan()));

  it('renders ConfigMap, claim, workers\' Job and gather Job, each valid against the Kubernetes schemas', () => {
    assert.deepEqual(docs.map((d) => `${d.kind}/${d.metadata.name}`), [
      'ConfigMap/loadtest-checkout-20260131-120000-scenario',
      'PersistentVolumeClaim/loadtest-results',
      'Job/loadtest-checkout-20260131-120000',
      'Job/loadtest-checkout-20260131-120000-gather',
    ]);
    for (const d of docs) {
      validate(d);
      assert.equal(d.metadata.namespace, 'load');
      assert.ok(isDnsLabel(d.metadata.name), d.metadata.name);
    }
  });

  it('the validators do reject a broken Job (the check can fail)', () => {
    const broken = structuredClone(docs[2]!);
    broken.spec.completions = '4';
    assert.throws(() => validate(broken), /completions must be integer/);
  });

  it('the workers\' Job is Indexed, N at once, never retried, every pod its own segment and the same start', () => {
    const job = docs[2]!;
    assert.equal(job.spec.completionMode, 'Indexed');
    assert.equal(job.spec.completions, 4);
    assert.equal(job.spec.parallelism, 4);
    assert.equal(job.spec.backoffLimit, 0);
    assert.equal(job.spec.template.spec.restartPolicy, 'Never');
    const c = job.spec.template.spec.containers[0];
    assert.deepEqual(c.command, ['loadtest']);
    assert.deepEqual(c.args, [
      'run', '/scenario/flows/checkout.yaml', '--segment', '$(JOB_COMPLETION_INDEX)/4', '--start-at', '2026-01-31T12:00:00.000Z',
      '--out', '/results/loadtest-checkout-20260131-120000/worker-$(JOB_COMPLETION_INDEX)', '--quiet',
    ]);
    assert.deepEqual(c.resources, { requests: { cpu: '1', memory: '512Mi' }, limits: { memory: '512Mi' } });
    assert.ok(workerArgs(plan({ target: 'http://shop:8080' })).join(' ').includes('--target http://shop:8080'));
  });

  it('every volumeMount names a volume of its pod; the ConfigMap items map every file under its key', () => {
    for (const job of [docs[2]!, docs[3]!]) {
      const pod = job.spec.template.spec;
      const volumes = new Set(pod.volumes.map((v: Obj) => v.name));
      for (const c of pod.containers) for (const m of c.volumeMounts) assert.ok(volumes.has(m.name), `${job.metadata.name}: ${m.name}`);
      const claim = pod.volumes.find((v: Obj) => v.persistentVolumeClaim);
      assert.equal(claim.persistentVolumeClaim.claimName, 'loadtest-results');
    }
    const cm = docs[0]!;
    const items = docs[2]!.spec.template.spec.volumes.find((v: Obj) => v.configMap).configMap.items as Obj[];
    assert.deepEqual(items, plan().files.map((f) => ({ key: f.key, path: f.path })));
    assert.equal(cm.data['flows.checkout.yaml'], 'name: checkout\n');
    assert.equal(cm.data['data.users.csv'], 'name\nalice\n');
    assert.equal(cm.binaryData['data.blob.bin'], Buffer.from([0xff, 0xfe, 0x00, 0x01]).toString('base64'));
  });

  it('the claim is ReadWriteMany; an existing claim is used, not created', () => {
    assert.deepEqual(docs[1]!.spec.accessModes, ['ReadWriteMany']);
    assert.equal(docs[1]!.spec.storageClassName, 'nfs');
    const existing = parse(renderManifests(plan({ results: { claim: 'shared', create: false, size: '1Gi' }, gather: false })));
    assert.deepEqual(existing.map((d) => d.kind), ['ConfigMap', 'Job']);
    assert.equal(existing[1]!.spec.template.spec.volumes[1].persistentVolumeClaim.claimName, 'shared');
  });

  it('the gather Job is suspended, and merges every worker\'s stream, reports and gates', () => {
    const gather = gatherJob(plan());
    assert.equal((gather.spec as Obj).suspend, true);
    const script = gatherScript(plan());
    assert.match(script, /^set -e\nloadtest merge /);
    for (let i = 0; i < 4; i++) assert.ok(script.includes(`/results/loadtest-checkout-20260131-120000/worker-${i}/results.ndjson`));
    assert.ok(!script.includes('worker-4'));
    assert.match(script, /loadtest report \S+\/merged.ndjson --html \S+\/report.html/);
    assert.match(script, /loadtest gate \S+\/merged.ndjson/);
    // Sized for the report and the gate, which hold the whole merged stream, not like a worker.
    assert.deepEqual((gatherJob(plan({ memory: '256Mi', gatherMemory: '2Gi' })).spec as Obj).template.spec.containers[0].resources, { requests: { cpu: '500m', memory: '2Gi' }, limits: { memory: '2Gi' } });
  });

  it('says how to apply, wait, resume the gather and fetch the results in a header comment', () => {
    const text = renderManifests(plan(), 'out.yaml');
    assert.match(text, /^---\n# loadtest k8s: 4 worker\(s\) start together at 2026-01-31T12:00:00.000Z\n# 1\. kubectl apply -n load -f out.yaml/);
    assert.match(text, /kubectl patch -n load job\/loadtest-checkout-20260131-120000-gather --type=merge -p '\{"spec":\{"suspend":false\}\}'/);
    assert.match(text, /kubectl cp -n load /);
  });

  it('names are DNS-1123 labels within 63 characters, also for the gather Job and indexed pod hostnames', () => {
    assert.equal(dnsLabel('Checkout Flow — EU/West!'), 'checkout-flow-eu-west');
    assert.equal(dnsLabel('!!!'), 'scenario');
    const long = runName('A'.repeat(200) + ' scenario', new Date('2026-01-31T12:00:00Z'));
    assert.ok(isDnsLabel(long), long);
    assert.ok(isDnsLabel(`${long}-gather`));
    assert.ok(isDnsLabel(`${long}-99999`));
    assert.equal(runName('checkout', new Date('2026-01-31T12:00:00Z')), 'loadtest-checkout-20260131-120000');
    const job = workerJob(plan({ runName: long }));
    validate(job);
  });

  it('ConfigMap keys are valid whatever the path', () => {
    for (const path of ['data/users.csv', 'a b/ü.json', '../x', '.', 'flows/checkout.yaml']) {
      assert.match(configMapKey(path), /^[-._a-zA-Z0-9]{1,253}$/, path);
      assert.ok(!['.', '..'].includes(configMapKey(path)));
    }
    assert.equal(configMapKey('data/users.csv'), 'data.users.csv');
  });

  it('a ConfigMap with no binary file has no binaryData', () => {
    const cm = configMap(plan({ files: plan().files.slice(0, 2) }));
    assert.equal('binaryData' in cm, false);
  });
});
