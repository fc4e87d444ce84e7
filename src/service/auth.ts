/**
 * Optional API key, sent as OpenAI clients do (`Authorization: Bearer <key>`), compared in
 * constant time so response timing does not leak how much of a guess was right.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { CodedError, ERROR_CODE } from '../core/errors.ts';

/** The query parameter that may carry the key where a browser cannot send a header (EventSource). */
export const KEY_QUERY_PARAMETER = 'key';

export interface KeyCheckOptions {
  /** Also accept the key as the `key` query parameter. */
  fromQuery?: boolean;
}

function givenKey(request: IncomingMessage, fromQuery: boolean): string | undefined {
  const match = /^Bearer\s+(.+)$/i.exec(request.headers.authorization ?? '');
  if (match) return match[1]!.trim();
  if (!fromQuery) return undefined;
  const query = (request.url ?? '').split('?')[1];
  return query === undefined ? undefined : (new URLSearchParams(query).get(KEY_QUERY_PARAMETER) ?? undefined);
}

/** Returns a check that throws 401 unless the request carries `apiKey`; a no-op without a key. */
export function apiKeyCheck(apiKey: string | undefined): (request: IncomingMessage, options?: KeyCheckOptions) => void {
  if (!apiKey) return () => {};
  // Hashing both sides gives equal-length buffers, which timingSafeEqual requires.
  const expected = createHash('sha256').update(apiKey).digest();
  return (request, options = {}) => {
    const key = givenKey(request, options.fromQuery ?? false);
    const given = createHash('sha256')
      .update(key ?? '')
      .digest();
    if (key === undefined || !timingSafeEqual(given, expected)) {
      throw new CodedError('missing or invalid API key (Authorization: Bearer <key>)', {
        code: ERROR_CODE.INVALID_API_KEY,
      });
    }
  };
}
