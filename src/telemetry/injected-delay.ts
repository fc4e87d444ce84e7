/**
 * Planted slowness for `--inject-delay`: per request, a map from stage span name to extra
 * milliseconds spent inside that span, before its own work, so the delay is the span's self time
 * and not a child's. It imports nothing from OpenTelemetry: worker threads apply it too.
 */

/** Extra milliseconds per stage span name, for one request. */
export type InjectedDelays = Readonly<Record<string, number>>;

/** The delay `delays` plants in stage `name`, or 0. */
export function delayFor(delays: InjectedDelays | undefined, name: string): number {
  return delays !== undefined && Object.hasOwn(delays, name) ? delays[name]! : 0;
}

let sleeper: Int32Array | undefined;

/**
 * Holds the calling thread for `ms` without burning CPU (Atomics.wait: allowed in workers and, in
 * Node, on the main thread). Used where the stage's code is synchronous; the thread stays taken,
 * as it would be by slow code, but no core is burnt.
 */
export function holdThread(ms: number): void {
  sleeper ??= new Int32Array(new SharedArrayBuffer(4));
  const until = performance.now() + ms;
  for (let left = ms; left > 0; left = until - performance.now()) Atomics.wait(sleeper, 0, 0, left);
}
