/**
 * Optional API key, sent as OpenAI clients do (`Authorization: Bearer <key>`), compared in
 * constant time so response timing does not leak how much of a guess was right.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { CodedError, ERROR_CODE } from '../core/errors.ts';

/** Returns a check that throws 401 unless the request carries `apiKey`; a no-op without a key. */
export function apiKeyCheck(apiKey: string | undefined): (request: IncomingMessage) => void {
  if (!apiKey) return () => {};
  // Hashing both sides gives equal-length buffers, which timingSafeEqual requires.
  const expected = createHash('sha256').update(apiKey).digest();
  return (request) => {
    const header = request.headers.authorization ?? '';
    const match = /^Bearer\s+(.+)$/i.exec(header);
    const given = createHash('sha256')
      .update(match?.[1]?.trim() ?? '')
      .digest();
    if (!match || !timingSafeEqual(given, expected)) {
      throw new CodedError('missing or invalid API key (Authorization: Bearer <key>)', {
        code: ERROR_CODE.INVALID_API_KEY,
      });
    }
  };
}
