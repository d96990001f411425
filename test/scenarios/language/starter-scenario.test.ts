import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadScenario } from '../../../scenarios/language/load-scenario.js';
import { scenarioJsonSchema } from '../../../scenarios/language/scenario-schema.js';
import { starterDataFiles, starterScenarioYaml, STARTER_USERS_FILE } from '../../../scenarios/language/starter-scenario.js';
import { tempDir } from '../load-helpers.js';

describe('starter scenario', () => {
  it('loads cleanly next to the data files it ships with', async () => {
    const dir = tempDir({ 'scenario.yaml': starterScenarioYaml, ...starterDataFiles });
    const scenario = await loadScenario(join(dir, 'scenario.yaml'), { env: {} });
    assert.equal(scenario.target, 'http://127.0.0.1:8080');
    assert.equal(scenario.data.users?.file, join(dir, STARTER_USERS_FILE));
    assert.equal(scenario.data.users?.rows.length, 20);
    assert.deepEqual(
      scenario.flows.map((flow) => [flow.name, flow.steps.map((step) => (step.kind === 'think' ? 'think' : step.name))]),
      [
        ['checkout', ['login', 'browse', 'product list', 'think', 'place order', 'order status']],
        ['window-shopping', ['GET /products']],
      ],
    );
    assert.deepEqual(
      scenario.phases.map((phase) => [phase.name, phase.executor]),
      [
        ['warmup', 'ramping-arrival-rate'],
        ['steady', 'constant-arrival-rate'],
      ],
    );
    assert.equal(scenario.thresholds.length, 4);
  });

  it('follows TARGET from the environment', async () => {
    const dir = tempDir({ 'scenario.yaml': starterScenarioYaml, ...starterDataFiles });
    const scenario = await loadScenario(join(dir, 'scenario.yaml'), { env: { TARGET: 'http://127.0.0.1:9999' } });
    assert.equal(scenario.target, 'http://127.0.0.1:9999');
  });

  it('shows every top-level key of the language', () => {
    // capacity: sizes a target the scenario starts; the starter runs against a URL, so it shows it commented.
    const commented = new Set(['capacity']);
    for (const key of Object.keys(scenarioJsonSchema.properties).filter((key) => key !== '$schema')) {
      assert.match(starterScenarioYaml, new RegExp(`^${commented.has(key) ? '# ' : ''}${key}:`, 'm'), `starter lacks "${key}"`);
    }
    for (const key of ['capture:', 'check:', 'think:', 'loop:', 'json:', 'header:', 'regex:', 'latency:', 'query:', 'headers:', 'order:']) {
      assert.ok(starterScenarioYaml.includes(key), `starter lacks "${key}"`);
    }
  });
});
