import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatDuration, parseDuration } from '../../../scenarios/language/duration.js';
import { parseRate } from '../../../scenarios/language/rate.js';
import { parseSize } from '../../../scenarios/language/size.js';

describe('parseDuration', () => {
  it('reads every unit, compound durations and plain milliseconds', () => {
    assert.equal(parseDuration('500ms'), 500);
    assert.equal(parseDuration('30s'), 30_000);
    assert.equal(parseDuration('2m'), 120_000);
    assert.equal(parseDuration('1h'), 3_600_000);
    assert.equal(parseDuration('1m30s'), 90_000);
    assert.equal(parseDuration('1h2m3s4ms'), 3_723_004);
    assert.equal(parseDuration('1.5s'), 1500);
    assert.equal(parseDuration(250), 250);
    assert.equal(parseDuration('250'), 250, 'env interpolation yields strings');
    assert.equal(parseDuration('0s'), 0);
  });

  it('rejects anything else, naming the accepted forms', () => {
    for (const bad of ['', 'abc', '5x', '1m30', 's', '-1s', '1 m', 'ms5']) {
      assert.throws(() => parseDuration(bad), /expected a duration such as 500ms, 30s/, bad);
    }
    assert.throws(() => parseDuration(-1), /got -1/);
    assert.throws(() => parseDuration(Number.NaN), /expected a duration/);
  });

  it('formats so that parsing the text gives the same milliseconds back', () => {
    assert.equal(formatDuration(0), '0ms');
    assert.equal(formatDuration(250), '250ms');
    assert.equal(formatDuration(90_000), '1m30s');
    assert.equal(formatDuration(3_600_000), '1h');
    assert.equal(formatDuration(1500), '1s500ms');
    for (const ms of [1, 999, 1000, 61_001, 7_322_500]) assert.equal(parseDuration(formatDuration(ms)), ms);
  });
});

describe('parseRate', () => {
  it('reads per-second numbers and per-unit strings', () => {
    assert.equal(parseRate(200), 200);
    assert.equal(parseRate('200/s'), 200);
    assert.equal(parseRate('6000/m'), 100);
    assert.equal(parseRate('7200 / h'), 2);
    assert.equal(parseRate('0.5'), 0.5);
  });

  it('rejects malformed rates', () => {
    for (const bad of ['fast', '200/d', '/s', '200/', '-5/s']) assert.throws(() => parseRate(bad), /expected a rate such as 200\/s/, bad);
    assert.throws(() => parseRate(-1), /got -1/);
  });
});

describe('parseSize', () => {
  it('reads byte counts and binary multiples, case-insensitively', () => {
    assert.equal(parseSize(512), 512);
    assert.equal(parseSize('100B'), 100);
    assert.equal(parseSize('64KB'), 65_536);
    assert.equal(parseSize('1MB'), 1_048_576);
    assert.equal(parseSize('1mb'), 1_048_576);
    assert.equal(parseSize('1.5 KB'), 1536);
    assert.equal(parseSize('2GB'), 2 * 1024 ** 3);
  });

  it('rejects malformed sizes', () => {
    for (const bad of ['1XB', 'big', 'MB', '1TB']) assert.throws(() => parseSize(bad), /expected a size such as 1MB/, bad);
    assert.throws(() => parseSize(1.5), /got 1.5/);
  });
});
