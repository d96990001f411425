// `{{urls.<target>}}`: a command target told where the targets declared above it listen. Checked when
// the file loads (a name not launched before is an error with its position and a suggestion), filled
// when the environment starts (a real replica reads the URLs it was given).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { launchEnvironment } from '../../../fixtures/launcher/environment.js';
import { loadScenario } from '../../../scenarios/language/load-scenario.js';
import { ScenarioError } from '../../../scenarios/language/scenario-error.js';
import { showIssue } from '../load-helpers.js';
import { newSince, toolLeftovers } from './leftovers.js';

/** Seven lines of load, so the targets start on line 8. */
const BASE = `name: t
target: http://127.0.0.1:8080
flows:
  - steps:
      - request: { url: / }
phases:
  - { executor: constant-vus, vus: 1, duration: 2s }
`;

// Answers every request with the UPSTREAM it was started with, so the test sees what was filled in.
const SERVER = `
const http = require('node:http');
http.createServer((req, res) => res.end(JSON.stringify({ upstream: process.env.UPSTREAM ?? null, argv: process.argv.slice(2) })))
  .listen(Number(process.env.PORT), '127.0.0.1');
`;

let dir = '';
let written = 0;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'loadtest-target-urls-'));
  writeFileSync(join(dir, 'server.js'), SERVER);
});
after(() => rmSync(dir, { recursive: true, force: true }));

function write(snippet: string): string {
  const file = join(dir, `scenario-${++written}.yaml`);
  writeFileSync(file, BASE + snippet);
  return file;
}

async function problems(snippet: string): Promise<string[]> {
  const error = await loadScenario(write(snippet), { env: {} }).then(
    () => assert.fail('expected the scenario to be rejected'),
    (thrown: unknown) => thrown,
  );
  assert.ok(error instanceof ScenarioError, `expected a ScenarioError, got ${String(error)}`);
  return error.issues.map(showIssue);
}

describe('{{urls.<target>}} when the scenario loads', () => {
  it('accepts a reference to a target declared above, in command, env and ready', async () => {
    const scenario = await loadScenario(
      write(`targets:
  kv: { fixture: raft, nodes: 3 }
  api:
    command: [node, server.js, --kv, "{{urls.kv}}"]
    env: { KV: "{{urls.kv}}" }
    ready: "http://127.0.0.1:{{port}}/health?kv={{urls.kv}}"
`),
      { env: {} },
    );
    const api = scenario.environment.targets.api;
    assert.equal(api?.kind, 'command');
    assert.deepEqual(api.kind === 'command' ? api.command : [], ['node', 'server.js', '--kv', '{{urls.kv}}']);
  });

  it('rejects a target declared later, itself, and an unknown name with a suggestion, each at its line:column', async () => {
    assert.deepEqual(
      await problems(`targets:
  api:
    command: [node, server.js, "{{urls.kv}}"]
    env: { SELF: "{{urls.api}}" }
  kv: { fixture: raft }
  web:
    command: [node, server.js]
    env: { UP: "{{urls.apii}}" }
    ready: "http://127.0.0.1:{{port}}/?{{urls.nope}}"
`),
      [
        '10:32: targets.api.command[2]: {{urls.kv}} names a target declared after "api"; targets start in declaration order, so move "kv" above "api"',
        '11:18: targets.api.env.SELF: {{urls.api}} names this target itself; a target can be told only where the targets declared above it listen',
        '15:16: targets.web.env.UP: {{urls.apii}} names no target under targets: (targets declared above it: api, kv); did you mean "api"?',
        '16:12: targets.web.ready: {{urls.nope}} names no target under targets: (targets declared above it: api, kv)',
      ],
    );
  });

  it('rejects {{urls.<target>}} in url, which is where the target itself is reached', async () => {
    assert.deepEqual(
      await problems(`targets:
  kv: { fixture: raft }
  api: { command: [node, server.js], url: "http://127.0.0.1:{{port}}/{{urls.kv}}" }
`),
      ['10:43: targets.api.url: {{urls.<target>}} is filled in command, env and ready; url is where this target itself is reached'],
    );
  });
});

describe('{{urls.<target>}} when the environment starts', () => {
  it('fills the base URLs of every replica of the earlier target, comma-separated, in argv and env', { timeout: 60_000 }, async () => {
    const before = toolLeftovers();
    const scenario = await loadScenario(
      write(`targets:
  back:
    command: [${JSON.stringify(process.execPath)}, server.js]
    env: { PORT: "{{port}}" }
    replicas: 2
  front:
    command: [${JSON.stringify(process.execPath)}, server.js, "--up={{urls.back}}"]
    env: { PORT: "{{port}}", UPSTREAM: "{{urls.back}}" }
    ready: "http://127.0.0.1:{{port}}/ready?up={{urls.back}}"
`),
      { env: {} },
    );
    const environment = await launchEnvironment(scenario.environment.targets, { outDir: join(dir, 'out'), runId: `urls-${process.pid}`, note: () => undefined });
    try {
      const back = environment.targets.get('back')?.replicas().map((r) => r.url) ?? [];
      assert.equal(back.length, 2);
      const front = environment.targets.get('front')?.replicas()[0]?.url ?? '';
      const answer = (await (await fetch(front)).json()) as { upstream: string; argv: string[] };
      assert.equal(answer.upstream, back.join(','));
      assert.deepEqual(answer.argv, [`--up=${back.join(',')}`]);
    } finally {
      assert.deepEqual(await environment.teardown(), []);
    }
    assert.deepEqual(newSince(before), []);
  });
});
