/**
 * GET /metrics: a pull MetricReader of the MeterProvider, collected at each scrape and written in
 * the format the scraper's Accept header prefers (OpenMetrics with exemplars, or the classic
 * text format). It opens no server of its own; the service mounts the handler.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { diag } from '@opentelemetry/api';
import { MetricReader } from '@opentelemetry/sdk-metrics';
import { CONTENT_TYPES, type ExemplarSource, serializeMetrics, wantsOpenMetrics } from './exposition.ts';

/** A reader that only collects when asked: nothing to flush, nothing to stop. */
export class ScrapeReader extends MetricReader {
  protected onForceFlush(): Promise<void> {
    return Promise.resolve();
  }

  protected onShutdown(): Promise<void> {
    return Promise.resolve();
  }
}

/** The request handler for GET /metrics over `reader`; a failed collection answers 500. */
export function scrapeHandler(
  reader: ScrapeReader,
  exemplars: ExemplarSource,
): (request: IncomingMessage, response: ServerResponse) => void {
  return (request, response) => {
    void respond(reader, exemplars, request, response);
  };
}

async function respond(
  reader: ScrapeReader,
  exemplars: ExemplarSource,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  try {
    const { resourceMetrics, errors } = await reader.collect();
    // A throwing gauge callback only loses its own values; say so where the SDK says such things.
    if (errors.length > 0) diag.error('GET /metrics: collection errors', ...errors);
    // The host detector's id arrives asynchronously; target_info should carry it.
    if (resourceMetrics.resource.asyncAttributesPending) await resourceMetrics.resource.waitForAsyncAttributes?.();
    const openMetrics = wantsOpenMetrics(request.headers.accept);
    const body = serializeMetrics(resourceMetrics, openMetrics, exemplars);
    response.writeHead(200, { 'content-type': openMetrics ? CONTENT_TYPES.openMetrics : CONTENT_TYPES.text });
    response.end(body);
  } catch (error) {
    if (response.headersSent) {
      response.destroy();
      return;
    }
    response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
    response.end(`metrics collection failed: ${error instanceof Error ? error.message : String(error)}\n`);
  }
}
