/**
 * "Resources and scaling": the verdict on which shared resource limits throughput, and per
 * scenario every resource's utilization, queue and the utilization law's check beside it.
 */
import type { ScenarioResult } from '../loadgen/results.ts';
import { mainRequests, percent, resourceEntries } from './attribution.ts';
import { formatCount, MISSING } from './format.ts';
import { escapeHtml, htmlTable, num } from './html-util.ts';
import type { ReportRun } from './input.ts';
import { NEEDS_SPANS, needsPanel } from './needs.ts';
import { type ResourceCheck, resourceChecks, scalingVerdict, scenarioChecks, verdict } from './saturation.ts';

function rows(label: string, checks: readonly ResourceCheck[]) {
  return checks.map((c) => [
    label,
    c.resource.name,
    num(formatCount(c.resource.capacity)),
    c.saturated
      ? { html: `<strong class="bad">${escapeHtml(percent(c.resource.utilization))}</strong>`, numeric: true }
      : num(percent(c.resource.utilization)),
    num(c.resource.queue_mean.toFixed(2)),
    num(formatCount(c.resource.queue_max)),
    num(c.busyMsPerRequest.toFixed(1)),
    num(c.requestsPerS > 0 ? c.requestsPerS.toFixed(1) : MISSING),
    num(c.lawUtilization.toFixed(2)),
    c.saturated ? { html: '<strong class="bad">saturated</strong>' } : '',
  ]);
}

function verdictItem(scenario: ScenarioResult): string {
  const checks = scenarioChecks(scenario);
  return checks ? `<li><strong>${escapeHtml(scenario.name)}</strong>: ${escapeHtml(verdict(checks))}.</li>` : '';
}

const TITLE = 'Resources and scaling';

/** The panel; says plainly when the run has no resource figures. */
export function resourcesPanel(run: ReportRun): string {
  const whole = run.summary ? resourceEntries(run.summary) : [];
  const scenarios = run.load?.scenarios ?? [];
  const perScenario = scenarios.map((s) => ({ s, checks: scenarioChecks(s) }));
  if (whole.length === 0 && perScenario.every((p) => !p.checks)) {
    if (!run.summary) return needsPanel(TITLE, NEEDS_SPANS);
    return `<div class="panel"><h3>${TITLE}</h3><p class="note" role="note">This span summary has no resource figures (it was written by a version that did not meter the worker pool, the NPU columns and admission), so the report cannot say which one limits throughput.</p></div>`;
  }
  const headline = scalingVerdict(scenarios, run.load?.scaling_efficiency ?? null);
  const requests = (run.summary && mainRequests(run.summary)?.count) ?? scenarios.reduce((n, s) => n + s.requests, 0);
  const wholeWindowS = Math.max(0, ...whole.map((r) => r.window_ms)) / 1000;
  const wholeChecks = resourceChecks(whole, wholeWindowS > 0 ? requests / wholeWindowS : 0, requests);
  const table = htmlTable(
    'Resources per scenario: utilization, queue and the utilization law (throughput × busy time per request ÷ capacity)',
    [
      'scenario',
      'resource',
      'capacity',
      'utilization',
      'queue (mean)',
      'queue (max)',
      'busy ms per request',
      'req/s',
      'law: X·S/c',
      'verdict',
    ],
    [...perScenario.flatMap((p) => (p.checks ? rows(p.s.name, p.checks) : [])), ...rows('whole run', wholeChecks)],
  );
  return (
    `<div class="panel"><h3>${TITLE}</h3>` +
    (headline ? `<p class="verdict"><strong>${escapeHtml(headline)}</strong></p>` : '') +
    `<p class="muted">A resource is saturated when its utilization (busy time ÷ capacity ÷ time) is near 1 and work queues for it: it then sets the throughput, and more streams only wait. ` +
    `The law's column recomputes utilization from the scenario's throughput and the resource's busy time per request; it should match the measured one. ` +
    `The whole-run row spans the service's life, idle moments included.</p>` +
    `<details><summary>Every scenario's verdict and resources (table)</summary><ul>${perScenario.map((p) => verdictItem(p.s)).join('')}</ul>${table}</details>` +
    `</div>`
  );
}
