import type { CapacitySearchPhase } from '../model.js';
import type { SearchLevelRecord } from '../results/results-format.js';
import { performance } from 'node:perf_hooks';
import { sleepUnlessStopped, type Executor, type PhaseContext } from './phase-context.js';
import { bisect, searchLevels } from './search-ladder.js';
import { holdLevel } from './search-level.js';

// The capacity search: climb the ladder of rates until a level fails to meet the SLO, then bisect
// between the last level that held and the first that failed. The highest rate that held is the
// knee of this configuration; each level and the result go into the results stream, so reports and
// recommendations read the search from the file like everything else.

/** The longest to wait for a failed level's iterations to finish before the next level. */
const MAX_DRAIN_MS = 15_000;

async function drainBacklog(context: PhaseContext): Promise<void> {
  const until = performance.now() + MAX_DRAIN_MS;
  while (context.inFlight() > 0 && performance.now() < until && !context.stopping()) await sleepUnlessStopped(50, context);
}

export class CapacitySearch implements Executor {
  constructor(private readonly phase: CapacitySearchPhase) {}

  async run(context: PhaseContext): Promise<void> {
    const phase = this.phase;
    let held: number | null = null;
    let failed: number | null = null;
    let levels = 0;
    const judge = async (rate: number, stage: SearchLevelRecord['stage']): Promise<boolean | undefined> => {
      const level = await holdLevel(context, phase, rate, stage);
      // A level cut short by a stop request says nothing about the target.
      if (context.stopping()) return undefined;
      context.record(level);
      levels++;
      // A level that failed leaves a queue behind it; the next level must start on a target that
      // has worked it off, or it would be judged for the last one's backlog.
      if (!level.passed) await drainBacklog(context);
      return level.passed;
    };

    for (const rate of searchLevels(phase.from, phase.to, phase.ladder)) {
      const passed = await judge(rate, 'climb');
      if (passed === undefined) return;
      if (!passed) {
        failed = rate;
        break;
      }
      held = rate;
    }
    for (let i = 0; i < phase.refine && held !== null && failed !== null; i++) {
      const rate = bisect(held, failed);
      if (rate <= held || rate >= failed) break;
      const passed = await judge(rate, 'refine');
      if (passed === undefined) return;
      if (passed) held = rate;
      else failed = rate;
    }
    context.record({
      type: 'search-result',
      t: context.nowS(),
      phase: phase.name,
      kneeRps: held,
      failedRps: failed,
      slo: { latency: phase.slo.latency.map(({ metric, maxMs }) => ({ metric, maxMs })), maxErrorRate: phase.slo.maxErrorRate },
      levels,
    });
  }
}
