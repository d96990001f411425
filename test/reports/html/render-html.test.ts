import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { embedJson } from '../../../reports/html/embed-json.js';
import { formatBytes, formatClock, formatDuration, formatMs, formatNumber, formatRatio, roundSignificant } from '../../../reports/html/format.js';
import { renderHtmlReport, type ReportInput } from '../../../reports/html/render-html.js';
import { buildReportData, chartIds, type ReportData } from '../../../reports/html/report-data.js';
import { buildSampleReport, HOSTILE_STRINGS } from './sample-analysis.js';
import { chartContainers, decodeEntities } from './report-html-text.js';

// The HTML report without a browser: structure, escaping, the embedded data and its size. What it
// looks like and that it draws is checked in Chromium by report-browser.e2e.ts.

const SCRIPT_BLOCKS = /<script\b([^>]*)>([\s\S]*?)<\/script>/gi;

function scripts(html: string): Array<{ attributes: string; body: string }> {
  return [...html.matchAll(SCRIPT_BLOCKS)].map((m) => ({ attributes: (m[1] ?? '').trim(), body: m[2] ?? '' }));
}

/** The page without script and style bodies: what the HTML parser treats as markup and text. */
function markupOf(html: string): string {
  return html.replace(SCRIPT_BLOCKS, '<script></script>').replace(/<style\b[^>]*>[\s\S]*?<\/style>/gi, '<style></style>');
}

function embeddedData(html: string): ReportData {
  const block = scripts(html).find((s) => s.attributes.includes('application/json'));
  assert.ok(block, 'no embedded data block');
  return JSON.parse(block.body) as ReportData;
}

describe('embedJson', () => {
  it('escapes everything that could end or comment out a script element, and parses back to the value', () => {
    const value = { a: '</script><!-- <b> & c', d: 'x\u2028y\u2029z', n: [1, 2.5, null] };
    const text = embedJson(value);
    assert.doesNotMatch(text, /[<>&\u2028\u2029]/);
    assert.ok(text.includes('\\u003c/script\\u003e\\u003c!--'));
    assert.ok(text.includes('\\u2028') && text.includes('\\u2029') && text.includes('\\u0026'));
    assert.deepEqual(JSON.parse(text), value);
  });

  it('refuses a value with no JSON form', () => {
    assert.throws(() => embedJson(undefined), TypeError);
  });
});

describe('report formatting', () => {
  it('writes figures with three significant digits and readable units', () => {
    assert.equal(roundSignificant(123456, 4), 123500);
    assert.equal(roundSignificant(0.000123456, 3), 0.000123);
    assert.equal(formatNumber(1234567), '1,234,567');
    assert.equal(formatNumber(12.345), '12.3');
    assert.equal(formatNumber(null), '—');
    assert.equal(formatMs(1530), '1.53 s');
    assert.equal(formatMs(0.25), '0.25 ms');
    assert.equal(formatRatio(0.0123), '1.23%');
    assert.equal(formatBytes(512 * 1024 * 1024), '512 MiB');
    assert.equal(formatDuration(3723), '1 h 2 min');
    assert.equal(formatDuration(45.25), '45.3 s');
    assert.equal(formatClock(83.5), '1:23.5');
    assert.equal(formatClock(3725), '1:02:05');
  });
});

describe('buildReportData', () => {
  const input = buildSampleReport({ durationS: 120 });
  const data = buildReportData(input.analysis);

  it('keeps four significant digits, the timeline as columns, and percentiles the log axis can place', () => {
    const all = [...data.latency.p99, ...data.traffic.rps, ...data.resources.flatMap((r) => (r.cpuCores ?? []).flat())].filter((v): v is number => v !== null);
    assert.ok(all.length > 0);
    for (const v of all) assert.equal(v, roundSignificant(v, 4));
    assert.equal(data.t.length, 120);
    assert.equal(data.latency.p50.length, data.t.length);
    assert.ok(data.distribution.percentile.every((p) => p < 100));
    assert.equal(data.distribution.percentile.length, input.analysis.distribution.length - 1);
    assert.deepEqual(data.throughput.rps, [...data.throughput.rps].sort((a, b) => a - b));
  });

  it('drops a resource metric no replica reported, and the chart with it', () => {
    const sparse = buildSampleReport({ durationS: 60, targets: 1 });
    for (const replica of sparse.analysis.resources[0]!.replicas) replica.throttledPct = replica.throttledPct.map(() => null);
    const d = buildReportData(sparse.analysis);
    assert.equal(d.resources[0]!.throttledPct, null);
    assert.ok(d.resources[0]!.cpuCores !== null);
    assert.deepEqual(chartIds(d), ['latency', 'traffic', 'steps', 'cpu-0', 'memory-0', 'throughput', 'distribution']);
  });

  it('stays under 1.5 MB of JSON for an hour-long run with ten steps and fifteen replicas', () => {
    const hour = buildSampleReport({ durationS: 3600, bucketS: 3, steps: 10, targets: 5, replicas: 3 });
    const json = embedJson(buildReportData(hour.analysis));
    assert.ok(json.length < 1.5e6, `${json.length} bytes`);
    const html = renderHtmlReport(hour);
    assert.ok(html.length < 3e6, `${html.length} bytes`);
  });
});

describe('renderHtmlReport', () => {
  const input = buildSampleReport({ durationS: 300 });
  const html = renderHtmlReport(input);
  /** The page as a reader sees its markup: entities decoded. */
  const text = decodeEntities(markupOf(html));

  it('is one self-contained document: our three scripts, inlined styles, nothing that fetches', () => {
    assert.match(html, /^<!DOCTYPE html>/);
    const found = scripts(html);
    assert.equal((html.match(/<script\b/gi) ?? []).length, 3);
    assert.deepEqual(
      found.map((s) => s.attributes),
      ['type="application/json" id="report-data"', '', ''],
    );
    assert.match(found[1]!.body, /uPlot/);
    assert.match(found[2]!.body, /__loadtestReport/);
    const markup = markupOf(html);
    for (const m of markup.matchAll(/\s(?:src|href|action|srcset|poster)\s*=\s*["']?([^"'\s>]*)/gi)) {
      assert.ok((m[1] ?? '').startsWith('#') || (m[1] ?? '').startsWith('data:'), `references ${m[1]}`);
    }
    assert.doesNotMatch(html, /@import/i);
    assert.doesNotMatch(html, /<link\b/i);
  });

  it('allows only its own scripts to run, by hash', () => {
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html)?.[1];
    assert.ok(csp, 'no Content-Security-Policy');
    const policy = decodeEntities(csp);
    assert.match(policy, /default-src 'none'/);
    for (const s of scripts(html).slice(1)) {
      const hash = createHash('sha256').update(s.body, 'utf8').digest('base64');
      assert.ok(policy.includes(`'sha256-${hash}'`), 'a script is not allowed by the policy');
    }
    assert.doesNotMatch(policy, /script-src[^;]*unsafe/);
  });

  it('puts the sections in reading order', () => {
    const order = ['verdict', 'gates', 'warnings', 'timeline', 'resources', 'correlations', 'throughput', 'breakdown', 'distribution', 'errors', 'fault-drill', 'resource-table', 'capacity', 'environment'];
    const positions = order.map((id) => html.indexOf(`<section id="${id}"`));
    for (const [i, p] of positions.entries()) assert.ok(p > 0, `section ${order[i]} missing`);
    assert.deepEqual([...positions].sort((a, b) => a - b), positions);
  });

  it('draws a container for every chart the data can fill, and embeds exactly that data', () => {
    const data = embeddedData(html);
    assert.deepEqual(data, buildReportData(input.analysis));
    assert.deepEqual(chartContainers(html), chartIds(data));
    assert.deepEqual(chartContainers(html), ['latency', 'traffic', 'steps', 'cpu-0', 'throttled-0', 'memory-0', 'cpu-1', 'throttled-1', 'memory-1', 'throughput', 'distribution']);
  });

  it('says why the build failed in the banner, with the key figures beside it', () => {
    assert.match(html, /<span class="verdict-label">FAIL<\/span>/);
    assert.match(text, /2 of 4 gates failed: errors\[10s\]<5%, p95:\+10%\./);
    assert.match(text, /<dt>p99<\/dt><dd>180 ms<\/dd>/);
    assert.match(text, /<dt>Dropped iterations<\/dt><dd>42<\/dd>/);
    assert.match(text, /<dt>Peak CPU<\/dt><dd>2\.\d+ cores<small> kv-\d/);
  });

  it('shows every gate with its windows, baseline and the stop it caused', () => {
    const stopped: ReportInput = { ...input, gates: input.gates.map((g, i) => (i === 1 ? { ...g, abortOnFail: true, abortedAtS: 83.5 } : g)) };
    const out = decodeEntities(markupOf(renderHtmlReport(stopped)));
    assert.equal((out.match(/<tr class="row-(pass|fail)">/g) ?? []).length, 4);
    assert.match(out, /10 s windows: 1 of 30 failed; worst from t = 2:00/);
    assert.match(out, /failing: 2:00–2:10/);
    assert.match(out, /38 ms <small>\(\+18%\)<\/small>/);
    assert.match(out, /stopped the run at t = 1:23\.5/);
    assert.match(out, /no step named nope in this run/);
  });

  it('ties each fault to its outage, its recovery and the gates that caught it', () => {
    assert.match(text, /<span class="fault-key">F1<\/span> <span class="fault-label">faults\[0\] kill kv leader<\/span>/);
    assert.match(text, /2:00\.2–2:04\.2 \(4 s, 2,900 failed, 40 ok\)/);
    assert.match(text, /<code>errors\[10s\]<5%<\/code>/);
    assert.match(text, /not caught by any gate/);
    assert.match(text, /no outage/);
  });

  it('sorts what moves with p99 strongest first and marks the knee', () => {
    const section = html.slice(html.indexOf('<section id="correlations"'), html.indexOf('<section id="throughput"'));
    const strengths = [...section.matchAll(/strength-(\w+)/g)].map((m) => m[1]);
    assert.deepEqual(strengths, ['strong', 'moderate', 'moderate', 'weak', 'none', 'none']);
    assert.match(text, /<strong>Knee at 600\/s<\/strong>/);
  });

  it('lays each flow out as a waterfall: bars start where the previous median ended', () => {
    const bars = [...html.matchAll(/class="wf-bar" style="left: ([\d.]+)%; width: ([\d.]+)%"/g)].map((m) => [Number(m[1]), Number(m[2])] as const);
    assert.equal(bars.length, 4 + 2);
    for (let i = 1; i < 4; i++) assert.ok(Math.abs(bars[i]![0] - (bars[i - 1]![0] + bars[i - 1]![1])) < 0.2, `bar ${i} does not follow the previous one`);
  });

  it('gives the verdict for every outcome in a line', () => {
    const passing = { ...input, verdict: 'pass' as const, gates: input.gates.map((g) => ({ ...g, passed: true })) };
    assert.match(renderHtmlReport(passing), /<p class="verdict-reason">All 4 gates passed\.<\/p>/);
    assert.match(renderHtmlReport({ ...input, verdict: 'pass', gates: [] }), /<p class="verdict-reason">No gates defined\.<\/p>/);
    const error = renderHtmlReport({ ...buildSampleReport({ verdict: 'error', durationS: 30 }), gates: [] });
    assert.match(error, /<span class="verdict-label">ERROR<\/span>/);
    assert.match(error, /The run did not complete \(interrupted\); no gates defined on what was measured\./);
    assert.match(error, /partial: the figures cover only what was measured/);
  });

  it('says so in a sentence, not an empty box, when there are no resources, faults, knee or traffic', () => {
    const bare = buildSampleReport({ durationS: 10, targets: 0, faults: false, knee: false });
    bare.analysis.timeline = { ...bare.analysis.timeline, t: [], droppedPerS: [], maxInFlight: [], steps: {}, overall: { rps: [], errorsPerS: [], p50: [], p90: [], p95: [], p99: [], p999: [], max: [] } };
    bare.analysis.throughput = { points: [], knee: null };
    bare.analysis.distribution = [];
    bare.analysis.correlations = [];
    bare.analysis.warnings = [];
    bare.analysis.summary.topErrors = [];
    bare.analysis.summary.overall.errorsByClass = {};
    delete bare.header.targets;
    const out = renderHtmlReport(bare);
    assert.deepEqual(chartContainers(out), []);
    for (const sentence of [
      'No requests completed, so there is no timeline to draw.',
      'No faults were injected in this run.',
      'No resource usage was collected for this run.',
      'No knee found',
      'No correlations',
      'Not enough latency data for a distribution.',
      'No request failed.',
      'The run did not launch its targets.',
    ]) {
      assert.ok(out.includes(sentence), `missing: ${sentence}`);
    }
    assert.ok(!out.includes('<section id="warnings"'));
  });

  it('is a pure function of its input', () => {
    assert.equal(renderHtmlReport(input), html);
  });
});

describe('renderHtmlReport with hostile names and messages', () => {
  const input = buildSampleReport({ durationS: 120, hostile: true });
  const html = renderHtmlReport(input);
  const markup = markupOf(html);

  it('keeps exactly our own script elements', () => {
    assert.equal((html.match(/<script\b/gi) ?? []).length, 3);
    assert.equal((html.match(/<\/script>/gi) ?? []).length, 3);
    assert.ok(!html.includes('<script>window.__pwned'));
  });

  it('escapes every hostile string in the markup, where it still reads as the same text', () => {
    for (const tag of [/<img\b/i, /<svg\b/i, /\sonerror=/i, /\sonload=/i]) assert.doesNotMatch(markup, tag);
    for (const s of HOSTILE_STRINGS) {
      if (/[<>"]/.test(s)) assert.ok(!markup.includes(s), `${JSON.stringify(s)} appears unescaped`);
      assert.ok(decodeEntities(markup).includes(s), `${JSON.stringify(s)} is not shown`);
    }
    // Template syntax in data is text, never evaluated.
    assert.ok(markup.includes('{{constructor.constructor(&#x27;window.__pwned&#x3D;4&#x27;)()}}'));
  });

  it('escapes them inside the embedded JSON too, which parses back to the same data', () => {
    const block = scripts(html).find((s) => s.attributes.includes('application/json'))!;
    assert.doesNotMatch(block.body, /[<>&\u2028\u2029]/);
    const data = embeddedData(html);
    assert.deepEqual(data, buildReportData(input.analysis));
    assert.equal(data.faults[0]!.label, input.analysis.faultDrill[0]!.label);
    assert.ok(data.steps.some((s) => s.name.startsWith('</script>')));
    assert.ok(data.resources.some((r) => r.replicas.some((name) => name.includes('\u2028'))));
  });

  it('puts hostile text in every place a scenario, response or header can reach', () => {
    const text = decodeEntities(markup);
    const places = [
      input.analysis.summary.scenario,
      ...input.analysis.flows.map((f) => f.name),
      ...Object.keys(input.analysis.summary.steps),
      ...input.analysis.summary.phases.map((p) => p.name),
      ...Object.keys(input.analysis.summary.targets),
      ...input.analysis.faultDrill.flatMap((f) => [f.label, f.detail]),
      ...input.analysis.summary.topErrors.map((e) => e.message),
      ...input.gates.map((g) => g.expression),
      ...input.analysis.warnings,
      input.header.generator.hostname,
    ];
    for (const place of places) assert.ok(text.includes(place), `${JSON.stringify(place)} is not in the report`);
    assert.ok(places.filter((p) => HOSTILE_STRINGS.some((s) => p.includes(s))).length > 20);
  });
});
