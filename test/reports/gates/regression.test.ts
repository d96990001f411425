import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { evaluateRegressionGates } from '../../../reports/gates/regression-gates.js';
import { DEFAULT_MAX_REGRESSION, parseRegressionLimits } from '../../../reports/gates/regression-limits.js';
import { summarise } from '../../../reports/summary.js';
import type { RunSummary } from '../../../reports/summary.js';
import { ThresholdSyntaxError } from '../../../scenarios/language/threshold-expression.js';
import { KnownStream } from './known-stream.js';

// Regression limits: how far a figure may move from a baseline summary's, in either direction,
// relative or absolute. Summaries are taken from a real stream and then given the exact figures
// each case needs, so every bound and change can be checked to the digit.

const MiB = 1024 ** 2;

describe('parseRegressionLimits', () => {
  it('reads relative and absolute limits in each metric\'s own unit', () => {
    assert.deepEqual(parseRegressionLimits('p99:+10%, rps:-5%'), [
      { text: 'p99:+10%', reference: { metric: 'p99' }, unit: 'ms', direction: 'up', amount: 0.1, relative: true },
      { text: 'rps:-5%', reference: { metric: 'rps' }, unit: 'per_second', direction: 'down', amount: 0.05, relative: true },
    ]);
    const absolute = parseRegressionLimits('p95:+20ms,max:+1s,errors:+0.5pp,rps:-50/s,dropped:+3');
    assert.deepEqual(
      absolute.map((l) => [l.unit, l.direction, l.amount, l.relative]),
      [
        ['ms', 'up', 20, false],
        ['ms', 'up', 1000, false],
        ['ratio', 'up', 0.005, false],
        ['per_second', 'down', 50, false],
        ['count', 'up', 3, false],
      ],
    );
  });

  it('reads scoped references, target metrics with their quantities', () => {
    const [step, phase, cpu, memory] = parseRegressionLimits('step:login.p95:+10%,phase:peak.errors:+1pp,target:kv.cpu.p95:+100m,target:kv.memory.max:+64Mi');
    assert.deepEqual(step!.reference, { scope: { kind: 'step', name: 'login' }, metric: 'p95' });
    assert.deepEqual(phase!.reference, { scope: { kind: 'phase', name: 'peak' }, metric: 'errors' });
    assert.equal(phase!.amount, 0.01);
    assert.deepEqual(cpu, { text: 'target:kv.cpu.p95:+100m', reference: { scope: { kind: 'target', name: 'kv' }, metric: 'cpu.p95' }, unit: 'cores', direction: 'up', amount: 0.1, relative: false });
    assert.equal(memory!.unit, 'bytes');
    assert.equal(memory!.amount, 64 * MiB);
  });

  it('reads the default limits', () => {
    assert.deepEqual(parseRegressionLimits(DEFAULT_MAX_REGRESSION).map((l) => l.text), ['p95:+10%', 'p99:+10%', 'errors:+0.5pp', 'rps:-5%']);
  });

  function syntaxError(text: string): ThresholdSyntaxError {
    try {
      parseRegressionLimits(text);
    } catch (error) {
      assert.ok(error instanceof ThresholdSyntaxError, String(error));
      return error;
    }
    assert.fail(`${JSON.stringify(text)} was accepted`);
  }

  it('refuses a change without a sign, pointing at it within the whole list', () => {
    const error = syntaxError('p99:+10%,rps:5%');
    assert.equal(error.column, 14);
    assert.match(error.reason, /needs a signed change after the last ":"/);
    assert.equal(error.pointer(), `  p99:+10%,rps:5%\n  ${' '.repeat(13)}^`);
    assert.equal(syntaxError('p99').column, 1);
    assert.equal(syntaxError('p99:10%').column, 5);
  });

  it('refuses an unknown metric at the metric', () => {
    const error = syntaxError('p98:+10%');
    assert.equal(error.column, 1);
    assert.match(error.reason, /unknown metric "p98"/);
    const scoped = syntaxError('rps:-5%,step:login.p98:+10%');
    assert.equal(scoped.column, 20);
    assert.match(scoped.reason, /unknown metric "p98"/);
  });

  it('refuses an amount that is not a change of that metric', () => {
    const latency = syntaxError('p99:+10parsecs');
    assert.equal(latency.column, 6);
    assert.match(latency.reason, /expected a relative change such as 10% or a duration \(20ms\), got "10parsecs"/);
    assert.match(syntaxError('errors:+0.5').reason, /percentage points \(0\.5pp\)/);
    assert.match(syntaxError('target:kv.cpu.p95:+lots').reason, /a CPU quantity \(100m\)/);
    assert.match(syntaxError('p99:+10%,,rps:-5%').reason, /an empty limit/);
    assert.equal(syntaxError('p99:+10%,,rps:-5%').column, 10);
    assert.match(syntaxError('p99[30s]:+10%').reason, /a window has no meaning here/);
  });

  it('refuses a flow scope: a summary keeps no flow figures to compare', () => {
    const error = syntaxError('p99:+10%,flow:buy.p99:+10%');
    assert.equal(error.column, 10);
    assert.match(error.reason, /flow/);
  });
});

describe('evaluateRegressionGates', () => {
  let dir: string;
  let base: RunSummary;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'loadtest-regression-'));
    const stream = new KnownStream().phase(0, 'main', 0, 'start').phase(2, 'main', 0, 'end');
    for (let t = 0; t < 2; t++) {
      stream.step(t, { step: 'login', latencies: [[10, 100]] });
      stream.resource(t, { replica: 'n1', cpuCores: 0.5, workingSetBytes: 100 * MiB });
    }
    base = summarise(stream.end(2).write(dir));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** A copy of the base summary with the given overall figures. */
  function withOverall(figures: { p99?: number; rps?: number; errorRate?: number }): RunSummary {
    const summary = structuredClone(base);
    if (figures.p99 !== undefined) summary.overall.latency.p99 = figures.p99;
    if (figures.rps !== undefined) summary.overall.rps = figures.rps;
    if (figures.errorRate !== undefined) summary.overall.errorRate = figures.errorRate;
    return summary;
  }

  function gate(limit: string, current: RunSummary, baseline: RunSummary) {
    const [verdict] = evaluateRegressionGates(current, baseline, parseRegressionLimits(limit));
    assert.equal(verdict!.kind, 'regression');
    assert.equal(verdict!.expression, limit);
    return verdict!;
  }

  it('passes latency up to the limit and fails beyond it', () => {
    const baseline = withOverall({ p99: 100 });
    const within = gate('p99:+10%', withOverall({ p99: 110 }), baseline);
    assert.equal(within.passed, true);
    assert.equal(within.actual, 110);
    assert.equal(within.limitText, '≤ 110 ms (+10% of 100 ms)');
    assert.deepEqual(within.baseline, { value: 100, valueText: '100 ms', changeText: '+10%' });
    const beyond = gate('p99:+10%', withOverall({ p99: 111 }), baseline);
    assert.equal(beyond.passed, false);
    assert.equal(beyond.baseline?.changeText, '+11%');
    // Faster is never a regression.
    const faster = gate('p99:+10%', withOverall({ p99: 50 }), baseline);
    assert.equal(faster.passed, true);
    assert.equal(faster.baseline?.changeText, '−50%');
  });

  it('passes throughput down to the limit and fails below it', () => {
    const baseline = withOverall({ rps: 1000 });
    const within = gate('rps:-5%', withOverall({ rps: 960 }), baseline);
    assert.equal(within.passed, true);
    assert.equal(within.limitText, '≥ 950/s (−5% of 1000/s)');
    assert.equal(within.baseline?.changeText, '−4%');
    const beyond = gate('rps:-5%', withOverall({ rps: 940 }), baseline);
    assert.equal(beyond.passed, false);
    assert.equal(beyond.actualText, '940/s');
    assert.equal(beyond.baseline?.changeText, '−6%');
    assert.equal(gate('rps:-5%', withOverall({ rps: 2000 }), baseline).passed, true);
  });

  it('judges absolute limits in the metric\'s unit, errors in percentage points', () => {
    const latency = gate('p99:+20ms', withOverall({ p99: 121 }), withOverall({ p99: 100 }));
    assert.equal(latency.passed, false);
    assert.equal(latency.limitText, '≤ 120 ms (+20 ms of 100 ms)');
    assert.equal(latency.baseline?.changeText, '+21 ms');
    const errors = gate('errors:+0.5pp', withOverall({ errorRate: 0.014 }), withOverall({ errorRate: 0.01 }));
    assert.equal(errors.passed, true);
    assert.equal(errors.limitText, '≤ 1.5% (+0.5pp of 1%)');
    assert.equal(errors.baseline?.changeText, '+0.4pp');
    assert.equal(gate('errors:+0.5pp', withOverall({ errorRate: 0.016 }), withOverall({ errorRate: 0.01 })).passed, false);
    const rps = gate('rps:-50/s', withOverall({ rps: 940 }), withOverall({ rps: 1000 }));
    assert.equal(rps.passed, false);
    assert.equal(rps.baseline?.changeText, '−60/s');
  });

  it('judges a relative limit on a baseline of 0: no rise is allowed', () => {
    const none = gate('errors:+10%', withOverall({ errorRate: 0 }), withOverall({ errorRate: 0 }));
    assert.equal(none.passed, true);
    assert.equal(none.baseline?.changeText, '±0%');
    const some = gate('errors:+10%', withOverall({ errorRate: 0.001 }), withOverall({ errorRate: 0 }));
    assert.equal(some.passed, false);
    assert.equal(some.baseline?.changeText, 'from 0');
    const absolute = gate('errors:+0.5pp', withOverall({ errorRate: 0.004 }), withOverall({ errorRate: 0 }));
    assert.equal(absolute.passed, true);
    assert.equal(absolute.baseline?.changeText, '+0.4pp');
  });

  it('judges scoped figures: a step and a target', () => {
    const slower = structuredClone(base);
    slower.steps.login!.latency.p95 = base.steps.login!.latency.p95 * 1.5;
    assert.equal(gate('step:login.p95:+10%', slower, base).passed, false);
    assert.equal(gate('step:login.p95:+10%', base, base).passed, true);
    const busier = structuredClone(base);
    busier.targets.kv!.cpu.p95 = 0.65;
    const cpu = gate('target:kv.cpu.p95:+100m', busier, base);
    assert.equal(cpu.passed, false);
    assert.equal(cpu.limitText, '≤ 0.6 cores (+0.1 cores of 0.5 cores)');
    assert.equal(cpu.baseline?.changeText, '+0.15 cores');
  });

  it('fails a figure missing on either side, and says which', () => {
    const noStep = structuredClone(base);
    noStep.steps = {};
    const missingInBaseline = gate('step:login.p95:+10%', base, noStep);
    assert.equal(missingInBaseline.passed, false);
    assert.equal(missingInBaseline.reason, 'no step named "login" in the baseline');
    assert.equal(missingInBaseline.baseline, undefined);
    const missingNow = gate('step:login.p95:+10%', noStep, base);
    assert.equal(missingNow.passed, false);
    assert.equal(missingNow.actual, null);
    assert.equal(missingNow.reason, 'no step named "login" in this run');
    assert.equal(missingNow.baseline?.changeText, 'n/a');
    const noTarget = structuredClone(base);
    noTarget.targets = {};
    assert.equal(gate('target:kv.cpu.p95:+10%', base, noTarget).reason, 'no target named "kv" was sampled in the baseline');
    const empty = structuredClone(base);
    empty.overall.requests = 0;
    const noData = gate('p99:+10%', base, empty);
    assert.equal(noData.passed, false);
    assert.equal(noData.reason, 'the baseline has no data for it');
  });

  it('passes every default limit against itself', () => {
    const gates = evaluateRegressionGates(base, base, parseRegressionLimits(DEFAULT_MAX_REGRESSION));
    assert.deepEqual(gates.map((g) => g.passed), [true, true, true, true]);
    assert.deepEqual(gates.map((g) => g.baseline?.changeText), ['+0%', '+0%', '+0pp', '+0%']);
  });
});
