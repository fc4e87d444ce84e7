/**
 * The bucket bounds of `amanuensis_span_duration_seconds`, chosen for this pipeline, and the index
 * of the bucket a duration falls in (the same rule sdk-metrics uses, so exemplars sit on the
 * bucket that counted their span).
 *
 * 35 finite bounds + `+Inf` + `_sum` + `_count` = 38 series per span name, under the 40 a
 * Prometheus operator accepts for one histogram. Where the pipeline's spans live the bounds are
 * dense; where few spans live they are sparse:
 * - 50 µs .. 0.5 ms, 4 bounds: worker.queue_wait, worker.reply, response.render and the mel
 *   normalize step are tens to hundreds of microseconds; they matter only when they stop being small.
 * - 1 ms .. 10 s, 25 bounds of a 1-1.5-2-3-5-7.5 series (at most 1.67x apart): the mel FFT, NPU
 *   transfers and kernels (milliseconds), decoder steps, whole encoder and decoder passes and
 *   `transcribe` (tens of milliseconds to seconds). histogram_quantile then lands within one such
 *   bucket of the true quantile.
 * - 20 s .. 600 s, 6 bounds: long audio, slow uploads (a request may upload for up to 120 s) and
 *   the 600 s audio limit, so nothing real piles up in `+Inf`.
 * The precise quantiles (1 % relative error) are in span-summary.json; these buckets are for
 * alerts and graphs.
 */

/** Upper bounds in seconds, ascending. */
export const SPAN_DURATION_BOUNDS_S: readonly number[] = Object.freeze([
  0.00005, 0.0001, 0.00025, 0.0005,
  0.001, 0.0015, 0.002, 0.003, 0.005, 0.0075,
  0.01, 0.015, 0.02, 0.03, 0.05, 0.075,
  0.1, 0.15, 0.2, 0.3, 0.5, 0.75,
  1, 1.5, 2, 3, 5, 7.5, 10,
  20, 30, 60, 120, 300, 600,
]);

/** Buckets including `+Inf`. */
export const SPAN_DURATION_BUCKETS = SPAN_DURATION_BOUNDS_S.length + 1;

/**
 * The bucket of `seconds`: the first bound >= it (buckets are `(previous, bound]`, as `le` reads),
 * or SPAN_DURATION_BOUNDS_S.length for `+Inf`. A binary search of 6 steps.
 */
export function durationBucket(seconds: number, bounds: readonly number[] = SPAN_DURATION_BOUNDS_S): number {
  let lo = 0;
  let hi = bounds.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (bounds[mid]! < seconds) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
