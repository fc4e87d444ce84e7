import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderSummary } from '../../src/cli/summary-show.ts';
import { UsageError } from '../../src/core/command-errors.ts';
import { msCompact as ms } from '../../src/report/format.ts';
import { RollupSpanProcessor } from '../../src/rollup/processor.ts';
import { requestSpec, testTracer } from '../rollup/spans.ts';

function documentOf(requests: number) {
  const processor = new RollupSpanProcessor({ serviceName: 'amanuensis' });
  const { tree } = testTracer([processor]);
  for (let i = 0; i < requests; i++) tree(requestSpec(1 + i / 10), i * 10_000);
  return processor.summary();
}

const OPTIONS = { jaegerUrl: 'http://jaeger.example:16686', root: undefined, width: 40 };

describe('renderSummary', () => {
  it('shows self time bars, percentiles, a waterfall of the richest root, and trace links', () => {
    const document = documentOf(10);
    const text = renderSummary(document, OPTIONS);
    assert.match(text, /Span summary of amanuensis: 70 spans over 6 names/, 'header counts spans and names');
    const bars = text.slice(text.indexOf('Where the time goes'), text.indexOf('Per span name'));
    const order = ['npu.kernel_execution', 'decoder', 'encoder'].map((name) => bars.indexOf(`  ${name} `));
    assert.ok(
      order.every((i) => i > 0) && order[0]! < order[1]! && order[1]! < order[2]!,
      'names sorted by self time, largest first',
    );
    assert.match(bars, /npu\.kernel_execution\s+█+[▏▎▍▌▋▊▉]?\s+36\.4%/, 'kernels take 40 of every 110 ms of self time');
    // Up to the next section: the slowest request's exact waterfall follows it.
    const waterfall = text.slice(text.indexOf('A typical transcribe'), text.indexOf('The slowest request'));
    const rows = waterfall.split('\n').filter((line) => line.includes('|'));
    assert.deepEqual(
      rows.map((row) => row.split('|')[0]!.trim()),
      ['transcribe', 'audio.decode', 'encoder', 'npu.kernel_execution', 'decoder'],
      'stages in tree order, children by start',
    );
    assert.match(rows[3]!, /×2 per request/, 'repeated stages say how often they occur');
    const bar = (row: string) => row.split('|')[1]!;
    assert.equal(bar(rows[0]!).trim().length, 40, 'the root spans the whole width');
    assert.ok(bar(rows[4]!).indexOf('█') > bar(rows[2]!).indexOf('█'), 'the decoder starts after the encoder');
    const links =
      text
        .slice(text.indexOf('Slowest transcribe traces'))
        .match(/http:\/\/jaeger\.example:16686\/trace\/[0-9a-f]{32}/g) ?? [];
    assert.equal(links.length, 5, 'five slowest traces linked');
    const slowest = document.paths.find((p) => p.path === 'transcribe')!.exemplars[0]!;
    assert.ok(
      text.includes(`${ms(slowest.duration_ms)} ms  http://jaeger.example:16686/trace/${slowest.trace_id}`),
      'slowest first, with its duration',
    );
  });

  it('draws the root asked for, and rejects an unknown one', () => {
    const document = documentOf(3);
    const text = renderSummary(document, { ...OPTIONS, root: 'POST /v1/audio/transcriptions' });
    assert.match(text, /A typical POST \/v1\/audio\/transcriptions \(3 of them\)/, 'the SERVER root was chosen');
    assert.throws(
      () => renderSummary(document, { ...OPTIONS, root: 'nope' }),
      (error: unknown) => error instanceof UsageError && /roots are/.test(error.message),
      'lists the roots',
    );
  });

  it('says so when there are no spans', () => {
    const text = renderSummary(new RollupSpanProcessor({ serviceName: 'idle' }).summary(), OPTIONS);
    assert.match(text, /No spans in this summary/, 'empty summary');
  });

  it('formats milliseconds with about three significant digits', () => {
    assert.deepEqual(
      [ms(1234.5), ms(12.345), ms(1.2345), ms(0.12345)],
      ['1235', '12.3', '1.23', '0.123'],
      'formatting',
    );
  });
});
