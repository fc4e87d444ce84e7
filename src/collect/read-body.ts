/**
 * Reads an export's body under a size limit that holds before and after decompression: a declared
 * Content-Length over it is refused before a byte is read, a body that grows over it stops being
 * read, and gzip stops inflating at the limit (so a small bomb never becomes a large buffer).
 */
import type { IncomingMessage } from 'node:http';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { CodedError, ERROR_CODE } from '../core/errors.ts';

const gunzipAsync = promisify(gunzip);

function tooLarge(limit: number, what: string): CodedError {
  return new CodedError(`${what} exceeds the ${limit}-byte limit`, { code: ERROR_CODE.EXPORT_TOO_LARGE });
}

/** The Content-Encoding of `request` ('' for identity); any other than gzip is refused. */
export function contentEncoding(request: IncomingMessage): 'gzip' | '' {
  const encoding = (request.headers['content-encoding'] ?? '').trim().toLowerCase();
  if (encoding === '' || encoding === 'identity') return '';
  if (encoding === 'gzip' || encoding === 'x-gzip') return 'gzip';
  throw new CodedError(`unsupported Content-Encoding '${encoding}' (gzip or none)`, {
    code: ERROR_CODE.UNSUPPORTED_CONTENT_ENCODING,
  });
}

/** The raw body as sent (still compressed), at most `limit` bytes. */
export async function readRaw(request: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(request.headers['content-length']);
  if (declared > limit) throw tooLarge(limit, `the declared body of ${declared} bytes`);
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    length += chunk.length;
    if (length > limit) throw tooLarge(limit, 'the body');
    chunks.push(chunk);
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, length);
}

/** `raw` decompressed per `encoding`, at most `limit` bytes. */
export async function decompress(raw: Buffer, encoding: 'gzip' | '', limit: number): Promise<Buffer> {
  if (encoding === '') return raw;
  try {
    return await gunzipAsync(raw, { maxOutputLength: limit });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE')
      throw tooLarge(limit, 'the decompressed body');
    throw new CodedError('the body is not valid gzip', { code: ERROR_CODE.MALFORMED_EXPORT });
  }
}
