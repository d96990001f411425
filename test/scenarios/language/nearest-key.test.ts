import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { didYouMean, editDistance, nearestKey } from '../../../scenarios/language/nearest-key.js';

describe('nearest key', () => {
  it('counts edits, with an adjacent swap as one', () => {
    assert.equal(editDistance('rate', 'rate'), 0);
    assert.equal(editDistance('rtae', 'rate'), 1);
    assert.equal(editDistance('durtion', 'duration'), 1);
    assert.equal(editDistance('', 'abc'), 3);
    assert.equal(editDistance('kitten', 'sitting'), 3);
  });

  it('suggests the closest known key when it is a plausible typo', () => {
    const phaseKeys = ['name', 'executor', 'duration', 'rate', 'maxInFlight'];
    assert.equal(nearestKey('rtae', phaseKeys), 'rate');
    assert.equal(nearestKey('maxinflight', phaseKeys), 'maxInFlight');
    assert.equal(nearestKey('exector', phaseKeys), 'executor');
    assert.equal(nearestKey('zzzzzz', phaseKeys), undefined);
    assert.equal(nearestKey('rate', ['name', 'vus']), undefined, 'two edits in four letters is not a typo');
    assert.equal(nearestKey('rand', ['sequential', 'random', 'unique']), 'random', 'a prefix is a plausible abbreviation');
    assert.equal(didYouMean('rtae', phaseKeys), '; did you mean "rate"?');
    assert.equal(didYouMean('qqq', phaseKeys), '');
  });
});
