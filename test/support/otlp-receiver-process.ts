/**
 * A real OTLP/HTTP trace receiver, run as its own process by otlp-receiver.ts: POST /v1/traces
 * (protobuf or JSON) stores spans; GET /spans returns them; it prints its URL on stdout, then a line per export.
 * Options (argv): `--fail` answers every export 503 (a failing collector).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeJson, decodeProtobuf, type ReceivedSpan } from './otlp-decode.ts';

const fail = process.argv.includes('--fail');
const spans: ReceivedSpan[] = [];
const counts = { protobuf: 0, json: 0, rejected: 0 };

const server = createServer((request, response) => {
  if (request.method === 'GET' && request.url === '/spans') {
    const body = JSON.stringify({ counts, spans }, (_key, value: unknown) =>
      typeof value === 'bigint' ? value.toString() : value,
    );
    response.writeHead(200, { 'content-type': 'application/json' }).end(body);
    return;
  }
  if (request.method !== 'POST' || request.url !== '/v1/traces') {
    response.writeHead(404).end();
    return;
  }
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    if (fail) {
      counts.rejected++;
      response.writeHead(503).end();
      return;
    }
    const body = Buffer.concat(chunks);
    const type = request.headers['content-type'] ?? '';
    try {
      if (type.includes('json')) {
        spans.push(...decodeJson(body));
        counts.json++;
        process.stdout.write(`received ${spans.length}\n`);
        response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      } else {
        spans.push(...decodeProtobuf(body));
        counts.protobuf++;
        process.stdout.write(`received ${spans.length}\n`);
        response.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
      }
    } catch (error) {
      counts.rejected++;
      response.writeHead(400).end(String(error));
    }
  });
});

server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  process.stdout.write(`http://127.0.0.1:${port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
