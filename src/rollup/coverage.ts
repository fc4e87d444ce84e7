/**
 * How much of a request's root span its leaf spans cover: the length of the union of the leaves'
 * intervals, clipped to the root. The root's duration minus this is the request's unattributed
 * time (time no stage claims: a gap between stages, or work nobody made a span for).
 */

/** Orders the n intervals by start, in place (starts and ends move together). */
function sortByStart(starts: Float64Array, ends: Float64Array, n: number): void {
  // The aggregator's depth-first walk lists siblings latest first, so for stages that run one
  // after another the reversed list is already in order and insertion sort does one pass.
  for (let i = 0, j = n - 1; i < j; i++, j--) {
    const s = starts[i]!;
    starts[i] = starts[j]!;
    starts[j] = s;
    const e = ends[i]!;
    ends[i] = ends[j]!;
    ends[j] = e;
  }
  let inversions = 0;
  for (let i = 1; i < n; i++) if (starts[i]! < starts[i - 1]!) inversions++;
  if (inversions === 0) return;
  if (inversions > 32) {
    // Many leaves running side by side: a general sort rather than insertion sort's O(n^2).
    const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => starts[a]! - starts[b]!);
    const s = order.map((i) => starts[i]!);
    const e = order.map((i) => ends[i]!);
    starts.set(s);
    ends.set(e);
    return;
  }
  for (let i = 1; i < n; i++) {
    const s = starts[i]!;
    const e = ends[i]!;
    let j = i - 1;
    for (; j >= 0 && starts[j]! > s; j--) {
      starts[j + 1] = starts[j]!;
      ends[j + 1] = ends[j]!;
    }
    starts[j + 1] = s;
    ends[j + 1] = e;
  }
}

/**
 * The time within [fromMs, toMs] covered by at least one of the n intervals [starts[i], ends[i]]
 * (overlaps counted once). Reorders the arrays.
 */
export function coveredMs(starts: Float64Array, ends: Float64Array, n: number, fromMs: number, toMs: number): number {
  sortByStart(starts, ends, n);
  let covered = 0;
  let runStart = 0;
  let runEnd = -Infinity;
  for (let i = 0; i < n; i++) {
    const start = Math.max(starts[i]!, fromMs);
    const end = Math.min(ends[i]!, toMs);
    if (end <= start) continue;
    if (start > runEnd) {
      if (runEnd > runStart) covered += runEnd - runStart;
      runStart = start;
      runEnd = end;
    } else if (end > runEnd) {
      runEnd = end;
    }
  }
  if (runEnd > runStart) covered += runEnd - runStart;
  return covered;
}
