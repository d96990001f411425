import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadScenario } from '../../../scenarios/language/load-scenario.js';
import type { Scenario } from '../../../scenarios/model.js';
import { issuesOf, tempDir } from '../load-helpers.js';

// The scenario's `capacity:` section: what it normalises to, the defaults it fills, how it shares its
// SLO with the capacity-search phases (both ways), and what it refuses, each at its line and column.

const HEAD = `name: t
target: api
targets: { api: { command: [node, x.js], replicas: 1 } }
flows: [ { steps: [ { request: { url: / } } ] } ]
`;
const SEARCH = `phases:
  - { name: search, executor: capacity-search, from: 50, to: 400, step: 50, slo: { p99: 250ms } }
`;
const SEARCH_NO_SLO = `phases:
  - { name: search, executor: capacity-search, from: 50, to: 400, step: 50 }
`;

async function load(yaml: string): Promise<Scenario> {
  const dir = tempDir({ 'scenario.yaml': yaml });
  try {
    return await loadScenario(join(dir, 'scenario.yaml'), { env: {} });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The one issue `yaml` is rejected with, checked to carry a line:column. */
async function onlyIssue(yaml: string): Promise<string> {
  const issues = await issuesOf(yaml);
  assert.equal(issues.length, 1, `expected one issue, got ${JSON.stringify(issues)}`);
  assert.match(issues[0]!, /^\d+:\d+: /, `no line:column in ${issues[0]}`);
  return issues[0]!;
}

describe('capacity: section, normalised', () => {
  it('a full section normalises every key to exact values', async () => {
    const s = await load(
      HEAD +
        SEARCH +
        `capacity:
  target: api
  peak: 150/s
  slo: { p99: 100ms, errors: 1% }
  headroom: 30%
  nPlusOne: false
  cpuLimit: 2x
  replicas: [1, 2, 4]
`,
    );
    assert.deepEqual(s.capacity, {
      target: 'api',
      peakRps: 150,
      slo: { latency: [{ metric: 'p99', percentile: 99, maxMs: 100 }], maxErrorRate: 0.01 },
      headroom: 0.3,
      nPlusOne: false,
      cpuLimit: { kind: 'multiple-of-request', multiple: 2 },
      replicas: [1, 2, 4],
      scaleLadder: true,
    });
    // The search wrote its own slo: it keeps it.
    const phase = s.phases[0]!;
    assert.ok(phase.executor === 'capacity-search');
    assert.deepEqual(phase.slo, { latency: [{ metric: 'p99', percentile: 99, maxMs: 250 }], maxErrorRate: 0.01 });
  });

  it('fills the defaults: headroom 30%, N+1, no CPU limit, no replica ladder, target from target:', async () => {
    const s = await load(HEAD + SEARCH + 'capacity: { peak: 200 }\n');
    assert.deepEqual(s.capacity, {
      target: 'api',
      peakRps: 200,
      slo: { latency: [{ metric: 'p99', percentile: 99, maxMs: 250 }], maxErrorRate: 0.01 },
      headroom: 0.3,
      nPlusOne: true,
      cpuLimit: { kind: 'none' },
      replicas: [],
      scaleLadder: true,
    });
  });

  it('reads headroom as a percentage (over 100% too) or a fraction', async () => {
    assert.equal((await load(HEAD + SEARCH + 'capacity: { peak: 200, headroom: 150% }\n')).capacity!.headroom, 1.5);
    assert.equal((await load(HEAD + SEARCH + 'capacity: { peak: 200, headroom: 0.2 }\n')).capacity!.headroom, 0.2);
    assert.equal((await load(HEAD + SEARCH + 'capacity: { peak: 200, headroom: 0% }\n')).capacity!.headroom, 0);
    // Quoted (as ${env.X} interpolation yields), a fraction above 1 is still a fraction.
    assert.equal((await load(HEAD + SEARCH + 'capacity: { peak: 200, headroom: "1.5" }\n')).capacity!.headroom, 1.5);
  });

  it('scaleLadder defaults to false for a raft target, true for a command target, and can be set', async () => {
    const raft = `name: t
target: kv
targets: { kv: { fixture: raft, nodes: 3 } }
flows: [ { steps: [ { request: { url: / } } ] } ]
`;
    assert.equal((await load(raft + SEARCH + 'capacity: { peak: 200 }\n')).capacity!.scaleLadder, false);
    assert.equal((await load(raft + SEARCH + 'capacity: { peak: 200, scaleLadder: true }\n')).capacity!.scaleLadder, true);
    assert.equal((await load(HEAD + SEARCH + 'capacity: { peak: 200, scaleLadder: false }\n')).capacity!.scaleLadder, false);
  });

  it('a capacity-search phase without slo holds the section\'s', async () => {
    const s = await load(HEAD + SEARCH_NO_SLO + 'capacity: { peak: 200, slo: { p95: 80ms, errors: 0.5% } }\n');
    const slo = { latency: [{ metric: 'p95', percentile: 95, maxMs: 80 }], maxErrorRate: 0.005 };
    const phase = s.phases[0]!;
    assert.ok(phase.executor === 'capacity-search');
    assert.deepEqual(phase.slo, slo);
    assert.deepEqual(s.capacity!.slo, slo);
  });

  it('a section without slo takes the first search phase\'s, and fills a later search without one', async () => {
    const s = await load(
      HEAD +
        `phases:
  - { name: a, executor: capacity-search, from: 50, to: 400, step: 50 }
  - { name: b, executor: capacity-search, from: 50, to: 400, step: 50, slo: { p99: 300ms, errors: 2% } }
  - { name: c, executor: capacity-search, from: 50, to: 400, step: 50, slo: { p99: 999ms } }
capacity: { peak: 200 }
`,
    );
    const b = { latency: [{ metric: 'p99', percentile: 99, maxMs: 300 }], maxErrorRate: 0.02 };
    assert.deepEqual(s.capacity!.slo, b);
    const slos = s.phases.map((p) => (p.executor === 'capacity-search' ? p.slo : null));
    assert.deepEqual(slos, [b, b, { latency: [{ metric: 'p99', percentile: 99, maxMs: 999 }], maxErrorRate: 0.01 }]);
  });
});

describe('capacity: section, refused', () => {
  it('an unknown capacity.target, with a did-you-mean', async () => {
    const issue = await onlyIssue(HEAD + SEARCH + 'capacity: { target: apu, peak: 200 }\n');
    assert.equal(issue, '7:21: capacity.target: expected the name of a target under targets: (known: api), got "apu"; did you mean "api"?');
  });

  it('a CPU limit below the request', async () => {
    const issue = await onlyIssue(HEAD + SEARCH + 'capacity: { peak: 200, cpuLimit: 0.5x }\n');
    assert.equal(issue, '7:34: capacity.cpuLimit: a limit below the request cannot be set, got "0.5x"');
  });

  it('a headroom that is not a percentage or a fraction', async () => {
    const issue = await onlyIssue(HEAD + SEARCH + 'capacity: { peak: 200, headroom: lots }\n');
    assert.equal(issue, '7:34: capacity.headroom: expected a percentage such as 30% or a fraction such as 0.3, got "lots"');
  });

  it('no slo anywhere', async () => {
    const issue = await onlyIssue(HEAD + SEARCH_NO_SLO + 'capacity: { peak: 200 }\n');
    assert.match(issue, /^7:1: capacity: capacity: needs slo: \(or a capacity-search phase with one\) to size against$/);
  });

  it('no capacity-search phase to find the knee', async () => {
    const issue = await onlyIssue(HEAD + 'phases: [ { executor: constant-vus, vus: 1, duration: 1s } ]\ncapacity: { peak: 200, slo: { p99: 100ms } }\n');
    assert.match(issue, /^6:1: capacity: capacity: needs a capacity-search phase under phases: to find the knee it sizes from$/);
  });

  it('a search phase with no slo and no capacity: section', async () => {
    const issue = await onlyIssue(HEAD + SEARCH_NO_SLO);
    assert.equal(issue, '6:5: phases[0]: a capacity-search phase needs slo: (or a capacity: section with one)');
  });

  it('an unknown key inside capacity:, suggesting the nearest', async () => {
    const issue = await onlyIssue(HEAD + SEARCH + 'capacity: { peak: 200, headrom: 30% }\n');
    assert.equal(issue, '7:24: capacity.headrom: unknown key; did you mean "headroom"?');
  });

  it('a peak of 0', async () => {
    assert.equal(await onlyIssue(HEAD + SEARCH + 'capacity: { peak: 0 }\n'), '7:19: capacity.peak: must be greater than 0, got 0');
  });

  it('a replica count below 1', async () => {
    const issue = await onlyIssue(HEAD + SEARCH + 'capacity: { peak: 200, replicas: [0] }\n');
    assert.equal(issue, '7:35: capacity.replicas[0]: must be at least 1, got 0');
  });
});
