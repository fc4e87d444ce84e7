import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { readWavLayout } from '../../src/audio/wav.ts';
import { UsageError } from '../../src/core/command-errors.ts';
import { AudioLibrary } from '../../src/loadgen/audio.ts';
import { audioFormat } from '../../src/loadgen/audio-format.ts';
import { UPLOAD_FILE_NAME } from '../../src/loadgen/multipart.ts';
import { parseForm as parse } from './form.ts';

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

describe('audioFormat', () => {
  const bytes = (head: string, at = 0): Uint8Array =>
    Buffer.concat([Buffer.alloc(at), Buffer.from(head, 'latin1'), Buffer.alloc(32)]);

  it("names a file's format by its signature first, its extension second, and sends the unknown as octets", () => {
    const cases: Array<[string, Uint8Array, string, string]> = [
      ['a.flac', bytes('fLaC'), 'flac', 'audio/flac'],
      ['a.dat', bytes('OggS'), 'ogg', 'audio/ogg'],
      ['a.m4a', bytes('ftypM4A ', 4), 'm4a', 'audio/mp4'],
      ['a', bytes('\x1a\x45\xdf\xa3'), 'webm', 'audio/webm'],
      ['a.bin', bytes('ID3\x04'), 'mp3', 'audio/mpeg'],
      ['a.mp3', bytes('\xff\xfb\x90\x00'), 'mp3', 'audio/mpeg'],
      ['a.opus', bytes('????'), 'opus', 'audio/ogg'],
      ['a.AAC', bytes('????'), 'aac', 'audio/aac'],
      ['a.amr', bytes('????'), 'amr', 'application/octet-stream'],
      ['a.we ird', bytes('????'), 'bin', 'application/octet-stream'],
    ];
    for (const [path, content, extension, contentType] of cases) {
      assert.deepEqual(audioFormat(path, content), { extension, contentType, wav: false }, path);
    }
    assert.equal(audioFormat('a.mp3', bytes('RIFF\0\0\0\0WAVE')).wav, true, 'a WAV by content whatever its name');
    assert.equal(audioFormat('a.wav', bytes('????')).wav, true, 'a .wav file must be a WAV');
  });
});

describe('AudioLibrary with files', () => {
  it('sends any format as it is, with its length unknown unless it is a WAV; refuses an empty file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'loadgen-audio-'));
    try {
      const flac = Buffer.concat([Buffer.from('fLaC'), Buffer.alloc(100, 7)]);
      await writeFile(join(dir, 'x.flac'), flac);
      await writeFile(join(dir, 'empty.ogg'), '');
      const [clip] = (
        await new AudioLibrary('m', 'verbose_json').prepare({ kind: 'files', paths: [join(dir, 'x.flac')] })
      ).clips;
      assert.equal(clip!.durationS, null, 'only the target can tell how long a FLAC file is');
      const form = await parse(clip!.body, clip!.contentType);
      assert.ok(form.file.equals(flac), 'byte for byte');
      assert.equal(form.fileName, 'clip.flac', 'neutral name, fitting extension');
      assert.equal(form.mimeType, 'audio/flac', 'fitting type');
      assert.equal(form.fields.response_format, 'verbose_json', 'the asked answer format');
      await assert.rejects(
        new AudioLibrary('m').prepare({ kind: 'files', paths: [join(dir, 'empty.ogg')] }),
        (error: Error) => error instanceof UsageError && /is empty/.test(error.message),
        'an empty file is a usage error',
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
