/**
 * Sends fuzz cases to a running service and judges each answer: any 5xx, a hang (no answer within
 * the case timeout), a dropped connection (a crash), or a 4xx without the OpenAI error envelope is
 * a failure. Shared by `npm run fuzz` (scripts/fuzz.ts) and test/reliability/fuzz.integration.test.ts.
 */
import { type FuzzCase, fuzzCases } from './fuzz-cases.ts';

export interface FuzzOptions {
  seed: number;
  cases: number;
  /** Cases in flight at once (default 4). */
  concurrency?: number;
  /** A case unanswered after this long is a hang (default 60 s). */
  caseTimeoutMs?: number;
  /** Called after every case (progress displays). */
  onCase?: (done: number) => void;
}

export interface FuzzFailure {
  index: number;
  kind: string;
  reason: string;
}

export interface FuzzReport {
  seed: number;
  cases: number;
  /** Answers by HTTP status. */
  statuses: Record<string, number>;
  /** Cases by mutation kind. */
  kinds: Record<string, number>;
  failures: FuzzFailure[];
}

function request(url: string, item: FuzzCase, signal: AbortSignal): Promise<Response> {
  const target = `${url}/v1/audio/transcriptions`;
  if ('rawBody' in item.upload) {
    return fetch(target, {
      method: 'POST',
      body: item.upload.rawBody,
      headers: { 'content-type': item.upload.contentType },
      signal,
    });
  }
  const form = new FormData();
  form.set('file', new Blob([item.upload.file], { type: 'audio/wav' }), 'fuzz.wav');
  for (const [name, value] of Object.entries(item.upload.fields)) form.append(name, value);
  return fetch(target, { method: 'POST', body: form, signal });
}

/** What is wrong with this answer, or undefined when it is acceptable. */
async function judge(response: Response): Promise<string | undefined> {
  const text = await response.text();
  if (response.status >= 500) return `HTTP ${response.status}: ${text.slice(0, 300)}`;
  if (response.status === 200) {
    // srt of a transcript without segments is legitimately empty; JSON answers must parse.
    if (!(response.headers.get('content-type') ?? '').includes('json')) return undefined;
    try {
      JSON.parse(text);
      return undefined;
    } catch {
      return `HTTP 200 with JSON that does not parse: ${text.slice(0, 300)}`;
    }
  }
  if (response.status < 400) return `unexpected HTTP ${response.status}`;
  try {
    const body = JSON.parse(text) as { error?: { message?: unknown; code?: unknown } };
    if (typeof body.error?.message !== 'string' || typeof body.error.code !== 'string')
      return `HTTP ${response.status} without the error envelope: ${text.slice(0, 300)}`;
  } catch {
    return `HTTP ${response.status} with a body that is not JSON: ${text.slice(0, 300)}`;
  }
  return undefined;
}

async function runCase(url: string, item: FuzzCase, timeoutMs: number, report: FuzzReport): Promise<void> {
  const signal = AbortSignal.timeout(timeoutMs);
  report.kinds[item.kind] = (report.kinds[item.kind] ?? 0) + 1;
  try {
    const response = await request(url, item, signal);
    report.statuses[response.status] = (report.statuses[response.status] ?? 0) + 1;
    const problem = await judge(response);
    if (problem) report.failures.push({ index: item.index, kind: item.kind, reason: problem });
  } catch (error) {
    const reason = signal.aborted
      ? `no answer within ${timeoutMs} ms (hang)`
      : `request failed: ${error instanceof Error ? `${error.message} ${String((error as { cause?: unknown }).cause ?? '')}` : String(error)}`;
    report.failures.push({ index: item.index, kind: item.kind, reason });
  }
}

/** Runs `options.cases` cases of `options.seed` against the service at `url`. */
export async function runFuzz(url: string, options: FuzzOptions): Promise<FuzzReport> {
  const report: FuzzReport = { seed: options.seed, cases: options.cases, statuses: {}, kinds: {}, failures: [] };
  const cases = fuzzCases(options.seed, options.cases);
  const timeoutMs = options.caseTimeoutMs ?? 60_000;
  let done = 0;
  await Promise.all(
    Array.from({ length: options.concurrency ?? 4 }, async () => {
      for (let next = cases.next(); !next.done; next = cases.next()) {
        await runCase(url, next.value, timeoutMs, report);
        options.onCase?.(++done);
      }
    }),
  );
  return report;
}
