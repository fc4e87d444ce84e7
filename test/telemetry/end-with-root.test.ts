import assert from 'node:assert/strict';
import { after, beforeEach, describe, it } from 'node:test';
import { context, trace } from '@opentelemetry/api';
import { EndWithRootProcessor, endWithRoot } from '../../src/telemetry/end-with-root.ts';
import { nowMs } from '../../src/telemetry/recorder.ts';
import { epochMs } from '../engine/span-tree.ts';
import { installTestTracing } from '../support/tracing.ts';

const tracing = installTestTracing({ processors: [new EndWithRootProcessor()] });
after(() => tracing.shutdown());
beforeEach(() => tracing.reset());

const tracer = trace.getTracer('test');

function rootAndChild(): { root: ReturnType<typeof tracer.startSpan>; child: ReturnType<typeof tracer.startSpan> } {
  const root = tracer.startSpan('root');
  const child = tracer.startSpan('child', {}, trace.setSpan(context.active(), root));
  return { root, child };
}

describe('endWithRoot', () => {
  it('ends the child at its root end time, and before the root reaches the processors', () => {
    const { root, child } = rootAndChild();
    const earlierMs = nowMs() - 50;
    endWithRoot(child, root.spanContext().spanId, earlierMs);
    const rootEndMs = Math.floor(nowMs()) + 2; // whole ms: exact in HrTime
    root.end(rootEndMs);
    const names = tracing.spans().map((span) => span.name);
    assert.deepEqual(names, ['child', 'root'], 'the child is exported first');
    const [ended, parent] = tracing.spans();
    assert.equal(epochMs(ended!.endTime), epochMs(parent!.endTime), 'the child ends when its root does');
  });

  it('never ends the child before the earliest end it was given', () => {
    const { root, child } = rootAndChild();
    const notBeforeMs = Math.floor(nowMs()) + 20; // whole ms: exact in HrTime
    endWithRoot(child, root.spanContext().spanId, notBeforeMs);
    root.end(notBeforeMs - 5);
    const ended = tracing.spans().find((span) => span.name === 'child')!;
    assert.equal(epochMs(ended.endTime), notBeforeMs, 'the later of the two');
  });

  it('falls back to the earliest end when the root had ended already', () => {
    const { root, child } = rootAndChild();
    root.end();
    const notBeforeMs = Math.floor(nowMs()) + 1;
    const closing = endWithRoot(child, root.spanContext().spanId, notBeforeMs);
    assert.equal(tracing.spans().length, 1, 'the child waits');
    closing.fallback();
    closing.fallback();
    const ended = tracing.spans().filter((span) => span.name === 'child');
    assert.equal(ended.length, 1, 'ended once');
    assert.equal(epochMs(ended[0]!.endTime), notBeforeMs, 'at the earliest end');
  });
});
