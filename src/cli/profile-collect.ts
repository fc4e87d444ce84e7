/**
 * The `collect` receiver `profile --target --collect` runs beside the load: it listens before the
 * first request, says where the target should export its spans, and after the load waits until
 * they stop arriving (an SDK exports in batches, seconds apart) before taking the summary.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { type Collector, startCollector } from '../collect/collector.ts';
import { CliError } from '../core/command-errors.ts';
import { durationSeconds } from '../loadgen/option-values.ts';
import type { SpanSummaryDocument } from '../rollup/document.ts';
import type { ProfileOptions } from './profile.ts';

/** However busy the target keeps exporting, the run does not wait longer than this beyond the quiet time. */
const MAX_EXTRA_WAIT_MS = 60_000;
const POLL_MS = 100;

/** A receiver for one profile run. */
export interface SideCollector {
  /** Base URL of its OTLP/HTTP endpoint. */
  url: string;
  /** Waits for the target's spans to stop arriving; the summary, or undefined when none arrived. */
  finish(): Promise<SpanSummaryDocument | undefined>;
  close(): Promise<void>;
}

async function untilQuiet(collector: Collector, quietMs: number): Promise<void> {
  const giveUpAt = performance.now() + quietMs + MAX_EXTRA_WAIT_MS;
  let spans = collector.health().spans;
  let changedAt = performance.now();
  while (performance.now() - changedAt < quietMs && performance.now() < giveUpAt) {
    await delay(POLL_MS);
    const now = collector.health().spans;
    if (now !== spans) {
      spans = now;
      changedAt = performance.now();
    }
  }
}

/** Starts the receiver on `--collect-host`/`--collect-port` and prints its endpoint on stderr. */
export async function startSideCollector(options: ProfileOptions): Promise<SideCollector> {
  const quietMs = durationSeconds('--collect-wait', options.collectWait) * 1000;
  let collector: Collector;
  try {
    collector = await startCollector({ host: options.collectHost, port: options.collectPort });
  } catch (error) {
    const code = (error as { code?: string }).code;
    const where = `${options.collectHost}:${options.collectPort}`;
    throw new CliError(
      code === 'EADDRINUSE'
        ? `--collect cannot listen on ${where}: the port is in use (choose another with --collect-port)`
        : `--collect cannot listen on ${where}: ${(error as Error).message}`,
      2,
    );
  }
  process.stderr.write(
    `collect: receiving spans at ${collector.url}/v1/traces -- the target exports there with OTEL_EXPORTER_OTLP_ENDPOINT=${collector.url}\n`,
  );
  process.stderr.write(`live view: ${collector.url}/live\n`);
  return {
    url: collector.url,
    async finish() {
      await untilQuiet(collector, quietMs);
      collector.completeWaiting();
      if (collector.health().spans > 0) return collector.summary();
      process.stderr.write(
        `collect: no span arrived at ${collector.url}/v1/traces; the report has no span panels (does the target export OTLP there?)\n`,
      );
      return undefined;
    },
    close: () => collector.close(),
  };
}
