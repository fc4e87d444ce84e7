import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type BenchPlan, benchPlan } from '../../bench/plan.ts';
import { runBench } from '../../bench/run.ts';
import { STEPS, type Step } from '../../bench/steps.ts';

/** The quick plan shrunk to test size: the same code paths, fractions of a second each. */
function tinyPlan(): BenchPlan {
  return {
    ...benchPlan(true),
    budgetS: 30,
    overhead: { repeats: 2, pairs: 10 },
    mel: { repeats: 2, innerRepeats: 1, durationS: 0.5 },
    accuracy: { values: 10_000 },
    heap: { repeats: 1, spans: 6_000 },
  };
}

const step = (name: string): Step => STEPS.find((s) => s.name === name) ?? assert.fail(`no step ${name}`);

/** Rows measured for the record, with no goal to pass. */
const RECORD_ROWS = new Set(['span_processor.amortized_ratio']);

describe('bench runBench', () => {
  it('runs the in-process steps at tiny sizes and keys their rows as docs/benchmarks.md names them', async () => {
    const lines: string[] = [];
    const doc = await runBench(tinyPlan(), (line) => lines.push(line), [
      step('span processor overhead'),
      step('log-mel'),
      step('rollup accuracy and heap'),
    ]);
    assert.deepEqual(
      Object.keys(doc.results),
      [
        'span_processor.overhead_ratio',
        'span_processor.amortized_ratio',
        'mel.ratio_to_fft_floor',
        'mel.max_abs_error',
        'rollup.max_relative_error',
        'rollup.heap_growth_bytes',
      ],
      'row keys',
    );
    assert.equal(doc.results['span_processor.overhead_ratio']!.repeats, 2, 'overhead repeated as planned');
    assert.equal(doc.results['mel.ratio_to_fft_floor']!.samples.length, 2, 'mel repeated as planned');
    for (const [key, result] of Object.entries(doc.results)) {
      assert.ok(Number.isFinite(result.value), `${key} is a number`);
      if (RECORD_ROWS.has(key)) assert.equal(result.goal, null, `${key} is a record without a goal`);
      else assert.ok(result.goal !== null && typeof result.pass === 'boolean', `${key} has a goal and a verdict`);
      assert.ok(result.anchor.length > 10, `${key} names its anchor`);
    }
    assert.equal(doc.mode, 'quick', 'mode');
    assert.deepEqual(doc.errors, [], 'no failed step');
    assert.ok(
      lines.some((l) => l.includes('log-mel')),
      'progress names each step',
    );
  });

  it('keeps going after a failed step and reports it', async () => {
    let remainingAtStart = NaN;
    const broken: Step = {
      name: 'broken',
      run: async ({ remainingS }) => {
        remainingAtStart = remainingS();
        throw new Error('the service exited');
      },
    };
    const after: Step = {
      name: 'after',
      run: async () => [
        { key: 'x.ratio', unit: 'ratio', goal: { op: '>=', target: 1 }, anchor: 'itself', samples: [1, 2, 3] },
      ],
    };
    const doc = await runBench(tinyPlan(), () => {}, [broken, after]);
    assert.deepEqual(doc.errors, ['broken: the service exited'], 'the failure with its step');
    assert.equal(doc.results['x.ratio']?.value, 2, 'the next step still ran');
    assert.equal(doc.all_goals_met, false, 'a failed step fails the run');
    assert.ok(
      remainingAtStart > 29 && remainingAtStart <= 30,
      `the budget is handed to steps, got ${remainingAtStart}`,
    );
  });
});

describe('bench plans', () => {
  it("keep the issue's fixed parameters in both modes", () => {
    for (const plan of [benchPlan(true), benchPlan(false)]) {
      assert.equal(plan.tracing.streams, 16, `${plan.mode}: 16 streams`);
      assert.ok(plan.service.columns >= 8, `${plan.mode}: 8 or more columns`);
      assert.equal(plan.accuracy.values, 1_000_000, `${plan.mode}: 1e6 values`);
      assert.equal(plan.mel.durationS, 30, `${plan.mode}: 30 s of audio`);
      assert.equal(plan.heap.spans, 1_000_000, `${plan.mode}: 1e6 spans`);
      assert.ok(plan.tracing.concurrent.minRounds >= 3, `${plan.mode}: enough concurrent rounds for a median`);
      assert.ok(
        plan.tracing.concurrentShare > 0 && plan.tracing.concurrentShare < 1,
        `${plan.mode}: both tracing phases get time`,
      );
    }
    assert.equal(benchPlan(true).service.suite, 'quick', 'quick runs the quick suite');
    assert.equal(benchPlan(false).service.suite, 'standard', 'full runs the standard suite');
    assert.ok(benchPlan(true).budgetS < 300, 'quick fits in 5 minutes');
  });
});
