/**
 * Streaming multipart/form-data parsing of a transcription upload with @fastify/busboy. Limits are
 * enforced while the body streams in: an over-size file is refused (413) as soon as the limit is
 * crossed, never after buffering it whole.
 */
import type { IncomingMessage } from 'node:http';
import { Busboy } from '@fastify/busboy';
import { CodedError, ERROR_CODE, type ErrorCode } from '../core/errors.ts';

export interface UploadLimits {
  /** Largest accepted audio file, bytes. */
  maxFileBytes: number;
  /** Most non-file fields. */
  maxFields: number;
  /** Largest non-file field value, bytes. */
  maxFieldBytes: number;
}

export interface ParsedUpload {
  /** The `file` part, or undefined when the form had none. */
  file: Buffer | undefined;
  /** Text fields; repeated names (timestamp_granularities[]) keep every value. */
  fields: Map<string, string[]>;
}

function tooLarge(limitBytes: number): CodedError {
  return new CodedError(`file exceeds the upload limit of ${limitBytes} bytes`, {
    code: ERROR_CODE.FILE_TOO_LARGE,
    param: 'file',
  });
}

function formError(message: string, code: ErrorCode, param: string | null = null): CodedError {
  return new CodedError(message, { code, param });
}

/** What watches an upload's pace (an UploadTicket): it counts the bytes, and aborts a slow one. */
export interface UploadWatch {
  readonly signal: AbortSignal;
  received(bytes: number): void;
}

/**
 * Parses the request body; rejects with a CodedError (400, 413 or 415) on anything malformed,
 * or with `watch`'s abort reason when the upload is dropped for its pace.
 */
export function parseUpload(
  request: IncomingMessage,
  limits: UploadLimits,
  watch?: UploadWatch,
): Promise<ParsedUpload> {
  const contentType = request.headers['content-type'] ?? '';
  if (!/^multipart\/form-data\b/i.test(contentType)) {
    return Promise.reject(
      new CodedError('expected a multipart/form-data body', { code: ERROR_CODE.UNSUPPORTED_MEDIA_TYPE }),
    );
  }
  const declared = Number(request.headers['content-length']);
  // Multipart framing adds a little to the file size; a body far beyond the file limit can be refused unread.
  if (
    Number.isFinite(declared) &&
    declared > limits.maxFileBytes + limits.maxFields * limits.maxFieldBytes + 64 * 1024
  ) {
    return Promise.reject(tooLarge(limits.maxFileBytes));
  }
  return new Promise<ParsedUpload>((resolve, reject) => {
    const fields = new Map<string, string[]>();
    const chunks: Buffer[] = [];
    let sawFile = false;
    let settled = false;
    let busboy: ReturnType<typeof Busboy>;

    const count = (chunk: Buffer): void => watch?.received(chunk.length);
    const onAbort = (): void => fail(watch?.signal.reason as CodedError);
    const stopWatching = (): void => {
      request.off('data', count);
      watch?.signal.removeEventListener('abort', onAbort);
    };
    const fail = (error: CodedError): void => {
      if (settled) return;
      settled = true;
      stopWatching();
      request.unpipe(busboy);
      request.resume();
      reject(error);
    };

    try {
      busboy = Busboy({
        headers: request.headers as { 'content-type': string },
        limits: {
          files: 1,
          fileSize: limits.maxFileBytes,
          fields: limits.maxFields,
          fieldSize: limits.maxFieldBytes,
          parts: limits.maxFields + 1,
          fieldNameSize: 100,
        },
      });
    } catch {
      reject(formError('malformed multipart/form-data: missing or invalid boundary', ERROR_CODE.MALFORMED_MULTIPART));
      return;
    }

    busboy.on('file', (name, stream) => {
      // A body cut off mid-part errors the part stream too; busboy's own 'error' reports it.
      stream.on('error', () => fail(formError('malformed multipart/form-data body', ERROR_CODE.MALFORMED_MULTIPART)));
      if (name !== 'file' || sawFile) {
        stream.resume();
        return;
      }
      sawFile = true;
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('limit', () => fail(tooLarge(limits.maxFileBytes)));
    });
    busboy.on('field', (name, value, _nameTruncated, valueTruncated) => {
      if (valueTruncated) {
        fail(
          formError(
            `field ${name.slice(0, 64)} exceeds ${limits.maxFieldBytes} bytes`,
            ERROR_CODE.FIELD_TOO_LARGE,
            name.slice(0, 64),
          ),
        );
        return;
      }
      const list = fields.get(name);
      if (list) list.push(value);
      else fields.set(name, [value]);
    });
    busboy.on('fieldsLimit', () =>
      fail(formError(`too many form fields (limit ${limits.maxFields})`, ERROR_CODE.TOO_MANY_FIELDS)),
    );
    busboy.on('partsLimit', () => fail(formError('too many form parts', ERROR_CODE.TOO_MANY_FIELDS)));
    busboy.on('filesLimit', () => fail(formError('only one file may be uploaded', ERROR_CODE.TOO_MANY_FILES, 'file')));
    busboy.on('error', () => fail(formError('malformed multipart/form-data body', ERROR_CODE.MALFORMED_MULTIPART)));
    busboy.on('finish', () => {
      if (settled) return;
      settled = true;
      stopWatching();
      resolve({ file: sawFile ? Buffer.concat(chunks) : undefined, fields });
    });
    request.on('aborted', () => fail(formError('upload aborted by the client', ERROR_CODE.UPLOAD_ABORTED)));
    request.pipe(busboy);
    if (watch) {
      request.on('data', count);
      if (watch.signal.aborted) onAbort();
      else watch.signal.addEventListener('abort', onAbort, { once: true });
    }
  });
}
