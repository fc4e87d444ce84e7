/**
 * `amanuensis load` options: the raw strings commander collects, validated into a run plan (a
 * list of scenarios). Every mistake is a UsageError with one line naming the option, so the CLI
 * exits 2 without a stack trace.
 */
import { UsageError } from '../core/command-errors.ts';
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
}

export type ProgressMode = 'auto' | 'json' | 'none';

/** A validated load run. */
export interface LoadOptions {
  /** Base URL without a trailing slash; the transcription path is appended. */
  url: string;
  scenarios: ScenarioSpec[];
  timeoutMs: number;
  /** The multipart `model` field (OpenAI requires one). */
  model: string;
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

function positiveInteger(option: string, text: string): number {
  const n = /^\d+$/.test(text.trim()) ? Number(text) : NaN;
  if (!Number.isSafeInteger(n) || n <= 0) throw new UsageError(`${option} must be a positive integer, got '${text}'`);
  return n;
}

function nonNegativeInteger(option: string, text: string): number {
  const n = /^\d+$/.test(text.trim()) ? Number(text) : NaN;
  if (!Number.isSafeInteger(n)) throw new UsageError(`${option} must be a non-negative integer, got '${text}'`);
  return n;
}

function positiveNumber(option: string, text: string): number {
  const n = text.trim() === '' ? NaN : Number(text);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`${option} must be a positive number, got '${text}'`);
  return n;
}

function list(option: string, text: string, parse: (option: string, item: string) => number): number[] {
  const items = text.split(',').map((item) => parse(option, item));
  if (new Set(items).size !== items.length) throw new UsageError(`${option} lists a value twice: '${text}'`);
  return items;
}

function parseUrl(text: string | undefined): string {
  if (!text) throw new UsageError('--url is required (the base URL, e.g. http://127.0.0.1:8080)');
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`--url must be an absolute http(s) URL, got '${text}'`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new UsageError(`--url must use http or https, got '${url.protocol}'`);
  if (url.search || url.hash) throw new UsageError(`--url must be a base URL without query or fragment, got '${text}'`);
  return url.href.replace(/\/+$/, '');
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
  const requests = raw.requests === undefined ? undefined : positiveInteger('--requests', raw.requests);
  const durationS = raw.duration === undefined ? undefined : positiveNumber('--duration', raw.duration);
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
  const url = parseUrl(raw.url);
  let suite: SuiteName | undefined;
  let scenarios: ScenarioSpec[];
  if (raw.suite !== undefined) {
    if (!(SUITES as readonly string[]).includes(raw.suite))
      throw new UsageError(`--suite must be one of ${SUITES.join(', ')}, got '${raw.suite}'`);
    const clash = (['streams', 'rate', 'audio', 'requests', 'duration', 'warmup'] as const).find(
      (key) => raw[key] !== undefined,
    );
    if (clash) throw new UsageError(`--suite defines its own scenarios: drop --${clash}`);
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
  return {
    url,
    scenarios,
    timeoutMs: (raw.timeout === undefined ? DEFAULT_TIMEOUT_S : positiveNumber('--timeout', raw.timeout)) * 1000,
    model,
    trace: raw.trace ?? true,
    thresholds: parseThresholds(raw.threshold ?? []),
    out: raw.out,
    progress,
    suite,
  };
}
