/**
 * Parsers for single `amanuensis load` (and `profile --target`) option values: counts, numbers,
 * durations, the base URL, the request path and extra headers. Each mistake is a one-line UsageError naming the option. A header's
 * value may be a credential, so no message ever repeats one.
 */
import { UsageError } from '../core/command-errors.ts';

/** A whole number above zero. */
export function positiveInteger(option: string, text: string): number {
  const n = /^\d+$/.test(text.trim()) ? Number(text) : NaN;
  if (!Number.isSafeInteger(n) || n <= 0) throw new UsageError(`${option} must be a positive integer, got '${text}'`);
  return n;
}

/** A whole number, zero allowed. */
export function nonNegativeInteger(option: string, text: string): number {
  const n = /^\d+$/.test(text.trim()) ? Number(text) : NaN;
  if (!Number.isSafeInteger(n)) throw new UsageError(`${option} must be a non-negative integer, got '${text}'`);
  return n;
}

/** A finite number above zero. */
export function positiveNumber(option: string, text: string): number {
  const n = text.trim() === '' ? NaN : Number(text);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`${option} must be a positive number, got '${text}'`);
  return n;
}

const DURATION = /^(\d+(?:\.\d+)?|\.\d+)(ms|s|m|h)?$/;
const UNIT_S: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600 };

/** Seconds from `30` (plain numbers are seconds), `30s`, `2m`, `1.5h` or `500ms`; above zero. */
export function durationSeconds(option: string, text: string): number {
  const match = DURATION.exec(text.trim());
  const seconds = match ? Number(match[1]) * UNIT_S[match[2] ?? 's']! : NaN;
  if (!Number.isFinite(seconds) || seconds <= 0)
    throw new UsageError(
      `${option} must be a positive number of seconds or a duration such as 30s, 2m or 500ms, got '${text}'`,
    );
  return seconds;
}

/** An absolute http(s) base URL without query or fragment, trailing slashes dropped. */
export function baseUrl(option: string, text: string | undefined): string {
  if (!text) throw new UsageError(`${option} is required (the base URL, e.g. http://127.0.0.1:8080)`);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`${option} must be an absolute http(s) URL, got '${text}'`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new UsageError(`${option} must use http or https, got '${url.protocol}'`);
  if (url.search || url.hash)
    throw new UsageError(`${option} must be a base URL without query or fragment, got '${text}'`);
  return url.href.replace(/\/+$/, '');
}

/** The transcription path below the base URL when none is given. */
export const DEFAULT_PATH = '/v1/audio/transcriptions';

/** A request path: starts with `/`, no fragment, no spaces. A query string is kept (and redacted in output). */
export function requestPath(text: string | undefined): string {
  if (text === undefined) return DEFAULT_PATH;
  if (!text.startsWith('/') || /[\s#]/.test(text))
    throw new UsageError(`--path must start with / and hold no spaces or #, e.g. ${DEFAULT_PATH}`);
  return text;
}

/** Headers the load generator sets itself: overriding them would corrupt the upload or the connection. */
const RESERVED_HEADERS = new Set([
  'content-type',
  'content-length',
  'transfer-encoding',
  'host',
  'connection',
  'keep-alive',
  'upgrade',
  'expect',
  'traceparent',
  'tracestate',
]);

/** RFC 9110 token characters: what a header name may be made of. */
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * `'Name: value'` strings as a header object with lower-case names. Messages name the header
 * (its position when the name itself is malformed), never its value.
 */
export function parseHeaders(values: readonly string[] | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [index, text] of (values ?? []).entries()) {
    const colon = text.indexOf(':');
    const name = colon > 0 ? text.slice(0, colon).trim() : '';
    if (!HEADER_NAME.test(name))
      throw new UsageError(`--header number ${index + 1} must be 'Name: value' with a valid header name`);
    const value = text.slice(colon + 1).trim();
    const key = name.toLowerCase();
    if (/[\r\n\0]/.test(value)) throw new UsageError(`--header '${name}' has a line break or NUL in its value`);
    if (RESERVED_HEADERS.has(key)) throw new UsageError(`--header '${name}' is set by the load generator itself`);
    if (key in headers) throw new UsageError(`--header '${name}' is given twice`);
    headers[key] = value;
  }
  return headers;
}
