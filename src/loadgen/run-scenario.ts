/**
 * Runs one scenario: warm-up (excluded from every statistic), then the measured phase.
 * Closed model: N streams, each sending its next request when the previous one finished.
 * Open model: requests at evenly spaced intended start times t0 + i/R whatever the server does,
 * so latency is measured from the intended start (coordinated-omission corrected) as well as from
 * the actual send (service time). With a cap on requests in flight, a request due while the cap
 * is reached waits for a place, in order, and counts as late.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Attributes } from '@opentelemetry/api';
import { ATTR, SPAN } from '../telemetry/names.ts';
import type { PreparedAudio } from './audio.ts';
import { ClientSpans } from './client-spans.ts';
import type { TargetClient } from './http-client.ts';
import { DEFAULT_PATH } from './option-values.ts';
import { audioLabel, type ScenarioSpec } from './options.ts';
import { ScenarioStats } from './scenario-stats.ts';

/** A live view of a running scenario, for progress displays. */
export interface Snapshot {
  scenario: string;
  phase: 'warmup' | 'measure';
  elapsedS: number;
  /** Measured requests planned, when known up front. */
  total: number | undefined;
  /** Seconds the measured phase lasts, for duration runs. */
  durationS: number | undefined;
  inFlight: number;
  stats: ScenarioStats;
}

export interface RunContext {
  client: TargetClient;
  /** The transcription path below the base URL (default `/v1/audio/transcriptions`). */
  path?: string;
  audio: PreparedAudio;
  spans: ClientSpans;
  /** Extra request headers (e.g. authorization). */
  headers: Record<string, string>;
  onSnapshot?: (snapshot: Snapshot) => void;
  snapshotIntervalMs?: number;
  /** Runs after the warm-up finished and before the first measured request (e.g. a server summary). */
  beforeMeasure?: () => Promise<void>;
}

/** What one scenario measured. */
export interface ScenarioRun {
  spec: ScenarioSpec;
  stats: ScenarioStats;
  wallS: number;
  /** The client's own event-loop delay during the measured phase, ms. */
  eventLoopDelayP99Ms: number;
  eventLoopDelayMaxMs: number;
}

const EVENT_LOOP_RESOLUTION_MS = 5;

function sleepUntil(atMs: number): Promise<void> {
  const waitMs = atMs - performance.now();
  return new Promise((resolve) => (waitMs >= 1 ? setTimeout(resolve, waitMs) : setImmediate(resolve)));
}

/** Sends requests and records them; shared by both models. */
class Sender {
  inFlight = 0;
  measuring = false;
  readonly stats = new ScenarioStats();
  readonly #context: RunContext;
  readonly #url: string;
  readonly #path: string;
  readonly #attributes: Attributes[];
  /** Per clip: the caller's headers and the clip's content type. */
  readonly #headers: Record<string, string>[];
  readonly #limit: number;
  /** Requests due while the cap was reached, oldest first, from `#waitingHead` on. */
  #waiting: Array<{ index: number; intendedAtMs: number }> = [];
  #waitingHead = 0;
  #idle: (() => void) | undefined;

  constructor(spec: ScenarioSpec, context: RunContext) {
    this.#context = context;
    this.#limit = spec.maxInFlight ?? Infinity;
    this.#path = context.path ?? DEFAULT_PATH;
    this.#url = context.client.url(this.#path);
    this.#headers = context.audio.clips.map((clip) => ({ ...context.headers, 'content-type': clip.contentType }));
    const base = {
      ...ClientSpans.httpAttributes('POST', this.#url),
      [ATTR.LOADGEN_SCENARIO]: spec.name,
      [ATTR.LOADGEN_AUDIO]: audioLabel(spec.audio),
    };
    // One attribute object per stream and phase, made once: the SDK copies them.
    const streams = spec.streams ?? 1;
    this.#attributes = [];
    for (const warmup of [false, true]) {
      for (let stream = 0; stream < streams; stream++) {
        this.#attributes.push({
          ...base,
          ...(spec.streams ? { [ATTR.LOADGEN_STREAM]: stream } : {}),
          [ATTR.LOADGEN_WARMUP]: warmup,
        });
      }
    }
  }

  /** Open model: sends request `index` now if a place is free, else queues it as late. */
  offer(index: number, intendedAtMs: number): void {
    if (this.inFlight < this.#limit) {
      void this.send(index, 0, intendedAtMs);
      return;
    }
    this.#waiting.push({ index, intendedAtMs });
    if (this.measuring) this.stats.late++;
  }

  /** Sends request `index` now; `intendedAtMs` is its scheduled start (open model). */
  async send(index: number, stream: number, intendedAtMs?: number): Promise<void> {
    const clips = this.#context.audio.clips;
    const which = index % clips.length;
    const clip = clips[which]!;
    // Without a span nothing is injected, so the clip's fixed headers can be shared.
    const fixed = this.#headers[which]!;
    const headers = this.#context.spans.enabled ? { ...fixed } : fixed;
    const measured = this.measuring;
    const streams = this.#attributes.length / 2;
    const span = this.#context.spans.start(
      SPAN.LOADGEN_REQUEST,
      this.#attributes[(measured ? 0 : streams) + stream]!,
      headers,
    );
    this.inFlight++;
    const sentAtMs = performance.now();
    const outcome = await this.#context.client.send({
      method: 'POST',
      path: this.#path,
      headers,
      body: clip.body,
      check: 'transcription',
    });
    ClientSpans.end(span, outcome);
    if (measured) {
      this.stats.record({
        ok: outcome.ok,
        failure: outcome.failure,
        intendedAtMs: intendedAtMs ?? sentAtMs,
        sentAtMs,
        headersAtMs: outcome.headersAtMs,
        endAtMs: outcome.endAtMs,
        audioS: clip.durationS ?? outcome.answerDurationS ?? null,
        traceId: ClientSpans.traceId(span),
        traceResponse: outcome.traceResponse,
      });
    }
    this.inFlight--;
    if (this.#waitingHead < this.#waiting.length) {
      const next = this.#waiting[this.#waitingHead++]!;
      if (this.#waitingHead === this.#waiting.length) {
        this.#waiting = [];
        this.#waitingHead = 0;
      }
      void this.send(next.index, 0, next.intendedAtMs);
    }
    if (this.inFlight === 0 && this.#idle) this.#idle();
  }

  /** Resolves when nothing is in flight (and nothing waits for a place). */
  idle(): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => {
      this.#idle = () => {
        this.#idle = undefined;
        resolve();
      };
    });
  }
}

async function closedStreams(sender: Sender, streams: number, shouldSend: () => number | undefined): Promise<void> {
  const loop = async (stream: number): Promise<void> => {
    for (let index = shouldSend(); index !== undefined; index = shouldSend()) await sender.send(index, stream);
  };
  await Promise.all(Array.from({ length: streams }, (_, stream) => loop(stream)));
}

async function openArrivals(sender: Sender, rate: number, count: number, firstIndex: number): Promise<void> {
  const intervalMs = 1000 / rate;
  const t0 = performance.now();
  for (let i = 0; i < count; ) {
    const now = performance.now();
    // Everything already due goes out now, each keeping its own intended start.
    while (i < count && t0 + i * intervalMs <= now) {
      sender.offer(firstIndex + i, t0 + i * intervalMs);
      i++;
    }
    if (i < count) await sleepUntil(t0 + i * intervalMs);
  }
  await sender.idle();
}

/** The current phase and when it began (performance.now() ms). */
type Phase = { ms: number; phase: 'warmup' | 'measure' };

/** Runs `spec` to completion (every sent request finished or timed out). */
export async function runScenario(spec: ScenarioSpec, context: RunContext): Promise<ScenarioRun> {
  const sender = new Sender(spec, context);
  const phaseStart: Phase = { ms: performance.now(), phase: 'warmup' };
  const snapshot = (): void =>
    context.onSnapshot!({
      scenario: spec.name,
      phase: phaseStart.phase,
      elapsedS: (performance.now() - phaseStart.ms) / 1000,
      total:
        spec.model === 'open' && spec.durationS !== undefined ? Math.round(spec.rate! * spec.durationS) : spec.requests,
      durationS: spec.durationS,
      inFlight: sender.inFlight,
      stats: sender.stats,
    });
  const interval = context.onSnapshot ? setInterval(snapshot, context.snapshotIntervalMs ?? 1000) : undefined;
  try {
    const run =
      spec.model === 'open'
        ? await runOpen(spec, sender, context, phaseStart)
        : await runClosed(spec, sender, context, phaseStart);
    if (context.onSnapshot) snapshot();
    return run;
  } finally {
    if (interval) clearInterval(interval);
  }
}

async function runOpen(spec: ScenarioSpec, sender: Sender, context: RunContext, phase: Phase): Promise<ScenarioRun> {
  const rate = spec.rate!;
  if (spec.warmup > 0) await openArrivals(sender, rate, spec.warmup, 0);
  await context.beforeMeasure?.();
  const count = spec.requests ?? Math.max(1, Math.round(rate * spec.durationS!));
  return measure(spec, sender, phase, () => openArrivals(sender, rate, count, spec.warmup));
}

async function runClosed(spec: ScenarioSpec, sender: Sender, context: RunContext, phase: Phase): Promise<ScenarioRun> {
  const streams = spec.streams!;
  let next = 0;
  if (spec.warmup > 0)
    await closedStreams(sender, Math.min(streams, spec.warmup), () => (next < spec.warmup ? next++ : undefined));
  await context.beforeMeasure?.();
  return measure(spec, sender, phase, () => {
    const deadlineMs = spec.durationS !== undefined ? performance.now() + spec.durationS * 1000 : Infinity;
    const last = spec.requests !== undefined ? spec.warmup + spec.requests : Infinity;
    return closedStreams(sender, streams, () => (next < last && performance.now() < deadlineMs ? next++ : undefined));
  });
}

async function measure(
  spec: ScenarioSpec,
  sender: Sender,
  phaseStart: Phase,
  run: () => Promise<void>,
): Promise<ScenarioRun> {
  const loop = monitorEventLoopDelay({ resolution: EVENT_LOOP_RESOLUTION_MS });
  sender.measuring = true;
  phaseStart.phase = 'measure';
  phaseStart.ms = performance.now();
  sender.stats.measureStartMs = phaseStart.ms;
  loop.enable();
  await run();
  const wallS = (performance.now() - phaseStart.ms) / 1000;
  loop.disable();
  // The histogram counts the timer's own resolution as delay; report only the excess.
  const excessMs = (ns: number): number => Math.max(0, ns / 1e6 - EVENT_LOOP_RESOLUTION_MS);
  return {
    spec,
    stats: sender.stats,
    wallS,
    eventLoopDelayP99Ms: loop.count > 0 ? excessMs(loop.percentile(99)) : 0,
    eventLoopDelayMaxMs: loop.count > 0 ? excessMs(loop.max) : 0,
  };
}
