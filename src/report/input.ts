/**
 * What the reports read: one or more labelled runs (a span summary and the load results of the
 * same run each, or either alone), and where Jaeger is, so the slowest traces can be linked.
 */
import type { LoadResults } from '../loadgen/results.ts';
import type { SpanSummaryDocument } from '../rollup/document.ts';

/** The two documents of one run folder (`results/<timestamp>/`). */
export interface RunDocuments {
  summary: SpanSummaryDocument;
  load: LoadResults;
}

/** One run, named for the reader (e.g. `fused`, `matmul`). */
export interface LabelledRun extends RunDocuments {
  label: string;
}

/**
 * One run as the reports take it: either document may be missing (load results alone from a
 * target that sends its spans nowhere; a span summary alone from `collect`). Every panel that
 * needs the missing document says so instead of drawing.
 */
export interface ReportRun {
  label: string;
  summary?: SpanSummaryDocument | undefined;
  load?: LoadResults | undefined;
}

/** Whether a run has both documents (a comparison needs both). */
export function isComplete(run: ReportRun): run is LabelledRun {
  return run.summary !== undefined && run.load !== undefined;
}

export interface ReportInput {
  /** At least one run; with two or more, the first is the baseline the others are compared with. */
  runs: ReportRun[];
  /** Base URL of the Jaeger UI; default {@link DEFAULT_JAEGER_URL}. */
  jaegerUrl?: string;
  /** Whether Jaeger answered when the run was made; when false the report says how to start it. */
  jaegerReachable: boolean;
  /** When the report was made (ISO-8601); default now. */
  generatedAt?: string;
}

export const DEFAULT_JAEGER_URL = 'http://localhost:16686';

/** The hint printed next to trace links when Jaeger was not reachable. */
export const JAEGER_HINT =
  'Jaeger was not reachable during this run: start Jaeger with `docker compose up jaeger` to open these';

const TRACE_ID = /^[0-9a-f]{32}$/;

/** The Jaeger UI address of a trace, or undefined for something that is not a W3C trace id. */
export function traceUrl(jaegerUrl: string | undefined, traceId: string | null | undefined): string | undefined {
  if (!traceId || !TRACE_ID.test(traceId)) return undefined;
  return `${(jaegerUrl ?? DEFAULT_JAEGER_URL).replace(/\/+$/, '')}/trace/${traceId}`;
}
