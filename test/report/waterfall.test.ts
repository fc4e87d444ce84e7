import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { keptRows } from '../../src/report/kept-rows.ts';
import { typicalWaterfall } from '../../src/report/typical-waterfall.ts';
import { keptTrace, summary, TRACE_A } from './documents.ts';

/** Root 10 ms with two sequential children of 4 ms (at 1 ms) and 5 ms (at 5 ms); the slowest root took 30 ms. */
function twoStages(
  aExemplars: { trace_id: string; duration_ms: number }[],
  bExemplars: { trace_id: string; duration_ms: number }[],
) {
  const ex = (list: { trace_id: string; duration_ms: number }[]) =>
    list.map((e, i) => ({ ...e, span_id: `${i}`.padStart(16, '0') }));
  return summary([
    {
      names: ['transcribe'],
      count: 4,
      meanMs: 10,
      selfMeanMs: 1,
      offsetMs: 0,
      exemplars: ex([{ trace_id: TRACE_A, duration_ms: 30 }]),
    },
    { names: ['transcribe', 'a'], count: 4, meanMs: 4, selfMeanMs: 4, offsetMs: 1, exemplars: ex(aExemplars) },
    { names: ['transcribe', 'b'], count: 8, meanMs: 5, selfMeanMs: 5, offsetMs: 5, exemplars: ex(bExemplars) },
  ]);
}

describe('typicalWaterfall', () => {
  it('places every path at its mean start for its mean duration, children after parents', () => {
    const w = typicalWaterfall(twoStages([], []))!;
    assert.deepEqual(
      w.rows.map((r) => [r.name, r.depth, r.startMs, r.durationMs, r.perRequest]),
      [
        ['transcribe', 0, 0, 10, 1],
        ['a', 1, 1, 4, 1],
        ['b', 1, 5, 5, 2],
      ],
      'rows in start order with spans per request',
    );
    assert.equal(w.requests, 4, 'the means are over the root spans');
  });
});

describe('keptRows', () => {
  it('draws every kept span once at its exact start and duration, parents before children in start order', () => {
    const trace = keptTrace();
    const rows = keptRows(trace);
    assert.equal(rows.length, trace.spans.length, 'one row per kept span, none invented');
    for (const span of trace.spans) {
      const row = rows.find((r) => r.spanId === span.span_id);
      assert.ok(row, `${span.name} is drawn`);
      assert.deepEqual(
        [row.startMs, row.durationMs],
        [span.start_ms, span.duration_ms],
        `${span.name} at its kept start for its kept duration`,
      );
    }
    assert.deepEqual(
      rows.map((r) => `${r.depth} ${r.name}`),
      [
        '0 POST /v1/audio/transcriptions',
        '1 http.upload',
        '1 transcribe',
        '2 mel',
        '3 worker.queue_wait',
        '3 mel.fft',
        '2 decoder',
      ],
      'depth-first, children by start time whatever order the spans were listed in',
    );
    assert.deepEqual(
      rows.map((r) => r.family),
      ['POST /v1/audio/transcriptions', 'http.upload', 'transcribe', 'mel', 'mel', 'mel', 'decoder'],
      'a span takes the colour family of its stage',
    );
  });

  it('keeps a span whose parent is missing from the trace, as a root of its own', () => {
    const trace = keptTrace();
    trace.spans.push({
      span_id: 'x000000000000009',
      parent_span_id: 'gone000000000000',
      name: 'orphan',
      start_ms: 7,
      duration_ms: 1,
    });
    const orphan = keptRows(trace).find((r) => r.name === 'orphan');
    assert.deepEqual([orphan?.depth, orphan?.startMs], [0, 7], 'drawn at depth 0 at its own start');
  });
});
