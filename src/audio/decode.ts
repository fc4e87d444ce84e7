/**
 * Upload bytes -> 16 kHz mono float32, the input of every engine: WAV parsing (wav.ts), channel
 * downmix by averaging, and anti-aliased resampling (resample.ts).
 */

import { shrinkSamples } from './pcm.ts';
import { resampleTo16k } from './resample.ts';
import { parseWav } from './wav.ts';

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
  const wav = parseWav(bytes, { maxDurationS: options.maxDurationS });
  const pcm = resampleTo16k(wav.samples, wav.sampleRateHz);
  // Resampled, the source-rate samples (half the PCM's size at 8 kHz) go now, not at the next collection.
  if (pcm !== wav.samples) shrinkSamples(wav.samples, 0);
  return {
    pcm,
    durationS: wav.durationS,
    sourceSampleRateHz: wav.sampleRateHz,
    channels: wav.channels,
    encoding: wav.encoding,
  };
}
