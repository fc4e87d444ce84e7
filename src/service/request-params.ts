/**
 * Validates the OpenAI transcription form fields. Unknown fields are ignored, as OpenAI does;
 * known fields with bad values are a 400 naming the parameter.
 */
import { badRequest } from './errors.ts';
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

function single(fields: Map<string, string[]>, name: string): string | undefined {
  const values = fields.get(name);
  if (!values) return undefined;
  if (values.length > 1) throw badRequest(`${name} given more than once`, 'invalid_value', name);
  return values[0];
}

function isResponseFormat(value: string): value is ResponseFormat {
  return (RESPONSE_FORMATS as readonly string[]).includes(value);
}

/** Turns the parsed form into typed parameters or throws a 400 ServiceError. */
export function transcriptionParams(upload: ParsedUpload): TranscriptionParams {
  const { fields } = upload;
  if (!upload.file) throw badRequest('no file: send the audio as the multipart field "file"', 'missing_file', 'file');
  if (upload.file.length === 0) throw badRequest('the uploaded file is empty', 'empty_file', 'file');

  const format = single(fields, 'response_format') ?? 'json';
  if (!isResponseFormat(format)) {
    throw badRequest(
      `response_format must be one of ${RESPONSE_FORMATS.join(', ')}`,
      'invalid_response_format',
      'response_format',
    );
  }
  const rawTemperature = single(fields, 'temperature');
  const temperature = rawTemperature === undefined || rawTemperature === '' ? 0 : Number(rawTemperature);
  if (!Number.isFinite(temperature) || temperature < 0 || temperature > 1) {
    throw badRequest('temperature must be a number from 0 to 1', 'invalid_temperature', 'temperature');
  }
  const language = single(fields, 'language') || undefined;
  if (language !== undefined && !/^[a-z]{2,3}$/.test(language)) {
    throw badRequest('language must be an ISO-639-1 code such as "en"', 'invalid_language', 'language');
  }
  const granularities = [
    ...(fields.get('timestamp_granularities[]') ?? []),
    ...(fields.get('timestamp_granularities') ?? []),
  ];
  for (const granularity of granularities) {
    if (granularity !== 'word' && granularity !== 'segment') {
      throw badRequest(
        'timestamp_granularities[] values are "word" and "segment"',
        'invalid_timestamp_granularities',
        'timestamp_granularities[]',
      );
    }
  }
  if (granularities.length > 0 && format !== 'verbose_json') {
    throw badRequest(
      'timestamp_granularities[] needs response_format verbose_json',
      'invalid_timestamp_granularities',
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
