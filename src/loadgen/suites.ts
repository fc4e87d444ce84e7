/**
 * The fixed scenario suites. `standard` profiles and scales: single-stream profiling of 1 s,
 * 5 s and silence (10 measured requests after 2 warm-ups each), then the five multi-stream
 * scenarios, each after one warm-up request per stream. `quick` is the same shape scaled down for
 * tests and CI; it keeps a 4- and an 8-stream run of the same clip so scaling efficiency exists.
 */
import type { BuiltinAudio, ScenarioSpec } from './options.ts';

export const SUITES = ['standard', 'quick'] as const;
export type SuiteName = (typeof SUITES)[number];

function single(name: BuiltinAudio, requests: number, warmup: number): ScenarioSpec {
  return { name: `single ${name}`, model: 'closed', streams: 1, audio: { kind: 'builtin', name }, requests, warmup };
}

function multi(streams: number, requests: number, name: BuiltinAudio): ScenarioSpec {
  return {
    name: `${streams}x${requests} ${name}`,
    model: 'closed',
    streams,
    audio: { kind: 'builtin', name },
    requests,
    warmup: streams,
  };
}

/** The scenarios of a suite, in run order. */
export function suiteScenarios(suite: SuiteName): ScenarioSpec[] {
  if (suite === 'quick') {
    return [single('1s', 3, 1), single('silence', 3, 1), multi(4, 8, '1s'), multi(8, 16, '1s'), multi(2, 4, 'mixed')];
  }
  return [
    single('1s', 10, 2),
    single('5s', 10, 2),
    single('silence', 10, 2),
    multi(4, 8, '1s'),
    multi(8, 16, '1s'),
    multi(4, 8, '5s'),
    multi(16, 32, '1s'),
    multi(4, 8, 'mixed'),
  ];
}
