/**
 * The main thread carrying one request from one step to the next, as `request.handoff` spans.
 * Between the end of a main-thread leaf span (a wait, a worker's answer, rendering) and the start
 * of the next, the event loop ends the finished stage's spans (the span processors run then),
 * starts the next stage's, builds its task, and runs whatever else is ready meanwhile. That time
 * is real work for the request; without a span it would be a gap in it that nothing names.
 *
 * A request opts in with `withHandoffs` (its SERVER span's context); the code that opens and ends
 * its main-thread leaves reports their times with `handoffFrom` and `handoffTo`. Outside such a
 * request (tests of single stages, coarse detail) both are no-ops.
 */
import { type Context, context, createContextKey, type Tracer } from '@opentelemetry/api';
import { ATTR, SPAN } from './names.ts';

const HANDOFF_KEY = createContextKey('amanuensis.handoff');

/** One request's position between its leaves: where the last one ended, if no other began since. */
class Handoffs {
  readonly #tracer: Tracer;
  readonly #parent: Context;
  #endMs: number | undefined;
  #from = '';

  constructor(tracer: Tracer, parent: Context) {
    this.#tracer = tracer;
    this.#parent = parent;
  }

  ended(name: string, endMs: number): void {
    if (this.#endMs !== undefined && endMs <= this.#endMs) return;
    this.#endMs = endMs;
    this.#from = name;
  }

  starting(name: string, startMs: number): void {
    const endMs = this.#endMs;
    this.#endMs = undefined;
    if (endMs === undefined || startMs <= endMs) return;
    this.#tracer
      .startSpan(
        SPAN.REQUEST_HANDOFF,
        { startTime: endMs, attributes: { [ATTR.HANDOFF_FROM]: this.#from, [ATTR.HANDOFF_TO]: name } },
        this.#parent,
      )
      .end(startMs);
  }
}

/** `ctx` (a request's SERVER span context) with its handoffs recorded as spans under it by `tracer`. */
export function withHandoffs(ctx: Context, tracer: Tracer): Context {
  return ctx.setValue(HANDOFF_KEY, new Handoffs(tracer, ctx));
}

/** A main-thread leaf span `name` of the request `ctx` belongs to ended at `endMs` (epoch ms). */
export function handoffFrom(name: string, endMs: number, ctx: Context = context.active()): void {
  (ctx.getValue(HANDOFF_KEY) as Handoffs | undefined)?.ended(name, endMs);
}

/**
 * A main-thread leaf span `name` of the request began at `startMs`: the time since the previous
 * leaf ended becomes a `request.handoff` span. Call it once the leaf's own work or wait has been
 * set going, so making the span costs the request no latency.
 */
export function handoffTo(name: string, startMs: number, ctx: Context = context.active()): void {
  (ctx.getValue(HANDOFF_KEY) as Handoffs | undefined)?.starting(name, startMs);
}
