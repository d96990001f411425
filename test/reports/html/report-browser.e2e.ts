import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { renderHtmlReport } from '../../../reports/html/render-html.js';
import { chromiumSkipReason } from '../../helpers/browser.js';
import { checkReportInBrowser } from '../../helpers/report-check.js';
import { buildSampleReport, HOSTILE_STRINGS } from './sample-analysis.js';

// The HTML report opened in a real Chromium, offline: a hostile synthetic run with faults,
// outages, resources and a knee must draw every chart, mark the faults, fetch nothing and show the
// hostile strings as plain text. Skipped, visibly, where Chromium is not installed.

const skip = chromiumSkipReason();

describe('HTML report in Chromium', { skip }, () => {
  let dir: string;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'loadtest-report-e2e-'));
  });
  after(() => {
    // The screenshots go with it: set LOADTEST_SCREENSHOT_DIR to keep copies.
    rmSync(dir, { recursive: true, force: true });
  });

  it('draws every chart of a hostile report with faults, and nothing in it runs or fetches', async () => {
    const input = buildSampleReport({ durationS: 600, hostile: true, faults: true, knee: true });
    const file = join(dir, 'hostile-report.html');
    writeFileSync(file, renderHtmlReport(input));

    const result = await checkReportInBrowser(file, {
      hostile: HOSTILE_STRINGS,
      expectFaultLabels: input.analysis.faultDrill.map((f) => f.label),
    });

    // 3 timeline charts, 3 per target (2 targets), throughput and distribution.
    assert.equal(result.expected, 3 + 3 * 2 + 2);
    // Every time chart marks both faults.
    assert.equal(result.faultMarkers, 2 * (3 + 3 * 2));
    assert.ok(existsSync(result.screenshots[0]!), 'no screenshot saved');
  });

  it('opens a plain report without faults or resources just as cleanly', async () => {
    const input = buildSampleReport({ durationS: 120, targets: 0, faults: false, knee: false });
    const file = join(dir, 'plain-report.html');
    writeFileSync(file, renderHtmlReport(input));
    const result = await checkReportInBrowser(file);
    assert.equal(result.expected, 3 + 2);
    assert.equal(result.faultMarkers, 0);
  });
});
