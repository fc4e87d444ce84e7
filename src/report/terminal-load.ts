/**
 * The text `amanuensis load` prints at the end of a run: one row per scenario, then what needs a
 * closer look (errors, the slowest requests' trace ids, the server's stage breakdown), scaling
 * efficiency and the threshold verdicts.
 */
import type { LoadResults, ScenarioResult } from '../loadgen/results.ts';
import { msNumber } from './format.ts';
import { table } from './text.ts';

/** How many of the slowest requests and server stages the text report lists per scenario. */
const SLOWEST_SHOWN = 3;
const STAGES_SHOWN = 8;

function scenarioRow(s: ScenarioResult): string[] {
  return [
    s.name,
    s.model === 'open' ? `${s.rate}/s` : String(s.streams),
    String(s.requests),
    String(s.succeeded),
    String(s.failed),
    s.late === undefined ? '-' : String(s.late),
    s.requests_per_s.toFixed(1),
    s.throughput_rtf === null ? 'n/a' : s.throughput_rtf.toFixed(2),
    msNumber(s.latency_ms.p50),
    msNumber(s.latency_ms.p90),
    msNumber(s.latency_ms.p99),
    msNumber(s.latency_ms.max),
    msNumber(s.ttfb_ms.p50),
    msNumber(s.client_event_loop_delay_p99_ms),
  ];
}

function details(s: ScenarioResult): string[] {
  const lines: string[] = [];
  const errors = Object.entries(s.errors);
  if (errors.length > 0) lines.push(`  errors: ${errors.map(([type, n]) => `${type} ${n}`).join(', ')}`);
  if (s.service_time_ms)
    lines.push(
      `  service time (from actual send): p50 ${msNumber(s.service_time_ms.p50)} p99 ${msNumber(s.service_time_ms.p99)} ms; send lag p99 ${msNumber(s.send_lag_ms?.p99)} ms`,
    );
  if (s.late)
    lines.push(
      `  late: ${s.late} requests waited for one of the ${s.max_in_flight} places in flight (--max-in-flight) instead of leaving on schedule`,
    );
  if (s.audio_s === null && s.succeeded > 0)
    lines.push('  RTF n/a: the audio length is unknown (not a WAV file, and the answer had no "duration")');
  const slow = s.slowest
    .slice(0, SLOWEST_SHOWN)
    .map(
      (r) =>
        `${msNumber(r.latency_ms)} ms ${r.trace_id ?? '(no trace id)'}${r.outcome === 'ok' ? '' : ` ${r.outcome}`}`,
    );
  if (slow.length > 0) lines.push(`  slowest: ${slow.join('; ')}`);
  if (s.server_stages) {
    const stages = s.server_stages.stages
      .slice(0, STAGES_SHOWN)
      .map((st) => `${st.name} ${st.count}x mean ${msNumber(st.mean_ms)} p99 ${msNumber(st.p99_ms)}`);
    if (stages.length > 0) lines.push(`  server stages (ms): ${stages.join('; ')}`);
  } else if (s.server_stages === null) {
    lines.push('  server stages: unavailable (the span summary was reset or not comparable)');
  }
  return lines.length > 0 ? [`${s.name}:`, ...lines] : [];
}

/** The load results as text; ends with a newline. */
export function renderLoadText(results: LoadResults): string {
  const header = [
    'scenario',
    'streams/rate',
    'requests',
    'ok',
    'failed',
    'late',
    'req/s',
    'RTF',
    'p50 ms',
    'p90 ms',
    'p99 ms',
    'max ms',
    'ttfb p50',
    'client loop p99',
  ];
  const out = [
    `target ${results.target}${results.suite ? `, suite ${results.suite}` : ''}`,
    table(header, results.scenarios.map(scenarioRow), false),
  ];
  const more = results.scenarios.flatMap(details);
  if (more.length > 0) out.push('', ...more);
  out.push(
    '',
    `scaling efficiency (8 vs 4 streams): ${results.scaling_efficiency === null ? 'n/a (needs a 4- and an 8-stream run of the same audio)' : results.scaling_efficiency.toFixed(3)}`,
  );
  const failed = results.thresholds.filter((check) => !check.passed);
  if (results.thresholds.length > 0) {
    out.push(
      failed.length === 0
        ? `thresholds: all ${results.thresholds.length} checks passed`
        : `thresholds: ${failed.length} of ${results.thresholds.length} checks FAILED`,
    );
    for (const check of failed)
      out.push(
        `  FAILED ${check.threshold} in '${check.scenario}' (actual ${Number.isFinite(check.actual) ? Number(check.actual.toFixed(4)) : 'n/a'})`,
      );
  }
  return `${out.join('\n')}\n`;
}
