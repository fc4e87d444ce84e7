/**
 * Renders a transcript in the OpenAI response formats: json, text, srt, vtt, verbose_json.
 */
import type { StageTiming, Transcript } from '../engine/engine.ts';
import type { ResponseFormat } from './request-params.ts';

export interface RenderInput {
  format: ResponseFormat;
  transcript: Transcript;
  durationS: number;
  model: string;
  /** This request's stage durations in ms (verbose_json `timing`). */
  timing: Record<string, number>;
  words: boolean;
  segments: boolean;
}

export interface Rendered {
  contentType: string;
  body: string;
}

function clock(seconds: number, separator: ',' | '.'): string {
  const totalMs = Math.max(0, Math.round(seconds * 1000));
  const ms = totalMs % 1000;
  const s = Math.floor(totalMs / 1000) % 60;
  const m = Math.floor(totalMs / 60_000) % 60;
  const h = Math.floor(totalMs / 3_600_000);
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${two(h)}:${two(m)}:${two(s)}${separator}${String(ms).padStart(3, '0')}`;
}

function cues(transcript: Transcript, separator: ',' | '.', numbered: boolean): string {
  return transcript.segments
    .map((segment, index) => {
      const lines = [`${clock(segment.start, separator)} --> ${clock(segment.end, separator)}`, segment.text.trim()];
      if (numbered) lines.unshift(String(index + 1));
      return `${lines.join('\n')}\n`;
    })
    .join('\n');
}

/** Body and content type for the requested format. */
export function render(input: RenderInput): Rendered {
  const { transcript } = input;
  switch (input.format) {
    case 'text':
      return { contentType: 'text/plain; charset=utf-8', body: `${transcript.text}\n` };
    case 'srt':
      return { contentType: 'application/x-subrip; charset=utf-8', body: cues(transcript, ',', true) };
    case 'vtt':
      return { contentType: 'text/vtt; charset=utf-8', body: `WEBVTT\n\n${cues(transcript, '.', false)}` };
    case 'verbose_json': {
      const body: Record<string, unknown> = {
        task: 'transcribe',
        language: transcript.language,
        duration: input.durationS,
        text: transcript.text,
      };
      if (input.segments) body.segments = transcript.segments;
      if (input.words) body.words = transcript.words;
      body.usage = { type: 'duration', seconds: Math.ceil(input.durationS) };
      body.model = input.model;
      body.timing = input.timing;
      return { contentType: 'application/json', body: JSON.stringify(body) };
    }
    default:
      return { contentType: 'application/json', body: JSON.stringify({ text: transcript.text, model: input.model }) };
  }
}

/** `timing` for verbose_json: total plus the engine's stages and the decode, all in ms. */
export function timingDocument(totalMs: number, decodeMs: number, stages: StageTiming): Record<string, number> {
  const round = (ms: number): number => Math.round(ms * 1000) / 1000;
  const timing: Record<string, number> = { total_ms: round(totalMs), decode_ms: round(decodeMs) };
  for (const [key, value] of Object.entries(stages)) timing[key] = round(value);
  return timing;
}

/** W3C Server-Timing header value: decode, mel, encoder, decoder and total, durations in ms. */
export function serverTiming(timing: Record<string, number>): string {
  const entries: string[] = [];
  for (const [key, value] of Object.entries(timing)) {
    if (!key.endsWith('_ms')) continue;
    entries.push(`${key.slice(0, -3)};dur=${value.toFixed(3)}`);
  }
  return entries.join(', ');
}
