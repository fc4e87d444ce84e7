/**
 * The WAV `fmt ` chunk: which sample encodings we decode, and the validation of rate, channels and
 * block alignment. Encodings are named like ffmpeg's sample formats, and the same names are the
 * `encoding` of a decoded upload and the options of `encodeWav`.
 */
import { invalidChannels, invalidSampleRate, invalidWav, unsupportedEncoding } from './errors.ts';

export type PcmEncoding = 'pcm_u8' | 'pcm_s16' | 'pcm_s24' | 'pcm_s32' | 'float32' | 'float64';

export const PCM_ENCODINGS: readonly PcmEncoding[] = ['pcm_u8', 'pcm_s16', 'pcm_s24', 'pcm_s32', 'float32', 'float64'];

export const MIN_SAMPLE_RATE_HZ = 1000;
export const MAX_SAMPLE_RATE_HZ = 384000;
export const MAX_CHANNELS = 32;

export const WAVE_FORMAT_PCM = 0x0001;
export const WAVE_FORMAT_IEEE_FLOAT = 0x0003;
export const WAVE_FORMAT_EXTENSIBLE = 0xfffe;

/** Bytes 2..15 of every KSDATAFORMAT_SUBTYPE_* GUID; bytes 0..1 hold the format tag. */
export const SUBFORMAT_GUID_TAIL: readonly number[] = [
  0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71,
];

/** Names for the tags people actually send, so a 415 says what was received. */
const KNOWN_TAGS: Record<number, string> = {
  2: 'Microsoft ADPCM',
  6: 'A-law',
  7: 'mu-law',
  17: 'IMA ADPCM',
  49: 'GSM 6.10',
  80: 'MPEG',
  85: 'MP3',
};

export function bytesPerSample(encoding: PcmEncoding): number {
  switch (encoding) {
    case 'pcm_u8':
      return 1;
    case 'pcm_s16':
      return 2;
    case 'pcm_s24':
      return 3;
    case 'pcm_s32':
    case 'float32':
      return 4;
    case 'float64':
      return 8;
  }
}

export interface WavFormat {
  encoding: PcmEncoding;
  channels: number;
  sampleRateHz: number;
  /** Bytes per sample frame (all channels). */
  blockAlign: number;
}

function encodingFor(tag: number, bits: number): PcmEncoding {
  if (tag === WAVE_FORMAT_PCM) {
    if (bits === 8) return 'pcm_u8';
    if (bits === 16) return 'pcm_s16';
    if (bits === 24) return 'pcm_s24';
    if (bits === 32) return 'pcm_s32';
    throw unsupportedEncoding(`${bits}-bit integer PCM`);
  }
  if (tag === WAVE_FORMAT_IEEE_FLOAT) {
    if (bits === 32) return 'float32';
    if (bits === 64) return 'float64';
    throw unsupportedEncoding(`${bits}-bit IEEE float`);
  }
  const name = KNOWN_TAGS[tag];
  throw unsupportedEncoding(`WAV format tag 0x${tag.toString(16).padStart(4, '0')}${name ? ` (${name})` : ''}`);
}

/** The sub-format tag of a WAVE_FORMAT_EXTENSIBLE chunk; rejects a GUID that is not a standard KSDATAFORMAT one. */
function extensibleTag(view: DataView, offset: number, size: number, bits: number): number {
  if (size < 40) throw invalidWav(`WAVE_FORMAT_EXTENSIBLE fmt chunk is ${size} bytes, expected at least 40`);
  const extensionSize = view.getUint16(offset + 16, true);
  if (extensionSize < 22) throw invalidWav(`WAVE_FORMAT_EXTENSIBLE extension is ${extensionSize} bytes, expected 22`);
  const validBits = view.getUint16(offset + 18, true);
  if (validBits > bits) throw invalidWav(`${validBits} valid bits in a ${bits}-bit sample container`);
  for (let i = 0; i < SUBFORMAT_GUID_TAIL.length; i++) {
    if (view.getUint8(offset + 26 + i) !== SUBFORMAT_GUID_TAIL[i])
      throw unsupportedEncoding('WAVE_FORMAT_EXTENSIBLE with a non-standard sub-format GUID');
  }
  return view.getUint16(offset + 24, true);
}

/**
 * Parses and validates a `fmt ` chunk body of `size` bytes at `offset`. Integer samples narrower than
 * their container (e.g. 20 valid bits in 24) decode as the container: the valid bits are the high
 * ones, so the scale is the same. The byte rate field is redundant and not checked (writers get it
 * wrong without harm); the block alignment decides the decoding, so it must agree.
 */
export function parseFmtChunk(view: DataView, offset: number, size: number): WavFormat {
  if (size < 16) throw invalidWav(`fmt chunk is ${size} bytes, expected at least 16`);
  let tag = view.getUint16(offset, true);
  const channels = view.getUint16(offset + 2, true);
  const sampleRateHz = view.getUint32(offset + 4, true);
  const blockAlign = view.getUint16(offset + 12, true);
  const bits = view.getUint16(offset + 14, true);
  if (tag === WAVE_FORMAT_EXTENSIBLE) tag = extensibleTag(view, offset, size, bits);
  const encoding = encodingFor(tag, bits);
  if (channels === 0 || channels > MAX_CHANNELS) throw invalidChannels(channels, MAX_CHANNELS);
  if (sampleRateHz < MIN_SAMPLE_RATE_HZ || sampleRateHz > MAX_SAMPLE_RATE_HZ)
    throw invalidSampleRate(sampleRateHz, MIN_SAMPLE_RATE_HZ, MAX_SAMPLE_RATE_HZ);
  const expectedAlign = channels * bytesPerSample(encoding);
  if (blockAlign !== expectedAlign) {
    throw invalidWav(
      `block align is ${blockAlign} bytes, but ${channels} channel(s) of ${bits}-bit samples need ${expectedAlign}`,
    );
  }
  return { encoding, channels, sampleRateHz, blockAlign };
}
