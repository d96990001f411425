import { Command } from 'commander';
import { loadScenario } from '../scenarios/language/load-scenario.js';
import type { StepSpec } from '../scenarios/model.js';

export function validateCommand(): Command {
  return new Command('validate')
    .description('check a scenario file without running it')
    .argument('<scenario>', 'scenario file')
    .option('-t, --target <url>', 'base URL overriding the scenario target')
    .action(async (file: string, flags: { target?: string }) => {
      const scenario = await loadScenario(file, flags.target === undefined ? {} : { target: flags.target });
      const steps = scenario.flows.reduce((total, flow) => total + countRequests(flow.steps), 0);
      const seconds = scenario.phases.reduce((total, phase) => total + phase.durationMs, 0) / 1000;
      const { targets, collect, faults } = scenario.environment;
      const against = scenario.targetRef !== undefined ? `target ${scenario.targetRef} (started by the run)` : scenario.target;
      const environment = [
        Object.keys(targets).length > 0 ? `${Object.keys(targets).length} target(s) to start` : '',
        collect.sources.length > 0 ? `${collect.sources.length} resource source(s)` : '',
        faults.length > 0 ? `${faults.length} fault(s)` : '',
      ].filter((part) => part !== '');
      process.stdout.write(
        `${file}: ok — "${scenario.name}" against ${against}: ${scenario.flows.length} flow(s), ` +
          `${steps} request step(s), ${scenario.phases.length} phase(s) over ${seconds} s, ` +
          `${Object.keys(scenario.data).length} feeder(s), ${scenario.thresholds.length} threshold(s)` +
          `${environment.length > 0 ? `, ${environment.join(', ')}` : ''}\n`,
      );
    });
}

function countRequests(steps: StepSpec[]): number {
  return steps.reduce((total, step) => total + (step.kind === 'request' ? 1 : step.kind === 'loop' ? countRequests(step.steps) : 0), 0);
}
