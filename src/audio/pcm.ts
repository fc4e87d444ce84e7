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

function readerFor(view: DataView, encoding: PcmEncoding): (byteOffset: number) => number {
  switch (encoding) {
    case 'pcm_u8':
      return (at) => (view.getUint8(at) - 128) / 128;
    case 'pcm_s16':
      return (at) => view.getInt16(at, true) / 32768;
    case 'pcm_s24':
      // Low 16 bits unsigned plus the signed high byte shifted: the 24-bit two's complement value.
      return (at) => (view.getUint16(at, true) + view.getInt8(at + 2) * 65536) / 8388608;
    case 'pcm_s32':
      return (at) => view.getInt32(at, true) / 2147483648;
    case 'float32':
      return (at) => view.getFloat32(at, true);
    case 'float64':
      return (at) => view.getFloat64(at, true);
  }
}

const BYTES: Record<PcmEncoding, number> = { pcm_u8: 1, pcm_s16: 2, pcm_s24: 3, pcm_s32: 4, float32: 4, float64: 8 };

/**
 * Decodes `layout.frames` frames starting at `byteOffset` of `bytes` into one mono Float32Array.
 * Float samples that are NaN or infinite are refused (400): they would poison every later stage.
 */
export function decodeToMono(bytes: Uint8Array, byteOffset: number, layout: PcmLayout): Float32Array {
  const { encoding, channels, frames } = layout;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const read = readerFor(view, encoding);
  const sampleBytes = BYTES[encoding];
  const out = new Float32Array(frames);
  const isFloat = encoding === 'float32' || encoding === 'float64';
  let at = byteOffset;
  if (channels === 1) {
    for (let i = 0; i < frames; i++, at += sampleBytes) out[i] = read(at);
  } else {
    const scale = 1 / channels;
    for (let i = 0; i < frames; i++) {
      let sum = 0;
      for (let c = 0; c < channels; c++, at += sampleBytes) sum += read(at);
      out[i] = sum * scale;
    }
  }
  if (isFloat) {
    for (let i = 0; i < frames; i++) {
      if (!Number.isFinite(out[i]!)) throw invalidWav('a float sample is NaN, infinite or beyond the float32 range');
    }
  }
  return out;
}
