/**
 * `amanuensis load` options: the raw strings commander collects, validated into a run plan (a
 * list of scenarios). Every mistake is a UsageError with one line naming the option, so the CLI
 * exits 2 without a stack trace.
 */
import { UsageError } from '../core/command-errors.ts';
import {
  baseUrl,
  durationSeconds,
  nonNegativeInteger,
  parseHeaders,
  positiveInteger,
  positiveNumber,
  requestPath,
} from './option-values.ts';
import { SUITES, type SuiteName, suiteScenarios } from './suites.ts';
import { parseThresholds, type Threshold } from './thresholds.ts';

/** Built-in generated clips; `mixed` alternates 1 s and 5 s. */
export const BUILTIN_AUDIO = ['1s', '5s', '30s', 'silence', 'mixed'] as const;
export type BuiltinAudio = (typeof BUILTIN_AUDIO)[number];

/** What a scenario uploads: one built-in clip kind, or the user's files in turn. */
export type AudioSpec = { kind: 'builtin'; name: BuiltinAudio } | { kind: 'files'; paths: string[] };

/** One scenario: a closed model (`streams` loops) or an open model (`rate` requests/s). */
export interface ScenarioSpec {
  name: string;
  model: 'closed' | 'open';
  /** Concurrent streams (closed model). */
  streams?: number;
  /** Requests per second (open model). */
  rate?: number;
  audio: AudioSpec;
  /** Measured requests across all streams; exactly one of requests and durationS is set. */
  requests?: number;
  durationS?: number;
  /** Requests sent before measuring, excluded from every statistic. */
  warmup: number;
  /** Open model: at most this many requests at once; the rest wait for a place and count as late. */
  maxInFlight?: number;
}

export type ProgressMode = 'auto' | 'json' | 'none';

/** The answers a run can judge: JSON with a `text` string. */
export const RESPONSE_FORMATS = ['json', 'verbose_json'] as const;
export type ResponseFormat = (typeof RESPONSE_FORMATS)[number];

/** A validated load run. */
export interface LoadOptions {
  /** Base URL without a trailing slash; `path` is appended. */
  url: string;
  /** The transcription path below the base URL (default `/v1/audio/transcriptions`). */
  path?: string;
  /** Extra request headers, lower-case names (`--header`, `--api-key`); never printed or written. */
  headers?: Record<string, string>;
  scenarios: ScenarioSpec[];
  timeoutMs: number;
  /** The multipart `model` field (OpenAI requires one). */
  model: string;
  /** The multipart `response_format` field (default `json`): `verbose_json` makes OpenAI answer the audio's `duration`. */
  responseFormat?: ResponseFormat;
  trace: boolean;
  thresholds: Threshold[];
  out: string | undefined;
  progress: ProgressMode;
  suite: SuiteName | undefined;
}

/** Options as commander hands them over: strings, unvalidated. */
export interface RawLoadOptions {
  url?: string;
  streams?: string;
  rate?: string;
  audio?: string[];
  requests?: string;
  duration?: string;
  warmup?: string;
  timeout?: string;
  model?: string;
  path?: string;
  header?: string[];
  apiKey?: string;
  responseFormat?: string;
  maxInFlight?: string;
  out?: string;
  threshold?: string[];
  suite?: string;
  progress?: string;
  trace?: boolean;
}

export const DEFAULT_TIMEOUT_S = 60;
/** The `model` form field sent when none is given: OpenAI's name, which any compatible endpoint accepts. */
export const DEFAULT_MODEL = 'whisper-1';
export const DEFAULT_STREAMS = 4;
/** Default measured requests per stream (closed) and seconds of arrivals (open). */
export const DEFAULT_REQUESTS_PER_STREAM = 8;
export const DEFAULT_OPEN_SECONDS = 10;
export const DEFAULT_OPEN_WARMUP = 2;

function list(option: string, text: string, parse: (option: string, item: string) => number): number[] {
  const items = text.split(',').map((item) => parse(option, item));
  if (new Set(items).size !== items.length) throw new UsageError(`${option} lists a value twice: '${text}'`);
  return items;
}

/** Built-in names (comma lists allowed) become one audio spec each; all files together form one. */
export function parseAudio(values: readonly string[] | undefined): AudioSpec[] {
  const specs: AudioSpec[] = [];
  const files: string[] = [];
  for (const value of values && values.length > 0 ? values : ['1s']) {
    const parts = value.split(',');
    if (parts.every((part) => (BUILTIN_AUDIO as readonly string[]).includes(part))) {
      for (const name of parts as BuiltinAudio[]) {
        if (specs.some((spec) => spec.kind === 'builtin' && spec.name === name))
          throw new UsageError(`--audio lists '${name}' twice`);
        specs.push({ kind: 'builtin', name });
      }
    } else if (value.trim() === '') {
      throw new UsageError(`--audio must be one of ${BUILTIN_AUDIO.join(', ')} or a WAV file path, got ''`);
    } else {
      files.push(value);
    }
  }
  if (files.length > 0) specs.push({ kind: 'files', paths: files });
  return specs;
}

/** The name a scenario's audio goes by in reports (never a user's file name). */
export function audioLabel(audio: AudioSpec): string {
  return audio.kind === 'builtin' ? audio.name : 'files';
}

function customScenarios(raw: RawLoadOptions): ScenarioSpec[] {
  if (raw.streams !== undefined && raw.rate !== undefined)
    throw new UsageError('--streams and --rate are alternatives: give one of them');
  if (raw.requests !== undefined && raw.duration !== undefined)
    throw new UsageError('--requests and --duration are alternatives: give one of them');
  if (raw.maxInFlight !== undefined && raw.rate === undefined)
    throw new UsageError('--max-in-flight caps the open model: give it with --rate');
  const requests = raw.requests === undefined ? undefined : positiveInteger('--requests', raw.requests);
  const durationS = raw.duration === undefined ? undefined : durationSeconds('--duration', raw.duration);
  const maxInFlight = raw.maxInFlight === undefined ? undefined : positiveInteger('--max-in-flight', raw.maxInFlight);
  const warmup = raw.warmup === undefined ? undefined : nonNegativeInteger('--warmup', raw.warmup);
  const audios = parseAudio(raw.audio);
  const scenarios: ScenarioSpec[] = [];
  if (raw.rate !== undefined) {
    for (const rate of list('--rate', raw.rate, positiveNumber)) {
      for (const audio of audios) {
        const amount =
          durationS !== undefined
            ? { durationS }
            : { requests: requests ?? Math.max(1, Math.ceil(rate * DEFAULT_OPEN_SECONDS)) };
        const size = amount.durationS !== undefined ? `for ${amount.durationS}s` : `x${amount.requests}`;
        scenarios.push({
          name: `${rate}/s ${size} ${audioLabel(audio)}`,
          model: 'open',
          rate,
          audio,
          ...amount,
          warmup: warmup ?? DEFAULT_OPEN_WARMUP,
          ...(maxInFlight !== undefined ? { maxInFlight } : {}),
        });
      }
    }
    return scenarios;
  }
  const streamsList = raw.streams === undefined ? [DEFAULT_STREAMS] : list('--streams', raw.streams, positiveInteger);
  for (const streams of streamsList) {
    for (const audio of audios) {
      const amount =
        durationS !== undefined ? { durationS } : { requests: requests ?? streams * DEFAULT_REQUESTS_PER_STREAM };
      const size = amount.durationS !== undefined ? ` streams for ${amount.durationS}s` : `x${amount.requests}`;
      scenarios.push({
        name: `${streams}${size} ${audioLabel(audio)}`,
        model: 'closed',
        streams,
        audio,
        ...amount,
        warmup: warmup ?? streams,
      });
    }
  }
  return scenarios;
}

/** Validates everything; throws UsageError with a one-line message on the first problem. */
export function parseLoadOptions(raw: RawLoadOptions): LoadOptions {
  const url = baseUrl('--url', raw.url);
  let suite: SuiteName | undefined;
  let scenarios: ScenarioSpec[];
  if (raw.suite !== undefined) {
    if (!(SUITES as readonly string[]).includes(raw.suite))
      throw new UsageError(`--suite must be one of ${SUITES.join(', ')}, got '${raw.suite}'`);
    const clash = (['streams', 'rate', 'audio', 'requests', 'duration', 'warmup', 'maxInFlight'] as const).find(
      (key) => raw[key] !== undefined,
    );
    if (clash)
      throw new UsageError(
        `--suite defines its own scenarios: drop --${clash.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`,
      );
    suite = raw.suite as SuiteName;
    scenarios = suiteScenarios(suite);
  } else {
    scenarios = customScenarios(raw);
  }
  const progress = raw.progress ?? 'auto';
  if (progress !== 'auto' && progress !== 'json' && progress !== 'none')
    throw new UsageError(`--progress must be one of auto, json, none, got '${progress}'`);
  const model = raw.model ?? DEFAULT_MODEL;
  if (model.trim() === '') throw new UsageError('--model must not be empty');
  const responseFormat = raw.responseFormat ?? 'json';
  if (!(RESPONSE_FORMATS as readonly string[]).includes(responseFormat))
    throw new UsageError(`--response-format must be one of ${RESPONSE_FORMATS.join(', ')}, got '${responseFormat}'`);
  const headers = parseHeaders(raw.header);
  // An explicit header is the more specific wish (the key may come from the environment).
  if (raw.apiKey && !('authorization' in headers)) headers.authorization = `Bearer ${raw.apiKey}`;
  return {
    url,
    path: requestPath(raw.path),
    headers,
    scenarios,
    timeoutMs: (raw.timeout === undefined ? DEFAULT_TIMEOUT_S : durationSeconds('--timeout', raw.timeout)) * 1000,
    model,
    responseFormat: responseFormat as ResponseFormat,
    trace: raw.trace ?? true,
    thresholds: parseThresholds(raw.threshold ?? []),
    out: raw.out,
    progress,
    suite,
  };
}
