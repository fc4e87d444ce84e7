import assert from 'node:assert/strict';
import { after, beforeEach, describe, it } from 'node:test';
import { SpanStatusCode } from '@opentelemetry/api';
import { StageRecorder } from '../../src/telemetry/recorder.ts';
import { configureStages, replaySpans, stage } from '../../src/telemetry/stage.ts';
import { installTestTracing, parentOf } from '../support/tracing.ts';

const tracing = installTestTracing({ detail: 'medium' });
after(() => tracing.shutdown());
beforeEach(() => {
  tracing.reset();
  configureStages({ detail: 'medium', enabled: true });
});

describe('stage', () => {
  it('nests sync and async stages under the active span', async () => {
    await stage('outer', 'coarse', async () => {
      stage('sync-child', 'medium', () => 1);
      await stage('async-child', 'medium', async () => {
        await new Promise((resolve) => setImmediate(resolve));
      });
    });
    const spans = tracing.spans();
    const outer = spans.find((s) => s.name === 'outer');
    assert.ok(outer, 'outer span exported');
    for (const name of ['sync-child', 'async-child']) {
      const child = spans.find((s) => s.name === name);
      assert.equal(child && parentOf(child), outer.spanContext().spanId, `${name} is a child of outer`);
    }
  });

  it('skips stages finer than the configured detail but still runs them', () => {
    let ran = false;
    stage('fine-only', 'fine', () => {
      ran = true;
    });
    assert.equal(ran, true, 'the function ran');
    assert.equal(tracing.spans().length, 0, 'no span for a fine stage at medium detail');
  });

  it('makes no spans when disabled, returning the value unchanged', async () => {
    configureStages({ detail: 'fine', enabled: false });
    assert.equal(await stage('x', 'coarse', async () => 42), 42, 'value passes through');
    assert.equal(tracing.spans().length, 0, 'no spans when disabled');
  });

  it('marks a span as an error when the function throws or rejects, and rethrows', async () => {
    assert.throws(
      () =>
        stage('bad-sync', 'coarse', () => {
          throw new Error('boom');
        }),
      /boom/,
    );
    await assert.rejects(
      stage('bad-async', 'coarse', async () => {
        throw new Error('later');
      }),
      /later/,
    );
    for (const name of ['bad-sync', 'bad-async']) {
      const span = tracing.spans().find((s) => s.name === name);
      assert.equal(span?.status.code, SpanStatusCode.ERROR, `${name} has error status`);
    }
  });
});

/** 2023-11-14T22:13:20Z, a whole second. */
const EPOCH_MS = 1_700_000_000_000;

describe('replaySpans', () => {
  it('recreates recorded stages with their times and nesting, children ending first', () => {
    const recorder = new StageRecorder('medium');
    recorder.run('mel.fft', 'medium', () => {
      recorder.run('inner', 'medium', () => undefined);
    });
    // A real epoch time: the SDK reads a number at or below performance.now() as a monotonic
    // timestamp, so a small one would flip meaning once the process has run that long.
    recorder.add('timeline', 'medium', EPOCH_MS, EPOCH_MS + 2.5, { bytes: 10 }, -1);
    stage('parent', 'coarse', () => replaySpans(recorder.records));
    const spans = tracing.spans();
    const names = spans.map((s) => s.name);
    assert.ok(names.indexOf('inner') < names.indexOf('mel.fft'), 'child ended before its parent');
    const parent = spans.find((s) => s.name === 'parent')!;
    const fft = spans.find((s) => s.name === 'mel.fft')!;
    const inner = spans.find((s) => s.name === 'inner')!;
    const timeline = spans.find((s) => s.name === 'timeline')!;
    assert.equal(parentOf(fft), parent.spanContext().spanId, 'top-level record nests under the replay parent');
    assert.equal(parentOf(inner), fft.spanContext().spanId, 'nested record nests under its recorded parent');
    assert.deepEqual(timeline.startTime, [EPOCH_MS / 1000, 0], `explicit start time (epoch ms ${EPOCH_MS}) kept`);
    assert.deepEqual(timeline.duration, [0, 2_500_000], 'explicit duration kept to the microsecond');
    assert.equal(timeline.attributes.bytes, 10, 'attributes carried over');
  });

  it('records nothing for stages beyond the recorder detail', () => {
    const recorder = new StageRecorder('coarse');
    assert.equal(
      recorder.run('x', 'medium', () => 7),
      7,
      'value passes through',
    );
    assert.equal(recorder.add('y', 'fine', 0, 1), -1, 'add reports not recorded');
    assert.equal(recorder.records.length, 0, 'nothing recorded');
  });
});
