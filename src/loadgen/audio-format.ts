/**
 * What kind of audio file the user gave: its media type and the extension of the neutral file
 * name it is uploaded under. The bytes are sent as they are; OpenAI-compatible servers pick the
 * decoder from the part's file name or type, so both have to fit the content. The content's own
 * signature decides where it has one, the file's extension otherwise.
 */
import { extname } from 'node:path';

/** How one audio file is labelled in the upload. */
export interface AudioFormat {
  /** Upload file name extension, without the dot (`mp3`). */
  extension: string;
  /** The file part's Content-Type. */
  contentType: string;
  /** A RIFF/WAVE file: its duration can be read from its header. */
  wav: boolean;
}

const WAV: AudioFormat = { extension: 'wav', contentType: 'audio/wav', wav: true };

const BY_EXTENSION: Record<string, Omit<AudioFormat, 'extension' | 'wav'>> = {
  wav: { contentType: 'audio/wav' },
  wave: { contentType: 'audio/wav' },
  mp3: { contentType: 'audio/mpeg' },
  mpga: { contentType: 'audio/mpeg' },
  mpeg: { contentType: 'audio/mpeg' },
  flac: { contentType: 'audio/flac' },
  ogg: { contentType: 'audio/ogg' },
  oga: { contentType: 'audio/ogg' },
  opus: { contentType: 'audio/ogg' },
  m4a: { contentType: 'audio/mp4' },
  mp4: { contentType: 'audio/mp4' },
  aac: { contentType: 'audio/aac' },
  webm: { contentType: 'audio/webm' },
};

function ascii(bytes: Uint8Array, at: number, text: string): boolean {
  if (bytes.length < at + text.length) return false;
  for (let i = 0; i < text.length; i++) if (bytes[at + i] !== text.charCodeAt(i)) return false;
  return true;
}

/** The format a file's first bytes announce, if they announce one. */
function bySignature(bytes: Uint8Array): AudioFormat | undefined {
  const known = (extension: string): AudioFormat => ({
    extension,
    contentType: BY_EXTENSION[extension]!.contentType,
    wav: false,
  });
  if (ascii(bytes, 0, 'RIFF') && ascii(bytes, 8, 'WAVE')) return WAV;
  if (ascii(bytes, 0, 'fLaC')) return known('flac');
  if (ascii(bytes, 0, 'OggS')) return known('ogg');
  if (ascii(bytes, 4, 'ftyp')) return known('m4a');
  if (bytes[0] === 0x1a && bytes[1] === 0x45 && bytes[2] === 0xdf && bytes[3] === 0xa3) return known('webm');
  // An ID3 tag, or an MPEG audio frame sync (11 set bits) with layer III.
  if (ascii(bytes, 0, 'ID3') || (bytes[0] === 0xff && ((bytes[1] ?? 0) & 0xe6) === 0xe2)) return known('mp3');
  return undefined;
}

/**
 * The upload's label for a file: its signature's format, else its extension's, else
 * `application/octet-stream` under its own (plain) extension, so the server can still decide.
 */
export function audioFormat(path: string, bytes: Uint8Array): AudioFormat {
  const signed = bySignature(bytes);
  if (signed) return signed;
  const extension = extname(path).slice(1).toLowerCase();
  const known = BY_EXTENSION[extension];
  if (known) return { extension, ...known, wav: known.contentType === 'audio/wav' };
  return {
    extension: /^[a-z0-9]{1,8}$/.test(extension) ? extension : 'bin',
    contentType: 'application/octet-stream',
    wav: false,
  };
}
