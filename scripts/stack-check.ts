/**
 * `npm run test:stack`: the live check of the docker compose stack, for a machine with a Docker engine
 * (CI has none; test/stack/ checks the files statically). It brings the stack up, runs the load
 * generator, copies the `results` volume to ./results, takes the slowest `transcribe` exemplar from
 * span-summary.json, fetches that trace back through Jaeger's /api/v3/traces/{id}, checks that span
 * metrics reached Prometheus and Jaeger's Monitor API, follows a Prometheus exemplar of
 * amanuensis_span_duration_seconds to its trace in Jaeger, checks that Grafana serves the dashboard
 * and returns exemplars with trace ids to an anonymous viewer, and tears the stack down.
 *
 * Exit codes: 0 every check passed, 1 a check failed, 2 bad usage or no Docker engine.
 */
import { spawn } from 'node:child_process';
import { mkdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { DEFAULT_JAEGER_URL as jaegerUrl } from '../src/report/input.ts';

const repoRoot = resolve(import.meta.dirname, '..');
const resultsDir = join(repoRoot, 'results');
const prometheusUrl = 'http://localhost:9090';
const grafanaUrl = 'http://localhost:3000';
const serviceUrl = 'http://localhost:8080';
/** `collect`, which the collector sends every span to (docker-compose.yml publishes its 4318 here). */
const collectUrl = 'http://localhost:4320';
/** The service's span-duration histogram (docs/stack.md) and the dashboard that draws it. */
const serviceHistogram = 'amanuensis_span_duration_seconds_bucket';
const dashboardUid = 'amanuensis-stage-latency';
const pollIntervalMillis = 2000;

const USAGE = `usage: node scripts/stack-check.ts [--suite quick|standard] [--keep]
  --suite   load suite the load generator runs (default: quick)
  --keep    leave the stack running afterwards (default: docker compose down -v, which also
            deletes the results volume; ./results keeps the copy this check makes)`;

class CheckFailed extends Error {}

/** Runs `docker <args>` silently; resolves with the exit code (127 when docker is not installed). */
function docker(args: string[]): Promise<number> {
  return new Promise((resolvePromise) => {
    const child = spawn('docker', args, { stdio: 'ignore', timeout: 30_000 });
    child.on('error', () => resolvePromise(127));
    child.on('exit', (code) => resolvePromise(code ?? 1));
  });
}

/** Runs `docker compose <args>` in the repository with inherited output; resolves with the exit code. */
function compose(args: string[], timeoutMillis: number): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn('docker', ['compose', ...args], {
      cwd: repoRoot,
      stdio: 'inherit',
      timeout: timeoutMillis,
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => resolvePromise(code ?? (signal ? 124 : 1)));
  });
}

async function composeOrFail(args: string[], timeoutMillis: number, okCodes = [0]): Promise<void> {
  const code = await compose(args, timeoutMillis);
  if (!okCodes.includes(code)) throw new CheckFailed(`docker compose ${args.join(' ')} exited with ${code}`);
}

/** Retries `attempt` until it returns a value; traces and metrics arrive after batch and scrape delays. */
async function poll<T>(what: string, timeoutMillis: number, attempt: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMillis;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    try {
      const value = await attempt();
      if (value !== undefined) return value;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    await sleep(pollIntervalMillis);
  }
  throw new CheckFailed(`${what}: nothing after ${timeoutMillis / 1000} s (last: ${last})`);
}

async function getJson(url: string): Promise<unknown | undefined> {
  const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  if (response.status === 404) return undefined;
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  return response.json();
}

function step(message: string): void {
  process.stdout.write(`stack-check: ${message}\n`);
}

interface SummaryDoc {
  generated_at: string;
  spans: Array<{ name: string; count: number; exemplars: Array<{ trace_id: string; duration_ms: number }> }>;
}

/** Copies the `results` volume (span summary, load results) to ./results, as docs/stack.md tells users to. */
async function copyResults(): Promise<void> {
  await composeOrFail(['cp', 'service:/results/.', 'results'], 60_000);
}

/** The slowest `transcribe` exemplar of a summary written after `notBefore`. */
async function slowestExemplar(notBefore: number): Promise<{ traceId: string; durationMs: number } | undefined> {
  await copyResults();
  const doc = JSON.parse(await readFile(join(resultsDir, 'span-summary.json'), 'utf8')) as SummaryDoc;
  if (Date.parse(doc.generated_at) < notBefore) return undefined;
  const exemplars = doc.spans.find((span) => span.name === 'transcribe')?.exemplars ?? [];
  const slowest = exemplars.reduce<(typeof exemplars)[number] | undefined>(
    (a, b) => (!a || b.duration_ms > a.duration_ms ? b : a),
    undefined,
  );
  return slowest && { traceId: slowest.trace_id, durationMs: slowest.duration_ms };
}

interface OtlpTrace {
  resourceSpans?: Array<{
    resource?: { attributes?: Array<{ key: string; value: { stringValue?: string } }> };
    scopeSpans?: Array<{ spans?: Array<{ name: string }> }>;
  }>;
}

/** Span names per service.name in an OTLP/JSON trace from /api/v3/traces/{id}. */
function spanNamesByService(trace: OtlpTrace): Map<string, Set<string>> {
  const byService = new Map<string, Set<string>>();
  for (const resourceSpans of trace.resourceSpans ?? []) {
    const service = resourceSpans.resource?.attributes?.find((a) => a.key === 'service.name')?.value.stringValue ?? '?';
    const names = byService.get(service) ?? new Set<string>();
    for (const scope of resourceSpans.scopeSpans ?? []) for (const span of scope.spans ?? []) names.add(span.name);
    byService.set(service, names);
  }
  return byService;
}

interface ExemplarSeries {
  seriesLabels: Record<string, string>;
  exemplars: Array<{ labels: Record<string, string>; value: string; timestamp: number }>;
}

/** Exemplars Prometheus stored for `selector` since `sinceMillis`, slowest first. */
async function storedExemplars(
  selector: string,
  sinceMillis: number,
): Promise<Array<{ traceId: string; seconds: number; spanName: string }>> {
  const params = new URLSearchParams({
    query: selector,
    start: String(sinceMillis / 1000),
    end: String(Date.now() / 1000 + 60),
  });
  const body = (await getJson(`${prometheusUrl}/api/v1/query_exemplars?${params}`)) as
    | { data?: ExemplarSeries[] }
    | undefined;
  return (body?.data ?? [])
    .flatMap((series) =>
      series.exemplars.map((e) => ({
        traceId: e.labels.trace_id ?? '',
        seconds: Number(e.value),
        spanName: series.seriesLabels.span_name ?? '?',
      })),
    )
    .filter((e) => /^[0-9a-f]{32}$/.test(e.traceId))
    .sort((a, b) => b.seconds - a.seconds);
}

/** The path docs/stack.md step 3 describes: an exemplar on the graph leads to a trace in Jaeger. */
async function checkExemplars(since: number): Promise<void> {
  const fromService = await poll(`exemplars of ${serviceHistogram} in Prometheus`, 90_000, async () => {
    const found = await storedExemplars(serviceHistogram, since);
    return found.length > 0 ? found : undefined;
  });
  const slowest = fromService[0]!;
  step(
    `Prometheus: ${fromService.length} exemplars of ${serviceHistogram}; slowest ${slowest.spanName} ${slowest.seconds} s, trace ${slowest.traceId}`,
  );
  await poll(`exemplar trace ${slowest.traceId} in Jaeger`, 60_000, async () => {
    const body = (await getJson(`${jaegerUrl}/api/v3/traces/${slowest.traceId}`)) as { result?: OtlpTrace } | undefined;
    return body?.result ? spanNamesByService(body.result) : undefined;
  });
  step(`exemplar -> trace: ${jaegerUrl}/trace/${slowest.traceId} is in Jaeger`);
  const fromCollector = await poll('exemplars of the collector span metrics in Prometheus', 90_000, async () => {
    const found = await storedExemplars(
      'traces_span_metrics_duration_milliseconds_bucket{service_name="amanuensis"}',
      since,
    );
    return found.length > 0 ? found : undefined;
  });
  step(`Prometheus: ${fromCollector.length} exemplars of the collector's span metrics`);
}

/** Grafana, as the anonymous viewer a browser is: the dashboard, and its p99 query answered with exemplars. */
async function checkGrafana(): Promise<void> {
  const dashboard = (await poll('the provisioned dashboard in Grafana', 60_000, () =>
    getJson(`${grafanaUrl}/api/dashboards/uid/${dashboardUid}`),
  )) as {
    dashboard?: { panels?: Array<{ targets?: Array<{ expr?: string }> }> };
  };
  const expr = dashboard.dashboard?.panels
    ?.flatMap((panel) => panel.targets ?? [])
    .find((target) => target.expr?.includes(serviceHistogram))?.expr;
  if (!expr) throw new CheckFailed(`Grafana's dashboard ${dashboardUid} has no query on ${serviceHistogram}`);
  const traceIds = await poll('exemplars through Grafana (/api/ds/query)', 60_000, async () => {
    const response = await fetch(`${grafanaUrl}/api/ds/query`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        from: 'now-15m',
        to: 'now',
        queries: [
          {
            refId: 'A',
            datasource: { type: 'prometheus', uid: 'prometheus' },
            expr,
            exemplar: true,
            range: true,
            instant: false,
            intervalMs: 15_000,
            maxDataPoints: 200,
          },
        ],
      }),
      signal: AbortSignal.timeout(10_000),
    });
    if (!response.ok)
      throw new Error(`/api/ds/query answered ${response.status}: ${(await response.text()).slice(0, 200)}`);
    // Exemplars come back as a frame with a trace_id field; read every frame's trace_id values.
    const body = (await response.json()) as {
      results?: Record<
        string,
        { frames?: Array<{ schema?: { fields?: Array<{ name: string }> }; data?: { values?: unknown[][] } }> }
      >;
    };
    const ids = (body.results?.A?.frames ?? []).flatMap((frame) => {
      const index = frame.schema?.fields?.findIndex((field) => field.name === 'trace_id') ?? -1;
      return index >= 0 ? ((frame.data?.values?.[index] ?? []) as string[]) : [];
    });
    return ids.length > 0 ? ids : undefined;
  });
  step(
    `Grafana: dashboard ${dashboardUid} answers its p99 query with ${traceIds.length} exemplar trace ids (anonymous viewer)`,
  );
}

async function checkTrace(traceId: string): Promise<void> {
  const byService = await poll(`trace ${traceId} in Jaeger`, 60_000, async () => {
    const body = (await getJson(`${jaegerUrl}/api/v3/traces/${traceId}`)) as { result?: OtlpTrace } | undefined;
    const names = body?.result ? spanNamesByService(body.result) : undefined;
    // Spans of one trace arrive in several batches; wait until the stages are all there.
    return names?.get('amanuensis')?.has('transcribe') &&
      [...names.get('amanuensis')!].some((n) => n.startsWith('npu.'))
      ? names
      : undefined;
  });
  const service = [...byService.get('amanuensis')!];
  for (const expected of ['transcribe', 'audio.decode', 'mel', 'encoder', 'decoder']) {
    if (!service.includes(expected))
      throw new CheckFailed(`trace ${traceId} has no ${expected} span (has: ${service.join(', ')})`);
  }
  if (!service.some((name) => name.startsWith('POST ')))
    throw new CheckFailed(`trace ${traceId} has no HTTP SERVER span`);
  if (!byService.get('amanuensis-loadgen')?.size)
    throw new CheckFailed(`trace ${traceId} has no load generator CLIENT span: context did not propagate`);
  step(`trace ${traceId}: ${service.length} span names from amanuensis, joined by the load generator's client span`);
}

async function checkSpanMetrics(): Promise<void> {
  const query = encodeURIComponent(
    'sum(traces_span_metrics_calls_total{service_name="amanuensis",span_name="transcribe"})',
  );
  const calls = await poll('span metrics in Prometheus', 90_000, async () => {
    const body = (await getJson(`${prometheusUrl}/api/v1/query?query=${query}`)) as {
      data?: { result?: Array<{ value: [number, string] }> };
    };
    const value = Number(body?.data?.result?.[0]?.value[1]);
    return value > 0 ? value : undefined;
  });
  step(`Prometheus: ${calls} transcribe calls counted by the span_metrics connector`);
  const operations = await poll("stage spans in Jaeger's Monitor API", 120_000, async () => {
    const body = (await getJson(
      `${jaegerUrl}/api/metrics/calls?service=amanuensis&spanKind=internal&groupByOperation=true`,
    )) as {
      metrics?: Array<{ labels: Array<{ name: string; value: string }>; metricPoints: unknown[] }>;
    };
    const names = (body?.metrics ?? [])
      .filter((m) => m.metricPoints.length > 0)
      .flatMap((m) => m.labels.filter((l) => l.name === 'operation').map((l) => l.value));
    return names.includes('transcribe') ? names : undefined;
  });
  step(`Monitor tab (span kind Internal): ${operations.length} operations, e.g. ${operations.slice(0, 4).join(', ')}`);
}

interface CountsDoc {
  dropped_spans: number;
  spans: Array<{ name: string; count: number }>;
}

function transcribeCount(summary: CountsDoc): number {
  return summary.spans.find((entry) => entry.name === 'transcribe')?.count ?? 0;
}

/** collect, fed by the collector, counts every transcribe span the service counted itself. */
async function checkCollect(): Promise<void> {
  const service = (await getJson(`${serviceUrl}/v1/span-summary`)) as CountsDoc;
  const expected = transcribeCount(service) - service.dropped_spans;
  // collect rolls a trace up once it has been quiet for its completion wait (10 s by default).
  const counted = await poll(`collect's summary with ${expected} transcribe spans`, 60_000, async () => {
    const count = transcribeCount((await getJson(`${collectUrl}/v1/span-summary`)) as CountsDoc);
    return count >= expected && count > 0 ? count : undefined;
  });
  step(`collect: ${counted} transcribe spans, as the service counted them (${transcribeCount(service)})`);
}

async function run(suite: string): Promise<void> {
  await mkdir(resultsDir, { recursive: true });
  step('docker compose up -d --wait --build');
  await composeOrFail(['up', '-d', '--wait', '--build'], 15 * 60_000);

  const loadStarted = Date.now();
  step(`load generator, suite ${suite}`);
  // Exit 1 means a latency threshold failed: slow, but the telemetry path is what this checks.
  await composeOrFail(
    [
      'run',
      '--rm',
      'loadgen',
      'load',
      '--url',
      'http://service:8080',
      '--suite',
      suite,
      '--out',
      '/results/load-results.json',
    ],
    30 * 60_000,
    [0, 1],
  );
  await copyResults();
  const results = JSON.parse(await readFile(join(resultsDir, 'load-results.json'), 'utf8')) as {
    scenarios: Array<{ succeeded: number }>;
  };
  const succeeded = results.scenarios.reduce((sum, scenario) => sum + scenario.succeeded, 0);
  if (succeeded === 0) throw new CheckFailed('the load generator completed no request');
  step(`${succeeded} requests succeeded`);

  // The service rewrites the summary every 10 s; wait for one that includes this run.
  const exemplar = await poll('a span summary with transcribe exemplars', 45_000, () => slowestExemplar(loadStarted));
  step(`slowest transcribe exemplar: ${exemplar.durationMs.toFixed(1)} ms, trace ${exemplar.traceId}`);
  await checkTrace(exemplar.traceId);
  await checkSpanMetrics();
  await checkCollect();
  await checkExemplars(loadStarted);
  await checkGrafana();
  step(`ok: ${jaegerUrl}/trace/${exemplar.traceId}, ${grafanaUrl}/d/${dashboardUid}`);
}

async function main(): Promise<number> {
  let options: { suite: string; keep: boolean; help: boolean };
  try {
    const { values } = parseArgs({
      options: {
        suite: { type: 'string', default: 'quick' },
        keep: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    });
    options = { suite: values.suite, keep: values.keep, help: values.help };
    if (!['quick', 'standard'].includes(options.suite))
      throw new Error(`--suite must be quick or standard, not "${options.suite}"`);
  } catch (error) {
    process.stderr.write(
      `stack-check: ${error instanceof Error ? error.message : String(error)} (run with --help for usage)\n`,
    );
    return 2;
  }
  if (options.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if ((await docker(['info'])) !== 0 || (await docker(['compose', 'version'])) !== 0) {
    process.stderr.write(
      'stack-check: needs a running Docker engine and Compose v2 (`docker info` or `docker compose version` failed)\n',
    );
    return 2;
  }
  try {
    await run(options.suite);
    return 0;
  } catch (error) {
    process.stderr.write(`stack-check: FAILED: ${error instanceof Error ? error.message : String(error)}\n`);
    await compose(['ps'], 60_000);
    await compose(['logs', '--tail', '40', 'collector', 'collect', 'jaeger', 'service', 'grafana'], 60_000);
    return 1;
  } finally {
    if (!options.keep) {
      step('docker compose down -v');
      await compose(['down', '-v', '--remove-orphans'], 5 * 60_000);
    }
  }
}

process.exitCode = await main();
