import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseThreshold, ThresholdSyntaxError } from '../../../scenarios/language/threshold-expression.js';

describe('parseThreshold', () => {
  it('parses latency thresholds into milliseconds', () => {
    assert.deepEqual(parseThreshold('p99<250ms'), { metric: 'p99', op: '<', value: 250, unit: 'ms', text: 'p99<250ms' });
    assert.deepEqual(parseThreshold('p99.9 <= 1s'), { metric: 'p99.9', op: '<=', value: 1000, unit: 'ms', text: 'p99.9 <= 1s' });
    assert.equal(parseThreshold('mean<1m30s').value, 90_000);
    assert.equal(parseThreshold('max==2s').op, '==');
  });

  it('parses error ratios from percentages and fractions', () => {
    assert.deepEqual(parseThreshold('errors<1%'), { metric: 'errors', op: '<', value: 0.01, unit: 'ratio', text: 'errors<1%' });
    assert.equal(parseThreshold('errors<0.1%').value, 0.001);
    assert.equal(parseThreshold('errors<=0.05').value, 0.05);
  });

  it('parses rps and dropped', () => {
    assert.deepEqual(parseThreshold('rps>=190'), { metric: 'rps', op: '>=', value: 190, unit: 'per_second', text: 'rps>=190' });
    assert.equal(parseThreshold('rps>6000/m').value, 100);
    assert.deepEqual(parseThreshold('dropped==0'), { metric: 'dropped', op: '==', value: 0, unit: 'count', text: 'dropped==0' });
    assert.deepEqual(parseThreshold('dropped<0.5%'), { metric: 'dropped', op: '<', value: 0.005, unit: 'ratio', text: 'dropped<0.5%' });
  });

  it('parses step and phase scopes, whose names may contain dots and spaces', () => {
    assert.deepEqual(parseThreshold('step:login.p95<300ms').scope, { kind: 'step', name: 'login' });
    assert.deepEqual(parseThreshold('phase:peak.rps>190').scope, { kind: 'phase', name: 'peak' });
    assert.deepEqual(parseThreshold('step:GET /v1.2/items.p99.9<1s'), {
      scope: { kind: 'step', name: 'GET /v1.2/items' },
      metric: 'p99.9',
      op: '<',
      value: 1000,
      unit: 'ms',
      text: 'step:GET /v1.2/items.p99.9<1s',
    });
  });

  it('parses flow and target scopes, with Kubernetes quantities for resources', () => {
    assert.deepEqual(parseThreshold('flow:buy.errors<1%').scope, { kind: 'flow', name: 'buy' });
    assert.deepEqual(parseThreshold('target:kv.cpu.p95<0.8'), { scope: { kind: 'target', name: 'kv' }, metric: 'cpu.p95', op: '<', value: 0.8, unit: 'cores', text: 'target:kv.cpu.p95<0.8' });
    assert.equal(parseThreshold('target:kv.cpu.max<=800m').value, 0.8);
    assert.deepEqual(parseThreshold('target:kv.memory.max<256Mi'), { scope: { kind: 'target', name: 'kv' }, metric: 'memory.max', op: '<', value: 256 * 1024 ** 2, unit: 'bytes', text: 'target:kv.memory.max<256Mi' });
    assert.equal(parseThreshold('target:kv.throttled<5%').value, 0.05);
    assert.equal(parseThreshold('target:kv.oomKills==0').unit, 'count');
    // A target name with dots: the longest known metric ends it.
    assert.deepEqual(parseThreshold('target:shop.api.memory.p95<1Gi').scope, { kind: 'target', name: 'shop.api' });
  });

  it('parses sliding windows in whole seconds', () => {
    assert.deepEqual(parseThreshold('p99[30s]<300ms'), { metric: 'p99', windowS: 30, op: '<', value: 300, unit: 'ms', text: 'p99[30s]<300ms' });
    assert.equal(parseThreshold('step:login.errors[1m] < 1%').windowS, 60);
    assert.equal(parseThreshold('phase:peak.rps[10s]>=90').windowS, 10);
  });

  it('takes the last comparison, so a step name may hold "=" or "<"', () => {
    assert.deepEqual(parseThreshold('step:GET /items?page=1.p95<300ms').scope, { kind: 'step', name: 'GET /items?page=1' });
  });

  it('rejects bad expressions with the column where they go wrong and the fix', () => {
    const cases: Array<[string, number, RegExp]> = [
      ['p98<1s', 1, /unknown metric "p98"; did you mean "p90"\?/],
      ['latency<1s', 1, /unknown metric "latency"/],
      ['p99<fast', 5, /p99 needs a duration such as 500ms/],
      ['p99=250ms', 4, /use == for equality/],
      ['p99 250ms', 10, /no comparison; expected \[step:/],
      ['', 1, /empty; expected/],
      ['p99<<250ms', 4, /two comparisons in a row/],
      ['p99 < ', 6, /expected a value after "<"/],
      ['errors<2', 8, /errors needs a percentage such as 1% or 0\.1%, or a fraction from 0 to 1, got "2"/],
      ['errors<lots', 8, /errors needs a percentage/],
      ['rps>many', 5, /rps needs a rate such as 200\/s/],
      ['dropped<1.5', 9, /dropped needs a count such as 0 or 10, or a percentage/],
      ['dropped<200%', 9, /at most 100%/],
      ['stp:login.p99<1s', 1, /unknown scope "stp:"; did you mean "step"\?/],
      ['step:login.p99[30x]<1s', 16, /the window needs a duration/],
      ['p99[500ms]<1s', 5, /whole number of seconds/],
      ['p99[30s<1s', 4, /a window is written in brackets/],
      ['target:kv.cpu.p95[30s]<0.8', 18, /windows apply to request metrics/],
      ['target:kv.p99<1s', 11, /"p99" is a request metric/],
      ['cpu.p95<0.8', 1, /write target:<name>\.cpu\.p95/],
      ['target:kv.cpu.p95<lots', 19, /cpu\.p95 needs a CPU quantity/],
      ['target:kv.memory.max<lots', 22, /memory\.max needs a memory quantity/],
      ['step:p99<1s', 6, /expected step:<name>\.<metric>/],
    ];
    for (const [text, column, message] of cases) {
      assert.throws(
        () => parseThreshold(text),
        (error: unknown) => {
          assert.ok(error instanceof ThresholdSyntaxError, text);
          assert.equal(error.column, column, `column of ${JSON.stringify(text)}: ${error.message}`);
          assert.match(error.message, message, text);
          assert.ok(error.message.startsWith(`threshold ${JSON.stringify(text)}, column ${column}: `), error.message);
          return true;
        },
      );
    }
  });

  it('points at the column under the expression', () => {
    try {
      parseThreshold('p99<<250ms');
      assert.fail('should throw');
    } catch (error) {
      assert.equal((error as ThresholdSyntaxError).pointer(), '  p99<<250ms\n     ^');
    }
  });
});
