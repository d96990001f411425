import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { loadScenario } from '../../../scenarios/language/load-scenario.js';
import { issuesOf, tempDir } from '../load-helpers.js';

// The capacity-search phase as a user writes it: what it accepts, and what it refuses with a position.

const HEAD = `name: t
target: http://127.0.0.1:8080
flows: [ { steps: [ { request: { url: / } } ] } ]
phases:
`;

describe('capacity-search phases', () => {
  it('accepts a ladder by step or by factor with an SLO, and plans for its longest run', async () => {
    const dir = tempDir({
      'a.yaml': HEAD + '  - { executor: capacity-search, from: 50, to: 400, step: 50, slo: { p99: 250ms, errors: 0.1% } }\n',
      'b.yaml': HEAD + '  - { executor: capacity-search, from: 50/s, to: 800/s, factor: 1.5, levelDuration: 30s, warmup: 5s, refine: 3, slo: { p95: 100ms } }\n',
    });
    const a = (await loadScenario(join(dir, 'a.yaml'))).phases[0]!;
    assert.ok(a.executor === 'capacity-search');
    assert.deepEqual([a.ladder, a.levelMs, a.warmupMs, a.refine, a.slo], [{ kind: 'step', step: 50 }, 20_000, 5_000, 2, { latency: [{ metric: 'p99', percentile: 99, maxMs: 250 }], maxErrorRate: 0.001 }]);
    // 50, 100, …, 400 (8 levels) and 2 bisections, 20 s each.
    assert.equal(a.durationMs, 10 * 20_000);
    const b = (await loadScenario(join(dir, 'b.yaml'))).phases[0]!;
    assert.ok(b.executor === 'capacity-search');
    assert.deepEqual([b.ladder, b.slo.maxErrorRate], [{ kind: 'factor', factor: 1.5 }, 0.01]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses what would make the search meaningless, each at its key', async () => {
    assert.deepEqual(await issuesOf(HEAD + '  - { executor: capacity-search, from: 400, to: 50, slo: { p99: 1s } }\n'), ['5:49: phases[0].to: must be at least from (400/s), got 50']);
    assert.deepEqual(await issuesOf(HEAD + '  - { executor: capacity-search, from: 5, to: 50, step: 5, factor: 2, slo: { p99: 1s } }\n'), ['5:68: phases[0].factor: give step or factor, not both']);
    assert.deepEqual(await issuesOf(HEAD + '  - { executor: capacity-search, from: 5, to: 50, levelDuration: 4s, warmup: 4s, slo: { p99: 1s } }\n'), [
      '5:78: phases[0].warmup: must be shorter than levelDuration (4000 ms): nothing would be judged',
    ]);
    assert.deepEqual(await issuesOf(HEAD + '  - { executor: capacity-search, from: 5, to: 50, slo: { errors: lots } }\n'), [
      '5:66: phases[0].slo.errors: errors needs a percentage such as 1% or 0.1%, or a fraction from 0 to 1, got "lots"',
    ]);
    const missing = await issuesOf(HEAD + '  - { executor: capacity-search, from: 5, to: 50 }\n');
    assert.equal(missing.length, 1);
    assert.match(missing[0]!, /phases\[0\]: a capacity-search phase needs slo: \(or a capacity: section with one\)/);
  });
});
