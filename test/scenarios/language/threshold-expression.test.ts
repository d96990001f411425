import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseThreshold } from '../../../scenarios/language/threshold-expression.js';

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

  it('rejects bad expressions with a message that names the expression and the fix', () => {
    const cases: Array<[string, RegExp]> = [
      ['p98<1s', /Error: threshold "p98<1s": unknown metric "p98"; did you mean "p90"\?/],
      ['latency<1s', /unknown metric "latency"/],
      ['p99<fast', /Error: threshold "p99<fast": p99 needs a duration such as 500ms/],
      ['p99=250ms', /expected \[step:<name>\.\|phase:<name>\.\]<metric> <op> <value>/],
      ['p99 250ms', /expected \[step:<name>/],
      ['', /expected \[step:<name>/],
      ['errors<2', /errors needs a percentage such as 1% or 0\.1%, or a fraction from 0 to 1, got "2"/],
      ['errors<lots', /errors needs a percentage/],
      ['rps>many', /rps needs a rate such as 200\/s/],
      ['dropped<1.5', /dropped needs a count such as 0 or 10, or a percentage/],
      ['dropped<200%', /at most 100%/],
      ['stp:login.p99<1s', /unknown scope "stp:"; did you mean "step"\?/],
    ];
    for (const [text, message] of cases) assert.throws(() => parseThreshold(text), message, text);
  });
});
