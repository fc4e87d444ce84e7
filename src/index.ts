/**
 * The library: percentile rollups of span durations for any OpenTelemetry JS application, the
 * span summary document and its merge, and the stage helpers.
 *
 * ```ts
 * import { NodeSDK } from '@opentelemetry/sdk-node';
 * import { BatchSpanProcessor } from '@opentelemetry/sdk-trace';
 * import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
 * import { RollupSpanProcessor } from 'amanuensis-otel';
 *
 * const rollups = new RollupSpanProcessor({ serviceName: 'checkout' });
 * const sdk = new NodeSDK({ spanProcessors: [rollups, new BatchSpanProcessor({ exporter: new OTLPTraceExporter() })] });
 * sdk.start();
 * // later: p50..p99.9, self time and exemplar trace ids per span name and path
 * console.log(JSON.stringify(rollups.summary(), null, 2));
 * ```
 */
export { RollupSpanProcessor, type RollupSpanProcessorOptions, type SummaryOptions } from './rollup/processor.ts';
export { mergeSummaries, SummaryMergeError } from './rollup/merge.ts';
export { LogHistogram } from './rollup/sketch.ts';
export { startSummaryWriter, type SummaryWriter, type SummaryWriterOptions } from './rollup/writer.ts';
export { createSpanMetrics, type SpanMetrics, type SpanMetricsOptions } from './rollup/metrics.ts';
export type { Exemplar, PathEntry, SpanEntry, SpanStatistics, SpanSummaryDocument } from './rollup/document.ts';
export { configureStages, replaySpans, stage } from './telemetry/stage.ts';
export { StageRecorder, type StageAttributes, type StageRecord } from './telemetry/recorder.ts';
export { SPAN, ATTR, type Detail } from './telemetry/names.ts';
