/**
 * The one coded error type. Anything a client sent wrong, or a state the service is in
 * (overloaded, draining), is a CodedError whose `code` names it; which HTTP status and OpenAI
 * error type a code means is the service's business (`toErrorEnvelope` in src/service/errors.ts),
 * so the folders that throw these errors (audio, engines) know nothing of HTTP.
 */

/** Every code a CodedError may carry. Stable: tests and clients match on them. */
export const ERROR_CODE = {
  // The audio decoder's: messages describe the structure that is wrong, never the audio itself.
  /** Not RIFF/WAVE, missing fmt or data chunk, malformed chunk, sizes that contradict each other. */
  INVALID_WAV: 'invalid_wav',
  /** A declared RIFF or data size runs past the end of the body (not a streaming placeholder). */
  TRUNCATED_AUDIO: 'truncated_audio',
  /** A well-formed WAV in an encoding we do not decode (mu-law, ADPCM, 12-bit PCM, RIFX ...). */
  UNSUPPORTED_ENCODING: 'unsupported_encoding',
  /** Sample rate outside 1000 .. 384000 Hz. */
  INVALID_SAMPLE_RATE: 'invalid_sample_rate',
  /** Channel count 0 or above 32. */
  INVALID_CHANNELS: 'invalid_channels',
  /** A valid header with no complete sample frame. */
  EMPTY_AUDIO: 'empty_audio',
  /** Duration above the configured limit. */
  AUDIO_TOO_LONG: 'audio_too_long',
  // An engine's.
  /** A `language` the engine does not recognise. */
  UNSUPPORTED_LANGUAGE: 'unsupported_language',
  // The upload's.
  FILE_TOO_LARGE: 'file_too_large',
  UNSUPPORTED_MEDIA_TYPE: 'unsupported_media_type',
  MALFORMED_MULTIPART: 'malformed_multipart',
  FIELD_TOO_LARGE: 'field_too_large',
  TOO_MANY_FIELDS: 'too_many_fields',
  TOO_MANY_FILES: 'too_many_files',
  UPLOAD_ABORTED: 'upload_aborted',
  /** The body arrived below the minimum rate, or was the furthest behind it when the upload budget was full. */
  UPLOAD_TOO_SLOW: 'upload_too_slow',
  // The request parameters'.
  MISSING_FILE: 'missing_file',
  EMPTY_FILE: 'empty_file',
  INVALID_VALUE: 'invalid_value',
  INVALID_RESPONSE_FORMAT: 'invalid_response_format',
  INVALID_TEMPERATURE: 'invalid_temperature',
  INVALID_LANGUAGE: 'invalid_language',
  INVALID_TIMESTAMP_GRANULARITIES: 'invalid_timestamp_granularities',
  // The service's own state and routes.
  INVALID_API_KEY: 'invalid_api_key',
  NOT_FOUND: 'not_found',
  METHOD_NOT_ALLOWED: 'method_not_allowed',
  OVERLOADED: 'overloaded',
  DRAINING: 'draining',
  TIMEOUT: 'timeout',
  CLIENT_CLOSED: 'client_closed',
  // An OTLP receiver's (amanuensis collect).
  /** A body that does not decode as an ExportTraceServiceRequest in its declared content type. */
  MALFORMED_EXPORT: 'malformed_export',
  /** A body, or what it decompresses to, over the receiver's size limit. */
  EXPORT_TOO_LARGE: 'export_too_large',
  /** A Content-Encoding other than gzip or identity. */
  UNSUPPORTED_CONTENT_ENCODING: 'unsupported_content_encoding',
  // What Node's HTTP parser refuses before any route runs.
  BAD_HTTP_REQUEST: 'bad_http_request',
  REQUEST_TIMEOUT: 'request_timeout',
  HEADERS_TOO_LARGE: 'headers_too_large',
  /** Anything that escaped as another error; its message is never shown. */
  INTERNAL_ERROR: 'internal_error',
} as const;

/** One of ERROR_CODE's values. */
export type ErrorCode = (typeof ERROR_CODE)[keyof typeof ERROR_CODE];

export interface CodedErrorOptions {
  code: ErrorCode;
  /** The request parameter at fault, if any (e.g. `file`, `response_format`). */
  param?: string | null;
  /** Seconds after which a retry may succeed (overloaded, draining). */
  retryAfterS?: number;
}

/** A failure a client can be told about: a stable code, a one-line message, the parameter at fault. */
export class CodedError extends Error {
  readonly code: ErrorCode;
  readonly param: string | null;
  readonly retryAfterS: number | undefined;

  constructor(message: string, options: CodedErrorOptions) {
    super(message);
    this.name = 'CodedError';
    this.code = options.code;
    this.param = options.param ?? null;
    this.retryAfterS = options.retryAfterS;
  }
}

/**
 * Plain-data form of a CodedError, for crossing a worker boundary (structured clone keeps only
 * an Error's name and message).
 */
export interface CodedErrorData {
  message: string;
  options: CodedErrorOptions;
}

export function codedErrorToData(error: CodedError): CodedErrorData {
  const options: CodedErrorOptions = { code: error.code, param: error.param };
  if (error.retryAfterS !== undefined) options.retryAfterS = error.retryAfterS;
  return { message: error.message, options };
}

export function codedErrorFromData(data: CodedErrorData): CodedError {
  return new CodedError(data.message, data.options);
}
