import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  formatLoad,
  formatMs,
  formatPercentChange,
  formatRps,
  formatRtf,
  formatSigned,
  MISSING,
} from '../../src/report/format.ts';
import { jsonForScript } from '../../src/report/html-util.ts';
import { traceUrl } from '../../src/report/input.ts';

describe('number formatting', () => {
  it('gives every number its unit at a precision that suits its size', () => {
    assert.equal(formatMs(0.0123), '0.012 ms', 'sub-millisecond: microseconds');
    assert.equal(formatMs(4.567), '4.57 ms', 'single digits: two decimals');
    assert.equal(formatMs(123.45), '123.5 ms', 'hundreds: one decimal');
    assert.equal(formatMs(4321.6), '4322 ms', 'thousands: whole');
    assert.equal(formatRtf(45.27), '45.3x realtime', 'throughput');
    assert.equal(formatRps(8.06), '8.1 req/s', 'request rate');
    assert.equal(formatPercentChange(12.345), '+12.3%', 'a rise has a sign');
    assert.equal(formatPercentChange(5100), '×52', 'a huge rise as a factor');
    assert.equal(formatSigned(-3.2, formatMs), '-3.20 ms', 'a signed time');
  });

  it('shows a dash, not NaN, for what was not measured', () => {
    for (const value of [null, undefined, Number.NaN]) assert.equal(formatMs(value), MISSING, `${value}`);
  });
});

describe('formatLoad', () => {
  it('names streams, an offered rate, and a cap on requests in flight with the requests that waited for it', () => {
    assert.equal(formatLoad({ streams: 1 }), '1 stream', 'one stream');
    assert.equal(formatLoad({ rate: 20, max_in_flight: null, late: 0 }), '20 req/s offered', 'an unbounded rate');
    assert.equal(
      formatLoad({ rate: 50, max_in_flight: 4, late: 96 }),
      '50 req/s offered, ≤ 4 in flight, 96 late',
      'a capped rate',
    );
  });
});

describe('traceUrl', () => {
  it('builds a Jaeger trace address from a W3C trace id only', () => {
    const id = '0af7651916cd43dd8448eb211c80319c';
    assert.equal(traceUrl(undefined, id), `http://localhost:16686/trace/${id}`, 'the default Jaeger');
    assert.equal(traceUrl('http://j:16686//', id), `http://j:16686/trace/${id}`, 'trailing slashes dropped');
    assert.equal(traceUrl(undefined, 'javascript:alert(1)'), undefined, 'anything else is not linked');
    assert.equal(traceUrl(undefined, null), undefined, 'no id, no link');
  });
});

describe('jsonForScript', () => {
  it('never lets a value close the script element, and still parses to the same value', () => {
    const value = { name: '</script><!-- \u2028' };
    const text = jsonForScript(value);
    assert.doesNotMatch(text, /<\/|<!--/, 'no end tag or comment opener');
    assert.deepEqual(JSON.parse(text), value, 'the same value back');
  });
});
