import { AbortWatch } from '../reports/gates/abort-watch.js';
import type { Scenario } from '../scenarios/model.js';
import { startRun, type RunHandle, type RunOptions } from '../scenarios/run-scenario.js';
import type { ProgressDisplay } from './progress.js';

/**
 * Starts a scenario the way every command that runs one does (`run`, a scaling experiment,
 * `verify`): abortOnFail watched, progress shown, warnings about limits shown even when quiet.
 */
export function startScenario(
  scenario: Scenario,
  outDir: string,
  progress: ProgressDisplay,
  quiet = false,
  share: Pick<RunOptions, 'segment' | 'startAtEpochMs'> = {},
): RunHandle {
  return startRun(scenario, {
    outDir,
    ...share,
    watchRecords: (header) => {
      const watch = new AbortWatch(scenario.abortOnFail, header.flows ?? []);
      return watch.empty ? undefined : (records) => watch.feed(records);
    },
    onInterval: quiet ? undefined : (snapshot) => progress.update(snapshot),
    onNote: (level, message) => {
      if (level === 'warning') progress.message(`warning: ${message}`);
      else if (!quiet) progress.message(message);
    },
  });
}
