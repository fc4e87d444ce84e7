import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeAudio } from '../../src/audio/decode.ts';
import { decodeAudioTask, melTask } from '../../src/audio/tasks.ts';
import { encodeWav } from '../../src/audio/wav-encode.ts';
import { CodedError } from '../../src/core/errors.ts';
import { toErrorEnvelope } from '../../src/service/errors.ts';
import { SPAN } from '../../src/telemetry/names.ts';
import { StageRecorder } from '../../src/telemetry/recorder.ts';
import { speechWav } from '../support/speech.ts';

describe('decodeAudio', () => {
  it('turns 44.1 kHz stereo float into 16 kHz mono with the source facts', () => {
    const frames = 44100;
    const stereo = Float32Array.from({ length: frames * 2 }, (_, i) => (i % 2 ? 0.2 : 0.4));
    const decoded = decodeAudio(encodeWav(stereo, 44100, { encoding: 'float32', channels: 2 }), { maxDurationS: 30 });
    assert.equal(decoded.pcm.length, 16000, 'one second at 16 kHz');
    assert.equal(decoded.durationS, 1, 'source duration');
    assert.equal(decoded.sourceSampleRateHz, 44100, 'source rate');
    assert.equal(decoded.channels, 2, 'source channels');
    assert.equal(decoded.encoding, 'float32', 'source encoding');
    assert.ok(Math.abs(decoded.pcm[8000]! - 0.3) < 1e-4, 'channels averaged');
  });

  it('keeps real 22050 Hz speech the same length in time', async () => {
    const decoded = decodeAudio(await speechWav('Sixteen kilohertz, mono, float.'), { maxDurationS: 30 });
    assert.equal(decoded.pcm.length, Math.round(decoded.durationS * 16000), 'duration preserved');
    assert.equal(decoded.sourceSampleRateHz, 22050, 'espeak-ng rate');
  });

  it('enforces the duration limit', () => {
    assert.throws(
      () => decodeAudio(encodeWav(new Float32Array(16001), 16000), { maxDurationS: 1 }),
      (error: unknown) =>
        error instanceof CodedError && error.code === 'audio_too_long' && toErrorEnvelope(error).status === 400,
      'just over one second',
    );
  });
});

describe('audio worker tasks', () => {
  it('decodeAudioTask decodes bytes held in a SharedArrayBuffer', () => {
    const wav = encodeWav(new Float32Array(8000).fill(0.5), 8000);
    const shared = new Uint8Array(new SharedArrayBuffer(wav.length));
    shared.set(wav);
    const decoded = decodeAudioTask({ bytes: shared, maxDurationS: 10 }, new StageRecorder('medium'));
    assert.equal(decoded.pcm.length, 16000, 'upsampled to 16 kHz');
    assert.equal(decoded.encoding, 'pcm_s16', 'encoding reported');
  });

  it('decodeAudioTask throws a CodedError for bad audio', () => {
    assert.throws(
      () => decodeAudioTask({ bytes: new Uint8Array(10), maxDurationS: 10 }, new StageRecorder('medium')),
      (error: unknown) => error instanceof CodedError && error.code === 'invalid_wav',
      'ten zero bytes are not a WAV file',
    );
  });

  it('melTask returns the bin-major 80-bin log-mel and records its three stages', () => {
    const recorder = new StageRecorder('medium');
    const result = melTask({ pcm: new Float32Array(16000) }, recorder);
    assert.equal(result.bins, 80, '80 bins');
    assert.equal(result.frames, 100, '100 frames per second');
    assert.equal(result.mel.length, 8000, 'bins x frames');
    assert.deepEqual(
      recorder.records.map((r) => r.name),
      [SPAN.MEL_FFT, SPAN.MEL_LOG_MEL, SPAN.MEL_NORMALIZE],
      'stages',
    );
  });
});
