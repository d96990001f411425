// The manifests parse back, carry the recommended figures with the right types, and are valid
// Kubernetes objects: checked with the OpenAPI-derived validators of `kubernetes-models` (ajv
// compiled from the Kubernetes API's schemas). The Deployment patch is, by design, not a whole
// Deployment (no selector, no image), so it is merged by container name onto a minimal Deployment,
// as the API server's strategic merge would, and the result is validated.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { parseAllDocuments } from 'yaml';
import { kubernetesYaml } from '../../../reports/capacity/kubernetes-yaml.js';
import { recommendTarget, type PlanInputs } from '../../../reports/capacity/recommend.js';
import { statelessTier } from './capacity-fixtures.js';

const plan: PlanInputs = { peakRps: 300, headroom: 0.3, nPlusOne: true, slo: 'p99 < 250 ms' };

type Obj = Record<string, any>;

function parse(text: string): Obj[] {
  const docs = parseAllDocuments(text);
  for (const d of docs) assert.deepEqual(d.errors, []);
  return docs.map((d) => d.toJS() as Obj);
}

function baseDeployment(name: string, container: string): Obj {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'sidecar', image: 'proxy:1' }, { name: container, image: 'app:1' }] } },
    },
  };
}

/** Strategic merge for this patch's shape: maps merge, containers merge by name. */
function mergePatch(base: Obj, patch: Obj): Obj {
  const out: Obj = structuredClone(base);
  for (const [key, value] of Object.entries(patch)) {
    if (key === 'containers' && Array.isArray(value)) {
      for (const c of value as Obj[]) {
        const i = (out.containers as Obj[]).findIndex((x) => x.name === c.name);
        if (i >= 0) out.containers[i] = mergePatch(out.containers[i], c);
        else out.containers.push(c);
      }
    } else if (value !== null && typeof value === 'object' && !Array.isArray(value) && typeof out[key] === 'object') {
      out[key] = mergePatch(out[key], value as Obj);
    } else {
      out[key] = value;
    }
  }
  return out;
}

describe('kubernetes YAML', () => {
  const api = recommendTarget(plan, statelessTier());
  const limited = recommendTarget(plan, statelessTier({ name: 'worker', container: 'main' }), { cpuLimit: { kind: 'multiple-of-request', multiple: 2 } });
  const raft = recommendTarget(plan, statelessTier({ name: 'kv', knees: [{ replicas: 1, kneeRps: 1000, searchSteps: 8 }, { replicas: 3, kneeRps: 700, searchSteps: 8 }] }));
  const docs = parse(kubernetesYaml([limited, api, raft], { namespace: 'shop' }));

  it('renders a Deployment patch and an HPA per scalable target, sorted by name, none for a tier that does not scale', () => {
    assert.deepEqual(
      docs.map((d) => `${d.kind}/${d.metadata.name}`),
      ['Deployment/api', 'HorizontalPodAutoscaler/api', 'Deployment/kv', 'Deployment/worker', 'HorizontalPodAutoscaler/worker'],
    );
    for (const d of docs) assert.equal(d.metadata.namespace, 'shop');
  });

  it('the Deployment patch carries replicas and the container’s requests and limits as quantity strings', () => {
    const d = docs[0]!;
    assert.equal(d.apiVersion, 'apps/v1');
    assert.equal(d.spec.replicas, api.replicas);
    assert.equal(typeof d.spec.replicas, 'number');
    const container = d.spec.template.spec.containers[0];
    assert.equal(container.name, 'api');
    assert.deepEqual(container.resources.requests, { cpu: api.cpu.request.quantity, memory: api.memory.request.quantity });
    assert.deepEqual(container.resources.limits, { memory: api.memory.limit.quantity }); // no CPU limit by default
    const worker = docs[3]!.spec.template.spec.containers[0];
    assert.equal(worker.name, 'main');
    assert.equal(worker.resources.limits.cpu, limited.cpu.limit!.quantity);
    for (const q of [container.resources.requests.cpu, container.resources.requests.memory]) assert.equal(typeof q, 'string');
  });

  it('the HPA is autoscaling/v2 on CPU utilisation with the recommended bounds', () => {
    const h = docs[1]!;
    assert.equal(h.apiVersion, 'autoscaling/v2');
    assert.deepEqual(h.spec.scaleTargetRef, { apiVersion: 'apps/v1', kind: 'Deployment', name: 'api' });
    assert.equal(h.spec.minReplicas, api.hpa.minReplicas);
    assert.equal(h.spec.maxReplicas, api.hpa.maxReplicas);
    assert.deepEqual(h.spec.metrics, [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: api.hpa.targetCPUUtilizationPercentage } } }]);
  });

  it('every object is valid against the Kubernetes OpenAPI schemas (patches once merged onto a Deployment)', () => {
    for (const d of docs) {
      if (d.kind === 'HorizontalPodAutoscaler') new HorizontalPodAutoscaler(d as ConstructorParameters<typeof HorizontalPodAutoscaler>[0]).validate();
      else {
        const container = d.spec.template.spec.containers[0].name as string;
        const merged = mergePatch(baseDeployment(d.metadata.name, container), d);
        assert.equal(merged.spec.template.spec.containers.length, 2); // merged by name, sidecar untouched
        new Deployment(merged as ConstructorParameters<typeof Deployment>[0]).validate();
      }
    }
  });

  it('the validators do reject a broken manifest (the check can fail)', () => {
    const broken = structuredClone(docs[1]!);
    broken.spec.maxReplicas = String(broken.spec.maxReplicas);
    assert.throws(() => new HorizontalPodAutoscaler(broken as ConstructorParameters<typeof HorizontalPodAutoscaler>[0]).validate(), /maxReplicas must be integer/);
    const badQuantity = mergePatch(baseDeployment('api', 'api'), docs[0]!);
    badQuantity.spec.template.spec.containers[1].resources.requests.cpu = '250 millicores';
    assert.throws(() => new Deployment(badQuantity as ConstructorParameters<typeof Deployment>[0]).validate(), /quantity/);
  });

  it('says in a comment why a target has no HPA and how confident the figures are', () => {
    const text = kubernetesYaml([raft]);
    assert.match(text, /# kv: no HorizontalPodAutoscaler: more replicas add no throughput/);
    assert.match(text, /# kv: 1 replica\(s\); confidence /);
  });
});
