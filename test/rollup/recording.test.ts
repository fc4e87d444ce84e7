import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RecordingWindow, SPAN_DURATION, SPAN_OFFSET, SPAN_SELF } from '../../src/rollup/recording.ts';
import { SpanStats } from '../../src/rollup/stats.ts';
import { mulberry32 } from '../support/random.ts';
import { heavyTailed } from './fixtures.ts';

interface Span {
  durationMs: number;
  selfMs: number;
  offsetMs: number;
  error: boolean;
  ids: { traceId: string; spanId: string };
}

function spans(n: number, seed: number): Span[] {
  const random = mulberry32(seed);
  return heavyTailed(n, seed).map((durationMs, i) => ({
    durationMs: i % 97 === 0 ? 0 : durationMs,
    selfMs: durationMs * random(),
    offsetMs: random() * 10,
    error: random() < 0.1,
    ids: { traceId: `t${i}`, spanId: `s${i}` },
  }));
}

function record(window: RecordingWindow, entry: number, span: Span): void {
  window.span[SPAN_DURATION] = span.durationMs;
  window.span[SPAN_SELF] = span.selfMs;
  window.span[SPAN_OFFSET] = span.offsetMs;
  window.record(entry, span.error, span.ids);
}

/** What the flat window must equal: SpanStats fed the same spans. */
function reference(list: Span[]): SpanStats {
  const stats = new SpanStats();
  for (const s of list) {
    stats.record(s.durationMs, s.selfMs, s.error, s.offsetMs);
    if (s.durationMs > stats.exemplarFloorMs) stats.offerExemplar(s.durationMs, s.ids.traceId, s.ids.spanId);
  }
  return stats;
}

describe('RecordingWindow', () => {
  it('records exactly what SpanStats records: sketch bucket for bucket, Welford, self time, offsets, errors, exemplars', () => {
    for (const n of [1, 30, 64, 65, 5000]) {
      const window = new RecordingWindow(0, 4, 4);
      const list = spans(n, n);
      for (const s of list) record(window, 2, s);
      const flat = window.snapshot().paths[2];
      assert.ok(flat, `path entry 2 is in the snapshot (n = ${n})`);
      const expected = reference(list);
      assert.deepEqual(
        flat.toStatistics(),
        expected.toStatistics(),
        `the same statistics, sketch state included (n = ${n})`,
      );
      assert.equal(flat.startOffsetTotalMs, expected.startOffsetTotalMs, `the same start offsets (n = ${n})`);
    }
  });

  it('keeps entries apart, puts name entries among the path-less ones, and leaves out unused entries', () => {
    const window = new RecordingWindow(0, 3, 5);
    const a = spans(200, 1);
    const b = spans(300, 2);
    a.forEach((s) => {
      record(window, 0, s);
    });
    b.forEach((s) => {
      record(window, window.unpathedEntry(4), s);
    });
    const snapshot = window.snapshot();
    assert.deepEqual(snapshot.paths[0]!.toStatistics(), reference(a).toStatistics(), 'path 0 has only its own spans');
    assert.deepEqual(
      snapshot.unpathed[4]!.toStatistics(),
      reference(b).toStatistics(),
      'name 4 has only its own spans',
    );
    assert.equal(snapshot.paths.filter(Boolean).length, 1, 'one path entry');
    assert.equal(snapshot.unpathed.filter(Boolean).length, 1, 'one name entry');
  });

  it('grows its pool as entries appear, and resets to empty while keeping the entries usable', () => {
    const window = new RecordingWindow(5, 40, 0);
    const list = spans(50, 3);
    for (let entry = 0; entry < 40; entry++) for (const s of list) record(window, entry, s);
    window.counters.unsampled = 7;
    const expected = reference(list).toStatistics();
    const snapshot = window.snapshot();
    for (let entry = 0; entry < 40; entry++)
      assert.deepEqual(snapshot.paths[entry]!.toStatistics(), expected, `entry ${entry} survived the pool's growth`);
    assert.equal(snapshot.counters.unsampled, 7, 'counters are copied');
    assert.equal(snapshot.startMs, 5, 'the window start is copied');
    window.reset(9);
    const empty = window.snapshot();
    assert.equal(empty.paths.filter(Boolean).length, 0, 'no entries after reset');
    assert.equal(empty.counters.unsampled, 0, 'counters are zeroed');
    assert.equal(empty.startMs, 9, 'the window starts again');
    for (const s of list.slice(0, 10)) record(window, 7, s);
    assert.deepEqual(
      window.snapshot().paths[7]!.toStatistics(),
      reference(list.slice(0, 10)).toStatistics(),
      'an entry records afresh after reset',
    );
  });
});
