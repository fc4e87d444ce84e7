/**
 * A multipart/form-data parser for tests that check what the load generator sends. Apart from
 * helpers.ts, which starts processes, so that unit tests can use it (test/support/conventions.test.ts).
 */
import { Readable } from 'node:stream';
import { Busboy } from '@fastify/busboy';

/** An upload as the server sees it: the form fields and the file part. */
export interface ParsedForm {
  fields: Record<string, string>;
  fileName: string;
  mimeType: string;
  file: Buffer;
}

/** Parses a multipart/form-data body the way a server would. */
export function parseForm(body: Buffer, contentType: string): Promise<ParsedForm> {
  return new Promise((resolve, reject) => {
    const parsed: ParsedForm = { fields: {}, fileName: '', mimeType: '', file: Buffer.alloc(0) };
    const busboy = Busboy({ headers: { 'content-type': contentType } });
    busboy.on('field', (name: string, value: string) => (parsed.fields[name] = value));
    busboy.on('file', (_name: string, stream: Readable, fileName: string, _encoding: string, mimeType: string) => {
      parsed.fileName = fileName;
      parsed.mimeType = mimeType;
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => (parsed.file = Buffer.concat(chunks)));
    });
    busboy.on('finish', () => resolve(parsed));
    busboy.on('error', reject);
    Readable.from([body]).pipe(busboy);
  });
}
