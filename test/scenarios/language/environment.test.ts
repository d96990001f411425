// targets:, collect: and faults: — a full file normalised with every default filled, then every rule
// broken once, asserting the exact message and the line:column it points at.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DEFAULT_PROMETHEUS_CPU_QUERY, DEFAULT_PROMETHEUS_MEMORY_QUERY } from '../../../collectors/source-defaults.js';
import type { EnvironmentSpec } from '../../../scenarios/environment-model.js';
import { loadScenario, type LoadScenarioOptions } from '../../../scenarios/language/load-scenario.js';
import { ScenarioError } from '../../../scenarios/language/scenario-error.js';
import { scenarioJsonSchema } from '../../../scenarios/language/scenario-schema.js';
import type { Scenario } from '../../../scenarios/model.js';
import { DATA_DIR, showIssue } from '../load-helpers.js';

/** Seven lines of load, so every snippet below starts on line 8; two minutes, so faults fit before 2m. */
const BASE = `name: t
target: http://127.0.0.1:8080
flows:
  - steps:
      - request: { url: / }
phases:
  - { executor: constant-vus, vus: 1, duration: 2m }
`;

let dir = '';
let written = 0;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'loadtest-environment-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

function write(yaml: string): string {
  const file = join(dir, `scenario-${++written}.yaml`);
  writeFileSync(file, yaml);
  return file;
}

async function load(snippet: string, options: LoadScenarioOptions = {}, base = BASE): Promise<Scenario> {
  return loadScenario(write(base + snippet), { env: {}, ...options });
}

/** The issues of BASE + snippet as "line:column: path: message"; fails if it loads. */
async function problems(snippet: string, base = BASE): Promise<string[]> {
  const error = await load(snippet, {}, base).then(
    () => assert.fail('expected the scenario to be rejected'),
    (thrown: unknown) => thrown,
  );
  assert.ok(error instanceof ScenarioError, `expected a ScenarioError, got ${String(error)}`);
  return error.issues.map(showIssue);
}

describe('environment: a valid file', () => {
  it('normalises every key of targets:, collect: and faults:, filling defaults and sorting faults by time', async () => {
    const scenario = await loadScenario(join(DATA_DIR, 'environment.yaml'), { env: { WORKER_PID: '777', PROM_TOKEN: 'secret' } });
    const noResources = { limits: {}, requests: {} };
    const expected: EnvironmentSpec = {
      targets: {
        kv: {
          name: 'kv',
          kind: 'raft',
          nodes: 3,
          heartbeatMs: 50,
          electionMs: 1000,
          network: 'loopback',
          resources: { limits: { cpuCores: 0.5, memoryBytes: 256 * 1024 ** 2 }, requests: {} },
        },
        api: {
          name: 'api',
          kind: 'command',
          command: ['node', 'server.js', '--port', '{{port}}'],
          env: { PORT: '{{port}}', WORKERS: '2' },
          cwd: join(DATA_DIR, 'services'),
          replicas: 2,
          ready: 'http://127.0.0.1:{{port}}/health',
          readyTimeoutMs: 10_000,
          url: 'http://127.0.0.1:{{port}}/api',
          network: 'netns',
          resources: { requests: { cpuCores: 0.25, memoryBytes: 128 * 1024 ** 2 }, limits: { cpuCores: 1, memoryBytes: 1e9 } },
        },
        web: {
          name: 'web',
          kind: 'command',
          command: ['./web'],
          env: {},
          cwd: join(DATA_DIR, '.'),
          replicas: 1,
          readyTimeoutMs: 30_000,
          url: 'http://{{host}}:{{port}}',
          network: 'loopback',
          resources: noResources,
        },
      },
      collect: {
        intervalMs: 500,
        sources: [
          { source: 'cgroup', target: 'nginx', replicas: [{ replica: 'nginx', path: '/system.slice/nginx.service' }] },
          { source: 'cgroup', target: 'db', replicas: [{ replica: 'db', pid: 4242 }] },
          {
            source: 'cgroup',
            target: 'shard',
            replicas: [
              { replica: 'shard-1', path: '/kubepods/pod1/abc' },
              { replica: 'shard-2', path: '/kubepods/pod2/def' },
            ],
          },
          { source: 'process', target: 'worker', replicas: [{ replica: 'worker', pid: 777 }], children: true },
          {
            source: 'process',
            target: 'workers',
            replicas: [
              { replica: 'w1', pid: 100 },
              { replica: 'w2', pid: 200 },
            ],
            children: false,
          },
          { source: 'docker', target: 'shop', socket: '/var/run/docker.sock', names: ['shop-api-1', 'shop-api-2'], labels: [] },
          { source: 'docker', target: 'cart', socket: join(DATA_DIR, 'run', 'docker.sock'), names: [], labels: ['app=cart'] },
          { source: 'kubernetes', target: 'orders', namespace: 'shop', selector: 'app=orders', kubeconfig: join(homedir(), '.kube', 'config'), context: 'staging' },
          { source: 'kubernetes', target: 'stock', namespace: 'shop', selector: 'app=stock' },
          {
            source: 'prometheus',
            target: 'search',
            url: 'http://prometheus:9090',
            cpuQuery: 'sum by (pod) (rate(cpu[1m]))',
            memoryQuery: 'sum by (pod) (mem)',
            headers: { authorization: 'Bearer secret' },
          },
          {
            source: 'prometheus',
            target: 'auth',
            url: 'https://prometheus.test',
            cpuQuery: DEFAULT_PROMETHEUS_CPU_QUERY,
            memoryQuery: DEFAULT_PROMETHEUS_MEMORY_QUERY,
            headers: {},
          },
        ],
      },
      faults: [
        { label: 'faults[1]', atMs: 30_000, action: 'kill', signal: 'SIGKILL', of: { target: 'kv', kind: 'leader' } },
        { label: 'faults[10]', atMs: 30_000, action: 'restart', of: { target: 'kv', kind: 'leader' } },
        { label: 'faults[2]', atMs: 45_000, action: 'restart', of: { target: 'kv', kind: 'replica', index: 1 } },
        { label: 'faults[3]', atMs: 50_000, action: 'kill', signal: 'SIGTERM', of: { target: 'api', kind: 'replica', index: 2 } },
        { label: 'faults[0]', atMs: 60_000, forMs: 3000, action: 'pause', of: { target: 'kv', kind: 'follower' } },
        { label: 'faults[4]', atMs: 70_000, action: 'pause', of: { target: 'kv', kind: 'all' } },
        {
          label: 'faults[5]',
          atMs: 90_000,
          forMs: 10_000,
          action: 'partition',
          groups: [
            [{ target: 'kv', kind: 'replica', index: 1 }],
            [
              { target: 'kv', kind: 'replica', index: 2 },
              { target: 'kv', kind: 'replica', index: 3 },
            ],
          ],
          of: { target: 'kv', kind: 'all' },
        },
        {
          label: 'faults[6]',
          atMs: 95_000,
          forMs: 5000,
          action: 'partition',
          groups: [[{ target: 'kv', kind: 'leader' }], [{ target: 'kv', kind: 'follower' }]],
          of: { target: 'kv', kind: 'all' },
        },
        { label: 'faults[7]', atMs: 120_000, forMs: 20_000, action: 'cpu', cores: 0.25, of: { target: 'kv', kind: 'replica', index: 2 } },
        { label: 'faults[8]', atMs: 150_000, forMs: 10_000, action: 'delay', delayMs: 50, jitterMs: 5, of: { target: 'kv', kind: 'replica', index: 3 } },
        { label: 'faults[9]', atMs: 160_000, action: 'delay', delayMs: 20, jitterMs: 0, of: { target: 'api', kind: 'all' } },
      ],
    };
    assert.deepEqual(scenario.environment, expected);
    assert.equal(scenario.target, '', 'the run fills in the replicas of kv');
    assert.equal(scenario.targetRef, 'kv');
  });

  it('fills the raft defaults and leaves a scenario without these sections empty', async () => {
    const scenario = await load('targets:\n  kv: { fixture: raft }\n');
    assert.deepEqual(scenario.environment.targets.kv, {
      name: 'kv',
      kind: 'raft',
      nodes: 3,
      heartbeatMs: 100,
      electionMs: 1000,
      network: 'loopback',
      resources: { limits: {}, requests: {} },
    });
    const plain = await load('');
    assert.deepEqual(plain.environment, { targets: {}, collect: { intervalMs: 1000, sources: [] }, faults: [] });
    assert.equal('targetRef' in plain, false);
  });

  it('keeps a URL target beside launched targets, and lets --target win over a target name', async () => {
    const url = await load('targets:\n  kv: { fixture: raft }\n');
    assert.equal(url.target, 'http://127.0.0.1:8080');
    assert.equal(url.targetRef, undefined);
    const named = BASE.replace('target: http://127.0.0.1:8080', 'target: kv');
    const overridden = await load('targets:\n  kv: { fixture: raft }\n', { target: 'http://10.0.0.1:80' }, named);
    assert.equal(overridden.target, 'http://10.0.0.1:80');
    assert.equal(overridden.targetRef, undefined);
  });

  it('is part of the schema `loadtest schema` prints', () => {
    for (const key of ['targets', 'collect', 'faults']) assert.ok(key in scenarioJsonSchema.properties, key);
    assert.ok('source-prometheus' in scenarioJsonSchema.definitions);
  });
});

describe('environment errors: targets', () => {
  it('needs exactly one of fixture and command, and knows its fixtures', async () => {
    assert.deepEqual(await problems('targets:\n  kv: { nodes: 3 }\n'), [
      '9:7: targets.kv: a target needs "fixture: raft" (the bundled Raft KV cluster) or "command" (a program to start, e.g. [node, server.js])',
    ]);
    assert.deepEqual(await problems('targets:\n  kv: { fixture: raft, command: [x] }\n'), ['9:24: targets.kv.command: use either "fixture" or "command", not both']);
    assert.deepEqual(await problems('targets:\n  kv: { fixture: raf }\n'), ['9:18: targets.kv.fixture: expected one of raft, got "raf"; did you mean "raft"?']);
  });

  it('rejects keys of the other kind of target, saying what this kind uses', async () => {
    assert.deepEqual(await problems('targets:\n  kv: { fixture: raft, replicas: 2, url: "http://x" }\n  api: { command: [x], nodes: 3, heartbeat: 1s }\n'), [
      '9:24: targets.kv.replicas: "replicas" is for command targets; a raft target has "nodes"',
      '9:37: targets.kv.url: "url" is for command targets',
      '10:24: targets.api.nodes: "nodes" is for raft targets; a command target has "replicas"',
      '10:34: targets.api.heartbeat: "heartbeat" is for raft targets',
    ]);
  });

  it('reports unknown keys with a suggestion, and counts out of range', async () => {
    assert.deepEqual(await problems('targets:\n  kv: { fixture: raft, nodes: 9 }\n  api: { command: [x], replicas: 65, replica: 2 }\n'), [
      '9:31: targets.kv.nodes: must be at most 7, got 9',
      '10:34: targets.api.replicas: must be at most 64, got 65',
      '10:38: targets.api.replica: unknown key; did you mean "replicas"?',
    ]);
  });

  it('wants command as a list, because it runs without a shell', async () => {
    assert.deepEqual(await problems('targets:\n  api: { command: node server.js }\n'), [
      '9:19: targets.api.command: expected a list of the program and its arguments such as [node, server.js] (run without a shell), got "node server.js"',
    ]);
  });

  it('checks URL templates: scheme and {{…}} syntax', async () => {
    assert.deepEqual(await problems('targets:\n  api: { command: [x], url: "127.0.0.1:{{port}}", ready: "http://x/{{port" }\n'), [
      '9:29: targets.api.url: expected an http:// or https:// URL such as http://127.0.0.1:{{port}}/health, got "127.0.0.1:{{port}}"',
      '9:58: targets.api.ready: invalid {{…}} template: unexpected character (an unclosed {{ ?) near "http://x/{{port"',
    ]);
  });

  it('wants the election timeout longer than two heartbeats, whether election is set or defaulted', async () => {
    assert.deepEqual(await problems('targets:\n  kv: { fixture: raft, heartbeat: 600ms }\n  kv2: { fixture: raft, heartbeat: 100ms, election: 150ms }\n'), [
      '9:35: targets.kv.heartbeat: election (1s by default) must be longer than 2 × heartbeat (600ms)',
      '10:53: targets.kv2.election: election (150ms) must be longer than 2 × heartbeat (100ms)',
    ]);
  });

  it('parses Kubernetes quantities, naming the expected forms', async () => {
    const snippet = 'targets:\n  kv: { fixture: raft, resources: { cpu: 500x, memory: 256m } }\n  api: { command: [x], resources: { limits: { memory: 256MB }, requests: { cpu: 0m } } }\n';
    assert.deepEqual(await problems(snippet), [
      '9:42: targets.kv.resources.cpu: expected a CPU quantity such as 500m (millicores), 0.5 or 2 (cores), got "500x"',
      '9:56: targets.kv.resources.memory: "m" means thousandths of a byte; write 256Mi or 256M, got "256m"',
      '10:55: targets.api.resources.limits.memory: expected a memory quantity such as 256Mi or 1Gi (binary suffixes Ki, Mi, Gi, Ti), 512M or 1G (decimal suffixes k, M, G, T), 129e6 or a number of bytes, got "256MB"',
      '10:81: targets.api.resources.requests.cpu: must be greater than 0, got "0m"',
    ]);
  });

  it('wants every request at most its limit, and one form of resources', async () => {
    const snippet = 'targets:\n  api:\n    command: [x]\n    resources:\n      requests: { cpu: 2, memory: 512Mi }\n      limits: { cpu: "1", memory: 256Mi }\n';
    assert.deepEqual(await problems(snippet), [
      '12:24: targets.api.resources.requests.cpu: cpu request 2 is above its limit 1',
      '12:35: targets.api.resources.requests.memory: memory request 512Mi is above its limit 256Mi',
    ]);
    assert.deepEqual(await problems('targets:\n  api: { command: [x], resources: { cpu: 1, limits: { cpu: 2 } } }\n'), [
      '9:45: targets.api.resources.limits: use either the short form { cpu, memory } (limits) or { requests, limits }, not both: "cpu" is already set',
    ]);
  });

  it('keeps target names to what file names, cgroups and metric labels accept', async () => {
    assert.deepEqual(await problems('targets:\n  Kv_1: { fixture: raft }\n  a-very-long-target-name: { fixture: raft }\n  leader: { fixture: raft }\n'), [
      '9:3: targets.Kv_1: target name "Kv_1" must start with a lowercase letter and hold only a-z, 0-9 and - (it is used in file names, cgroup names and metric labels)',
      '10:3: targets.a-very-long-target-name: target name "a-very-long-target-name" is 23 characters long; at most 20',
      '11:3: targets.leader: "leader" is a replica role (leader, follower); choose another target name',
    ]);
  });

  it('accepts a target: that is neither a URL nor a launched target with both forms named', async () => {
    const base = BASE.replace('target: http://127.0.0.1:8080', 'target: kb');
    assert.deepEqual(await problems('targets:\n  kv: { fixture: raft }\n', base), [
      '2:9: target: expected an absolute http:// or https:// URL or the name of a target under targets: (known: kv), got "kb"; did you mean "kv"?',
    ]);
  });
});

describe('environment errors: collect', () => {
  it('dispatches on source, suggesting the nearest kind', async () => {
    assert.deepEqual(await problems('collect:\n  sources:\n    - { source: cgroups, target: x }\n'), [
      '10:17: collect.sources[0].source: expected one of cgroup, process, docker, kubernetes, prometheus, got "cgroups"; did you mean "cgroup"?',
    ]);
  });

  it('wants exactly one of path, pid or replicas on a cgroup source, and paths from the cgroup root', async () => {
    const snippet = 'collect:\n  sources:\n    - { source: cgroup, target: a }\n    - { source: cgroup, target: b, path: /x, pid: 3 }\n    - { source: cgroup, target: c, path: system.slice }\n';
    assert.deepEqual(await problems(snippet), [
      '10:7: collect.sources[0]: a cgroup source needs one of "path", "pid" or "replicas"',
      '11:46: collect.sources[1].pid: use one of "path", "pid" or "replicas", not both "path" and "pid"',
      '12:42: collect.sources[2].path: a cgroup path starts with / (from the cgroup root), e.g. /system.slice/nginx.service; got "system.slice"',
    ]);
  });

  it('wants pid or pids on a process source, each a process id', async () => {
    const snippet = 'collect:\n  sources:\n    - { source: process, target: a }\n    - { source: process, target: b, pid: abc }\n    - { source: process, target: c, pids: { w1: 0 } }\n';
    assert.deepEqual(await problems(snippet), [
      '10:7: collect.sources[0]: a process source needs one of "pid" or "pids"',
      '11:42: collect.sources[1].pid: expected a process id such as 4242 (a whole number, or digits in a string), got "abc"',
      '12:49: collect.sources[2].pids.w1: must be at least 1, got 0',
    ]);
  });

  it('wants names or labels on a docker source', async () => {
    assert.deepEqual(await problems('collect:\n  sources:\n    - { source: docker, target: a }\n'), [
      '10:7: collect.sources[0]: a docker source needs "names" (container names) or "labels" (such as [app=api]), or both',
    ]);
  });

  it('wants an http(s) prometheus URL and a non-empty kubernetes namespace and selector', async () => {
    assert.deepEqual(await problems('collect:\n  sources:\n    - { source: prometheus, target: a, url: ftp://x }\n    - { source: kubernetes, target: b, namespace: "" }\n'), [
      '10:45: collect.sources[0].url: expected an http:// or https:// URL such as http://prometheus:9090, got "ftp://x"',
      '11:7: collect.sources[1]: missing required key "selector"',
      '11:51: collect.sources[1].namespace: must not be empty',
    ]);
  });

  it('keeps sources off launched targets and off each other, and the interval at 100ms or more', async () => {
    const snippet = `targets:
  kv: { fixture: raft }
collect:
  interval: 50ms
  sources:
    - { source: cgroup, target: kv, path: /a }
    - { source: cgroup, target: db, path: /a }
    - { source: process, target: db, pid: 1 }
    - { source: process, target: Db_2, pid: 1 }
`;
    assert.deepEqual(await problems(snippet), [
      '11:13: collect.interval: must be at least 100ms, got "50ms"',
      '13:33: collect.sources[0].target: kv is started by this scenario and collected automatically; remove this source',
      '15:34: collect.sources[2].target: target "db" already has a source (at collect.sources[1]); one source per target',
      '16:34: collect.sources[3].target: target name "Db_2" must start with a lowercase letter and hold only a-z, 0-9 and - (it is used in file names, cgroup names and metric labels)',
    ]);
  });
});

describe('environment errors: faults', () => {
  it('wants `at` and exactly one action; `for` only where it can be undone', async () => {
    const snippet = `targets:
  kv: { fixture: raft }
faults:
  - { at: 1s, of: kv }
  - { at: 1s, kill: kv, restart: kv }
  - { kill: kv }
  - { at: 1s, pause: kv, signal: SIGTERM }
  - { at: 1s, restart: kv, for: 2s }
`;
    assert.deepEqual(await problems(snippet), [
      '11:5: faults[0]: a fault needs one of kill, restart, pause, partition, cpu, delay',
      '12:25: faults[1].restart: a fault does one thing, and this one has both "kill" and "restart"; split it into two faults',
      '13:5: faults[2]: missing required key "at"',
      '14:26: faults[3].signal: "signal" applies to kill only',
      '15:28: faults[4].for: "for" does not apply to restart: a restart is done once',
    ]);
  });

  it('resolves selectors: replicas that exist, roles of raft targets, `of` only for roles, known targets', async () => {
    const snippet = `targets:
  kv: { fixture: raft }
  api: { command: [x], replicas: 2 }
faults:
  - { at: 1s, kill: kv/4 }
  - { at: 1s, kill: api/3 }
  - { at: 1s, kill: leader, of: api }
  - { at: 1s, kill: kv/1, of: api }
  - { at: 1s, restart: kb }
  - { at: 1s, kill: kv/0 }
  - { at: 1s, kill: KV }
  - { at: 1s, pause: leader, of: kv/2 }
`;
    assert.deepEqual(await problems(snippet), [
      '12:21: faults[0].kill: kv has 3 nodes; kv/4 does not exist',
      '13:21: faults[1].kill: api has 2 replicas; api/3 does not exist',
      '14:21: faults[2].kill: leader is a role in a raft target; api is a command target (name a replica, e.g. api/1)',
      '15:31: faults[3].of: "of" names the target of a leader or follower role; "kv/1" already names its target',
      '16:24: faults[4].restart: unknown target "kb"; did you mean "kv"? (faults act on targets this scenario starts: kv, api)',
      '17:21: faults[5].kill: replicas are numbered from 1: kv/1 is the first, got "kv/0"',
      '18:21: faults[6].kill: expected a replica selector such as kv (every replica), kv/2 (the second), leader, follower or kv/leader, got "KV"',
      '19:34: faults[7].of: "of" here names the target of a leader or follower role: a target name such as kv, got "kv/2"',
    ]);
  });

  it('needs `of` for a role unless the scenario starts exactly one raft target', async () => {
    assert.deepEqual(await problems('targets:\n  a: { fixture: raft }\n  b: { fixture: raft }\nfaults:\n  - { at: 1s, kill: leader }\n'), [
      '12:21: faults[0].kill: leader is a role in a raft target; say which with of: <target> or <target>/leader (this scenario starts 2: a, b)',
    ]);
    assert.deepEqual(await problems('faults:\n  - { at: 1s, kill: follower }\n  - { at: 1s, restart: kv }\n'), [
      '9:21: faults[0].kill: follower is a role in a raft target; say which with of: <target> or <target>/follower (this scenario starts no raft target)',
      '10:24: faults[1].restart: unknown target "kv": faults act on targets this scenario starts (targets:), and it starts none',
    ]);
  });

  it('acts only on targets the scenario starts, not on ones it only collects', async () => {
    const snippet = 'targets:\n  kv: { fixture: raft }\ncollect:\n  sources:\n    - { source: cgroup, target: db, path: /a }\nfaults:\n  - { at: 1s, restart: db }\n';
    assert.deepEqual(await problems(snippet), [
      '14:24: faults[0].restart: db is only collected (collect.sources), not started: faults act on targets this scenario starts (targets:)',
    ]);
  });

  it('partitions one raft target into at least two non-empty groups, no replica twice', async () => {
    const snippet = `targets:
  kv: { fixture: raft }
  kw: { fixture: raft }
  api: { command: [x], replicas: 2 }
faults:
  - { at: 1s, partition: [[api/1], [api/2]] }
  - { at: 1s, partition: [[kv/1], [kw/2]] }
  - { at: 1s, partition: [[kv/1], [kv/2, kv/1]] }
  - { at: 1s, partition: [[kv], [kv/2]] }
  - { at: 1s, partition: [[kv/1]] }
  - { at: 1s, partition: [[kv/1], []] }
`;
    assert.deepEqual(await problems(snippet), [
      '13:28: faults[0].partition[0][0]: partition splits a raft cluster; api is a command target',
      '14:36: faults[1].partition[1][0]: a partition splits one target: kv/1 is in kv, kw/2 is in kw',
      '15:42: faults[2].partition[1][1]: kv/1 names a replica already in this partition (kv/1 at faults[2].partition[0][0])',
      '16:34: faults[3].partition[1][0]: kv/2 names a replica already in this partition (kv at faults[3].partition[0][0])',
      '17:26: faults[4].partition: needs at least 2 entries',
      '18:35: faults[5].partition[1]: must not be empty',
    ]);
  });

  it('wants `of` and an amount above 0 for cpu and delay, netns for delay on a command target, and faults before the load ends', async () => {
    const snippet = `targets:
  kv: { fixture: raft }
  api: { command: [x] }
faults:
  - { at: 1s, cpu: 250m }
  - { at: 1s, delay: 50ms, of: api }
  - { at: 1s, cpu: 0m, of: kv }
  - { at: 1s, cpu: 0, of: kv }
  - { at: 200s, pause: kv, signal: SIGTERM }
  - { at: 2m, cpu: 1, of: kv, jitter: 1ms }
  - { at: 1s, kill: kv, fro: 2s }
`;
    assert.deepEqual(await problems(snippet), [
      '12:5: faults[0]: cpu needs "of": the replicas to squeeze, e.g. of: kv/2',
      "13:32: faults[1].of: delay needs netem on the replica's own interface: set network: netns on target api",
      '14:20: faults[2].cpu: must be greater than 0, got "0m"',
      '15:20: faults[3].cpu: must be greater than 0, got 0',
      '16:11: faults[4].at: fault at 200s would fire after the load ends at 2m',
      '16:28: faults[4].signal: "signal" applies to kill only',
      '17:11: faults[5].at: fault at 2m would fire just as the load ends at 2m',
      '17:31: faults[5].jitter: "jitter" applies to delay only',
      '18:25: faults[6].fro: unknown key; did you mean "for"?',
    ]);
  });
});

describe('environment errors: the end of the load', () => {
  it('is not guessed from phases that are themselves broken', async () => {
    const base = BASE.replace('duration: 2m }', 'duration: 2x }\n  - { executor: constant-vus, vus: 1, duration: 30s }');
    assert.deepEqual(await problems('targets:\n  kv: { fixture: raft }\nfaults:\n  - { at: 1m, restart: kv }\n', base), [
      '7:49: phases[0].duration: expected a duration such as 500ms, 30s, 2m, 1h, 1m30s or a number of milliseconds, got "2x"',
    ]);
  });
});

describe('environment errors: reporting', () => {
  it('lists every problem of all three sections at once, in source order', async () => {
    const base = BASE.replace('target: http://127.0.0.1:8080', 'target: api');
    const snippet = `targets:
  kv: { fixture: raft, nodes: 3, replicas: 2 }
  api: { command: [node, server.js], resources: { cpu: 2x } }
collect:
  sources:
    - { source: docker, target: kv, names: [a] }
    - { source: prometheus, target: prom, url: prometheus:9090 }
faults:
  - { at: 10s, kill: kv/5 }
  - { at: 20s, delay: 10ms, of: api }
  - { at: 5m, pause: follower }
`;
    assert.deepEqual(await problems(snippet, base), [
      '9:34: targets.kv.replicas: "replicas" is for command targets; a raft target has "nodes"',
      '10:56: targets.api.resources.cpu: expected a CPU quantity such as 500m (millicores), 0.5 or 2 (cores), got "2x"',
      '13:33: collect.sources[0].target: kv is started by this scenario and collected automatically; remove this source',
      '14:48: collect.sources[1].url: expected an http:// or https:// URL such as http://prometheus:9090, got "prometheus:9090"',
      '16:22: faults[0].kill: kv has 3 nodes; kv/5 does not exist',
      "17:33: faults[1].of: delay needs netem on the replica's own interface: set network: netns on target api",
      '18:11: faults[2].at: fault at 5m would fire after the load ends at 2m',
    ]);
  });
});
