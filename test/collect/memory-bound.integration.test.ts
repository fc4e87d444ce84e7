/**
 * `collect`'s memory bound (docs/collect.md, Bounds): in its own process with the default bounds,
 * sent new traces over 48 connections as fast as it takes them for 40 s (several times the spans
 * its bounds let wait), its waiting spans stay within --max-buffered-spans and its RSS within
 * 1 GiB. That the RSS levels off below the bound takes longer to show than a test should run
 * (25 s after the bounds are reached in a 60 s run): the bench row collect.overload_peak_rss_mb
 * and docs/collect.md show it.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { measureOverload, startCollectProcess } from '../../bench/collect.ts';
import { COLLECT_DEFAULTS } from '../../src/collect/collector.ts';

const SECONDS = 40;
const RSS_BOUND_BYTES = 1024 * 1024 * 1024;

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
    } finally {
      await receiver.close();
    }
  });
});
