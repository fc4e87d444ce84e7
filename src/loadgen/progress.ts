/**
 * Progress while a run is going: a plain snapshot event for library callers (`runSuite`'s
 * `onProgress`), rendered either as a cli-progress bar on a TTY (requests, errors, current
 * p50/p99) or as NDJSON lines on stdout (`--progress json`) for machines.
 */
import { SingleBar } from 'cli-progress';
import type { ScenarioResult } from './results.ts';
import type { Snapshot } from './run-scenario.ts';
import { micros } from './scenario-stats.ts';

/** One interval snapshot, plain JSON. Latency quantiles are over the measured requests so far. */
export interface ProgressSnapshot {
  scenario: string;
  phase: 'warmup' | 'measure';
  elapsed_s: number;
  /** Measured requests planned (null for a closed-model duration run). */
  planned: number | null;
  duration_s: number | null;
  completed: number;
  succeeded: number;
  failed: number;
  in_flight: number;
  p50_ms: number | null;
  p99_ms: number | null;
  requests_per_s: number;
}

/** What a run reports while it goes. */
export type LoadEvent =
  | { type: 'scenario-start'; scenario: string; index: number; count: number }
  | { type: 'snapshot'; snapshot: ProgressSnapshot }
  | { type: 'scenario-end'; result: ScenarioResult; index: number; count: number };

const orNull = (value: number): number | null => (Number.isFinite(value) ? micros(value) : null);

/** Turns the runner's live view into a plain snapshot. */
export function toProgressSnapshot(snapshot: Snapshot): ProgressSnapshot {
  const { stats } = snapshot;
  return {
    scenario: snapshot.scenario,
    phase: snapshot.phase,
    elapsed_s: Number(snapshot.elapsedS.toFixed(3)),
    planned: snapshot.total ?? null,
    duration_s: snapshot.durationS ?? null,
    completed: stats.completed,
    succeeded: stats.succeeded,
    failed: stats.failed,
    in_flight: snapshot.inFlight,
    p50_ms: orNull(stats.latency.quantile(0.5)),
    p99_ms: orNull(stats.latency.quantile(0.99)),
    requests_per_s:
      snapshot.phase === 'measure' && snapshot.elapsedS > 0
        ? Number((stats.completed / snapshot.elapsedS).toFixed(3))
        : 0,
  };
}

/** Writes each event as one JSON line. */
export function jsonProgress(write: (line: string) => void): (event: LoadEvent) => void {
  return (event) => {
    if (event.type === 'snapshot') write(`${JSON.stringify({ type: 'snapshot', ...event.snapshot })}\n`);
    else if (event.type === 'scenario-start') write(`${JSON.stringify(event)}\n`);
    else
      write(
        `${JSON.stringify({ type: 'scenario-end', index: event.index, count: event.count, scenario: event.result })}\n`,
      );
  };
}

const BAR_UNITS = 1000;

/** A progress bar per scenario on `stream` (a TTY); each finished bar stays as a line. */
export function barProgress(stream: NodeJS.WritableStream): { onEvent: (event: LoadEvent) => void; stop: () => void } {
  let bar: SingleBar | undefined;
  const stop = (): void => {
    bar?.stop();
    bar = undefined;
  };
  const onEvent = (event: LoadEvent): void => {
    if (event.type === 'scenario-start') {
      stop();
      bar = new SingleBar({
        stream,
        format: `[${event.index + 1}/${event.count}] {scenario} |{bar}| {done} req | {failed} err | p50 {p50} ms p99 {p99} ms | {phase}`,
        hideCursor: true,
        barsize: 24,
      });
      bar.start(BAR_UNITS, 0, { scenario: event.scenario, done: '0', failed: 0, p50: '-', p99: '-', phase: 'warm-up' });
    } else if (event.type === 'snapshot' && bar) {
      const s = event.snapshot;
      const fraction =
        s.phase === 'warmup' ? 0 : s.planned ? s.completed / s.planned : s.duration_s ? s.elapsed_s / s.duration_s : 0;
      bar.update(Math.min(BAR_UNITS, Math.round(fraction * BAR_UNITS)), {
        done: s.planned ? `${s.completed}/${s.planned}` : String(s.completed),
        failed: s.failed,
        p50: s.p50_ms === null ? '-' : s.p50_ms.toFixed(1),
        p99: s.p99_ms === null ? '-' : s.p99_ms.toFixed(1),
        phase: s.phase === 'warmup' ? 'warm-up' : `${s.in_flight} in flight`,
      });
    } else if (event.type === 'scenario-end' && bar) {
      const r = event.result;
      bar.update(BAR_UNITS, {
        done: String(r.requests),
        failed: r.failed,
        p50: r.latency_ms.p50 === null ? '-' : r.latency_ms.p50.toFixed(1),
        p99: r.latency_ms.p99 === null ? '-' : r.latency_ms.p99.toFixed(1),
        phase: 'done',
      });
      stop();
    }
  };
  return { onEvent, stop };
}
