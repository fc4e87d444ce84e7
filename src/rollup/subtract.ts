/**
 * subtractSummary: the request attribution and resources of the time between two cumulative
 * summaries of one process (taken before and after a load scenario, say). The request states'
 * sketches and bucket sums subtract exactly, so the difference's unattributed time and tail are
 * those of exactly the requests in between, as one processor would have reported them.
 *
 * Kept traces cannot be subtracted: the difference keeps the traces `after` holds and `before`
 * does not, which are requests from in between, but only those that made the cumulative lists
 * (a scenario faster than an earlier one has no slowest of its own there).
 */
import type { RequestEntry, ResourceEntry, SpanSummaryDocument } from './document.ts';
import { RequestStats } from './request-stats.ts';
import { subtractResourceEntries } from './resource-entries.ts';
import { requestEntry } from './tail.ts';
import { validateSummary } from './validate.ts';

/** What changed between two cumulative summaries. */
export interface SummaryDifference {
  /** From `before`'s end to `after`'s end. */
  window: { start: string; end: string };
  /** Per root name with requests in between. */
  requests: RequestEntry[];
  resources: ResourceEntry[];
}

/**
 * `after` minus `before`: two cumulative documents of the same processor, `before` taken first
 * (no reset in between). Throws an Error naming the entry when they do not nest (a count would go
 * negative), or when an entry has no state to subtract.
 */
export function subtractSummary(after: SpanSummaryDocument, before: SpanSummaryDocument): SummaryDifference {
  const later = validateSummary(after);
  const earlier = validateSummary(before);
  const old = new Map(earlier.requests.map((entry) => [entry.root, entry]));
  const requests: RequestEntry[] = [];
  for (const entry of later.requests) {
    const previous = old.get(entry.root);
    try {
      const stats = RequestStats.fromEntry(entry);
      const difference = previous ? RequestStats.difference(stats, RequestStats.fromEntry(previous)) : stats;
      if (difference.count > 0) requests.push(requestEntry(difference, entry.tail.slow_quantile));
    } catch (error) {
      throw new Error(
        `requests ${JSON.stringify(entry.root)}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
  return {
    window: { start: earlier.window.end, end: later.window.end },
    requests,
    resources: subtractResourceEntries(later.resources, earlier.resources),
  };
}
