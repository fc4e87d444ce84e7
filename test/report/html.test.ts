import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderReportHtml } from '../../src/report/html.ts';
import type { ReportInput } from '../../src/report/input.ts';
import { keptRows } from '../../src/report/kept-rows.ts';
import {
  attributedSummary,
  keptTrace,
  legacySummary,
  loadResults,
  requestEntry,
  resource,
  scenario,
  simpleRun,
  simpleSummary,
  summary,
  TRACE_A,
} from './documents.ts';

function embeddedData(html: string): {
  charts: { id: string; config: { data: { labels?: string[]; datasets: { label: string; data: unknown[] }[] } } }[];
} {
  const match = /<script type="application\/json" id="report-data">([\s\S]*?)<\/script>/.exec(html);
  assert.ok(match, 'the data script element exists');
  return JSON.parse(match[1]!);
}

function chart(html: string, suffix: string) {
  const found = embeddedData(html).charts.find((c) => c.id.endsWith(suffix));
  assert.ok(found, `a chart ending in ${suffix}`);
  return found;
}

const HOSTILE = '</script><script>alert(1)</script><!--';

describe('renderReportHtml', () => {
  it('is one self-contained document: Chart.js inline, no external resources, requests forbidden by CSP', () => {
    const html = renderReportHtml({ runs: [simpleRun()], jaegerReachable: true });
    assert.match(html, /^<!doctype html>/, 'an HTML document');
    assert.match(html, /Chart\.js v4\.\d+\.\d+/, 'the Chart.js bundle is inlined');
    assert.doesNotMatch(html, /<(script|img|link|iframe)[^>]+(src|href)=/i, 'no element loads anything');
    assert.doesNotMatch(html, /sourceMappingURL/, 'no source map reference');
    assert.match(html, /Content-Security-Policy" content="default-src 'none'/, 'a CSP forbids requests');
  });

  it('escapes span and scenario names, so a name cannot close the script element or inject markup', () => {
    const hostile = summary([
      { names: ['transcribe'], count: 2, meanMs: 5, selfMeanMs: 1, offsetMs: 0 },
      { names: ['transcribe', HOSTILE], count: 2, meanMs: 4, selfMeanMs: 4, offsetMs: 1 },
    ]);
    const html = renderReportHtml({
      runs: [{ label: '<b>run</b>', summary: hostile, load: loadResults([scenario(HOSTILE, 2)]) }],
      jaegerReachable: true,
    });
    assert.equal(html.match(/<\/script>/gi)?.length, 3, 'only the three script elements close');
    assert.doesNotMatch(html, /<script>alert/, 'no injected script element');
    assert.doesNotMatch(html, /<b>run<\/b>/, 'the label is escaped');
    assert.match(html, /&lt;\/script&gt;&lt;script&gt;alert\(1\)/, 'the name is shown as text in the tables');
    const labels = chart(html, '-typical').config.data.labels ?? [];
    assert.ok(
      labels.some((l) => l.includes(HOSTILE)),
      'the name survives the JSON round trip intact',
    );
  });

  it('puts every number with its unit in the tables', () => {
    const html = renderReportHtml({ runs: [simpleRun()], jaegerReachable: true });
    assert.match(html, /<td class="num">20\.0x realtime<\/td>/, 'throughput in x realtime');
    assert.match(html, /<td class="num">20\.0 req\/s<\/td>/, 'request rate in req/s');
    assert.match(html, /<td class="num">60\.0 ms<\/td>/, 'p99 latency in ms');
    assert.match(html, /<td class="num">10\.00 s<\/td>/, 'audio seconds in s');
  });

  it('draws stage time as self time that adds up to the request, with the client latency beside it', () => {
    const run = simpleRun('fused', {
      server_stages: {
        stages: [
          { name: 'transcribe', count: 4, errors: 0, total_ms: 48, mean_ms: 12, p50_ms: 12, p99_ms: 12 },
          { name: 'audio.decode', count: 4, errors: 0, total_ms: 4, mean_ms: 1, p50_ms: 1, p99_ms: 1 },
          { name: 'encoder', count: 4, errors: 0, total_ms: 32, mean_ms: 8, p50_ms: 8, p99_ms: 8 },
          { name: 'npu.kernel_execution', count: 4, errors: 0, total_ms: 20, mean_ms: 5, p50_ms: 5, p99_ms: 5 },
          { name: 'decoder', count: 4, errors: 0, total_ms: 12, mean_ms: 3, p50_ms: 3, p99_ms: 3 },
        ],
      },
    });
    const stages = chart(renderReportHtml({ runs: [run], jaegerReachable: true }), '-stages');
    assert.deepEqual(stages.config.data.labels, ['4x8 1s', 'whole run'], 'one bar per scenario and one for the run');
    const value = (label: string, bar: number): unknown =>
      stages.config.data.datasets.find((d) => d.label === label)?.data[bar];
    assert.equal(value('encoder (own time)', 0), 3, 'encoder minus its kernel: (32 - 20) / 4 requests');
    assert.equal(value('npu.kernel_execution', 0), 5, 'the kernel per request');
    assert.equal(value('transcribe (own time)', 0), 0, '12 - 1 - 8 - 3');
    assert.equal(value('client latency, mean', 0), 40, 'the client mean latency');
    assert.equal(value('encoder (own time)', 1), 2, 'whole run from the summary self time');
  });

  it('links the slowest traces to Jaeger and says how to start it when it was not reachable', () => {
    const input: ReportInput = {
      runs: [simpleRun()],
      jaegerUrl: 'http://jaeger.example:16686/',
      jaegerReachable: false,
    };
    const html = renderReportHtml(input);
    assert.ok(
      html.includes(`href="http://jaeger.example:16686/trace/${TRACE_A}"`),
      'a trace link with the configured base URL',
    );
    assert.match(
      html,
      /start Jaeger with <code>docker compose up jaeger<\/code> to open these/,
      'the hint is next to the links',
    );
    const reachable = renderReportHtml({ ...input, jaegerReachable: true });
    assert.doesNotMatch(reachable, /docker compose up jaeger/, 'no hint when Jaeger answered');
  });

  it('draws the slowest and a typical kept request exactly: every span at its start for its duration', () => {
    const run = { ...simpleRun(), summary: attributedSummary() };
    const html = renderReportHtml({ runs: [run], jaegerReachable: true });
    const slowest = chart(html, '-slowest');
    const kept = keptTrace();
    assert.equal(slowest.config.data.labels?.length, kept.spans.length, 'one bar per kept span');
    const bars = slowest.config.data.datasets[0]!.data as [number, number][];
    assert.deepEqual(
      bars,
      keptRows(kept).map((r) => [r.startMs, r.startMs + r.durationMs]),
      'each bar from its kept start to its kept end',
    );
    assert.deepEqual(bars[4], [31, 411], 'e.g. the queue wait: 380 ms from 31 ms');
    assert.doesNotMatch(html, /not kept|estimated/, 'nothing is estimated');
    assert.ok(html.includes(`/trace/${TRACE_A}`), 'the slowest trace is linked');
    const truncated = {
      ...attributedSummary(),
      requests: [requestEntry({ slowest: [{ ...kept, truncated_spans: 12 }] })],
    };
    assert.match(
      renderReportHtml({ runs: [{ ...run, summary: truncated }], jaegerReachable: true }),
      /12 more spans of this request were left out/,
      'a bounded trace says what it lacks',
    );
    const typical = chart(html, '-typical');
    assert.deepEqual(typical.config.data.datasets[0]!.data.at(0), [0, 90], 'the typical kept request, 90 ms');
  });

  it('explains the tail per scenario and for the run, and names the saturated resource', () => {
    const breakdown = {
      stages: [],
      requests: [requestEntry({ count: 100 })],
      resources: [resource('worker_pool', 4, 0.97, 3.1), resource('admission', 16, 0.3, 0)],
    };
    const run = { ...simpleRun('fused', { server_stages: breakdown }), summary: attributedSummary() };
    run.load.scaling_efficiency = 0.53;
    const html = renderReportHtml({ runs: [run], jaegerReachable: true });
    assert.match(html, /<h3>Why the tail is slow<\/h3>/, 'the panel');
    assert.equal(
      html.match(/p95\+ requests are \+412 ms: worker\.queue_wait \+380 ms \(92 %\)/g)?.length,
      2,
      'the tail line for the whole run and for the scenario',
    );
    const tail = chart(html, '-tail');
    assert.deepEqual(tail.config.data.labels, ['whole run', '4x8 1s'], 'one bar per view');
    assert.equal(
      tail.config.data.datasets.find((d) => d.label === 'worker.queue_wait')?.data[0],
      380,
      "the planted stage's extra time",
    );
    assert.match(
      html,
      /Throughput stops growing with streams \(scaling efficiency 0\.53\)\. At 4x8 1s: worker_pool saturates: utilization 97 %/,
      'the verdict names the pool',
    );
    assert.match(html, /measured 0\.97/, 'with the measured utilization beside the law');
  });

  it('renders documents without attribution or resources, and says plainly what it cannot show', () => {
    const html = renderReportHtml({ runs: [{ ...simpleRun(), summary: legacySummary() }], jaegerReachable: true });
    assert.match(html, /has no request attribution/, 'the tail panel says why it is empty');
    assert.match(html, /has no resource figures/, 'so does the resources panel');
    assert.match(
      html,
      /No waterfall of the slowest request: this span summary keeps no single requests/,
      'no estimated waterfall, a plain note',
    );
    assert.equal(
      embeddedData(html).charts.some((c) => c.id.endsWith('-slowest')),
      false,
      'no slowest chart',
    );
    assert.ok(chart(html, '-typical'), 'the typical request from the means still');
  });

  it('adds the comparison section only when two runs are given', () => {
    const one = renderReportHtml({ runs: [simpleRun()], jaegerReachable: true });
    assert.doesNotMatch(one, /id="comparison"/, 'no comparison for one run');
    const two = renderReportHtml({
      runs: [
        simpleRun('fused'),
        {
          label: 'matmul',
          summary: simpleSummary({ encoderMs: 9, kernelMs: 7 }),
          load: loadResults([scenario('4x8 1s', 4)]),
        },
      ],
      jaegerReachable: true,
    });
    assert.match(two, /id="comparison"/, 'a comparison section');
    assert.match(two, /fused → matmul: regressions in 3 stages/, 'the regressions are counted');
    assert.match(two, /<li><strong>encoder<\/strong>: time per request 6\.00 ms → 9\.00 ms \(\+50\.0%\)/, 'and listed');
    assert.ok(chart(two, 'compare-stages'), 'a stage comparison chart');
  });
});
