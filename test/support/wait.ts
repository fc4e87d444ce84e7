/**
 * The one way tests poll: for state that announces nothing (a file another process rewrites, a
 * server's /health, Prometheus's API), check it until it is ready or a deadline passes. The
 * deadline turns a stuck state into a failure that names what was awaited and what was seen last,
 * instead of a hang that only the runner's timeout ends. Where something does announce itself (a
 * log line, a child's exit, a response), tests wait for that event instead.
 */
import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import { inspect } from 'node:util';

export interface WaitOptions<T> {
  /** How long to keep checking (default 20 s, generous for a loaded machine). */
  timeoutMs?: number;
  /** Pause between checks (default 50 ms). */
  intervalMs?: number;
  /** Whether a value is the awaited one; by default any value but `undefined` and `false`. */
  until?: (value: T) => boolean;
  /**
   * Treat a thrown error as "not yet" (a server still starting refuses connections) rather than
   * failing at once; the last error is reported at the deadline.
   */
  retryErrors?: boolean;
}

const DEFAULT_TIMEOUT_MS = 20_000;
const DEFAULT_INTERVAL_MS = 50;
/** Enough of the last value to see why it was not the awaited one, not a screenful. */
const MAX_SEEN_CHARS = 1000;

function ready<T>(value: T): boolean {
  return value !== undefined && value !== false;
}

function describeLast(seen: { value: unknown } | undefined, error: unknown): string {
  if (error !== undefined) return `last error: ${error instanceof Error ? error.message : String(error)}`;
  if (seen === undefined) return 'nothing seen';
  const text = inspect(seen.value, { depth: 4, breakLength: Number.POSITIVE_INFINITY });
  return `last seen: ${text.length > MAX_SEEN_CHARS ? `${text.slice(0, MAX_SEEN_CHARS)}...` : text}`;
}

/**
 * Calls `check` until its value is the awaited one (see `until`) and returns that value; fails the
 * test naming `what` and the last value (or error) once `timeoutMs` has passed. `check` runs once
 * more at the deadline, so a slow machine never fails a check it would have passed.
 */
export function waitUntil<T, U extends T>(
  what: string,
  check: () => T | Promise<T>,
  options: WaitOptions<T> & { until: (value: T) => value is U },
): Promise<U>;
export function waitUntil<T>(
  what: string,
  check: () => T | Promise<T>,
  options: WaitOptions<T> & { until: (value: T) => boolean },
): Promise<T>;
export function waitUntil<T>(
  what: string,
  check: () => T | Promise<T>,
  options?: Omit<WaitOptions<T>, 'until'>,
): Promise<Exclude<T, undefined | false>>;
export async function waitUntil<T>(
  what: string,
  check: () => T | Promise<T>,
  options: WaitOptions<T> = {},
): Promise<T> {
  const {
    timeoutMs = DEFAULT_TIMEOUT_MS,
    intervalMs = DEFAULT_INTERVAL_MS,
    until = ready,
    retryErrors = false,
  } = options;
  const deadline = Date.now() + timeoutMs;
  let seen: { value: T } | undefined;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      seen = { value };
      lastError = undefined;
      if (until(value)) return value;
    } catch (error) {
      if (!retryErrors) throw error;
      lastError = error;
    }
    if (Date.now() >= deadline)
      assert.fail(`timed out after ${timeoutMs} ms waiting for ${what}; ${describeLast(seen, lastError)}`);
    await delay(Math.min(intervalMs, Math.max(0, deadline - Date.now())));
  }
}
