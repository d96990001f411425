import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CPU_PATTERN, MEMORY_PATTERN, parseCpu, parseMemory } from '../../../scenarios/language/quantity.js';

describe('parseCpu', () => {
  it('reads cores and millicores, as numbers or strings', () => {
    assert.equal(parseCpu('500m'), 0.5);
    assert.equal(parseCpu('250m'), 0.25);
    assert.equal(parseCpu('1m'), 0.001);
    assert.equal(parseCpu('0.5'), 0.5);
    assert.equal(parseCpu('.5'), 0.5);
    assert.equal(parseCpu('2'), 2);
    assert.equal(parseCpu(2), 2);
    assert.equal(parseCpu(0.1), 0.1);
  });

  it('refuses precision finer than 1m, as Kubernetes does', () => {
    assert.throws(() => parseCpu('0.0005'), { message: 'CPU is set in steps of 1m (0.001 cores), got "0.0005"' });
    assert.throws(() => parseCpu('1.5m'), { message: 'CPU is set in steps of 1m (0.001 cores), got "1.5m"' });
    assert.throws(() => parseCpu(0.0001), { message: 'CPU is set in steps of 1m (0.001 cores), got 0.0001' });
  });

  it('rejects anything else, naming the accepted forms', () => {
    for (const bad of ['', 'abc', '500M', '1 core', '-1', '1e3', 'm', '500mm']) {
      assert.throws(() => parseCpu(bad), { message: `expected a CPU quantity such as 500m (millicores), 0.5 or 2 (cores), got ${JSON.stringify(bad)}` }, bad);
    }
    assert.throws(() => parseCpu(-1), /got -1$/);
    assert.throws(() => parseCpu(Number.POSITIVE_INFINITY), /expected a CPU quantity/);
  });
});

describe('parseMemory', () => {
  it('reads binary and decimal suffixes, exponents and plain bytes, as Kubernetes defines them', () => {
    assert.equal(parseMemory('123Ki'), 123 * 1024);
    assert.equal(parseMemory('256Mi'), 256 * 1024 ** 2);
    assert.equal(parseMemory('1Gi'), 1024 ** 3);
    assert.equal(parseMemory('2Ti'), 2 * 1024 ** 4);
    assert.equal(parseMemory('1k'), 1000);
    assert.equal(parseMemory('512M'), 512_000_000);
    assert.equal(parseMemory('1G'), 1_000_000_000);
    assert.equal(parseMemory('3T'), 3e12);
    assert.equal(parseMemory('129e6'), 129_000_000);
    assert.equal(parseMemory('128974848'), 128_974_848);
    assert.equal(parseMemory(128_974_848), 128_974_848);
    assert.equal(parseMemory('1.5Gi'), 1.5 * 1024 ** 3);
  });

  it('rounds fractions of a byte up, as Kubernetes does', () => {
    assert.equal(parseMemory('0.5'), 1);
    assert.equal(parseMemory('1.0001k'), 1001);
    assert.equal(parseMemory(10.2), 11);
  });

  it('names the millibyte slip: "m" is valid Kubernetes but never what is meant for memory', () => {
    assert.throws(() => parseMemory('256m'), { message: '"m" means thousandths of a byte; write 256Mi or 256M, got "256m"' });
  });

  it('rejects anything else, naming the accepted forms', () => {
    for (const bad of ['', 'abc', '256MB', '256mi', '1K', '1gi', '-1', 'Mi', '1 Gi', '1e']) {
      assert.throws(
        () => parseMemory(bad),
        {
          message: `expected a memory quantity such as 256Mi or 1Gi (binary suffixes Ki, Mi, Gi, Ti), 512M or 1G (decimal suffixes k, M, G, T), 129e6 or a number of bytes, got ${JSON.stringify(bad)}`,
        },
        bad,
      );
    }
    assert.throws(() => parseMemory(-5), /got -5$/);
  });
});

describe('quantity schema patterns', () => {
  it('accept what the parsers accept and refuse what they refuse (except the millibyte slip, left to the parser)', () => {
    const cpu = new RegExp(CPU_PATTERN);
    const memory = new RegExp(MEMORY_PATTERN);
    for (const good of ['500m', '0.5', '.5', '2', '1.5m']) assert.ok(cpu.test(good), good);
    for (const bad of ['500M', '1e3', 'abc', '']) assert.ok(!cpu.test(bad), bad);
    for (const good of ['256Mi', '1G', '129e6', '128974848', '256m']) assert.ok(memory.test(good), good);
    for (const bad of ['256MB', '1K', 'Mi', '']) assert.ok(!memory.test(bad), bad);
  });
});
