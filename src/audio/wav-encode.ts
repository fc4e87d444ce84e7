/**
 * WAV writer for tests and the load generator: canonical RIFF/WAVE with a 16-byte `fmt ` chunk
 * (format 1 or 3), or WAVE_FORMAT_EXTENSIBLE on request, then `data`. Integer encodings round to
 * nearest and clip to the representable range, matching the scales the parser divides by.
 */
import {
  bytesPerSample,
  type PcmEncoding,
  SUBFORMAT_GUID_TAIL,
  WAVE_FORMAT_EXTENSIBLE,
  WAVE_FORMAT_IEEE_FLOAT,
  WAVE_FORMAT_PCM,
} from './wav-format.ts';

export interface EncodeWavOptions {
  /** Default 'pcm_s16'. */
  encoding?: PcmEncoding;
  /** Default 1. With more, `samples` holds interleaved frames (length a multiple of `channels`). */
  channels?: number;
  /** Write a 40-byte WAVE_FORMAT_EXTENSIBLE fmt chunk instead of the plain one. */
  extensible?: boolean;
}

function quantize(value: number, scale: number, min: number, max: number): number {
  const scaled = Math.round(value * scale);
  return scaled < min ? min : Math.min(scaled, max);
}

function writeSample(view: DataView, at: number, value: number, encoding: PcmEncoding): void {
  switch (encoding) {
    case 'pcm_u8':
      view.setUint8(at, quantize(value, 128, -128, 127) + 128);
      return;
    case 'pcm_s16':
      view.setInt16(at, quantize(value, 32768, -32768, 32767), true);
      return;
    case 'pcm_s24': {
      const v = quantize(value, 8388608, -8388608, 8388607);
      view.setUint16(at, v & 0xffff, true);
      view.setInt8(at + 2, v >> 16);
      return;
    }
    case 'pcm_s32':
      view.setInt32(at, quantize(value, 2147483648, -2147483648, 2147483647), true);
      return;
    case 'float32':
      view.setFloat32(at, value, true);
      return;
    case 'float64':
      view.setFloat64(at, value, true);
      return;
  }
}

function writeAscii(view: DataView, at: number, text: string): void {
  for (let i = 0; i < text.length; i++) view.setUint8(at + i, text.charCodeAt(i));
}

/** Encodes samples (interleaved when `channels` > 1) as a WAV file. */
export function encodeWav(samples: Float32Array, sampleRateHz: number, options: EncodeWavOptions = {}): Uint8Array {
  const encoding = options.encoding ?? 'pcm_s16';
  const channels = options.channels ?? 1;
  if (!Number.isInteger(channels) || channels < 1 || channels > 0xffff)
    throw new RangeError(`channels must be an integer 1..65535, got ${channels}`);
  if (!Number.isInteger(sampleRateHz) || sampleRateHz < 1)
    throw new RangeError(`sampleRateHz must be a positive integer, got ${sampleRateHz}`);
  if (samples.length % channels !== 0)
    throw new RangeError(`${samples.length} samples is not a whole number of ${channels}-channel frames`);
  const sampleBytes = bytesPerSample(encoding);
  const blockAlign = channels * sampleBytes;
  const dataBytes = samples.length * sampleBytes;
  const fmtBytes = options.extensible ? 40 : 16;
  const pad = dataBytes & 1;
  const bytes = new Uint8Array(12 + 8 + fmtBytes + 8 + dataBytes + pad);
  const view = new DataView(bytes.buffer);
  const tag = encoding === 'float32' || encoding === 'float64' ? WAVE_FORMAT_IEEE_FLOAT : WAVE_FORMAT_PCM;
  writeAscii(view, 0, 'RIFF');
  view.setUint32(4, bytes.length - 8, true);
  writeAscii(view, 8, 'WAVE');
  writeAscii(view, 12, 'fmt ');
  view.setUint32(16, fmtBytes, true);
  view.setUint16(20, options.extensible ? WAVE_FORMAT_EXTENSIBLE : tag, true);
  view.setUint16(22, channels, true);
  view.setUint32(24, sampleRateHz, true);
  view.setUint32(28, sampleRateHz * blockAlign, true);
  view.setUint16(32, blockAlign, true);
  view.setUint16(34, sampleBytes * 8, true);
  if (options.extensible) {
    view.setUint16(36, 22, true);
    view.setUint16(38, sampleBytes * 8, true);
    view.setUint32(40, 0, true);
    view.setUint16(44, tag, true);
    SUBFORMAT_GUID_TAIL.forEach((byte, i) => {
      view.setUint8(46 + i, byte);
    });
  }
  const dataHeader = 20 + fmtBytes;
  writeAscii(view, dataHeader, 'data');
  view.setUint32(dataHeader + 4, dataBytes, true);
  let at = dataHeader + 8;
  for (let i = 0; i < samples.length; i++, at += sampleBytes) writeSample(view, at, samples[i]!, encoding);
  return bytes;
}
