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

/** How the file part is labelled and what answer is asked for; WAV and `json` unless said otherwise. */
export interface FormOptions {
  /** Upload file name extension (`mp3`); the name itself is always the neutral `clip`. */
  extension?: string;
  /** The file part's Content-Type. */
  fileType?: string;
  responseFormat?: string;
}

function field(boundary: string, name: string, value: string): string {
  return `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
}

/** Builds `file` (the bytes as they are) + `model` + `response_format` as one multipart/form-data body. */
export function buildTranscriptionBody(file: Uint8Array, model: string, options: FormOptions = {}): MultipartBody {
  const boundary = `amanuensis-loadgen-${randomBytes(12).toString('hex')}`;
  const fileName = options.extension ? `clip.${options.extension}` : UPLOAD_FILE_NAME;
  const head =
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\n` +
    `Content-Type: ${options.fileType ?? 'audio/wav'}\r\n\r\n`;
  const fields = field(boundary, 'model', model) + field(boundary, 'response_format', options.responseFormat ?? 'json');
  const tail = `\r\n${fields}--${boundary}--\r\n`;
  return {
    body: Buffer.concat([Buffer.from(head, 'latin1'), file, Buffer.from(tail, 'utf8')]),
    contentType: `multipart/form-data; boundary=${boundary}`,
  };
}
