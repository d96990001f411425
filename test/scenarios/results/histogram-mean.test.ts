import assert from 'node:assert/strict';
import { it } from 'node:test';
import { meanOf, newHistogram, recordMicros } from '../../../scenarios/results/histogram.js';
import { mulberry32 } from '../../helpers/mulberry32.js';

it('meanOf equals the histogram library\'s own mean, from 1 µs to the top of the range', () => {
  const random = mulberry32(7);
  for (let round = 0; round < 20; round++) {
    const histogram = newHistogram();
    const count = 1 + Math.floor(random() * 5000);
    for (let i = 0; i < count; i++) recordMicros(histogram, Math.exp(random() * Math.log(600_000_000)));
    assert.ok(Math.abs(meanOf(histogram) - histogram.mean) <= 1e-9 * histogram.mean, `round ${round}: ${meanOf(histogram)} vs ${histogram.mean}`);
  }
  assert.equal(meanOf(newHistogram()), 0);
});
