/**
 * The one error type of the service. Anything a client sent wrong, or a state the service is in
 * (overloaded, draining), is a ServiceError; `toErrorEnvelope` maps it to the OpenAI error body in
 * one place. Anything else that escapes a handler is a 500 with a generic message.
 */

/** OpenAI error `type` values used here. */
export type ErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'server_error'
  | 'overloaded_error'
  | 'timeout_error';

export interface ServiceErrorOptions {
  /** HTTP status, 4xx or 5xx. */
  status: number;
  /** Machine-readable code, e.g. `truncated_audio`. Stable: tests and clients match on it. */
  code: string;
  /** The request parameter at fault, if any (e.g. `file`, `response_format`). */
  param?: string | null;
  type?: ErrorType;
  /** Seconds for a `Retry-After` header (503, 429). */
  retryAfterS?: number;
}

export class ServiceError extends Error {
  readonly status: number;
  readonly code: string;
  readonly param: string | null;
  readonly type: ErrorType;
  readonly retryAfterS: number | undefined;

  constructor(message: string, options: ServiceErrorOptions) {
    super(message);
    this.name = 'ServiceError';
    this.status = options.status;
    this.code = options.code;
    this.param = options.param ?? null;
    this.type = options.type ?? (options.status >= 500 ? 'server_error' : 'invalid_request_error');
    this.retryAfterS = options.retryAfterS;
  }
}

/** Shorthand for the common 400 for bad audio or form input. */
export function badRequest(message: string, code: string, param: string | null = null): ServiceError {
  return new ServiceError(message, { status: 400, code, param });
}

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
  if (error instanceof ServiceError) {
    const headers: Record<string, string> = {};
    if (error.retryAfterS !== undefined) headers['retry-after'] = String(Math.max(1, Math.ceil(error.retryAfterS)));
    return {
      status: error.status,
      body: { error: { message: error.message, type: error.type, param: error.param, code: error.code } },
      headers,
    };
  }
  return {
    status: 500,
    body: { error: { message: 'internal error', type: 'server_error', param: null, code: 'internal_error' } },
    headers: {},
  };
}

/**
 * Plain-data form of a ServiceError, for crossing a worker boundary (structured clone keeps only
 * an Error's name and message).
 */
export interface ServiceErrorData {
  message: string;
  options: ServiceErrorOptions;
}

export function serviceErrorToData(error: ServiceError): ServiceErrorData {
  const options: ServiceErrorOptions = { status: error.status, code: error.code, param: error.param, type: error.type };
  if (error.retryAfterS !== undefined) options.retryAfterS = error.retryAfterS;
  return { message: error.message, options };
}

export function serviceErrorFromData(data: ServiceErrorData): ServiceError {
  return new ServiceError(data.message, data.options);
}
