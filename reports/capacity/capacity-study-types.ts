// A capacity study: what the report's capacity section shows. The searches of one target at one or
// more replica counts, the plan they were sized against, the recommendation drawn from them (or why
// none could be), and — for a `loadtest verify` run — the prediction set beside what happened.
// Rendered by the HTML report (ReportInput.capacity): reports/html/capacity-view.ts and capacity-chart-data.ts.
import type { CapacitySearchSummary } from '../summary-types.js';
import type { PlanInputs, TargetRecommendation } from './recommendation-types.js';

/** One capacity search of the study: the target at one replica count. */
export interface StudySearch {
  replicas: number;
  /** The results stream it came from, as the user named it; '' for the report's own run. */
  source: string;
  search: CapacitySearchSummary;
}

export interface CapacityStudy {
  target: string;
  plan: PlanInputs;
  searches: StudySearch[];
  /** null when no recommendation could be made; `problem` says why. */
  recommendation: TargetRecommendation | null;
  problem: string | null;
  /** Present for a `loadtest verify` run. */
  verification: VerificationOutcome | null;
}

/** One figure the recommendation predicted, beside what the verification run measured. */
export interface VerificationCheck {
  name: string;
  /** In words with units: "p99 ≤ 100 ms (SLO)", "cpu 255m per replica". */
  predicted: string;
  observed: string;
  /** 'pass' / 'fail' for what decides the verdict (the SLO); 'info' for comparisons that do not. */
  outcome: 'pass' | 'fail' | 'info';
  note?: string;
}

export interface VerificationOutcome {
  /** The replica count and resources the verification ran with. */
  replicas: number;
  peakRps: number;
  durationS: number;
  /** True when every SLO check passed: the recommendation held. */
  sloHeld: boolean;
  checks: VerificationCheck[];
}
