/**
 * The one place where an error becomes HTTP: each CodedError code has its status and OpenAI error
 * `type` here, and `toErrorEnvelope` turns any thrown value into the OpenAI error body. Anything
 * that is not a CodedError is a 500 with a generic message.
 */
import { CodedError, ERROR_CODE, type ErrorCode } from '../core/errors.ts';

/** OpenAI error `type` values used here. */
export type ErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'server_error'
  | 'overloaded_error'
  | 'timeout_error';

interface HttpMeaning {
  status: number;
  type: ErrorType;
}

const invalid = (status: number): HttpMeaning => ({ status, type: 'invalid_request_error' });

/** Every code's status and type; a Record over ErrorCode, so a new code cannot go unmapped. */
const HTTP_OF_CODE: Record<ErrorCode, HttpMeaning> = {
  [ERROR_CODE.INVALID_WAV]: invalid(400),
  [ERROR_CODE.TRUNCATED_AUDIO]: invalid(400),
  [ERROR_CODE.UNSUPPORTED_ENCODING]: invalid(415),
  [ERROR_CODE.INVALID_SAMPLE_RATE]: invalid(400),
  [ERROR_CODE.INVALID_CHANNELS]: invalid(400),
  [ERROR_CODE.EMPTY_AUDIO]: invalid(400),
  // 400, not 413: the upload was within the byte limit; its content's duration is what is wrong.
  [ERROR_CODE.AUDIO_TOO_LONG]: invalid(400),
  [ERROR_CODE.UNSUPPORTED_LANGUAGE]: invalid(400),
  [ERROR_CODE.FILE_TOO_LARGE]: invalid(413),
  [ERROR_CODE.UNSUPPORTED_MEDIA_TYPE]: invalid(415),
  [ERROR_CODE.MALFORMED_MULTIPART]: invalid(400),
  [ERROR_CODE.FIELD_TOO_LARGE]: invalid(400),
  [ERROR_CODE.TOO_MANY_FIELDS]: invalid(400),
  [ERROR_CODE.TOO_MANY_FILES]: invalid(400),
  [ERROR_CODE.UPLOAD_ABORTED]: invalid(400),
  // 408, not 503: the request did not arrive in the time the service waits; the fault is the client's pace.
  [ERROR_CODE.UPLOAD_TOO_SLOW]: { status: 408, type: 'timeout_error' },
  [ERROR_CODE.MISSING_FILE]: invalid(400),
  [ERROR_CODE.EMPTY_FILE]: invalid(400),
  [ERROR_CODE.INVALID_VALUE]: invalid(400),
  [ERROR_CODE.INVALID_RESPONSE_FORMAT]: invalid(400),
  [ERROR_CODE.INVALID_TEMPERATURE]: invalid(400),
  [ERROR_CODE.INVALID_LANGUAGE]: invalid(400),
  [ERROR_CODE.INVALID_TIMESTAMP_GRANULARITIES]: invalid(400),
  [ERROR_CODE.INVALID_API_KEY]: { status: 401, type: 'authentication_error' },
  [ERROR_CODE.NOT_FOUND]: invalid(404),
  [ERROR_CODE.METHOD_NOT_ALLOWED]: invalid(405),
  [ERROR_CODE.OVERLOADED]: { status: 503, type: 'overloaded_error' },
  [ERROR_CODE.DRAINING]: { status: 503, type: 'overloaded_error' },
  [ERROR_CODE.TIMEOUT]: { status: 504, type: 'timeout_error' },
  // Nobody reads this answer; 499 (as nginx logs it) keeps it out of the 5xx and warnings.
  [ERROR_CODE.CLIENT_CLOSED]: invalid(499),
  // The OTLP receiver's (src/collect answers them as google.rpc.Status, with these statuses).
  [ERROR_CODE.MALFORMED_EXPORT]: invalid(400),
  [ERROR_CODE.EXPORT_TOO_LARGE]: invalid(413),
  [ERROR_CODE.UNSUPPORTED_CONTENT_ENCODING]: invalid(415),
  [ERROR_CODE.BAD_HTTP_REQUEST]: invalid(400),
  [ERROR_CODE.REQUEST_TIMEOUT]: { status: 408, type: 'timeout_error' },
  [ERROR_CODE.HEADERS_TOO_LARGE]: invalid(431),
  [ERROR_CODE.INTERNAL_ERROR]: { status: 500, type: 'server_error' },
};

/** The OpenAI error envelope body. */
export interface ErrorEnvelope {
  error: { message: string; type: string; param: string | null; code: string | null };
}

/** Maps any thrown value to an HTTP status, the OpenAI envelope, and optional extra headers. */
export function toErrorEnvelope(error: unknown): {
  status: number;
  body: ErrorEnvelope;
  headers: Record<string, string>;
} {
  const known = error instanceof CodedError;
  const code = known ? error.code : ERROR_CODE.INTERNAL_ERROR;
  const { status, type } = HTTP_OF_CODE[code];
  const headers: Record<string, string> = {};
  if (known && error.retryAfterS !== undefined)
    headers['retry-after'] = String(Math.max(1, Math.ceil(error.retryAfterS)));
  return {
    status,
    body: {
      error: { message: known ? error.message : 'internal error', type, param: known ? error.param : null, code },
    },
    headers,
  };
}
