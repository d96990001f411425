import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { renderHtmlReport } from '../../../reports/html/render-html.js';
import { chromiumSkipReason } from '../../helpers/browser.js';
import { checkReportInBrowser } from '../../helpers/report-check.js';
import { buildSampleReport, HOSTILE_STRINGS } from './sample-analysis.js';
import { buildSampleStudy } from './sample-capacity-study.js';

// The capacity section in a real Chromium: a hostile report with a study of searches at one and two
// replicas, a USL fit and a verification must draw the search and scaling charts beside all the
// others, fetch nothing, and show the study's hostile strings as text. Skipped where there is no Chromium.

const skip = chromiumSkipReason();

describe('HTML report with a capacity study in Chromium', { skip }, () => {
  let dir: string;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'loadtest-capacity-e2e-'));
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('draws the search and scaling charts of a hostile study with scaling and a failed verification', async () => {
    const input = { ...buildSampleReport({ durationS: 300, hostile: true, faults: true, knee: true }), capacity: buildSampleStudy({ hostile: true, verification: 'failed' }) };
    const file = join(dir, 'capacity-report.html');
    writeFileSync(file, renderHtmlReport(input));
    const result = await checkReportInBrowser(file, { hostile: HOSTILE_STRINGS, expectFaultLabels: input.analysis.faultDrill.map((f) => f.label) });
    // The run's own charts (3 timeline, 3 per target for 2 targets, throughput, distribution) and the two capacity charts.
    assert.equal(result.expected, 3 + 3 * 2 + 2 + 2);
  });

  it('draws a single search with a linear assumption, and a study with no recommendation', async () => {
    const base = buildSampleReport({ durationS: 60, targets: 0, faults: false, knee: false });
    const linear = join(dir, 'capacity-linear.html');
    writeFileSync(linear, renderHtmlReport({ ...base, capacity: buildSampleStudy({ replicas: [1], verification: 'none' }) }));
    assert.equal((await checkReportInBrowser(linear)).expected, 3 + 2 + 2);
    const none = join(dir, 'capacity-none.html');
    writeFileSync(none, renderHtmlReport({ ...base, capacity: buildSampleStudy({ replicas: [2], recommendation: false, verification: 'none' }) }));
    // One search and nothing fitted: the search chart only.
    assert.equal((await checkReportInBrowser(none)).expected, 3 + 2 + 1);
  });
});
