import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { Busboy } from '@fastify/busboy';
import { readWavLayout } from '../../src/audio/wav.ts';
import { AudioLibrary } from '../../src/loadgen/audio.ts';
import { UPLOAD_FILE_NAME } from '../../src/loadgen/multipart.ts';

interface Parsed {
  fields: Record<string, string>;
  fileName: string;
  mimeType: string;
  file: Buffer;
}

function parse(body: Buffer, contentType: string): Promise<Parsed> {
  return new Promise((resolve, reject) => {
    const parsed: Parsed = { fields: {}, fileName: '', mimeType: '', file: Buffer.alloc(0) };
    const busboy = Busboy({ headers: { 'content-type': contentType } });
    busboy.on('field', (name: string, value: string) => (parsed.fields[name] = value));
    busboy.on('file', (_name: string, stream: Readable, fileName: string, _encoding: string, mimeType: string) => {
      parsed.fileName = fileName;
      parsed.mimeType = mimeType;
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => (parsed.file = Buffer.concat(chunks)));
    });
    busboy.on('finish', () => resolve(parsed));
    busboy.on('error', reject);
    Readable.from([body]).pipe(busboy);
  });
}

describe('AudioLibrary', () => {
  it('builds an OpenAI transcription form: a WAV file part with a neutral name, model and response_format=json', async () => {
    const [clip] = (await new AudioLibrary('whisper-1').prepare({ kind: 'builtin', name: '5s' })).clips;
    const form = await parse(clip!.body, clip!.contentType);
    assert.deepEqual(form.fields, { model: 'whisper-1', response_format: 'json' }, 'fields');
    assert.equal(form.fileName, UPLOAD_FILE_NAME, 'no user file name leaves the machine');
    assert.equal(form.mimeType, 'audio/wav', 'file type');
    assert.equal(readWavLayout(form.file).durationS, 5, 'the file part is the 5 s clip');
    assert.equal(clip!.durationS, 5, 'audio seconds for throughput');
  });

  it('builds each clip body once per run, whichever scenarios use it', async () => {
    const library = new AudioLibrary('whisper-1');
    const one = await library.prepare({ kind: 'builtin', name: '1s' });
    const mixed = await library.prepare({ kind: 'builtin', name: 'mixed' });
    assert.equal(mixed.clips.length, 2, 'mixed alternates two clips');
    assert.equal(mixed.clips[0]!.body, one.clips[0]!.body, 'the same Buffer, not a rebuilt copy');
    assert.deepEqual(
      mixed.clips.map((c) => c.durationS),
      [1, 5],
      '1 s then 5 s',
    );
  });
});
