import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  CompletionSeries,
  FIRST_BIN_MS,
  isCompletionSeries,
  MAX_BINS,
  mergeSeries,
} from '../../src/loadgen/completion-series.ts';

const sum = (list: number[]): number => list.reduce((s, v) => s + v, 0);

describe('CompletionSeries', () => {
  it('counts completions and audio per bin from the start of measuring', () => {
    const series = new CompletionSeries();
    series.record(1, 1);
    series.record(9, 2);
    series.record(25, 0);
    const state = series.toJSON();
    assert.equal(state.bin_ms, FIRST_BIN_MS, 'starts with the first width');
    assert.deepEqual(state.requests, [2, 0, 1], 'completions per bin');
    assert.deepEqual(state.audio_s, [3, 0, 0], 'audio of the successes per bin');
  });

  it('stays within its bound on a long run by doubling the width, and keeps every total', () => {
    const series = new CompletionSeries();
    for (let i = 0; i < 10_000; i++) series.record(i * 7.3, 0.5);
    const state = series.toJSON();
    assert.ok(state.requests.length <= MAX_BINS, `${state.requests.length} bins`);
    assert.ok(state.bin_ms > FIRST_BIN_MS, 'wider bins');
    assert.equal(sum(state.requests), 10_000, 'no completion lost');
    assert.ok(Math.abs(sum(state.audio_s) - 5000) < 1e-6, 'no audio lost');
    assert.ok(isCompletionSeries(state), 'its own state is valid');
  });

  it('merges two runs of a scenario bin by bin at the wider width', () => {
    const a = new CompletionSeries();
    const b = new CompletionSeries();
    for (let i = 0; i < 100; i++) a.record(i * 10, 1);
    for (let i = 0; i < 1000; i++) b.record(i * 10, 1);
    const merged = mergeSeries(a.toJSON(), b.toJSON());
    assert.equal(merged.bin_ms, b.toJSON().bin_ms, 'the coarser width');
    assert.equal(sum(merged.requests), 1100, 'counts add');
    assert.equal(sum(merged.audio_s), 1100, 'audio adds');
  });

  it('refuses states that are not a series', () => {
    assert.equal(isCompletionSeries({ bin_ms: 10, requests: [1], audio_s: [] }), false, 'lengths differ');
    assert.equal(isCompletionSeries({ bin_ms: 0, requests: [], audio_s: [] }), false, 'no width');
    assert.equal(isCompletionSeries(null), false, 'not an object');
  });
});
