// From results streams to a capacity study: the plan (from the scenario's `capacity:` section in
// the stream's header, or given on the command line), every capacity search in the streams with
// the replica count it ran at, and the recommendation drawn from them — or, when none can be, why.
import type { CapacityPlanRecord, HeaderRecord } from '../../scenarios/results/results-format.js';
import type { CapacityStudy, StudySearch } from './capacity-study-types.js';
import { evidenceFromRuns, replicaCount, type SearchRun } from './evidence-from-stream.js';
import { recommendTarget } from './recommend.js';
import type { PlanInputs, RecommendOptions } from './recommendation-types.js';

export interface StudyRun extends SearchRun {
  /** The stream's file as the user named it; '' for the report's own run. */
  source: string;
}

/** What to size and how: the target, the plan's inputs and the options of the rules. */
export interface StudyPlan {
  target: string;
  plan: PlanInputs;
  options: RecommendOptions;
}

export function capacityStudy(studyPlan: StudyPlan, runs: readonly StudyRun[]): CapacityStudy {
  const { target, plan, options } = studyPlan;
  const searches: StudySearch[] = runs.flatMap((run) =>
    (run.summary.capacitySearch ?? []).map((search) => ({ replicas: replicaCount(run.results, target), source: run.source, search })),
  );
  searches.sort((a, b) => a.replicas - b.replicas);
  const study: CapacityStudy = { target, plan, searches, recommendation: null, problem: null, verification: null };
  if (searches.length === 0) return { ...study, problem: `no capacity search of ${target} in the results: add a capacity-search phase` };
  try {
    return { ...study, recommendation: recommendTarget(plan, evidenceFromRuns(target, runs), options) };
  } catch (error) {
    return { ...study, problem: (error as Error).message };
  }
}

/** The plan a scenario's `capacity:` section wrote into the stream's header, if it had one. */
export function planFromHeader(header: HeaderRecord): StudyPlan | undefined {
  const record = header.scenario.capacity;
  return record === undefined ? undefined : studyPlanOf(record);
}

export function studyPlanOf(record: CapacityPlanRecord): StudyPlan {
  return {
    target: record.target,
    plan: { peakRps: record.peakRps, headroom: record.headroom, nPlusOne: record.nPlusOne, slo: sloText(record.slo) },
    options: { cpuLimit: record.cpuLimit },
  };
}

/** "p99 < 100 ms, errors < 1%": the SLO in the words the recommendation shows. */
export function sloText(slo: CapacityPlanRecord['slo']): string {
  return [...slo.latency.map((l) => `${l.metric} < ${l.maxMs} ms`), `errors < ${+(slo.maxErrorRate * 100).toFixed(4)}%`].join(', ');
}
