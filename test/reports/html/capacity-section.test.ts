import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { uslThroughput } from '../../../reports/capacity/usl.js';
import { buildCapacityChartData } from '../../../reports/html/capacity-chart-data.js';
import { roundSignificant } from '../../../reports/html/format.js';
import { renderHtmlReport, type ReportInput } from '../../../reports/html/render-html.js';
import { buildReportData, chartIds, type ReportData } from '../../../reports/html/report-data.js';
import { buildSampleReport, HOSTILE_STRINGS } from './sample-analysis.js';
import { buildSampleStudy, SLO_MS } from './sample-capacity-study.js';
import { chartContainers, decodeEntities } from './report-html-text.js';

// The report's capacity section without a browser: the figures of the recommendation and of the
// usage-only recommenders beside it, the charts' data (the USL curve computed here, not in the page),
// a study without a recommendation, a failed verification, hostile strings, and no study at all.

const base = buildSampleReport({ durationS: 60 });

function render(capacity: ReportInput['capacity']): { html: string; section: string; text: string; plain: string; data: ReportData } {
  const html = renderHtmlReport({ ...base, capacity });
  const start = html.indexOf('<section id="capacity"');
  assert.ok(start > 0, 'no capacity section');
  const section = html.slice(start, html.indexOf('</section>', start));
  const text = decodeEntities(section).replace(/\s+/g, ' ');
  return { html, section, text, plain: text.replace(/<[^>]*>/g, ''), data: embeddedData(html) };
}

function embeddedData(html: string): ReportData {
  const body = /<script type="application\/json" id="report-data">([\s\S]*?)<\/script>/.exec(html)?.[1];
  assert.ok(body, 'no embedded data');
  return JSON.parse(body) as ReportData;
}

describe('capacity section with a study', () => {
  const study = buildSampleStudy();
  const rec = study.recommendation!;
  const { html, section, text, plain, data } = render(study);

  it('heads the section with the plan: target, peak, headroom, N+1 and SLO', () => {
    assert.match(plain, /checkout-api · peak 400\/s · headroom 30% \(plan for 520\/s\) · N\+1 yes · SLO p99 ≤ 100 ms, errors ≤ 1%/);
  });

  it('shows every recommended figure with its basis', () => {
    assert.equal(rec.replicas, 4);
    assert.match(text, /<th scope="row">Replicas<\/th><td class="value"><strong>4<\/strong>/);
    assert.match(text, /<strong>565m<\/strong><br><small>0\.56 cores<\/small>/);
    assert.match(text, /<th scope="row">CPU limit<\/th><td class="value"><strong>none<\/strong>/);
    assert.match(text, /<th scope="row">Memory request = limit<\/th><td class="value"><strong>204Mi<\/strong>/);
    assert.match(text, /<strong>99% CPU<\/strong><br><small>4–100 replicas<\/small>/);
    for (const basis of Object.values(rec.basis)) assert.ok(text.includes(basis), `basis missing: ${basis}`);
    assert.match(text, /confidence <span class="confidence confidence-medium">medium<\/span>/);
    assert.ok(text.includes(rec.confidence.reasons[0]!));
    assert.ok(text.includes(rec.scaling!.verdict));
    assert.ok(!text.includes('Does not reach the peak'));
  });

  it('sets ours beside KRR simple and the VPA target, with the difference explained', () => {
    assert.match(text, /<th>Per replica<\/th><th>loadtest<\/th><th>KRR simple<\/th><th>VPA target<\/th>/);
    assert.match(text, /<th scope="row">CPU request<\/th><td><strong>565m \(0\.56 cores\)<\/strong><\/td><td>805m \(0\.8 cores\)<\/td><td>880m \(0\.88 cores\)<\/td>/);
    assert.match(text, /<th scope="row">Memory request<\/th><td><strong>204Mi \(204 MiB\)<\/strong><\/td><td>204Mi \(201 MiB\)<\/td><td>252Mi \(250 MiB\)<\/td>/);
    assert.match(text, /<th scope="row">Memory limit<\/th><td><strong>204Mi \(204 MiB\)<\/strong><\/td><td>204Mi \(201 MiB\)<\/td><td>none<\/td>/);
    assert.ok(text.includes(rec.reference.krrSimple.rule) && text.includes(rec.reference.vpa.rule));
    assert.ok(text.includes(`The difference explained.</strong> ${rec.comparison}`));
  });

  it('draws a search chart and a scaling chart, after the run’s own charts', () => {
    assert.deepEqual(chartContainers(html), chartIds(data));
    assert.deepEqual(chartContainers(html).slice(-2), ['capacity-search', 'capacity-scaling']);
    assert.deepEqual(data, buildReportData(base.analysis, study));
  });

  it('puts the USL curve in the page as numbers from the formula, with knees, rates and the recommendation', () => {
    const scaling = data.capacity!.scaling!;
    const { alpha, beta, gamma } = rec.scaling!;
    assert.equal(scaling.replicas[0], 1);
    assert.equal(scaling.replicas.at(-1), rec.replicas + 2);
    assert.equal(scaling.curveLabel, 'USL fit');
    assert.equal(scaling.curve!.length, scaling.replicas.length);
    scaling.replicas.forEach((n, i) => assert.equal(scaling.curve![i], roundSignificant(uslThroughput(n, alpha, beta, gamma), 4)));
    assert.equal(scaling.curve![scaling.replicas.indexOf(2)], roundSignificant((gamma * 2) / (1 + alpha), 4));
    assert.equal(scaling.measured.length, 1);
    assert.equal(scaling.measured[0]![scaling.replicas.indexOf(1)], 157);
    assert.equal(scaling.measured[0]![scaling.replicas.indexOf(2)], 300);
    assert.equal(scaling.measured[0]!.filter((v) => v !== null).length, 2);
    assert.equal(scaling.requiredRps, 520);
    assert.equal(scaling.peakRps, 400);
    assert.equal(scaling.recommendedReplicas, 4);
  });

  it('puts every level in the search chart, sorted by rate, failures marked, with the SLO bound and knees', () => {
    const search = data.capacity!.search!;
    assert.deepEqual(search.rate, [...search.rate].sort((a, b) => a - b));
    assert.equal(search.metric, 'p99');
    assert.equal(search.sloMs, SLO_MS);
    assert.deepEqual(
      search.searches.map((s) => [s.label, s.kneeRps]),
      [
        ['1 replica', 157],
        ['2 replicas', 300],
      ],
    );
    study.searches.forEach((s, k) => {
      for (const level of s.search.levels) {
        const i = search.rate.indexOf(level.rate);
        assert.equal(search.searches[k]!.latency[i], roundSignificant(level.p99!, 4));
        assert.equal(search.searches[k]!.failed[i], level.passed ? null : roundSignificant(level.p99!, 4));
      }
      assert.equal(search.searches[k]!.latency.filter((v) => v !== null).length, s.search.levels.length);
    });
  });

  it('tabulates each search’s levels in the order they ran', () => {
    const tables = [...section.matchAll(/<table class="levels">([\s\S]*?)<\/table>/g)].map((m) => m[1]!);
    assert.equal(tables.length, 2);
    const rows = [...tables[0]!.matchAll(/<tr class="row-(pass|fail)">/g)].map((m) => m[1]);
    assert.deepEqual(rows, study.searches[0]!.search.levels.map((l) => (l.passed ? 'pass' : 'fail')));
    assert.match(text, /1 replica <small>· knee 157\/s · failed from 163\/s<\/small>/);
    assert.match(text, /2 replicas <small>results\/search-2\.ndjson<\/small>/);
    assert.ok(text.includes(study.searches[0]!.search.levels.find((l) => !l.passed)!.reason!));
  });

  it('states a verification that held', () => {
    assert.match(text, /<p class="verification verification-pass"><strong>verified: the SLO held at 4 replicas at peak 400\/s for 10 min<\/strong>/);
    assert.equal((section.match(/<span class="badge badge-info">info<\/span>/g) ?? []).length, 2);
  });
});

describe('capacity section, other studies', () => {
  it('shows the problem prominently when no recommendation could be made', () => {
    const study = buildSampleStudy({ recommendation: false, verification: 'none' });
    const { text, data, html } = render(study);
    assert.match(text, /<div class="capacity-problem" role="alert"><strong>No recommendation:<\/strong> no CPU or memory samples were collected/);
    assert.ok(!text.includes('<h3>Recommendation'));
    assert.ok(!text.includes('Beside usage-only recommenders'));
    assert.ok(!text.includes('Prediction vs outcome'));
    // Two searches still show how throughput went with replicas, without a curve.
    assert.deepEqual(chartContainers(html).slice(-2), ['capacity-search', 'capacity-scaling']);
    assert.equal(data.capacity!.scaling!.curve, null);
    assert.equal(data.capacity!.scaling!.recommendedReplicas, null);
    assert.equal(data.capacity!.scaling!.requiredRps, 520);
  });

  it('draws capacity as linear in replicas when the knees came from one replica count, and says so', () => {
    const study = buildSampleStudy({ replicas: [1], verification: 'none' });
    const rec = study.recommendation!;
    assert.equal(rec.scaling, null);
    const { text, data } = render(study);
    assert.match(text, /capacity was assumed linear in replicas \(157\/s per replica\)/);
    const scaling = data.capacity!.scaling!;
    assert.equal(scaling.curveLabel, 'linear (assumed)');
    scaling.replicas.forEach((n, i) => assert.equal(scaling.curve![i], roundSignificant(rec.perReplicaCapacityRps * n, 4)));
  });

  it('marks a tier that cannot reach the peak with a warning', () => {
    const study = buildSampleStudy({ verification: 'none' });
    const rec = study.recommendation!;
    const { text } = render({ ...study, recommendation: { ...rec, reachesPeak: false } });
    assert.match(text, /<strong>Does not reach the peak:<\/strong> no replica count is predicted to carry 520\/s; the most is 551\/s at 4 replica\(s\)/);
  });

  it('says NOT verified, in the gates’ fail styling, when a verification’s SLO check failed', () => {
    const { text, section } = render(buildSampleStudy({ verification: 'failed' }));
    assert.match(text, /<p class="verification verification-fail"><strong>NOT verified: the SLO did not hold at 4 replicas at peak 400\/s for 10 min \(failed: p99 latency\)<\/strong>/);
    assert.match(section, /<tr class="row-fail"><td><span class="badge badge-fail">fail<\/span><\/td><td>p99 latency<\/td><td>p99 ≤ 100 ms \(SLO\)<\/td><td>p99 184 ms<\/td><td>breached in 3 of 20 windows<\/td><\/tr>/);
    assert.match(section, /<tr class="row-pass"><td><span class="badge badge-pass">pass<\/span><\/td><td>error rate<\/td>/);
  });

  it('escapes hostile names, problems, sources and check names', () => {
    for (const options of [{ hostile: true }, { hostile: true, recommendation: false, verification: 'failed' as const }]) {
      const study = buildSampleStudy(options);
      const { section, text } = render(study);
      for (const tag of [/<img\b/i, /<svg\b/i, /<script\b/i, /\sonerror=/i, /\sonload=/i]) assert.doesNotMatch(section, tag);
      const places = [study.target, study.plan.slo, ...study.searches.map((s) => s.source), ...study.verification!.checks.map((c) => c.name), study.problem ?? study.target];
      for (const place of places) {
        if (/[<>"]/.test(place)) assert.ok(!section.includes(place), `${JSON.stringify(place)} appears unescaped`);
        assert.ok(decodeEntities(section).includes(place), `${JSON.stringify(place)} is not shown`);
      }
      assert.ok(text.includes('{{constructor.constructor('), 'template syntax in data must stay text');
      for (const s of HOSTILE_STRINGS.filter((x) => /[<>]/.test(x))) assert.ok(!section.includes(s));
    }
  });

  it('says there was no capacity plan, and how to get one, when the report has no study', () => {
    for (const capacity of [undefined, null]) {
      const { text, data, html } = render(capacity);
      assert.match(text, /No capacity search or plan was part of this run\. Add a <code>capacity:<\/code> section to the scenario, or .*<code>loadtest recommend <results\.\.\.> --peak <rate> --report <file><\/code>/);
      assert.equal(data.capacity, null);
      assert.ok(!chartContainers(html).some((id) => id.startsWith('capacity-')));
    }
    assert.equal(buildCapacityChartData(null), null);
  });

  it('adds a few tens of kilobytes to the report, not more', () => {
    const without = renderHtmlReport(base).length;
    const withStudy = renderHtmlReport({ ...base, capacity: buildSampleStudy() }).length;
    assert.ok(withStudy - without < 40_000, `${withStudy - without} bytes`);
  });
});
