import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Compared, compareRuns, renderComparison } from '../../src/report/compare.ts';
import { loadResults, scenario, simpleSummary } from './documents.ts';

const ESC = String.fromCharCode(27);

function find(list: Compared[], name: string, metric: string) {
  const compared = list.find((c) => c.name === name);
  assert.ok(compared, `${name} is compared (have ${list.map((c) => c.name).join(', ')})`);
  const change = compared.changes.find((c) => c.metric === metric);
  assert.ok(change, `${name} has ${metric}`);
  return change;
}

describe('compareRuns', () => {
  it('gives the change per stage in ms and percent and flags a stage that slowed by more than 10% and 1 ms', () => {
    const a = { summary: simpleSummary(), load: loadResults([]) };
    const b = { summary: simpleSummary({ encoderMs: 9, kernelMs: 7 }), load: loadResults([]) };
    const comparison = compareRuns(a, b);
    const encoder = find(comparison.stages, 'encoder', 'time per request');
    assert.equal(encoder.before, 6, 'encoder before: 60 ms over 10 requests');
    assert.equal(encoder.after, 9, 'encoder after');
    assert.equal(encoder.delta, 3, 'absolute change');
    assert.equal(encoder.percent, 50, 'relative change');
    assert.equal(encoder.regression, true, '+3 ms and +50% is a regression');
    assert.equal(
      find(comparison.stages, 'audio.decode', 'time per request').regression,
      false,
      'an unchanged stage is not',
    );
    assert.equal(comparison.regressions.stages, 3, 'transcribe, encoder and the kernel regressed');
  });

  it('does not flag a large relative change under 1 ms, nor a small relative one over 1 ms', () => {
    const a = {
      summary: simpleSummary({ encoderMs: 1.5, kernelMs: 0.5 }),
      load: loadResults([
        scenario('s', 4, { latency_ms: { mean: 400, p50: 400, p90: 400, p95: 400, p99: 400, max: 400 } }),
      ]),
    };
    const b = {
      summary: simpleSummary({ encoderMs: 1.5, kernelMs: 1.2 }),
      load: loadResults([
        scenario('s', 4, { latency_ms: { mean: 420, p50: 420, p90: 420, p95: 420, p99: 420, max: 420 } }),
      ]),
    };
    const comparison = compareRuns(a, b);
    const kernel = find(comparison.stages, 'npu.kernel_execution', 'time per request');
    assert.ok(kernel.percent! > 100, 'the kernel more than doubled');
    assert.equal(kernel.regression, false, 'but by 0.7 ms only');
    const p99 = find(comparison.scenarios, 's', 'p99');
    assert.equal(p99.delta, 20, '+20 ms');
    assert.equal(p99.regression, false, '+5% is under the 10% threshold');
    assert.equal(comparison.regressions.stages + comparison.regressions.scenarios, 0, 'nothing regressed');
  });

  it('flags a throughput drop, a p99 rise and new failures per scenario, and honours custom thresholds', () => {
    const a = { summary: simpleSummary(), load: loadResults([scenario('8x16 1s', 8)]) };
    const b = {
      summary: simpleSummary(),
      load: loadResults([
        scenario('8x16 1s', 8, {
          throughput_rtf: 15,
          failed: 2,
          succeeded: 8,
          latency_ms: { mean: 50, p50: 40, p90: 60, p95: 70, p99: 90, max: 95 },
        }),
      ]),
    };
    const comparison = compareRuns(a, b);
    assert.equal(find(comparison.scenarios, '8x16 1s', 'throughput').regression, true, '20 → 15 x realtime is -25%');
    assert.equal(find(comparison.scenarios, '8x16 1s', 'p99').regression, true, '60 → 90 ms');
    assert.equal(find(comparison.scenarios, '8x16 1s', 'failed').regression, true, '0 → 2 failures');
    const lenient = compareRuns(a, b, { regressionPercent: 60, regressionMs: 1 });
    assert.equal(find(lenient.scenarios, '8x16 1s', 'p99').regression, false, '+50% is under a 60% threshold');
    assert.equal(find(lenient.scenarios, '8x16 1s', 'throughput').regression, false, '-25% is under a 60% threshold');
  });

  it('marks improvements and what only one run has', () => {
    const a = { summary: simpleSummary({ encoderMs: 9, kernelMs: 7 }), load: loadResults([scenario('old', 4)]) };
    const b = { summary: simpleSummary({ name: 'decoder.v2' }), load: loadResults([scenario('new', 4)]) };
    const comparison = compareRuns(a, b);
    assert.equal(find(comparison.stages, 'encoder', 'time per request').improvement, true, '9 → 6 ms is better');
    const only = comparison.stages
      .filter((c) => !c.inBoth)
      .map((c) => c.name)
      .sort();
    assert.deepEqual(only, ['decoder', 'decoder.v2'], 'stages in one run only');
    assert.equal(find(comparison.stages, 'decoder', 'time per request').after, null, 'no value after');
    assert.deepEqual(
      comparison.scenarios.map((s) => s.inBoth),
      [false, false],
      'scenarios matched by name',
    );
  });
});

describe('renderComparison', () => {
  it('shows both values and the change per stage and scenario, with regressions marked', () => {
    const a = { summary: simpleSummary(), load: loadResults([scenario('4x8 1s', 4)]) };
    const b = {
      summary: simpleSummary({ encoderMs: 9, kernelMs: 7 }),
      load: loadResults([scenario('4x8 1s', 4, { throughput_rtf: 25 })]),
    };
    const text = renderComparison(compareRuns(a, b), { labels: ['fused', 'matmul'], color: false });
    assert.match(text, /fused → matmul: regressions in 3 stages/, 'the heading counts regressed stages');
    assert.match(
      text,
      /^encoder +6\.00 → 9\.00 +\+50\.0%.*REGRESSION \(time per request/m,
      'encoder row with values, change and mark',
    );
    assert.match(
      text,
      /^4x8 1s +20\.0 → 25\.0 +\+25\.0%.*better \(throughput/m,
      'scenario row: a higher throughput is better',
    );
    assert.doesNotMatch(text, new RegExp(`${ESC}\\[`), 'no ANSI codes without colour');
    assert.match(
      renderComparison(compareRuns(a, b), { color: true }),
      new RegExp(`${ESC}\\[31mREGRESSION`),
      'regressions in red with colour',
    );
  });
});
