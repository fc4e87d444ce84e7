/**
 * The page's own script: reads the chart specifications from the embedded JSON, gives every
 * tooltip its unit, and draws each chart with the inlined Chart.js. Plain ES2017, no modules.
 */
export const CLIENT_SCRIPT = `(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('report-data').textContent);
  function number(v) {
    if (typeof v !== 'number' || !isFinite(v)) return '–';
    var a = Math.abs(v);
    return v.toFixed(a === 0 ? 0 : a < 1 ? 3 : a < 10 ? 2 : a < 1000 ? 1 : 0);
  }
  function describe(spec, context) {
    var unit = spec.units[context.datasetIndex] || '';
    var raw = context.raw;
    var name = context.dataset.label;
    if (Array.isArray(raw)) return name + ': ' + number(raw[1] - raw[0]) + ' ' + unit + ', from ' + number(raw[0]) + ' to ' + number(raw[1]) + ' ' + unit;
    if (raw && typeof raw === 'object') return name + ': ' + number(raw.y) + ' ' + unit + ' at ' + raw.x + ' ' + (spec.xUnit || '');
    return name + ': ' + number(raw) + ' ' + unit;
  }
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  Chart.defaults.color = '#1f2937';
  var drawn = 0;
  data.charts.forEach(function (spec) {
    var canvas = document.getElementById(spec.id);
    if (!canvas) return;
    var options = spec.config.options;
    options.plugins = options.plugins || {};
    options.plugins.tooltip = { callbacks: { label: function (context) { return describe(spec, context); } } };
    new Chart(canvas, spec.config);
    drawn += 1;
  });
  document.documentElement.setAttribute('data-charts-drawn', String(drawn));
})();
`;
