import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderReportHtml } from '../../src/report/html.ts';
import { NEEDS_LOAD, NEEDS_SPANS, withCode } from '../../src/report/needs.ts';
import { renderTerminalReport } from '../../src/report/terminal-profile.ts';
import { attributedSummary, loadResults, scenario, simpleRun } from './documents.ts';

/** The ids of the charts the page will draw. */
function chartIds(html: string): string[] {
  const match = /<script type="application\/json" id="report-data">([\s\S]*?)<\/script>/.exec(html);
  assert.ok(match, 'the data script element exists');
  return (JSON.parse(match[1]!) as { charts: { id: string }[] }).charts.map((c) => c.id);
}

function count(text: string, part: string): number {
  return text.split(part).length - 1;
}

const loadOnly = { label: 'external', load: loadResults([scenario('4x8 1s', 4), scenario('8x16 1s', 8)]) };
const spansOnly = { label: 'collect', summary: attributedSummary() };

describe('a report of one document', () => {
  it('from load results alone draws the load charts and says what every span panel needs', () => {
    const html = renderReportHtml({ runs: [loadOnly], jaegerReachable: true });
    assert.deepEqual(
      chartIds(html),
      ['chart-run0-latency', 'chart-run0-throughput', 'chart-run0-scaling'],
      'the latency, throughput and scaling charts, nothing drawn from spans',
    );
    // Tail and resources panels, the stage chart and the two waterfalls.
    assert.equal(count(html, withCode(NEEDS_SPANS)), 5, 'five panels say they need the span summary');
    assert.doesNotMatch(html, /written by a version that did not/, 'no note blaming an old span summary');
    assert.match(html, /<dt>span summary<\/dt><dd><span class="muted">none given/, 'the facts say there is none');
    assert.match(html, /<h3>Scenarios<\/h3><table>/, 'the scenario table is there');
  });

  it('from a span summary alone draws the span charts and says what every load panel needs', () => {
    const html = renderReportHtml({ runs: [spansOnly], jaegerReachable: true });
    const ids = chartIds(html);
    for (const suffix of ['-tail', '-typical', '-slowest'])
      assert.ok(
        ids.some((id) => id.endsWith(suffix)),
        `the ${suffix.slice(1)} chart is drawn (${ids.join(', ')})`,
      );
    assert.ok(!ids.some((id) => /-(latency|throughput|scaling)$/.test(id)), 'no chart drawn from load results');
    // The scenario table, the slowest client requests, the latency and throughput charts.
    assert.equal(count(html, withCode(NEEDS_LOAD)), 4, 'four panels say they need load results');
    assert.doesNotMatch(html, /No scaling chart/, 'no note about stream counts there are none of');
  });

  it('compares what every run has: scenarios from load results, stages only with every span summary', () => {
    const html = renderReportHtml({ runs: [simpleRun(), loadOnly], jaegerReachable: true });
    assert.match(html, /id="comparison"/, 'the comparison section is there');
    assert.match(
      html,
      /No table of changes: .*needs a span summary and load results for every run\. The charts below compare what every run has\./,
      'saying why there is no table of changes',
    );
    assert.deepEqual(
      chartIds(html).filter((id) => id.startsWith('chart-compare')),
      ['chart-compare-throughput', 'chart-compare-latency'],
      'throughput and p99 side by side, no stage comparison',
    );
    const apart = renderReportHtml({ runs: [loadOnly, spansOnly], jaegerReachable: true });
    assert.ok(!chartIds(apart).some((id) => id.startsWith('chart-compare')), 'nothing in common, nothing compared');
    assert.doesNotMatch(apart, /The charts below/, 'and no charts promised');
  });

  it('in the terminal, says the same in place of each missing part', () => {
    const options = { width: 100, color: false };
    const load = renderTerminalReport({ runs: [loadOnly], jaegerReachable: true }, options);
    assert.match(load, /^run external: .*, 2 scenarios, no span summary$/m, 'the heading names what is missing');
    assert.match(load, /^4x8 1s +4 streams/m, 'the scenario table is there');
    assert.ok(load.includes(`why the tail is slow: ${NEEDS_SPANS}`), 'the tail says what it needs');
    assert.ok(load.includes(`where time goes: ${NEEDS_SPANS}`), 'so does where time goes');
    const spans = renderTerminalReport({ runs: [spansOnly], jaegerReachable: true }, options);
    assert.match(spans, /^run collect: no load results, service /m, 'the heading names what is missing');
    assert.ok(spans.includes(`scenarios: ${NEEDS_LOAD}`), 'the scenario table says what it needs');
    assert.match(spans, /^ {2}POST \/v1\/audio\/transcriptions \(200 requests\): p95\+/m, 'the tail line is there');
  });
});
