import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FaultDrillRow } from '../../../reports/analysis/analysis-types.js';
import { renderMarkdown } from '../../../reports/outputs/markdown.js';
import { GATES, HOSTILE_STEP, recordedSummary } from './recorded-run.js';

/** The lines of the Markdown section under `### title`, up to the next heading. */
function section(markdown: string, title: string): string[] {
  const lines = markdown.split('\n');
  const start = lines.indexOf(`### ${title}`);
  assert.notEqual(start, -1, `section ${title}`);
  const end = lines.findIndex((line, i) => i > start && line.startsWith('#'));
  return lines.slice(start + 1, end === -1 ? undefined : end).filter((line) => line !== '');
}

/** Cells of a table row, split the way GitHub splits them: on pipes not escaped by a backslash. */
function cells(row: string): string[] {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < row.length; i++) {
    const char = row[i]!;
    if (char === '\\' && i + 1 < row.length) {
      current += char + row[i + 1]!;
      i++;
    } else if (char === '|') {
      parts.push(current.trim());
      current = '';
    } else current += char;
  }
  parts.push(current.trim());
  return parts.slice(1, -1);
}

function tableRows(lines: string[]): string[][] {
  return lines.filter((line) => line.startsWith('|')).map(cells);
}

describe('Markdown job summary', () => {
  it('opens with the verdict and the scenario, for pass, fail and error', async () => {
    const completed = await recordedSummary();
    const interrupted = await recordedSummary('interrupted');
    const firstLine = (markdown: string) => markdown.split('\n')[0]!;
    assert.match(firstLine(renderMarkdown(completed, [GATES.pass])), /^## ✅ PASS — loadtest checkout &amp; &lt;co&gt; \(1 gate passed\)$/);
    assert.match(firstLine(renderMarkdown(completed, [])), /^## ✅ PASS .*\(no gates\)$/);
    assert.match(firstLine(renderMarkdown(completed, [GATES.pass, GATES.fail, GATES.window])), /^## ❌ FAIL .*\(2 of 3 gates failed\)$/);
    assert.match(firstLine(renderMarkdown(interrupted, [GATES.aborted])), /^## ❌ FAIL /);
    assert.match(firstLine(renderMarkdown(interrupted, [GATES.pass])), /^## ⚠️ ERROR .*\(run interrupted\)$/);
  });

  it('gives the key figures of the run', async () => {
    const summary = await recordedSummary();
    const [header, rule, row] = tableRows(renderMarkdown(summary, []).split('\n'));
    assert.deepEqual(header, ['Requests', 'Throughput', 'Error rate', 'p50', 'p95', 'p99', 'Duration', 'Dropped']);
    assert.equal(rule!.length, header!.length);
    assert.deepEqual(row, ['220', `${summary.overall.rps.toFixed(1)}/s`, '4.55%', '2.00 ms', '89.0 ms', '98.0 ms', `${summary.durationS.toFixed(1)} s`, '1']);
  });

  it('lists failing gates first, with actual, limit and window or baseline detail', async () => {
    const markdown = renderMarkdown(await recordedSummary(), [GATES.pass, GATES.window, GATES.noData, GATES.regression, GATES.fail]);
    const [header, , ...rows] = tableRows(section(markdown, 'Gates'));
    assert.deepEqual(header, ['Status', 'Gate', 'Actual', 'Limit', 'Detail']);
    assert.deepEqual(
      rows.map((r) => r[1]),
      ['p99\\[5s\\]&lt;300ms', 'step:nosuch.p99&lt;1ms', 'p99:+10%', 'errors&lt;1%', 'p50&lt;60ms'],
      'failures first, in their given order, then the passes',
    );
    assert.deepEqual(rows[0], ['❌ fail', 'p99\\[5s\\]&lt;300ms', '412 ms', '&lt; 300 ms', '5 s windows: 3 of 20 failed, worst from 40 s; failing 40–47 s']);
    assert.match(rows[1]![2]!, /no step named "nosuch"/);
    assert.equal(rows[2]![4], 'baseline 212 ms, change +25.0%');
    assert.equal(rows[4]![0], '✅ pass');
  });

  it('marks the gate that stopped the run', async () => {
    const rows = tableRows(section(renderMarkdown(await recordedSummary('interrupted'), [GATES.pass, GATES.aborted]), 'Gates'));
    assert.equal(rows[2]![0], '⛔ fail, stopped the run at 12 s');
  });

  it('escapes hostile names: no raw HTML, no extra column, no broken row', async () => {
    const summary = { ...(await recordedSummary()), scenario: HOSTILE_STEP };
    const gate = { ...GATES.fail, expression: `step:${HOSTILE_STEP}.p99<1ms` };
    const markdown = renderMarkdown(summary, [gate], { warnings: [`collector said <img src=x onerror=alert(1)>\nsecond line`] });
    assert.doesNotMatch(markdown, /<script>|<\/testcase>|<img|<b>/);
    assert.doesNotMatch(markdown, /[\u0001\uD800]/);
    assert.ok(!/[^\\]`/.test(markdown.replace(/^```[\s\S]*?```$/gm, '')), 'every backtick is escaped');
    for (const title of ['Gates', 'Steps', 'Top errors']) {
      const [header, ...rows] = tableRows(section(markdown, title));
      for (const row of rows) assert.equal(row.length, header!.length, `${title}: ${JSON.stringify(row)}`);
    }
    const steps = tableRows(section(markdown, 'Steps'));
    const hostile = steps.find((row) => row[0]!.includes('script'))!;
    assert.equal(hostile[0], '&lt;/testcase&gt;&lt;script&gt;alert("x")&lt;/script&gt; &amp; \'q\' \\| col  \\*b\\* \\_i\\_ \\[l\\](u) \\`c\\` next');
    assert.deepEqual(section(markdown, 'Warnings'), ['- ⚠️ collector said &lt;img src=x onerror=alert(1)&gt; second line']);
    assert.match(markdown.split('\n')[0]!, /^## ❌ FAIL — loadtest &lt;\/testcase&gt;/, 'the heading stays one line');
  });

  it('lists every step and the top errors', async () => {
    const markdown = renderMarkdown(await recordedSummary(), []);
    const [, , ...steps] = tableRows(section(markdown, 'Steps'));
    assert.deepEqual(
      steps.map((r) => [r[0], r[1], r[3]]),
      [
        ['login', '100', '0'],
        [steps[1]![0], '100', '0'],
        ['order', '20', '10'],
      ],
    );
    const [, , error] = tableRows(section(markdown, 'Top errors'));
    assert.deepEqual(error!.slice(0, 3), ['10', 'order', 'http\\_5xx']);
  });

  it('shows the faults and outages of the stream when there is no drill analysis', async () => {
    const markdown = renderMarkdown(await recordedSummary(), []);
    const lines = section(markdown, 'Faults');
    const [faultHeader, , start, end] = tableRows(lines.slice(0, lines.indexOf('**Outages** (clients not served)')));
    assert.deepEqual(faultHeader, ['At', 'Event', 'Fault', 'Target', 'Detail']);
    assert.deepEqual(start!.slice(1), ['start', 'faults\\[0\\] kill', 'kv n2', 'SIGKILL to n2 (the leader)']);
    assert.equal(end![1], 'end');
    assert.ok(lines.includes('**Outages** (clients not served)'));
  });

  it('prefers the fault drill rows when given', async () => {
    const drill: FaultDrillRow[] = [
      {
        label: 'faults[0]',
        action: 'kill',
        target: 'kv',
        replicas: ['n2'],
        detail: 'SIGKILL to n2 (the leader)',
        startS: 4,
        endS: 9,
        outages: [{ t: 4, end: 5.2, durationS: 1.2, failed: 57, ok: 3 }],
        unavailableS: 1.2,
        recoverS: 1.2,
        requestsDuring: 240,
        errorsDuring: 57,
        caughtBy: ['errors[5s]<1%'],
      },
    ];
    const [header, , row] = tableRows(section(renderMarkdown(await recordedSummary(), [], { faultDrill: drill }), 'Faults'));
    assert.equal(header!.length, row!.length);
    assert.deepEqual(row, ['faults\\[0\\] kill', 'kv n2', 'SIGKILL to n2 (the leader)', '4.0 s', '9.0 s', '1.2 s', '1.2 s', '240 (57 failed)', 'errors\\[5s\\]&lt;1%']);
  });

  it('leaves the faults section out of a run without faults', async () => {
    const summary = { ...(await recordedSummary()), faults: [], outages: [] };
    assert.doesNotMatch(renderMarkdown(summary, []), /### Faults/);
  });

  it('gives resources per target against the limits', async () => {
    const [header, , row] = tableRows(section(renderMarkdown(await recordedSummary(), []), 'Resources'));
    assert.equal(header!.length, row!.length);
    assert.deepEqual(row, ['kv', 'cgroup', '2', '0.250', '0.400', '0.400', '0.500', '10.0%', '21.0', '21.0', '256.0', '0']);
  });

  it('falls back to the collector errors as warnings, and links the HTML report when given', async () => {
    const markdown = renderMarkdown(await recordedSummary(), [], { reportFile: 'out/run (1)/report.html' });
    assert.deepEqual(section(markdown, 'Warnings').filter((line) => line.startsWith('- ')), ['- ⚠️ collector docker (api): docker api unreachable']);
    assert.match(markdown.trimEnd().split('\n').at(-1)!, /^📄 Full report: \[out\/run \(1\)\/report.html\]\(out\/run%20%281%29\/report.html\)$/);
    assert.doesNotMatch(renderMarkdown(await recordedSummary(), []), /Full report/);
  });
});
