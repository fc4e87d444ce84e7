import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { parseWav } from '../../src/audio/wav.ts';
import { encodeWav } from '../../src/audio/wav-encode.ts';
import { CodedError } from '../../src/core/errors.ts';
import { toErrorEnvelope } from '../../src/service/errors.ts';
import { ascii, chunk, concat, fmtBody, riff, s16, u32 } from './wav-builder.ts';

/** Asserts that parsing fails with this CodedError code and HTTP status (and message, if given). */
function rejects(
  bytes: Uint8Array,
  code: string,
  status: number,
  message?: RegExp,
  options?: { maxDurationS?: number },
): void {
  assert.throws(
    () => parseWav(bytes, options),
    (error: unknown) => {
      assert.ok(error instanceof CodedError, `a CodedError, got ${String(error)}`);
      assert.equal(error.code, code, `code (message: ${error.message})`);
      assert.equal(toErrorEnvelope(error).status, status, 'HTTP status');
      assert.equal(error.param, 'file', 'the offending parameter is the upload');
      if (message) assert.match(error.message, message, 'message');
      return true;
    },
  );
}

const SAMPLES = [0, 1000, -1000, 32767, -32768, 7];
const validData = chunk('data', s16(SAMPLES));

/** Deterministic random bytes. */
function randomBytes(length: number, seed: number): Uint8Array {
  let state = seed;
  return Uint8Array.from({ length }, () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state >>> 24;
  });
}

describe('parseWav: accepted structure', () => {
  it('decodes a minimal 16-bit mono file', () => {
    const wav = parseWav(riff([chunk('fmt ', fmtBody()), validData]));
    assert.deepEqual(
      Array.from(wav.samples),
      SAMPLES.map((v) => v / 32768),
      'samples scaled by 2^15',
    );
    assert.equal(wav.sampleRateHz, 16000, 'rate');
    assert.equal(wav.channels, 1, 'channels');
    assert.equal(wav.encoding, 'pcm_s16', 'encoding');
    assert.equal(wav.durationS, SAMPLES.length / 16000, 'duration');
  });

  it('skips unknown chunks (LIST, odd-sized with a pad byte) before and after fmt, and after data', () => {
    const list = chunk('LIST', concat(ascii('INFO'), chunk('ISFT', ascii('Lavf58\0'))));
    const odd = chunk('junk', Uint8Array.of(1, 2, 3));
    const wav = parseWav(riff([list, odd, chunk('fmt ', fmtBody()), odd, validData, list]));
    assert.equal(wav.samples.length, SAMPLES.length, 'all samples, none of the other chunks');
    assert.equal(wav.samples[3], 32767 / 32768, 'sample values intact');
  });

  it('honours the pad byte after an odd-sized data chunk followed by another chunk', () => {
    const data = chunk('data', Uint8Array.of(128, 255, 0));
    const wav = parseWav(riff([chunk('fmt ', fmtBody({ bits: 8 })), data, chunk('LIST', ascii('INFO'))]));
    assert.deepEqual(Array.from(wav.samples), [0, 127 / 128, -1], '8-bit unsigned');
  });

  it('accepts data before fmt when the data size is declared', () => {
    const wav = parseWav(riff([validData, chunk('fmt ', fmtBody())]));
    assert.equal(wav.samples.length, SAMPLES.length, 'order of chunks does not matter');
  });

  it('ignores bytes after the declared RIFF size', () => {
    const bytes = concat(riff([chunk('fmt ', fmtBody()), validData]), randomBytes(33, 1));
    assert.equal(parseWav(bytes).samples.length, SAMPLES.length, 'trailing bytes are not audio');
  });

  for (const [riffSize, dataSize] of [
    [0, 0xffffffff],
    [0xffffffff, 0],
    [0xffffffff, 0xffffffff],
    [0, 0],
    [0x7ffff024, 0x7ffff000],
  ] as const) {
    it(`reads to the end of the body with streaming placeholders (RIFF 0x${riffSize.toString(16)}, data 0x${dataSize.toString(16)})`, () => {
      const bytes = riff([chunk('fmt ', fmtBody()), chunk('data', s16(SAMPLES), dataSize)], riffSize);
      assert.equal(parseWav(bytes).samples.length, SAMPLES.length, 'every sample in the body');
    });
  }

  it('reads a placeholder data chunk to the declared RIFF end when the RIFF size is real', () => {
    const bytes = riff([chunk('fmt ', fmtBody()), chunk('data', s16(SAMPLES), 0xffffffff)]);
    const withTrailer = concat(bytes, s16([1, 2, 3]));
    assert.equal(parseWav(withTrailer).samples.length, SAMPLES.length, 'stops at the RIFF end');
  });

  it('drops a partial frame at the end of a streamed body', () => {
    const bytes = riff(
      [chunk('fmt ', fmtBody({ channels: 2 })), chunk('data', concat(s16(SAMPLES), Uint8Array.of(9, 9)), 0xffffffff)],
      0xffffffff,
    );
    assert.equal(
      parseWav(bytes).samples.length,
      SAMPLES.length / 2,
      'three whole stereo frames, the cut-off one dropped',
    );
  });

  it('averages channels into mono', () => {
    const bytes = riff([chunk('fmt ', fmtBody({ channels: 2 })), chunk('data', s16([1000, 3000, -2000, 0]))]);
    assert.deepEqual(Array.from(parseWav(bytes).samples), [2000 / 32768, -1000 / 32768], 'mean of left and right');
  });

  it('accepts WAVE_FORMAT_EXTENSIBLE PCM and float sub-formats, including 24 valid bits in 32', () => {
    const pcm = parseWav(riff([chunk('fmt ', fmtBody({ subformat: 1, bits: 16 })), validData]));
    assert.equal(pcm.encoding, 'pcm_s16', 'extensible PCM');
    const float = parseWav(
      riff([
        chunk('fmt ', fmtBody({ subformat: 3, bits: 32 })),
        chunk('data', new Uint8Array(new Float32Array([0.25, -0.5]).buffer)),
      ]),
    );
    assert.deepEqual(Array.from(float.samples), [0.25, -0.5], 'extensible float');
    const padded = parseWav(
      riff([chunk('fmt ', fmtBody({ subformat: 1, bits: 32, validBits: 24 })), chunk('data', u32(0x40000000))]),
    );
    assert.deepEqual(Array.from(padded.samples), [0.5], 'container scale');
  });
});

describe('parseWav: bad input', () => {
  it('rejects empty input and random bytes as invalid_wav', () => {
    rejects(new Uint8Array(0), 'invalid_wav', 400, /shorter than a RIFF\/WAVE header/);
    rejects(randomBytes(1000, 7), 'invalid_wav', 400, /not a RIFF file/);
    rejects(concat(ascii('RIFF'), u32(4), ascii('AVI ')), 'invalid_wav', 400, /not WAVE/);
  });

  it('rejects random bytes after a valid RIFF/WAVE header as malformed chunks', () => {
    rejects(
      concat(ascii('RIFF'), u32(0), ascii('WAVE'), Uint8Array.of(0, 1, 2, 3), randomBytes(100, 3)),
      'invalid_wav',
      400,
      /malformed chunk header at byte 12/,
    );
  });

  it('rejects a truncated file with both sizes in the message (RIFF size)', () => {
    const full = encodeWav(new Float32Array(1000), 16000);
    const cut = full.subarray(0, 1000);
    rejects(
      cut,
      'truncated_audio',
      400,
      new RegExp(`declares ${full.length - 8} bytes but only ${cut.length - 8} bytes`),
    );
  });

  it('rejects a truncated data chunk behind a streamed RIFF size, naming both sizes', () => {
    const bytes = riff([chunk('fmt ', fmtBody()), chunk('data', s16(SAMPLES), 1000)], 0xffffffff);
    rejects(bytes, 'truncated_audio', 400, /'data' chunk declares 1000 bytes but only 12 bytes are present/);
  });

  it('rejects a streamed body that stops inside a chunk as truncated', () => {
    const bytes = riff([chunk('fmt ', fmtBody()), chunk('LIST', ascii('INFO'), 5000)], 0xffffffff);
    rejects(bytes, 'truncated_audio', 400, /'LIST' chunk declares 5000 bytes but only 4 bytes are present/);
  });

  it('treats sizes that are not the placeholders as real: a data size of 0x7ffff001 is truncated', () => {
    const bytes = riff([chunk('fmt ', fmtBody()), chunk('data', s16(SAMPLES), 0x7ffff001)], 0xffffffff);
    rejects(bytes, 'truncated_audio', 400, /declares 2147479553 bytes/);
  });

  it('reads real espeak-ng output written to a pipe (its 0x7ffff000 placeholder sizes)', () => {
    const piped = execFileSync('espeak-ng', ['--stdout', 'pipe test'], { maxBuffer: 1 << 24 });
    assert.equal(piped.readUInt32LE(40), 0x7ffff000, 'espeak-ng writes the pipe placeholder');
    assert.equal(parseWav(piped).samples.length, (piped.length - 44) / 2, 'every sample in the body');
  });

  it('rejects headers that lie about sizes', () => {
    const fmt = chunk('fmt ', fmtBody());
    rejects(riff([fmt, validData], 4 + fmt.length), 'invalid_wav', 400, /missing data chunk/);
    rejects(riff([fmt, validData], 2), 'invalid_wav', 400, /smaller than its form type/);
    const shortRiff = riff([fmt, chunk('data', s16(SAMPLES), 4000)], 4 + fmt.length + 8 + SAMPLES.length * 2);
    rejects(concat(shortRiff, new Uint8Array(4000)), 'invalid_wav', 400, /extends past the end of the RIFF chunk/);
    rejects(
      riff([fmt, chunk('data', s16(SAMPLES).subarray(0, 11))]),
      'invalid_wav',
      400,
      /not a whole number of 2-byte sample frames/,
    );
    rejects(
      riff([chunk('fmt ', fmtBody(), 0x7fff0000), validData]),
      'invalid_wav',
      400,
      /'fmt ' chunk \(2147418112 bytes\) extends past the end of the RIFF chunk/,
    );
    rejects(riff([chunk('LIST', ascii('INFO'), 5000), fmt, validData]), 'invalid_wav', 400, /'LIST' chunk/);
    rejects(riff([chunk('fmt ', fmtBody({ blockAlign: 4 })), validData]), 'invalid_wav', 400, /block align is 4 bytes/);
  });

  it('rejects missing or duplicate fmt and data chunks', () => {
    const fmt = chunk('fmt ', fmtBody());
    rejects(riff([validData]), 'invalid_wav', 400, /missing fmt chunk/);
    rejects(riff([fmt]), 'invalid_wav', 400, /missing data chunk/);
    rejects(riff([fmt, fmt, validData]), 'invalid_wav', 400, /more than one fmt chunk/);
    rejects(riff([fmt, validData, validData]), 'invalid_wav', 400, /more than one data chunk/);
    rejects(riff([chunk('fmt ', fmtBody().subarray(0, 14)), validData]), 'invalid_wav', 400, /fmt chunk is 14 bytes/);
    rejects(riff([chunk('data', s16(SAMPLES), 0xffffffff), fmt]), 'invalid_wav', 400, /missing fmt chunk/);
  });

  it('rejects unsupported encodings with 415', () => {
    const data = chunk('data', new Uint8Array(64));
    rejects(
      riff([chunk('fmt ', fmtBody({ tag: 7, bits: 8 })), data]),
      'unsupported_encoding',
      415,
      /0x0007 \(mu-law\)/,
    );
    rejects(riff([chunk('fmt ', fmtBody({ tag: 6, bits: 8 })), data]), 'unsupported_encoding', 415, /A-law/);
    rejects(
      riff([chunk('fmt ', fmtBody({ tag: 2, bits: 4, blockAlign: 256 })), data]),
      'unsupported_encoding',
      415,
      /Microsoft ADPCM/,
    );
    rejects(
      riff([chunk('fmt ', fmtBody({ tag: 0x11, bits: 4, blockAlign: 256 })), data]),
      'unsupported_encoding',
      415,
      /IMA ADPCM/,
    );
    rejects(riff([chunk('fmt ', fmtBody({ tag: 0x1234 })), data]), 'unsupported_encoding', 415, /format tag 0x1234/);
    rejects(
      riff([chunk('fmt ', fmtBody({ bits: 12, blockAlign: 2 })), data]),
      'unsupported_encoding',
      415,
      /12-bit integer PCM/,
    );
    rejects(
      riff([chunk('fmt ', fmtBody({ tag: 3, bits: 16 })), data]),
      'unsupported_encoding',
      415,
      /16-bit IEEE float/,
    );
    rejects(riff([chunk('fmt ', fmtBody({ subformat: 7, bits: 8 })), data]), 'unsupported_encoding', 415, /mu-law/);
    rejects(
      riff([chunk('fmt ', fmtBody({ subformat: 1, guidTail: new Array(14).fill(1) })), data]),
      'unsupported_encoding',
      415,
      /sub-format GUID/,
    );
    rejects(concat(ascii('RIFX'), u32(36), ascii('WAVE')), 'unsupported_encoding', 415, /RIFX/);
    rejects(concat(ascii('RF64'), u32(0xffffffff), ascii('WAVE')), 'unsupported_encoding', 415, /RF64/);
  });

  it('rejects zero and absurd sample rates (accepts 1000 .. 384000 Hz)', () => {
    for (const rate of [0, 1, 999, 384001, 0xffffffff]) {
      rejects(
        riff([chunk('fmt ', fmtBody({ sampleRateHz: rate })), validData]),
        'invalid_sample_rate',
        400,
        new RegExp(`invalid sample rate ${rate} Hz`),
      );
    }
    for (const rate of [1000, 384000])
      assert.equal(
        parseWav(riff([chunk('fmt ', fmtBody({ sampleRateHz: rate })), validData])).sampleRateHz,
        rate,
        `${rate} Hz accepted`,
      );
  });

  it('rejects 0 or more than 32 channels', () => {
    for (const channels of [0, 33, 65535]) {
      rejects(
        riff([chunk('fmt ', fmtBody({ channels, blockAlign: 2 })), validData]),
        'invalid_channels',
        400,
        new RegExp(`invalid channel count ${channels}`),
      );
    }
  });

  it('rejects a file without a single sample frame as empty_audio', () => {
    rejects(riff([chunk('fmt ', fmtBody()), chunk('data', new Uint8Array(0))]), 'empty_audio', 400);
    rejects(
      riff([chunk('fmt ', fmtBody({ channels: 2 })), chunk('data', Uint8Array.of(1, 2), 0xffffffff)]),
      'empty_audio',
      400,
    );
  });

  it('rejects audio longer than the limit with audio_too_long (400), before decoding', () => {
    const twoSeconds = encodeWav(new Float32Array(32000), 16000);
    rejects(twoSeconds, 'audio_too_long', 400, /2\.00 s long; the limit is 1 s/, { maxDurationS: 1 });
    assert.equal(parseWav(twoSeconds, { maxDurationS: 2 }).durationS, 2, 'exactly at the limit is fine');
  });

  it('rejects NaN and infinite float samples', () => {
    for (const bad of [NaN, Infinity, -Infinity, 1e300]) {
      const bytes = riff([
        chunk('fmt ', fmtBody({ tag: 3, bits: 64 })),
        chunk('data', new Uint8Array(new Float64Array([0, bad]).buffer)),
      ]);
      rejects(bytes, 'invalid_wav', 400, /NaN, infinite or beyond the float32 range/);
    }
  });
});
