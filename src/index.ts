/**
 * The library: percentile rollups of span durations for any OpenTelemetry JS application, the
 * span summary document and its merge, the stage helpers, and the reports (report.html, the
 * terminal report, the comparison of two runs, the regression gate).
 *
 * ```ts
 * import { NodeSDK } from '@opentelemetry/sdk-node';
 * import { BatchSpanProcessor } from '@opentelemetry/sdk-trace';
 * import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
 * import { RollupSpanProcessor, compareRuns, readRunFolder, renderComparison } from 'amanuensis-otel';
 *
 * const rollups = new RollupSpanProcessor();
 * const sdk = new NodeSDK({ spanProcessors: [rollups, new BatchSpanProcessor({ exporter: new OTLPTraceExporter() })] });
 * sdk.start();
 * // later: p50..p99.9, self time and exemplar trace ids per span name and path
 * console.log(JSON.stringify(rollups.summary(), null, 2));
 * // what changed between two `amanuensis profile` runs
 * const [a, b] = await Promise.all([readRunFolder('results/A'), readRunFolder('results/B')]);
 * console.log(renderComparison(compareRuns(a, b), { labels: ['A', 'B'], color: false }));
 * ```
 */

export type { LiveFeedOptions } from './live/feed.ts';
export { createLiveRoutes, type LiveRoutes, withLiveRoutes } from './live/routes.ts';
export type { LiveSnapshot } from './live/snapshot.ts';
export type { LoadResults } from './loadgen/results.ts';
export {
  type CompareOptions,
  type ComparisonTextOptions,
  compareRuns,
  type RunComparison,
  renderComparison,
} from './report/compare.ts';
export {
  type GateFigure,
  type GateInput,
  type GateOptions,
  type GateResult,
  type GateVerdict,
  gateRuns,
} from './report/gate.ts';
export { readGateInput } from './report/gate-input.ts';
export { type NoiseDocument, readNoiseFile } from './report/gate-noise-file.ts';
export { type GateTextOptions, gateJson, renderGate } from './report/gate-text.ts';
export { renderReportHtml } from './report/html.ts';
export type { LabelledRun, ReportInput, ReportRun, RunDocuments } from './report/input.ts';
export { readRunFolder } from './report/run-folder.ts';
export { renderTerminalReport, type TerminalOptions } from './report/terminal-profile.ts';
export type {
  Exemplar,
  KeptSpan,
  KeptTrace,
  PathEntry,
  RequestBucket,
  RequestEntry,
  RequestState,
  ResourceEntry,
  SpanEntry,
  SpanStatistics,
  SpanSummaryDocument,
  TailAttribution,
  TailStage,
} from './rollup/document.ts';
export { mergeSummaries, SummaryMergeError } from './rollup/merge.ts';
export { createSpanMetrics, type SpanMetrics, type SpanMetricsOptions } from './rollup/metrics.ts';
export { RollupSpanProcessor, type RollupSpanProcessorOptions, type SummaryOptions } from './rollup/processor.ts';
export { LogHistogram } from './rollup/sketch.ts';
export { type SummaryDifference, subtractSummary } from './rollup/subtract.ts';
export { type SummaryWriter, type SummaryWriterOptions, startSummaryWriter } from './rollup/writer.ts';
export { ATTR, type Detail, SPAN } from './telemetry/names.ts';
export { type StageAttributes, type StageRecord, StageRecorder } from './telemetry/recorder.ts';
export { ResourceMeter, type ResourceReading, type ResourceSource } from './telemetry/resource-meter.ts';
export { configureStages, replaySpans, stage } from './telemetry/stage.ts';
