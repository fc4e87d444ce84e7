/**
 * The stage API: `stage(SPAN.MEL_FFT, 'medium', () => fft(x))` runs a sync or async function as a
 * span nested under the active one. When tracing is off or the stage is finer than the configured
 * detail it is a plain call, so instrumented code costs next to nothing with tracing disabled.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import {
  type Attributes,
  type Context,
  context,
  createContextKey,
  type Span,
  SpanStatusCode,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import { handoffFrom, handoffTo, withHandoffs } from './handoff.ts';
import { delayFor, holdThread, type InjectedDelays } from './injected-delay.ts';
import { ATTR, DEFAULT_DETAIL, type Detail, detailRank } from './names.ts';
import { nowMs, type StageRecord } from './recorder.ts';
import { PACKAGE_VERSION } from './version.ts';

const TRACER_NAME = 'amanuensis-otel';

let tracer: Tracer = trace.getTracer(TRACER_NAME, PACKAGE_VERSION);
let maxRank = detailRank(DEFAULT_DETAIL);
let enabled = true;
let configuredDetail: Detail = DEFAULT_DETAIL;

/** Sets the detail level and whether stages make spans at all (false when the SDK is disabled). */
export function configureStages(options: { detail: Detail; enabled: boolean }): void {
  configuredDetail = options.detail;
  maxRank = detailRank(options.detail);
  enabled = options.enabled;
  tracer = trace.getTracer(TRACER_NAME, PACKAGE_VERSION);
}

/** The configured detail level, for code that hands it to workers. */
export function stageDetail(): Detail {
  return configuredDetail;
}

/** Whether stages are being traced at all. */
export function stagesEnabled(): boolean {
  return enabled;
}

const DELAYS_KEY = createContextKey('amanuensis.injected_delays');
// Read only once a delay plan exists, so stages pay no context lookup otherwise.
let delaysPlanned = false;

/** `ctx` carrying one request's `--inject-delay` plan; stages and pool tasks under it apply it. */
export function withInjectedDelays(ctx: Context, delays: InjectedDelays): Context {
  delaysPlanned = true;
  return ctx.setValue(DELAYS_KEY, delays);
}

/** The `--inject-delay` plan of the request `ctx` belongs to, if it has one. */
export function injectedDelays(ctx: Context = context.active()): InjectedDelays | undefined {
  return delaysPlanned ? (ctx.getValue(DELAYS_KEY) as InjectedDelays | undefined) : undefined;
}

/** `fn` preceded by `delayMs` of waiting: a timer for async stages (the event loop stays free), the thread held for sync ones. */
function delayed<T>(fn: (span: Span | undefined) => T, delayMs: number): (span: Span | undefined) => T {
  return (span) => {
    span?.setAttribute(ATTR.INJECTED_DELAY_MS, delayMs);
    if (fn.constructor.name === 'AsyncFunction') return sleep(delayMs).then(() => fn(span)) as T;
    holdThread(delayMs);
    return fn(span);
  };
}

function fail(span: Span, error: unknown): void {
  span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
  if (error instanceof Error) span.recordException({ name: error.name, message: error.message });
}

/**
 * Runs `fn` inside span `name` when `level` is within the configured detail. `fn` receives the
 * span (or undefined when none was made) to add attributes it learns while running. `startMs`
 * backdates the start (epoch ms) to when the stage really began, e.g. a request's arrival.
 */
export function stage<T>(
  name: string,
  level: Detail,
  fn: (span: Span | undefined) => T,
  attributes?: Attributes,
  startMs?: number,
): T {
  return runStage(name, level, fn, attributes, startMs, false);
}

/**
 * As `stage`, for a main-thread stage with no stages inside (a wait, rendering): the request's
 * time since its previous such leaf ended is recorded as a `request.handoff` span (see handoff.ts).
 */
export function leafStage<T>(
  name: string,
  level: Detail,
  fn: (span: Span | undefined) => T,
  attributes?: Attributes,
  startMs?: number,
): T {
  return runStage(name, level, fn, attributes, startMs, true);
}

function runStage<T>(
  name: string,
  level: Detail,
  fn: (span: Span | undefined) => T,
  attributes: Attributes | undefined,
  startMs: number | undefined,
  leaf: boolean,
): T {
  const delayMs = delaysPlanned ? delayFor(injectedDelays(), name) : 0;
  if (delayMs > 0) fn = delayed(fn, delayMs);
  if (!enabled || detailRank(level) > maxRank) return fn(undefined);
  // Both ends explicit and from nowMs(), the clock replayed worker stages use: the SDK's default
  // start is Date.now(), whole milliseconds, which would open sub-millisecond gaps between stages.
  const startTime = startMs ?? nowMs();
  const options = attributes ? { attributes, startTime } : { startTime };
  return tracer.startActiveSpan(name, options, (span) => {
    // The end's time is taken before the span processors run, so a leaf's handoff starts there.
    const finish = (): void => {
      const endMs = nowMs();
      span.end(endMs);
      if (leaf) handoffFrom(name, endMs);
    };
    let result: T;
    try {
      result = fn(span);
    } catch (error) {
      if (leaf) handoffTo(name, startTime);
      fail(span, error);
      finish();
      throw error;
    }
    // After `fn` has set the leaf's work or wait going: making the handoff span delays neither.
    if (leaf) handoffTo(name, startTime);
    if (result instanceof Promise) {
      return result.then(
        (value) => {
          finish();
          return value;
        },
        (error: unknown) => {
          fail(span, error);
          finish();
          throw error;
        },
      ) as T;
    }
    finish();
    return result;
  });
}

/**
 * `ctx` (a request's SERVER span context) with the request's handoffs between main-thread leaves
 * recorded as `request.handoff` spans, at `medium` detail and finer; `ctx` itself otherwise.
 */
export function withRequestHandoffs(ctx: Context): Context {
  return enabled && maxRank >= detailRank('medium') ? withHandoffs(ctx, tracer) : ctx;
}

/**
 * Turns stage records made in a worker (or by a device timeline) into spans with their recorded
 * start and end times, nested as recorded under `parent` (the active context by default).
 */
export function replaySpans(records: readonly StageRecord[], parent: Context = context.active()): void {
  if (!enabled || records.length === 0) return;
  const contexts: Context[] = new Array(records.length);
  const spans: Span[] = new Array(records.length);
  for (let i = 0; i < records.length; i++) {
    const record = records[i]!;
    const parentContext = record.parent >= 0 ? contexts[record.parent] : parent;
    if (!parentContext) continue;
    const options = record.attributes
      ? { startTime: record.startMs, attributes: record.attributes }
      : { startTime: record.startMs };
    const span = tracer.startSpan(record.name, options, parentContext);
    spans[i] = span;
    contexts[i] = trace.setSpan(parentContext, span);
  }
  // Children end before their parents, as they do live, so processors that subtract child time see them first.
  for (let i = records.length - 1; i >= 0; i--) spans[i]?.end(records[i]!.endMs);
}

/**
 * Opens span `name` from `startMs` for a wait whose end is not known yet, under `parent`; the
 * caller ends it with `span.end(nowMs())`. Made before the wait ends, its start's bookkeeping
 * falls inside it instead of after it. Undefined when the stage is not recorded.
 */
export function openStage(
  name: string,
  level: Detail,
  startMs: number,
  attributes?: Attributes,
  parent: Context = context.active(),
): Span | undefined {
  if (!enabled || detailRank(level) > maxRank) return undefined;
  return tracer.startSpan(name, attributes ? { startTime: startMs, attributes } : { startTime: startMs }, parent);
}

/** Start of the active span, epoch ms, when the SDK made it (a ReadableSpan); undefined otherwise. */
export function activeSpanStartMs(): number | undefined {
  const started = (trace.getActiveSpan() as { startTime?: unknown } | undefined)?.startTime;
  return Array.isArray(started) && started.length === 2 ? started[0] * 1e3 + started[1] / 1e6 : undefined;
}
