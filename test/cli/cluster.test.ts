// `loadtest cluster` argument handling: bad input exits 2 with one clear line and starts nothing.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli } from '../helpers/cli.js';

const empty = mkdtempSync(join(tmpdir(), 'loadtest-no-cluster-'));

test('status without a cluster in --dir says how to start one (exit 2)', async () => {
  const r = await runCli(['cluster', 'status', '--dir', empty]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /no cluster in .* \(start one with: loadtest cluster up --dir/);
});

test('kill of an unknown node names the nodes there are (exit 2)', async () => {
  const r = await runCli(['cluster', 'kill', 'n9', '--dir', empty]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /no cluster in/);
});

test('up refuses bad numbers and durations before starting anything (exit 2)', async () => {
  for (const args of [['--nodes', '0'], ['--heartbeat', 'soon'], ['--heartbeat', '100ms', '--election', '150ms']]) {
    const r = await runCli(['cluster', 'up', '--dir', join(empty, 'x'), ...args]);
    assert.equal(r.code, 2, args.join(' '));
    assert.match(r.stderr, /--nodes|--heartbeat|--election/);
  }
});
