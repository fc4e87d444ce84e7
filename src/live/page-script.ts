/**
 * The live page's own script: connects to the event stream, and on every snapshot redraws the
 * numbers, tables and the last minute's two SVG charts. Every text goes in through textContent,
 * never markup, so span names cannot inject anything. Plain ES2017, no modules.
 *
 * EventSource reconnects by itself when a stream ends or breaks; it gives up only when an answer
 * is not a stream (a 503 from a draining or full server), and then the script opens a new one
 * after a pause, so the page outlives the service restarting.
 */
export const LIVE_SCRIPT = `(function () {
  'use strict';
  var WINDOW_S = 60;
  var REOPEN_MS = 2000;
  var root = document.documentElement;
  var received = 0;
  function $(id) { return document.getElementById(id); }
  function number(v, digits) {
    if (typeof v !== 'number' || !isFinite(v)) return '–';
    if (digits !== undefined) return v.toFixed(digits);
    var a = Math.abs(v);
    return v.toFixed(a === 0 ? 0 : a < 1 ? 3 : a < 10 ? 2 : a < 1000 ? 1 : 0);
  }
  function percent(v) { return typeof v === 'number' && isFinite(v) ? (100 * v).toFixed(1) + ' %' : '–'; }
  function cell(row, text, numeric) {
    var td = document.createElement('td');
    td.textContent = text;
    if (numeric) td.className = 'num';
    row.appendChild(td);
    return td;
  }
  function bar(row, share, text) {
    var td = cell(row, '', true);
    var span = document.createElement('span');
    span.className = 'share-bar';
    span.style.width = Math.round(80 * Math.max(0, Math.min(1, share || 0))) + 'px';
    td.appendChild(span);
    td.appendChild(document.createTextNode(' ' + text));
  }
  function fill(id, rows, make) {
    var body = $(id);
    while (body.firstChild) body.removeChild(body.firstChild);
    rows.forEach(function (item) {
      var row = document.createElement('tr');
      make(row, item);
      body.appendChild(row);
    });
  }
  function setStatus(text, state) {
    var el = $('status');
    el.textContent = text;
    el.className = 'status ' + state;
    root.setAttribute('data-connection', state);
  }

  var SVG = 'http://www.w3.org/2000/svg';
  function svgChild(svg, name, attributes) {
    var el = document.createElementNS(SVG, name);
    Object.keys(attributes).forEach(function (k) { el.setAttribute(k, String(attributes[k])); });
    svg.appendChild(el);
    return el;
  }
  function niceMax(v) {
    if (!(v > 0)) return 1;
    var p = Math.pow(10, Math.floor(Math.log10(v)));
    var m = v / p;
    return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
  }
  // Plots per-point values against time over the last minute: bars for one series, lines for the others.
  function chart(id, series, now, lines, unit) {
    var svg = $(id);
    while (svg.firstChild) svg.removeChild(svg.firstChild);
    var W = 600, H = 170, L = 48, R = 8, T = 8, B = 22;
    var top = 0;
    lines.forEach(function (line) { series.forEach(function (p) { var v = line.value(p); if (v > top) top = v; }); });
    top = niceMax(top);
    var x = function (t) { return L + (W - L - R) * (1 - (now - t) / (WINDOW_S * 1000)); };
    var y = function (v) { return T + (H - T - B) * (1 - v / top); };
    [0, 0.5, 1].forEach(function (f) {
      svgChild(svg, 'line', { x1: L, x2: W - R, y1: y(top * f), y2: y(top * f), class: 'grid' });
      svgChild(svg, 'text', { x: L - 4, y: y(top * f) + 4, 'text-anchor': 'end', class: 'axis' }).textContent = String(Number((top * f).toPrecision(3)));
    });
    svgChild(svg, 'text', { x: L + 4, y: T + 12, class: 'axis' }).textContent = unit;
    [60, 30, 0].forEach(function (s) {
      svgChild(svg, 'text', { x: x(now - s * 1000), y: H - 6, 'text-anchor': s === 60 ? 'start' : s === 0 ? 'end' : 'middle', class: 'axis' }).textContent = s === 0 ? 'now' : '-' + s + ' s';
    });
    lines.forEach(function (line) {
      if (line.bars) {
        series.forEach(function (p) {
          var v = line.value(p);
          if (!(v > 0)) return;
          var w = Math.max(1, (W - L - R) * p.interval_ms / (WINDOW_S * 1000) - 1);
          svgChild(svg, 'rect', { x: x(p.t) - w, y: y(v), width: w, height: y(0) - y(v), class: line.cls });
        });
        return;
      }
      var points = series.filter(function (p) { return line.value(p) !== null; })
        .map(function (p) { return x(p.t).toFixed(1) + ',' + y(line.value(p)).toFixed(1); });
      if (points.length > 1) svgChild(svg, 'polyline', { points: points.join(' '), class: line.cls });
      points.forEach(function (xy) {
        var at = xy.split(',');
        svgChild(svg, 'circle', { cx: at[0], cy: at[1], r: 2, class: line.cls + ' dot' });
      });
    });
  }

  function lastSeconds(series, n) {
    var recent = series.slice(-n);
    var requests = 0, ms = 0;
    recent.forEach(function (p) { requests += p.requests; ms += p.interval_ms; });
    return ms > 0 ? requests / (ms / 1000) : null;
  }

  function draw(s) {
    received += 1;
    var total = s.requests.reduce(function (n, r) { return n + r.count; }, 0);
    root.setAttribute('data-snapshots', String(received));
    root.setAttribute('data-requests', String(total));
    root.setAttribute('data-generated-at', s.generated_at);
    document.title = s.service + ' – live';
    $('service').textContent = s.service;
    $('updated').textContent = s.generated_at.replace('T', ' ').replace(/\\.\\d+Z$/, ' UTC');
    $('since').textContent = s.window_start.replace('T', ' ').replace(/\\.\\d+Z$/, ' UTC');
    $('total').textContent = String(total);
    $('dropped').textContent = String(s.dropped_spans);
    var last = s.series[s.series.length - 1];
    $('rps').textContent = number(lastSeconds(s.series, 5), 1);
    $('p50').textContent = last ? number(last.p50_ms) : '–';
    $('p99').textContent = last ? number(last.p99_ms) : '–';
    var now = Date.parse(s.generated_at);
    chart('throughput', s.series, now, [{ bars: true, cls: 'rps', value: function (p) { return p.requests / (p.interval_ms / 1000); } }], 'req/s');
    chart('latency', s.series, now, [
      { cls: 'p50', value: function (p) { return p.p50_ms; } },
      { cls: 'p99', value: function (p) { return p.p99_ms; } }
    ], 'ms');
    fill('requests-body', s.requests, function (row, r) {
      cell(row, r.root);
      cell(row, String(r.count), true);
      cell(row, number(r.unattributed_ms.p50) + ' / ' + number(r.unattributed_ms.p99), true);
      cell(row, percent(r.unattributed_share.p50) + ' / ' + percent(r.unattributed_share.p99), true);
      cell(row, number(r.tail.slow_threshold_ms), true);
      cell(row, r.tail.slow_count + ' vs ' + r.tail.baseline_count, true);
      cell(row, r.tail.stages.slice(0, 3).map(function (t) { return t.name + ' ' + percent(t.share); }).join(', ') || '–').className = 'wrap';
    });
    fill('resources-body', s.resources, function (row, r) {
      cell(row, r.name);
      cell(row, String(r.capacity), true);
      bar(row, r.utilization_recent, percent(r.utilization_recent));
      cell(row, percent(r.utilization), true);
      cell(row, r.in_use + ' / ' + r.queued, true);
      cell(row, number(r.queue_mean) + ' / ' + r.queue_max, true);
    });
    fill('stages-body', s.stages, function (row, t) {
      cell(row, t.name);
      cell(row, String(t.count), true);
      cell(row, number(t.p50_ms), true);
      cell(row, number(t.p90_ms), true);
      cell(row, number(t.p99_ms), true);
      cell(row, number(t.max_ms), true);
      cell(row, number(t.self_mean_ms), true);
      bar(row, t.self_share, percent(t.self_share));
    });
  }

  var key = new URLSearchParams(location.search).get('key');
  var url = 'v1/events' + (key ? '?key=' + encodeURIComponent(key) : '');
  function connect() {
    setStatus('connecting', 'connecting');
    var source = new EventSource(url);
    source.addEventListener('open', function () { setStatus('live', 'live'); });
    source.addEventListener('snapshot', function (event) {
      setStatus('live', 'live');
      draw(JSON.parse(event.data));
    });
    source.addEventListener('error', function () {
      if (source.readyState === EventSource.CLOSED) {
        setStatus('reconnecting', 'reconnecting');
        setTimeout(connect, REOPEN_MS);
      } else {
        setStatus('reconnecting', 'reconnecting');
      }
    });
  }
  connect();
})();
`;
