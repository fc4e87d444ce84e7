/**
 * `startCollector`: an OTLP trace receiver on the rollup engine, for `amanuensis collect` and for
 * `profile --target --collect`. Spans of a trace wait (bounded) until the trace has been quiet for
 * the completion wait, then the trace is rolled up as the in-process processor would: each local
 * root with its tree (docs/collect.md).
 */
import type { AddressInfo } from 'node:net';
import { createLiveRoutes } from '../live/routes.ts';
import type { SpanSummaryDocument } from '../rollup/document.ts';
import { createSpanMetrics, type SpanMetrics } from '../rollup/metrics.ts';
import { RollupEngine, type RollupEngineOptions, type SummaryOptions } from '../rollup/rollup-engine.ts';
import { collectCounters } from './counters.ts';
import { Forwarder } from './forwarder.ts';
import { startGrpcReceiver, stopGrpcReceiver } from './grpc-receiver.ts';
import { createHttpReceiver, type RawExport } from './http-receiver.ts';
import { Ingest } from './ingest.ts';

/** Defaults, in docs/collect.md and `collect --help`. */
export const COLLECT_DEFAULTS = {
  host: '127.0.0.1',
  port: 4318,
  completionWaitMs: 10_000,
  maxBodyBytes: 16 * 1024 * 1024,
  maxConcurrentExports: 16,
  maxTraces: 20_000,
  maxSpansPerTrace: 4096,
  maxBufferedSpans: 200_000,
  completedTraces: 4096,
  serviceName: 'collect',
} as const;

/** In-flight gRPC calls get this long at close before the listener is forced shut. */
const GRPC_GRACE_MS = 2000;
/** Exports still waiting to be forwarded get this long at close; the rest count as failed. */
const FORWARD_GRACE_MS = 2000;

export interface CollectorOptions
  extends Omit<RollupEngineOptions, 'completionWaitMs' | 'traceWaitMs' | 'resources' | 'droppedSpans'> {
  /** Address to bind. Default 127.0.0.1. */
  host?: string;
  /** OTLP/HTTP port (0 picks a free one). Default 4318. */
  port?: number;
  /** OTLP/gRPC port (0 picks a free one). Default: no gRPC listener. */
  grpcPort?: number;
  /** A trace is rolled up once no span of it has arrived for this long. Default 10 000 ms. */
  completionWaitMs?: number;
  /** Largest export, before and after decompression. Default 16 MiB. */
  maxBodyBytes?: number;
  /** Exports read at once; more get 503 + Retry-After. Default 16. */
  maxConcurrentExports?: number;
  /** Serve GET /metrics. Default true. */
  metrics?: boolean;
  /** Pass every accepted export on, unchanged, to this OTLP/HTTP endpoint (docs/collect.md). */
  forward?: string;
  /** Exports waiting to be forwarded at most; more are dropped, counted. Default 512. */
  forwardQueue?: number;
}

/** What the receiver has done, for /health and the CLI. */
export interface CollectorHealth {
  status: 'ok' | 'draining';
  exports: number;
  spans: number;
  rejected_spans: number;
  refused_exports: number;
  waiting_spans: number;
  late_spans: number;
  /** With `forward`: the endpoint, exports waiting, sent, dropped (queue full) and failed. */
  forward?: {
    url: string;
    queued: number;
    sent: number;
    dropped_exports: number;
    dropped_spans: number;
    failed_exports: number;
    failed_spans: number;
  };
  bounds: {
    completion_wait_ms: number;
    max_traces: number;
    max_spans_per_trace: number;
    max_buffered_spans: number;
    max_body_bytes: number;
    max_concurrent_exports: number;
  };
}

/** A running receiver. */
export interface Collector {
  /** Base URL of OTLP/HTTP (exports go to `${url}/v1/traces`). */
  url: string;
  /** Address of OTLP/gRPC (`http://host:port`), when it listens. */
  grpcUrl?: string;
  /** The rollup document, as GET /v1/span-summary serves it. */
  summary(options?: SummaryOptions): SpanSummaryDocument;
  /** Rolls up every waiting trace now (e.g. when a load run has ended). */
  completeWaiting(): void;
  /** Forgets the statistics so far (e.g. between a warm-up and the measured run). */
  reset(): void;
  health(): CollectorHealth;
  /** Stops accepting, rolls up what waits, closes the listener. */
  close(): Promise<void>;
}

/** Starts a receiver and resolves once it listens. */
export async function startCollector(options: CollectorOptions = {}): Promise<Collector> {
  const settings = { ...COLLECT_DEFAULTS, ...withoutUndefined(options) };
  const engine = new RollupEngine({ ...settings, completionWaitMs: settings.completionWaitMs });
  const forwarder =
    options.forward === undefined
      ? undefined
      : new Forwarder({ url: options.forward, ...(options.forwardQueue ? { maxQueued: options.forwardQueue } : {}) });
  let metrics: SpanMetrics | undefined;
  const ingest = new Ingest(engine, (...args) => metrics?.recordSpan(...args));
  if (options.metrics !== false) {
    metrics = await createSpanMetrics({
      serviceName: settings.serviceName,
      counters: collectCounters(ingest, engine, forwarder),
    });
  }
  let draining = false;
  const health = (): CollectorHealth => ({
    status: draining ? 'draining' : 'ok',
    exports: ingest.counters.exports,
    spans: ingest.counters.spans,
    rejected_spans: ingest.counters.rejectedSpans,
    refused_exports: ingest.counters.refusedExports,
    waiting_spans: engine.aggregator.waiting,
    late_spans: engine.aggregator.late,
    ...(forwarder
      ? {
          forward: {
            url: forwarder.url,
            queued: forwarder.queued,
            sent: forwarder.counters.sent,
            dropped_exports: forwarder.counters.dropped,
            dropped_spans: forwarder.counters.droppedSpans,
            failed_exports: forwarder.counters.failed,
            failed_spans: forwarder.counters.failedSpans,
          },
        }
      : {}),
    bounds: {
      completion_wait_ms: settings.completionWaitMs,
      max_traces: settings.maxTraces,
      max_spans_per_trace: settings.maxSpansPerTrace,
      max_buffered_spans: settings.maxBufferedSpans,
      max_body_bytes: settings.maxBodyBytes,
      max_concurrent_exports: settings.maxConcurrentExports,
    },
  });
  const live = createLiveRoutes({ summary: () => engine.summary() });
  const http = createHttpReceiver({
    ingest,
    maxBodyBytes: settings.maxBodyBytes,
    maxConcurrentExports: settings.maxConcurrentExports,
    summary: () => engine.summary(),
    health: () => ({ ...health() }),
    ...(metrics ? { metrics: metrics.handleMetrics } : {}),
    ...(forwarder ? { accepted: (raw: RawExport) => forwarder.offer(raw) } : {}),
    live,
  });
  await new Promise<void>((resolve, reject) => {
    http.server.once('error', reject);
    http.server.listen(settings.port, settings.host, () => {
      http.server.off('error', reject);
      resolve();
    });
  });
  const address = http.server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  let grpc: Awaited<ReturnType<typeof startGrpcReceiver>> | undefined;
  if (options.grpcPort !== undefined) {
    try {
      grpc = await startGrpcReceiver(settings.host, options.grpcPort, {
        ingest,
        maxBodyBytes: settings.maxBodyBytes,
        draining: () => draining,
        ...(forwarder ? { accepted: (raw: RawExport) => forwarder.offer(raw) } : {}),
      });
    } catch (error) {
      http.server.close();
      engine.shutdown();
      await metrics?.shutdown();
      throw new Error(`gRPC port ${options.grpcPort}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return {
    url: `http://${host}:${address.port}`,
    ...(grpc ? { grpcUrl: `http://${host}:${grpc.port}` } : {}),
    summary: (summaryOptions) => engine.summary(summaryOptions),
    completeWaiting: () => engine.completeWaiting(),
    reset: () => engine.reset(),
    health,
    async close() {
      if (draining) return;
      draining = true;
      http.drain();
      live.close();
      await Promise.all([
        new Promise<void>((resolve) => {
          http.server.close(() => resolve());
          http.server.closeIdleConnections();
        }),
        grpc ? stopGrpcReceiver(grpc.server, GRPC_GRACE_MS) : undefined,
      ]);
      engine.shutdown();
      await Promise.all([metrics?.shutdown(), forwarder?.close(FORWARD_GRACE_MS)]);
    },
  };
}

function withoutUndefined<T extends object>(object: T): Partial<T> {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined)) as Partial<T>;
}
