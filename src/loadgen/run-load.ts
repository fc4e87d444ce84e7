/**
 * The load generator as a library: `runLoad(options, hooks)` runs validated scenarios and returns
 * the load-results document; `runSuite` does the same for a named suite (what `amanuensis
 * profile` calls). Neither starts telemetry: client spans go to whatever tracer provider the
 * caller registered (the CLI starts one unless `--no-trace`).
 */

import type { SpanSummaryDocument } from '../rollup/document.ts';
import { SPAN_SUMMARY_PATH } from '../telemetry/names.ts';
import { queryKeysOnly, redactUrl } from '../telemetry/redact.ts';
import { AudioLibrary, type PreparedAudio } from './audio.ts';
import { ClientSpans } from './client-spans.ts';
import { TargetClient } from './http-client.ts';
import { DEFAULT_PATH } from './option-values.ts';
import { DEFAULT_MODEL, DEFAULT_TIMEOUT_S, type LoadOptions, type ResponseFormat } from './options.ts';
import { checkHealth, preflight } from './preflight.ts';
import { type LoadEvent, toProgressSnapshot } from './progress.ts';
import {
  type LoadResults,
  RESULTS_SCHEMA_VERSION,
  type ScenarioResult,
  scalingEfficiency,
  scenarioResult,
  thresholdValues,
} from './results.ts';
import { runScenario } from './run-scenario.ts';
import { isSpanSummary, type StageBreakdown, stageBreakdown } from './stage-diff.ts';
import { type SuiteName, suiteScenarios } from './suites.ts';
import { checkThresholds, type Threshold } from './thresholds.ts';

export interface LoadHooks {
  onProgress?: (event: LoadEvent) => void;
  /** Milliseconds between snapshot events (default 1000). */
  snapshotIntervalMs?: number;
  /** Extra request headers (e.g. `authorization`), added to the options' own. */
  headers?: Record<string, string>;
  /** The scenarios' audio, when the caller already ran `prepareAudio` (read once, not twice). */
  audio?: PreparedAudio[];
}

/** Health checks and summaries must not wait a minute for a black-holed address. */
const CONTROL_TIMEOUT_MS = 10_000;

async function fetchSummary(
  control: TargetClient,
  headers: Record<string, string>,
): Promise<SpanSummaryDocument | undefined> {
  const outcome = await control.send({
    method: 'GET',
    path: SPAN_SUMMARY_PATH,
    headers,
    check: 'none',
    keepBody: true,
  });
  if (outcome.status !== 200 || outcome.body === undefined) return undefined;
  try {
    const doc = JSON.parse(outcome.body) as unknown;
    return isSpanSummary(doc) ? doc : undefined;
  } catch {
    return undefined;
  }
}

/** A path with its query values dropped, as URLs are everywhere they are written. */
function redactPath(path: string): string {
  const query = path.indexOf('?');
  if (query < 0) return path;
  const keys = queryKeysOnly(path.slice(query));
  return keys === '' ? path.slice(0, query) : `${path.slice(0, query)}?${keys}`;
}

/** Reads every clip (validating user files) before anything is sent. */
export async function prepareAudio(options: LoadOptions): Promise<PreparedAudio[]> {
  const library = new AudioLibrary(options.model, options.responseFormat);
  const prepared: PreparedAudio[] = [];
  for (const scenario of options.scenarios) prepared.push(await library.prepare(scenario.audio));
  return prepared;
}

/** Runs every scenario of `options` in turn against its target. */
export async function runLoad(options: LoadOptions, hooks: LoadHooks = {}): Promise<LoadResults> {
  const startedAt = new Date().toISOString();
  const headers = { ...options.headers, ...hooks.headers };
  const path = options.path ?? DEFAULT_PATH;
  const audio = hooks.audio ?? (await prepareAudio(options));
  const spans = new ClientSpans(options.trace);
  const control = new TargetClient(options.url, {
    connections: 2,
    timeoutMs: Math.min(options.timeoutMs, CONTROL_TIMEOUT_MS),
  });
  const scenarios: ScenarioResult[] = [];
  try {
    await checkHealth(control, headers);
    let summaries = (await fetchSummary(control, headers)) !== undefined;
    const count = options.scenarios.length;
    for (const [index, spec] of options.scenarios.entries()) {
      hooks.onProgress?.({ type: 'scenario-start', scenario: spec.name, index, count });
      const client = new TargetClient(options.url, {
        connections: spec.model === 'closed' ? spec.streams! : (spec.maxInFlight ?? null),
        timeoutMs: options.timeoutMs,
      });
      let before: SpanSummaryDocument | undefined;
      try {
        if (index === 0) await preflight(client, path, audio[index]!.clips[0]!, spans, headers);
        const run = await runScenario(spec, {
          client,
          path,
          audio: audio[index]!,
          spans,
          headers,
          snapshotIntervalMs: hooks.snapshotIntervalMs ?? 1000,
          ...(hooks.onProgress
            ? {
                onSnapshot: (snapshot) =>
                  hooks.onProgress!({ type: 'snapshot', snapshot: toProgressSnapshot(snapshot) }),
              }
            : {}),
          ...(summaries
            ? {
                beforeMeasure: async () => {
                  before = await fetchSummary(control, headers);
                },
              }
            : {}),
        });
        let stages: StageBreakdown | null | undefined;
        if (summaries) {
          const after = await fetchSummary(control, headers);
          stages = before && after ? (stageBreakdown(before, after) ?? null) : null;
          summaries = after !== undefined;
        }
        const result = scenarioResult(run, stages);
        scenarios.push(result);
        hooks.onProgress?.({ type: 'scenario-end', result, index, count });
      } finally {
        await client.close();
      }
    }
  } finally {
    await control.close();
  }
  const thresholds = checkThresholds(
    options.thresholds,
    scenarios.map((s) => ({ name: s.name, values: thresholdValues(s) })),
  );
  return {
    schema_version: RESULTS_SCHEMA_VERSION,
    target: redactUrl(options.url),
    path: redactPath(path),
    started_at: startedAt,
    finished_at: new Date().toISOString(),
    suite: options.suite ?? null,
    client: { trace: spans.enabled, timeout_s: options.timeoutMs / 1000 },
    scenarios,
    scaling_efficiency: scalingEfficiency(scenarios),
    thresholds,
  };
}

export interface SuiteOptions {
  /** Base URL of the target, e.g. `http://127.0.0.1:8080`. */
  url: string;
  suite?: SuiteName;
  /** Make client spans with the registered tracer provider (default true). */
  trace?: boolean;
  timeoutMs?: number;
  /** The multipart `model` field (default `whisper-1`). */
  model?: string;
  /** The transcription path below `url` (default `/v1/audio/transcriptions`). */
  path?: string;
  /** Extra request headers; never printed or written. */
  headers?: Record<string, string>;
  responseFormat?: ResponseFormat;
  thresholds?: Threshold[];
}

/** Runs a named suite (default `standard`) and returns the load-results document. */
export function runSuite(options: SuiteOptions, hooks: LoadHooks = {}): Promise<LoadResults> {
  const suite = options.suite ?? 'standard';
  return runLoad(
    {
      url: options.url.replace(/\/+$/, ''),
      scenarios: suiteScenarios(suite),
      timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_S * 1000,
      model: options.model ?? DEFAULT_MODEL,
      path: options.path ?? DEFAULT_PATH,
      headers: options.headers ?? {},
      responseFormat: options.responseFormat ?? 'json',
      trace: options.trace ?? true,
      thresholds: options.thresholds ?? [],
      out: undefined,
      progress: 'none',
      suite,
    },
    hooks,
  );
}
