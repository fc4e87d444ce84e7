/**
 * Strict RIFF/WAVE parser. Walks the chunks (skipping unknown ones such as LIST, honouring odd-size
 * padding), validates `fmt `, and decodes the `data` chunk to mono float32.
 *
 * Sizes: a RIFF or data size of 0 or 0xFFFFFFFF is the placeholder that tools writing to a pipe
 * leave, and means "to the end of the body"; so are 0x7FFFF000 (data) and 0x7FFFF024 (RIFF), which
 * libsndfile, sox and espeak-ng write when their output is a pipe. Any other size that runs past the body is a truncated
 * upload (400 `truncated_audio`, naming the declared and the available bytes); a chunk that fits the
 * body but not its own RIFF size, a second fmt/data chunk, or a data size that is not a whole number
 * of sample frames is a header that lies (400 `invalid_wav`). Failures are CodedErrors, see errors.ts.
 */
import { audioTooLong, emptyAudio, invalidWav, truncatedAudio, unsupportedEncoding } from './errors.ts';
import { decodeToMono } from './pcm.ts';
import { type PcmEncoding, parseFmtChunk, type WavFormat } from './wav-format.ts';

const PLACEHOLDERS = new Set([0, 0xffffffff, 0x7ffff000, 0x7ffff024]);

function isPlaceholder(size: number): boolean {
  return PLACEHOLDERS.has(size);
}

function fourCC(bytes: Uint8Array, offset: number): string {
  return String.fromCharCode(bytes[offset]!, bytes[offset + 1]!, bytes[offset + 2]!, bytes[offset + 3]!);
}

/** Chunk ids are four printable ASCII characters; anything else means we are reading garbage. */
function isChunkId(bytes: Uint8Array, offset: number): boolean {
  for (let i = 0; i < 4; i++) {
    const c = bytes[offset + i]!;
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

/** Where the sample frames are, without decoding them. */
export interface WavLayout extends WavFormat {
  dataOffset: number;
  frames: number;
  durationS: number;
}

/** Locates the first byte past the RIFF chunk, applying the placeholder and truncation rules. */
function riffEnd(bytes: Uint8Array, view: DataView): number {
  if (bytes.length < 12) throw invalidWav(`${bytes.length} bytes is shorter than a RIFF/WAVE header`);
  const magic = fourCC(bytes, 0);
  if (magic === 'RIFX') throw unsupportedEncoding('big-endian RIFX WAV');
  if (magic === 'RF64') throw unsupportedEncoding('RF64 (64-bit RIFF) WAV');
  if (magic !== 'RIFF') throw invalidWav('not a RIFF file');
  if (fourCC(bytes, 8) !== 'WAVE') throw invalidWav('the RIFF form type is not WAVE');
  const declared = view.getUint32(4, true);
  const available = bytes.length - 8;
  if (isPlaceholder(declared)) return bytes.length;
  if (declared < 4) throw invalidWav(`the RIFF size ${declared} is smaller than its form type`);
  if (declared > available) throw truncatedAudio('RIFF header', declared, available);
  return 8 + declared;
}

/**
 * Throws unless a chunk of `size` bytes at `start` ends by `end`. A data size beyond the body is a
 * truncated upload, as is any chunk running past a streamed body (RIFF size placeholder); any other
 * chunk overrunning a declared RIFF size is a header that lies.
 */
function checkChunkFits(
  bytes: Uint8Array,
  id: string,
  start: number,
  size: number,
  end: number,
  riffDeclared: boolean,
): void {
  if (start + size <= end) return;
  const beyondBody = start + size > bytes.length;
  if ((id === 'data' && beyondBody) || !riffDeclared) throw truncatedAudio(`'${id}' chunk`, size, bytes.length - start);
  throw invalidWav(`the '${id}' chunk (${size} bytes) extends past the end of the RIFF chunk`);
}

/** Parses the header and finds the data, validating everything but the samples themselves. */
export function readWavLayout(bytes: Uint8Array): WavLayout {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const end = riffEnd(bytes, view);
  const riffDeclared = !isPlaceholder(view.getUint32(4, true));
  let format: WavFormat | undefined;
  let data: { start: number; size: number; streamed: boolean } | undefined;
  let offset = 12;
  while (offset + 8 <= end) {
    if (!isChunkId(bytes, offset)) throw invalidWav(`malformed chunk header at byte ${offset}`);
    const id = fourCC(bytes, offset);
    const size = view.getUint32(offset + 4, true);
    const start = offset + 8;
    if (id === 'data') {
      if (data) throw invalidWav('more than one data chunk');
      if (isPlaceholder(size)) {
        // A streamed data chunk runs to the end: nothing can follow it.
        data = { start, size: end - start, streamed: true };
        break;
      }
      checkChunkFits(bytes, id, start, size, end, riffDeclared);
      data = { start, size, streamed: false };
    } else {
      checkChunkFits(bytes, id, start, size, end, riffDeclared);
      if (id === 'fmt ') {
        if (format) throw invalidWav('more than one fmt chunk');
        format = parseFmtChunk(view, start, size);
      }
    }
    offset = start + size + (size & 1);
  }
  if (!format) throw invalidWav('missing fmt chunk');
  if (!data) throw invalidWav('missing data chunk');
  const leftover = data.size % format.blockAlign;
  if (leftover !== 0 && !data.streamed) {
    throw invalidWav(`the data size ${data.size} is not a whole number of ${format.blockAlign}-byte sample frames`);
  }
  // A streamed body may stop mid-frame (the writer was cut off): keep the complete frames.
  const frames = (data.size - leftover) / format.blockAlign;
  return { ...format, dataOffset: data.start, frames, durationS: frames / format.sampleRateHz };
}

export interface WavAudio {
  /** Mono samples at the file's own rate (channels averaged). */
  samples: Float32Array;
  sampleRateHz: number;
  channels: number;
  encoding: PcmEncoding;
  durationS: number;
}

export interface ParseWavOptions {
  /** Refuse audio longer than this (400 `audio_too_long`), checked before any sample is decoded. */
  maxDurationS?: number;
}

/** `readWavLayout`, refusing audio with no frames or longer than `options.maxDurationS`. */
export function readAudioLayout(bytes: Uint8Array, options: ParseWavOptions = {}): WavLayout {
  const layout = readWavLayout(bytes);
  if (layout.frames === 0) throw emptyAudio();
  if (options.maxDurationS !== undefined && layout.durationS > options.maxDurationS)
    throw audioTooLong(layout.durationS, options.maxDurationS);
  return layout;
}

/** Parses a WAV file into mono float32 samples. Throws a CodedError for anything wrong. */
export function parseWav(bytes: Uint8Array, options: ParseWavOptions = {}): WavAudio {
  const layout = readAudioLayout(bytes, options);
  const samples = decodeToMono(bytes, layout.dataOffset, {
    encoding: layout.encoding,
    channels: layout.channels,
    frames: layout.frames,
  });
  return {
    samples,
    sampleRateHz: layout.sampleRateHz,
    channels: layout.channels,
    encoding: layout.encoding,
    durationS: layout.durationS,
  };
}
