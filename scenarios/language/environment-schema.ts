// JSON Schema of what a scenario says about the system under test: the targets it starts
// (`targets:`), the resource sources it samples (`collect:`) and the faults it injects (`faults:`).
// A target and a fault are each one object type listing every key, as steps are: which keys go
// together (fixture or command, one fault action) is checked in the normalisers, where a message
// can say why. Collect sources are dispatched on `source` like phases on `executor`.

import { DEFAULT_PROMETHEUS_CPU_QUERY, DEFAULT_PROMETHEUS_MEMORY_QUERY } from '../../collectors/source-defaults.js';
import { cpuQuantity, duration, memoryQuantity, pid, scalarMap, string, VALUE_KIND, type Schema } from './schema-value-kinds.js';

export const FIXTURE_NAMES = ['raft'] as const;
export const SOURCE_KINDS = ['cgroup', 'process', 'docker', 'kubernetes', 'prometheus'] as const;
export type SourceKind = (typeof SOURCE_KINDS)[number];

const quantities = (description: string): Schema => ({
  description,
  type: 'object',
  additionalProperties: false,
  properties: {
    cpu: cpuQuantity('CPU.'),
    memory: memoryQuantity('Memory.'),
  },
});

const resources: Schema = {
  description:
    'CPU and memory for each replica, as in a Kubernetes container spec: { cpu, memory } sets the limits; { requests, limits } sets both. Limits are enforced (CFS quota, memory limit); requests set the CPU weight.',
  type: 'object',
  additionalProperties: false,
  properties: {
    cpu: cpuQuantity('CPU limit (short form).'),
    memory: memoryQuantity('Memory limit (short form).'),
    requests: quantities('What each replica is guaranteed: sets its CPU weight.'),
    limits: quantities('What each replica may use at most: CPU quota and memory limit.'),
  },
};

const target: Schema = {
  description: 'A target the run starts and stops: the bundled Raft KV cluster (`fixture: raft`) or any program (`command`).',
  type: 'object',
  additionalProperties: false,
  properties: {
    fixture: { description: 'A target that ships with loadtest: raft (the Raft KV cluster). Not with `command`.', enum: [...FIXTURE_NAMES] },
    nodes: { description: 'Raft: number of nodes. Default 3.', type: 'integer', minimum: 1, maximum: 7 },
    heartbeat: duration('Raft: heartbeat interval. Default 100ms.', true),
    election: duration('Raft: election timeout; longer than 2 × heartbeat. Default 1s.', true),
    command: {
      title: VALUE_KIND.command,
      description: 'Program and arguments, run without a shell, once per replica. {{replica}} (1-based), {{port}} (a free port per replica) and {{host}} (127.0.0.1, or the replica address in its own namespace) are replaced. Not with `fixture`.',
      type: 'array',
      minItems: 1,
      items: { type: 'string' },
    },
    env: scalarMap('Command: environment variables added for each replica (templates, as in command).'),
    cwd: string('Command: working directory, relative to the scenario file. Default: the scenario file\'s directory.'),
    replicas: { description: 'Command: how many copies to start. Default 1.', type: 'integer', minimum: 1, maximum: 64 },
    ready: string('Command: URL (template) that answers 2xx once a replica is ready. Default: ready once its port accepts connections, or at once.'),
    readyTimeout: duration('Command: how long a replica may take to become ready. Default 30s.', true),
    url: string('Command: base URL of a replica for requests (template). Default http://{{host}}:{{port}}.'),
    network: {
      description: 'loopback (default): replicas share the host network; netns: each replica in its own network namespace (needs root).',
      enum: ['loopback', 'netns'],
    },
    resources,
  },
};

export const targetsSchema: Schema = {
  description:
    'Targets this scenario starts, by name (lowercase letters, digits and -, at most 20 characters). Their CPU and memory are collected automatically; `target:` may name one to send requests to its replicas.',
  type: 'object',
  additionalProperties: target,
};

const sourceTarget = string('Target name the samples are labelled with (lowercase letters, digits and -, at most 20 characters); unique among sources.');

const source = (kind: SourceKind, description: string, properties: Schema, required: string[] = []): Schema => ({
  description,
  type: 'object',
  additionalProperties: false,
  required: ['source', 'target', ...required],
  properties: {
    source: { description, const: kind },
    target: sourceTarget,
    ...properties,
  },
});

const stringList = (description: string): Schema => ({ description, type: 'array', minItems: 1, items: { type: 'string' } });

export const sourceDefinitions: Record<string, Schema> = {
  'source-cgroup': source('cgroup', 'Reads a cgroup (v1 or v2) of this machine: exactly one of path, pid or replicas.', {
    path: string('cgroup path, e.g. /system.slice/nginx.service.'),
    pid: pid('A process whose cgroup is read.'),
    replicas: {
      description: 'One cgroup path per replica, by replica name.',
      type: 'object',
      minProperties: 1,
      additionalProperties: string('cgroup path of this replica.'),
    },
  }),
  'source-process': source('process', 'Reads /proc for a process (and by default its children): pid or pids.', {
    pid: pid('The process to read.'),
    pids: { description: 'One process per replica, by replica name.', type: 'object', minProperties: 1, additionalProperties: pid('Process of this replica.') },
    children: { description: 'Count the processes it started too. Default true.', type: 'boolean' },
  }),
  'source-docker': source('docker', 'Reads container stats from the Docker engine: names or labels (or both); each container is a replica.', {
    names: stringList('Container names.'),
    labels: stringList('Label filters such as app=api; containers matching all of them.'),
    socket: string('Docker engine socket. Default /var/run/docker.sock.'),
  }),
  'source-kubernetes': source(
    'kubernetes',
    'Reads pod metrics from the Kubernetes metrics API; each pod is a replica.',
    {
      namespace: { description: 'Namespace of the pods.', type: 'string', minLength: 1 },
      selector: { description: 'Label selector of the pods, e.g. app=api.', type: 'string', minLength: 1 },
      kubeconfig: string('kubeconfig file; ~ is the home directory, relative paths are relative to the scenario file. Default: the usual lookup (KUBECONFIG, ~/.kube/config, in-cluster).'),
      context: string('kubeconfig context. Default: its current context.'),
    },
    ['namespace', 'selector'],
  ),
  'source-prometheus': source(
    'prometheus',
    'Asks a Prometheus server; each series (by pod) is a replica.',
    {
      url: string('Base URL of the Prometheus server (http or https).'),
      cpuQuery: string(`PromQL giving CPU cores per replica. Default: ${DEFAULT_PROMETHEUS_CPU_QUERY}`),
      memoryQuery: string(`PromQL giving memory working set bytes per replica. Default: ${DEFAULT_PROMETHEUS_MEMORY_QUERY}`),
      headers: scalarMap('Headers sent with every query, e.g. authorization.'),
    },
    ['url'],
  ),
};

export const collectSchema: Schema = {
  description: 'Resource sources sampled during the run, beside the targets it starts (which are collected automatically).',
  type: 'object',
  additionalProperties: false,
  properties: {
    interval: duration('How often every source is sampled; at least 100ms. Default 1s.'),
    sources: {
      description: 'Where to read CPU and memory of targets this scenario does not start.',
      type: 'array',
      items: { $ref: '#/definitions/source' },
    },
  },
};

export const sourceSchema: Schema = {
  description: 'A resource source; `source` selects the kind and which other keys apply.',
  type: 'object',
  required: ['source'],
  // Listed here (not only in each branch) so editors can complete the source kind.
  properties: { source: { description: 'Where the samples come from.', enum: [...SOURCE_KINDS] } },
  discriminator: { propertyName: 'source' },
  oneOf: SOURCE_KINDS.map((kind) => ({ $ref: `#/definitions/source-${kind}` })),
};

const selector = (description: string): Schema => string(`${description} A replica selector: kv (every replica), kv/2 (the second), leader, follower or kv/leader.`);

const fault: Schema = {
  description: 'One fault: `at` and exactly one of kill, restart, pause, partition, cpu or delay.',
  type: 'object',
  additionalProperties: false,
  required: ['at'],
  properties: {
    at: duration('When the fault fires, from the start of the load; before the last phase ends.'),
    kill: selector('Kill these replicas (SIGKILL unless `signal`); they stay down.'),
    signal: { description: 'kill: the signal sent. Default SIGKILL; SIGTERM for a clean stop.', enum: ['SIGKILL', 'SIGTERM'] },
    restart: selector('Stop and start these replicas again.'),
    pause: selector('Freeze these replicas (SIGSTOP) and resume them (SIGCONT) after `for`; without `for` they stay paused until the run ends.'),
    partition: {
      description: 'Split a raft target into groups that cannot reach each other, e.g. [[kv/1], [kv/2, kv/3]]; healed after `for`.',
      type: 'array',
      minItems: 2,
      items: { type: 'array', minItems: 1, items: { type: 'string' } },
    },
    cpu: cpuQuantity('Squeeze the CPU limit of `of` to this, and back to its limit after `for`.'),
    delay: duration('Add this latency to the network of `of` (netem), removed after `for`.', true),
    jitter: duration('delay: random variation added to it. Default 0.'),
    of: selector('cpu and delay: the replicas acted on. kill, restart, pause, partition: the target of a leader or follower role.'),
    for: duration('How long pause, partition, cpu or delay lasts before it is undone. Not for kill or restart.', true),
  },
};

export const faultsSchema: Schema = {
  description: 'Faults injected into the targets this scenario starts, at set times during the load.',
  type: 'array',
  items: fault,
};
