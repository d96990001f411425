import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createFeeder, loadFeederRows } from '../../../scenarios/language/feeders.js';
import type { DataRow, FeederOrder, FeederSpec } from '../../../scenarios/model.js';
import { DATA_DIR, tempDir } from '../load-helpers.js';

const ROWS: DataRow[] = [{ id: '1' }, { id: '2' }, { id: '3' }];
const feeder = (order: FeederOrder, rows = ROWS): FeederSpec => ({ name: 'f', file: '/f.csv', order, rows });

describe('loadFeederRows', () => {
  it('reads CSV with a header row, keeping values as text', () => {
    assert.deepEqual(loadFeederRows(join(DATA_DIR, 'users.csv')), [
      { name: 'alice', password: 'a1' },
      { name: 'bob', password: 'b2' },
    ]);
    const dir = tempDir({ 'ids.csv': 'id,label\n007, spaced \n\n008,x\n' });
    assert.deepEqual(loadFeederRows(join(dir, 'ids.csv')), [
      { id: '007', label: 'spaced' },
      { id: '008', label: 'x' },
    ]);
  });

  it('reads a JSON array of objects with scalar values', () => {
    assert.deepEqual(loadFeederRows(join(DATA_DIR, 'products.json')), [
      { sku: 'A-1', price: 10, active: true },
      { sku: 'B-2', price: 20.5, active: false, note: null },
    ]);
  });

  it('explains what is wrong with a data file, naming it', () => {
    const dir = tempDir({
      'ragged.csv': 'a,b\n1,2\n3,4,5\n',
      'header-only.csv': 'a,b\n',
      'object.json': '{"a":1}',
      'numbers.json': '[1,2]',
      'nested.json': '[{"a":{"b":1}}]',
      'broken.json': '[{"a":',
      'empty.json': '[]',
      'rows.txt': 'a',
    });
    const cases: Array<[string, RegExp]> = [
      ['missing.csv', /Error: feeder file not found: .*missing\.csv$/],
      ['ragged.csv', /ragged\.csv is not valid CSV: .*line 3/],
      ['header-only.csv', /header-only\.csv has no rows/],
      ['object.json', /object\.json must hold a JSON array of objects, got an object/],
      ['numbers.json', /numbers\.json: row 0 must be an object, got a number/],
      ['nested.json', /nested\.json: row 0, "a" must be a string, number, boolean or null, got an object/],
      ['broken.json', /broken\.json is not valid JSON/],
      ['empty.json', /empty\.json has no rows/],
      ['rows.txt', /unsupported type "\.txt"; use \.csv .* or \.json/],
    ];
    for (const [name, message] of cases) assert.throws(() => loadFeederRows(join(dir, name)), message, name);
  });
});

describe('createFeeder', () => {
  it('sequential hands rows out in order and wraps around', () => {
    const f = createFeeder(feeder('sequential'), () => 0);
    assert.deepEqual(Array.from({ length: 7 }, () => f.next()?.id), ['1', '2', '3', '1', '2', '3', '1']);
  });

  it('random picks uniformly from the injected source, always within range', () => {
    const values = [0, 0.34, 0.99, 0.5, 1];
    const f = createFeeder(feeder('random'), () => values.shift() ?? 0);
    assert.deepEqual(Array.from({ length: 5 }, () => f.next()?.id), ['1', '2', '3', '2', '3']);
    const counts = new Map<string, number>();
    const uniform = createFeeder(feeder('random'), Math.random);
    for (let i = 0; i < 3000; i++) {
      const id = uniform.next()?.id as string;
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    assert.deepEqual([...counts.keys()].sort(), ['1', '2', '3']);
    for (const count of counts.values()) assert.ok(count > 800 && count < 1200, `roughly a third each, got ${count}`);
  });

  it('unique hands out each row once, then nothing', () => {
    const f = createFeeder(feeder('unique'), () => 0);
    assert.deepEqual(Array.from({ length: 5 }, () => f.next()?.id), ['1', '2', '3', undefined, undefined]);
  });

  it('a feeder without rows returns nothing in every order', () => {
    for (const order of ['sequential', 'random', 'unique'] as const) assert.equal(createFeeder(feeder(order, []), () => 0).next(), undefined);
  });
});
