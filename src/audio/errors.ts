/**
 * The audio decoder's failures, each a ServiceError with a stable `code` (clients and tests match
 * on it) and `param: 'file'`. Messages describe the structure that is wrong (sizes, formats, rates),
 * never the audio content or the uploaded file's name.
 */
import { ServiceError } from '../service/errors.ts';

export const AUDIO_ERROR = {
  /** Not RIFF/WAVE, missing fmt or data chunk, malformed chunk, sizes that contradict each other. 400. */
  INVALID_WAV: 'invalid_wav',
  /** A declared RIFF or data size runs past the end of the body (not a streaming placeholder). 400. */
  TRUNCATED_AUDIO: 'truncated_audio',
  /** A well-formed WAV in an encoding we do not decode (mu-law, ADPCM, 12-bit PCM, RIFX ...). 415. */
  UNSUPPORTED_ENCODING: 'unsupported_encoding',
  /** Sample rate outside 1000 .. 384000 Hz. 400. */
  INVALID_SAMPLE_RATE: 'invalid_sample_rate',
  /** Channel count 0 or above 32. 400. */
  INVALID_CHANNELS: 'invalid_channels',
  /** A valid header with no complete sample frame. 400. */
  EMPTY_AUDIO: 'empty_audio',
  /** Duration above the configured limit. 400: see `audioTooLong`. */
  AUDIO_TOO_LONG: 'audio_too_long',
} as const;

export type AudioErrorCode = (typeof AUDIO_ERROR)[keyof typeof AUDIO_ERROR];

function audioError(status: number, code: AudioErrorCode, message: string): ServiceError {
  return new ServiceError(message, { status, code, param: 'file' });
}

export function invalidWav(detail: string): ServiceError {
  return audioError(400, AUDIO_ERROR.INVALID_WAV, `invalid WAV file: ${detail}`);
}

/** Names both sizes, as the contract requires for a truncated upload. */
export function truncatedAudio(what: string, declaredBytes: number, availableBytes: number): ServiceError {
  return audioError(
    400,
    AUDIO_ERROR.TRUNCATED_AUDIO,
    `truncated WAV file: the ${what} declares ${declaredBytes} bytes but only ${availableBytes} bytes are present`,
  );
}

export function unsupportedEncoding(detail: string): ServiceError {
  return audioError(
    415,
    AUDIO_ERROR.UNSUPPORTED_ENCODING,
    `unsupported audio encoding: ${detail}; send PCM (8/16/24/32-bit integer) or IEEE float (32/64-bit) WAV`,
  );
}

export function invalidSampleRate(sampleRateHz: number, minHz: number, maxHz: number): ServiceError {
  return audioError(
    400,
    AUDIO_ERROR.INVALID_SAMPLE_RATE,
    `invalid sample rate ${sampleRateHz} Hz: expected ${minHz} to ${maxHz} Hz`,
  );
}

export function invalidChannels(channels: number, max: number): ServiceError {
  return audioError(400, AUDIO_ERROR.INVALID_CHANNELS, `invalid channel count ${channels}: expected 1 to ${max}`);
}

export function emptyAudio(): ServiceError {
  return audioError(400, AUDIO_ERROR.EMPTY_AUDIO, 'the audio file contains no samples');
}

/**
 * Over-long audio is a 400, not a 413: the upload itself was within the byte limit (which the
 * service enforces as 413 while streaming); what is wrong is the content's duration, a semantic
 * validation failure of a well-formed request.
 */
export function audioTooLong(durationS: number, maxDurationS: number): ServiceError {
  return audioError(
    400,
    AUDIO_ERROR.AUDIO_TOO_LONG,
    `audio is ${durationS.toFixed(2)} s long; the limit is ${maxDurationS} s`,
  );
}
