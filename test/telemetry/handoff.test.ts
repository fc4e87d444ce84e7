import assert from 'node:assert/strict';
import { after, beforeEach, describe, it } from 'node:test';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { context, trace } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { handoffFrom, handoffTo } from '../../src/telemetry/handoff.ts';
import { ATTR, SPAN } from '../../src/telemetry/names.ts';
import { nowMs } from '../../src/telemetry/recorder.ts';
import { configureStages, leafStage, stage, withRequestHandoffs } from '../../src/telemetry/stage.ts';
import { epochMs } from '../engine/span-tree.ts';
import { installTestTracing, parentOf } from '../support/tracing.ts';

const tracing = installTestTracing({ detail: 'medium' });
after(() => tracing.shutdown());
beforeEach(() => {
  tracing.reset();
  configureStages({ detail: 'medium', enabled: true });
});

/** Runs `fn` as a request: inside a root span whose context records handoffs. */
async function request(fn: () => Promise<void>): Promise<ReadableSpan> {
  const root = trace.getTracer('test').startSpan('root');
  await context.with(withRequestHandoffs(trace.setSpan(context.active(), root)), fn);
  root.end();
  return tracing.spans().find((span) => span.name === 'root')!;
}

const handoffs = (): ReadableSpan[] => tracing.spans().filter((span) => span.name === SPAN.REQUEST_HANDOFF);
const named = (name: string): ReadableSpan => tracing.spans().find((span) => span.name === name)!;

describe('request handoffs', () => {
  it('make the time between two leaf stages of a request a request.handoff span under its root, end to start', async () => {
    const root = await request(async () => {
      await leafStage('first', 'medium', () => nextTurn());
      await stage('parent', 'coarse', async () => {
        await nextTurn();
        await leafStage('second', 'medium', () => nextTurn());
      });
    });
    const [handoff, ...more] = handoffs();
    assert.ok(handoff, 'one handoff between the two leaves');
    assert.equal(more.length, 0, 'and only one');
    assert.equal(parentOf(handoff), root.spanContext().spanId, 'a child of the request root');
    assert.equal(epochMs(handoff.startTime), epochMs(named('first').endTime), 'starts where the first leaf ended');
    assert.equal(epochMs(handoff.endTime), epochMs(named('second').startTime), 'ends where the second began');
    assert.equal(handoff.attributes[ATTR.HANDOFF_FROM], 'first', 'amanuensis.handoff.from');
    assert.equal(handoff.attributes[ATTR.HANDOFF_TO], 'second', 'amanuensis.handoff.to');
  });

  it('join leaves reported by hand, and skip a leaf that starts before the last one ended', async () => {
    await request(async () => {
      const endMs = Math.floor(nowMs()) + 5; // whole ms: exact in HrTime
      handoffFrom('device', endMs);
      handoffTo('overlapping', endMs - 1);
      handoffFrom('overlapping', endMs + 1);
      handoffTo('next', endMs + 3);
    });
    const spans = handoffs();
    assert.equal(spans.length, 1, `one handoff, got ${spans.length}`);
    assert.equal(spans[0]!.attributes[ATTR.HANDOFF_FROM], 'overlapping', 'from the leaf that ended last');
    assert.equal(epochMs(spans[0]!.endTime) - epochMs(spans[0]!.startTime), 2, 'its exact 2 ms');
  });

  it('are not made outside a request, nor at coarse detail', async () => {
    await leafStage('first', 'coarse', () => nextTurn());
    await leafStage('second', 'coarse', () => nextTurn());
    assert.equal(handoffs().length, 0, 'no handoff without a request');
    configureStages({ detail: 'coarse', enabled: true });
    await request(async () => {
      await leafStage('first', 'coarse', () => nextTurn());
      await leafStage('second', 'coarse', () => nextTurn());
    });
    assert.equal(handoffs().length, 0, 'no handoff at coarse detail');
  });
});
