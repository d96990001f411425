// JSON Schema of the scenario's `capacity:` section: the plan its capacity searches are sized against.
import { CPU_LIMIT_PATTERN } from './cpu-limit-policy.js';
import { sloSchema } from './phase-schema.js';
import { integer, rate, string, type Schema } from './schema-value-kinds.js';

export const capacitySchema: Schema = {
  description:
    'Capacity planning: size a launched target for a peak rate under an SLO. The run\'s capacity-search phases find the knee; with `replicas: [1, 2, 4]` the run is repeated at each count and the Universal Scalability Law is fitted. The run then writes recommendation.json, kubernetes.yaml and the report\'s capacity section; `loadtest verify` re-runs the recommendation at peak.',
  type: 'object',
  additionalProperties: false,
  required: ['peak'],
  properties: {
    target: string('The launched target (under `targets:`) to size. Default: the one `target:` names.'),
    peak: rate('The peak arrival rate to serve.', true),
    slo: { ...sloSchema, description: `${sloSchema.description as string} Capacity-search phases without their own \`slo\` use this one; \`verify\` checks it.` },
    headroom: { description: 'Plan for this much above peak, e.g. 30% (the default) or 0.3.', type: ['string', 'number'] },
    nPlusOne: { description: 'Keep serving peak with one replica lost. Default true.', type: 'boolean' },
    cpuLimit: { description: '"none" (default: no CPU quota, so no throttling) or a multiple of the request such as "2x".', type: 'string', pattern: CPU_LIMIT_PATTERN },
    replicas: {
      description: 'Replica counts (Raft nodes for a raft target) to run the searches at, one run each, e.g. [1, 2, 4]. Default: the count under `targets:`, one run.',
      type: 'array',
      minItems: 1,
      uniqueItems: true,
      items: integer('A replica count.', 1),
    },
    scaleLadder: {
      description: 'Multiply the searches\' from/to/step by each count ÷ the first, so each run searches around its own knee. Default true for command targets, false for raft (more voters do not add write capacity).',
      type: 'boolean',
    },
  },
};
