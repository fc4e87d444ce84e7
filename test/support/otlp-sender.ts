/**
 * Runs test/support/otlp-sender-process.ts, a traced application in its own process that exports
 * with the SDK's own OTLP exporters, against a receiver; resolves with the summary the same spans
 * gave in that process, which the receiver must reproduce.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import type { SpanSummaryDocument } from '../../src/rollup/document.ts';

/** Spans in each request the sender makes. */
export const SENDER_SPANS_PER_REQUEST = 6;

/** Sends `requests` requests' spans to `url` over `protocol` (proto, json or grpc). */
export async function sendFromProcess(url: string, protocol: string, requests: number): Promise<SpanSummaryDocument> {
  const child = spawn(
    process.execPath,
    [
      new URL('./otlp-sender-process.ts', import.meta.url).pathname,
      '--url',
      url,
      '--protocol',
      protocol,
      '--requests',
      String(requests),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  const [code] = (await once(child, 'exit')) as [number];
  assert.equal(code, 0, `the sender exits 0 (${protocol})`);
  return JSON.parse(out) as SpanSummaryDocument;
}
