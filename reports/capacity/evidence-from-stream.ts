import type { Results } from '../../scenarios/results/results-reader.js';
import type { ResourceRecord } from '../../scenarios/results/results-format.js';
import { throttledPct } from '../resource-summary.js';
import type { RunSummary } from '../summary-types.js';
import type { LoadStepUsage, TargetEvidence } from './recommendation-types.js';
import { samplesWithin, usageSamples } from './usage-sample.js';

// What a capacity search in a results stream says about one target: the knee at the replica count
// the run launched, and per level that held, the load each replica carried and the resources each
// used while that level was judged. Several streams of the same target at different replica counts
// add up to one evidence with several knees (a scaling experiment).

export interface SearchRun {
  results: Results;
  summary: RunSummary;
}

/** Evidence for `target` from every run that searched it; throws with the reason when none did. */
export function evidenceFromRuns(target: string, runs: readonly SearchRun[]): TargetEvidence {
  const evidence: TargetEvidence = { name: target, knees: [], steps: [] };
  for (const { results, summary } of runs) {
    const replicas = replicaCount(results, target);
    const resources = results.records.filter((r): r is ResourceRecord => r.type === 'resource' && r.target === target);
    for (const search of summary.capacitySearch ?? []) {
      // A search cut short (the run was stopped) has a knee that is only a lower bound: nothing to size from.
      if (search.kneeRps === null || !search.finished) continue;
      evidence.knees.push({ replicas, kneeRps: search.kneeRps, failedRps: search.failedRps, searchSteps: search.levels.length });
      for (const level of search.levels) {
        if (!level.passed) continue;
        // The sample after the judged window belongs to the next level's warm-up, at another rate.
        const inWindow = samplesWithin(resources, level.from, level.to);
        evidence.steps.push(stepUsage(level.rate / replicas, inWindow));
      }
    }
  }
  if (evidence.knees.length === 0) {
    throw new Error(`no finished capacity search with a knee for target "${target}" in the given results (a capacity-search phase must hold at least one level and run to its end)`);
  }
  evidence.steps.sort((a, b) => a.rpsPerReplica - b.rpsPerReplica);
  return evidence;
}

/** The replicas the run launched for `target`; 1 for a target it did not launch (an external service). */
export function replicaCount(results: Results, target: string): number {
  return results.header.targets?.[target]?.replicas.length || 1;
}

function stepUsage(rpsPerReplica: number, records: readonly ResourceRecord[]): LoadStepUsage {
  return { rpsPerReplica, samples: usageSamples(records), throttledPct: throttledPct(records) };
}

/** The target a search drove: the scenario's launched target when it names one, else the only launched target. */
export function searchedTarget(results: Results): string | undefined {
  const launched = Object.keys(results.header.targets ?? {});
  if (results.header.scenario.targetRef !== undefined) return results.header.scenario.targetRef;
  return launched.length === 1 ? launched[0] : undefined;
}
