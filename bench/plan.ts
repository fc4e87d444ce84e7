/**
 * How much of each measurement a run does. `quick` fits in under 5 minutes on 2 cores (the
 * tracing comparison, the slow part, takes the time left in the run's budget, in whole rounds);
 * `full` repeats more and runs the standard suite.
 */

import type { OffloadMode } from '../src/accelerator/device.ts';
import type { SuiteName } from '../src/loadgen/suites.ts';

export interface BenchPlan {
  mode: 'quick' | 'full';
  /** The whole run's time box; the tracing comparison adds rounds beyond its minimum only while they fit. */
  budgetS: number;
  overhead: { repeats: number; pairs: number };
  /** `innerRepeats` timed pairs per call of measureMel, `repeats` calls, over `durationS` of audio (30: one Whisper window). */
  mel: { repeats: number; innerRepeats: number; durationS: number };
  accuracy: { values: number };
  heap: { repeats: number; spans: number };
  /** `collect`: exports of 512 spans per round, rounds, and seconds of overload (memory bound). */
  collect: { exports: number; rounds: number; overloadS: number };
  loadgen: { repeats: number; durationS: number; connections: number };
  service: { columns: number; rounds: number; requestsPerStream: number; suite: SuiteName };
  /**
   * Concurrent rounds (the goal rows) get `concurrentShare` of the time left when the tracing
   * step starts, the sequential rounds (for the record) the rest; both always run their minimum.
   */
  tracing: {
    streams: number;
    requests: number;
    offload: OffloadMode;
    concurrentShare: number;
    concurrent: { minRounds: number; maxRounds: number };
    sequential: { minRounds: number; maxRounds: number };
  };
}

export function benchPlan(quick: boolean): BenchPlan {
  if (quick) {
    return {
      mode: 'quick',
      budgetS: 270,
      overhead: { repeats: 3, pairs: 400 },
      mel: { repeats: 3, innerRepeats: 5, durationS: 30 },
      accuracy: { values: 1_000_000 },
      heap: { repeats: 3, spans: 1_000_000 },
      collect: { exports: 200, rounds: 3, overloadS: 20 },
      loadgen: { repeats: 3, durationS: 1, connections: 16 },
      service: { columns: 8, rounds: 3, requestsPerStream: 2, suite: 'quick' },
      tracing: {
        streams: 16,
        requests: 16,
        offload: 'fused',
        concurrentShare: 0.75,
        concurrent: { minRounds: 3, maxRounds: 12 },
        sequential: { minRounds: 1, maxRounds: 4 },
      },
    };
  }
  return {
    mode: 'full',
    budgetS: 1500,
    overhead: { repeats: 5, pairs: 1500 },
    mel: { repeats: 5, innerRepeats: 15, durationS: 30 },
    accuracy: { values: 1_000_000 },
    heap: { repeats: 3, spans: 1_000_000 },
    collect: { exports: 400, rounds: 5, overloadS: 60 },
    loadgen: { repeats: 3, durationS: 3, connections: 16 },
    service: { columns: 8, rounds: 3, requestsPerStream: 4, suite: 'standard' },
    tracing: {
      streams: 16,
      requests: 16,
      offload: 'fused',
      concurrentShare: 0.6,
      concurrent: { minRounds: 5, maxRounds: 25 },
      sequential: { minRounds: 5, maxRounds: 20 },
    },
  };
}
