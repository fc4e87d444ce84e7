/**
 * A discarding OTLP/HTTP trace endpoint for the tracing benchmark: the service's exporter does all
 * its real work (batching, protobuf encoding, an HTTP POST per batch) and the sink only reads the
 * body and answers 200 with an empty ExportTraceServiceResponse. It runs in its own process, as a
 * collector would, so its CPU is not the service's. Run as a script it serves and prints its URL;
 * `startOtlpSink()` spawns it and reads back what it received per URL path, so each traced
 * service can post to its own path and prove its export was active.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** What one path received: export requests and body bytes. */
export interface SinkCounts {
  exports: number;
  bytes: number;
}

export interface OtlpSink {
  /** Base URL, e.g. `http://127.0.0.1:1234`. */
  url: string;
  /** The traces endpoint for one sender: `<url>/<name>/v1/traces`. */
  tracesUrl(name: string): string;
  /** Counts per sender name so far. */
  counts(): Promise<Record<string, SinkCounts>>;
  close(): Promise<void>;
}

const TRACES = /^\/([\w-]+)\/v1\/traces$/;

function serve(): void {
  const counts: Record<string, SinkCounts> = {};
  const server = createServer((request, response) => {
    if (request.method === 'GET' && request.url === '/counts') {
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(counts));
      return;
    }
    const match = request.method === 'POST' ? TRACES.exec(request.url ?? '') : null;
    if (!match) {
      response.writeHead(404).end();
      return;
    }
    counts[match[1]!] ??= { exports: 0, bytes: 0 };
    const entry = counts[match[1]!]!;
    request.on('data', (chunk: Buffer) => {
      entry.bytes += chunk.length;
    });
    request.on('end', () => {
      entry.exports++;
      // An empty protobuf message is zero bytes: a valid ExportTraceServiceResponse.
      response.writeHead(200, { 'content-type': 'application/x-protobuf', 'content-length': '0' }).end();
    });
  });
  server.keepAliveTimeout = 65_000;
  server.listen(0, '127.0.0.1', () =>
    process.stdout.write(`http://127.0.0.1:${(server.address() as AddressInfo).port}\n`),
  );
  process.on('SIGTERM', () => server.close(() => process.exit(0)));
}

/** Spawns the sink process and resolves once it listens. */
export async function startOtlpSink(): Promise<OtlpSink> {
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [url] = (await once(createInterface({ input: child.stdout! }), 'line')) as [string];
  return {
    url,
    tracesUrl: (name) => `${url}/${name}/v1/traces`,
    counts: async () => (await (await fetch(`${url}/counts`)).json()) as Record<string, SinkCounts>,
    async close() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    },
  };
}

if (import.meta.main) serve();
