/**
 * Multipart limits beyond the file size (test/service/bad-input.integration.test.ts covers a streamed
 * over-size file): field count, field size, file count, part header size (cut, not buffered), and a body whose
 * declared length is over the limit, refused before it is read. Each gets a 4xx in the error
 * envelope and the service keeps serving.
 */

import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { type RunningService, startService } from '../support/service.ts';
import { clipWav, postWav } from './helpers.ts';

/** The service's multipart limits (src/cli/serve-run.ts). */
const MAX_FIELDS = 16;
const MAX_FIELD_BYTES = 64 * 1024;
const MAX_UPLOAD_MB = 1;

let service: RunningService;
const wav = clipWav('1s');

before(async () => {
  service = await startService(['--max-upload-mb', String(MAX_UPLOAD_MB)]);
});
after(() => service.stop());

function form(extra: (form: FormData) => void): FormData {
  const body = new FormData();
  body.set('file', new Blob([wav], { type: 'audio/wav' }), 'a.wav');
  body.set('model', 'whisper-1');
  extra(body);
  return body;
}

async function expectCode(response: Response, status: number, code: string): Promise<void> {
  const body = (await response.json()) as { error: { code: string } };
  assert.equal(response.status, status, `status for ${code}: ${JSON.stringify(body)}`);
  assert.equal(body.error.code, code, 'error code');
  const next = await postWav(service.url, wav);
  assert.equal(next.status, 200, 'the service keeps serving');
  await next.arrayBuffer();
}

const post = (body: FormData | string, headers: Record<string, string> = {}): Promise<Response> =>
  fetch(`${service.url}/v1/audio/transcriptions`, { method: 'POST', body, headers });

describe('multipart limits', () => {
  it(`refuses more than ${MAX_FIELDS} fields`, async () => {
    await expectCode(
      await post(
        form((f) => {
          for (let i = 0; i < MAX_FIELDS + 1; i++) f.append(`extra${i}`, 'x');
        }),
      ),
      400,
      'too_many_fields',
    );
  });

  it('refuses thousands of tiny parts', async () => {
    await expectCode(
      await post(
        form((f) => {
          for (let i = 0; i < 5000; i++) f.append('prompt', '');
        }),
      ),
      400,
      'too_many_fields',
    );
  });

  it(`refuses a field over ${MAX_FIELD_BYTES} bytes`, async () => {
    await expectCode(await post(form((f) => f.set('prompt', 'p'.repeat(MAX_FIELD_BYTES + 1)))), 400, 'field_too_large');
  });

  it('refuses a second file', async () => {
    await expectCode(await post(form((f) => f.append('file', new Blob([wav]), 'b.wav'))), 400, 'too_many_files');
  });

  it('cuts a part header far beyond any real one instead of buffering it (the part loses its name: 400)', async () => {
    const boundary = 'limits-boundary';
    // 1 MiB of header before the Content-Disposition: the parser keeps 80 KiB and drops the rest.
    const head = `--${boundary}\r\nX-Padding: ${'h'.repeat(1024 * 1024)}\r\nContent-Disposition: form-data; name="file"; filename="a.wav"\r\n\r\n`;
    const body = Buffer.concat([Buffer.from(head), wav, Buffer.from(`\r\n--${boundary}--\r\n`)]);
    const response = await fetch(`${service.url}/v1/audio/transcriptions`, {
      method: 'POST',
      body,
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
    });
    await expectCode(response, 400, 'missing_file');
  });

  it('refuses a body whose declared length is over the limit before reading it', async () => {
    const declaredBytes = 64 * 1024 * 1024;
    const status = await new Promise<number>((resolve, reject) => {
      const url = new URL(`${service.url}/v1/audio/transcriptions`);
      const req = httpRequest({
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        headers: { 'content-type': 'multipart/form-data; boundary=x', 'content-length': declaredBytes },
      });
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
        req.destroy();
      });
      req.on('error', reject);
      // Only the first bytes are ever sent: the answer must not wait for the other 64 MiB.
      req.write('--x\r\n');
    });
    assert.equal(status, 413, 'payload too large from the declared length alone');
  });
});
