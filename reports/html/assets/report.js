// @ts-check
/* global uPlot */
// The report's charts: reads the embedded JSON, draws each [data-chart] container with uPlot, links
// hover and zoom across the time charts, marks faults and outages on them, and keeps them sized to
// their containers. Data only ever reaches the page as text (textContent, canvas text, uPlot's
// legend, which also uses textContent), never as markup.
(function () {
  'use strict';

  var TIME_SYNC_KEY = 'loadtest-time';
  var PALETTE = ['#0969da', '#cf222e', '#1a7f37', '#8250df', '#bc4c00', '#0a7b83', '#bf3989', '#6e7781', '#953800', '#116329'];
  var LATENCY_COLOURS = { p50: '#1a7f37', p90: '#0969da', p99: '#cf222e', max: '#8c959f' };
  var LIMIT_COLOUR = '#57606a';

  /** @type {{ ready: boolean, charts: number, expected: number, faultMarkers: number, errors: string[], readyAtMs: number | null }} */
  var state = { ready: false, charts: 0, expected: 0, faultMarkers: 0, errors: [], readyAtMs: null };

  var dataElement = document.getElementById('report-data');
  var data = JSON.parse((dataElement && dataElement.textContent) || '{}');
  var containers = Array.prototype.slice.call(document.querySelectorAll('[data-chart]'));
  state.expected = containers.length;

  // ---- formatting (axis ticks and legend values) ----

  function sig(v) {
    if (v == null || !isFinite(v)) return '—';
    var abs = Math.abs(v);
    if (abs >= 100 || Number.isInteger(v)) return Math.round(v).toLocaleString('en-US');
    return String(Number(v.toPrecision(3)));
  }
  function ms(v) {
    if (v == null) return '—';
    return Math.abs(v) >= 1000 ? sig(v / 1000) + ' s' : sig(v) + ' ms';
  }
  function clock(v) {
    if (v == null || !isFinite(v)) return '—';
    var total = Math.round(Math.abs(v));
    var h = Math.floor(total / 3600);
    var m = Math.floor((total % 3600) / 60);
    var s = total % 60;
    var mm = h > 0 ? String(m).padStart(2, '0') : String(m);
    return (v < 0 ? '−' : '') + (h > 0 ? h + ':' : '') + mm + ':' + String(s).padStart(2, '0');
  }
  function mib(v) {
    if (v == null) return '—';
    return Math.abs(v) >= 1024 ? sig(v / 1024) + ' GiB' : sig(v) + ' MiB';
  }
  function pct(v) {
    return v == null ? '—' : sig(v) + '%';
  }
  function perSecond(v) {
    return v == null ? '—' : sig(v) + '/s';
  }
  function percentileOf(x) {
    // x is log10(1 / (1 − p)): back to a percentile with as many decimals as its nines need.
    var p = 100 * (1 - Math.pow(10, -x));
    var decimals = Math.max(0, Math.min(4, Math.ceil(x) - 2));
    return String(Number(p.toFixed(decimals)));
  }

  function ticks(format) {
    return function (_u, splits) {
      return splits.map(format);
    };
  }
  function legendValue(format) {
    return function (_u, v) {
      return format(v);
    };
  }

  // ---- annotations ----

  /** Faults on a time chart: a band while in force, red bands for outages, a dashed line and label at each start. */
  function faultPlugin(faults) {
    var drawn = 0;
    return {
      markers: function () {
        return drawn;
      },
      plugin: {
        hooks: {
          drawClear: [
            function (u) {
              var ctx = u.ctx;
              var box = u.bbox;
              ctx.save();
              ctx.beginPath();
              ctx.rect(box.left, box.top, box.width, box.height);
              ctx.clip();
              faults.forEach(function (fault) {
                var end = fault.endS == null ? u.scales.x.max : fault.endS;
                shade(u, fault.startS, end, 'rgba(253, 140, 0, 0.10)');
                fault.outages.forEach(function (o) {
                  shade(u, o[0], o[1], 'rgba(207, 34, 46, 0.22)');
                });
              });
              ctx.restore();
            },
          ],
          draw: [
            function (u) {
              var ctx = u.ctx;
              var box = u.bbox;
              var ratio = uPlot.pxRatio;
              drawn = 0;
              ctx.save();
              ctx.beginPath();
              ctx.rect(box.left, box.top, box.width, box.height);
              ctx.clip();
              ctx.font = 11 * ratio + 'px system-ui, sans-serif';
              // uPlot leaves its axis text settings on the context.
              ctx.textAlign = 'left';
              ctx.textBaseline = 'alphabetic';
              faults.forEach(function (fault, i) {
                var x = u.valToPos(fault.startS, 'x', true);
                if (x < box.left - 1 || x > box.left + box.width + 1) return;
                ctx.strokeStyle = '#fd8c00';
                ctx.lineWidth = 1.5 * ratio;
                ctx.setLineDash([5 * ratio, 3 * ratio]);
                ctx.beginPath();
                ctx.moveTo(x, box.top);
                ctx.lineTo(x, box.top + box.height);
                ctx.stroke();
                ctx.setLineDash([]);
                ctx.fillStyle = '#9a4d00';
                // Narrow charts get the key alone (the list under the timeline spells it out).
                var key = 'F' + (i + 1);
                var text = box.width / ratio < 600 ? key : key + ' ' + (fault.label.length > 28 ? fault.label.slice(0, 27) + '…' : fault.label);
                var ty = box.top + (12 + 13 * (i % 3)) * ratio;
                // A white halo keeps the label legible over the series.
                ctx.strokeStyle = 'rgba(255, 255, 255, 0.9)';
                ctx.lineWidth = 3 * ratio;
                ctx.strokeText(text, x + 4 * ratio, ty);
                ctx.fillText(text, x + 4 * ratio, ty);
                drawn++;
              });
              ctx.restore();
            },
          ],
        },
      },
    };
  }

  function shade(u, from, to, colour) {
    var x0 = u.valToPos(from, 'x', true);
    var x1 = u.valToPos(to, 'x', true);
    u.ctx.fillStyle = colour;
    u.ctx.fillRect(x0, u.bbox.top, Math.max(x1 - x0, uPlot.pxRatio), u.bbox.height);
  }

  /** The knee on the latency–throughput chart: a ringed point and its throughput. */
  function kneePlugin(knee) {
    return {
      hooks: {
        draw: [
          function (u) {
            var ctx = u.ctx;
            var ratio = uPlot.pxRatio;
            var x = u.valToPos(knee.rps, 'x', true);
            var y = u.valToPos(knee.p99Ms, 'y', true);
            ctx.save();
            ctx.strokeStyle = '#8250df';
            ctx.fillStyle = '#8250df';
            ctx.lineWidth = 2 * ratio;
            ctx.beginPath();
            ctx.arc(x, y, 6 * ratio, 0, 2 * Math.PI);
            ctx.stroke();
            ctx.font = 'bold ' + 12 * ratio + 'px system-ui, sans-serif';
            ctx.textAlign = 'left';
            ctx.textBaseline = 'alphabetic';
            var label = 'knee ' + sig(knee.rps) + '/s, p99 ' + ms(knee.p99Ms);
            var width = ctx.measureText(label).width;
            var tx = x + 10 * ratio + width > u.bbox.left + u.bbox.width ? x - 10 * ratio - width : x + 10 * ratio;
            ctx.fillText(label, tx, Math.max(u.bbox.top + 12 * ratio, y - 8 * ratio));
            ctx.restore();
          },
        ],
      },
    };
  }

  // ---- linked zoom: a change of the x range on one time chart is applied to all of them ----

  var timeCharts = [];
  var propagating = false;
  function propagateX(u, key) {
    if (key !== 'x' || propagating) return;
    var min = u.scales.x.min;
    var max = u.scales.x.max;
    propagating = true;
    try {
      timeCharts.forEach(function (other) {
        if (other !== u && (other.scales.x.min !== min || other.scales.x.max !== max)) other.setScale('x', { min: min, max: max });
      });
    } finally {
      propagating = false;
    }
  }

  // ---- chart specs: [options, data] per chart id ----

  var faultMarkers = [];

  function timeOptions(yFormat, series, extraPlugins) {
    var faults = faultPlugin(data.faults || []);
    faultMarkers.push(faults);
    return {
      height: 220,
      scales: { x: { time: false } },
      cursor: { sync: { key: TIME_SYNC_KEY }, drag: { x: true, y: false } },
      legend: { live: true },
      series: [{ label: 't', value: legendValue(clock) }].concat(series),
      axes: [
        { values: ticks(clock), space: 70 },
        { values: ticks(yFormat), size: 70 },
      ],
      plugins: [faults.plugin].concat(extraPlugins || []),
      hooks: { setScale: [propagateX] },
    };
  }

  function line(label, colour, format, extra) {
    var s = { label: label, stroke: colour, width: 1.5, value: legendValue(format), spanGaps: false };
    if (extra) for (var k in extra) s[k] = extra[k];
    return s;
  }

  function limitSeries(label, format) {
    return line(label, LIMIT_COLOUR, format, { dash: [6, 4], width: 1.25 });
  }

  function constant(value, length) {
    var out = new Array(length);
    for (var i = 0; i < length; i++) out[i] = value;
    return out;
  }

  function resourceSpec(target, metric) {
    var format = metric === 'cpuCores' ? sig : metric === 'throttledPct' ? pct : mib;
    var values = target[metric];
    var series = target.replicas.map(function (replica, i) {
      return line(replica, PALETTE[i % PALETTE.length], format);
    });
    var columns = [data.t].concat(values);
    var limit = metric === 'cpuCores' ? target.limits.cpuCores : metric === 'workingSetMiB' ? target.limits.memoryMiB : null;
    if (limit != null) {
      series.push(limitSeries('limit', format));
      columns.push(constant(limit, data.t.length));
    }
    var opts = timeOptions(format, series);
    opts.height = 180;
    return [opts, columns];
  }

  function spec(id) {
    var lat = data.latency;
    var traffic = data.traffic;
    if (id === 'latency') {
      return [
        timeOptions(ms, [
          line('p50', LATENCY_COLOURS.p50, ms),
          line('p90', LATENCY_COLOURS.p90, ms),
          line('p99', LATENCY_COLOURS.p99, ms),
          line('max', LATENCY_COLOURS.max, ms, { dash: [2, 3] }),
        ]),
        [data.t, lat.p50, lat.p90, lat.p99, lat.max],
      ];
    }
    if (id === 'traffic') {
      var series = [line('requests/s', PALETTE[0], perSecond, { fill: 'rgba(9, 105, 218, 0.08)' }), line('errors/s', PALETTE[1], perSecond)];
      var columns = [data.t, traffic.rps, traffic.errorsPerS];
      if (traffic.droppedPerS) {
        series.push(line('dropped/s', PALETTE[4], perSecond, { dash: [4, 3] }));
        columns.push(traffic.droppedPerS);
      }
      return [timeOptions(perSecond, series), columns];
    }
    if (id === 'steps') {
      return [
        timeOptions(
          ms,
          data.steps.map(function (step, i) {
            return line(step.name, PALETTE[i % PALETTE.length], ms);
          }),
        ),
        [data.t].concat(
          data.steps.map(function (step) {
            return step.p95;
          }),
        ),
      ];
    }
    var resource = /^(cpu|throttled|memory)-(\d+)$/.exec(id);
    if (resource) {
      var target = data.resources[Number(resource[2])];
      var metric = resource[1] === 'cpu' ? 'cpuCores' : resource[1] === 'throttled' ? 'throttledPct' : 'workingSetMiB';
      return resourceSpec(target, metric);
    }
    if (id === 'throughput') return throughputSpec();
    if (id === 'distribution') return distributionSpec();
    if (id === 'capacity-search') return capacitySearchSpec();
    if (id === 'capacity-scaling') return capacityScalingSpec();
    throw new Error('unknown chart ' + id);
  }

  function throughputSpec() {
    var tp = data.throughput;
    var points = { show: true, size: 5 };
    return [
      {
        height: 260,
        scales: { x: { time: false } },
        cursor: { drag: { x: true, y: false } },
        series: [
          { label: 'throughput', value: legendValue(perSecond) },
          line('p50', LATENCY_COLOURS.p50, ms, { points: points }),
          line('p99', LATENCY_COLOURS.p99, ms, { points: points }),
        ],
        axes: [
          { values: ticks(perSecond), space: 70 },
          { values: ticks(ms), size: 70 },
        ],
        plugins: tp.knee ? [kneePlugin(tp.knee)] : [],
      },
      [tp.rps, tp.p50, tp.p99],
    ];
  }

  var SPECTRUM_TICKS = [Math.log10(2), 1, 2, 3, 4, 5, 6];

  function distributionSpec() {
    var d = data.distribution;
    var x = d.percentile.map(function (p) {
      return -Math.log10(1 - p / 100);
    });
    return [
      {
        height: 260,
        scales: { x: { time: false, range: function (_u, _min, max) { return [0, Math.max(max, 2)]; } } },
        cursor: { drag: { x: true, y: false } },
        series: [
          { label: 'percentile', value: function (_u, v) { return v == null ? '—' : percentileOf(v); } },
          line('latency', PALETTE[0], ms, { fill: 'rgba(9, 105, 218, 0.08)' }),
        ],
        axes: [
          {
            splits: function (_u, _i, min, max) {
              return SPECTRUM_TICKS.filter(function (v) {
                return v >= min && v <= max;
              });
            },
            values: ticks(percentileOf),
            label: 'percentile',
          },
          { values: ticks(ms), size: 70 },
        ],
      },
      [x, d.ms],
    ];
  }

  // ---- the capacity section: searches (latency against the rate offered) and scaling (knees against replicas) ----

  // Red is kept for failure, so the searches' own colours leave it out.
  var SEARCH_COLOURS = ['#0969da', '#1a7f37', '#8250df', '#bc4c00', '#0a7b83', '#bf3989', '#6e7781', '#953800'];
  var FAIL_COLOUR = '#cf222e';
  var NO_POINTS = { show: false };

  function noPath() {
    return null;
  }

  /** Dotted vertical lines at x values, each labelled at the top (labels stacked so they do not overlap). */
  function verticalMarkers(marks) {
    return {
      hooks: {
        draw: [
          function (u) {
            var ctx = u.ctx;
            var box = u.bbox;
            var ratio = uPlot.pxRatio;
            ctx.save();
            ctx.font = 11 * ratio + 'px system-ui, sans-serif';
            ctx.textAlign = 'left';
            ctx.textBaseline = 'alphabetic';
            marks.forEach(function (mark, i) {
              var x = u.valToPos(mark.x, 'x', true);
              if (!isFinite(x) || x < box.left - 1 || x > box.left + box.width + 1) return;
              ctx.strokeStyle = mark.colour;
              ctx.lineWidth = 1.5 * ratio;
              ctx.setLineDash([2 * ratio, 3 * ratio]);
              ctx.beginPath();
              ctx.moveTo(x, box.top);
              ctx.lineTo(x, box.top + box.height);
              ctx.stroke();
              ctx.setLineDash([]);
              var width = ctx.measureText(mark.label).width;
              var tx = x + 4 * ratio + width > box.left + box.width ? x - 4 * ratio - width : x + 4 * ratio;
              var ty = box.top + (12 + 13 * (i % 4)) * ratio;
              ctx.strokeStyle = 'rgba(255, 255, 255, 0.9)';
              ctx.lineWidth = 3 * ratio;
              ctx.strokeText(mark.label, tx, ty);
              ctx.fillStyle = mark.colour;
              ctx.fillText(mark.label, tx, ty);
            });
            ctx.restore();
          },
        ],
      },
    };
  }

  function capacitySearchSpec() {
    var c = data.capacity.search;
    var series = [{ label: 'offered', value: legendValue(perSecond) }];
    var columns = [c.rate];
    var knees = [];
    c.searches.forEach(function (s, i) {
      var colour = SEARCH_COLOURS[i % SEARCH_COLOURS.length];
      series.push(line(s.label, colour, ms, { spanGaps: true, points: { show: true, size: 6, fill: colour } }));
      columns.push(s.latency);
      if (s.kneeRps != null) knees.push({ x: s.kneeRps, colour: colour, label: 'knee ' + s.label + ': ' + perSecond(s.kneeRps) });
    });
    c.searches.forEach(function (s) {
      series.push(line('failed, ' + s.label, FAIL_COLOUR, ms, { paths: noPath, points: { show: true, size: 12, width: 2, stroke: FAIL_COLOUR, fill: 'rgba(255, 255, 255, 0)' } }));
      columns.push(s.failed);
    });
    if (c.sloMs != null) {
      series.push(line('SLO ' + c.metric + ' bound', FAIL_COLOUR, ms, { dash: [6, 4], width: 1.25, points: NO_POINTS }));
      columns.push(constant(c.sloMs, c.rate.length));
    }
    return [
      {
        height: 280,
        scales: { x: { time: false }, y: { distr: 3 } },
        cursor: { drag: { x: true, y: false } },
        series: series,
        axes: [
          { values: ticks(perSecond), space: 70 },
          { values: ticks(ms), size: 70 },
        ],
        plugins: [verticalMarkers(knees)],
      },
      columns,
    ];
  }

  function capacityScalingSpec() {
    var c = data.capacity.scaling;
    var n = c.replicas.length;
    var series = [{ label: 'replicas', value: legendValue(sig) }];
    var columns = [c.replicas];
    if (c.curve) {
      series.push(line(c.curveLabel, PALETTE[3], perSecond, { width: 2, points: NO_POINTS }));
      columns.push(c.curve);
    }
    c.measured.forEach(function (column, i) {
      series.push(line(i === 0 ? 'measured knee' : 'measured knee, repeat ' + i, PALETTE[0], perSecond, { paths: noPath, points: { show: true, size: 9, fill: PALETTE[0] } }));
      columns.push(column);
    });
    series.push(line('required (peak + headroom)', FAIL_COLOUR, perSecond, { dash: [6, 4], width: 1.25, points: NO_POINTS }));
    columns.push(constant(c.requiredRps, n));
    series.push(line('peak', LIMIT_COLOUR, perSecond, { dash: [2, 3], width: 1.25, points: NO_POINTS }));
    columns.push(constant(c.peakRps, n));
    var marks = c.recommendedReplicas == null ? [] : [{ x: c.recommendedReplicas, colour: PALETTE[2], label: 'recommended: ' + c.recommendedReplicas }];
    return [
      {
        height: 280,
        scales: {
          x: { time: false },
          y: {
            range: function (_u, _min, max) {
              return [0, max > 0 ? max * 1.08 : 1];
            },
          },
        },
        cursor: { drag: { x: true, y: false } },
        series: series,
        axes: [
          { values: ticks(sig), incrs: [1, 2, 4, 5, 10, 20, 50, 100], label: 'replicas', space: 40 },
          { values: ticks(perSecond), size: 70 },
        ],
        plugins: [verticalMarkers(marks)],
      },
      columns,
    ];
  }

  // ---- drawing, readiness, sizing ----

  var charts = [];
  var drawnOnce = new Set();
  var created = false;

  function publish() {
    state.charts = drawnOnce.size;
    state.faultMarkers = faultMarkers.reduce(function (sum, f) {
      return sum + f.markers();
    }, 0);
    if (!state.ready && created && drawnOnce.size === charts.length) {
      state.ready = true;
      // Since navigation started: what opening the report costs a reader.
      state.readyAtMs = Math.round(performance.now());
    }
    window.__loadtestReport = state;
  }

  function draw(container) {
    var id = container.getAttribute('data-chart');
    var pair = spec(id);
    var opts = pair[0];
    opts.width = Math.max(200, container.clientWidth);
    opts.hooks = opts.hooks || {};
    opts.hooks.draw = (opts.hooks.draw || []).concat([
      function (u) {
        drawnOnce.add(u);
        publish();
      },
    ]);
    var chart = new uPlot(opts, pair[1], container);
    charts.push({ chart: chart, container: container, height: opts.height });
    if (opts.cursor && opts.cursor.sync) timeCharts.push(chart);
  }

  containers.forEach(function (container) {
    try {
      draw(container);
    } catch (error) {
      state.errors.push(String(error));
      console.error('chart ' + container.getAttribute('data-chart') + ' could not be drawn:', error);
    }
  });
  created = true;
  publish();

  function fit(width) {
    charts.forEach(function (c) {
      var w = width || Math.max(200, c.container.clientWidth);
      if (w !== c.chart.width) c.chart.setSize({ width: w, height: c.height });
    });
  }

  var pending = 0;
  function refit() {
    if (pending) return;
    pending = requestAnimationFrame(function () {
      pending = 0;
      fit(0);
    });
  }
  if (typeof ResizeObserver === 'function') {
    var observer = new ResizeObserver(refit);
    containers.forEach(function (c) {
      observer.observe(c);
    });
  }
  window.addEventListener('resize', refit);
  // Printed pages are narrower than the screen: draw for the page, then restore.
  window.addEventListener('beforeprint', function () {
    fit(680);
  });
  window.addEventListener('afterprint', function () {
    fit(0);
  });
})();
