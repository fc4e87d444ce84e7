/**
 * `collect`'s memory bound (docs/collect.md, Bounds): in its own process with the default bounds,
 * sent new traces over 48 connections as fast as it takes them for 40 s, its waiting spans stay
 * within --max-buffered-spans, its RSS within 1 GiB, and the RSS stops growing once the bounds
 * are reached (the last 10 s no higher than 10 % above the 10 s before).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { measureOverload, startCollectProcess } from '../../bench/collect.ts';
import { COLLECT_DEFAULTS } from '../../src/collect/collector.ts';

const SECONDS = 40;
const RSS_BOUND_BYTES = 1024 * 1024 * 1024;
/** RSS samples are taken every 250 ms. */
const PER_SECOND = 4;

describe('collect under overload', () => {
  it(`keeps its memory bounded for ${SECONDS} s of more traces than it can wait for`, async () => {
    const receiver = await startCollectProcess();
    try {
      const result = await measureOverload(receiver, { seconds: SECONDS, connections: 48 });
      const state = await receiver.state();
      assert.ok(
        result.peakWaitingSpans <= COLLECT_DEFAULTS.maxBufferedSpans,
        `waiting spans within the bound (${result.peakWaitingSpans})`,
      );
      assert.ok(
        state.spans > COLLECT_DEFAULTS.maxBufferedSpans * 2,
        `well past the bound in all (${state.spans} spans)`,
      );
      assert.ok(
        result.peakRssBytes <= RSS_BOUND_BYTES,
        `peak RSS ${Math.round(result.peakRssBytes / 1e6)} MB within ${RSS_BOUND_BYTES / 1e6} MB`,
      );
      const samples = result.rssSamples;
      const last = Math.max(...samples.slice(-10 * PER_SECOND));
      const before = Math.max(...samples.slice(-20 * PER_SECOND, -10 * PER_SECOND));
      assert.ok(
        last <= before * 1.1,
        `RSS levels off: ${Math.round(before / 1e6)} MB, then ${Math.round(last / 1e6)} MB`,
      );
    } finally {
      await receiver.close();
    }
  });
});
