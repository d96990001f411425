// JSON Schema (draft-07) for recommendation.json, a description on every property so the file
// documents itself. Objects are closed (additionalProperties: false) so that the tests catch a
// field the writer emits but the schema does not describe; readers of older versions should still
// ignore keys they do not know, as the versioning rule allows keys to be added.
import { RECOMMENDATION_SCHEMA } from './recommendation-json.js';

type Schema = Record<string, unknown>;

const nullable = (schema: Schema, description: string): Schema => ({ description, anyOf: [schema, { type: 'null' }] });

const cpuAmount = (description: string): Schema => ({
  type: 'object',
  description,
  additionalProperties: false,
  required: ['cores', 'quantity'],
  properties: {
    cores: { type: 'number', exclusiveMinimum: 0, description: 'CPU in cores (1 = one vCPU), rounded up to whole millicores.' },
    quantity: { type: 'string', pattern: '^[0-9]+m?$', description: 'The same amount as a Kubernetes quantity, e.g. "250m" or "2".' },
  },
});

const memoryAmount = (description: string): Schema => ({
  type: 'object',
  description,
  additionalProperties: false,
  required: ['bytes', 'quantity'],
  properties: {
    bytes: { type: 'integer', minimum: 1, description: 'Memory in bytes, rounded up to a whole MiB step.' },
    quantity: { type: 'string', pattern: '^[0-9]+(Mi|Gi)?$', description: 'The same amount as a Kubernetes quantity, e.g. "256Mi".' },
  },
});

const reference = (description: string): Schema => ({
  type: 'object',
  description,
  additionalProperties: false,
  required: ['cpuRequestCores', 'cpuLimitCores', 'memoryRequestBytes', 'memoryLimitBytes', 'rule', 'notes'],
  properties: {
    cpuRequestCores: nullable({ type: 'number', minimum: 0 }, 'CPU request it would set, cores; null without CPU samples.'),
    cpuLimitCores: nullable({ type: 'number', minimum: 0 }, 'CPU limit it would set, cores; null: it sets none.'),
    memoryRequestBytes: nullable({ type: 'integer', minimum: 0 }, 'Memory request it would set, bytes; null without memory samples.'),
    memoryLimitBytes: nullable({ type: 'integer', minimum: 0 }, 'Memory limit it would set, bytes; null: it sets none.'),
    rule: { type: 'string', description: 'Its rule, in words, with the sample counts it was applied to.' },
    notes: { type: 'array', items: { type: 'string' }, description: 'Where the tool itself would act differently on these samples (floors, too few points).' },
  },
});

const number = (description: string, extra: Schema = {}): Schema => ({ type: 'number', description, ...extra });
const text = (description: string): Schema => ({ type: 'string', description });

const target: Schema = {
  type: 'object',
  description: 'The recommendation for one target (a Deployment), with the data and rules behind each figure.',
  additionalProperties: false,
  required: ['container', 'replicas', 'reachesPeak', 'perReplicaCapacityRps', 'cpu', 'memory', 'hpa', 'basis', 'confidence', 'sizing', 'reference', 'comparison'],
  properties: {
    container: text('Name of the container in the pod template whose resources are sized.'),
    replicas: { type: 'integer', minimum: 1, description: 'Replica count: the smallest N whose predicted capacity covers peak × (1 + headroom), plus one for N+1 when asked, never past the USL peak.' },
    reachesPeak: { type: 'boolean', description: 'False when no replica count reaches peak × (1 + headroom): the tier cannot be scaled out to the peak.' },
    perReplicaCapacityRps: number('Predicted capacity at the SLO at the recommended count, divided by that count: requests per second per replica.', { minimum: 0 }),
    cpu: {
      type: 'object',
      description: 'CPU request and limit per container.',
      additionalProperties: false,
      required: ['request', 'limit'],
      properties: {
        request: cpuAmount('CPU request: a high percentile (default p95) of per-replica usage at the planned per-replica load.'),
        limit: { description: 'CPU limit; null when none is recommended (the default).', anyOf: [cpuAmount('CPU limit: a multiple of the request, never below the highest sample at the knee.'), { type: 'null' }] },
      },
    },
    memory: {
      type: 'object',
      description: 'Memory request and limit per container; equal, because memory cannot be throttled.',
      additionalProperties: false,
      required: ['request', 'limit'],
      properties: {
        request: memoryAmount('Memory request: peak working set × (1 + margin), rounded up.'),
        limit: memoryAmount('Memory limit: equal to the request.'),
      },
    },
    hpa: {
      type: 'object',
      description: 'An autoscaling/v2 HorizontalPodAutoscaler on CPU utilisation.',
      additionalProperties: false,
      required: ['targetCPUUtilizationPercentage', 'minReplicas', 'maxReplicas'],
      properties: {
        targetCPUUtilizationPercentage: { type: 'integer', minimum: 1, description: 'Average CPU utilisation (percent of the request) to hold; chosen so scale-out starts before the knee.' },
        minReplicas: { type: 'integer', minimum: 1, description: 'The planned replica count (N+1 included).' },
        maxReplicas: { type: 'integer', minimum: 1, description: 'The USL’s best whole replica count when the fit has a peak, otherwise the cap; equal to minReplicas for a tier that does not scale.' },
      },
    },
    basis: {
      type: 'object',
      description: 'For each figure, the data and rule it came from, in words.',
      additionalProperties: false,
      required: ['replicas', 'cpuRequest', 'cpuLimit', 'memory', 'hpa'],
      properties: {
        replicas: text('How the replica count was reached.'),
        cpuRequest: text('Which samples and percentile gave the CPU request.'),
        cpuLimit: text('Why there is or is not a CPU limit.'),
        memory: text('Which peak and margin gave the memory request and limit.'),
        hpa: text('How the HPA target and bounds were derived.'),
      },
    },
    confidence: {
      type: 'object',
      description: 'How far to trust these figures.',
      additionalProperties: false,
      required: ['level', 'reasons'],
      properties: {
        level: { type: 'string', enum: ['high', 'medium', 'low'], description: 'The worst level any reason gives.' },
        reasons: { type: 'array', items: { type: 'string' }, minItems: 1, description: 'What lowers confidence (coarse searches, a poor fit, few samples), or why it is high.' },
      },
    },
    sizing: {
      type: 'object',
      description: 'The measured and predicted figures the recommendation used.',
      additionalProperties: false,
      required: ['targetPeakRps', 'requiredRps', 'predictedCapacityRps', 'plannedRpsPerReplica', 'sampledRpsPerReplica', 'cpuSamples', 'cpuAtPlannedLoadCores', 'kneeRpsPerReplica', 'cpuAtKneeCores', 'peakWorkingSetBytes'],
      properties: {
        targetPeakRps: number('Peak arrival rate this target must serve, requests per second.', { minimum: 0 }),
        requiredRps: number('Peak × (1 + headroom): the capacity planned for.', { minimum: 0 }),
        predictedCapacityRps: number('Predicted capacity at the SLO at the recommended count.', { minimum: 0 }),
        plannedRpsPerReplica: number('Load on each replica at peak with every replica up.', { minimum: 0 }),
        sampledRpsPerReplica: nullable({ type: 'number', minimum: 0 }, 'Per-replica load of the step whose CPU samples sized the request; null when the CPU model was used.'),
        cpuSamples: { type: 'integer', minimum: 0, description: 'CPU samples in that step.' },
        cpuAtPlannedLoadCores: number('CPU per replica at the planned load (the percentile, or the model’s mean), cores.', { minimum: 0 }),
        kneeRpsPerReplica: number('Per-replica load at the knee step.', { minimum: 0 }),
        cpuAtKneeCores: number('Mean CPU per replica at the knee, cores.', { minimum: 0 }),
        peakWorkingSetBytes: { type: 'integer', minimum: 0, description: 'Highest working set of any replica in any step, bytes.' },
        cpuPerRequestCoreSeconds: nullable({ type: 'number' }, 'What one request costs in CPU, core-seconds (0.004 = 4 ms of one core): the slope of mean per-replica CPU over per-replica load across the levels that held; null with fewer than two loads.'),
      },
    },
    reference: {
      type: 'object',
      description: 'What usage-only recommenders would set from the same samples.',
      additionalProperties: false,
      required: ['krrSimple', 'vpa'],
      properties: {
        krrSimple: reference('KRR’s simple strategy: CPU request = p95 of usage, no CPU limit, memory request = limit = max working set × 1.15.'),
        vpa: reference('The VPA recommender’s target: 1.15 × p90 (CPU over usage samples, memory over per-replica peaks), floored at 25m and 250Mi.'),
      },
    },
    comparison: text('Why our figures differ from the reference recommenders’, in words.'),
    scaling: {
      type: 'object',
      description: 'The Universal Scalability Law fit through knees at two or more replica counts: X(N) = γN / (1 + α(N−1) + βN(N−1)).',
      additionalProperties: false,
      required: ['alpha', 'beta', 'gamma', 'peakReplicas', 'rSquared', 'verdict'],
      properties: {
        alpha: number('Contention: the share of work that serialises.', { minimum: 0 }),
        beta: number('Coherency: the cost per pair of replicas kept in step.', { minimum: 0 }),
        gamma: number('One replica’s throughput at the SLO, requests per second.', { minimum: 0 }),
        peakReplicas: nullable({ type: 'number', minimum: 1 }, 'N* = sqrt((1 − α)/β), where throughput peaks; null when there is no peak; 1 when more replicas never help.'),
        rSquared: nullable({ type: 'number', maximum: 1 }, 'Share of the variance in throughput the fit explains; null with too few points.'),
        verdict: text('The scaling in plain words.'),
        linearWithinResolution: { type: 'boolean', description: 'True when one per-replica capacity lay inside every knee’s bracket (highest rate held, lowest failed, ±5%): α and β were then not fitted but taken as 0, since the searches could not resolve contention.' },
      },
    },
  },
};

export const RECOMMENDATION_JSON_SCHEMA: Schema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'loadtest recommendation',
  description: 'Replica counts, Kubernetes requests/limits and HPA settings per target, from capacity searches, with the data and rules behind each figure.',
  type: 'object',
  additionalProperties: false,
  required: ['schema', 'schemaVersion', 'generatedAt', 'inputs', 'targets'],
  properties: {
    schema: { const: RECOMMENDATION_SCHEMA, description: 'Identifies the document kind.' },
    schemaVersion: { const: 1, description: 'Major version of this document’s layout; bumped when a key is removed, renamed or changes meaning.' },
    generatedAt: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?Z$', description: 'When the recommendation was computed (ISO 8601, UTC).' },
    inputs: {
      type: 'object',
      description: 'What the plan was asked to cover.',
      additionalProperties: false,
      required: ['peakRps', 'slo', 'headroom', 'nPlusOne'],
      properties: {
        peakRps: number('Peak arrival rate to serve, requests per second.', { minimum: 0 }),
        slo: text('The objective the knees were searched against, in words.'),
        headroom: number('Fraction above peak to plan for (0.3 = 30%).', { minimum: 0 }),
        nPlusOne: { type: 'boolean', description: 'Whether the plan must survive losing one replica at peak.' },
      },
    },
    targets: { type: 'object', description: 'Recommendation per target, keyed by the target (Deployment) name.', additionalProperties: target },
  },
};
