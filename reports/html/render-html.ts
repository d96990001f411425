import type { RunAnalysis } from '../analysis/analysis-types.js';
import type { GateVerdict } from '../gates/gate-types.js';
import type { HeaderRecord } from '../../scenarios/results/results-format.js';
import type { CapacityStudy } from '../capacity/capacity-study-types.js';
import { embedJson } from './embed-json.js';
import { reportAssets } from './report-assets.js';
import { buildReportData } from './report-data.js';
import { reportLayout } from './report-templates.js';
import { buildReportView } from './report-view.js';

// The HTML capacity report: one self-contained file that opens offline. Tables are rendered here
// through escaped templates; the charts are drawn in the browser by uPlot from an embedded JSON
// block. The only unescaped insertions are our own assets and that JSON, escaped for its element.

export interface ReportInput {
  analysis: RunAnalysis;
  gates: GateVerdict[];
  /** 'error': the run did not complete. */
  verdict: 'pass' | 'fail' | 'error';
  header: HeaderRecord;
  /** When the report was rendered (ISO 8601), passed in so the output is a pure function of the input. */
  generatedAt: string;
  /**
   * The capacity searches, the plan and the recommendation drawn from them (or why none could be),
   * and a verification's outcome. Absent or null: the capacity section says how to get one.
   */
  capacity?: CapacityStudy | null;
}

export function renderHtmlReport(input: ReportInput): string {
  const assets = reportAssets();
  const data = buildReportData(input.analysis, input.capacity ?? null);
  const view = buildReportView(input, data);
  const csp = [
    "default-src 'none'",
    `script-src ${assets.scriptHashes.map((h) => `'${h}'`).join(' ')}`,
    "style-src 'unsafe-inline'",
    'img-src data:',
    'font-src data:',
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  return reportLayout()({
    ...view,
    csp,
    assets: { reportJs: assets.reportJs, reportCss: assets.reportCss, uplotJs: assets.uplotJs, uplotCss: assets.uplotCss },
    dataJson: embedJson(data),
  });
}
