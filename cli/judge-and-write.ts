import { renameSync, writeFileSync } from 'node:fs';
import { capacityStudy, planFromHeader } from '../reports/capacity/capacity-study.js';
import type { CapacityStudy } from '../reports/capacity/capacity-study-types.js';
import { analyseRun } from '../reports/analysis/analyse-run.js';
import type { RunAnalysis } from '../reports/analysis/analysis-types.js';
import type { GateOptions } from '../reports/gates/judge-run.js';
import { judgeRun } from '../reports/gates/judge-run.js';
import type { GateVerdict } from '../reports/gates/gate-types.js';
import { renderHtmlReport } from '../reports/html/render-html.js';
import { renderJUnit } from '../reports/outputs/junit.js';
import { renderMarkdown } from '../reports/outputs/markdown.js';
import { runVerdict, summaryDocument } from '../reports/outputs/summary-document.js';
import type { RunVerdict } from '../reports/outputs/summary-document.js';
import { summarise } from '../reports/summary.js';
import type { RunSummary } from '../reports/summary-types.js';
import type { Results } from '../scenarios/results/results-reader.js';
import type { OutputFlags } from './gate-flags.js';

// Judging a results stream and writing what was asked for: the one path behind `run`, `report` and
// `gate`. Everything is rebuilt from the stream, so each command says the same about the same run.

export interface Judged {
  results: Results;
  summary: RunSummary;
  gates: GateVerdict[];
  verdict: RunVerdict;
}

/** `summary` when the caller already has the stream's (it is the costly part of judging). */
export function judgeResults(results: Results, options: GateOptions, summary: RunSummary = summarise(results)): Judged {
  const gates = judgeRun(results, summary, options);
  return { results, summary, gates, verdict: runVerdict(summary, gates) };
}

/**
 * Writes the requested files. The analysis (the costly part) is only built when an output needs it.
 * The report's capacity section is `capacity` when given (a study over several runs), otherwise
 * drawn from this stream when its scenario had a `capacity:` section.
 */
export function writeOutputs(judged: Judged, outputs: OutputFlags & { html?: string }, capacity?: CapacityStudy | null): void {
  let analysis: RunAnalysis | undefined;
  const analysed = (): RunAnalysis => (analysis ??= analyseRun(judged.results, judged.summary, judged.gates));
  if (outputs.summaryJson !== undefined) writeAtomically(outputs.summaryJson, JSON.stringify(summaryDocument(judged.summary, judged.gates), null, 2) + '\n');
  if (outputs.junit !== undefined) writeAtomically(outputs.junit, renderJUnit(judged.summary, judged.gates));
  if (outputs.html !== undefined) {
    const study = capacity === undefined ? studyFromStream(judged) : capacity;
    const html = renderHtmlReport({ analysis: analysed(), gates: judged.gates, verdict: judged.verdict, header: judged.results.header, generatedAt: new Date().toISOString(), capacity: study });
    writeAtomically(outputs.html, html);
  }
  if (outputs.markdown !== undefined) {
    const extra = { faultDrill: analysed().faultDrill, warnings: analysed().warnings, ...(outputs.html === undefined ? {} : { reportFile: outputs.html }) };
    writeAtomically(outputs.markdown, renderMarkdown(judged.summary, judged.gates, extra));
  }
}

/** The capacity study of one stream, from the plan its header carries; null when it has none. */
export function studyFromStream(judged: Pick<Judged, 'results' | 'summary'>): CapacityStudy | null {
  const plan = planFromHeader(judged.results.header);
  return plan === undefined ? null : capacityStudy(plan, [{ results: judged.results, summary: judged.summary, source: '' }]);
}

/** Written beside and renamed into place, so a reader never sees half a file. */
export function writeAtomically(path: string, text: string): void {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, text);
  renameSync(temporary, path);
}
