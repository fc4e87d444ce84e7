/**
 * Answers the HTTP layer gives before any handler runs, and bodies nobody will read: Node's own
 * 431, 408 and 400 carry the error envelope, and the body of a request answered early (401, 404,
 * 405) is discarded only up to a bound before the connection is closed.
 */

import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer } from 'node:http';
import { type AddressInfo, connect, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { answerClientError } from '../../src/service/client-errors.ts';
import { DISCARD_MAX_BYTES } from '../../src/service/discard.ts';
import { type RunningService, startService } from '../support/service.ts';

const KEY = 'sk-hygiene-test';

/** Opens a raw connection to `url`'s host and port. */
async function rawSocket(url: string): Promise<Socket> {
  const { hostname, port } = new URL(url);
  const socket = connect({ host: hostname, port: Number(port) });
  await once(socket, 'connect');
  return socket;
}

/** Everything the server sends until it closes the connection. */
function readAll(socket: Socket): Promise<string> {
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  return new Promise((resolve) => socket.once('close', () => resolve(Buffer.concat(chunks).toString('latin1'))));
}

/** Status, headers (lower-cased) and the parsed JSON body of one raw HTTP answer. */
function parseAnswer(raw: string): {
  status: number;
  headers: Record<string, string>;
  body: { error?: { code?: string; message?: string } };
} {
  const [head = '', body = ''] = raw.split('\r\n\r\n');
  const [statusLine = '', ...lines] = head.split('\r\n');
  const headers = Object.fromEntries(
    lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]),
  );
  return {
    status: Number(statusLine.split(' ')[1]),
    headers,
    body: JSON.parse(body || '{}') as { error?: { code?: string } },
  };
}

/** Sends `head` and then streams zeros as fast as the server takes them; resolves with the bytes it accepted and its answer. */
async function floodAfter(url: string, head: string): Promise<{ written: number; answer: string }> {
  const socket = await rawSocket(url);
  const answer = readAll(socket);
  socket.on('error', () => {});
  socket.write(head);
  const chunk = Buffer.alloc(64 * 1024);
  let written = 0;
  const ceiling = 256 * 1024 * 1024;
  while (!socket.destroyed && written < ceiling) {
    written += chunk.length;
    if (!socket.write(chunk)) {
      await new Promise<void>((resolve) => {
        socket.once('drain', resolve);
        socket.once('close', resolve);
      });
    }
  }
  socket.destroy();
  return { written, answer: await answer };
}

describe('bodies of requests answered early', () => {
  let service: RunningService;
  before(async () => {
    service = await startService(['--api-key', KEY]);
  });
  after(() => service.stop());

  const cases: Array<[string, string, number]> = [
    [
      'a 401 (no key)',
      `POST /v1/audio/transcriptions HTTP/1.1\r\nhost: x\r\ncontent-type: multipart/form-data; boundary=b\r\ncontent-length: 2147483648\r\n\r\n`,
      401,
    ],
    [
      'a 404 (no route)',
      `POST /v1/nothing HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${KEY}\r\ncontent-length: 2147483648\r\n\r\n`,
      404,
    ],
    [
      'a 405 (wrong method)',
      `PUT /v1/audio/transcriptions HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${KEY}\r\ncontent-length: 2147483648\r\n\r\n`,
      405,
    ],
  ];
  for (const [name, head, status] of cases) {
    it(`reads at most a bounded part of a 2 GiB body after ${name}, then closes`, async () => {
      const { written, answer } = await floodAfter(service.url, head);
      const parsed = parseAnswer(answer);
      assert.equal(parsed.status, status, `answered ${status}: ${answer.slice(0, 200)}`);
      assert.ok(parsed.body.error?.code, 'the answer is the error envelope');
      // Socket buffers on both sides hold a few MiB beyond what the server read.
      assert.ok(
        written < DISCARD_MAX_BYTES + 32 * 1024 * 1024,
        `the server stopped taking the body (${(written / 2 ** 20).toFixed(1)} MiB accepted of 2 GiB)`,
      );
    });
  }

  it('keeps serving afterwards', async () => {
    const health = await fetch(`${service.url}/health`);
    assert.equal(health.status, 200, 'healthy');
    await health.arrayBuffer();
  });
});

describe("Node's own answers", () => {
  let service: RunningService;
  before(async () => {
    service = await startService();
  });
  after(() => service.stop());

  // What the client sends, whether it then half-closes, and the answer expected.
  const cases: Array<[string, string, boolean, number, string]> = [
    [
      'headers too large',
      `GET /health HTTP/1.1\r\nhost: x\r\nx-big: ${'a'.repeat(64 * 1024)}\r\n\r\n`,
      true,
      431,
      'headers_too_large',
    ],
    ['malformed HTTP', 'THIS IS NOT HTTP\r\n\r\n', false, 400, 'bad_http_request'],
    ['a request cut off by a half-close', 'GET /health HTTP/1.1\r\nhost: x\r\n', true, 400, 'bad_http_request'],
  ];
  for (const [what, sent, halfClose, status, code] of cases) {
    it(`answers ${what} with ${status} and the envelope`, async () => {
      const socket = await rawSocket(service.url);
      const answer = readAll(socket);
      if (halfClose) socket.end(sent);
      else socket.write(sent);
      const parsed = parseAnswer(await answer);
      assert.equal(parsed.status, status, `status ${status}`);
      assert.equal(parsed.body.error?.code, code, 'envelope with its code');
    });
  }

  it('answers a request that does not arrive in time with 408 and the envelope', async () => {
    // The service's limit is 120 s; the same listener on a server with a 1 s limit.
    const server = createServer(
      { requestTimeout: 1000, headersTimeout: 1000, connectionsCheckingInterval: 100 },
      (_request, response) => response.end(),
    );
    server.on('clientError', answerClientError);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const socket = await rawSocket(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
      const answer = readAll(socket);
      socket.write('GET / HTTP/1.1\r\nhost: x\r\n');
      const parsed = parseAnswer(await answer);
      assert.equal(parsed.status, 408, 'status 408');
      assert.equal(parsed.body.error?.code, 'request_timeout', 'envelope with its code');
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});
