/**
 * Upload bytes -> 16 kHz mono float32, the input of every engine: WAV parsing (wav.ts), channel
 * downmix by averaging, and anti-aliased resampling (resample.ts).
 */

import { decodeFramesInto, decodeToMono } from './pcm.ts';
import { resampleStreamTo16k, TARGET_RATE_HZ } from './resample.ts';
import { readAudioLayout } from './wav.ts';

/** The decoded upload, as `audio.decode` hands it to the engine. */
export interface DecodedAudio {
  /** 16 kHz mono samples. */
  pcm: Float32Array;
  /** Duration of the source audio in seconds (source frames / source rate). */
  durationS: number;
  sourceSampleRateHz: number;
  channels: number;
  /** Source sample encoding: 'pcm_u8' | 'pcm_s16' | 'pcm_s24' | 'pcm_s32' | 'float32' | 'float64'. */
  encoding: string;
}

export interface DecodeOptions {
  /** Longest accepted duration in seconds (400 `audio_too_long` above it), checked before decoding samples. */
  maxDurationS: number;
}

/** Decodes a WAV upload. Throws a CodedError for bad audio; see errors.ts for the codes. */
export function decodeAudio(bytes: Uint8Array, options: DecodeOptions): DecodedAudio {
  const wav = readAudioLayout(bytes, { maxDurationS: options.maxDurationS });
  const { encoding, channels, blockAlign, dataOffset, frames, sampleRateHz } = wav;
  // Other rates are decoded a stretch at a time as the resampler reads them: the source-rate
  // samples of the whole upload (half the PCM's size at 8 kHz) are never held.
  const pcm =
    sampleRateHz === TARGET_RATE_HZ
      ? decodeToMono(bytes, dataOffset, { encoding, channels, frames })
      : resampleStreamTo16k(frames, sampleRateHz, (start, into) =>
          decodeFramesInto(bytes, dataOffset + start * blockAlign, { encoding, channels, frames: into.length }, into),
        );
  return { pcm, durationS: wav.durationS, sourceSampleRateHz: sampleRateHz, channels, encoding };
}
