/**
 * Every kind of bad upload gets a clear 4xx in the OpenAI error envelope, and the service keeps
 * serving after each.
 */

import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { makeClip } from '../../src/audio/clips.ts';
import { encodeWav } from '../../src/audio/wav-encode.ts';
import { type RunningService, startService, transcribe } from '../support/service.ts';

let service: RunningService;
const MAX_UPLOAD_MB = 1;
const good = encodeWav(makeClip('1s'), 16000);

before(async () => {
  service = await startService(['--max-upload-mb', String(MAX_UPLOAD_MB), '--max-duration-s', '3']);
});
after(() => service.stop());

interface Envelope {
  error: { message: string; type: string; param: string | null; code: string };
}

async function expectError(response: Response, status: number, code: string): Promise<Envelope> {
  const body = (await response.json()) as Envelope;
  assert.equal(response.status, status, `status for ${code}: ${JSON.stringify(body)}`);
  assert.equal(body.error.code, code, `code: ${body.error.message}`);
  assert.equal(typeof body.error.message, 'string', 'message');
  assert.ok('param' in body.error && 'type' in body.error, 'OpenAI envelope fields');
  return body;
}

function patched(bytes: Uint8Array, edit: (view: DataView) => void): Uint8Array {
  const copy = Uint8Array.from(bytes);
  edit(new DataView(copy.buffer));
  return copy;
}

async function stillServes(): Promise<void> {
  const response = await transcribe(service.url, good);
  assert.equal(response.status, 200, 'a good request after the bad one succeeds');
  await response.arrayBuffer();
}

describe('bad input', () => {
  const cases: Array<[string, () => Promise<Response>, number, string]> = [
    [
      'no file field',
      () =>
        fetch(`${service.url}/v1/audio/transcriptions`, {
          method: 'POST',
          body: (() => {
            const f = new FormData();
            f.set('model', 'whisper-1');
            return f;
          })(),
        }),
      400,
      'missing_file',
    ],
    ['an empty file', () => transcribe(service.url, new Uint8Array(0)), 400, 'empty_file'],
    [
      'random bytes',
      () =>
        transcribe(
          service.url,
          Uint8Array.from({ length: 4096 }, (_, i) => (i * 7919) & 255),
        ),
      400,
      'invalid_wav',
    ],
    ['a truncated WAV', () => transcribe(service.url, good.subarray(0, 2000)), 400, 'truncated_audio'],
    [
      'a zero sample rate',
      () =>
        transcribe(
          service.url,
          patched(good, (v) => v.setUint32(24, 0, true)),
        ),
      400,
      'invalid_sample_rate',
    ],
    [
      'an absurd sample rate',
      () =>
        transcribe(
          service.url,
          patched(good, (v) => v.setUint32(24, 50_000_000, true)),
        ),
      400,
      'invalid_sample_rate',
    ],
    [
      'zero channels',
      () =>
        transcribe(
          service.url,
          patched(good, (v) => v.setUint16(22, 0, true)),
        ),
      400,
      'invalid_channels',
    ],
    [
      'absurd channels',
      () =>
        transcribe(
          service.url,
          patched(good, (v) => v.setUint16(22, 4000, true)),
        ),
      400,
      'invalid_channels',
    ],
    [
      'mu-law encoding',
      () =>
        transcribe(
          service.url,
          patched(good, (v) => v.setUint16(20, 7, true)),
        ),
      415,
      'unsupported_encoding',
    ],
    [
      'a fmt chunk that lies about its size',
      () =>
        transcribe(
          service.url,
          patched(good, (v) => v.setUint32(16, 0x7fff0000, true)),
        ),
      400,
      'invalid_wav',
    ],
    [
      'an unknown response_format',
      () => transcribe(service.url, good, { response_format: 'xml' }),
      400,
      'invalid_response_format',
    ],
    ['over-long audio', () => transcribe(service.url, encodeWav(makeClip('5s'), 16000)), 400, 'audio_too_long'],
    [
      'a body that is not multipart',
      () =>
        fetch(`${service.url}/v1/audio/transcriptions`, {
          method: 'POST',
          body: good,
          headers: { 'content-type': 'audio/wav' },
        }),
      415,
      'unsupported_media_type',
    ],
    [
      'malformed multipart',
      () =>
        fetch(`${service.url}/v1/audio/transcriptions`, {
          method: 'POST',
          body: '--x\r\nContent-Disposition: form-data; name="file"; filename="a.wav"\r\n\r\nRIFF',
          headers: { 'content-type': 'multipart/form-data; boundary=x' },
        }),
      400,
      'malformed_multipart',
    ],
    [
      'a multipart body without a boundary',
      () =>
        fetch(`${service.url}/v1/audio/transcriptions`, {
          method: 'POST',
          body: 'x',
          headers: { 'content-type': 'multipart/form-data' },
        }),
      400,
      'malformed_multipart',
    ],
  ];
  for (const [name, send, status, code] of cases) {
    it(`answers ${name} with ${status} ${code} and keeps serving`, async () => {
      const body = await expectError(await send(), status, code);
      if (code === 'truncated_audio')
        assert.match(body.error.message, /\d+.*\d+/, 'names the declared and available sizes');
      await stillServes();
    });
  }

  it('refuses an over-size upload with 413 while it is still streaming', async () => {
    const boundary = 'amanuensis-test-boundary';
    const head = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.wav"\r\nContent-Type: audio/wav\r\n\r\n`,
    );
    const chunk = Buffer.alloc(256 * 1024, 1);
    const totalChunks = 64;
    const { status, sentChunks } = await new Promise<{ status: number; sentChunks: number }>((resolve, reject) => {
      let sent = 0;
      let answered = false;
      const url = new URL(`${service.url}/v1/audio/transcriptions`);
      const req = httpRequest({
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, 'transfer-encoding': 'chunked' },
      });
      req.on('response', (res) => {
        answered = true;
        res.resume();
        resolve({ status: res.statusCode ?? 0, sentChunks: sent });
        req.destroy();
      });
      req.on('error', (error) => {
        if (!answered) reject(error);
      });
      req.write(head);
      const pump = (): void => {
        while (!answered && sent < totalChunks) {
          sent++;
          if (!req.write(chunk)) {
            req.once('drain', pump);
            return;
          }
        }
        if (!answered && sent >= totalChunks) req.end(`\r\n--${boundary}--\r\n`);
      };
      pump();
    });
    assert.equal(status, 413, 'payload too large');
    assert.ok(
      sentChunks < totalChunks,
      `answered after ${sentChunks} of ${totalChunks} chunks (${MAX_UPLOAD_MB} MiB limit, 16 MiB upload): refused while streaming`,
    );
    await stillServes();
  });

  it('answers unknown routes and methods in the error envelope', async () => {
    await expectError(await fetch(`${service.url}/v1/nothing`), 404, 'not_found');
    await expectError(await fetch(`${service.url}/v1/audio/transcriptions`), 405, 'method_not_allowed');
  });
});
