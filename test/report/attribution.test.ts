import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mainRequests, requestLine, slowestKept, tailLine } from '../../src/report/attribution.ts';
import { legacySummary, requestEntry, simpleSummary } from './documents.ts';

describe('tailLine', () => {
  it("names the planted stage with its extra time and share of the slow requests' extra time", () => {
    assert.equal(
      tailLine(requestEntry().tail),
      'p95+ requests are +412 ms: worker.queue_wait +380 ms (92 %)',
      'the line of the issue',
    );
  });

  it('names further stages until they explain most of the extra time, at most three', () => {
    const tail = requestEntry().tail;
    const spread = {
      ...tail,
      stages: [
        { name: 'decoder', slow_mean_ms: 50, baseline_mean_ms: 10, delta_ms: 40, share: 0.4 },
        { name: 'mel', slow_mean_ms: 35, baseline_mean_ms: 5, delta_ms: 30, share: 0.3 },
        { name: 'encoder', slow_mean_ms: 20, baseline_mean_ms: 0, delta_ms: 20, share: 0.2 },
        { name: 'audio.decode', slow_mean_ms: 10, baseline_mean_ms: 0, delta_ms: 10, share: 0.1 },
      ],
    };
    assert.equal(
      tailLine(spread),
      'p95+ requests are +100 ms: decoder +40.0 ms (40 %), mel +30.0 ms (30 %), encoder +20.0 ms (20 %)',
      '40 + 30 + 20 % reach 80 %',
    );
  });

  it('says so when there are too few requests or the tail is no slower', () => {
    const tail = requestEntry().tail;
    assert.equal(
      tailLine({ ...tail, slow_count: 0 }),
      'p95+ requests: too few requests to compare with the median ones',
      'nothing to compare',
    );
    const flat = { ...tail, stages: [{ name: 'mel', slow_mean_ms: 5, baseline_mean_ms: 5, delta_ms: 0, share: 0 }] };
    assert.equal(tailLine(flat), 'p95+ requests are no slower than the median ones', 'no extra time');
    const rounding = {
      ...tail,
      stages: [{ name: 'mel', slow_mean_ms: 5 + 1e-12, baseline_mean_ms: 5, delta_ms: 1e-12, share: 1 }],
    };
    assert.equal(
      tailLine(rounding),
      'p95+ requests are no slower than the median ones',
      'a difference in the last bits is not extra time',
    );
    assert.match(tailLine({ ...tail, slow_quantile: 0.99 }), /^p99\+ requests/, 'the quantile comes from the document');
  });
});

describe('requestLine', () => {
  it('puts the root, its count, the tail line and the unattributed p99 on one line', () => {
    assert.equal(
      requestLine(requestEntry()),
      'POST /v1/audio/transcriptions (200 requests): p95+ requests are +412 ms: worker.queue_wait +380 ms (92 %); unattributed time p99 3 % of a request (3.1 ms)',
      'one line per root',
    );
  });
});

describe('mainRequests', () => {
  it('takes the root most requests have, and reads documents without attribution as empty', () => {
    const local = requestEntry({ root: 'collect', count: 3 });
    assert.equal(
      mainRequests({ ...simpleSummary(), requests: [local, requestEntry()] })?.root,
      'POST /v1/audio/transcriptions',
      'the busiest root',
    );
    assert.equal(mainRequests(legacySummary()), undefined, 'no requests field: no entry');
    assert.equal(slowestKept(legacySummary()), undefined, 'and no kept trace');
  });
});
