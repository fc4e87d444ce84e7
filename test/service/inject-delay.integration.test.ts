/**
 * `--inject-delay`: the deterministic choice of requests, and the planted time landing inside the
 * named stage span (here one that runs in a worker thread) of exactly the chosen requests.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { context } from '@opentelemetry/api';
import type { SpanSummaryDocument } from '../../src/rollup/document.ts';
import { DelayPlan } from '../../src/service/inject-delay.ts';
import { stage, withInjectedDelays } from '../../src/telemetry/stage.ts';
import { clipWav } from '../reliability/helpers.ts';
import { startReceiver } from '../support/otlp-receiver.ts';
import { otlpEnv, startService, transcribe } from '../support/service.ts';
import { installTestTracing } from '../support/tracing.ts';

const chosen = (plan: DelayPlan, requests: number): number[] =>
  Array.from({ length: requests }, (_, n) => (plan.forNextRequest() ? n : -1)).filter((n) => n >= 0);

describe('DelayPlan', () => {
  it('chooses the first request and then one in every 1/fraction', () => {
    assert.deepEqual(chosen(new DelayPlan([{ span: 'mel', ms: 5, fraction: 0.1 }]), 30), [0, 10, 20], 'fraction 0.1');
    assert.deepEqual(chosen(new DelayPlan([{ span: 'mel', ms: 5, fraction: 0.5 }]), 6), [0, 2, 4], 'fraction 0.5');
    assert.equal(
      chosen(new DelayPlan([{ span: 'mel', ms: 5, fraction: 1 }]), 7).length,
      7,
      'fraction 1: every request',
    );
  });

  it('gives the same choice on every run, and adds delays planted twice in one span', () => {
    const specs = [{ span: 'mel', ms: 5, fraction: 0.3 }];
    assert.deepEqual(chosen(new DelayPlan(specs), 20), chosen(new DelayPlan(specs), 20), 'deterministic');
    const twice = new DelayPlan([
      { span: 'decoder', ms: 5, fraction: 1 },
      { span: 'decoder', ms: 7, fraction: 1 },
    ]);
    assert.deepEqual(twice.forNextRequest(), { decoder: 12 }, 'summed');
  });
});

describe('an injected delay in a main-thread stage', () => {
  it('waits inside the named async stage only, before its work, and says so on the span', async () => {
    const tracing = installTestTracing({ detail: 'medium' });
    try {
      const ctx = withInjectedDelays(context.active(), { decoder: 40 });
      await context.with(ctx, () =>
        stage('decoder', 'coarse', async () => stage('decoder.post_processing', 'medium', async () => 'done')),
      );
      const [inner, outer] = tracing.spans();
      const ms = (span: typeof inner): number =>
        (span!.endTime[0] - span!.startTime[0]) * 1e3 + (span!.endTime[1] - span!.startTime[1]) / 1e6;
      assert.equal(outer!.name, 'decoder', 'outer span');
      assert.ok(ms(outer) >= 39, `decoder lasts the 40 ms delay (${ms(outer).toFixed(1)} ms)`);
      assert.ok(ms(inner) < 20, `its child does not (${ms(inner).toFixed(1)} ms)`);
      assert.equal(outer!.attributes['amanuensis.injected_delay_ms'], 40, 'the delay attribute');
      assert.equal(inner!.attributes['amanuensis.injected_delay_ms'], undefined, 'none on the child');
    } finally {
      await tracing.shutdown();
    }
  });
});

describe('serve --inject-delay', () => {
  it('mel.log_mel=300@0.1: the chosen requests spend at least 300 ms in mel.log_mel, as its own time; the others do not', async () => {
    const receiver = await startReceiver();
    const service = await startService(['--inject-delay', 'mel.log_mel=300@0.1'], {
      ...otlpEnv(receiver.url),
      OTEL_TRACES_EXPORTER: 'otlp',
    });
    const requests = 12;
    try {
      const wav = clipWav('1s');
      for (let i = 0; i < requests; i++) {
        const response = await transcribe(service.url, wav);
        await response.arrayBuffer();
        assert.equal(response.status, 200, 'status');
      }
      const spans = await receiver.waitForSpans(
        (received) => received.filter((span) => span.name === 'mel.log_mel').length >= requests,
      );
      const logMel = spans.filter((span) => span.name === 'mel.log_mel');
      const ms = (span: (typeof spans)[number]): number => Number(span.endNs - span.startNs) / 1e6;
      const slow = logMel.filter((span) => ms(span) >= 300);
      assert.equal(
        slow.length,
        2,
        `requests 0 and 10 of ${requests} are slowed: ${logMel.map((span) => ms(span).toFixed(0)).join(', ')} ms`,
      );
      for (const span of slow) {
        assert.equal(span.attributes['amanuensis.injected_delay_ms'], 300, 'the span says it was slowed');
        assert.ok(
          !spans.some((child) => child.parentSpanId === span.spanId),
          'no child span takes the delay: it is mel.log_mel’s own time',
        );
      }
      for (const span of logMel.filter((s) => ms(s) < 300))
        assert.equal(
          span.attributes['amanuensis.injected_delay_ms'],
          undefined,
          'unslowed spans carry no delay attribute',
        );

      const summary = (await (await fetch(`${service.url}/v1/span-summary`)).json()) as SpanSummaryDocument;
      const entry = summary.requests.find((r) => r.root === 'POST /v1/audio/transcriptions');
      const top = entry?.tail.stages[0];
      assert.equal(
        top?.name,
        'mel.log_mel',
        `the service's own tail names the planted stage first: ${JSON.stringify(entry?.tail.stages.slice(0, 3))}`,
      );
      assert.ok(Math.abs(top!.delta_ms - 300) < 60, `about +300 ms (got ${top!.delta_ms.toFixed(1)})`);
    } finally {
      await service.stop();
      await receiver.close();
    }
  });
});
