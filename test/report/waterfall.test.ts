import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { slowestWaterfall, typicalWaterfall } from '../../src/report/waterfall.ts';
import { summary, TRACE_A, TRACE_B } from './documents.ts';

/** Root 10 ms with two sequential children of 4 ms (at 1 ms) and 5 ms (at 5 ms); the slowest root took 30 ms. */
function twoStages(aExemplars: { trace_id: string; duration_ms: number }[], bExemplars: { trace_id: string; duration_ms: number }[]) {
  const ex = (list: { trace_id: string; duration_ms: number }[]) => list.map((e, i) => ({ ...e, span_id: `${i}`.padStart(16, '0') }));
  return summary([
    { names: ['transcribe'], count: 4, meanMs: 10, selfMeanMs: 1, offsetMs: 0, exemplars: ex([{ trace_id: TRACE_A, duration_ms: 30 }]) },
    { names: ['transcribe', 'a'], count: 4, meanMs: 4, selfMeanMs: 4, offsetMs: 1, exemplars: ex(aExemplars) },
    { names: ['transcribe', 'b'], count: 8, meanMs: 5, selfMeanMs: 5, offsetMs: 5, exemplars: ex(bExemplars) },
  ]);
}

describe('typicalWaterfall', () => {
  it('places every path at its mean start for its mean duration, children after parents', () => {
    const w = typicalWaterfall(twoStages([], []))!;
    assert.deepEqual(w.rows.map((r) => [r.name, r.depth, r.startMs, r.durationMs, r.perRequest]), [
      ['transcribe', 0, 0, 10, 1],
      ['a', 1, 1, 4, 1],
      ['b', 1, 5, 5, 2],
    ], 'rows in start order with spans per request');
    assert.equal(w.requests, 4, 'the means are over the root spans');
  });
});

describe('slowestWaterfall', () => {
  it('draws the stages of the slowest trace from its exemplars, in order and inside the root', () => {
    const w = slowestWaterfall(twoStages([{ trace_id: TRACE_B, duration_ms: 9 }, { trace_id: TRACE_A, duration_ms: 20 }], [{ trace_id: TRACE_A, duration_ms: 6 }]))!;
    assert.equal(w.traceId, TRACE_A, 'the root exemplar names the trace');
    const [root, a, b] = w.rows;
    assert.deepEqual([root!.startMs, root!.durationMs], [0, 30], 'the root from 0 for 30 ms');
    assert.equal(a!.durationMs, 20, "a: this trace's exemplar, not the other trace's");
    assert.equal(a!.startMs, 3, 'a starts at the typical 1 ms scaled by 30/10');
    assert.equal(b!.durationMs, 6, 'b from its exemplar');
    assert.ok(b!.startMs! >= a!.startMs! + 20, 'b starts after a ends (siblings run in sequence)');
    assert.ok(b!.startMs! + 6 <= 30, 'b ends inside the root');
  });

  it('leaves a stage out when the trace is not among its exemplars, and says what bounds it', () => {
    const others = [9, 8, 7.5].map((duration_ms) => ({ trace_id: TRACE_B, duration_ms }));
    const w = slowestWaterfall(twoStages(others, []))!;
    assert.deepEqual(w.rows.map((r) => r.durationMs), [30, null, null], 'unknown durations are null, not guessed');
    assert.equal(w.rows[1]!.atMostMs, 7.5, 'a: not among the slowest, so at most the fastest exemplar');
    assert.equal(w.rows[2]!.atMostMs, 30, 'b: no exemplars at all, so only its parent bounds it');
    const all = slowestWaterfall(summary([
      { names: ['transcribe'], count: 2, meanMs: 10, selfMeanMs: 5, offsetMs: 0, exemplars: [{ trace_id: TRACE_A, span_id: '1', duration_ms: 12 }, { trace_id: TRACE_B, span_id: '2', duration_ms: 8 }] },
      { names: ['transcribe', 'decoder'], count: 1, meanMs: 5, selfMeanMs: 5, offsetMs: 1, exemplars: [{ trace_id: TRACE_B, span_id: '3', duration_ms: 5 }] },
    ]))!;
    assert.equal(all.rows[1]!.atMostMs, 0, 'every decoder span is an exemplar and none is in this trace: it has none');
  });

  it('is undefined for a summary without spans', () => {
    assert.equal(slowestWaterfall(summary([])), undefined, 'nothing to draw');
  });
});
