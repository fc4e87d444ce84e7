/**
 * The upload body, built once per clip and shared by every request of a run: building (or
 * re-reading a file) per request would make the client, not the server, the thing being measured.
 */
import { randomBytes } from 'node:crypto';

/** A ready-to-send OpenAI transcription form. */
export interface MultipartBody {
  body: Buffer;
  contentType: string;
}

/** A neutral file name: the server must not learn (or trace) the user's file names. */
export const UPLOAD_FILE_NAME = 'clip.wav';

function field(boundary: string, name: string, value: string): string {
  return `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
}

/** Builds `file` (audio/wav) + `model` + `response_format=json` as one multipart/form-data body. */
export function buildTranscriptionBody(wav: Uint8Array, model: string): MultipartBody {
  const boundary = `amanuensis-loadgen-${randomBytes(12).toString('hex')}`;
  const head =
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${UPLOAD_FILE_NAME}"\r\n` +
    `Content-Type: audio/wav\r\n\r\n`;
  const tail = `\r\n${field(boundary, 'model', model)}${field(boundary, 'response_format', 'json')}--${boundary}--\r\n`;
  return {
    body: Buffer.concat([Buffer.from(head, 'latin1'), wav, Buffer.from(tail, 'utf8')]),
    contentType: `multipart/form-data; boundary=${boundary}`,
  };
}
