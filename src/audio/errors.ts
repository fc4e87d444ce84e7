/**
 * The audio decoder's failures, each a CodedError with a stable code and `param: 'file'`.
 * Messages describe the structure that is wrong (sizes, formats, rates), never the audio content
 * or the uploaded file's name.
 */
import { CodedError, ERROR_CODE, type ErrorCode } from '../core/errors.ts';

function audioError(code: ErrorCode, message: string): CodedError {
  return new CodedError(message, { code, param: 'file' });
}

export function invalidWav(detail: string): CodedError {
  return audioError(ERROR_CODE.INVALID_WAV, `invalid WAV file: ${detail}`);
}

/** Names both sizes, as the contract requires for a truncated upload. */
export function truncatedAudio(what: string, declaredBytes: number, availableBytes: number): CodedError {
  return audioError(
    ERROR_CODE.TRUNCATED_AUDIO,
    `truncated WAV file: the ${what} declares ${declaredBytes} bytes but only ${availableBytes} bytes are present`,
  );
}

export function unsupportedEncoding(detail: string): CodedError {
  return audioError(
    ERROR_CODE.UNSUPPORTED_ENCODING,
    `unsupported audio encoding: ${detail}; send PCM (8/16/24/32-bit integer) or IEEE float (32/64-bit) WAV`,
  );
}

export function invalidSampleRate(sampleRateHz: number, minHz: number, maxHz: number): CodedError {
  return audioError(
    ERROR_CODE.INVALID_SAMPLE_RATE,
    `invalid sample rate ${sampleRateHz} Hz: expected ${minHz} to ${maxHz} Hz`,
  );
}

export function invalidChannels(channels: number, max: number): CodedError {
  return audioError(ERROR_CODE.INVALID_CHANNELS, `invalid channel count ${channels}: expected 1 to ${max}`);
}

export function emptyAudio(): CodedError {
  return audioError(ERROR_CODE.EMPTY_AUDIO, 'the audio file contains no samples');
}

/**
 * Over-long audio is a 400, not a 413 (see src/service/errors.ts): the upload itself was within
 * the byte limit (which the service enforces as 413 while streaming); what is wrong is the
 * content's duration, a semantic validation failure of a well-formed request.
 */
export function audioTooLong(durationS: number, maxDurationS: number): CodedError {
  return audioError(
    ERROR_CODE.AUDIO_TOO_LONG,
    `audio is ${durationS.toFixed(2)} s long; the limit is ${maxDurationS} s`,
  );
}
