import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ReplicaBalancer } from '../../../scenarios/http/replica-balancer.js';

test('round robin over the replicas; a refused or reset replica is left out for two seconds', () => {
  const b = new ReplicaBalancer(['http://a', 'http://b', 'http://c']);
  assert.equal(b.primary, 'http://a');
  assert.deepEqual([b.pick(0), b.pick(0), b.pick(0), b.pick(0)], ['http://a', 'http://b', 'http://c', 'http://a']);
  b.observe('http://b', 'connect_refused', 0);
  b.observe('http://c', 'http_5xx', 0); // an answer, even a bad one, means the replica is there
  assert.deepEqual([b.pick(1000), b.pick(1000), b.pick(1000)], ['http://c', 'http://a', 'http://c']);
  assert.deepEqual([b.pick(2001), b.pick(2001), b.pick(2001)], ['http://a', 'http://b', 'http://c']);
});

test('when every replica is out, requests still go somewhere (and fail honestly)', () => {
  const b = new ReplicaBalancer(['http://a', 'http://b']);
  b.observe('http://a', 'reset', 0);
  b.observe('http://b', 'timeout', 0);
  assert.deepEqual([b.pick(10), b.pick(10)], ['http://a', 'http://b']);
});
