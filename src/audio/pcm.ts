/**
 * Interleaved little-endian sample frames -> mono float32 in [-1, 1) (integers) or as stored
 * (floats), averaging the channels. Integer scales are the symmetric-by-container ones ffmpeg and
 * libsndfile use: u8 (x - 128) / 128, s16 / 2^15, s24 / 2^23, s32 / 2^31.
 */
import { invalidWav } from './errors.ts';
import type { PcmEncoding } from './wav-format.ts';

export interface PcmLayout {
  encoding: PcmEncoding;
  channels: number;
  frames: number;
}

/**
 * `length` samples on a buffer that can shrink in place (a resizable ArrayBuffer of that most),
 * so a consumer done with the end of the audio gives that memory back without a copy
 * (`shrinkSamples`). It moves between threads like any buffer.
 */
export function shrinkableSamples(length: number): Float32Array {
  const bytes = length * Float32Array.BYTES_PER_ELEMENT;
  return new Float32Array(new ArrayBuffer(bytes, { maxByteLength: bytes }));
}

/**
 * The first `length` of `samples`, giving back the memory of the rest when `samples` is all of a
 * buffer from `shrinkableSamples`; otherwise a view (nothing is freed). `samples` must not be read
 * after: a shrunk buffer leaves it out of bounds.
 */
export function shrinkSamples(samples: Float32Array, length: number): Float32Array {
  const { buffer } = samples;
  if (!(buffer instanceof ArrayBuffer) || !buffer.resizable || samples.byteOffset !== 0 || length >= samples.length)
    return samples.subarray(0, length);
  buffer.resize(length * Float32Array.BYTES_PER_ELEMENT);
  return new Float32Array(buffer, 0, length);
}

/**
 * Decodes `layout.frames` frames starting at `byteOffset` of `bytes` into one mono Float32Array.
 * Float samples that are NaN or infinite are refused (400): they would poison every later stage.
 */
export function decodeToMono(bytes: Uint8Array, byteOffset: number, layout: PcmLayout): Float32Array {
  const out = shrinkableSamples(layout.frames);
  decodeFramesInto(bytes, byteOffset, layout, out);
  return out;
}

/** `decodeToMono` into `out` (at least `layout.frames` long), for a caller decoding a stretch at a time. */
export function decodeFramesInto(bytes: Uint8Array, byteOffset: number, layout: PcmLayout, out: Float32Array): void {
  const { encoding, channels, frames } = layout;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // One loop per encoding: a shared loop calling a per-encoding reader turns megamorphic once the
  // process has seen several encodings, which measured 3-4x slower.
  let at = byteOffset;
  switch (encoding) {
    case 'pcm_u8': {
      const scale = 1 / (128 * channels);
      for (let i = 0; i < frames; i++) {
        let sum = 0;
        for (let c = 0; c < channels; c++, at++) sum += view.getUint8(at) - 128;
        out[i] = sum * scale;
      }
      break;
    }
    case 'pcm_s16': {
      const scale = 1 / (32768 * channels);
      for (let i = 0; i < frames; i++) {
        let sum = 0;
        for (let c = 0; c < channels; c++, at += 2) sum += view.getInt16(at, true);
        out[i] = sum * scale;
      }
      break;
    }
    case 'pcm_s24': {
      const scale = 1 / (8388608 * channels);
      for (let i = 0; i < frames; i++) {
        let sum = 0;
        // Low 16 bits unsigned plus the signed high byte: the 24-bit two's complement value.
        for (let c = 0; c < channels; c++, at += 3) sum += view.getUint16(at, true) + view.getInt8(at + 2) * 65536;
        out[i] = sum * scale;
      }
      break;
    }
    case 'pcm_s32': {
      const scale = 1 / (2147483648 * channels);
      for (let i = 0; i < frames; i++) {
        let sum = 0;
        for (let c = 0; c < channels; c++, at += 4) sum += view.getInt32(at, true);
        out[i] = sum * scale;
      }
      break;
    }
    case 'float32':
    case 'float64': {
      const size = encoding === 'float32' ? 4 : 8;
      const scale = 1 / channels;
      for (let i = 0; i < frames; i++) {
        let sum = 0;
        for (let c = 0; c < channels; c++, at += size)
          sum += size === 4 ? view.getFloat32(at, true) : view.getFloat64(at, true);
        out[i] = sum * scale;
      }
      for (let i = 0; i < frames; i++) {
        if (!Number.isFinite(out[i]!)) throw invalidWav('a float sample is NaN, infinite or beyond the float32 range');
      }
      break;
    }
  }
}
