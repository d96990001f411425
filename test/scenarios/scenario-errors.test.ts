// Every kind of bad input, asserting the exact message a user sees and the line:column it points at.

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadScenario } from '../../scenarios/language/load-scenario.js';
import { MAX_REPORTED_ISSUES, ScenarioError } from '../../scenarios/language/scenario-error.js';
import { issuesOf, MINIMAL, tempDir } from './load-helpers.js';

/** MINIMAL with its flows and phases replaced, so each test states only what it is about. */
function scenario(flowsAndPhases: string, head = 'name: t\ntarget: http://127.0.0.1:8080\n'): string {
  return head + flowsAndPhases;
}

const ONE_FLOW = `flows:
  - steps:
      - request: { url: / }
`;
const ONE_PHASE = `phases:
  - { executor: constant-vus, vus: 1, duration: 1s }
`;

describe('scenario errors: syntax and structure', () => {
  it('reports malformed YAML at the position the yaml library gives', async () => {
    const yaml = 'name: t\nflows: [ { steps: [] }\nphases: []\n';
    assert.deepEqual(await issuesOf(yaml), ['3:1: invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]']);
  });

  it('reports duplicate YAML keys', async () => {
    assert.deepEqual(await issuesOf(MINIMAL + 'name: again\n'), ['8:1: invalid YAML: Map keys must be unique']);
  });

  it('rejects a file that is not a mapping, and an empty one', async () => {
    assert.deepEqual(await issuesOf('- a\n- b\n'), ['1:1: expected a mapping, got a list']);
    assert.deepEqual(await issuesOf(''), ['1:1: expected a mapping, got nothing']);
  });

  it('names the missing required top-level keys', async () => {
    assert.deepEqual(await issuesOf('target: http://127.0.0.1:8080\n'), [
      '1:1: missing required key "name"',
      '1:1: missing required key "flows"',
      '1:1: missing required key "phases"',
    ]);
  });

  it('reports unknown keys at the key, suggesting the nearest known one', async () => {
    const yaml = scenario(`${ONE_FLOW}phases:
  - { executor: constant-arrival-rate, rtae: 10, duration: 10s }
  - executor: constant-vus
    vus: 1
    duraton: 1s
thresholds: []
treshold: []
`);
    assert.deepEqual(await issuesOf(yaml), [
      '7:5: phases[0]: constant-arrival-rate needs "rate"',
      '7:40: phases[0].rtae: unknown key; did you mean "rate"?',
      '8:5: phases[1]: constant-vus needs "duration"',
      '10:5: phases[1].duraton: unknown key; did you mean "duration"?',
      '12:1: treshold: unknown key; did you mean "thresholds"?',
    ]);
  });

  it('reports unknown keys without a suggestion when nothing is close', async () => {
    const yaml = scenario(`flows:
  - steps:
      - request: { url: /, frobnicate: 1 }
${ONE_PHASE}`);
    assert.deepEqual(await issuesOf(yaml), ['5:28: flows[0].steps[0].request.frobnicate: unknown key']);
  });

  it('reports wrong types with the value that was found', async () => {
    const yaml = scenario(`http: { connections: abc, pipelining: 1.5 }
defaults: { headers: { accept: [a] }, timeout: true }
flows:
  - weight: heavy
    steps:
      - request: { url: 42 }
${ONE_PHASE}thresholds: [ 99 ]
`);
    assert.deepEqual(await issuesOf(yaml), [
      '3:22: http.connections: expected a whole number, got "abc"',
      '3:39: http.pipelining: expected a whole number, got 1.5',
      '4:32: defaults.headers.accept: expected a string, number or true/false, got a list',
      '4:48: defaults.timeout: expected a duration such as 500ms, 30s, 2m, 1h, 1m30s or a number of milliseconds, got true',
      '6:13: flows[0].weight: expected a number, got "heavy"',
      '8:25: flows[0].steps[0].request.url: expected a string, got 42',
      '11:15: thresholds[0]: expected a string or a mapping, got 99',
    ]);
  });
});

describe('scenario errors: values', () => {
  it('reports bad durations, rates and sizes', async () => {
    const yaml = scenario(`http: { maxBodySize: 1XB }
gracefulStop: soon
flows:
  - steps:
      - request: { url: /, timeout: 0s }
        think: 5x
phases:
  - { executor: constant-arrival-rate, rate: fast, duration: 10s }
  - { executor: ramping-arrival-rate, from: 1/d, to: 0, duration: -1 }
`);
    assert.deepEqual(await issuesOf(yaml), [
      '3:22: http.maxBodySize: expected a size such as 1MB, 512KB, 100B or a number of bytes, got "1XB"',
      '4:15: gracefulStop: expected a duration such as 500ms, 30s, 2m, 1h, 1m30s or a number of milliseconds, got "soon"',
      '7:37: flows[0].steps[0].request.timeout: must be longer than 0, got "0s"',
      '8:16: flows[0].steps[0].think: expected a duration such as 500ms, 30s, 2m, 1h, 1m30s or a number of milliseconds, or { min, max }, got "5x"',
      '10:46: phases[0].rate: expected a rate such as 200/s, 6000/m or a number per second, got "fast"',
      '11:45: phases[1].from: expected a rate such as 200/s, 6000/m or a number per second, got "1/d"',
      '11:67: phases[1].duration: must be greater than 0, got -1',
    ]);
  });

  it('reports think ranges that are backwards or incomplete', async () => {
    const yaml = scenario(`flows:
  - steps:
      - think: { min: 3s, max: 1s }
      - think: { min: 1s }
${ONE_PHASE}`);
    assert.deepEqual(await issuesOf(yaml), [
      '5:16: flows[0].steps[0].think: min (3s) is longer than max (1s)',
      '6:16: flows[0].steps[1].think: missing required key "max"',
    ]);
  });

  it('reports executor-specific missing fields, unknown and missing executors', async () => {
    const yaml = scenario(`${ONE_FLOW}phases:
  - { executor: constant-vus, vus: 1, duration: 1s }
  - { executor: constant-arrival-rate, duration: 1m }
  - { executor: ramping-vus, duration: 1m, to: 10 }
  - { executor: constnt-vus, duration: 1m }
  - { duration: 1m }
  - { executor: 7, duration: 1m }
`);
    assert.deepEqual(await issuesOf(yaml), [
      '8:5: phases[1]: constant-arrival-rate needs "rate"',
      '9:5: phases[2]: ramping-vus needs "from"',
      '10:17: phases[3].executor: unknown executor "constnt-vus"; did you mean "constant-vus"? (expected one of constant-arrival-rate, ramping-arrival-rate, constant-vus, ramping-vus, capacity-search)',
      '11:5: phases[4]: missing required key "executor"',
      '12:17: phases[5].executor: expected one of constant-arrival-rate, ramping-arrival-rate, constant-vus, ramping-vus, capacity-search, got 7',
    ]);
  });

  it('rejects keys that belong to another executor', async () => {
    const yaml = scenario(`${ONE_FLOW}phases:
  - { executor: constant-vus, vus: 1, rate: 5, duration: 1s }
`);
    assert.deepEqual(await issuesOf(yaml), ['7:39: phases[0].rate: "rate" does not apply to constant-vus (only to constant-arrival-rate)']);
  });

  it('rejects ramps that would start nothing', async () => {
    const yaml = scenario(`${ONE_FLOW}phases:
  - { executor: ramping-vus, from: 0, to: 0, duration: 1s }
  - { executor: ramping-arrival-rate, from: 0, to: 0/s, duration: 1s }
`);
    assert.deepEqual(await issuesOf(yaml), [
      '7:5: phases[0]: from and to are both 0: this phase would run no virtual users',
      '8:5: phases[1]: from and to are both 0: this phase would start no iterations',
    ]);
  });

  it('reports a missing feeder file with its resolved path, and a bad order with a suggestion', async () => {
    const dir = tempDir({ 'scenario.yaml': MINIMAL + 'data:\n  users: { file: data/users.csv, order: rand }\n' });
    const error = await loadScenario(join(dir, 'scenario.yaml'), { env: {} }).catch((thrown: unknown) => thrown);
    assert.ok(error instanceof ScenarioError);
    assert.deepEqual(
      error.issues.map((issue) => `${issue.line}:${issue.column}: ${issue.path}: ${issue.message}`),
      [
        `9:18: data.users.file: feeder file not found: ${join(dir, 'data', 'users.csv')}`,
        '9:41: data.users.order: expected one of sequential, random, unique, got "rand"; did you mean "random"?',
      ],
    );
    assert.equal(error.issues[0]?.file, join(dir, 'scenario.yaml'));
  });

  it('reports a malformed feeder file', async () => {
    const issues = await issuesOf(MINIMAL + 'data:\n  users: { file: users.csv }\n', { files: { 'users.csv': 'a,b\n1\n' } });
    assert.equal(issues.length, 1);
    assert.match(issues[0] ?? '', /^9:18: data\.users\.file: feeder file .*users\.csv is not valid CSV: /);
  });
});

describe('scenario errors: targets', () => {
  it('rejects a target that is not an absolute http(s) URL', async () => {
    assert.deepEqual(await issuesOf(MINIMAL.replace('http://127.0.0.1:8080', '127.0.0.1:8080')), [
      '2:9: target: expected an absolute http:// or https:// URL, got "127.0.0.1:8080"',
    ]);
    assert.deepEqual(await issuesOf(MINIMAL.replace('http://127.0.0.1:8080', '/api')), [
      '2:9: target: expected an absolute http:// or https:// URL, got "/api"',
    ]);
    assert.deepEqual(await issuesOf(MINIMAL.replace('http://127.0.0.1:8080', 'ftp://files.test')), [
      '2:9: target: expected an http:// or https:// URL, got "ftp://files.test" (ftp)',
    ]);
  });

  it('reports an unset env variable in the target once, not again as a bad URL', async () => {
    assert.deepEqual(await issuesOf(MINIMAL.replace('http://127.0.0.1:8080', '${env.TARGET}')), [
      '2:9: target: environment variable TARGET is not set (give a default with ${env.TARGET:-value})',
    ]);
  });
});

describe('scenario errors: steps', () => {
  it('reports invalid regular expressions in captures and checks, and impossible groups', async () => {
    const yaml = scenario(`flows:
  - steps:
      - request: { url: / }
        capture: { a: { regex: "(" }, b: { regex: "x(y)", group: 2 }, c: { json: token }, d: { json: $.a, header: b } }
        check: { body: { matches: [ok, "["] } }
${ONE_PHASE}`);
    assert.deepEqual(await issuesOf(yaml), [
      '6:32: flows[0].steps[0].capture.a.regex: invalid regular expression "(": Unterminated group',
      '6:66: flows[0].steps[0].capture.b.group: group 2 does not exist: the regex has 1 capture group',
      '6:82: flows[0].steps[0].capture.c.json: a JSON path starts with "$", e.g. "$.token"; got "token"',
      '6:94: flows[0].steps[0].capture.d: use exactly one of "json", "header" or "regex", got "json" and "header"',
      '7:40: flows[0].steps[0].check.body.matches[1]: invalid regular expression "[": Unterminated character class',
    ]);
  });

  it('reports template syntax errors at the string holding them', async () => {
    const yaml = scenario(`flows:
  - steps:
      - request: { url: "/items/{{id", json: { a: [ "{{#each x}}" ] } }
${ONE_PHASE}`);
    assert.deepEqual(await issuesOf(yaml), [
      '5:25: flows[0].steps[0].request.url: invalid {{…}} template: unexpected character (an unclosed {{ ?) near "/items/{{id"',
      '5:53: flows[0].steps[0].request.json.a[0]: invalid {{…}} template: the template ended early (an unclosed {{ or block?) near "{{#each x}}"',
    ]);
  });

  it('reports duplicate step names within a flow, loops included, and duplicate phase names', async () => {
    const yaml = scenario(`flows:
  - name: buy
    steps:
      - { name: login, request: { url: /login } }
      - request: { url: /items }
      - name: browse
        loop: 2
        steps:
          - request: { url: /items }
          - { name: login, request: { url: /again } }
  - name: other
    steps:
      - { name: login, request: { url: /login } }
phases:
  - { name: p, executor: constant-vus, vus: 1, duration: 1s }
  - { name: p, executor: constant-vus, vus: 1, duration: 1s }
`);
    assert.deepEqual(await issuesOf(yaml), [
      '11:13: flows[0].steps[2].steps[0]: duplicate step name "GET /items" in flow "buy" (also at flows[0].steps[1]); step names must be unique within a flow',
      '12:21: flows[0].steps[2].steps[1].name: duplicate step name "login" in flow "buy" (also at flows[0].steps[0]); step names must be unique within a flow',
      '18:13: phases[1].name: duplicate phase name "p" (also at phases[0])',
    ]);
  });

  it('reports steps that mix or lack kinds', async () => {
    const yaml = scenario(`flows:
  - steps:
      - { request: { url: /, json: {}, body: x } }
      - { name: nothing }
      - { loop: 2, think: 1s }
      - { think: 1s, check: { status: 200 } }
      - { steps: [ { think: 1s } ] }
${ONE_PHASE}`);
    assert.deepEqual(await issuesOf(yaml), [
      '5:40: flows[0].steps[0].request.body: use either "json" or "body", not both',
      '6:9: flows[0].steps[1]: a step needs "request", "loop" with "steps", or "think"',
      '7:9: flows[0].steps[2]: a loop step needs "steps" (the steps to repeat)',
      '7:20: flows[0].steps[2].think: "think" does not apply to a loop step; put it on a step inside "steps"',
      '8:22: flows[0].steps[3].check: "check" needs a "request" in the same step',
      '9:9: flows[0].steps[4]: a loop step needs "loop" (how many times to repeat "steps")',
    ]);
  });
});

describe('scenario errors: thresholds', () => {
  it('reports unparseable thresholds and scopes that name nothing', async () => {
    const yaml = `${MINIMAL.replace('- request: { url: / }', '- { name: login, request: { url: / } }')}thresholds:
  - p99<250ms
  - p99<fast
  - step:logn.p95<1s
  - phase:peak.rps>1
`;
    assert.deepEqual(await issuesOf(yaml), [
      '10:5: thresholds[1]: threshold "p99<fast", column 5: p99 needs a duration such as 500ms, 30s, 2m, 1h, 1m30s or a number of milliseconds, got "fast"',
      '11:5: thresholds[2]: threshold "step:logn.p95<1s": no step named "logn"; did you mean "login"?',
      '12:5: thresholds[3]: threshold "phase:peak.rps>1": no phase named "peak"',
    ]);
  });
});

describe('scenario errors: reporting', () => {
  it('reports every issue in one error, in source order, formatted file:line:column: path: message', async () => {
    const dir = tempDir({
      'scenario.yaml': `name: t
target: http://127.0.0.1:8080
flows:
  - steps:
      - request: { url: /, methd: GET }
phases:
  - { executor: constant-vus, vus: 0, duration: 1s }
thresholds: [ "p999<1s" ]
`,
    });
    const file = join(dir, 'scenario.yaml');
    await assert.rejects(loadScenario(file, { env: {} }), (error: unknown) => {
      assert.ok(error instanceof ScenarioError);
      assert.equal(
        error.message,
        [
          `${file}:5:28: flows[0].steps[0].request.methd: unknown key; did you mean "method"?`,
          `${file}:7:36: phases[0].vus: must be at least 1, got 0`,
          `${file}:8:15: thresholds[0]: threshold "p999<1s", column 1: unknown metric "p999"; did you mean "p99"? (expected one of p50, p75, p90, p95, p99, p99.9, max, mean, errors, rps, dropped)`,
        ].join('\n'),
      );
      return true;
    });
  });

  it(`keeps the first ${MAX_REPORTED_ISSUES} issues and says how many more there were`, async () => {
    const phases = Array.from({ length: 25 }, () => '  - { executor: constant-vus, vus: 0, duration: 1s }\n').join('');
    const dir = tempDir({ 'scenario.yaml': scenario(`${ONE_FLOW}phases:\n${phases}`) });
    const error = await loadScenario(join(dir, 'scenario.yaml'), { env: {} }).catch((thrown: unknown) => thrown);
    assert.ok(error instanceof ScenarioError);
    assert.equal(error.issues.length, MAX_REPORTED_ISSUES);
    assert.equal(error.omitted, 5);
    assert.match(error.message, /\n… and 5 more issues$/);
  });

  it('reports a missing file and an unsupported file type', async () => {
    const dir = tempDir({ 'scenario.toml': '' });
    await assert.rejects(loadScenario(join(dir, 'nope.yaml')), { message: `${join(dir, 'nope.yaml')}: file not found` });
    await assert.rejects(loadScenario(join(dir, 'scenario.toml')), {
      message: `${join(dir, 'scenario.toml')}: unsupported scenario file type ".toml"; use .yaml, .yml, .json, .ts, .js or .mjs`,
    });
  });

  it('reports a module that fails to import', async () => {
    const dir = tempDir({ 'broken.ts': 'export default { name: \n' });
    const error = await loadScenario(join(dir, 'broken.ts')).catch((thrown: unknown) => thrown);
    assert.ok(error instanceof ScenarioError);
    assert.match(error.issues[0]?.message ?? '', /^cannot load module: /);
  });
});
