/**
 * Validates the OpenAI transcription form fields. Unknown fields are ignored, as OpenAI does;
 * known fields with bad values are a 400 naming the parameter.
 */
import { CodedError, ERROR_CODE, type ErrorCode } from '../core/errors.ts';
import type { ParsedUpload } from './multipart.ts';

export const RESPONSE_FORMATS = ['json', 'text', 'srt', 'vtt', 'verbose_json'] as const;
export type ResponseFormat = (typeof RESPONSE_FORMATS)[number];

export interface TranscriptionParams {
  file: Buffer;
  model: string | undefined;
  language: string | undefined;
  prompt: string | undefined;
  temperature: number;
  responseFormat: ResponseFormat;
  words: boolean;
  segments: boolean;
}

function invalid(message: string, code: ErrorCode, param: string): CodedError {
  return new CodedError(message, { code, param });
}

function single(fields: Map<string, string[]>, name: string): string | undefined {
  const values = fields.get(name);
  if (!values) return undefined;
  if (values.length > 1) throw invalid(`${name} given more than once`, ERROR_CODE.INVALID_VALUE, name);
  return values[0];
}

function isResponseFormat(value: string): value is ResponseFormat {
  return (RESPONSE_FORMATS as readonly string[]).includes(value);
}

/** Turns the parsed form into typed parameters or throws a CodedError (a 400). */
export function transcriptionParams(upload: ParsedUpload): TranscriptionParams {
  const { fields } = upload;
  if (!upload.file)
    throw invalid('no file: send the audio as the multipart field "file"', ERROR_CODE.MISSING_FILE, 'file');
  if (upload.file.length === 0) throw invalid('the uploaded file is empty', ERROR_CODE.EMPTY_FILE, 'file');

  const format = single(fields, 'response_format') ?? 'json';
  if (!isResponseFormat(format)) {
    throw invalid(
      `response_format must be one of ${RESPONSE_FORMATS.join(', ')}`,
      ERROR_CODE.INVALID_RESPONSE_FORMAT,
      'response_format',
    );
  }
  const rawTemperature = single(fields, 'temperature');
  const temperature = rawTemperature === undefined || rawTemperature === '' ? 0 : Number(rawTemperature);
  if (!Number.isFinite(temperature) || temperature < 0 || temperature > 1) {
    throw invalid('temperature must be a number from 0 to 1', ERROR_CODE.INVALID_TEMPERATURE, 'temperature');
  }
  const language = single(fields, 'language') || undefined;
  if (language !== undefined && !/^[a-z]{2,3}$/.test(language)) {
    throw invalid('language must be an ISO-639-1 code such as "en"', ERROR_CODE.INVALID_LANGUAGE, 'language');
  }
  const granularities = [
    ...(fields.get('timestamp_granularities[]') ?? []),
    ...(fields.get('timestamp_granularities') ?? []),
  ];
  for (const granularity of granularities) {
    if (granularity !== 'word' && granularity !== 'segment') {
      throw invalid(
        'timestamp_granularities[] values are "word" and "segment"',
        ERROR_CODE.INVALID_TIMESTAMP_GRANULARITIES,
        'timestamp_granularities[]',
      );
    }
  }
  if (granularities.length > 0 && format !== 'verbose_json') {
    throw invalid(
      'timestamp_granularities[] needs response_format verbose_json',
      ERROR_CODE.INVALID_TIMESTAMP_GRANULARITIES,
      'timestamp_granularities[]',
    );
  }
  return {
    file: upload.file,
    model: single(fields, 'model') || undefined,
    language,
    prompt: single(fields, 'prompt') || undefined,
    temperature,
    responseFormat: format,
    words: granularities.includes('word'),
    segments: granularities.length === 0 || granularities.includes('segment'),
  };
}
