/**
 * Reading the span summary's request attribution: which root to show, and the one line that says
 * why the tail is slow ("p95+ requests are +412 ms: worker.queue_wait +380 ms (92 %)"). The HTML
 * report, the terminal report and `summary show` all print this same line.
 */
import type {
  KeptTrace,
  RequestEntry,
  ResourceEntry,
  SpanSummaryDocument,
  TailAttribution,
  TailStage,
} from '../rollup/document.ts';

/** Stages named in the line: the first always, more until they explain this much of the extra time. */
const EXPLAINED_SHARE = 0.8;
const MAX_STAGES_NAMED = 3;
/**
 * Differences below this are rounding, not time: when the slow and the baseline requests share a
 * root-duration bucket their means differ only in the last bits, and a line would read "+0.00 ms".
 */
const NOISE_MS = 0.005;

/**
 * The document's request entries. Summaries written before attribution existed have no
 * `requests` field at all, and the validator accepts them, so the type's promise is not kept here.
 */
export function requestEntries(summary: SpanSummaryDocument): RequestEntry[] {
  return (summary as Partial<SpanSummaryDocument>).requests ?? [];
}

/** The document's resources; empty for summaries written before resources existed. */
export function resourceEntries(summary: SpanSummaryDocument): ResourceEntry[] {
  return (summary as Partial<SpanSummaryDocument>).resources ?? [];
}

/** The entry of the root that most requests have (the service's SERVER span), if any. */
export function mainRequests(summary: SpanSummaryDocument): RequestEntry | undefined {
  return [...requestEntries(summary)].sort((a, b) => b.count - a.count)[0];
}

/** The slowest kept request of the main root, or undefined when the summary keeps none. */
export function slowestKept(summary: SpanSummaryDocument): KeptTrace | undefined {
  return mainRequests(summary)?.slowest[0];
}

/** A kept request near the median of the main root, or undefined when the summary keeps none. */
export function typicalKept(summary: SpanSummaryDocument): KeptTrace | undefined {
  return mainRequests(summary)?.typical[0];
}

/**
 * How much longer the slow requests' root is than the baseline's. `share` is defined as
 * delta / that difference, so any stage with a share gives it back; the sum of the deltas is
 * the fallback (self times add up to the root when nothing runs concurrently).
 */
export function tailExtraMs(tail: TailAttribution): number {
  const anchor = tail.stages.find((stage) => Math.abs(stage.share) > 1e-9);
  return anchor ? anchor.delta_ms / anchor.share : tail.stages.reduce((sum, stage) => sum + stage.delta_ms, 0);
}

/** `+412 ms`, `+3.2 ms`, `-0.40 ms`: whole milliseconds once they are large enough to read so. */
function signedMs(value: number): string {
  const size = Math.abs(value);
  const digits = size >= 100 ? 0 : size >= 10 ? 1 : 2;
  return `${value < 0 ? '-' : '+'}${size.toFixed(digits)} ms`;
}

/** `92 %` for 0.92. */
export function percent(fraction: number): string {
  return `${Math.round(fraction * 100)} %`;
}

/** `p95`, `p99.9`. */
export function quantileName(quantile: number): string {
  return `p${Number((quantile * 100).toFixed(1))}`;
}

/** The stages that explain most of the tail: positive deltas, largest first. */
export function namedStages(tail: TailAttribution): TailStage[] {
  const named: TailStage[] = [];
  let explained = 0;
  for (const stage of tail.stages) {
    if (stage.delta_ms < NOISE_MS || named.length === MAX_STAGES_NAMED) break;
    if (named.length > 0 && explained >= EXPLAINED_SHARE) break;
    named.push(stage);
    explained += stage.share;
  }
  return named;
}

/** The line: e.g. `p95+ requests are +412 ms: worker.queue_wait +380 ms (92 %)`. */
export function tailLine(tail: TailAttribution): string {
  const slow = `${quantileName(tail.slow_quantile)}+ requests`;
  if (tail.slow_count === 0 || tail.baseline_count === 0)
    return `${slow}: too few requests to compare with the median ones`;
  const extra = tailExtraMs(tail);
  if (extra < NOISE_MS) return `${slow} are no slower than the median ones`;
  const stages = namedStages(tail).map(
    (stage) => `${stage.name} ${signedMs(stage.delta_ms)} (${percent(stage.share)})`,
  );
  return `${slow} are ${signedMs(extra)}: ${stages.length > 0 ? stages.join(', ') : 'no stage stands out'}`;
}

/** The unattributed time at p99, e.g. `unattributed time p99 3 % of a request (4.1 ms)`. */
export function unattributedLine(entry: RequestEntry): string {
  return `unattributed time p99 ${percent(entry.unattributed_share.p99)} of a request (${entry.unattributed_ms.p99.toFixed(1)} ms)`;
}

/** Everything about one root in one line: its name, count, the tail line and the unattributed share. */
export function requestLine(entry: RequestEntry): string {
  return `${entry.root} (${entry.count} requests): ${tailLine(entry.tail)}; ${unattributedLine(entry)}`;
}
